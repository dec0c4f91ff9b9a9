/**
 * The wire as every request of the client meets it, the token request included: redirects never followed and
 * secret headers kept out of spans, bodies read into memory bounded, transport failures classified (did the
 * request leave?), timeouts, and the retry schedule.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import type * as HelloAssoConfig from "../HelloAssoConfig.js"
import { TransportError } from "../HelloAssoError.js"
import { MFA_HEADERS } from "./params.js"

// -----------------------------------------------------------------------------
// redirects and secret headers; bounded bodies
// -----------------------------------------------------------------------------

/** Headers that carry secrets, kept out of spans (the platform redacts `authorization` already). @internal */
export const SECRET_HEADERS: ReadonlyArray<string> = Object.values(MFA_HEADERS)

/**
 * The platform client, made safe for credentials: a redirect is handed back as the 3xx answer it is (undici
 * follows none; fetch is told `redirect: "manual"`, without which it re-sends a POST and its secret to the
 * `Location`), and the secret headers are redacted from spans.
 *
 * @internal
 */
export const guard = Effect.gen(function*() {
  const requestInit: RequestInit = {
    ...Option.getOrElse(yield* Effect.serviceOption(FetchHttpClient.RequestInit), () => ({})),
    redirect: "manual"
  }
  const redactedNames = [...yield* FiberRef.get(Headers.currentRedactedNames), ...SECRET_HEADERS]
  return (yield* HttpClient.HttpClient).pipe(
    HttpClient.transformResponse((effect) =>
      Effect.locally(
        Effect.provideService(effect, FetchHttpClient.RequestInit, requestInit),
        Headers.currentRedactedNames,
        redactedNames
      )
    )
  )
})

/**
 * A redirect: a 3xx, or status 0, which is how browsers' fetch hands back a redirect it did not follow
 * (`opaqueredirect`, the `Location` hidden).
 *
 * @internal
 */
export const isRedirect = (status: number): boolean => status === 0 || (status >= 300 && status < 400)

/**
 * Where a redirect pointed: the host of its `Location`, never its path or query (they may carry anything).
 *
 * @internal
 */
export const redirectTarget = (headers: Headers.Headers, base: string): string => {
  const location = headers["location"]
  if (location === undefined || location === "") return "a location the platform does not show"
  try {
    return new URL(location, base).host || "an unreadable location"
  } catch {
    return "an unreadable location"
  }
}

/** The media type of a `Content-Type`, lower case, without its parameters. @internal */
export const mediaType = (headers: Headers.Headers): string | undefined => {
  const value = headers["content-type"]
  if (value === undefined) return undefined
  return value.split(";")[0]!.trim().toLowerCase()
}

/** Whether a media type is JSON (`application/json`, `text/json`, `application/problem+json`...). @internal */
export const isJsonType = (type: string): boolean =>
  type === "application/json" || type === "text/json" || type.endsWith("+json")

/** @internal */
export type Bounded =
  | { readonly _tag: "Complete"; readonly text: string }
  | { readonly _tag: "TooLarge" }

/** @internal */
export type BoundedBytes =
  | { readonly _tag: "Complete"; readonly bytes: Uint8Array }
  | { readonly _tag: "TooLarge" }

/**
 * The body's chunks; a body the platform reports as absent (a fetch `Response` with `null`) is empty.
 *
 * @internal
 */
export const chunks = (
  response: HttpClientResponse.HttpClientResponse
): Stream.Stream<Uint8Array, HttpClientError.ResponseError> =>
  Stream.catchAll(response.stream, (error) => error.reason === "EmptyBody" ? Stream.empty : Stream.fail(error))

const isIdentity = (headers: Headers.Headers): boolean => {
  const coding = headers["content-encoding"]
  return coding === undefined || coding.trim() === "" || coding.trim().toLowerCase() === "identity"
}

const declaredLength = (headers: Headers.Headers): number | undefined => {
  const value = headers["content-length"]
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined
}

const concat = (parts: ReadonlyArray<Uint8Array>, size: number): Uint8Array => {
  if (parts.length === 1) return parts[0]!
  const whole = new Uint8Array(size)
  let at = 0
  for (const part of parts) {
    whole.set(part, at)
    at += part.length
  }
  return whole
}

