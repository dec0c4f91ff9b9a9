/**
 * The client every endpoint goes through, and the way an endpoint is declared (`Endpoint`).
 *
 * Its HTTP pipeline is the platform `HttpClient` with steps: redirects handed back unfollowed, the user's own steps
 * (`transformClient`), the bearer token (a 401 invalidates it, and a GET is replayed once with a fresh one), the
 * base URL, `User-Agent: helloasso-effect/<version>` and `Accept`. Around it, each attempt is bounded by the
 * timeout (reading the body included) and its body by `maxBodyBytes` / `maxErrorBodyBytes`; idempotent requests
 * (GET) are retried on 429, 502, 503, 504 and network failures with a `Schedule` (exponential backoff with
 * jitter, `Retry-After` honoured, or the configured `retrySchedule`); a POST only when it provably never reached
 * the server. Every call ends within `deadline`, every failure is a `HelloAssoError`, and every secret the client
 * holds is scrubbed from what its errors carry.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as UrlParams from "@effect/platform/UrlParams"
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import type * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import type { TokenProvider } from "./HelloAssoAuth.js"
import type { HelloAssoConfig } from "./HelloAssoConfig.js"
import type { AuthError, DecodeError, HttpError, TransportError, ValidationError } from "./HelloAssoError.js"
import * as internal from "./internal/client.js"

/**
 * A request to the API.
 *
 * @since 0.1.0
 * @category models
 */
export interface Request {
  /** Names the span and the errors, e.g. `Payments.get`. */
  readonly operation: string
  /** Only a GET is retried or replayed after a 401: the others may have been carried out. */
  readonly method: "GET" | "POST" | "PUT" | "DELETE"
  /** Path segments after the base URL; each is percent-encoded. */
  readonly path: ReadonlyArray<string>
  /** Query parameters; arrays are sent as repeated keys (`states=A&states=B`). */
  readonly query?: UrlParams.Input | undefined
  /** Extra headers. `Redacted` values are unwrapped only when sent, and kept out of spans. */
  readonly headers?: Readonly<Record<string, string | Redacted.Redacted<string>>> | undefined
  /** Default: `application/json`. */
  readonly accept?: string | undefined
  /** A JSON body (`Content-Type: application/json`). */
  readonly json?: unknown
}

/**
 * A non-2xx answer, for custom error mapping.
 *
 * @since 0.1.0
 * @category models
 */
export interface FailedResponse {
  readonly operation: string
  readonly method: string
  readonly path: string
  readonly status: number
  /** At most `maxErrorBodyBytes` of it, every secret the client holds masked. */
  readonly body: string
  readonly retryAfterMillis: number | undefined
  /** For a redirect (which is never followed): the host its `Location` points to. */
  readonly redirectedTo?: string | undefined
}

/**
 * Where a field of an endpoint's params goes on the wire. Without a placement, a field named in the path template
 * fills its segment and any other field is a query parameter under its own name (an array as repeated keys).
 *
 * @since 0.3.0
 * @category endpoints
 */
export type Placement =
  | {
    readonly in: "query"
    readonly name?: string | undefined
    readonly skip?: ((value: unknown) => boolean) | undefined
  }
  | { readonly in: "header"; readonly name: string }
  /** A struct field whose own fields go to these headers (e.g. the MFA tokens). */
  | { readonly in: "headers"; readonly names: Readonly<Record<string, string>> }
  /** A field of the JSON body. */
  | { readonly in: "body"; readonly name?: string | undefined }
  /** Not sent as such: read by the declaration (e.g. the export format, which sets `Accept`). */
  | { readonly in: "none" }

/**
 * Annotates a params field with where it goes on the wire:
 * `Schema.optional(MfaTokens).annotations(HelloAssoClient.placed({ in: "headers", names }))`.
 *
 * @since 0.3.0
 * @category endpoints
 */
export const placed: (placement: Placement) => Schema.Annotations.Schema<any> = internal.placed

/**
 * An operation of the API, as data: its method and path template, the params schema that both checks the
 * caller's input (a `ValidationError` naming the field, nothing sent) and encodes it to the wire (path segments,
 * query parameters, headers, body: see `Placement`), the schema of its answer, and how its failures are mapped.
 *
 * @since 0.3.0
 * @category endpoints
 */
