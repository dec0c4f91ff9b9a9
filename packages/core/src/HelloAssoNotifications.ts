/**
 * Receiving HelloAsso's notifications (webhooks): typed, verified, deduplicated.
 *
 * HelloAsso POSTs `{ eventType, data, metadata? }` to the registered URL when an order is placed, a payment is made
 * or refunded, a form is created or an organization's slug changes. Partner notifications are signed:
 * `x-ha-signature` is the lowercase hex HMAC-SHA256 of the raw body, keyed with the `signatureKey` returned when
 * the URL was registered. Association notifications are not signed; HelloAsso publishes their source addresses
 * (`helloAssoIps`). A notification is redelivered until it gets a 2xx, may arrive twice, and may never arrive:
 * `reconcile` fetches the payments it is about before acting on them.
 *
 * - `decode` reads a body into a `Notification`: a known event type with its model (drift-tolerant like the payment
 *   models: unknown fields ignored, unknown enum values kept as strings, `null` read as absent), any other event
 *   type as an `UnknownNotification` that keeps the parsed JSON.
 * - `httpApp` is an `@effect/platform` app to mount on any `HttpRouter` or `HttpServer`: source address, body size
 *   and signature checked, body decoded, redeliveries dropped, then your handler run: 200 when it succeeds, 500
 *   when it fails (so that HelloAsso redelivers).
 *
 * Narrow a `Notification` with the `is*Notification` guards: an `UnknownNotification`'s `eventType` is any other
 * string, so comparing `eventType` alone does not narrow the union for TypeScript.
 *
 * @since 0.2.0
 */
import type * as HttpApp from "@effect/platform/HttpApp"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type { DecodeError } from "./HelloAssoError.js"
import * as internalDecode from "./internal/notifications/decode.js"
import * as internalHttpApp from "./internal/notifications/httpApp.js"
import * as models from "./internal/notifications/models.js"
import * as signature from "./internal/notifications/signature.js"
import * as store from "./internal/notifications/store.js"
import type * as Payment from "./Payment.js"
import * as Payments from "./Payments.js"

// -----------------------------------------------------------------------------
// enums
// -----------------------------------------------------------------------------

/**
 * How an item's price is set: `Fixed`, `Pwyw` (pay what you want) or `Free`.
 *
 * @since 0.2.0
 * @category enums
 */
export const PriceCategory: Payment.OpenEnum<"Fixed" | "Pwyw" | "Free"> = models.PriceCategory

/**
 * @since 0.2.0
 * @category enums
 */
export type PriceCategory = typeof PriceCategory.Type

/**
 * The type of a custom field of an item: `TextInput`, `ChoiceList`, `YesNo`, `Date`, ...
 *
 * @since 0.2.0
 * @category enums
 */
export const FieldType: Payment.OpenEnum<
  "Date" | "TextInput" | "FreeText" | "ChoiceList" | "File" | "YesNo" | "Phone" | "Zipcode" | "Number"
> = models.FieldType

/**
 * @since 0.2.0
 * @category enums
 */
export type FieldType = typeof FieldType.Type

/**
 * The state of a form: `Public`, `Private`, `Draft`, `Deleted` or `Disabled`.
 *
 * @since 0.2.0
 * @category enums
 */
export const FormState: Payment.OpenEnum<"Public" | "Private" | "Draft" | "Deleted" | "Disabled"> = models.FormState

/**
 * @since 0.2.0
 * @category enums
 */
export type FormState = typeof FormState.Type

// -----------------------------------------------------------------------------
// models
// -----------------------------------------------------------------------------

/**
 * @since 0.2.0
 * @category models
 */
export interface OrderAmount extends Schema.Struct.Type<typeof models.OrderAmountFields> {}

/**
 * @since 0.2.0
 * @category models
 */
export interface OrderAmountEncoded extends Schema.Struct.Encoded<typeof models.OrderAmountFields> {}

/**
 * The amounts of an order, in cents: `total`, `vat`, `discount`.
 *
 * @since 0.2.0
 * @category models
 */
export const OrderAmount: Schema.Schema<OrderAmount, OrderAmountEncoded> = models.OrderAmount

/**
 * @since 0.2.0
 * @category models
 */
export interface ItemUser extends Schema.Struct.Type<typeof models.ItemUserFields> {}

/**
 * @since 0.2.0
 * @category models
 */
