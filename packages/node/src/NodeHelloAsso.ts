/**
 * The HelloAsso client on Node: `HelloAsso.layer` over undici's `HttpClient`, whose agent keeps connections
 * alive and reuses them across requests.
 *
 * @since 0.1.0
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as HelloAsso from "@helloasso-effect/core/HelloAsso"
import type * as HelloAssoConfig from "@helloasso-effect/core/HelloAssoConfig"
import type * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Layer from "effect/Layer"

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: HelloAsso.Options = {}): Layer.Layer<HelloAsso.HelloAsso, ConfigError.ConfigError> =>
  HelloAsso.layer(options).pipe(Layer.provide(NodeHttpClient.layerUndici))

/**
 * The client configured from `Config` (by default the `HELLOASSO_*` variables).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config?: Config.Config<HelloAssoConfig.Options>,
  overrides?: HelloAsso.Options
): Layer.Layer<HelloAsso.HelloAsso, ConfigError.ConfigError> =>
  HelloAsso.layerConfig(config, overrides).pipe(Layer.provide(NodeHttpClient.layerUndici))
