/**
 * The test kit: a simulator of the HelloAsso API to swap for the real one.
 *
 * @since 0.1.0
 */
export * as HelloAssoSimulator from "./HelloAssoSimulator.js"