const utf8 = new TextDecoder()

/**
 * A body as text: UTF-8, a byte order mark dropped, an invalid or cut sequence read as U+FFFD.
 *
 * @internal
 */
export const decodeUtf8 = (bytes: Uint8Array): string => utf8.decode(bytes)

/**
 * Reads a body, at most `maxBytes` of it. Past the bound, reading stops at once (the connection is dropped, so
 * an endless body costs no more than the bound): `truncate` keeps what was read, otherwise the answer is
 * `TooLarge`. A `Content-Length` over the bound is refused before reading.
 *
 * Bytes, not text: a page's text (twice its bytes in memory as soon as it holds one accent) is best made where it
 * is parsed and dropped at once. Made here, it is handed through fibers that live as long as the exchange, and
 * V8 keeps whatever such an object was handed until its next full collection.
 *
 * @internal
 */
export const readBoundedBytes = (
  response: HttpClientResponse.HttpClientResponse,
  maxBytes: number,
  overflow: "fail" | "truncate"
): Effect.Effect<BoundedBytes, HttpClientError.ResponseError> => {
  const declared = declaredLength(response.headers)
  if (overflow === "fail" && declared !== undefined && declared > maxBytes) {
    // stop at the first chunk: the body is dropped with its connection
    return Effect.as(Stream.runForEachWhile(chunks(response), () => Effect.succeed(false)), { _tag: "TooLarge" })
  }
  // HTTP framing delivers no more than a declared length, unless a content coding inflates it: read it whole,
  // which costs less than reading it chunk by chunk
  if (declared !== undefined && declared <= maxBytes && isIdentity(response.headers)) {
    return Effect.map(
      response.arrayBuffer,
      (buffer): BoundedBytes => ({ _tag: "Complete", bytes: new Uint8Array(buffer) })
    )
  }
  return Effect.suspend(() => {
    const parts: Array<Uint8Array> = []
    let size = 0
    let over = false
    return Stream.runForEachWhile(chunks(response), (chunk) =>
      Effect.sync(() => {
        const room = maxBytes - size
        if (chunk.length > room) {
          over = true
          if (overflow === "truncate" && room > 0) {
            parts.push(chunk.subarray(0, room))
            size += room
          }
          return false
        }
        size += chunk.length
        parts.push(chunk)
        return true
      })).pipe(
        Effect.map((): BoundedBytes =>
          over && overflow === "fail" ? { _tag: "TooLarge" } : { _tag: "Complete", bytes: concat(parts, size) }
        )
      )
  })
}

/**
 * `readBoundedBytes`, as UTF-8 text.
 *
 * @internal
 */
export const readBounded = (
  response: HttpClientResponse.HttpClientResponse,
  maxBytes: number,
  overflow: "fail" | "truncate"
): Effect.Effect<Bounded, HttpClientError.ResponseError> =>
  Effect.map(
    readBoundedBytes(response, maxBytes, overflow),
    (read): Bounded => read._tag === "TooLarge" ? read : { _tag: "Complete", text: decodeUtf8(read.bytes) }
  )

// -----------------------------------------------------------------------------
// failures, timeouts
// -----------------------------------------------------------------------------

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

// -----------------------------------------------------------------------------
// retries
// -----------------------------------------------------------------------------

/**
 * `Retry-After` is either delay-seconds or an HTTP date (RFC 9110 10.2.3). Returns the delay in milliseconds,
 * or `undefined` when the header is absent or unreadable.
 *
 * @internal
 */
