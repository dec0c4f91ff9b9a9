/**
 * Access tokens for the API. `layerClientCredentials` gets them from HelloAsso's token endpoint, reuses each
 * one until shortly before it expires, renews it with the refresh token (HelloAsso asks clients to refresh
 * rather than grant a new token per call, and limits the live tokens per client), and makes concurrent callers
 * share one token request. `layerStatic` serves a token obtained elsewhere.
 *
 * Partners reach the associations that connect to them through HelloAsso's authorization code flow with PKCE:
 * `authorizationRequest` gives the URL to send the association to, `exchangeCode` (or `connect`, which also stores
 * them) turns the code it comes back with into the organization's tokens, and `layerAuthorizationCode` serves the
 * organization's access tokens from the `TokenStore`, renewing them like client credentials. `disconnect` revokes
 * them.
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
import type { AuthError, ValidationError } from "./HelloAssoError.js"
import * as internal from "./internal/auth.js"
import * as partner from "./internal/authorizationCode.js"
import type * as TokenStore from "./TokenStore.js"

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

/**
 * @since 0.3.0
 * @category partner access
 */
export interface AuthorizationRequestParams {
  /** Where HelloAsso sends the association back: https on the domain registered for your client. */
  readonly redirectUri: string
  /** Ties the answer to this request (under 500 characters). Default: 43 random characters. */
  readonly state?: string | undefined
}

/**
 * Where to send the association, and what to keep until it comes back (in its session): the `state` to compare
 * with the one it brings, and the PKCE verifier `exchangeCode` needs.
 *
 * @since 0.3.0
 * @category partner access
 */
export interface AuthorizationRequest {
  /** The authorization page with `client_id`, `redirect_uri`, `code_challenge` (S256) and `state`. */
  readonly url: string
  readonly state: string
  readonly codeVerifier: Redacted.Redacted<string>
}

/**
 * @since 0.3.0
 * @category partner access
 */
export interface ExchangeCodeParams {
  /** The `code` HelloAsso redirected back with: it works once, within 5 minutes. */
  readonly code: string | Redacted.Redacted<string>
  /** The verifier of the `authorizationRequest` this code answers (kept `Redacted`, or as text in a session). */
  readonly codeVerifier: Redacted.Redacted<string> | string
  /** The same `redirectUri` as in the `authorizationRequest`. */
  readonly redirectUri: string
}

/**
 * Starts the authorization code flow: the authorization page's URL with a PKCE challenge (S256, from a verifier of
 * 64 random characters made with Web Crypto, so it runs on any platform) and a `state`.
 *
 * @since 0.3.0
 * @category partner access
 */
export const authorizationRequest: (
  params: AuthorizationRequestParams
) => Effect.Effect<AuthorizationRequest, ValidationError | ConfigError.ConfigError, HelloAssoConfig> =
  partner.authorizationRequest

/**
 * Exchanges the code HelloAsso redirected back with for the organization's tokens (`grant_type=authorization_code`
 * with the client secret, the `redirect_uri` and the PKCE verifier). A code that is expired, used already, of
 * another `redirect_uri` or whose verifier does not match fails with `AuthError` `CodeRefused`: start again. The
 * tokens are not stored: give them to `TokenStore.set` before using them, or use `connect`.
 *
 * @since 0.3.0
 * @category partner access
 */
export const exchangeCode: (
  params: ExchangeCodeParams
) => Effect.Effect<
  TokenStore.Tokens,
  AuthError | ValidationError | ConfigError.ConfigError,
  HelloAssoConfig | HttpClient.HttpClient
> = partner.exchangeCode

/**
 * `exchangeCode`, then the tokens are written to the `TokenStore` before they are returned: the organization is
 * connected, and `layerAuthorizationCode` serves its tokens from now on, in this process or the next.
 *
 * @since 0.3.0
 * @category partner access
 */
export const connect: (
  params: ExchangeCodeParams
) => Effect.Effect<
  TokenStore.Tokens,
  AuthError | ValidationError | ConfigError.ConfigError,
  HelloAssoConfig | HttpClient.HttpClient | TokenStore.TokenStore
> = partner.connect

/**
 * Revokes an organization's tokens (`GET /oauth2/disconnect` with its access token) and removes them from the
 * `TokenStore`. An organization without tokens, or whose tokens HelloAsso no longer accepts, is only removed.
 *
 * @since 0.3.0
 * @category partner access
 */
export const disconnect: (
  params: { readonly organizationSlug: string }
) => Effect.Effect<
  void,
  AuthError | ConfigError.ConfigError,
  HelloAssoConfig | HttpClient.HttpClient | TokenStore.TokenStore
> = partner.disconnect

/**
 * The access tokens of one organization connected through the authorization code flow, read from the
 * `TokenStore`, with the guarantees of client credentials: reused until shortly before they expire, renewed with
 * the refresh token (one renewal at a time per organization, however many layers are built for it), a 401 renews
 * and replays a GET once. The rotated refresh token is written to the store before the new access token is used.
 *
 * A refresh token HelloAsso refuses (`invalid_grant`: used already, expired, revoked) fails with `AuthError`
 * `AuthorizationRequired` and its pair is removed from the store: send the association through the authorization
 * flow again. So does an organization without tokens in the store. Fails to build without the client id and
 * secret, or with an invalid slug.
 *
 * @since 0.3.0
 * @category layers
 */
export const layerAuthorizationCode = (options: {
  readonly organizationSlug: string
}): Layer.Layer<
  TokenProvider,
  ConfigError.ConfigError,
  HelloAssoConfig | HttpClient.HttpClient | TokenStore.TokenStore
> => Layer.effect(TokenProvider, partner.makeAuthorizationCode(options))
