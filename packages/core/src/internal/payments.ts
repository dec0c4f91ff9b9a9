import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Stream from "effect/Stream"
import type * as HelloAssoClientModule from "../HelloAssoClient.js"
import { HelloAssoClient } from "../HelloAssoClient.js"
import { RefundOutcomeUnknown, ValidationError } from "../HelloAssoError.js"
import * as Payment from "../Payment.js"
import type * as Payments from "../Payments.js"
import * as Pagination from "./pagination.js"
import * as Params from "./params.js"
import * as ResponseError from "./responseError.js"
import * as Windows from "./windows.js"

type Query = Array<readonly [string, string]>

interface Filters {
  readonly from?: { readonly iso: string } | undefined
  readonly to?: { readonly iso: string } | undefined
  readonly userSearchKey?: string | undefined
  readonly states?: ReadonlyArray<string> | undefined
  readonly sortField?: string | undefined
  readonly sortOrder?: string | undefined
}

const filterQuery = (params: Filters): Query => {
  const query: Query = []
  if (params.from !== undefined) query.push(["from", params.from.iso])
  if (params.to !== undefined) query.push(["to", params.to.iso])
  if (params.userSearchKey !== undefined) query.push(["userSearchKey", params.userSearchKey])
  // arrays go as repeated keys: states=Authorized&states=Refunded
  for (const state of params.states ?? []) query.push(["states", state])
  if (params.sortField !== undefined) query.push(["sortField", params.sortField])
  if (params.sortOrder !== undefined) query.push(["sortOrder", params.sortOrder])
  return query
}

const pageQuery = (
  params: {
    readonly pageSize?: number | undefined
    readonly pageIndex?: number | undefined
    readonly withCount?: boolean | undefined
  },
  token: string | undefined
): Query => {
  const query: Query = []
  if (params.pageSize !== undefined) query.push(["pageSize", String(params.pageSize)])
  if (token !== undefined) query.push(["continuationToken", token])
  else if (params.pageIndex !== undefined) query.push(["pageIndex", String(params.pageIndex)])
  if (params.withCount !== undefined) query.push(["withCount", String(params.withCount)])
  return query
}

const ACCEPT = {
  csv: "text/csv",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
} as const

const DEFAULT_PREFETCH = 1

