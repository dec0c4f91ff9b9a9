/**
 * The payments operations, each declared once as an endpoint (method, path, params and where each goes on the
 * wire, answer, errors), and the `Payments` service built from them: one page, every page, every payment.
 */
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as CashOut from "../CashOut.js"
import * as HelloAssoClient from "../HelloAssoClient.js"
import { RefundOutcomeUnknown, ValidationError } from "../HelloAssoError.js"
import * as Payment from "../Payment.js"
import type * as Payments from "../Payments.js"
import * as Client from "./client.js"
import * as Pacing from "./pacing.js"
import * as Pagination from "./pagination.js"
import * as Params from "./params.js"
import * as ResponseError from "./responseError.js"
import * as Windows from "./windows.js"

const optional = Schema.optional

/** Read by the declaration, not sent as a parameter. */
const notSent = HelloAssoClient.placed({ in: "none" })

const ACCEPT = {
  json: "application/json",
  csv: "text/csv",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
} as const

const Format = <F extends keyof typeof ACCEPT>(...formats: ReadonlyArray<F>) =>
  Schema.Literal(...formats).annotations({
    message: () => `must be ${formats.map((format) => `"${format}"`).join(", ").replace(/, ([^,]*)$/, " or $1")}`,
    ...notSent
  })

/** The filters of the list endpoints and of the export, in the order they are sent. */
const filterFields = {
  organizationSlug: Params.Slug,
  from: optional(Params.DateInput),
  to: optional(Params.DateInput),
  userSearchKey: optional(Params.Text(200)),
  // arrays go as repeated keys: `states=Authorized&states=Refunded`
  states: optional(Schema.Array(Params.PaymentState)),
  sortField: optional(Params.SortField),
  sortOrder: optional(Params.SortOrder)
}

const listFields = {
  ...filterFields,
  pageSize: optional(Params.PageSize),
  continuationToken: optional(Params.ContinuationToken),
  pageIndex: optional(Params.PositiveInt32),
  withCount: optional(Schema.Boolean)
}

const Page = { json: Payment.PaymentPage, search: Payment.PublicPaymentPage }

const listing = { operation: "Payments.listByOrganization", method: "GET", success: Page.json } as const

/** `GET /organizations/{organizationSlug}/forms/{formType}/{formSlug}/payments` */
const listByForm = {
  ...listing,
  operation: "Payments.listByForm",
  path: "/organizations/{organizationSlug}/forms/{formType}/{formSlug}/payments",
  params: Schema.Struct({ ...listFields, formType: Params.FormType, formSlug: Params.Slug }).pipe(
    Schema.filter(Params.dateRange)
  )
} satisfies HelloAssoClient.Endpoint<any, Payment.Page<Payment.Payment>>

/** `GET /organizations/{organizationSlug}/payments` */
const listByOrganization = {
  ...listing,
  path: "/organizations/{organizationSlug}/payments",
  params: Schema.Struct(listFields).pipe(Schema.filter(Params.dateRange))
} satisfies HelloAssoClient.Endpoint<any, Payment.Page<Payment.Payment>>

/** `GET /organizations/{organizationSlug}/payments/search` (2024 spec): continuation tokens only. */
const search = {
  operation: "Payments.search",
  method: "GET",
  path: "/organizations/{organizationSlug}/payments/search",
  params: Schema.Struct({
    organizationSlug: Params.Slug,
    from: optional(Params.DateInput),
    to: optional(Params.DateInput),
    pageSize: optional(Params.PageSize),
    continuationToken: optional(Params.ContinuationToken),
    formTypes: optional(Schema.Array(Params.FormType)),
    formType: optional(Params.FormType),
    states: optional(Schema.Array(Params.PaymentState)),
    userId: optional(Params.PositiveInt32),
    searchKey: optional(Params.Text(200)),
    amount: optional(Params.Cents),
    sortOrder: optional(Params.SortOrder),
    sortField: optional(Params.SortField)
  }).pipe(Schema.filter(Params.dateRange)),
  success: Page.search
} satisfies HelloAssoClient.Endpoint<any, Payment.Page<Payment.PublicPayment>>

