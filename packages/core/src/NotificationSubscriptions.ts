/**
 * Where HelloAsso sends its notifications (webhooks), for partners: the main notification URL of the partner, and
 * one per organization, each for every event type or for one. Registering a URL answers with the `signatureKey`
 * that signs what HelloAsso POSTs there (`x-ha-signature`, checked by `HelloAssoNotifications.httpApp`); it is a
 * secret and stays `Redacted`.
 *
 * @since 0.2.0
 */
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type { HelloAssoClient, RequestError } from "./HelloAssoClient.js"
import type { DecodeError } from "./HelloAssoError.js"
import * as internal from "./internal/notificationSubscriptions.js"

/**
 * The event types a URL can be registered for.
 *
 * @since 0.2.0
 * @category models
 */
export type NotificationType = "Payment" | "Order" | "Form" | "Organization"

/**
 * A registered notification URL.
 *
 * @since 0.2.0
 * @category models
 */
export interface Subscription {
  readonly url: string
  /** `None`: every event type. */
  readonly notificationType: Option.Option<string>
  /** The key HelloAsso signs the notifications sent to this URL with. */
  readonly signatureKey: Option.Option<Redacted.Redacted<string>>
}

/**
 * @since 0.2.0
 * @category params
 */
export interface SetParams {
  /** https (HelloAsso refuses anything else; plain http is accepted for a loopback host, for the simulator). */
  readonly url: string
  /** Absent: every event type (for a partner's main URL, the main URL itself). */
  readonly notificationType?: NotificationType | undefined
  /** Absent: the partner's main URL; present: the URL for that organization. */
  readonly organizationSlug?: string | undefined
}

/**
 * @since 0.2.0
 * @category params
 */
export interface RemoveParams {
  readonly notificationType?: NotificationType | undefined
  readonly organizationSlug?: string | undefined
}

/**
 * @since 0.2.0
 * @category models
 */
export interface Service {
  /** `PUT /partners/me/api-notifications[/organizations/{organizationSlug}]`. */
  readonly set: (params: SetParams) => Effect.Effect<Subscription, RequestError | DecodeError>
  /** `DELETE` on the same path. */
  readonly remove: (params?: RemoveParams) => Effect.Effect<void, RequestError | DecodeError>
}

/**
 * @since 0.2.0
 * @category tags
 */
export class NotificationSubscriptions extends Context.Tag("@helloasso-effect/core/NotificationSubscriptions")<
  NotificationSubscriptions,
  Service
>() {}

/**
 * @since 0.2.0
 * @category layers
 */
export const layer: Layer.Layer<NotificationSubscriptions, never, HelloAssoClient> = Layer.effect(
  NotificationSubscriptions,
  internal.make
)