export const parseRetryAfter = (value: string | undefined, now: number): number | undefined => {
  if (value === undefined) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/**
 * The delay before retry number `attempt` (0-based): the server's `Retry-After` when it sent one (capped), else
 * exponential backoff with full jitter.
 *
 * @internal
 */
export const delay = (
  policy: HelloAssoConfig.RetryPolicy,
  attempt: number,
  retryAfterMillis: number | undefined
): Effect.Effect<Duration.Duration> => {
  if (retryAfterMillis !== undefined) {
    return Effect.succeed(Duration.min(Duration.millis(retryAfterMillis), policy.maxRetryAfter))
  }
  const ceiling = Math.min(
    Duration.toMillis(policy.maxDelay),
    Duration.toMillis(policy.baseDelay) * 2 ** Math.min(attempt, 30)
  )
  return Effect.map(Random.next, (r) => Duration.millis(Math.floor(r * ceiling)))
}

/**
 * The retry schedule of a policy: at most `maxRetries` retries, each after the failure's `Retry-After` when the
 * server sent one, else after an exponential backoff with full jitter. Its input is the failure being retried.
 *
 * @internal
 */
export const schedule = <E>(
  policy: HelloAssoConfig.RetryPolicy,
  retryAfterMillis: (error: E) => number | undefined
): Schedule.Schedule<unknown, E> =>
  Schedule.intersect(Schedule.recurs(policy.maxRetries), Schedule.identity<E>()).pipe(
    Schedule.modifyDelayEffect(([attempt, error]) => delay(policy, attempt, retryAfterMillis(error)))
  )

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
): Effect.Effect<A, E, R> =>
  Effect.retry(attempt, {
    schedule: custom ?? schedule(policy, (error: E) => classify(error)?.retryAfterMillis),
    while: retryable(policy, classify)
  })

/** Whether a failure is retried: transient, and not asking to wait longer than `maxRetryAfter`. */
const retryable = <E>(policy: HelloAssoConfig.RetryPolicy, classify: (error: E) => RetryHint | undefined) => {
  const maxRetryAfter = Duration.toMillis(policy.maxRetryAfter)
  return (error: E): boolean => {
    const hint = classify(error)
    return hint !== undefined && !(hint.retryAfterMillis !== undefined && hint.retryAfterMillis > maxRetryAfter)
  }
}

/**
 * The bounds of one attempt of a call, given by `retryingWithin`.
 *
 * @internal
 */
export interface Bounds {
  /** When the call must end (Clock milliseconds). */
  readonly until: number
  /**
   * Bounds an exchange by the timeout, or by what is left of the deadline when that ends first, failing with that
   * bound's error: one timer, where a timeout inside a deadline would race twice.
   */
  readonly within: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E | TransportError, R>
  /** The deadline's error, for a wait that would end at or past `until`. */
  readonly late: Effect.Effect<never, TransportError>
}

/**
 * `retrying` within a deadline that bounds the whole call, attempts and waits included: each attempt is given its
 * bounds, and a retry whose wait would end at or past the deadline is not made: the call fails with the deadline
 * error at once rather than sleeping until the deadline. Once the deadline has cut an attempt, nothing is retried.
 *
 * @internal
 */
export const retryingWithin = <A, E, R>(
  info: RequestInfo,
  timeout: Duration.Duration,
  deadline: Duration.Duration,
  attempt: (bounds: Bounds) => Effect.Effect<A, E, R>,
  policy: HelloAssoConfig.RetryPolicy,
  classify: (error: E) => RetryHint | undefined,
  custom?: Schedule.Schedule<unknown, E> | undefined
): Effect.Effect<A, E | TransportError, R> =>
  Effect.flatMap(Clock.currentTimeMillis, (start) => {
    const until = start + Duration.toMillis(deadline)
    const timeoutMillis = Duration.toMillis(timeout)
    const transient = retryable(policy, classify)
    let cut = false
    const expired = (): TransportError => {
      cut = true
      return deadlineError(info, deadline)
    }
    const late = Effect.failSync(expired)
    const bounds: Bounds = {
      until,
      late,
      within: (self) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) => {
          const left = until - now
          if (left <= 0) return late
          return left < timeoutMillis
            ? Effect.timeoutFail(self, { duration: Duration.millis(left), onTimeout: expired })
            : Effect.timeoutFail(self, { duration: timeout, onTimeout: () => timeoutError(info, timeout) })
        })
    }
    const retries = (custom ?? schedule(policy, (error: E) => classify(error)?.retryAfterMillis)).pipe(
      Schedule.whileInput((error: E) => !cut && transient(error)),
      Schedule.delays,
      Schedule.whileOutputEffect((wait) =>
        Effect.map(Clock.currentTimeMillis, (now) => {
          if (now + Duration.toMillis(wait) < until) return true
          cut = true
          return false
        })
      )
    )
    return Effect.mapError(
      Effect.retry(attempt(bounds), retries),
      (error): E | TransportError => cut ? deadlineError(info, deadline) : error
    )
  })
