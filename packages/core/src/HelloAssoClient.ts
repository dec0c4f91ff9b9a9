/**
 * The authenticated, retrying, error-mapping HTTP client the endpoints are built on. It sends the bearer token,
 * `User-Agent: helloasso-effect/<version>` and `Accept`; bounds every request (reading the body included) with
 * the configured timeout; retries idempotent requests (GET) on 429, 502, 503, 504 and network failures with
 * exponential backoff and jitter, honouring `Retry-After`; invalidates the token on a 401 and replays a GET once
 * with a fresh one; maps every failure to a `HelloAssoError`. A POST is only retried when it provably never
 * reached the server (no connection could be made). Redirects are not followed. Every call ends within the
 * configured `deadline`, bodies read into memory are bounded (`maxBodyBytes`, `maxErrorBodyBytes`), and every
 * secret the client holds is scrubbed from what its errors carry.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
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
   * Sends a request and reads its successful answer as text, to decode later with `decodeJson`: the next page
   * of a listing is received in the background while the current one is decoded and handled.
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