export interface ItemUserEncoded extends Schema.Struct.Encoded<typeof models.ItemUserFields> {}

/**
 * The person an item is for (a participant, a member), who may differ from the payer.
 *
 * @since 0.2.0
 * @category models
 */
export const ItemUser: Schema.Schema<ItemUser, ItemUserEncoded> = models.ItemUser

/**
 * @since 0.2.0
 * @category models
 */
export interface ItemDiscount extends Schema.Struct.Type<typeof models.ItemDiscountFields> {}

/**
 * @since 0.2.0
 * @category models
 */
export interface ItemDiscountEncoded extends Schema.Struct.Encoded<typeof models.ItemDiscountFields> {}

/**
 * A discount applied to an item: its promo `code` and `amount` in cents.
 *
 * @since 0.2.0
 * @category models
 */
export const ItemDiscount: Schema.Schema<ItemDiscount, ItemDiscountEncoded> = models.ItemDiscount

/**
 * @since 0.2.0
 * @category models
 */
export interface ItemCustomField extends Schema.Struct.Type<typeof models.ItemCustomFieldFields> {}

/**
 * @since 0.2.0
 * @category models
 */
export interface ItemCustomFieldEncoded extends Schema.Struct.Encoded<typeof models.ItemCustomFieldFields> {}

/**
 * An answer to a custom field of the form.
 *
 * @since 0.2.0
 * @category models
 */
export const ItemCustomField: Schema.Schema<ItemCustomField, ItemCustomFieldEncoded> = models.ItemCustomField

/**
 * @since 0.2.0
 * @category models
 */
export interface ItemOption extends Schema.Struct.Type<typeof models.ItemOptionFields> {}

/**
 * @since 0.2.0
 * @category models
 */
export interface ItemOptionEncoded extends Schema.Struct.Encoded<typeof models.ItemOptionFields> {}

/**
 * An option (extra) bought with an item.
 *
 * @since 0.2.0
 * @category models
 */
export const ItemOption: Schema.Schema<ItemOption, ItemOptionEncoded> = models.ItemOption

/**
 * @since 0.2.0
 * @category models
 */
export interface SharePayment extends Schema.Struct.Type<typeof models.SharePaymentFields> {}

/**
 * @since 0.2.0
 * @category models
 */
export interface SharePaymentEncoded extends Schema.Struct.Encoded<typeof models.SharePaymentFields> {}

/**
 * A payment an item is paid by, with the share of it assigned to the item (cents).
 *
 * @since 0.2.0
 * @category models
 */
export const SharePayment: Schema.Schema<SharePayment, SharePaymentEncoded> = models.SharePayment

/**
 * @since 0.2.0
 * @category models
 */
export interface OrderItem extends Schema.Struct.Type<typeof models.OrderItemFields> {}

/**
 * @since 0.2.0
 * @category models
 */
export interface OrderItemEncoded extends Schema.Struct.Encoded<typeof models.OrderItemFields> {}

/**
 * An item of an order (`Statistics.OrderItem`): only `id` is required.
 *
 * @since 0.2.0
 * @category models
 */
export const OrderItem: Schema.Schema<OrderItem, OrderItemEncoded> = models.OrderItem

/**
 * @since 0.2.0
 * @category models
 */
export interface ShareItem extends Schema.Struct.Type<typeof models.ShareItemFields> {}

/**
 * @since 0.2.0
 * @category models
 */
export interface ShareItemEncoded extends Schema.Struct.Encoded<typeof models.ShareItemFields> {}

/**
 * An item a payment of an order pays for, with the share of the payment assigned to it (cents).
 *
 * @since 0.2.0
 * @category models
 */
export const ShareItem: Schema.Schema<ShareItem, ShareItemEncoded> = models.ShareItem

/**
 * @since 0.2.0
 * @category models
 */
export interface OrderPayment extends Schema.Struct.Type<typeof models.OrderPaymentFields> {}

/**
 * @since 0.2.0
 * @category models
 */
export interface OrderPaymentEncoded extends Schema.Struct.Encoded<typeof models.OrderPaymentFields> {}

/**
 * A payment of an order (`Statistics.OrderPayment`): only `id` is required.
 *
 * @since 0.2.0
 * @category models
 */
export const OrderPayment: Schema.Schema<OrderPayment, OrderPaymentEncoded> = models.OrderPayment

/**
 * @since 0.2.0
 * @category models
 */
