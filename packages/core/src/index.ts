/**
 * The cash-out export: the payments HelloAsso paid out together to the association's bank account.
 *
 * @since 0.3.0
 */
export * as CashOut from "./CashOut.js"

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
 * Receiving HelloAsso's notifications (webhooks): decoding, signature checks, deduplication, an `HttpApp`.
 *
 * @since 0.2.0
 */
export * as HelloAssoNotifications from "./HelloAssoNotifications.js"

/**
 * @since 0.1.0
 */
export * as Payment from "./Payment.js"

/**
 * @since 0.1.0
 */
export * as Payments from "./Payments.js"

/**
 * Where HelloAsso sends its notifications (webhooks): registering and removing notification URLs.
 *
 * @since 0.2.0
 */
export * as NotificationSubscriptions from "./NotificationSubscriptions.js"

/**
 * Where partner access keeps each connected organization's tokens, across restarts.
 *
 * @since 0.3.0
 */
export * as TokenStore from "./TokenStore.js"
