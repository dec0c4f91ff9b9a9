import type * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FiberRef from "effect/FiberRef"
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import type * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import type * as AST from "effect/SchemaAST"
import * as Stream from "effect/Stream"
import type * as HelloAssoAuth from "../HelloAssoAuth.js"
import { TokenProvider } from "../HelloAssoAuth.js"
import type * as HelloAssoClient from "../HelloAssoClient.js"
import { HelloAssoConfig } from "../HelloAssoConfig.js"
import { DecodeError, HttpError } from "../HelloAssoError.js"
import type { AuthError, TransportError, ValidationError } from "../HelloAssoError.js"
import * as Codec from "./codec.js"
import * as Params from "./params.js"
import * as ParseIssue from "./parseIssue.js"
import * as ResponseError from "./responseError.js"
import * as Scrub from "./scrub.js"
import * as Transport from "./transport.js"
import { userAgent } from "./userAgent.js"

/**
 * Wraps every exchange of a `text` request (each attempt, retries included) and sees its status: what the windowed
 * listings pace their requests with, and learn a rate limit from (429). Effect's retry hides the attempts from the
 * caller, hence a fiber-local hook.
 *
 * @internal
 */
export interface Gate {
  /** `late` instead of a wait that would end at or past `until` (Clock milliseconds), the call's deadline. */
  readonly around: <A extends { readonly status: number }, E, E2>(
    exchange: Effect.Effect<A, E>,
    until: number,
    late: Effect.Effect<never, E2>
  ) => Effect.Effect<A, E | E2>
}

/** @internal */
export const currentGate: FiberRef.FiberRef<Gate | undefined> = FiberRef.unsafeMake<Gate | undefined>(undefined)

const gated: Gate["around"] = (exchange, until, late) =>
  Effect.flatMap(
    FiberRef.get(currentGate),
    (gate) => gate === undefined ? exchange : gate.around(exchange, until, late)
  )

/**
 * Completed when an exchange of this fiber hands its request to the platform client: how a fiber that forked a
 * request learns that the request is on its way (pagination waits for it before decoding the page it holds, so
 * the next request does not wait for the decoding). A forked fiber starts only once the current one yields, and
 * the timeouts on the way fork fibers of their own: without the signal, the decoding runs first.
 *
 * @internal
 */
export const currentOnSend: FiberRef.FiberRef<Deferred.Deferred<void> | undefined> = FiberRef.unsafeMake<
  Deferred.Deferred<void> | undefined
>(undefined)

const announced = <A, E>(send: Effect.Effect<A, E>): Effect.Effect<A, E> =>
  Effect.flatMap(
    FiberRef.get(currentOnSend),
    (sent) => sent === undefined ? send : Effect.zipRight(Deferred.succeed(sent, undefined), send)
  )

/** How `text` maps a failed answer. */
interface TextOptions<E> {
  readonly mapError?: ((response: HelloAssoClient.FailedResponse) => E) | undefined
}

/** `text` before the text is made: the successful answer's bytes. */
type Body = <E = HelloAssoClient.RequestError>(
  request: HelloAssoClient.Request,
  options?: TextOptions<E>
) => Effect.Effect<Uint8Array, E | HelloAssoClient.RequestError | DecodeError>

/** The `Body` of each service `make` built. */
const bodies = new WeakMap<HelloAssoClient.Service, Body>()

/**
 * `text`, or the answer's bytes when the service is one this module built, for a caller that parses the body
 * itself (`parseJson` takes both): pagination, whose next body is handed over from the fiber that received it.
 * A service built otherwise (a test double, say) has only `text`.
 *
 * @internal
 */
export const bodyOf = (service: HelloAssoClient.Service): <E = HelloAssoClient.RequestError>(
  request: HelloAssoClient.Request,
  options?: TextOptions<E>
) => Effect.Effect<string | Uint8Array, E | HelloAssoClient.RequestError | DecodeError> =>
  bodies.get(service) ?? service.text

const decoders = new WeakMap<Schema.Schema.Any, (u: unknown) => Either.Either<unknown, ParseResult.ParseError>>()

/**
 * The decoder of a schema, built once: its fast decoder when it has one, the Schema's when that one gives up (to
 * say where the body is wrong) or when there is none.
 */