export interface Order extends Schema.Struct.Type<typeof models.OrderFields> {}

/**
 * @since 0.2.0
 * @category models
 */
export interface OrderEncoded extends Schema.Struct.Encoded<typeof models.OrderFields> {}

/**
 * An order as an `Order` notification carries it (`Statistics.OrderDetail`): only `id` is required, `items` and
 * `payments` are empty when absent or `null`.
 *
 * @since 0.2.0
 * @category models
 */
export const Order: Schema.Schema<Order, OrderEncoded> = models.Order

/**
 * @since 0.2.0
 * @category models
 */
export interface Form extends Schema.Struct.Type<typeof models.FormFields> {}

/**
 * @since 0.2.0
 * @category models
 */
export interface FormEncoded extends Schema.Struct.Encoded<typeof models.FormFields> {}

/**
 * A form as a `Form` notification carries it (a few fields of `Forms.FormPublicModel`, all optional).
 *
 * @since 0.2.0
 * @category models
 */
export const Form: Schema.Schema<Form, FormEncoded> = models.Form

/**
 * @since 0.2.0
 * @category models
 */
export interface OrganizationChange {
  readonly oldSlugOrganization: string
  readonly newSlugOrganization: string
}

/**
 * @since 0.2.0
 * @category models
 */
export interface OrganizationChangeEncoded {
  readonly old_slug_organization: string
  readonly new_slug_organization: string
}

/**
 * An organization's slug change, read from the wire's `old_slug_organization` and `new_slug_organization`.
 *
 * @since 0.2.0
 * @category models
 */
export const OrganizationChange: Schema.Schema<OrganizationChange, OrganizationChangeEncoded> =
  models.OrganizationChange

// -----------------------------------------------------------------------------
// notifications
// -----------------------------------------------------------------------------

/**
 * @since 0.2.0
 * @category notifications
 */
export interface PaymentNotification extends Schema.Struct.Type<typeof models.PaymentNotificationFields> {}

/**
 * @since 0.2.0
 * @category notifications
 */
export interface PaymentNotificationEncoded extends Schema.Struct.Encoded<typeof models.PaymentNotificationFields> {}

/**
 * A payment was made, refunded, refused or contested: `data` is the payment as `Payments.get` returns it, `metadata`
 * the checkout intent's metadata (any JSON) when there is one.
 *
 * @since 0.2.0
 * @category notifications
 */
export const PaymentNotification: Schema.Schema<PaymentNotification, PaymentNotificationEncoded> =
  models.PaymentNotification

/**
 * @since 0.2.0
 * @category notifications
 */
export interface OrderNotification extends Schema.Struct.Type<typeof models.OrderNotificationFields> {}

/**
 * @since 0.2.0
 * @category notifications
 */
export interface OrderNotificationEncoded extends Schema.Struct.Encoded<typeof models.OrderNotificationFields> {}

/**
 * An order was placed: `data` is the order with its items and payments.
 *
 * @since 0.2.0
 * @category notifications
 */
export const OrderNotification: Schema.Schema<OrderNotification, OrderNotificationEncoded> = models.OrderNotification

/**
 * @since 0.2.0
 * @category notifications
 */
export interface FormNotification extends Schema.Struct.Type<typeof models.FormNotificationFields> {}

/**
 * @since 0.2.0
 * @category notifications
 */
export interface FormNotificationEncoded extends Schema.Struct.Encoded<typeof models.FormNotificationFields> {}

/**
 * A form was created or changed: `data` is the form.
 *
 * @since 0.2.0
 * @category notifications
 */
export const FormNotification: Schema.Schema<FormNotification, FormNotificationEncoded> = models.FormNotification

/**
 * @since 0.2.0
 * @category notifications
 */
export interface OrganizationNotification extends Schema.Struct.Type<typeof models.OrganizationNotificationFields> {}

/**
 * @since 0.2.0
 * @category notifications
 */
export interface OrganizationNotificationEncoded
  extends Schema.Struct.Encoded<typeof models.OrganizationNotificationFields>
{}

/**
 * An organization's slug changed: `data` has the old and the new slug.
 *
 * @since 0.2.0
 * @category notifications
 */
export const OrganizationNotification: Schema.Schema<OrganizationNotification, OrganizationNotificationEncoded> =
  models.OrganizationNotification

/**
 * A notification of an event type this version does not know: `raw` is the whole notification as parsed JSON.
 *
 * @since 0.2.0
 * @category notifications
 */
