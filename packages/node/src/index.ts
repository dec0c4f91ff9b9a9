/**
 * @since 0.1.0
 */
export * as NodeHelloAsso from "./NodeHelloAsso.js"

/**
 * @since 0.1.0
 */
export * as NodeSimulatorServer from "./NodeSimulatorServer.js"

/**
 * Partner access tokens in files that survive restarts: atomic writes, readable by their owner only.
 *
 * @since 0.3.0
 */
export * as NodeTokenStore from "./NodeTokenStore.js"
