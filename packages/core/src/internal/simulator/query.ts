/**
 * The list and search endpoints' parameters, checked like ASP.NET model binding does (a 400 in the validation
 * shape), and the filters they select payments with.
 */
import * as Payment from "../../Payment.js"
import * as ParisTime from "./parisTime.js"
import type { Form, PaymentRecord } from "./records.js"
import { fold } from "./records.js"

/** @internal */
export type Endpoint =
  | "token"
  | "listByForm"
  | "listByOrganization"
  | "search"
  | "get"
  | "refund"
  | "exportCashOut"
  | "setNotificationUrl"
  | "deleteNotificationUrl"
  | "authorize"
  | "disconnect"
  | "partnerOrganizations"
  | "setApiClientDomain"

/** @internal */
export type SortField = "Date" | "UpdateDate" | "CreationDate"

/** @internal */
export interface Query {
  readonly endpoint: "listByForm" | "listByOrganization" | "search"
  /** Inclusive lower bound, in ticks. */
  readonly from: number | undefined
  /** Upper bound in ticks: exclusive on the list endpoints, inclusive on search (as their docs say). */
  readonly to: number | undefined
  readonly toInclusive: boolean
  readonly states: ReadonlySet<string> | undefined
  readonly words: ReadonlyArray<string>
  readonly amount: number | undefined
  readonly formTypes: ReadonlySet<string> | undefined
  readonly formId: number | undefined
  readonly form: Form | undefined
  readonly userId: number | undefined
  readonly sortField: SortField
  readonly descending: boolean
  readonly pageSize: number
  readonly pageIndex: number
  readonly continuationToken: string | undefined
  readonly withCount: boolean
}

/** ASP.NET validation errors by parameter name. @internal */
export type FieldErrors = Record<string, Array<string>>

const enumParser = (values: ReadonlyArray<string>) => {
  const byFolded = new Map(values.map((v) => [v.toLowerCase(), v]))
  return (text: string): string | undefined => byFolded.get(text.trim().toLowerCase())
}

const parseState = enumParser(Payment.PaymentState.known)
/** Form types are read case-insensitively, like ASP.NET binds enums. @internal */
export const parseFormType = enumParser(Payment.FormType.known)
const parseSortField = enumParser(Payment.SortField.known) as (text: string) => SortField | undefined
const parseSortOrder = enumParser(Payment.SortOrder.known)

const INT = /^[+-]?\d{1,10}$/

const parseInt32 = (text: string): number | undefined => {
  if (!INT.test(text.trim())) return undefined
  const n = Number(text)
  return n >= -2_147_483_648 && n <= 2_147_483_647 ? n : undefined
}

const parseBoolean = (text: string): boolean | undefined => {
  const folded = text.trim().toLowerCase()
  return folded === "true" ? true : folded === "false" ? false : undefined
}

/** Reads the query string like ASP.NET: keys are case-insensitive, arrays are repeated keys. @internal */
export const readParams = (search: URLSearchParams): ReadonlyMap<string, ReadonlyArray<string>> => {
  const params = new Map<string, Array<string>>()
  for (const [key, value] of search) {
    const name = key.toLowerCase()
    const list = params.get(name)
    if (list === undefined) params.set(name, [value])
    else list.push(value)
  }
  return params
}