export interface UnknownNotification extends models.UnknownNotification {}

/**
 * @since 0.2.0
 * @category notifications
 */
export interface UnknownNotificationEncoded extends models.UnknownNotificationEncoded {}

/**
 * Any `eventType` other than `Payment`, `Order`, `Form` and `Organization`, with the whole notification in `raw`.
 *
 * @since 0.2.0
 * @category notifications
 */
export const UnknownNotification: Schema.Schema<UnknownNotification, UnknownNotificationEncoded> =
  models.UnknownNotification

/**
 * A notification, tagged by `eventType`.
 *
 * @since 0.2.0
 * @category notifications
 */
export type Notification =
  | PaymentNotification
  | OrderNotification
  | FormNotification
  | OrganizationNotification
  | UnknownNotification

/**
 * @since 0.2.0
 * @category notifications
 */
export type NotificationEncoded =
  | PaymentNotificationEncoded
  | OrderNotificationEncoded
  | FormNotificationEncoded
  | OrganizationNotificationEncoded
  | UnknownNotificationEncoded

/**
 * The schema of a notification body, a union tagged by `eventType` (`decode` reads a raw body with it).
 *
 * @since 0.2.0
 * @category notifications
 */
export const Notification: Schema.Schema<Notification, NotificationEncoded> = Schema.Union(
  PaymentNotification,
  OrderNotification,
  FormNotification,
  OrganizationNotification,
  UnknownNotification
).annotations({ identifier: "Notification" })

/**
 * @since 0.2.0
 * @category guards
 */
export const isPaymentNotification = (notification: Notification): notification is PaymentNotification =>
  notification.eventType === "Payment"

/**
 * @since 0.2.0
 * @category guards
 */
export const isOrderNotification = (notification: Notification): notification is OrderNotification =>
  notification.eventType === "Order"

/**
 * @since 0.2.0
 * @category guards
 */
export const isFormNotification = (notification: Notification): notification is FormNotification =>
  notification.eventType === "Form"

/**
 * @since 0.2.0
 * @category guards
 */
export const isOrganizationNotification = (notification: Notification): notification is OrganizationNotification =>
  notification.eventType === "Organization"

/**
 * @since 0.2.0
 * @category guards
 */
export const isUnknownNotification = (notification: Notification): notification is UnknownNotification =>
  !models.isKnownEventType(notification.eventType)

// -----------------------------------------------------------------------------
// decoding and signatures
// -----------------------------------------------------------------------------

/**
 * Decodes a raw notification body (UTF-8 JSON). The `DecodeError` says where and what was expected, never the value.
 *
 * @since 0.2.0
 * @category decoding
 */
export const decode: (body: string | Uint8Array) => Effect.Effect<Notification, DecodeError> = internalDecode.decode

/**
 * The header HelloAsso puts a partner notification's signature in: `x-ha-signature`.
 *
 * @since 0.2.0
 * @category signatures
 */
export const signatureHeader = "x-ha-signature" as const

/**
 * The signature of a body: the lowercase hex HMAC-SHA256 of its bytes keyed with the key's UTF-8 bytes (Web Crypto).
 * An empty key is a defect (Web Crypto refuses it).
 *
 * @since 0.2.0
 * @category signatures
 */
export const sign: (body: string | Uint8Array, key: Redacted.Redacted<string>) => Effect.Effect<string> = signature.sign

/**
 * Whether `signature` is the body's signature under `key`, compared in constant time; anything that is not 64 hex
 * digits, or an empty key, is `false`.
 *
 * @since 0.2.0
 * @category signatures
 */
export const verifySignature: (
  body: string | Uint8Array,
  signature: string,
  key: Redacted.Redacted<string>
) => Effect.Effect<boolean> = signature.verifySignature

// -----------------------------------------------------------------------------
// store
// -----------------------------------------------------------------------------

/**
 * Remembers the notifications already handled, by key (`httpApp` uses the hex SHA-256 of the raw body).
 *
 * @since 0.2.0
 * @category store
 */
export interface NotificationStoreService {
  /** Marks `key` as handled: `true` if it was not yet, `false` for a redelivery. */
  readonly claim: (key: string) => Effect.Effect<boolean>
  /** Forgets `key` (its handling failed): a redelivery is handled again. */
  readonly release: (key: string) => Effect.Effect<void>
}

