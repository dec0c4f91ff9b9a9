/**
 * Where the API is, the credentials, and the client's timeouts and retry policy.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import type * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type * as Schedule from "effect/Schedule"
import type * as HelloAssoError from "./HelloAssoError.js"
import * as internal from "./internal/config.js"

/**
 * The endpoints of a HelloAsso environment. The token endpoint is not under `/v5`; the authorization page, where
 * partners send an association to connect, is on its own host.
 *
 * @since 0.1.0
 * @category models
 */
export interface Endpoints {
  readonly apiUrl: string
  readonly tokenUrl: string
  /** @since 0.3.0 */
  readonly authorizeUrl: string
}

/**
 * @since 0.1.0
 * @category endpoints
 */
export const production: Endpoints = internal.environmentEndpoints("production")

/**
 * @since 0.1.0
 * @category endpoints
 */
export const sandbox: Endpoints = internal.environmentEndpoints("sandbox")

/**
 * @since 0.1.0
 * @category models
 */
export type Environment = "production" | "sandbox"

/**
 * An OAuth client of HelloAsso (client credentials grant). The secret never leaves `Redacted`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Credentials {
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
}

/**
 * How idempotent requests (GETs and the token request) are retried on 429, 502, 503, 504 and network errors:
 * exponential backoff with full jitter from `baseDelay` up to `maxDelay`, at most `maxRetries` retries, and a
 * `Retry-After` header honoured up to `maxRetryAfter`.
 *
 * @since 0.1.0
 * @category models
 */
