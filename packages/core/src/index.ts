/**
 * @since 0.1.0
 */
export * as HelloAssoConfig from "./HelloAssoConfig.js"

/**
 * @since 0.1.0
 */
export * as HelloAssoError from "./HelloAssoError.js"

/**
 * @since 0.1.0
 */
export * as Payment from "./Payment.js"
