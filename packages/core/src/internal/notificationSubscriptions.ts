import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as HelloAssoClient from "../HelloAssoClient.js"
import type * as NotificationSubscriptions from "../NotificationSubscriptions.js"
import * as Config from "./config.js"
import * as Params from "./params.js"

const NotificationType = Schema.Literal("Payment", "Order", "Form", "Organization").annotations({
  message: () => "must be Payment, Order, Form or Organization"
})

const Url = Schema.String.pipe(
  Schema.filter((url) => Either.match(Config.checkBaseUrl(url), { onLeft: (message) => message, onRight: () => true }))
)

/** Partner-wide, or for one organization when `organizationSlug` is given. */
const path = (params: { readonly organizationSlug?: string | undefined }) =>
  params.organizationSlug === undefined
    ? "/partners/me/api-notifications"
    : "/partners/me/api-notifications/organizations/{organizationSlug}"

const body = HelloAssoClient.placed({ in: "body" })

/** `ApiUrlNotificationModel`: the spec marks every field nullable. */
const ApiUrlNotification = Schema.Struct({
  url: Schema.optionalWith(Schema.String, { nullable: true }),
  apiNotificationType: Schema.optionalWith(Schema.String, { nullable: true }),
  signatureKey: Schema.optionalWith(Schema.String, { nullable: true })
})

const attributes = (params: { readonly organizationSlug?: string | undefined }) => ({
  "helloasso.organization": params.organizationSlug ?? "(partner)"
})

/** `PUT /partners/me/api-notifications[/organizations/{organizationSlug}]` with `{ url, notificationType? }`. */
const set = {
  operation: "NotificationSubscriptions.set",
  method: "PUT",
  path,
  params: Schema.Struct({
    url: Url.annotations(body),
    notificationType: Schema.optional(NotificationType).annotations(body),
    organizationSlug: Schema.optional(Params.Slug)
  }),
  success: ApiUrlNotification,
  attributes
} satisfies HelloAssoClient.Endpoint<any, typeof ApiUrlNotification.Type>

/** `DELETE /partners/me/api-notifications[/organizations/{organizationSlug}]?notificationType=` */
const remove = {
  operation: "NotificationSubscriptions.remove",
  method: "DELETE",
  path,
  params: Schema.Struct({
    notificationType: Schema.optional(NotificationType),
    organizationSlug: Schema.optional(Params.Slug)
  }),
  success: Schema.Void,
  attributes
} satisfies HelloAssoClient.Endpoint<any, void>

/** @internal */
export const make = Effect.gen(function*() {
  const client = yield* HelloAssoClient.HelloAssoClient
  const service: NotificationSubscriptions.Service = {
    set: (input) =>
      Effect.map(client.call(set, input), (answer): NotificationSubscriptions.Subscription => ({
        url: answer.url ?? input.url,
        notificationType: Option.fromNullable(answer.apiNotificationType ?? input.notificationType),
        signatureKey: Option.map(Option.fromNullable(answer.signatureKey), Redacted.make)
      })),
    remove: (input) => client.call(remove, input ?? {})
  }
  return service
})
