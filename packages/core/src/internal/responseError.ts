import type * as HelloAssoClient from "../HelloAssoClient.js"
import { AuthError, HttpError, RefundOutcomeUnknown, RefundRejected, ValidationError } from "../HelloAssoError.js"
import * as ErrorBody from "./errorBody.js"

/** A non-2xx answer; `retryAfterMillis` is not needed to map it. @internal */
export type FailedResponse = Omit<HelloAssoClient.FailedResponse, "retryAfterMillis">

const redirected = (response: FailedResponse): string =>
  `redirected to ${response.redirectedTo ?? "another location"}, not followed`

const httpReasons: Readonly<Record<number, HttpError["reason"]>> = {
  400: "BadRequest",
  404: "NotFound",
  406: "NotAcceptable",
  409: "Conflict",
  429: "RateLimited"
}

const httpReason = (status: number): HttpError["reason"] =>
  httpReasons[status] ?? (status >= 500 ? "ServerError" : "Unexpected")

const firstField = (fieldErrors: Readonly<Record<string, ReadonlyArray<string>>>): [string, string] => {
  const [name, messages] = Object.entries(fieldErrors)[0] ?? ["request", []]
  return [name, messages.join("; ")]
}

/**
 * Maps a non-2xx answer of an API endpoint to its typed error.
 *
 * @internal
 */
export const apiError = (response: FailedResponse): AuthError | ValidationError | HttpError => {
  const { operation, status } = response
  if (response.redirectedTo !== undefined) {
    return new HttpError({
      operation,
      reason: "Redirected",
      status,
      method: response.method,
      path: response.path,
      detail: redirected(response)
    })
  }
  const body = ErrorBody.parse(response.body)
  if (status === 401 || status === 403) {
    return new AuthError({
      operation,
      reason: status === 401 ? "Unauthorized" : "Forbidden",
      status,
      detail: body.message
    })
  }
  if (status === 400 && body.fieldErrors !== undefined) {
    const [field, detail] = firstField(body.fieldErrors)
    return new ValidationError({
      operation,
      source: "api",
      field,
      detail: detail === "" ? body.message ?? "invalid" : detail,
      errors: body.fieldErrors
    })
  }
  return new HttpError({
    operation,
    reason: httpReason(status),
    status,
    method: response.method,
    path: response.path,
    code: body.code,
    detail: body.message
  })
}

const MFA_CODE = /^AuthorizationErrors\.(MFA\.|UserNotEnrolled)/

/**
 * The answers to a refund that say it was not made: refusals (400, 409), authorization (401, 403), an unknown
 * payment (404) and a rate limit met before processing (429).
 */
const REFUND_REFUSALS: ReadonlySet<number> = new Set([400, 401, 403, 404, 409, 429])

/**
 * Maps a non-2xx answer of the refund endpoint. 400 and 409 in the `errors` shape are refusals (nothing was
 * refunded); 409 with an `AuthorizationErrors.*` code asks for MFA. Any other answer (a 5xx, a redirect, a 408,
 * an undocumented status) leaves the outcome unknown: the server had the request.
 *
 * @internal
 */
export const refundError = (
  response: FailedResponse & { readonly paymentId: number }
): AuthError | ValidationError | HttpError | RefundRejected | RefundOutcomeUnknown => {
  const { operation, paymentId, status } = response
  if (response.redirectedTo !== undefined || !REFUND_REFUSALS.has(status)) {
    const detail = response.redirectedTo !== undefined ? `HTTP ${status}, ${redirected(response)}` : `HTTP ${status}`
    return new RefundOutcomeUnknown({ operation, paymentId, detail })
  }
  const body = ErrorBody.parse(response.body)
  if ((status === 400 || status === 409) && body.shape !== "Validation") {
    if (body.code !== undefined && MFA_CODE.test(body.code)) {
      return new RefundRejected({
        operation,
        reason: "MfaRequired",
        paymentId,
        status,
        mfaCode: body.code,
        detail: body.message ?? body.code
      })
    }
    if (body.shape === "Errors" || body.shape === "Text" || body.shape === "Json") {
      const parsed = ErrorBody.refundCode(body.message)
      return new RefundRejected({
        operation,
        reason: "Refused",
        paymentId,
        status,
        code: parsed?.code,
        detail: parsed?.text ?? body.message ?? `HTTP ${status}`
      })
    }
  }
  return apiError(response)
}

/**
 * Maps a failed answer of the token endpoint. OAuth `invalid_client`, `invalid_grant`, `unauthorized_client` and
 * 401 mean the credentials (or the refresh token) were refused; anything else means the endpoint failed.
 *
 * @internal
 */
export const tokenError = (response: FailedResponse): AuthError => {
  const body = ErrorBody.parse(response.body)
  const refused = response.status === 401 ||
    (response.status === 400 &&
      (body.code === "invalid_client" || body.code === "invalid_grant" || body.code === "unauthorized_client"))
  const detail = body.shape === "OAuth"
    ? [body.code, body.message].filter((s) => s !== undefined).join(": ")
    : body.message
  return new AuthError({
    operation: response.operation,
    reason: refused ? "InvalidCredentials" : "TokenEndpointFailure",
    status: response.status,
    detail
  })
}