/** The organization's payments as HelloAsso's own CSV or XLSX export (`Accept`), on the list endpoint. */
const exportByOrganization = {
  operation: "Payments.exportByOrganization",
  method: "GET",
  path: "/organizations/{organizationSlug}/payments",
  params: Schema.Struct({ ...filterFields, format: Format("csv", "xlsx") }).pipe(Schema.filter(Params.dateRange)),
  success: Schema.Unknown,
  accept: (params) => ACCEPT[params.format],
  attributes: (params) => ({ "helloasso.organization": params.organizationSlug, "helloasso.format": params.format })
} satisfies HelloAssoClient.Endpoint<{ readonly organizationSlug: string; readonly format: "csv" | "xlsx" }, unknown>

/** `GET /organizations/{organizationSlug}/cash-out/{cashOutId}/export` (2026 spec): JSON, CSV or XLSX. */
const exportCashOut = {
  operation: "Payments.exportCashOut",
  method: "GET",
  path: "/organizations/{organizationSlug}/cash-out/{cashOutId}/export",
  params: Schema.Struct({
    organizationSlug: Params.Slug,
    cashOutId: Params.PositiveInt32,
    format: Format("csv", "xlsx", "json")
  }),
  success: CashOut.Export,
  accept: (params) => ACCEPT[params.format],
  attributes: (params) => ({
    "helloasso.organization": params.organizationSlug,
    "helloasso.cash_out_id": params.cashOutId,
    "helloasso.format": params.format
  })
} satisfies HelloAssoClient.Endpoint<
  { readonly organizationSlug: string; readonly cashOutId: number; readonly format: keyof typeof ACCEPT },
  ReadonlyArray<CashOut.ExportRow>
>

/** The same export in its JSON form, decoded. */
const cashOut = {
  ...exportCashOut,
  operation: "Payments.cashOut",
  params: Schema.Struct({ organizationSlug: Params.Slug, cashOutId: Params.PositiveInt32 }),
  accept: () => ACCEPT.json,
  attributes: (params) => ({
    "helloasso.organization": params.organizationSlug,
    "helloasso.cash_out_id": params.cashOutId
  })
} satisfies HelloAssoClient.Endpoint<
  { readonly organizationSlug: string; readonly cashOutId: number },
  ReadonlyArray<CashOut.ExportRow>
>

/** `GET /payments/{paymentId}` */
const get = {
  operation: "Payments.get",
  method: "GET",
  path: "/payments/{paymentId}",
  params: Schema.Struct({
    paymentId: Params.PositiveInt32,
    withFailedRefundOperation: optional(Schema.Boolean)
  }),
  success: Payment.PaymentDetail,
  attributes: (params) => ({ "helloasso.payment_id": params.paymentId })
} satisfies HelloAssoClient.Endpoint<{ readonly paymentId: number }, Payment.PaymentDetail>

interface RefundParams {
  readonly paymentId: number
  readonly amount?: number | undefined
  readonly mfa?: object | undefined
}

/** `POST /payments/{paymentId}/refund`: never retried once it may have reached HelloAsso. */
const refund = {
  operation: "Payments.refund",
  method: "POST",
  path: "/payments/{paymentId}/refund",
  params: Schema.Struct({
    paymentId: Params.PositiveInt32,
    // in cents; absent or 0 means a full refund, and 0 is not sent
    amount: optional(Params.Cents).annotations(HelloAssoClient.placed({ in: "query", skip: (amount) => amount === 0 })),
    comment: optional(Params.Text(1000, true)),
    cancelOrder: optional(Schema.Boolean),
    sendRefundMail: optional(Schema.Boolean),
    mfa: optional(Params.MfaTokens).annotations(HelloAssoClient.placed({ in: "headers", names: Params.MFA_HEADERS }))
  }),
  success: Payment.RefundOperation,
  mapError: (response, params) => ResponseError.refundError({ ...response, paymentId: params.paymentId }),
  // the request may have reached HelloAsso: the refund may or may not have been made
  outcomeUnknown: (params, detail) =>
    new RefundOutcomeUnknown({ operation: "Payments.refund", paymentId: params.paymentId, detail }),
  attributes: (params) => ({
    "helloasso.payment_id": params.paymentId,
    "helloasso.refund_amount": params.amount ?? 0,
    "helloasso.mfa": params.mfa !== undefined
  })
} satisfies HelloAssoClient.Endpoint<RefundParams, Payment.RefundOperation, Payments.RefundError>

