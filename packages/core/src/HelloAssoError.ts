/**
 * The typed errors of the client. Every class is a `Schema.TaggedError` whose `_tag` is its name, with a
 * readable `message`. None of them ever holds a secret: no token, client secret or MFA token is put in a field,
 * a message or a cause.
 *
 * Errors that end a payments stream carry `continuationToken`: the token of the last page the stream delivered.
 * Pass it back as `continuationToken` to resume with exactly the payments that were not delivered.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

const common = {
  /** The operation that failed, e.g. `Payments.get`. */
  operation: Schema.optional(Schema.String),
  /** Set when a stream failed: resume it by passing this token as `continuationToken`. */
  continuationToken: Schema.optional(Schema.String)
}

const where = (self: { readonly operation?: string | undefined }): string =>
  self.operation === undefined ? "" : `${self.operation}: `

const resumeHint = (self: { readonly continuationToken?: string | undefined }): string =>
  self.continuationToken === undefined ? "" : " (resume with the continuationToken carried by this error)"

/**
 * The OAuth and authorization failures: bad credentials, a token endpoint that cannot be reached or answers
 * badly, a 401 that a fresh token did not cure, or a 403 (the token lacks the role or the organization).
 *
 * Partner access (authorization code flow) adds three: `CodeRefused`, the token endpoint refused an authorization
 * code (expired, used already, another `redirect_uri`, a verifier that does not match): start the flow again;
 * `AuthorizationRequired`, the association's tokens are gone (none stored, its refresh token refused, disconnected):
 * send the association through the authorization flow again; `TokenStoreFailure`, the `TokenStore` could not be
 * read or written.
 *
 * @since 0.1.0
 * @category errors
 */
export class AuthError extends Schema.TaggedError<AuthError>("@helloasso-effect/core/AuthError")("AuthError", {
  ...common,
  reason: Schema.Literal(
    "InvalidCredentials",
    "TokenEndpointFailure",
    "Unauthorized",
    "Forbidden",
    "CodeRefused",
    "AuthorizationRequired",
    "TokenStoreFailure"
  ),
  status: Schema.optional(Schema.Number),
  /** What the server said, e.g. the OAuth `error_description` or the plain-text 403 body. */
  detail: Schema.optional(Schema.String)
}) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    const status = this.status === undefined ? "" : ` (HTTP ${this.status})`
    const detail = this.detail === undefined || this.detail === "" ? "" : `: ${this.detail}`
    const text = {
      InvalidCredentials: "the token endpoint refused the client credentials",
      TokenEndpointFailure: "the token endpoint could not deliver a token",
      Unauthorized: "the API refused the access token",
      Forbidden: "the access token is not allowed to do this",
      CodeRefused: "the token endpoint refused the authorization code; start the authorization flow again",
      AuthorizationRequired:
        "the association must be sent through the authorization flow again (HelloAssoAuth.authorizationRequest)",
      TokenStoreFailure: "the token store failed"
    }[this.reason]
    return `${where(this)}${text}${status}${detail}${resumeHint(this)}`
  }
}

/**
 * Bad input. Either checked before any request (`source: "client"`, nothing was sent), or a 400 of the API in the
 * ASP.NET validation shape (`source: "api"`, with the API's field errors in `errors`).
 *
 * @since 0.1.0
 * @category errors
 */
export class ValidationError
  extends Schema.TaggedError<ValidationError>("@helloasso-effect/core/ValidationError")("ValidationError", {
    ...common,
    source: Schema.Literal("client", "api"),
    /** The parameter at fault, e.g. `organizationSlug`, `amount`, `pageSize`. */
    field: Schema.String,
    /** Why it was refused. */
    detail: Schema.String,
    /** All field errors the API sent, by field. */
    errors: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Array(Schema.String) }))
  })
{
  /**
   * @since 0.1.0
   */
  override get message(): string {
    const origin = this.source === "client" ? "invalid input, nothing was sent" : "the API refused the input"
    return `${where(this)}${origin}: ${this.field}: ${this.detail}`
  }
}

/**
 * A non-2xx answer that is not an auth, validation or refund error: not found, rate limited after every retry
 * (or asking to wait longer than `maxRetryAfter`: `retryAfterMillis` says how long), a server error after every
 * retry, a redirect (never followed: `detail` names the host it pointed to), or an unexpected status.
 *
 * @since 0.1.0
 * @category errors
 */
export class HttpError extends Schema.TaggedError<HttpError>("@helloasso-effect/core/HttpError")("HttpError", {
  ...common,
  reason: Schema.Literal(
    "BadRequest",
    "NotFound",
    "Conflict",
    "NotAcceptable",
    "RateLimited",
    "ServerError",
    "Redirected",
    "Unexpected"
  ),
  status: Schema.Number,
  method: Schema.String,
  /** The request path, without the query string. */
  path: Schema.String,
  /** HelloAsso's error code, e.g. `Error`, when the body has one. */
  code: Schema.optional(Schema.String),
  /** HelloAsso's error message or the plain-text body. */
  detail: Schema.optional(Schema.String),
  /** The delay the server asked for with `Retry-After`, in milliseconds. */
  retryAfterMillis: Schema.optional(Schema.Number)
}) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    const code = this.code === undefined ? "" : ` [${this.code}]`
    const detail = this.detail === undefined || this.detail === "" ? "" : `: ${this.detail}`
    return `${where(this)}${this.method} ${this.path} answered ${this.status} (${this.reason})${code}${detail}${
      resumeHint(this)
    }`
  }
}

/**
 * The request did not get an answer: connection refused, DNS failure, connection reset, or the timeout (which
 * also covers reading the body). `reason: "Connect"` means the request provably never reached the server.
 *
 * @since 0.1.0
 * @category errors
 */
