/**
 * The simulator as one HTTP application: the token endpoint, the five payments endpoints, the cash-out export and
 * the notification URL endpoints, with HelloAsso's auth, parameters, pagination, error shapes, refunds and
 * injected faults, and the partner flow (the authorization page, `/oauth2/disconnect`, `/partners/me/...`). The
 * same application is served in memory (no sockets) and over loopback HTTP.
 */
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type * as Payment from "../../Payment.js"
import * as CashOuts from "./cashOuts.js"
import type { Decision, Faults } from "./faults.js"
import type { Pager } from "./pages.js"
import * as ParisTime from "./parisTime.js"
import type { Partner } from "./partner.js"
import type { Endpoint, FieldErrors, Query } from "./query.js"
import * as QueryParams from "./query.js"
import type { RateLimit } from "./rateLimit.js"
import type { Dataset, PaymentRecord } from "./records.js"
import type { Refunds } from "./refunds.js"
import * as Render from "./render.js"
import type { Subscriptions } from "./subscriptions.js"
import * as NotificationUrls from "./subscriptions.js"
import type { TokenStore } from "./tokens.js"

/**
 * Set on a response that the transport must not deliver: the connection is refused or reset instead. Each
 * transport acts on it (the in-memory one fails the request, the Node server destroys the socket).
 *
 * @internal
 */
export const FAULT_HEADER = "x-helloasso-simulator-fault"

/** @internal */
export type ConnectionFault = "refuse" | "reset-before-read" | "reset-after-read"

/** One request as the simulator saw it. Secrets (bearer tokens, client secrets, MFA tokens) are masked. @internal */
export interface RequestLogEntry {
  readonly at: number
  readonly method: string
  readonly path: string
  readonly query: Readonly<Record<string, ReadonlyArray<string>>>
  readonly headers: Readonly<Record<string, string>>
  /** The form fields of a token request, secrets masked. */
  form: Readonly<Record<string, string>> | undefined
  readonly endpoint: Endpoint | undefined
  status: number | undefined
  fault: string | undefined
  /** The organization of the access token the request carried (`""` for a partner's own token). */
  tokenOrganization?: string | undefined
}

/** @internal */
export interface Organizations {
  readonly byClient: (organization: string) => Dataset | undefined
  readonly bySlug: (slug: string) => Dataset | undefined
  readonly main: Dataset
}

/** @internal */
export interface AppState {
  readonly organizations: Organizations
  readonly pager: (dataset: Dataset) => Pager
  readonly tokens: TokenStore
  readonly refunds: Refunds
  readonly faults: Faults
  readonly rateLimit: RateLimit
  readonly log: (entry: RequestLogEntry) => void
  readonly mfa: () => string | undefined
  readonly mfaHeaderValue: () => string | undefined
  readonly subscriptions: Subscriptions
  /** Emits the notifications of a refund the API made. */
  readonly refunded: (index: number, at: number) => Effect.Effect<void>
  readonly partner: Partner
}

const MASKED = "***"

const SECRET_HEADERS: ReadonlySet<string> = new Set([
  "authorization",
  "x-mfa-access-authorization",
  "x-mfa-sms-access-authorization",
  "x-mfa-password-authorization",
  "cookie"
])

const maskHeaders = (headers: Readonly<Record<string, string>>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    out[name] = !SECRET_HEADERS.has(name) ?
      value :
      name === "authorization" ?
      value.replace(/^(\S+\s+).*$/s, `$1${MASKED}`) :
      MASKED
  }
  return out
}

const SECRET_FORM_FIELDS: ReadonlySet<string> = new Set(["client_secret", "refresh_token", "code", "code_verifier"])

const JSON_TYPE = "application/json; charset=utf-8"

const jsonResponse = (status: number, body: unknown) =>
  HttpServerResponse.text(JSON.stringify(body), { status, contentType: JSON_TYPE })