/** What every listing's checked parameters have. */
interface ListingParams {
  readonly organizationSlug: string
  readonly from?: Windows.Bound | undefined
  readonly to?: Windows.Bound | undefined
  readonly sortField?: string | undefined
  readonly sortOrder?: string | undefined
  readonly pageSize?: number | undefined
  readonly pageIndex?: number | undefined
  readonly continuationToken?: string | undefined
  readonly formSlug?: string | undefined
}

type Listing<P extends ListingParams, A> = HelloAssoClient.Endpoint<P, Payment.Page<A>>

const DEFAULT_PREFETCH = 1

const invalid = (operation: string, field: string, detail: string) =>
  Effect.fail(new ValidationError({ operation, source: "client", field, detail }))

const dateOf = (payment: unknown): Option.Option<DateTime.DateTime> => {
  const date = (payment as { readonly date: unknown }).date
  return Option.isOption(date) ? date as Option.Option<DateTime.DateTime> : Option.some(date as DateTime.DateTime)
}

const attributes = (params: ListingParams) => ({
  "helloasso.organization": params.organizationSlug,
  "helloasso.page_size": params.pageSize ?? 20,
  ...(params.formSlug === undefined ? {} : { "helloasso.form": params.formSlug })
})

/** @internal */
export const make = Effect.gen(function*() {
  const client = yield* HelloAssoClient.HelloAssoClient

  /** The request of the page after the one whose continuation token is given (offset paging only without one). */
  const pageRequest = <P extends ListingParams, A>(
    endpoint: Listing<P, A>,
    params: P,
    operation: string,
    token: string | undefined
  ): HelloAssoClient.Request =>
    HelloAssoClient.toRequest(endpoint, {
      ...params,
      continuationToken: token,
      pageIndex: token === undefined ? params.pageIndex : undefined
    }, operation)

  const decodePage = <P extends ListingParams, A>(endpoint: Listing<P, A>, operation: string) =>
    HelloAssoClient.decodeJson(operation, endpoint.success)

  /**
   * The page after the one whose continuation token is given, as bytes when the client gives them: pagination
   * makes the text where it parses it (see `Transport.readBoundedBytes`).
   */
  const pageBody =
    <P extends ListingParams, A>(endpoint: Listing<P, A>, params: P, operation: string) =>
    (token: string | undefined): Effect.Effect<string | Uint8Array, Payments.ReadError> =>
      Client.bodyOf(client)(pageRequest(endpoint, params, operation, token))

  /** A page's body, parsed then decoded in two steps: pagination reads the next token in between. */
  const pageCodec = <P extends ListingParams, A>(endpoint: Listing<P, A>, operation: string) => ({
    parse: Client.parseJson(operation),
    decode: Client.decodeParsed(operation, endpoint.success)
  })

  const pageOf = <P extends ListingParams, A>(
    endpoint: Listing<P, A>,
    params: P,
    operation: string,
    token: string | undefined
  ): Effect.Effect<Payment.Page<A>, Payments.ReadError> =>
    Effect.flatMap(client.text(pageRequest(endpoint, params, operation, token)), decodePage(endpoint, operation))

  /** One page. */
  const one = <P extends ListingParams, A>(endpoint: Listing<P, A>, operation: string) => (input: unknown) =>
    Effect.flatMap(
      HelloAssoClient.validate(endpoint, input, operation),
      (params) =>
        pageOf(endpoint, params, operation, params.continuationToken).pipe(
          Effect.tap((page) => Effect.annotateCurrentSpan("helloasso.payments", page.data.length)),
          Effect.withSpan(operation, { attributes: attributes(params) })
        )
    )

  /** Every page: one after the other, or over parallel date windows when `concurrency` > 1. */
  const every = <P extends ListingParams, A>(endpoint: Listing<P, A>, operation: string, windows: boolean) =>
  (
    input: unknown,
    options: Payments.WindowOptions | undefined
  ): Stream.Stream<Payment.Page<A>, Payments.ReadError> =>
    Stream.unwrap(Effect.gen(function*() {
      const params = yield* HelloAssoClient.validate(endpoint, input, operation)
      const opts = yield* Params.validate(Params.StreamOptions, options ?? {}, operation)
      const prefetch = opts.prefetch ?? DEFAULT_PREFETCH
      const concurrency = windows ? opts.concurrency ?? 1 : 1
      const span = Stream.withSpan(operation, {
        attributes: { ...attributes(params), "helloasso.concurrency": concurrency }
      })
      const sequential = Pagination.pages({
        operation,
        start: params.continuationToken,
        request: pageBody(endpoint, params, operation),
        ...pageCodec(endpoint, operation),
        prefetch
      }).pipe(span)
      if (concurrency === 1) return sequential
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
      const descending = params.sortOrder !== "Asc"
      // requests of this listing start at the pace its 429s teach, if any
      const pacing = Pacing.make()
      const paced = <A, E>(effect: Effect.Effect<A, E>) => Effect.locally(effect, Client.currentGate, pacing)
      const millisOf = (payment: A) => Option.getOrUndefined(Option.map(dateOf(payment), DateTime.toEpochMillis))
      // the far end the caller left open: one cheap query for the payment there (an undated one leaves no bound to
      // split on: the listing stays one window, as with concurrency 1)
      const edge = Effect.map(
        pageOf(
          endpoint,
          {
            ...params,
            pageSize: 1,
            pageIndex: undefined,
            sortOrder: descending ? "Asc" : "Desc"
          },
          operation,
          undefined
        ),
        (page) => page.data[0] === undefined ? undefined : millisOf(page.data[0])
      )
      return Windows.stream({
        concurrency,
        ordered: opts.ordered ?? true,
        buffer: Math.max(Windows.PAGES_AHEAD, prefetch),
        pageSize: params.pageSize ?? 20,
        descending,
        from: params.from,
        to: params.to,
        edge: paced(edge),
        millisOf,
        pages: (window) =>
          Pagination.pages({
            operation,
            start: undefined,
            request: (token) => paced(pageBody(endpoint, { ...params, ...window }, operation)(token)),
            ...pageCodec(endpoint, operation),
            prefetch: 0
          })
      }).pipe(Stream.mapError(Pagination.withoutContinuationToken), span)
    }))

  /** An export: its bytes as they arrive. */
  const bytes = <P, A>(endpoint: HelloAssoClient.Endpoint<P, A>) => (input: unknown) =>
    Stream.unwrap(
      Effect.map(HelloAssoClient.validate(endpoint, input), (params) =>
        client.bytes(HelloAssoClient.toRequest(endpoint, params)).pipe(
          Stream.withSpan(endpoint.operation, { attributes: endpoint.attributes?.(params) ?? {} })
        ))
    )

  const pagesByForm = every(listByForm, "Payments.pagesByForm", true)
  const pagesByOrganization = every(listByOrganization, "Payments.pagesByOrganization", true)
  const pagesSearch = every(search, "Payments.pagesSearch", false)

  const service: Payments.Service = {
    listByForm: one(listByForm, "Payments.listByForm"),
    pagesByForm,
    streamByForm: (params, options) => Pagination.items(pagesByForm(params, options)),
    listByOrganization: one(listByOrganization, "Payments.listByOrganization"),
    pagesByOrganization,
    streamByOrganization: (params, options) => Pagination.items(pagesByOrganization(params, options)),
    exportByOrganization: bytes(exportByOrganization),
    exportCashOut: bytes(exportCashOut),
    cashOut: (params) => client.call(cashOut, params),
    search: one(search, "Payments.search"),
    pagesSearch,
    streamSearch: (params, options) => Pagination.items(pagesSearch(params, options)),
    get: (paymentId, options) => client.call(get, { ...options, paymentId }),
    // the declaration's `outcomeUnknown` turns an unreadable answer (DecodeError) into RefundOutcomeUnknown
    refund: (paymentId, options) =>
      client.call(refund, { ...options, paymentId }) as Effect.Effect<Payment.RefundOperation, Payments.RefundError>
  }
  return service
})