/** @internal */
export const make = Effect.gen(function*() {
  const client = yield* HelloAssoClient

  const invalid = (operation: string, field: string, detail: string) =>
    Effect.fail(new ValidationError({ operation, source: "client", field, detail }))

  const checked = <A, I>(schema: Parameters<typeof Params.validate<A, I>>[0], input: unknown, operation: string) =>
    Either.match(Params.validate(schema, input, operation), { onLeft: Effect.fail, onRight: Effect.succeed })

  const streamOptions = (options: Payments.StreamOptions | undefined, operation: string) =>
    checked(Params.StreamOptions, options ?? {}, operation)

  const paymentsPage = (request: HelloAssoClientModule.Request) => client.json(request, Payment.PaymentPage)

  /** The requests of a list endpoint, one per page. */
  const lister =
    (path: ReadonlyArray<string>, operation: string, params: Filters & Parameters<typeof pageQuery>[0]) =>
    (
      token: string | undefined
    ) =>
      paymentsPage({
        operation,
        method: "GET",
        path,
        query: [...filterQuery(params), ...pageQuery(params, token)]
      })

  const pagesOf = <P extends { readonly continuationToken?: string | undefined }, A, E>(
    operation: string,
    validated: Effect.Effect<P, E>,
    options: Payments.StreamOptions | undefined,
    fetch: (params: P) => (token: string | undefined) => Effect.Effect<Payment.Page<A>, any>,
    attributes: (params: P) => Record<string, unknown>
  ) =>
    Stream.unwrap(
      Effect.map(
        Effect.zip(validated, streamOptions(options, operation)),
        ([params, opts]) =>
          Pagination.pages({
            operation,
            start: params.continuationToken,
            fetch: fetch(params),
            prefetch: opts.prefetch ?? DEFAULT_PREFETCH
          }).pipe(Stream.withSpan(operation, { attributes: attributes(params) }))
      )
    )

  /**
   * The pages of a list endpoint, over parallel date windows when `concurrency` > 1 (see `WindowOptions`).
   */
  const listPages = <
    P extends Filters & Parameters<typeof pageQuery>[0] & {
      readonly continuationToken?: string | undefined
      readonly sortField?: string | undefined
      readonly from?: { readonly iso: string; readonly millis: number } | undefined
      readonly to?: { readonly iso: string; readonly millis: number } | undefined
    }
  >(
    operation: string,
    validated: Effect.Effect<P, ValidationError>,
    options: Payments.WindowOptions | undefined,
    path: (params: P) => ReadonlyArray<string>,
    attributes: (params: P) => Record<string, unknown>
  ): Stream.Stream<Payment.Page<Payment.Payment>, Payments.ReadError> =>
    Stream.unwrap(Effect.gen(function*() {
      const params = yield* validated
      const opts = yield* streamOptions(options, operation)
      const prefetch = opts.prefetch ?? DEFAULT_PREFETCH
      const concurrency = opts.concurrency ?? 1
      const span = Stream.withSpan(operation, {
        attributes: { ...attributes(params), "helloasso.concurrency": concurrency }
      })
      if (concurrency === 1) {
        return Pagination.pages({
          operation,
          start: params.continuationToken,
          fetch: lister(path(params), operation, params),
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
          lister(path(params), operation, { ...params, pageSize: 1, pageIndex: undefined, sortOrder })(undefined),
          (page) => page.data[0] === undefined ? undefined : DateTime.toEpochMillis(page.data[0].date)
        )
      const [first, last] = yield* Effect.all([
        params.from === undefined ? edge("Asc") : Effect.succeed(undefined),
        params.to === undefined ? edge("Desc") : Effect.succeed(undefined)
      ], { concurrency: 2 })
      const from = params.from ??
        (first === undefined ? undefined : { iso: new Date(first).toISOString(), millis: first })
      // `to` is exclusive: just after the last payment (dates are read to the millisecond, and truncated)
      const to = params.to ??
        (last === undefined ? undefined : { iso: new Date(last + 1).toISOString(), millis: last + 1 })
      if (from === undefined || to === undefined) return Stream.empty
      const windows = Windows.plan({
        from,
        to,
        count: concurrency * Windows.WINDOWS_PER_LANE,
        descending: params.sortOrder !== "Asc"
      })
      return Windows.stream({
        windows,
        concurrency,
        ordered: opts.ordered ?? true,
        buffer: Math.max(Windows.PAGES_AHEAD, prefetch),
        pages: (window) =>
          Pagination.pages({
            operation,
            start: undefined,
            fetch: lister(path(params), operation, { ...params, from: { iso: window.from }, to: { iso: window.to } }),
            prefetch: 0
          })
      }).pipe(Stream.mapError(Pagination.withoutContinuationToken), span)
    }))

  const formPath = (params: { organizationSlug: string; formType: string; formSlug: string }) => [
    "organizations",
    params.organizationSlug,
    "forms",
    params.formType,
    params.formSlug,
    "payments"
  ]

  const organizationPath = (params: { organizationSlug: string }) => [
    "organizations",
    params.organizationSlug,
    "payments"
  ]

  const listAttributes = (params: {
    readonly organizationSlug: string
    readonly pageSize?: number | undefined
    readonly formSlug?: string
  }) => ({
    "helloasso.organization": params.organizationSlug,
    "helloasso.page_size": params.pageSize ?? 20,
    ...(params.formSlug === undefined ? {} : { "helloasso.form": params.formSlug })
  })

  const countPage = <A>(page: Payment.Page<A>) =>
    Effect.as(Effect.annotateCurrentSpan("helloasso.payments", page.data.length), page)

  // -- forms ------------------------------------------------------------------------------------------------

  const listByForm: Payments.Service["listByForm"] = (input) =>
    Effect.flatMap(
      checked(Params.FormParams, input, "Payments.listByForm"),
      (params) =>
        lister(formPath(params), "Payments.listByForm", params)(params.continuationToken).pipe(
          Effect.flatMap(countPage),
          Effect.withSpan("Payments.listByForm", { attributes: listAttributes(params) })
        )
    )

  const pagesByForm: Payments.Service["pagesByForm"] = (input, options) =>
    listPages(
      "Payments.pagesByForm",
      checked(Params.FormParams, input, "Payments.pagesByForm"),
      options,
      formPath,
      listAttributes
    )

  // -- organizations ----------------------------------------------------------------------------------------

  const listByOrganization: Payments.Service["listByOrganization"] = (input) =>
    Effect.flatMap(
      checked(Params.OrganizationParams, input, "Payments.listByOrganization"),
      (params) =>
        lister(organizationPath(params), "Payments.listByOrganization", params)(params.continuationToken).pipe(
          Effect.flatMap(countPage),
          Effect.withSpan("Payments.listByOrganization", { attributes: listAttributes(params) })
        )
    )

  const pagesByOrganization: Payments.Service["pagesByOrganization"] = (input, options) =>
    listPages(
      "Payments.pagesByOrganization",
      checked(Params.OrganizationParams, input, "Payments.pagesByOrganization"),
      options,
      organizationPath,
      listAttributes
    )

  const exportByOrganization: Payments.Service["exportByOrganization"] = (input) =>
    Stream.unwrap(
      Effect.map(checked(Params.ExportParams, input, "Payments.exportByOrganization"), (params) =>
        client.bytes({
          operation: "Payments.exportByOrganization",
          method: "GET",
          path: organizationPath(params),
          query: filterQuery(params),
          accept: ACCEPT[params.format]
        }).pipe(
          Stream.withSpan("Payments.exportByOrganization", {
            attributes: { "helloasso.organization": params.organizationSlug, "helloasso.format": params.format }
          })
        ))
    )

  // -- search -----------------------------------------------------------------------------------------------

  type SearchParams = Params.SearchParamsType

  const searcher = (params: SearchParams, operation: string) => (token: string | undefined) => {
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
    return client.json({
      operation,
      method: "GET",
      path: ["organizations", params.organizationSlug, "payments", "search"],
      query
    }, Payment.PublicPaymentPage)
  }

  const search: Payments.Service["search"] = (input) =>
    Effect.flatMap(
      checked(Params.SearchParams, input, "Payments.search"),
      (params) =>
        searcher(params, "Payments.search")(params.continuationToken).pipe(
          Effect.flatMap(countPage),
          Effect.withSpan("Payments.search", { attributes: listAttributes(params) })
        )
    )

  const pagesSearch: Payments.Service["pagesSearch"] = (input, options) =>
    pagesOf(
      "Payments.pagesSearch",
      checked(Params.SearchParams, input, "Payments.pagesSearch"),
      options,
      (params) => searcher(params, "Payments.pagesSearch"),
      listAttributes
    )

  // -- one payment ------------------------------------------------------------------------------------------

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
      const headers: Record<string, Exclude<typeof params.mfa, undefined>[keyof Payments.MfaTokens]> = {}
      if (params.mfa?.accessToken !== undefined) headers["x-mfa-access-authorization"] = params.mfa.accessToken
      if (params.mfa?.smsAccessToken !== undefined) {
        headers["x-mfa-sms-access-authorization"] = params.mfa.smsAccessToken
      }
      if (params.mfa?.passwordToken !== undefined) headers["x-mfa-password-authorization"] = params.mfa.passwordToken
      const unknown = (detail: string) => new RefundOutcomeUnknown({ operation, paymentId: params.paymentId, detail })
      return client.json(
        {
          operation,
          method: "POST",
          path: ["payments", String(params.paymentId), "refund"],
          query,
          headers: headers as Record<string, NonNullable<(typeof headers)[string]>>
        },
        Payment.RefundOperation,
        {
          mapError: (response) => ResponseError.refundError({ ...response, paymentId: params.paymentId })
        }
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
    listByForm,
    pagesByForm,
    streamByForm: (params, options) => Pagination.items(pagesByForm(params, options)),
    listByOrganization,
    pagesByOrganization,
    streamByOrganization: (params, options) => Pagination.items(pagesByOrganization(params, options)),
    exportByOrganization,
    search,
    pagesSearch,
    streamSearch: (params, options) => Pagination.items(pagesSearch(params, options)),
    get,
    refund
  }
  return service
})