export class TransportError
  extends Schema.TaggedError<TransportError>("@helloasso-effect/core/TransportError")("TransportError", {
    ...common,
    reason: Schema.Literal("Connect", "Timeout", "Network"),
    method: Schema.String,
    path: Schema.String,
    /** A description of the underlying failure. */
    detail: Schema.optional(Schema.String)
  })
{
  /**
   * @since 0.1.0
   */
  override get message(): string {
    const text = {
      Connect: "could not connect (the request was not sent)",
      Timeout: "timed out",
      Network: "failed on the network"
    }[this.reason]
    const detail = this.detail === undefined || this.detail === "" ? "" : `: ${this.detail}`
    return `${where(this)}${this.method} ${this.path} ${text}${detail}${resumeHint(this)}`
  }
}

/**
 * A 2xx answer whose body is not what the protocol allows: invalid JSON, a body that does not match the schema
 * (`path` says where; the value itself is never shown, bodies hold personal data), a body larger than
 * `maxBodyBytes`, an export of another content type than the one asked for, or a continuation token seen before
 * in the listing (a cycle, which would make pagination loop forever).
 *
 * @since 0.1.0
 * @category errors
 */
export class DecodeError extends Schema.TaggedError<DecodeError>("@helloasso-effect/core/DecodeError")("DecodeError", {
  ...common,
  reason: Schema.Literal("InvalidJson", "Schema", "BodyTooLarge", "UnexpectedContentType", "RepeatedContinuationToken"),
  /** Where in the body the problem is, e.g. `data[3].date`. */
  path: Schema.String,
  detail: Schema.String
}) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    const at = this.path === "" ? "" : ` at ${this.path}`
    return `${where(this)}unexpected response${at}: ${this.detail}${resumeHint(this)}`
  }
}

/**
 * The codes HelloAsso answers a refund with when multi-factor authentication is required. Supply the matching
 * MFA token (`mfa.accessToken`, `mfa.smsAccessToken` or `mfa.passwordToken`) and try again.
 *
 * @since 0.1.0
 * @category errors
 */
export const MfaCode = Schema.Literal(
  "AuthorizationErrors.MFA.AccessTokenRequired",
  "AuthorizationErrors.MFA.AccessOtpSmsRequired",
  "AuthorizationErrors.MFA.AccessPasswordTokenRequired",
  "AuthorizationErrors.UserNotEnrolled"
)

/**
 * @since 0.1.0
 * @category errors
 */
export type MfaCode = typeof MfaCode.Type

/**
 * HelloAsso refused the refund: nothing was refunded. `code` is HelloAsso's numeric refund code (101-122, parsed
 * from `Code : 113 - The transfer operation cannot be processed, ...`); `mfaCode` is set when MFA is required.
 *
 * @since 0.1.0
 * @category errors
 */
export class RefundRejected
  extends Schema.TaggedError<RefundRejected>("@helloasso-effect/core/RefundRejected")("RefundRejected", {
    ...common,
    reason: Schema.Literal("Refused", "MfaRequired"),
    paymentId: Schema.Number,
    status: Schema.Number,
    code: Schema.optional(Schema.Number),
    mfaCode: Schema.optional(Schema.String),
    detail: Schema.String
  })
{
  /**
   * @since 0.1.0
   */
  override get message(): string {
    const code = this.code !== undefined
      ? ` (code ${this.code})`
      : this.mfaCode !== undefined
      ? ` (${this.mfaCode})`
      : ""
    const text = this.reason === "MfaRequired" ? "requires multi-factor authentication" : "was refused"
    return `${where(this)}the refund of payment ${this.paymentId} ${text}${code}: ${this.detail}`
  }
}

/**
 * The refund request may have reached HelloAsso but no answer says whether it was made: reset after the request
 * was written, timeout or deadline, a 5xx, a redirect, a 408, any status that is not a documented refusal, or a
 * success that cannot be read. It is never retried blindly: reconcile with
 * `Payments.get(paymentId, { withFailedRefundOperation: true })` before trying again.
 *
 * @since 0.1.0
 * @category errors
 */
export class RefundOutcomeUnknown
  extends Schema.TaggedError<RefundOutcomeUnknown>("@helloasso-effect/core/RefundOutcomeUnknown")(
    "RefundOutcomeUnknown",
    {
      ...common,
      paymentId: Schema.Number,
      /** What happened, e.g. `HTTP 503` or `timed out`. */
      detail: Schema.String
    }
  )
{
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${where(this)}the outcome of the refund of payment ${this.paymentId} is unknown (${this.detail}); ` +
      `check its refund operations with Payments.get(${this.paymentId}, { withFailedRefundOperation: true }) ` +
      `before trying again`
  }
}

/**
 * Every error the client fails with.
 *
 * @since 0.1.0
 * @category errors
 */
export type HelloAssoError =
  | AuthError
  | ValidationError
  | HttpError
  | TransportError
  | DecodeError
  | RefundRejected
  | RefundOutcomeUnknown

/**
 * The schema of every error the client fails with (for RPC, workers or persisted job state).
 *
 * @since 0.1.0
 * @category errors
 */
export const HelloAssoError: Schema.Union<[
  typeof AuthError,
  typeof ValidationError,
  typeof HttpError,
  typeof TransportError,
  typeof DecodeError,
  typeof RefundRejected,
  typeof RefundOutcomeUnknown
]> = Schema.Union(
  AuthError,
  ValidationError,
  HttpError,
  TransportError,
  DecodeError,
  RefundRejected,
  RefundOutcomeUnknown
)

/**
 * Whether a value is one of the client's errors.
 *
 * @since 0.1.0
 * @category guards
 */
export const isHelloAssoError: (u: unknown) => u is HelloAssoError = Schema.is(HelloAssoError)
