import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Redacted from "effect/Redacted"
import type * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as HelloAssoClient from "../HelloAssoClient.js"
import type { DecodeError } from "../HelloAssoError.js"
import { RefundOutcomeUnknown, ValidationError } from "../HelloAssoError.js"
import * as Payment from "../Payment.js"
import type * as Payments from "../Payments.js"
import * as Pagination from "./pagination.js"
import * as Params from "./params.js"
import * as ResponseError from "./responseError.js"
import * as Windows from "./windows.js"

type Query = Array<readonly [string, string]>

interface DateParam {
  readonly iso: string
  readonly millis: number
}

/** What every listing's checked parameters have. */
interface ListingParams {
  readonly organizationSlug: string
  readonly from?: DateParam | undefined
  readonly to?: DateParam | undefined
  readonly sortField?: string | undefined
  readonly sortOrder?: string | undefined
  readonly pageSize?: number | undefined
  readonly pageIndex?: number | undefined
  readonly continuationToken?: string | undefined
  readonly formSlug?: string | undefined
}

/**
 * One listing endpoint: how its parameters are checked, the request for one page (after the page whose
 * continuation token is given), answered as text, and how that text is decoded.
 */
interface Listing<P extends ListingParams, A> {
  readonly params: Schema.Schema<P, any>
  readonly request: (
    params: P,
    operation: string,
    token: string | undefined
  ) => Effect.Effect<string, Payments.ReadError>
  readonly decode: (operation: string) => (body: string) => Effect.Effect<Payment.Page<A>, DecodeError>
  /** Whether the listing can run over parallel date windows (the list endpoints; `to` is exclusive there). */
  readonly windows: boolean
}

/** One page of a listing, decoded. */
const pageOf = <P extends ListingParams, A>(
  listing: Listing<P, A>,
  params: P,
  operation: string,
  token: string | undefined
): Effect.Effect<Payment.Page<A>, Payments.ReadError> =>
  Effect.flatMap(listing.request(params, operation, token), listing.decode(operation))

/** The query of the list endpoints; arrays go as repeated keys: `states=Authorized&states=Refunded`. */
const listQuery = (
  params: ListingParams & {
    readonly userSearchKey?: string | undefined
    readonly states?: ReadonlyArray<string> | undefined
    readonly withCount?: boolean | undefined
  },
  token: string | undefined
): Query => {
  const query: Query = []
  if (params.from !== undefined) query.push(["from", params.from.iso])
  if (params.to !== undefined) query.push(["to", params.to.iso])
  if (params.userSearchKey !== undefined) query.push(["userSearchKey", params.userSearchKey])
  for (const state of params.states ?? []) query.push(["states", state])
  if (params.sortField !== undefined) query.push(["sortField", params.sortField])
  if (params.sortOrder !== undefined) query.push(["sortOrder", params.sortOrder])
  if (params.pageSize !== undefined) query.push(["pageSize", String(params.pageSize)])
  if (token !== undefined) query.push(["continuationToken", token])
  else if (params.pageIndex !== undefined) query.push(["pageIndex", String(params.pageIndex)])
  if (params.withCount !== undefined) query.push(["withCount", String(params.withCount)])
  return query
}

const searchQuery = (params: Params.SearchParamsType, token: string | undefined): Query => {
  const query: Query = []
  if (params.from !== undefined) query.push(["from", params.from.iso])
  if (params.to !== undefined) query.push(["to", params.to.iso])
  if (params.pageSize !== undefined) query.push(["pageSize", String(params.pageSize)])
  if (token !== undefined) query.push(["continuationToken", token])
  for (const formType of params.formTypes ?? []) query.push(["formTypes", formType])
  if (params.formType !== undefined) query.push(["formType", params.formType])
  for (const state of params.states ?? []) query.push(["states", state])
  if (params.userId !== undefined) query.push(["userId", String(params.userId)])
  if (params.searchKey !== undefined) query.push(["searchKey", params.searchKey])
  if (params.amount !== undefined) query.push(["amount", String(params.amount)])
  if (params.sortOrder !== undefined) query.push(["sortOrder", params.sortOrder])
  if (params.sortField !== undefined) query.push(["sortField", params.sortField])
  return query
}

const ACCEPT = {
  json: "application/json",
  csv: "text/csv",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
} as const

const DEFAULT_PREFETCH = 1

const MFA_HEADERS = {
  accessToken: "x-mfa-access-authorization",
  smsAccessToken: "x-mfa-sms-access-authorization",
  passwordToken: "x-mfa-password-authorization"
} as const

const invalid = (operation: string, field: string, detail: string) =>
  Effect.fail(new ValidationError({ operation, source: "client", field, detail }))

const checked = <A, I>(schema: Schema.Schema<A, I>, input: unknown, operation: string) =>
  Either.match(Params.validate(schema, input, operation), { onLeft: Effect.fail, onRight: Effect.succeed })

const dateOf = (payment: unknown): DateTime.DateTime => (payment as { readonly date: DateTime.DateTime }).date

