/**
 * Access tokens for the API. `layerClientCredentials` gets them from HelloAsso's token endpoint, reuses each
 * one until shortly before it expires, renews it with the refresh token (HelloAsso asks clients to refresh
 * rather than grant a new token per call, and limits the live tokens per client), and makes concurrent callers
 * share one token request. `layerStatic` serves a token obtained elsewhere.
 *
 * Tokens are `Redacted` from the token endpoint to the `Authorization` header.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type { HelloAssoConfig } from "./HelloAssoConfig.js"
import type { AuthError } from "./HelloAssoError.js"
import * as internal from "./internal/auth.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** A valid access token: the cached one, or a new one (one token request for all concurrent callers). */
  readonly token: Effect.Effect<Redacted.Redacted<string>, AuthError>
  /** Drops a token the API refused (401), if it is still the current one; the next `token` renews it. */
  readonly invalidate: (token: Redacted.Redacted<string>) => Effect.Effect<void>
  /** The secrets it holds (client secret, tokens), masked in any text a server echoes them into. */
  readonly secrets?: Effect.Effect<ReadonlyArray<Redacted.Redacted<string>>> | undefined
}

/**
 * @since 0.1.0
 * @category tags
 */
export class TokenProvider extends Context.Tag("@helloasso-effect/core/TokenProvider")<TokenProvider, Service>() {}

/**
 * Tokens from the OAuth2 client credentials grant of the configured client, renewed with the refresh token
 * (falling back to client credentials when the refresh token is refused). Fails to build without credentials.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerClientCredentials: Layer.Layer<
  TokenProvider,
  ConfigError.ConfigError,
  HelloAssoConfig | HttpClient.HttpClient
> = Layer.scoped(TokenProvider, internal.makeClientCredentials)

/**
 * A token you already hold (from the authorization code flow, for instance). It is never renewed: a 401 fails
 * with `AuthError`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerStatic = (accessToken: Redacted.Redacted<string> | string): Layer.Layer<TokenProvider> =>
  Layer.succeed(
    TokenProvider,
    internal.makeStatic(Redacted.isRedacted(accessToken) ? accessToken : Redacted.make(accessToken))
  )
