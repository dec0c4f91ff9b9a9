import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FiberRef from "effect/FiberRef"
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { TokenProvider } from "../HelloAssoAuth.js"
import type * as HelloAssoClient from "../HelloAssoClient.js"
import { HelloAssoConfig } from "../HelloAssoConfig.js"
import { DecodeError, HttpError } from "../HelloAssoError.js"
import type { TransportError } from "../HelloAssoError.js"
import * as Codec from "./codec.js"
import * as ParseIssue from "./parseIssue.js"
import * as ResponseError from "./responseError.js"
import * as RetryPolicy from "./retryPolicy.js"
import * as Transport from "./transport.js"
import { userAgent } from "./userAgent.js"

/** Headers that carry secrets, kept out of spans (the platform redacts `authorization` already). */
const SECRET_HEADERS = [
  "x-mfa-access-authorization",
  "x-mfa-sms-access-authorization",
  "x-mfa-password-authorization"
]

const decoders = new WeakMap<Schema.Schema.Any, (u: unknown) => Either.Either<unknown, ParseResult.ParseError>>()

/**
 * The decoder of a schema, built once: its fast decoder when it has one, the Schema's when that one gives up (to
 * say where the body is wrong) or when there is none.
 */
const decoderOf = <A, I>(schema: Schema.Schema<A, I>) => {
  let decode = decoders.get(schema)
  if (decode === undefined) {
    const slow = Schema.decodeUnknownEither(schema)
    const fast = Codec.fastDecoder(schema)
    decode = fast === undefined ? slow : (input: unknown) => {
      const value = fast(input)
      return value === Codec.FAIL ? slow(input) : Either.right(value)
    }
    decoders.set(schema, decode)
  }
  return decode as (u: unknown) => Either.Either<A, ParseResult.ParseError>
}

/** Response bodies hold personal data: the detail names the expectation, never the value. */
const decodeError = (operation: string, error: ParseResult.ParseError): DecodeError => {
  const { message, path } = ParseIssue.describe(error)
  return new DecodeError({ operation, reason: "Schema", path, detail: message })
}

/**
 * Parses a JSON answer and decodes it with a schema; a failure is a `DecodeError` of `operation`.
 *
 * @internal
 */
export const decodeJson = <A, I>(operation: string, schema: Schema.Schema<A, I>) => {
  const decode = decoderOf(schema)
  return (body: string): Effect.Effect<A, DecodeError> => {
    let parsed: unknown
    try {
      parsed = JSON.parse(body)
    } catch (cause) {
      return Effect.fail(
        new DecodeError({
          operation,
          reason: "InvalidJson",
          path: "",
          detail: cause instanceof Error ? cause.message : "the body is not JSON"
        })
      )
    }
    const decoded = decode(parsed)
    return Either.isRight(decoded) ? Effect.succeed(decoded.right) : Effect.fail(decodeError(operation, decoded.left))
  }
}

/** An answer, its body read when it is needed to decide. */
interface Answer {
  readonly status: number
  readonly headers: Headers.Headers
  readonly response: HttpClientResponse.HttpClientResponse
  /** The body, unless it is left to stream. */
  readonly body: string | undefined
}

const isSuccess = (status: number): boolean => status >= 200 && status < 300