/** @internal */
export const parseQuery = (
  endpoint: Query["endpoint"],
  params: ReadonlyMap<string, ReadonlyArray<string>>,
  form: Form | undefined
): { readonly query: Query } | { readonly errors: FieldErrors } => {
  const errors: FieldErrors = {}
  const invalid = (name: string, value: string) => {
    ;(errors[name] ??= []).push(`The value '${value}' is not valid for ${name}.`)
  }
  const single = <A>(name: string, parse: (text: string) => A | undefined): A | undefined => {
    const values = params.get(name.toLowerCase())
    if (values === undefined || values.length === 0) return undefined
    const text = values[values.length - 1]!
    if (text === "") return undefined
    const parsed = parse(text)
    if (parsed === undefined) invalid(name, text)
    return parsed
  }
  const list = (name: string, parse: (text: string) => string | undefined): ReadonlySet<string> | undefined => {
    const values = (params.get(name.toLowerCase()) ?? []).filter((v) => v !== "")
    if (values.length === 0) return undefined
    const parsed = new Set<string>()
    for (const value of values) {
      const item = parse(value)
      if (item === undefined) invalid(name, value)
      else parsed.add(item)
    }
    return parsed
  }

  const from = single("from", ParisTime.parse)
  const to = single("to", ParisTime.parse)
  const states = list("states", parseState)
  const searchKey = single(endpoint === "search" ? "searchKey" : "userSearchKey", (text) => text)
  const amount = endpoint === "search" ? single("amount", parseInt32) : undefined
  const userId = endpoint === "search" ? single("userId", parseInt32) : undefined
  const formId = endpoint === "search" ? single("formId", parseInt32) : undefined
  const formTypes = endpoint === "search" ? list("formTypes", parseFormType) : undefined
  const formType = endpoint === "search" ? single("formType", parseFormType) : undefined
  const sortField = single("sortField", parseSortField) ?? "Date"
  const sortOrder = single("sortOrder", parseSortOrder) ?? "Desc"
  const pageSize = single("pageSize", parseInt32) ?? 20
  const pageIndex = endpoint === "search" ? 1 : single("pageIndex", parseInt32) ?? 1
  const continuationToken = single("continuationToken", (text) => text)
  const withCount = endpoint === "search" ? false : single("withCount", parseBoolean) ?? false

  if (pageSize < 1 || pageSize > 100) {
    ;(errors["pageSize"] ??= []).push("The field pageSize must be between 1 and 100.")
  }
  if (pageIndex < 1) {
    ;(errors["pageIndex"] ??= []).push("The field pageIndex must be greater than or equal to 1.")
  }
  if (Object.keys(errors).length > 0) return { errors }

  const allFormTypes = formType === undefined ? formTypes : new Set([...(formTypes ?? []), formType])
  return {
    query: {
      endpoint,
      from,
      to,
      toInclusive: endpoint === "search",
      states,
      words: searchKey === undefined ? [] : fold(searchKey).split(/\s+/).filter((w) => w !== ""),
      amount,
      formTypes: allFormTypes,
      formId,
      form,
      userId,
      sortField,
      descending: sortOrder !== "Asc",
      pageSize,
      pageIndex,
      continuationToken,
      withCount
    }
  }
}

const foldCache = new Map<string, string>()

const folded = (text: string | null): string => {
  if (text === null) return ""
  let result = foldCache.get(text)
  if (result === undefined) {
    result = fold(text)
    if (foldCache.size > 100_000) foldCache.clear()
    foldCache.set(text, result)
  }
  return result
}

const matchesWords = (record: PaymentRecord, words: ReadonlyArray<string>): boolean => {
  const { payer, user } = record
  const haystack = [payer.firstName, payer.lastName, payer.email, user.firstName, user.lastName, user.email]
    .map(folded)
  return words.every((word) => haystack.some((field) => field.includes(word)))
}

/** Whether a payment passes the filters other than the date range. @internal */
export const matches = (query: Query, record: PaymentRecord): boolean => {
  if (query.form !== undefined && record.form !== query.form) return false
  if (query.formTypes !== undefined && !query.formTypes.has(record.form.formType)) return false
  if (query.formId !== undefined && record.form.id !== query.formId) return false
  if (query.states !== undefined && !query.states.has(record.state)) return false
  if (query.userId !== undefined && record.user.id !== query.userId) return false
  if (
    query.amount !== undefined && record.amount !== query.amount &&
    record.amount - (record.amountTip ?? 0) !== query.amount
  ) return false
  return query.words.length === 0 || matchesWords(record, query.words)
}

/** The sort key of a payment for a sort field, in ticks. @internal */
export const sortKey = (field: SortField, record: PaymentRecord): number =>
  field === "Date" ? record.ticks : field === "UpdateDate" ? record.updateTicks : record.orderTicks