const errorsResponse = (status: number, code: string, message: string) =>
  jsonResponse(status, { errors: [{ code, message }] })

const validationResponse = (errors: Readonly<Record<string, ReadonlyArray<string>>>) =>
  jsonResponse(400, {
    type: "https://tools.ietf.org/html/rfc7231#section-6.5.1",
    title: "One or more validation errors occurred.",
    status: 400,
    errors
  })

const connectionFault = (fault: ConnectionFault) =>
  HttpServerResponse.empty({ status: 599, headers: { [FAULT_HEADER]: fault } })

const httpDate = (millis: number): string => new Date(millis).toUTCString()

/** Applies a fault that breaks an answer that was produced: bad JSON, a cut body, a stall, a reset. */
const breakResponse = (
  fault: Decision["fault"],
  response: HttpServerResponse.HttpServerResponse
): Effect.Effect<HttpServerResponse.HttpServerResponse> => {
  if (fault === undefined) return Effect.succeed(response)
  const body = response.body
  const bytes = body._tag === "Uint8Array" ? body.body : undefined
  switch (fault._tag) {
    case "ResetAfterRead":
      return Effect.succeed(connectionFault("reset-after-read"))
    case "MalformedJson":
      return Effect.succeed(HttpServerResponse.text("{\"data\":[{\"id\":12,,\"amount\":}", {
        status: response.status,
        contentType: JSON_TYPE
      }))
    case "TruncatedJson": {
      const cut = bytes === undefined ? new Uint8Array() : bytes.slice(0, Math.floor(bytes.length / 2))
      return Effect.succeed(HttpServerResponse.uint8Array(cut, { status: response.status, contentType: JSON_TYPE }))
    }
    case "StallBody": {
      const head = bytes === undefined ? new Uint8Array() : bytes.slice(0, Math.floor(bytes.length / 2))
      return Effect.succeed(
        HttpServerResponse.stream(Stream.concat(Stream.make(head), Stream.never), {
          status: response.status,
          contentType: body.contentType ?? JSON_TYPE
        })
      )
    }
    default:
      return Effect.succeed(response)
  }
}

const forbidden = (organization: string) =>
  HttpServerResponse.text(`Forbidden: this token has no access to the organization "${organization}"`, {
    status: 403,
    contentType: "text/plain; charset=utf-8"
  })

const CSV_TYPE = "text/csv; charset=utf-8"
const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
const NO_XLSX = "The simulator does not produce XLSX exports: ask for text/csv (Accept: text/csv) instead."

