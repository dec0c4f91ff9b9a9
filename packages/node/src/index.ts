/**
 * @since 0.1.0
 */
export * as NodeSimulatorServer from "./NodeSimulatorServer.js"
