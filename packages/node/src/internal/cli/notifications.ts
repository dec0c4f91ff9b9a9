/**
 * `helloasso notifications listen`: receives HelloAsso's notifications (webhooks) on a local port, checks their
 * signature, drops redeliveries and prints each event, like `stripe listen`. Point a registration (or
 * `helloasso simulator serve --notify URL`) at the URL it prints.
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import type * as HttpServer from "@effect/platform/HttpServer"
import { ValidationError } from "@helloasso-effect/core/HelloAssoError"
import * as HelloAssoNotifications from "@helloasso-effect/core/HelloAssoNotifications"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Http from "node:http"
import * as Formats from "./formats.js"

const OPERATION = "notifications listen"

const encodeNotification = Schema.encodeSync(HelloAssoNotifications.Notification)

/** One readable line for an event: what it is about, never a payer's personal data. */
const describe = (notification: HelloAssoNotifications.Notification): string => {
  switch (notification.eventType) {
    case "Payment": {
      const payment = (notification as HelloAssoNotifications.PaymentNotification).data
      return `Payment  ${payment.id}  ${Formats.text(payment.state)}  ${Formats.money(payment.amount)}`
    }
    case "Order": {
      const order = (notification as HelloAssoNotifications.OrderNotification).data
      return `Order    ${order.id}  ${Formats.count(order.payments.length, "payment")}`
    }
    case "Organization": {
      const change = (notification as HelloAssoNotifications.OrganizationNotification).data
      return `Organization  ${change.oldSlugOrganization} -> ${change.newSlugOrganization}`
    }
    default:
      return notification.eventType
  }
}

const listen = Command.make("listen", {
  port: Options.integer("port").pipe(
    Options.withDescription("the port to listen on, 0 for any free one (default: 0)"),
    Options.withDefault(0)
  ),
  host: Options.text("host").pipe(
    Options.withDescription("the address to listen on (default: 127.0.0.1)"),
    Options.withDefault("127.0.0.1")
  ),
  signatureKeyEnv: Options.text("signature-key-env").pipe(
    Options.withDescription(
      "the variable holding the signatureKey of the registration: unsigned or badly signed notifications are " +
        "refused (default: none, nothing is checked)"
    ),
    Options.optional
  ),
  format: Options.choice("format", ["text", "jsonl"]).pipe(
    Options.withDescription("one readable line per event, or the notification as JSON lines (default: text)"),
    Options.withDefault("text" as const)
  )
}, (args) =>
  Effect.gen(function*() {
    if (args.port < 0 || args.port > 65535) {
      return yield* new ValidationError({
        operation: OPERATION,
        source: "client",
        field: "--port",
        detail: "must be from 0 to 65535"
      })
    }
    const signatureKey = yield* Option.match(args.signatureKeyEnv, {
      onNone: () => Effect.succeed(undefined),
      onSome: (name) =>
        Effect.flatMap(
          Effect.orElseSucceed(Config.option(Config.redacted(name)), () => Option.none()),
          (key) =>
            Option.isSome(key) && Redacted.value(key.value) !== ""
              ? Effect.succeed(key.value)
              : Effect.fail(
                new ValidationError({
                  operation: OPERATION,
                  source: "client",
                  field: "--signature-key-env",
                  detail: `the variable ${name} is not set: export the signatureKey of the registration in it`
                })
              )
        )
    })
    const app = HelloAssoNotifications.httpApp(
      (notification) =>
        Console.log(
          args.format === "jsonl" ? JSON.stringify(encodeNotification(notification)) : describe(notification)
        ),
      { signatureKey }
    )
    const server = yield* NodeHttpServer.make(() => Http.createServer(), { port: args.port, host: args.host })
    yield* server.serve(app)
    const address = server.address as HttpServer.TcpAddress
    const url = `http://${address.hostname}:${address.port}/`
    yield* Effect.sync(() =>
      process.stderr.write(
        `helloasso: listening for notifications on ${url}${
          signatureKey === undefined ? " (signatures not checked: pass --signature-key-env)" : ""
        }\n`
      )
    )
    return yield* Effect.never
  }).pipe(Effect.scoped)).pipe(
    Command.withDescription("Receive HelloAsso's notifications on a local port and print each event")
  )

export const command = Command.make("notifications").pipe(
  Command.withDescription("HelloAsso's notifications (webhooks)"),
  Command.withSubcommands([listen])
)
