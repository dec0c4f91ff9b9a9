/**
 * Where partner access keeps each connected organization's tokens. HelloAsso rotates the refresh token on every
 * renewal and refuses the previous one, so the newest pair must outlive the process: lose it and the association
 * has to connect again. `HelloAssoAuth.layerAuthorizationCode` writes a renewed pair here before it uses the new
 * access token.
 *
 * `layerKeyValueStore` keeps them in `@effect/platform`'s `KeyValueStore` (one key per organization, one write per
 * pair, so a pair is never half written as far as the store's `set` is atomic): in memory, in the browser's
 * storage, or in your own store. On Node, `NodeTokenStore.layerFileSystem` of `@helloasso-effect/node` is a
 * file store whose writes are atomic and whose files only their owner can read.
 *
 * Tokens are `Redacted`; an error of the store never holds them.
 *
 * @since 0.3.0
 */
import type * as KeyValueStore from "@effect/platform/KeyValueStore"
import * as Context from "effect/Context"
import type * as DateTime from "effect/DateTime"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as internal from "./internal/tokenStore.js"

/**
 * The tokens of one organization connected through the authorization code flow.
 *
 * @since 0.3.0
 * @category models
 */
export interface Tokens {
  /** The organization the tokens act for, as the token endpoint named it (`organization_slug`). */
  readonly organizationSlug: string
  readonly accessToken: Redacted.Redacted<string>
  /** Rotated on every renewal: the previous one stops working. */
  readonly refreshToken: Redacted.Redacted<string>
  /** When the access token expires, as the token endpoint said (`expires_in`). */
  readonly expiresAt: DateTime.Utc
}

/**
 * The store could not be read or written (`Unavailable`), or what it holds for an organization is not a token pair
 * (`Unreadable`). Neither the tokens nor what the store held are ever part of it.
 *
 * @since 0.3.0
 * @category errors
 */
export class TokenStoreError
  extends Schema.TaggedError<TokenStoreError>("@helloasso-effect/core/TokenStoreError")("TokenStoreError", {
    operation: Schema.String,
    reason: Schema.Literal("Unavailable", "Unreadable"),
    organizationSlug: Schema.String,
    detail: Schema.String
  })
{
  /**
   * @since 0.3.0
   */
  override get message(): string {
    const text = this.reason === "Unavailable" ? "the store failed" : "the stored tokens cannot be read"
    return `${this.operation}: ${text} (organization ${this.organizationSlug}): ${this.detail}`
  }
}

/**
 * @since 0.3.0
 * @category models
 */
export interface Service {
  /** The organization's tokens, if any (slugs are compared in lower case, as HelloAsso does). */
  readonly get: (organizationSlug: string) => Effect.Effect<Option.Option<Tokens>, TokenStoreError>
  /** Replaces the organization's tokens with these, in one write. */
  readonly set: (tokens: Tokens) => Effect.Effect<void, TokenStoreError>
  /** Forgets the organization's tokens; nothing happens when there are none. */
  readonly remove: (organizationSlug: string) => Effect.Effect<void, TokenStoreError>
}

/**
 * @since 0.3.0
 * @category tags
 */
export class TokenStore extends Context.Tag("@helloasso-effect/core/TokenStore")<TokenStore, Service>() {}

/**
 * A store on a `KeyValueStore`: one key per organization (`helloasso-tokens/{organization slug}` by default), whose
 * value is the pair as JSON, written with one `set`.
 *
 * @since 0.3.0
 * @category constructors
 */
export const makeKeyValueStore: (
  store: KeyValueStore.KeyValueStore,
  options?: { readonly prefix?: string | undefined }
) => Service = internal.makeKeyValueStore

/**
 * The tokens in the application's `KeyValueStore`.
 *
 * @since 0.3.0
 * @category layers
 */
export const layerKeyValueStore: Layer.Layer<TokenStore, never, KeyValueStore.KeyValueStore> = Layer.effect(
  TokenStore,
  internal.fromKeyValueStore
)

/**
 * Tokens in memory: they end with the process (tests, or an application that connects its associations again on
 * every start).
 *
 * @since 0.3.0
 * @category layers
 */
export const layerMemory: Layer.Layer<TokenStore> = Layer.sync(TokenStore, internal.makeMemory)
