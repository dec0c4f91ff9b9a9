/**
 * @since 0.1.0
 */
export * as NodeHelloAsso from "./NodeHelloAsso.js"

/**
 * @since 0.1.0
 */
export * as NodeSimulatorServer from "./NodeSimulatorServer.js"
