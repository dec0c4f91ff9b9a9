/**
 * @since 0.1.0
 */
export * as HelloAsso from "./HelloAsso.js"

/**
 * @since 0.1.0
 */
export * as HelloAssoAuth from "./HelloAssoAuth.js"

/**
 * @since 0.1.0
 */
export * as HelloAssoClient from "./HelloAssoClient.js"

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

/**
 * @since 0.1.0
 */
export * as Payments from "./Payments.js"
