/**
 * The whole client in one layer: configuration, tokens, the HTTP client, `Payments` and
 * `NotificationSubscriptions`. It needs only an
 * `HttpClient`: `NodeHelloAsso` provides undici's on Node, `FetchHttpClient.layer` works in browsers, Bun and
 * Deno, and `HelloAssoSimulator.layerHttpClient` sends everything to the simulator.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import * as HelloAssoAuth from "./HelloAssoAuth.js"
import * as HelloAssoClient from "./HelloAssoClient.js"
import * as HelloAssoConfig from "./HelloAssoConfig.js"
import * as NotificationSubscriptions from "./NotificationSubscriptions.js"
import * as Payments from "./Payments.js"
import type * as TokenStore from "./TokenStore.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options extends HelloAssoConfig.Options {
  /** A token obtained elsewhere (authorization code flow): used as is instead of the client credentials. */
  readonly accessToken?: Redacted.Redacted<string> | undefined
}

/**
 * Everything `layer` provides.
 *
 * @since 0.1.0
 * @category models
 */
export type HelloAsso =
  | Payments.Payments
  | NotificationSubscriptions.NotificationSubscriptions
  | HelloAssoClient.HelloAssoClient
  | HelloAssoAuth.TokenProvider
  | HelloAssoConfig.HelloAssoConfig

const build = (
  config: Layer.Layer<HelloAssoConfig.HelloAssoConfig, ConfigError.ConfigError>,
  accessToken: Redacted.Redacted<string> | undefined
): Layer.Layer<HelloAsso, ConfigError.ConfigError, HttpClient.HttpClient> => {
  const auth = accessToken === undefined ? HelloAssoAuth.layerClientCredentials : HelloAssoAuth.layerStatic(accessToken)
  return Layer.mergeAll(Payments.layer, NotificationSubscriptions.layer).pipe(
    Layer.provideMerge(HelloAssoClient.layer),
    Layer.provideMerge(auth),
    Layer.provideMerge(config)
  )
}

/**
 * Everything `layerOrganization` provides: the client of one organization connected to a partner.
 *
 * @since 0.3.0
 * @category models
 */
export type Organization =
  | Payments.Payments
  | NotificationSubscriptions.NotificationSubscriptions
  | HelloAssoClient.HelloAssoClient
  | HelloAssoAuth.TokenProvider

/**
 * The client of one organization connected to your partner application (authorization code flow), its tokens
 * served from the `TokenStore` by `HelloAssoAuth.layerAuthorizationCode`. Build one per organization: they share
 * the configuration, the `HttpClient` (one connection pool) and the store they are given, and each uses only its
 * own organization's tokens; renewals are one at a time per organization, however many are built.
 *
 * @since 0.3.0
 * @category layers
 */
export const layerOrganization = (options: {
  readonly organizationSlug: string
}): Layer.Layer<
  Organization,
  ConfigError.ConfigError,
  HelloAssoConfig.HelloAssoConfig | HttpClient.HttpClient | TokenStore.TokenStore
> =>
  Layer.mergeAll(Payments.layer, NotificationSubscriptions.layer).pipe(
    Layer.provideMerge(HelloAssoClient.layer),
    Layer.provideMerge(HelloAssoAuth.layerAuthorizationCode(options))
  )

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<HelloAsso, ConfigError.ConfigError, HttpClient.HttpClient> =>
  build(HelloAssoConfig.layer(options), options.accessToken)

/**
 * The client configured from `Config` (by default the `HELLOASSO_*` variables, see `HelloAssoConfig.fromEnv`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Config<HelloAssoConfig.Options> = HelloAssoConfig.fromEnv,
  overrides: Options = {}
): Layer.Layer<HelloAsso, ConfigError.ConfigError, HttpClient.HttpClient> =>
  build(HelloAssoConfig.layerConfig(config, overrides), overrides.accessToken)