const attributes = (params: ListingParams) => ({
  "helloasso.organization": params.organizationSlug,
  "helloasso.page_size": params.pageSize ?? 20,
  ...(params.formSlug === undefined ? {} : { "helloasso.form": params.formSlug })
})

/** @internal */
export const make = Effect.gen(function*() {
  const client = yield* HelloAssoClient.HelloAssoClient

  /** A listing of `GET {path}`: its query built from the checked parameters and the token. */
  const listing = <P extends ListingParams, A, I>(options: {
    readonly params: Schema.Schema<P, any>
    readonly windows: boolean
    readonly path: (params: P) => ReadonlyArray<string>
    readonly query: (params: P, token: string | undefined) => Query
    readonly page: Schema.Schema<Payment.Page<A>, I>
  }): Listing<P, A> => ({
    params: options.params,
    windows: options.windows,
    request: (params, operation, token) =>
      client.text({
        operation,
        method: "GET",
        path: options.path(params),
        query: options.query(params, token)
      }),
    decode: (operation) => HelloAssoClient.decodeJson(operation, options.page)
  })

  const listings = {
    form: listing({
      params: Params.FormParams,
      windows: true,
      path: (p) => ["organizations", p.organizationSlug, "forms", p.formType, p.formSlug, "payments"],
      query: listQuery,
      page: Payment.PaymentPage
    }),
    organization: listing({
      params: Params.OrganizationParams,
      windows: true,
      path: (p) => ["organizations", p.organizationSlug, "payments"],
      query: listQuery,
      page: Payment.PaymentPage
    }),
    search: listing({
      params: Params.SearchParams,
      windows: false,
      path: (p) => ["organizations", p.organizationSlug, "payments", "search"],
      query: searchQuery,
      page: Payment.PublicPaymentPage
    })
  }

  /** One page. */
  const one = <P extends ListingParams, A>(listing: Listing<P, A>, operation: string) => (input: unknown) =>
    Effect.flatMap(
      checked(listing.params, input, operation),
      (params) =>
        pageOf(listing, params, operation, params.continuationToken).pipe(
          Effect.tap((page) => Effect.annotateCurrentSpan("helloasso.payments", page.data.length)),
          Effect.withSpan(operation, { attributes: attributes(params) })
        )
    )

  /** Every page: one after the other, or over parallel date windows when `concurrency` > 1. */
  const every = <P extends ListingParams, A>(listing: Listing<P, A>, operation: string) =>
  (
    input: unknown,
    options: Payments.WindowOptions | undefined
  ): Stream.Stream<Payment.Page<A>, Payments.ReadError> =>
    Stream.unwrap(Effect.gen(function*() {
      const params = yield* checked(listing.params, input, operation)
      const opts = yield* checked(Params.StreamOptions, options ?? {}, operation)
      const prefetch = opts.prefetch ?? DEFAULT_PREFETCH
      const concurrency = listing.windows ? opts.concurrency ?? 1 : 1
      const span = Stream.withSpan(operation, {
        attributes: { ...attributes(params), "helloasso.concurrency": concurrency }
      })
      if (concurrency === 1) {
        return Pagination.pages({
          operation,
          start: params.continuationToken,
          request: (token) => listing.request(params, operation, token),
          decode: listing.decode(operation),
          prefetch
        }).pipe(span)
      }
      if (params.continuationToken !== undefined) {
        return yield* invalid(
          operation,
          "continuationToken",
          "a listing over date windows cannot resume from a token: use concurrency 1"
        )
      }
      if (params.sortField !== undefined && params.sortField !== "Date") {
        return yield* invalid(operation, "concurrency", "date windows need sortField \"Date\"")
      }
      // the bounds the caller left open: one cheap query each, for the first and the last payment
      const edge = (sortOrder: "Asc" | "Desc") =>
        Effect.map(
          pageOf(listing, { ...params, pageSize: 1, pageIndex: undefined, sortOrder }, operation, undefined),
          (page) => page.data[0] === undefined ? undefined : DateTime.toEpochMillis(dateOf(page.data[0]))
        )
      const [first, last] = yield* Effect.all([
        params.from === undefined ? edge("Asc") : Effect.succeed(undefined),
        params.to === undefined ? edge("Desc") : Effect.succeed(undefined)
      ], { concurrency: 2 })
      const from = params.from ??
        (first === undefined ? undefined : { iso: new Date(first).toISOString(), millis: first })
      // `to` is exclusive: just after the last payment (dates are read to the millisecond, truncated)
      const to = params.to ??
        (last === undefined ? undefined : { iso: new Date(last + 1).toISOString(), millis: last + 1 })
      if (from === undefined || to === undefined) return Stream.empty
      return Windows.stream({
        windows: Windows.plan({
          from,
          to,
          count: concurrency * Windows.WINDOWS_PER_LANE,
          descending: params.sortOrder !== "Asc"
        }),
        concurrency,
        ordered: opts.ordered ?? true,
        buffer: Math.max(Windows.PAGES_AHEAD, prefetch),
        pages: (window) =>
          Pagination.pages({
            operation,
            start: undefined,
            request: (token) => listing.request({ ...params, from: window.from, to: window.to }, operation, token),
            decode: listing.decode(operation),
            prefetch: 0
          })
      }).pipe(Stream.mapError(Pagination.withoutContinuationToken), span)
    }))

  const pagesByForm = every(listings.form, "Payments.pagesByForm")
  const pagesByOrganization = every(listings.organization, "Payments.pagesByOrganization")
  const pagesSearch = every(listings.search, "Payments.pagesSearch")

  const exportByOrganization: Payments.Service["exportByOrganization"] = (input) =>
    Stream.unwrap(
      Effect.map(checked(Params.ExportParams, input, "Payments.exportByOrganization"), (params) =>
        client.bytes({
          operation: "Payments.exportByOrganization",
          method: "GET",
          path: ["organizations", params.organizationSlug, "payments"],
          query: listQuery(params, undefined),
          accept: ACCEPT[params.format]
        }).pipe(
          Stream.withSpan("Payments.exportByOrganization", {
            attributes: { "helloasso.organization": params.organizationSlug, "helloasso.format": params.format }
          })
        ))
    )

  const exportCashOut: Payments.Service["exportCashOut"] = (input) =>
    Stream.unwrap(
      Effect.map(checked(Params.CashOutExportParams, input, "Payments.exportCashOut"), (params) =>
        client.bytes({
          operation: "Payments.exportCashOut",
          method: "GET",
          path: ["organizations", params.organizationSlug, "cash-out", String(params.cashOutId), "export"],
          accept: ACCEPT[params.format]
        }).pipe(
          Stream.withSpan("Payments.exportCashOut", {
            attributes: { "helloasso.organization": params.organizationSlug, "helloasso.cash_out_id": params.cashOutId }
          })
        ))
    )

  const get: Payments.Service["get"] = (paymentId, options) =>
    Effect.flatMap(checked(Params.GetParams, { ...options, paymentId }, "Payments.get"), (params) =>
      client.json({
        operation: "Payments.get",
        method: "GET",
        path: ["payments", String(params.paymentId)],
        query: params.withFailedRefundOperation === undefined
          ? []
          : [["withFailedRefundOperation", String(params.withFailedRefundOperation)]]
      }, Payment.PaymentDetail).pipe(
        Effect.withSpan("Payments.get", { attributes: { "helloasso.payment_id": params.paymentId } })
      ))

  const refund: Payments.Service["refund"] = (paymentId, options) =>
    Effect.flatMap(checked(Params.RefundParams, { ...options, paymentId }, "Payments.refund"), (params) => {
      const operation = "Payments.refund"
      const query: Query = []
      // amount in cents; absent means a full refund
      if (params.amount !== undefined && params.amount > 0) query.push(["amount", String(params.amount)])
      if (params.comment !== undefined) query.push(["comment", params.comment])
      if (params.cancelOrder !== undefined) query.push(["cancelOrder", String(params.cancelOrder)])
      if (params.sendRefundMail !== undefined) query.push(["sendRefundMail", String(params.sendRefundMail)])
      const headers: Record<string, Redacted.Redacted<string>> = {}
      for (const [option, header] of Object.entries(MFA_HEADERS)) {
        const token = params.mfa?.[option as keyof typeof MFA_HEADERS]
        if (token !== undefined) headers[header] = token
      }
      const unknown = (detail: string) => new RefundOutcomeUnknown({ operation, paymentId: params.paymentId, detail })
      return client.json(
        { operation, method: "POST", path: ["payments", String(params.paymentId), "refund"], query, headers },
        Payment.RefundOperation,
        { mapError: (response) => ResponseError.refundError({ ...response, paymentId: params.paymentId }) }
      ).pipe(
        Effect.catchTags({
          // the request may have reached HelloAsso: the refund may or may not have been made
          TransportError: (error) =>
            error.reason === "Connect" ? Effect.fail(error) : Effect.fail(unknown(error.message)),
          DecodeError: (error) => Effect.fail(unknown(`the answer could not be read: ${error.message}`))
        }),
        Effect.withSpan(operation, {
          attributes: {
            "helloasso.payment_id": params.paymentId,
            "helloasso.refund_amount": params.amount ?? 0,
            "helloasso.mfa": params.mfa !== undefined
          }
        })
      )
    })

  const service: Payments.Service = {
    listByForm: one(listings.form, "Payments.listByForm"),
    pagesByForm,
    streamByForm: (params, options) => Pagination.items(pagesByForm(params, options)),
    listByOrganization: one(listings.organization, "Payments.listByOrganization"),
    pagesByOrganization,
    streamByOrganization: (params, options) => Pagination.items(pagesByOrganization(params, options)),
    exportByOrganization,
    exportCashOut,
    search: one(listings.search, "Payments.search"),
    pagesSearch,
    streamSearch: (params, options) => Pagination.items(pagesSearch(params, options)),
    get,
    refund
  }
  return service
})