const decoderOf = <A, I>(schema: Schema.Schema<A, I>) => {
  let decode = decoders.get(schema)
  if (decode === undefined) {
    const slow = Schema.decodeUnknownEither(schema)
    const fast = Codec.decoderFor(schema)
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
 * Why a body is not JSON, without quoting it: V8's messages carry a fragment of the body, which holds personal
 * data. Only the position is kept.
 */
const invalidJson = (operation: string, cause: unknown, contentType: string | undefined): DecodeError => {
  const position = cause instanceof Error ? /position (\d+)/.exec(cause.message)?.[1] : undefined
  const at = position === undefined ? "" : ` (at character ${position})`
  const type = contentType === undefined ? "" : `; its content type is ${contentType}`
  return new DecodeError({ operation, reason: "InvalidJson", path: "", detail: `the body is not JSON${at}${type}` })
}

/**
 * Parses a JSON answer; a failure is a `DecodeError` of `operation`.
 *
 * @internal
 */
export const parseJson = (operation: string) => (body: string | Uint8Array): Effect.Effect<unknown, DecodeError> => {
  try {
    return Effect.succeed(JSON.parse(typeof body === "string" ? body : Transport.decodeUtf8(body)))
  } catch (cause) {
    return Effect.fail(invalidJson(operation, cause, undefined))
  }
}

/**
 * Decodes a parsed JSON answer with a schema; a failure is a `DecodeError` of `operation`.
 *
 * @internal
 */
export const decodeParsed = <A, I>(operation: string, schema: Schema.Schema<A, I>) => {
  const decode = decoderOf(schema)
  return (parsed: unknown): Effect.Effect<A, DecodeError> => {
    const decoded = decode(parsed)
    return Either.isRight(decoded) ? Effect.succeed(decoded.right) : Effect.fail(decodeError(operation, decoded.left))
  }
}

/**
 * Parses a JSON answer and decodes it with a schema; a failure is a `DecodeError` of `operation`.
 *
 * @internal
 */
export const decodeJson = <A, I>(operation: string, schema: Schema.Schema<A, I>) => {
  const decode = decodeParsed(operation, schema)
  return (body: string): Effect.Effect<A, DecodeError> => {
    let parsed: unknown
    try {
      parsed = JSON.parse(body)
    } catch (cause) {
      return Effect.fail(invalidJson(operation, cause, undefined))
    }
    return decode(parsed)
  }
}

const PlacementId: unique symbol = Symbol.for("@helloasso-effect/core/HelloAssoClient/Placement")

/** @internal */
export const placed = (placement: HelloAssoClient.Placement): Schema.Annotations.Schema<any> => ({
  [PlacementId]: placement
})

/** A field of an endpoint's params and where it goes. */
interface WireField {
  readonly key: string
  readonly placement: HelloAssoClient.Placement | { readonly in: "path" }
}

const placementOf = (ast: AST.AST | AST.PropertySignature): HelloAssoClient.Placement | undefined => {
  const own = ast.annotations[PlacementId] as HelloAssoClient.Placement | undefined
  if (own !== undefined) return own
  if ("type" in ast) return placementOf(ast.type)
  // `Schema.optional(X)` is `X | undefined`: X carries the annotation
  if (ast._tag === "Union") return ast.types.map(placementOf).find((placement) => placement !== undefined)
  return undefined
}

/** The fields of a params schema (a struct, possibly refined) and where each goes, read once per schema. */
const layouts = new WeakMap<Schema.Schema.Any, ReadonlyArray<WireField>>()

const layoutOf = (schema: Schema.Schema<any, any>): ReadonlyArray<WireField> => {
  let layout = layouts.get(schema)
  if (layout === undefined) {
    let ast = schema.ast
    while (ast._tag === "Refinement") ast = ast.from
    if (ast._tag !== "TypeLiteral") throw new Error("an endpoint's params schema must be a Schema.Struct")
    layout = ast.propertySignatures.map((signature): WireField => ({
      key: String(signature.name),
      placement: placementOf(signature) ?? { in: "query" }
    }))
    layouts.set(schema, layout)
  }
  return layout
}

/** A value as query parameter values: arrays as repeated keys. */
const queryValues = (value: unknown): ReadonlyArray<string> =>
  Array.isArray(value) ? value.flatMap(queryValues) : [String(value)]

const encoders = new WeakMap<Schema.Schema.Any, (params: unknown) => unknown>()

/** @internal */
export const toRequest = <P, A, E>(
  endpoint: HelloAssoClient.Endpoint<P, A, E>,
  params: P,
  operation: string = endpoint.operation
): HelloAssoClient.Request => {
  let encode = encoders.get(endpoint.params)
  if (encode === undefined) {
    encode = Schema.encodeSync(endpoint.params as Schema.Schema<unknown, unknown>)
    encoders.set(endpoint.params, encode)
  }
  // the params schema encodes the checked params to their wire form: dates as ISO strings, and so on
  const wire = encode(params) as Record<string, unknown>
  const template = typeof endpoint.path === "string" ? endpoint.path : endpoint.path(params)
  const path = template.split("/").filter((segment) => segment !== "").map((segment) =>
    segment.startsWith("{") && segment.endsWith("}") ? String(wire[segment.slice(1, -1)]) : segment
  )
  const query: Array<readonly [string, string]> = []
  const headers: Record<string, string | Redacted.Redacted<string>> = {}
  let json: Record<string, unknown> | undefined
  for (const { key, placement } of layoutOf(endpoint.params)) {
    const value = wire[key]
    if (value === undefined || template.includes(`{${key}}`)) continue
    switch (placement.in) {
      case "query": {
        if (placement.skip?.(value) === true) break
        const name = placement.name ?? key
        for (const text of queryValues(value)) query.push([name, text])
        break
      }
      case "header": {
        headers[placement.name] = Redacted.isRedacted(value) ? value as Redacted.Redacted<string> : String(value)
        break
      }
      case "headers": {
        for (const [field, name] of Object.entries(placement.names)) {
          const inner = (value as Record<string, unknown>)[field]
          if (inner !== undefined) {
            headers[name] = Redacted.isRedacted(inner) ? inner as Redacted.Redacted<string> : String(inner)
          }
        }
        break
      }
      case "body": {
        json = { ...json, [placement.name ?? key]: value }
        break
      }
    }
  }
  return {
    operation,
    method: endpoint.method,
    path,
    query,
    headers,
    accept: endpoint.accept?.(params),
    json
  }
}

/** @internal */
export const validate = <P, A, E>(
  endpoint: HelloAssoClient.Endpoint<P, A, E>,
  input: unknown,
  operation: string = endpoint.operation
): Effect.Effect<P, ValidationError> =>
  Either.match(Params.validate(endpoint.params, input, operation), { onLeft: Effect.fail, onRight: Effect.succeed })

/** An answer, its body read when it is needed to decide. */
interface Answer {
  readonly status: number
  readonly headers: Headers.Headers
  readonly response: HttpClientResponse.HttpClientResponse
  /** The body (bounded), unless a successful one is left to stream. */
  readonly body: Uint8Array | undefined
}

/** The bearer token a request was sent with: scrubbed from any error its answer causes. */
const sentToken = (response: HttpClientResponse.HttpClientResponse): Redacted.Redacted<string> | undefined => {
  const authorization = response.request.headers["authorization"]
  return authorization?.startsWith("Bearer ") ? Redacted.make(authorization.slice(7)) : undefined
}

const isSuccess = (status: number): boolean => status >= 200 && status < 300

/** What an export may answer with for what it asked: the type itself, or raw bytes for a binary format. */
const acceptable = (accept: string, answered: string | undefined): boolean =>
  answered !== undefined &&
  (answered === accept || (answered === "application/octet-stream" && !accept.startsWith("text/")))

/**
 * The bearer token on every request. A 401 invalidates the token it was sent with (the provider renews it, one
 * request for all callers), and a GET is sent once more with a fresh one: the others may have been carried out.
 */
const authenticate = (tokens: HelloAssoAuth.Service) =>
(
  client: HttpClient.HttpClient
): HttpClient.HttpClient.With<HttpClientError.HttpClientError | AuthError> => {
  const send = (request: HttpClientRequest.HttpClientRequest, token: Redacted.Redacted<string>) =>
    client.execute(HttpClientRequest.bearerToken(request, token))
  return HttpClient.makeWith<never, never, HttpClientError.HttpClientError | AuthError, never>(
    Effect.flatMap((request: HttpClientRequest.HttpClientRequest) =>
      Effect.gen(function*() {
        const token = yield* tokens.token
        const response = yield* send(request, token)
        if (response.status !== 401) return response
        yield* tokens.invalidate(token)
        if (request.method !== "GET") return response
        const fresh = yield* tokens.token
        const replayed = yield* send(request, fresh)
        if (replayed.status === 401) yield* tokens.invalidate(fresh)
        return replayed
      })
    ),
    Effect.succeed
  )
}

/**
 * The HTTP pipeline every API request goes through, as steps on the platform client: redirects handed back
 * unfollowed and secret headers kept out of spans (`Transport.guard`), the user's own steps
 * (`transformClient`, closest to the wire: they see every attempt), the bearer token with its 401 rule, the base
 * URL, `User-Agent`, and `Accept: application/json` unless the request asks for another type.
 *
 * @internal
 */
export const pipeline = (
  guarded: HttpClient.HttpClient,
  config: HelloAssoConfig["Type"],
  tokens: HelloAssoAuth.Service
): HttpClient.HttpClient.With<HttpClientError.HttpClientError | AuthError> => {
  const agent = userAgent(config)
  const own = Option.match(config.transformClient, { onNone: () => guarded, onSome: (transform) => transform(guarded) })
  return HttpClient.mapRequest(authenticate(tokens)(own), (request) => {
    const located = HttpClientRequest.setHeader(
      HttpClientRequest.prependUrl(request, config.apiUrl),
      "user-agent",
      agent
    )
    return located.headers["accept"] === undefined ? HttpClientRequest.acceptJson(located) : located
  })
}

/** @internal */
export const make = Effect.gen(function*() {
  const config = yield* HelloAssoConfig
  const tokens = yield* TokenProvider
  const http = pipeline(yield* Transport.guard, config, tokens)
  const basePath = new URL(config.apiUrl).pathname.replace(/\/$/, "")
  const clientSecret = Option.map(config.credentials, (credentials) => credentials.clientSecret)

  const infoOf = (request: HelloAssoClient.Request): Transport.RequestInfo => ({
    operation: request.operation,
    method: request.method,
    path: `${basePath}/${request.path.map(encodeURIComponent).join("/")}`
  })

  /** Every secret a server could echo into an error of this request. */
  const secretFormsOf = (request: HelloAssoClient.Request, token: Redacted.Redacted<string> | undefined) =>
    Effect.map(tokens.secrets ?? Effect.succeed([]), (held) =>
      Scrub.forms([
        ...held,
        ...(token === undefined ? [] : [token]),
        ...Option.toArray(clientSecret),
        ...Object.values(request.headers ?? {}).filter(Redacted.isRedacted)
      ]))

  /** The request as the pipeline takes it: path, query, headers and body; the pipeline adds the rest. */
  const build = (request: HelloAssoClient.Request) => {
    const headers: Record<string, string> = {}
    if (request.accept !== undefined) headers["accept"] = request.accept
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      headers[name.toLowerCase()] = Redacted.isRedacted(value) ? Redacted.value(value) : value
    }
    const built = HttpClientRequest.make(request.method)(`/${request.path.map(encodeURIComponent).join("/")}`).pipe(
      HttpClientRequest.setHeaders(headers),
      HttpClientRequest.setUrlParams(UrlParams.fromInput(request.query ?? []))
    )
    return request.json === undefined ? built : HttpClientRequest.bodyUnsafeJson(built, request.json)
  }

  const bodyTooLarge = (info: Transport.RequestInfo) =>
    new DecodeError({
      operation: info.operation,
      reason: "BodyTooLarge",
      path: "",
      detail: `the body is larger than ${config.maxBodyBytes} bytes (maxBodyBytes); reading stopped there`
    })

  /**
   * One exchange through the pipeline, within the timeout, and within the call's deadline when given its
   * `bounds`. A successful body is read (bounded) when `readBody`; a failed one always, up to
   * `maxErrorBodyBytes`.
   */
  const exchange = (
    request: HelloAssoClient.Request,
    info: Transport.RequestInfo,
    readBody: boolean,
    bounds?: Transport.Bounds
  ) => {
    const within = <A, E>(self: Effect.Effect<A, E>) =>
      bounds === undefined ? Transport.withTimeout(info, config.timeout, self) : bounds.within(self)
    return within(
      Effect.flatMap(
        Effect.catchIf(
          announced(http.execute(build(request))),
          (error): error is HttpClientError.HttpClientError => error._tag !== "AuthError",
          (error) => Effect.fail(Transport.transportError(info, error))
        ),
        (response): Effect.Effect<Answer, TransportError | DecodeError> => {
          const answer = (body: Uint8Array | undefined): Answer => ({
            status: response.status,
            headers: response.headers,
            response,
            body
          })
          if (isSuccess(response.status) && !readBody) return Effect.succeed(answer(undefined))
          const success = isSuccess(response.status)
          return Transport.readBoundedBytes(
            response,
            success ? config.maxBodyBytes : config.maxErrorBodyBytes,
            success ? "fail" : "truncate"
          ).pipe(
            Effect.mapError((error) => Transport.transportError(info, error)),
            Effect.flatMap((read) =>
              read._tag === "TooLarge" ? Effect.fail(bodyTooLarge(info)) : Effect.succeed(answer(read.bytes))
            )
          )
        }
      )
    )
  }

  /** A failed answer, mapped; the body is scrubbed of every secret before anyone reads it. */
  const failure = <E>(
    request: HelloAssoClient.Request,
    info: Transport.RequestInfo,
    answer: Answer,
    mapError: (response: HelloAssoClient.FailedResponse) => E
  ): Effect.Effect<never, E> =>
    Effect.flatMap(
      Effect.zip(Clock.currentTimeMillis, secretFormsOf(request, sentToken(answer.response))),
      ([now, forms]) =>
        Effect.fail(mapError({
          ...info,
          status: answer.status,
          body: Scrub.text(answer.body === undefined ? "" : Transport.decodeUtf8(answer.body), forms),
          retryAfterMillis: Transport.parseRetryAfter(answer.headers["retry-after"], now),
          redirectedTo: Transport.isRedirect(answer.status)
            ? Transport.redirectTarget(answer.headers, config.apiUrl)
            : undefined
        }))
    )

  const defaultMapError = (response: HelloAssoClient.FailedResponse) => {
    const error = ResponseError.apiError(response)
    return error._tag === "HttpError" && response.retryAfterMillis !== undefined
      ? new HttpError({ ...error, retryAfterMillis: response.retryAfterMillis })
      : error
  }

  /** The user's schedule, if any: every failure it sees is a `HelloAssoError`. */
  const custom = Option.getOrUndefined(config.retrySchedule) as Schedule.Schedule<unknown, unknown> | undefined

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

  /** A call's error, scrubbed of every secret. */
  const scrubbed = <A, E>(request: HelloAssoClient.Request, self: Effect.Effect<A, E>): Effect.Effect<A, E> =>
    Effect.catchAll(
      self,
      (error) => Effect.flatMap(secretFormsOf(request, undefined), (forms) => Effect.fail(Scrub.error(error, forms)))
    )

  /** A call ends: within `deadline`, retries and the token request included; secrets scrubbed from its error. */
  const bounded = <A, E>(
    request: HelloAssoClient.Request,
    info: Transport.RequestInfo,
    deadline: Duration.Duration,
    self: Effect.Effect<A, E>
  ): Effect.Effect<A, E | TransportError> =>
    scrubbed(
      request,
      Effect.timeoutFail(self, { duration: deadline, onTimeout: () => Transport.deadlineError(info, deadline) })
    )

  /** A successful body that says it is not JSON and does not parse: say so, naming the content type. */
  const checkJson = (info: Transport.RequestInfo, answer: Answer): Effect.Effect<Uint8Array, DecodeError> => {
    const body = answer.body!
    const type = Transport.mediaType(answer.headers)
    if (type === undefined || Transport.isJsonType(type)) return Effect.succeed(body)
    try {
      JSON.parse(Transport.decodeUtf8(body))
      return Effect.succeed(body)
    } catch (cause) {
      return Effect.fail(invalidJson(info.operation, cause, type))
    }
  }

  const body: Body = <E = HelloAssoClient.RequestError>(
    request: HelloAssoClient.Request,
    options?: TextOptions<E>
  ): Effect.Effect<Uint8Array, E | HelloAssoClient.RequestError | DecodeError> => {
    const info = infoOf(request)
    const mapError = options?.mapError ??
      (defaultMapError as unknown as (response: HelloAssoClient.FailedResponse) => E)
    const attempt = (bounds: Transport.Bounds) =>
      Effect.flatMap(
        gated(exchange(request, info, true, bounds), bounds.until, bounds.late),
        (answer): Effect.Effect<Uint8Array, E | DecodeError> =>
          isSuccess(answer.status) ? checkJson(info, answer) : failure(request, info, answer, mapError)
      )
    return scrubbed(
      request,
      Transport.retryingWithin(info, config.timeout, config.deadline, attempt, config.retry, classify(request), custom)
    )
  }

  // the text is made last, in the caller's fiber (see `Transport.readBoundedBytes`)
  const text = <E = HelloAssoClient.RequestError>(
    request: HelloAssoClient.Request,
    options?: TextOptions<E>
  ): Effect.Effect<string, E | HelloAssoClient.RequestError | DecodeError> =>
    Effect.map(body(request, options), Transport.decodeUtf8)

  const json = <A, I, E = HelloAssoClient.RequestError>(
    request: HelloAssoClient.Request,
    schema: Schema.Schema<A, I>,
    options?: { readonly mapError?: ((response: HelloAssoClient.FailedResponse) => E) | undefined }
  ): Effect.Effect<A, E | HelloAssoClient.RequestError | DecodeError> =>
    Effect.flatMap(text(request, options), decodeJson(request.operation, schema))

  const bytes = (
    request: HelloAssoClient.Request
  ): Stream.Stream<Uint8Array, HelloAssoClient.RequestError | DecodeError> => {
    const info = infoOf(request)
    const accept = request.accept ?? "application/json"
    const attempt = Effect.flatMap(
      exchange(request, info, false),
      (answer): Effect.Effect<Answer, HelloAssoClient.RequestError | DecodeError> => {
        if (!isSuccess(answer.status)) return failure(request, info, answer, defaultMapError)
        const type = Transport.mediaType(answer.headers)
        if (acceptable(accept, type)) return Effect.succeed(answer)
        // a maintenance page answered 200 is not the export: read a little of it to free the connection, then fail
        return Effect.zipRight(
          Effect.ignore(Transport.readBounded(answer.response, config.maxErrorBodyBytes, "truncate")),
          Effect.fail(
            new DecodeError({
              operation: info.operation,
              reason: "UnexpectedContentType",
              path: "",
              detail: `asked for ${accept}, the server answered ${type ?? "without a content type"}`
            })
          )
        )
      }
    )
    const deadline = Effect.zipRight(
      Effect.sleep(config.exportDeadline),
      Effect.fail(Transport.deadlineError(info, config.exportDeadline))
    )
    return Stream.unwrap(
      Effect.map(
        bounded(
          request,
          info,
          config.exportDeadline,
          Transport.retrying(attempt, config.retry, classify(request), custom)
        ),
        (answer) =>
          Transport.chunks(answer.response).pipe(
            Stream.mapError((error) => Transport.transportError(info, error)),
            // the timeout bounds each wait for the next chunk of the body
            Stream.timeoutFail(
              () => Transport.timeoutError(info, config.timeout),
              config.timeout
            )
          )
      )
    ).pipe(
      // the export as a whole, however slowly its chunks come
      Stream.interruptWhen(deadline)
    )
  }

  const call = <P, A, E>(
    endpoint: HelloAssoClient.Endpoint<P, A, E>,
    input: unknown
  ): Effect.Effect<A, E | HelloAssoClient.RequestError | DecodeError> =>
    Effect.flatMap(validate(endpoint, input), (params) => {
      const mapError = endpoint.mapError
      const received = text(
        toRequest(endpoint, params),
        mapError === undefined ? undefined : { mapError: (response) => mapError(response, params) }
      )
      // `Schema.Void`: the answer's body, if any, is not read
      const answer = (endpoint.success as Schema.Schema.Any) === Schema.Void
        ? Effect.as(received, undefined as A)
        : Effect.flatMap(received, decodeJson(endpoint.operation, endpoint.success))
      const outcomeUnknown = endpoint.outcomeUnknown
      const settled: Effect.Effect<A, E | HelloAssoClient.RequestError | DecodeError> = outcomeUnknown === undefined
        ? answer
        : Effect.catchAll(answer, (error): Effect.Effect<never, E | HelloAssoClient.RequestError | DecodeError> => {
          const tagged = error as { readonly _tag?: string }
          if (tagged._tag === "DecodeError") {
            return Effect.fail(
              outcomeUnknown(params, `the answer could not be read: ${(error as DecodeError).message}`)
            )
          }
          // a request that provably never left is reported as such; after that, it may have been carried out
          if (tagged._tag === "TransportError" && (error as TransportError).reason !== "Connect") {
            return Effect.fail(outcomeUnknown(params, (error as TransportError).message))
          }
          return Effect.fail(error)
        })
      return Effect.withSpan(settled, endpoint.operation, { attributes: endpoint.attributes?.(params) ?? {} })
    })

  const service: HelloAssoClient.Service = { json, text, bytes, call, http }
  bodies.set(service, body)
  return service
})