export interface Endpoint<P, A, E = never> {
  /** Names the span and the errors, e.g. `Payments.get`. */
  readonly operation: string
  /** Only a GET is retried or replayed after a 401: the others may have been carried out. */
  readonly method: "GET" | "POST" | "PUT" | "DELETE"
  /** After the base URL, e.g. `/payments/{paymentId}`; each `{field}` is percent-encoded. */
  readonly path: string | ((params: P) => string)
  readonly params: Schema.Schema<P, any>
  /**
   * The answer's schema (`Schema.Void` when its body does not matter); for an endpoint read as bytes (exports),
   * the schema of its JSON form if it has one.
   */
  readonly success: Schema.Schema<A, any>
  /** Default: `application/json`. */
  readonly accept?: ((params: P) => string) | undefined
  /** A non-2xx answer as this endpoint's error (default: `AuthError`, `ValidationError` or `HttpError`). */
  readonly mapError?: ((response: FailedResponse, params: P) => E) | undefined
  /**
   * For a request that is not idempotent: its error when it may have reached HelloAsso but no answer could be
   * read (a transport failure after the connection, an unreadable answer).
   */
  readonly outcomeUnknown?: ((params: P, detail: string) => E) | undefined
  /** Span attributes; never secrets or personal data. */
  readonly attributes?: ((params: P) => Readonly<Record<string, unknown>>) | undefined
}

/**
 * The request of an endpoint for checked params: path, query, headers and body, as the params schema encodes
 * them. `operation` overrides the endpoint's name (e.g. `Payments.pagesByOrganization`).
 *
 * @since 0.3.0
 * @category endpoints
 */
export const toRequest: <P, A, E>(endpoint: Endpoint<P, A, E>, params: P, operation?: string) => Request =
  internal.toRequest

/**
 * Checks the caller's input against an endpoint's params schema; the first problem is a `ValidationError`
 * naming the field.
 *
 * @since 0.3.0
 * @category endpoints
 */
export const validate: <P, A, E>(
  endpoint: Endpoint<P, A, E>,
  input: unknown,
  operation?: string
) => Effect.Effect<P, ValidationError> = internal.validate

/**
 * The errors of a request whose answers are mapped by default.
 *
 * @since 0.1.0
 * @category models
 */
export type RequestError = AuthError | ValidationError | HttpError | TransportError

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Sends a request and decodes its JSON answer with a schema. */
  readonly json: <A, I, E = RequestError>(
    request: Request,
    schema: Schema.Schema<A, I>,
    options?: { readonly mapError?: ((response: FailedResponse) => E) | undefined }
  ) => Effect.Effect<A, E | RequestError | DecodeError>
  /**
   * Sends a request and reads its successful answer as text, to decode later with `decodeJson` (to receive one
   * answer in the background while another is decoded). The text is made once the answer is complete, in the
   * fiber that asked for it.
   */
  readonly text: <E = RequestError>(
    request: Request,
    options?: { readonly mapError?: ((response: FailedResponse) => E) | undefined }
  ) => Effect.Effect<string, E | RequestError | DecodeError>
  /**
   * Sends a request and streams its body (exports). Retries happen before the first byte only; the answer's
   * content type must be the one asked for; the whole stream ends within `exportDeadline`.
   */
  readonly bytes: (request: Request) => Stream.Stream<Uint8Array, RequestError | DecodeError>
  /**
   * Checks the input, sends the endpoint's request and decodes its answer, in a span named after the operation.
   */
  readonly call: <P, A, E>(
    endpoint: Endpoint<P, A, E>,
    input: unknown
  ) => Effect.Effect<A, E | RequestError | DecodeError>
  /** The HTTP pipeline itself (authenticated, base URL, `User-Agent`), for requests outside the endpoints. */
  readonly http: HttpClient.HttpClient.With<HttpClientError.HttpClientError | AuthError>
}

/**
 * Parses a JSON answer and decodes it with a schema, as `json` does; a failure is a `DecodeError` naming
 * `operation`.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeJson: <A, I>(
  operation: string,
  schema: Schema.Schema<A, I>
) => (body: string) => Effect.Effect<A, DecodeError> = internal.decodeJson

/**
 * @since 0.1.0
 * @category tags
 */
export class HelloAssoClient
  extends Context.Tag("@helloasso-effect/core/HelloAssoClient")<HelloAssoClient, Service>()
{}

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<HelloAssoClient, never, HelloAssoConfig | TokenProvider | HttpClient.HttpClient> = Layer
  .effect(HelloAssoClient, internal.make)