export interface RetryPolicy {
  readonly maxRetries: number
  readonly baseDelay: Duration.Duration
  readonly maxDelay: Duration.Duration
  readonly maxRetryAfter: Duration.Duration
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service extends Endpoints {
  /** Absent when the token comes from elsewhere (`HelloAssoAuth.layerStatic`). */
  readonly credentials: Option.Option<Credentials>
  /** Sent as `User-Agent: helloasso-effect/<version>` followed by this product token, if any. */
  readonly userAgent: Option.Option<string>
  /** Bound on one attempt, reading the body included; for an export, on each wait for the next chunk. */
  readonly timeout: Duration.Duration
  /** Bound on one call: the token request, every attempt, and the waits between retries. */
  readonly deadline: Duration.Duration
  /** Bound on a whole export, from the request to the last byte. */
  readonly exportDeadline: Duration.Duration
  /** Bound on a JSON body read into memory (a page, a payment, a refund, a token answer). */
  readonly maxBodyBytes: number
  /** At most this much of an error body is read; the rest is discarded. */
  readonly maxErrorBodyBytes: number
  /**
   * After two tokens in a row are refused by the API right after being granted, no new token is requested for
   * this long: calls fail with `AuthError` instead of using up HelloAsso's live tokens per client.
   */
  readonly grantHoldOff: Duration.Duration
  readonly retry: RetryPolicy
  /** A token is renewed this long before HelloAsso says it expires. */
  readonly tokenRefreshMargin: Duration.Duration
  /** The user's own steps on the HTTP client (logging, a proxy, metrics), applied after the library's. */
  readonly transformClient: Option.Option<(client: HttpClient.HttpClient) => HttpClient.HttpClient>
  /** Replaces the retry schedule built from `retry` for the requests that are retried (GETs, token requests). */
  readonly retrySchedule: Option.Option<Schedule.Schedule<unknown, HelloAssoError.HelloAssoError>>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class HelloAssoConfig
  extends Context.Tag("@helloasso-effect/core/HelloAssoConfig")<HelloAssoConfig, Service>()
{}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** `production` (the default) or `sandbox`; `apiUrl` / `tokenUrl` override it (e.g. for the simulator). */
  readonly environment?: Environment | undefined
  readonly apiUrl?: string | undefined
  /** Default: the environment's, or `{origin of apiUrl}/oauth2/token` when `apiUrl` is given. */
  readonly tokenUrl?: string | undefined
  /**
   * The authorization page of the partner flow. Default: the environment's (`https://auth.helloasso.com/authorize`),
   * or `{origin of apiUrl}/authorize` when `apiUrl` is a loopback URL (a simulator).
   *
   * @since 0.3.0
   */
  readonly authorizeUrl?: string | undefined
  readonly clientId?: string | undefined
  readonly clientSecret?: Redacted.Redacted<string> | undefined
  /** A product token appended to the `User-Agent`; printable ASCII only. */
  readonly userAgent?: string | undefined
  /** Bound on one attempt, reading the body included. Default: 30 seconds. */
  readonly timeout?: Duration.DurationInput | undefined
  /** Bound on one call, retries included. Default: 2 minutes. */
  readonly deadline?: Duration.DurationInput | undefined
  /** Bound on a whole export. Default: 1 hour. */
  readonly exportDeadline?: Duration.DurationInput | undefined
  /** Bound on a JSON body, in bytes. Default: 32 MiB. */
  readonly maxBodyBytes?: number | undefined
  /** How much of an error body is read, in bytes. Default: 64 KiB. */
  readonly maxErrorBodyBytes?: number | undefined
  /** How long no token is requested after fresh tokens were refused twice in a row. Default: 60 seconds. */
  readonly grantHoldOff?: Duration.DurationInput | undefined
  /** Default: 4 retries, 250 ms base delay, 10 s max delay, 60 s max `Retry-After`. */
  readonly retry?: {
    readonly maxRetries?: number | undefined
    readonly baseDelay?: Duration.DurationInput | undefined
    readonly maxDelay?: Duration.DurationInput | undefined
    readonly maxRetryAfter?: Duration.DurationInput | undefined
  } | undefined
  /** Default: 60 seconds. */
  readonly tokenRefreshMargin?: Duration.DurationInput | undefined
  /**
   * Extra steps on the HTTP client, applied after the library's own (base URL, headers, token, timeout), as
   * `@effect/ai-openai` offers: logging, a proxy, metrics. Never read from the environment.
   */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
  /**
   * The schedule retrying GETs and token requests on retryable errors, instead of the one built from `retry`.
   * Never read from the environment.
   */
  readonly retrySchedule?: Schedule.Schedule<unknown, HelloAssoError.HelloAssoError> | undefined
}

/**
 * The options as a record of `Config`s, one per option (`retry` also as a record of `Config`s), for `layerConfig`:
 * each value is checked inside its own `Config`, so a refused one fails with a `ConfigError` at the path of the
 * key its `Config` reads (`Config.string("MY_API_URL")` gives `MY_API_URL`). A missing key fails unless its
 * `Config` has a default (`Config.withDefault(undefined)` leaves the option's). `transformClient` and
 * `retrySchedule` are given as values.
 *
 * @since 0.3.0
 * @category models
 */
export type ConfigOptions =
  & {
    readonly [K in Exclude<keyof Options, "retry" | "transformClient" | "retrySchedule">]?:
      | Config.Config<Options[K]>
      | undefined
  }
  & {
    readonly retry?:
      | Config.Config<Options["retry"]>
      | { readonly [K in keyof NonNullable<Options["retry"]>]?: Config.Config<NonNullable<Options["retry"]>[K]> }
      | undefined
    readonly transformClient?: Options["transformClient"]
    readonly retrySchedule?: Options["retrySchedule"]
  }

/**
 * Builds and checks a configuration: base URLs must be https, except loopback hosts (127.0.0.1, ::1,
 * localhost); a client id needs its secret; the token URL defaults to the one next to `apiUrl`. Fails with a
 * `ConfigError` naming the option.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Either.Either<Service, ConfigError.ConfigError> =>
  internal.make(options, internal.optionNames)

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<HelloAssoConfig, ConfigError.ConfigError> =>
  Layer.effect(HelloAssoConfig, make(options))

/**
 * The options read from the environment: `HELLOASSO_CLIENT_ID`, `HELLOASSO_CLIENT_SECRET`,
 * `HELLOASSO_ENVIRONMENT` (`production` or `sandbox`), and optional `HELLOASSO_API_URL` / `HELLOASSO_TOKEN_URL`
 * (by default `{origin of HELLOASSO_API_URL}/oauth2/token` when only the API URL is set) / `HELLOASSO_AUTHORIZE_URL`
 * (the partner flow's authorization page; next to a loopback `HELLOASSO_API_URL` by default). Each variable is checked
 * where it is read: a refused value fails with a `ConfigError` at its path (`HELLOASSO_API_URL`).
 *
 * @since 0.1.0
 * @category config
 */
export const fromEnv: Config.Config<Options> = Config.all(internal.envConfigs)

/**
 * The configuration from `Config`, checked like `make` inside `Config`, so a `ConfigError` names the variable:
 * by default the `HELLOASSO_*` variables of `fromEnv`; or a `Config<Options>`; or a record of `Config`s per
 * option (`ConfigOptions`), as `@effect/ai-openai` takes. `overrides` win over what the config provides, and the
 * options they set are not read.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Config<Options> | ConfigOptions = fromEnv,
  overrides: Options = {}
): Layer.Layer<HelloAssoConfig, ConfigError.ConfigError> => {
  const env = config === fromEnv || config === internal.envConfigs
  const options = env
    ? internal.fromRecord(internal.envConfigs, overrides, true)
    : Config.isConfig(config)
    ? config
    : internal.fromRecord(config, overrides, false)
  const names = env ? internal.envNames : internal.optionNames
  return Layer.effect(
    HelloAssoConfig,
    Config.mapOrFail(options, (options) => internal.make({ ...options, ...internal.defined(overrides) }, names))
  )
}