/**
 * The store `httpApp` deduplicates with. Provide your own (a database table, Redis `SET NX`) to deduplicate across
 * processes and restarts; without one, each `httpApp` keeps its own in-memory store of 10,000 keys.
 *
 * @since 0.2.0
 * @category store
 */
export class NotificationStore extends Context.Tag("@helloasso-effect/core/NotificationStore")<
  NotificationStore,
  NotificationStoreService
>() {}

/**
 * An in-memory store of at most `capacity` keys (default 10,000): past it, the oldest claim is forgotten first.
 *
 * @since 0.2.0
 * @category store
 */
export const makeMemoryStore = (options?: { readonly capacity?: number | undefined }): NotificationStoreService =>
  store.makeMemory(options?.capacity)

/**
 * Provides an in-memory `NotificationStore` (see `makeMemoryStore`).
 *
 * @since 0.2.0
 * @category store
 */
export const layerMemory = (options?: { readonly capacity?: number | undefined }): Layer.Layer<NotificationStore> =>
  Layer.sync(NotificationStore, () => makeMemoryStore(options))

// -----------------------------------------------------------------------------
// http
// -----------------------------------------------------------------------------

/**
 * The source addresses HelloAsso publishes for its notifications, for `allowedIps`.
 *
 * @since 0.2.0
 * @category http
 */
export const helloAssoIps: {
  readonly production: ReadonlyArray<string>
  readonly sandbox: ReadonlyArray<string>
} = {
  production: ["51.138.206.200"],
  sandbox: ["4.233.135.234"]
}

/**
 * @since 0.2.0
 * @category http
 */
export interface HttpAppOptions {
  /** The `signatureKey` of the registration: a missing or wrong `x-ha-signature` is refused with 401. */
  readonly signatureKey?: Redacted.Redacted<string> | undefined
  /**
   * Source addresses allowed (e.g. `helloAssoIps.production`), others refused with 403. The address is the socket's
   * (`HttpServerRequest.remoteAddress`): behind a proxy, set it from the proxy's header yourself.
   */
  readonly allowedIps?: ReadonlyArray<string> | undefined
  /** Bodies past this size are refused with 413 without being read further. Default 1 MiB. */
  readonly maxBodyBytes?: number | undefined
}

/**
 * An `HttpApp` receiving notifications, to mount on a route (any path; POST only, other methods get 405). Answers
 * 403 for a source address not allowed, 413 for a body too large, 401 for a missing or bad signature, 400 for an
 * undecodable body (nothing run in all these cases); 200 without running the handler for a redelivery of a
 * notification already handled (or 409 while its first delivery is still being handled, so that it is retried);
 * else runs the handler: 200 when it succeeds, 500 when it fails or dies (the claim is released so that the
 * redelivery runs it again). Deduplicates with the provided `NotificationStore`, or an in-memory one per app.
 * A `maxBodyBytes` that is not a positive integer throws a `RangeError` here.
 *
 * @since 0.2.0
 * @category http
 */
export const httpApp = <E, R>(
  handler: (notification: Notification) => Effect.Effect<void, E, R>,
  options?: HttpAppOptions
): HttpApp.Default<never, R> => internalHttpApp.make(handler, options, Effect.serviceOption(NotificationStore))

// -----------------------------------------------------------------------------
// reconcile
// -----------------------------------------------------------------------------

/**
 * Fetches the payments a notification is about with `Payments.get`: a `Payment` notification's payment, an
 * `Order` notification's payments (each once), nothing for other event types. Act on these, not on the notification:
 * notifications can be late, repeated or missing.
 *
 * @since 0.2.0
 * @category reconcile
 */
export const reconcile = (
  notification: Notification
): Effect.Effect<ReadonlyArray<Payment.PaymentDetail>, Payments.ReadError, Payments.Payments> => {
  const ids = isPaymentNotification(notification)
    ? [notification.data.id]
    : isOrderNotification(notification)
    ? Array.from(new Set(notification.data.payments.map((payment) => payment.id)))
    : []
  if (ids.length === 0) return Effect.succeed([])
  return Effect.flatMap(
    Payments.Payments,
    (payments) => Effect.forEach(ids, (id) => payments.get(id), { concurrency: 4 })
  ).pipe(Effect.withSpan("HelloAssoNotifications.reconcile", { attributes: { eventType: notification.eventType } }))
}
