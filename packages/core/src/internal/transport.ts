/**
 * What every request shares: classifying transport failures, the timeout that covers the body, and retries.
 */
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Schedule from "effect/Schedule"
import type * as HelloAssoConfig from "../HelloAssoConfig.js"
import { TransportError } from "../HelloAssoError.js"
import * as RetryPolicy from "./retryPolicy.js"

/** Error codes meaning the request never left: no connection was made. @internal */
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_NONAME",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
  "CERT_HAS_EXPIRED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "ERR_TLS_CERT_ALTNAME_INVALID"
])

const codesOf = (cause: unknown): Array<string> => {
  const codes: Array<string> = []
  let current: unknown = cause
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === "string") codes.push(code)
    const errors = (current as { errors?: unknown }).errors
    if (Array.isArray(errors)) { for (const inner of errors) codes.push(...codesOf(inner)) }
    current = (current as { cause?: unknown }).cause
  }
  return codes
}

const describe = (cause: unknown): string => {
  const codes = codesOf(cause)
  const message = cause instanceof Error ? cause.message : typeof cause === "string" ? cause : "request failed"
  return codes.length > 0 ? `${message} (${codes.join(", ")})` : message
}

/** @internal */
export interface RequestInfo {
  readonly operation: string
  readonly method: string
  /** Without the query string. */
  readonly path: string
}

/**
 * Maps a platform client error. `Connect` only when the request provably never reached the server: no
 * connection could be made, or the request could not even be built.
 *
 * @internal
 */
export const transportError = (info: RequestInfo, error: HttpClientError.HttpClientError): TransportError => {
  const notSent = error._tag === "RequestError" &&
    (error.reason !== "Transport" || codesOf(error.cause).some((code) => NOT_SENT_CODES.has(code)))
  return new TransportError({
    operation: info.operation,
    reason: notSent ? "Connect" : "Network",
    method: info.method,
    path: info.path,
    // the cause's own message only: a platform error also holds the request, headers and body included
    detail: error._tag === "RequestError" && error.reason !== "Transport"
      ? error.reason
      : describe(error.cause)
  })
}

/** @internal */
export const timeoutError = (info: RequestInfo, timeout: Duration.Duration): TransportError =>
  new TransportError({
    operation: info.operation,
    reason: "Timeout",
    method: info.method,
    path: info.path,
    detail: `no complete answer within ${Duration.format(timeout)}`
  })

/** A call that did not end within its deadline (retries included). @internal */
export const deadlineError = (info: RequestInfo, deadline: Duration.Duration): TransportError =>
  new TransportError({
    operation: info.operation,
    reason: "Timeout",
    method: info.method,
    path: info.path,
    detail: `not done within the deadline of ${Duration.format(deadline)} (retries included)`
  })

/** Bounds an exchange, reading the body included. @internal */
export const withTimeout = <A, E, R>(
  info: RequestInfo,
  timeout: Duration.Duration,
  self: Effect.Effect<A, E, R>
): Effect.Effect<A, E | TransportError, R> =>
  Effect.timeoutFail(self, { duration: timeout, onTimeout: () => timeoutError(info, timeout) })

/** Whether and when to retry a failure. @internal */
export interface RetryHint {
  readonly retryAfterMillis: number | undefined
}

/** HelloAsso documents no rate limit: 429 and gateway errors are transient. @internal */
export const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504])

/**
 * Retries an attempt with a schedule (the policy's unless the user gave one) while `classify` says the failure
 * is transient; the last failure is returned as it is. A server asking to wait longer than `maxRetryAfter` is
 * not retried: its error (carrying the delay asked for) is returned at once.
 *
 * @internal
 */
export const retrying = <A, E, R>(
  attempt: Effect.Effect<A, E, R>,
  policy: HelloAssoConfig.RetryPolicy,
  classify: (error: E) => RetryHint | undefined,
  custom?: Schedule.Schedule<unknown, E> | undefined
): Effect.Effect<A, E, R> => {
  const maxRetryAfter = Duration.toMillis(policy.maxRetryAfter)
  return Effect.retry(attempt, {
    schedule: custom ?? RetryPolicy.schedule(policy, (error: E) => classify(error)?.retryAfterMillis),
    while: (error) => {
      const hint = classify(error)
      return hint !== undefined && !(hint.retryAfterMillis !== undefined && hint.retryAfterMillis > maxRetryAfter)
    }
  })
}
