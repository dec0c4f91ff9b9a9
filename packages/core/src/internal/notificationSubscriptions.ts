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

const SetParams = Schema.Struct({
  url: Url,
  notificationType: Schema.optional(NotificationType),
  organizationSlug: Schema.optional(Params.Slug)
})

const RemoveParams = Schema.Struct({
  notificationType: Schema.optional(NotificationType),
  organizationSlug: Schema.optional(Params.Slug)
})

/** `ApiUrlNotificationModel`: the spec marks every field nullable. */
const ApiUrlNotification = Schema.Struct({
  url: Schema.optionalWith(Schema.String, { nullable: true }),
  apiNotificationType: Schema.optionalWith(Schema.String, { nullable: true }),
  signatureKey: Schema.optionalWith(Schema.String, { nullable: true })
})

const path = (organizationSlug: string | undefined): ReadonlyArray<string> =>
  organizationSlug === undefined
    ? ["partners", "me", "api-notifications"]
    : ["partners", "me", "api-notifications", "organizations", organizationSlug]

const checked = <A, I>(schema: Schema.Schema<A, I>, input: unknown, operation: string) =>
  Either.match(Params.validate(schema, input, operation), { onLeft: Effect.fail, onRight: Effect.succeed })

/** @internal */
export const make = Effect.gen(function*() {
  const client = yield* HelloAssoClient.HelloAssoClient

  const set: NotificationSubscriptions.Service["set"] = (input) => {
    const operation = "NotificationSubscriptions.set"
    return Effect.flatMap(checked(SetParams, input, operation), (params) =>
      client.json(
        {
          operation,
          method: "PUT",
          path: path(params.organizationSlug),
          json: params.notificationType === undefined
            ? { url: params.url }
            : { url: params.url, notificationType: params.notificationType }
        },
        ApiUrlNotification
      ).pipe(
        Effect.map((answer): NotificationSubscriptions.Subscription => ({
          url: answer.url ?? params.url,
          notificationType: Option.fromNullable(answer.apiNotificationType ?? params.notificationType),
          signatureKey: Option.map(Option.fromNullable(answer.signatureKey), Redacted.make)
        })),
        Effect.withSpan(operation, {
          attributes: { "helloasso.organization": params.organizationSlug ?? "(partner)" }
        })
      ))
  }

  const remove: NotificationSubscriptions.Service["remove"] = (input) => {
    const operation = "NotificationSubscriptions.remove"
    return Effect.flatMap(checked(RemoveParams, input ?? {}, operation), (params) =>
      client.text({
        operation,
        method: "DELETE",
        path: path(params.organizationSlug),
        query: params.notificationType === undefined ? [] : [["notificationType", params.notificationType]]
      }).pipe(
        Effect.asVoid,
        Effect.withSpan(operation, {
          attributes: { "helloasso.organization": params.organizationSlug ?? "(partner)" }
        })
      ))
  }

  const service: NotificationSubscriptions.Service = { set, remove }
  return service
})