const csvCell = (value: string): string => /[;"\r\n]/.test(value) ? `"${value.replace(/"/g, "\"\"")}"` : value

const csvLine = (cells: ReadonlyArray<string>): string => `${cells.map(csvCell).join(";")}\r\n`

/** HelloAsso exports are UTF-8 with a byte order mark, `;`-separated, CRLF lines. */
const csvStream = (
  rows: Iterable<PaymentRecord>,
  header: ReadonlyArray<string> = Render.CSV_HEADER,
  row: (record: PaymentRecord) => ReadonlyArray<string> = Render.csvRow
): Stream.Stream<Uint8Array> => {
  const encoder = new TextEncoder()
  function* lines(): Generator<Uint8Array> {
    let batch = `\uFEFF${csvLine(header)}`
    let n = 0
    for (const record of rows) {
      batch += csvLine(row(record))
      if (++n % 500 === 0) {
        yield encoder.encode(batch)
        batch = ""
      }
    }
    if (batch !== "") yield encoder.encode(batch)
  }
  return Stream.fromIterable({ [Symbol.iterator]: lines })
}

/** @internal */
export const make = (state: AppState) => {
  const now = Clock.currentTimeMillis

  /** Everything each endpoint shares: the log, the faults, the auth. */
  const endpoint = <E>(
    name: Endpoint,
    handle: (context: {
      readonly request: HttpServerRequest.HttpServerRequest
      readonly url: URL
      readonly organization: string
      readonly clientId: string
      readonly params: Readonly<Record<string, string | undefined>>
      readonly at: number
      readonly entry: RequestLogEntry
    }) => Effect.Effect<HttpServerResponse.HttpServerResponse, E>
  ) =>
    Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      const params = yield* HttpRouter.params
      const url = new URL(request.url, "http://simulator")
      const entry: RequestLogEntry = {
        at: yield* now,
        method: request.method,
        path: url.pathname,
        query: Object.fromEntries([...QueryParams.readParams(url.searchParams)]),
        headers: maskHeaders(request.headers),
        form: undefined,
        endpoint: name,
        status: undefined,
        fault: undefined
      }
      state.log(entry)
      const decision = state.faults.decide(name)
      if (decision.fault !== undefined) entry.fault = decision.fault._tag
      if (decision.latencyMillis > 0) yield* Effect.sleep(decision.latencyMillis)
      const fault = decision.fault
      let response: HttpServerResponse.HttpServerResponse
      if (fault?._tag === "RefuseConnection") response = connectionFault("refuse")
      else if (fault?._tag === "Validation") response = validationResponse(fault.errors)
      else if (fault?._tag === "ResetBeforeRead") response = connectionFault("reset-before-read")
      else if (fault?._tag === "Status") {
        const headers: Record<string, string> = {}
        if (fault.retryAfter !== undefined) {
          headers["retry-after"] = fault.retryAfterFormat === "http-date"
            ? httpDate((yield* now) + fault.retryAfter * 1000)
            : String(fault.retryAfter)
        }
        response = HttpServerResponse.text(
          JSON.stringify({ errors: [{ code: "Error", message: `Simulated ${fault.status}` }] }),
          { status: fault.status, contentType: JSON_TYPE, headers }
        )
      } else {
        if (fault?._tag === "RevokeToken") state.tokens.revokeAccessTokens()
        let organization = ""
        let clientId = ""
        // the token endpoint and the authorization page take no bearer token
        if (name !== "token" && name !== "authorize") {
          const auth = state.tokens.authenticate(request.headers["authorization"], yield* now)
          if (auth._tag === "Unauthenticated") {
            entry.status = 401
            return HttpServerResponse.empty({ status: 401, headers: { "www-authenticate": "Bearer" } })
          }
          organization = auth.organization
          clientId = auth.clientId
          entry.tokenOrganization = auth.organization
          const admission = state.rateLimit.admit(clientId, yield* now)
          if (admission._tag === "Limited") {
            entry.status = 429
            return HttpServerResponse.text(
              JSON.stringify({ errors: [{ code: "TooManyRequests", message: "Too many requests" }] }),
              {
                status: 429,
                contentType: JSON_TYPE,
                headers: { "retry-after": String(admission.retryAfterSeconds) }
              }
            )
          }
        }
        response = yield* handle({ request, url, organization, clientId, params, at: yield* now, entry }).pipe(
          Effect.catchAll(() => Effect.succeed(errorsResponse(400, "BadRequest", "The request could not be read")))
        )
        response = yield* breakResponse(fault, response)
      }
      entry.status = response.status
      return response
    })

  // -- token endpoint ---------------------------------------------------------------------------------------

  const token = endpoint("token", ({ at, entry, request }) =>
    Effect.gen(function*() {
      const contentType = request.headers["content-type"] ?? ""
      if (!contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
        return jsonResponse(400, {
          error: "invalid_request",
          error_description: "The token request must be application/x-www-form-urlencoded"
        })
      }
      const form = new URLSearchParams(yield* request.text)
      entry.form = Object.fromEntries(
        [...form].map(([key, value]) => [key, SECRET_FORM_FIELDS.has(key) ? MASKED : value])
      )
      const result = yield* state.tokens.grant(form, at)
      return result._tag === "Granted"
        ? jsonResponse(200, result.body)
        : jsonResponse(result.status, result.body)
    }))

  // -- payment lists ----------------------------------------------------------------------------------------

  const page = (dataset: Dataset, query: Query, render: (record: PaymentRecord) => unknown) => {
    const result = state.pager(dataset).page(query)
    if ("invalidToken" in result) {
      return errorsResponse(400, "Error", "The continuation token is invalid")
    }
    return jsonResponse(200, {
      data: result.records.map(render),
      pagination: {
        pageSize: query.pageSize,
        totalCount: result.totalCount,
        pageIndex: result.pageIndex,
        totalPages: result.totalPages,
        continuationToken: result.continuationToken
      }
    })
  }

  const datasetFor = (slug: string | undefined, organization: string) => {
    if (slug === undefined || slug.toLowerCase() !== organization.toLowerCase()) {
      return { response: forbidden(slug ?? "") }
    }
    const dataset = state.organizations.bySlug(organization)
    return dataset === undefined ? { response: forbidden(slug) } : { dataset }
  }

  const renderPayment = (dataset: Dataset) => (record: PaymentRecord) =>
    Render.payment(dataset.organization, record, false)

  const listByForm = endpoint("listByForm", ({ organization, params, url }) =>
    Effect.sync(() => {
      const found = datasetFor(params["organizationSlug"], organization)
      if ("response" in found) return found.response
      const { dataset } = found
      const formType = QueryParams.parseFormType(params["formType"] ?? "")
      if (formType === undefined) {
        return validationResponse({ formType: [`The value '${params["formType"]}' is not valid.`] })
      }
      const form = dataset.forms.find((f) =>
        f.formType === formType && f.formSlug.toLowerCase() === (params["formSlug"] ?? "").toLowerCase()
      )
      if (form === undefined) return errorsResponse(404, "NotFound", "Form not found")
      const parsed = QueryParams.parseQuery("listByForm", QueryParams.readParams(url.searchParams), form)
      if ("errors" in parsed) return validationResponse(parsed.errors)
      return page(dataset, parsed.query, renderPayment(dataset))
    }))

  const listByOrganization = endpoint(
    "listByOrganization",
    ({ organization, params, request, url }) =>
      Effect.sync(() => {
        const found = datasetFor(params["organizationSlug"], organization)
        if ("response" in found) return found.response
        const { dataset } = found
        const parsed = QueryParams.parseQuery("listByOrganization", QueryParams.readParams(url.searchParams), undefined)
        if ("errors" in parsed) return validationResponse(parsed.errors)
        const accept = (request.headers["accept"] ?? "").toLowerCase()
        if (accept.includes("text/csv")) {
          return HttpServerResponse.stream(csvStream(state.pager(dataset).all(parsed.query)), {
            status: 200,
            contentType: CSV_TYPE,
            headers: { "content-disposition": `attachment; filename="paiements-${dataset.organization.slug}.csv"` }
          })
        }
        if (accept.includes(XLSX_TYPE)) {
          return HttpServerResponse.text(NO_XLSX, { status: 406, contentType: "text/plain; charset=utf-8" })
        }
        return page(dataset, parsed.query, renderPayment(dataset))
      })
  )

  const search = endpoint("search", ({ organization, params, url }) =>
    Effect.sync(() => {
      const found = datasetFor(params["organizationSlug"], organization)
      if ("response" in found) return found.response
      const { dataset } = found
      const parsed = QueryParams.parseQuery("search", QueryParams.readParams(url.searchParams), undefined)
      if ("errors" in parsed) return validationResponse(parsed.errors)
      return page(dataset, parsed.query, (record) => Render.publicPayment(dataset.organization, record))
    }))

  // -- cash-outs -------------------------------------------------------------------------------------------

  /** The payments of a cash-out, one row each: JSON (the default), CSV, or 406 for XLSX. */
  const exportCashOut = endpoint("exportCashOut", ({ at, organization, params, request }) =>
    Effect.sync(() => {
      const found = datasetFor(params["organizationSlug"], organization)
      if ("response" in found) return found.response
      const { dataset } = found
      const rawId = params["cashOutId"]
      const id = rawId !== undefined && /^\d{1,10}$/.test(rawId) ? Number(rawId) : Number.NaN
      if (!Number.isInteger(id) || id > 2_147_483_647) {
        return validationResponse({ cashOutId: [`The value '${rawId}' is not valid.`] })
      }
      // a cash-out of another organization is not found in this one
      const records = CashOuts.payments(
        dataset,
        (index) => state.refunds.view(index, dataset.at(index), at),
        id
      )
      if (records === undefined) return errorsResponse(404, "NotFound", `Cash-out ${id} not found`)
      const accept = (request.headers["accept"] ?? "").toLowerCase()
      const filename = `versement-${id}`
      if (accept.includes("text/csv")) {
        return HttpServerResponse.stream(csvStream(records, Render.CASH_OUT_CSV_HEADER, Render.cashOutCsvRow), {
          status: 200,
          contentType: CSV_TYPE,
          headers: { "content-disposition": `attachment; filename="${filename}.csv"` }
        })
      }
      if (accept.includes(XLSX_TYPE)) {
        return HttpServerResponse.text(NO_XLSX, { status: 406, contentType: "text/plain; charset=utf-8" })
      }
      return jsonResponse(200, records.map(Render.cashOutRow))
    }))

  // -- one payment ------------------------------------------------------------------------------------------

  const findPayment = (organization: string, rawId: string | undefined) => {
    const id = rawId !== undefined && /^\d{1,10}$/.test(rawId) ? Number(rawId) : Number.NaN
    if (!Number.isInteger(id) || id > 2_147_483_647) {
      return { response: validationResponse({ paymentId: [`The value '${rawId}' is not valid.`] }) }
    }
    const main = state.organizations.main
    const index = main.indexOfId(id)
    if (index === undefined) return { response: errorsResponse(404, "NotFound", `Payment ${id} not found`) }
    if (main.organization.slug.toLowerCase() !== organization.toLowerCase()) {
      return { response: forbidden(main.organization.slug) }
    }
    return { dataset: main, index }
  }

  const get = endpoint("get", ({ at, organization, params, url }) =>
    Effect.sync(() => {
      const found = findPayment(organization, params["paymentId"])
      if ("response" in found) return found.response
      const { dataset, index } = found
      const query = QueryParams.readParams(url.searchParams)
      const withFailed = (query.get("withfailedrefundoperation")?.[0] ?? "").toLowerCase() === "true"
      const record = state.refunds.view(index, dataset.at(index), at)
      return jsonResponse(200, Render.payment(dataset.organization, record, withFailed))
    }))

  const MFA_HEADERS: Record<string, string> = {
    "AuthorizationErrors.MFA.AccessTokenRequired": "x-mfa-access-authorization",
    "AuthorizationErrors.MFA.AccessOtpSmsRequired": "x-mfa-sms-access-authorization",
    "AuthorizationErrors.MFA.AccessPasswordTokenRequired": "x-mfa-password-authorization"
  }

  const MFA_MESSAGES: Record<string, string> = {
    "AuthorizationErrors.MFA.AccessTokenRequired": "MFA token not found",
    "AuthorizationErrors.MFA.AccessOtpSmsRequired": "MFA access otp sms not found",
    "AuthorizationErrors.MFA.AccessPasswordTokenRequired": "MFA access password token not found",
    "AuthorizationErrors.UserNotEnrolled": "User not enrolled"
  }

  const refund = endpoint("refund", ({ at, organization, params, request, url }) =>
    Effect.suspend(() => {
      const found = findPayment(organization, params["paymentId"])
      if ("response" in found) return Effect.succeed(found.response)
      const { dataset, index } = found
      const query = QueryParams.readParams(url.searchParams)
      const last = (name: string) => query.get(name.toLowerCase())?.at(-1)
      const errors: FieldErrors = {}
      const amountText = last("amount") ?? "0"
      const amount = /^\d{1,10}$/.test(amountText) ? Number(amountText) : Number.NaN
      if (!Number.isInteger(amount) || amount > 2_147_483_647) {
        errors["amount"] = [`The value '${amountText}' is not valid for amount.`]
      }
      const flag = (name: string, fallback: boolean) => {
        const text = last(name)
        if (text === undefined || text === "") return fallback
        if (/^(true|false)$/i.test(text)) return text.toLowerCase() === "true"
        errors[name] = [`The value '${text}' is not valid for ${name}.`]
        return fallback
      }
      const cancelOrder = flag("cancelOrder", false)
      const sendRefundMail = flag("sendRefundMail", true)
      if (Object.keys(errors).length > 0) return Effect.succeed(validationResponse(errors))

      const mfa = state.mfa()
      if (mfa !== undefined) {
        const header = MFA_HEADERS[mfa]
        const value = header === undefined ? undefined : request.headers[header]
        const expected = state.mfaHeaderValue()
        const accepted = value !== undefined && value !== "" && (expected === undefined || value === expected)
        if (!accepted) return Effect.succeed(errorsResponse(409, mfa, MFA_MESSAGES[mfa] ?? "MFA required"))
      }

      const outcome = state.refunds.refund(index, dataset.at(index), {
        amount,
        comment: last("comment"),
        cancelOrder,
        sendRefundMail
      }, at)
      if (outcome._tag === "Refused") {
        return Effect.succeed(errorsResponse(outcome.refusal.status, "Error", outcome.refusal.message))
      }
      const performed = outcome.refund
      const operation: Payment.RefundOperationEncoded = {
        id: performed.id,
        amount: performed.amount,
        cancelOrder: performed.cancelOrder,
        creationDate: ParisTime.format(ParisTime.fromMillis(performed.createdAt)),
        state: at < performed.processedAt ? "Processing" : "Processed",
        sendRefundMail: performed.sendRefundMail,
        paymentId: dataset.at(index).id
      }
      // the refund is made: its notifications go out, whatever happens to this answer
      return Effect.as(state.refunded(index, at), jsonResponse(200, operation))
    }))

  // -- notification URLs ------------------------------------------------------------------------------------

  /** The level a notification URL is registered at: the partner's, or an organization the token can reach. */
  const notificationLevel = (organizationSlug: string | undefined, organization: string) => {
    if (organizationSlug === undefined) return { organization: undefined }
    if (organizationSlug.toLowerCase() !== organization.toLowerCase()) return { response: forbidden(organizationSlug) }
    return { organization: organizationSlug.toLowerCase() }
  }

  const setNotificationUrl = endpoint(
    "setNotificationUrl",
    ({ clientId, organization, params, request }) =>
      Effect.gen(function*() {
        const level = notificationLevel(params["organizationSlug"], organization)
        if ("response" in level) return level.response
        const body = NotificationUrls.parseBody(request.headers["content-type"], yield* request.text)
        if (body._tag === "UnsupportedMediaType") {
          return jsonResponse(415, {
            type: "https://tools.ietf.org/html/rfc7231#section-6.5.13",
            title: "Unsupported Media Type",
            status: 415
          })
        }
        if (body._tag === "Invalid") return validationResponse(body.errors)
        const subscription = state.subscriptions.set({
          clientId,
          clientOrganization: organization,
          organization: level.organization,
          notificationType: body.notificationType,
          url: body.url
        })
        return jsonResponse(200, {
          url: subscription.url,
          ...(subscription.notificationType === undefined
            ? {}
            : { apiNotificationType: subscription.notificationType }),
          signatureKey: subscription.signatureKey
        })
      })
  )

  const deleteNotificationUrl = endpoint(
    "deleteNotificationUrl",
    ({ clientId, organization, params, url }) =>
      Effect.sync(() => {
        const level = notificationLevel(params["organizationSlug"], organization)
        if ("response" in level) return level.response
        const text = QueryParams.readParams(url.searchParams).get("notificationtype")?.at(-1)
        const notificationType = text === undefined || text === ""
          ? undefined
          : NotificationUrls.parseNotificationType(text)
        if (text !== undefined && text !== "" && notificationType === undefined) {
          return validationResponse({ notificationType: [`The value '${text}' is not valid.`] })
        }
        state.subscriptions.remove(clientId, level.organization, notificationType)
        return HttpServerResponse.empty({ status: 200 })
      })
  )

  // -- partner access ---------------------------------------------------------------------------------------

  const authorize = endpoint("authorize", ({ at, url }) => Effect.sync(() => state.partner.authorize(url, at)))

  const disconnect = endpoint(
    "disconnect",
    ({ clientId, organization }) => Effect.sync(() => state.partner.disconnect(clientId, organization))
  )

  const partnerOrganizations = endpoint(
    "partnerOrganizations",
    ({ at, clientId, url }) => Effect.sync(() => state.partner.organizations(clientId, url, at))
  )

  const setApiClientDomain = endpoint(
    "setApiClientDomain",
    ({ clientId, request }) =>
      Effect.map(request.text, (body) => state.partner.setDomain(clientId, request.headers["content-type"], body))
  )

  const router = HttpRouter.empty.pipe(
    HttpRouter.post("/oauth2/token", token),
    HttpRouter.get("/authorize", authorize),
    HttpRouter.get("/oauth2/disconnect", disconnect),
    HttpRouter.get("/v5/partners/me/organizations", partnerOrganizations),
    HttpRouter.put("/v5/partners/me/api-clients", setApiClientDomain),
    HttpRouter.get("/v5/organizations/:organizationSlug/forms/:formType/:formSlug/payments", listByForm),
    HttpRouter.get("/v5/organizations/:organizationSlug/payments/search", search),
    HttpRouter.get("/v5/organizations/:organizationSlug/payments", listByOrganization),
    HttpRouter.get("/v5/organizations/:organizationSlug/cash-out/:cashOutId/export", exportCashOut),
    HttpRouter.get("/v5/payments/:paymentId", get),
    HttpRouter.post("/v5/payments/:paymentId/refund", refund),
    HttpRouter.put("/v5/partners/me/api-notifications", setNotificationUrl),
    HttpRouter.del("/v5/partners/me/api-notifications", deleteNotificationUrl),
    HttpRouter.put("/v5/partners/me/api-notifications/organizations/:organizationSlug", setNotificationUrl),
    HttpRouter.del("/v5/partners/me/api-notifications/organizations/:organizationSlug", deleteNotificationUrl)
  )

  const app: Effect.Effect<HttpServerResponse.HttpServerResponse, never, HttpServerRequest.HttpServerRequest> = router
    .pipe(
      Effect.catchTag("RouteNotFound", () => Effect.succeed(errorsResponse(404, "NotFound", "No such endpoint"))),
      Effect.catchAllCause(() => Effect.succeed(errorsResponse(500, "InternalError", "The simulator failed")))
    )
  return app
}

/** Keeps a bounded number of log entries: the newest ones. @internal */
export const ringLog = (capacity: number) => {
  let entries: Array<RequestLogEntry> = []
  let start = 0
  return {
    add: (entry: RequestLogEntry) => {
      if (entries.length < capacity) {
        entries.push(entry)
      } else {
        entries[start] = entry
        start = (start + 1) % capacity
      }
    },
    entries: (): ReadonlyArray<RequestLogEntry> => [...entries.slice(start), ...entries.slice(0, start)],
    clear: () => {
      entries = []
      start = 0
    }
  }
}