/** @internal */
export const make = Effect.gen(function*() {
  const config = yield* HelloAssoConfig
  const tokens = yield* TokenProvider
  // redirects are not followed (a redirect to another host must never carry the token); fetch needs telling
  const requestInit: RequestInit = {
    ...Option.getOrElse(yield* Effect.serviceOption(FetchHttpClient.RequestInit), () => ({})),
    redirect: "manual"
  }
  const redactedNames = [...yield* FiberRef.get(Headers.currentRedactedNames), ...SECRET_HEADERS]
  const http = (yield* HttpClient.HttpClient).pipe(
    HttpClient.transformResponse((effect) =>
      Effect.locally(
        Effect.provideService(effect, FetchHttpClient.RequestInit, requestInit),
        Headers.currentRedactedNames,
        redactedNames
      )
    )
  )
  const agent = userAgent(config)
  const basePath = new URL(config.apiUrl).pathname.replace(/\/$/, "")

  const infoOf = (request: HelloAssoClient.Request): Transport.RequestInfo => ({
    operation: request.operation,
    method: request.method,
    path: `${basePath}/${request.path.map(encodeURIComponent).join("/")}`
  })

  const build = (request: HelloAssoClient.Request, token: Redacted.Redacted<string>) => {
    const headers: Record<string, string> = {
      accept: request.accept ?? "application/json",
      "user-agent": agent,
      authorization: `Bearer ${Redacted.value(token)}`
    }
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      headers[name.toLowerCase()] = Redacted.isRedacted(value) ? Redacted.value(value) : value
    }
    const url = `${config.apiUrl}/${request.path.map(encodeURIComponent).join("/")}`
    return HttpClientRequest.make(request.method)(url).pipe(
      HttpClientRequest.setHeaders(headers),
      HttpClientRequest.setUrlParams(UrlParams.fromInput(request.query ?? []))
    )
  }

  /**
   * One exchange within the timeout (the body included when `readBody` or on failure); a 401 invalidates the
   * token, and a GET is replayed once with a fresh one.
   */
  const exchange = (request: HelloAssoClient.Request, info: Transport.RequestInfo, readBody: boolean) => {
    const send = (token: Redacted.Redacted<string>) =>
      Transport.withTimeout(
        info,
        config.timeout,
        Effect.flatMap(
          Effect.mapError(http.execute(build(request, token)), (error) => Transport.transportError(info, error)),
          (response): Effect.Effect<Answer, TransportError> =>
            readBody || !isSuccess(response.status)
              ? Effect.map(
                Effect.mapError(response.text, (error) => Transport.transportError(info, error)),
                (body) => ({ status: response.status, headers: response.headers, response, body })
              )
              : Effect.succeed({ status: response.status, headers: response.headers, response, body: undefined })
        )
      )
    return Effect.gen(function*() {
      const token = yield* tokens.token
      const answer = yield* send(token)
      if (answer.status !== 401) return answer
      yield* tokens.invalidate(token)
      if (request.method !== "GET") return answer
      const fresh = yield* tokens.token
      const replayed = yield* send(fresh)
      if (replayed.status === 401) yield* tokens.invalidate(fresh)
      return replayed
    })
  }

  const failure = <E>(
    info: Transport.RequestInfo,
    answer: Answer,
    mapError: (response: HelloAssoClient.FailedResponse) => E
  ): Effect.Effect<never, E | HttpError> =>
    Effect.flatMap(Clock.currentTimeMillis, (now): Effect.Effect<never, E | HttpError> => {
      const retryAfterMillis = RetryPolicy.parseRetryAfter(answer.headers["retry-after"], now)
      if (answer.status >= 300 && answer.status < 400) {
        return Effect.fail(
          new HttpError({
            operation: info.operation,
            reason: "Unexpected",
            status: answer.status,
            method: info.method,
            path: info.path,
            detail: "redirect not followed"
          })
        )
      }
      return Effect.fail(mapError({ ...info, status: answer.status, body: answer.body ?? "", retryAfterMillis }))
    })

  const defaultMapError = (response: HelloAssoClient.FailedResponse) => {
    const error = ResponseError.apiError(response)
    return error._tag === "HttpError" && response.retryAfterMillis !== undefined
      ? new HttpError({ ...error, retryAfterMillis: response.retryAfterMillis })
      : error
  }

  /** GETs retry on transient failures; anything else only when it was never sent. */
  const classify = (request: HelloAssoClient.Request) => (error: unknown): Transport.RetryHint | undefined => {
    if (typeof error !== "object" || error === null) return undefined
    const tagged = error as { readonly _tag?: string }
    if (tagged._tag === "TransportError") {
      const transport = error as TransportError
      return transport.reason === "Connect" || request.method === "GET" ? { retryAfterMillis: undefined } : undefined
    }
    if (tagged._tag === "HttpError" && request.method === "GET") {
      const http = error as HttpError
      return Transport.TRANSIENT_STATUSES.has(http.status) ? { retryAfterMillis: http.retryAfterMillis } : undefined
    }
    return undefined
  }

  const text = <E = HelloAssoClient.RequestError>(
    request: HelloAssoClient.Request,
    options?: { readonly mapError?: ((response: HelloAssoClient.FailedResponse) => E) | undefined }
  ): Effect.Effect<string, E | HelloAssoClient.RequestError> => {
    const info = infoOf(request)
    const mapError = options?.mapError ??
      (defaultMapError as unknown as (response: HelloAssoClient.FailedResponse) => E)
    const attempt = Effect.flatMap(
      exchange(request, info, true),
      (answer): Effect.Effect<string, E | HttpError> =>
        isSuccess(answer.status) ? Effect.succeed(answer.body!) : failure(info, answer, mapError)
    )
    return Transport.retrying(attempt, config.retry, classify(request))
  }

  const json = <A, I, E = HelloAssoClient.RequestError>(
    request: HelloAssoClient.Request,
    schema: Schema.Schema<A, I>,
    options?: { readonly mapError?: ((response: HelloAssoClient.FailedResponse) => E) | undefined }
  ): Effect.Effect<A, E | HelloAssoClient.RequestError | DecodeError> =>
    Effect.flatMap(text(request, options), decodeJson(request.operation, schema))

  const bytes = (request: HelloAssoClient.Request): Stream.Stream<Uint8Array, HelloAssoClient.RequestError> => {
    const info = infoOf(request)
    const attempt = Effect.flatMap(
      exchange(request, info, false),
      (answer) => isSuccess(answer.status) ? Effect.succeed(answer) : failure(info, answer, defaultMapError)
    )
    return Stream.unwrap(
      Effect.map(Transport.retrying(attempt, config.retry, classify(request)), (answer) =>
        answer.response.stream.pipe(
          Stream.mapError((error) => Transport.transportError(info, error)),
          // the timeout bounds each wait for the next chunk of the body
          Stream.timeoutFail(
            () => Transport.timeoutError(info, config.timeout),
            config.timeout
          )
        ))
    )
  }

  const service: HelloAssoClient.Service = { json, text, bytes }
  return service
})
