/**
 * `helloasso demo` (`pnpm start`): a tour of the client. Without `HELLOASSO_*` credentials it starts the
 * simulator on 127.0.0.1 and drives it through the real Node stack over HTTP; with credentials it runs the
 * read-only steps against HelloAsso. It never refunds real money.
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import type * as HttpApp from "@effect/platform/HttpApp"
import type * as HttpServer from "@effect/platform/HttpServer"
import * as HelloAssoNotifications from "@helloasso-effect/core/HelloAssoNotifications"
import type * as HelloAssoSimulator from "@helloasso-effect/core/HelloAssoSimulator"
import * as NotificationSubscriptions from "@helloasso-effect/core/NotificationSubscriptions"
import type * as Payment from "@helloasso-effect/core/Payment"
import * as Payments from "@helloasso-effect/core/Payments"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Fs from "node:fs"
import * as Http from "node:http"
import * as Path from "node:path"
import * as NodeHelloAsso from "../../NodeHelloAsso.js"
import * as NodeSimulatorServer from "../../NodeSimulatorServer.js"
import * as Formats from "./formats.js"
import * as Output from "./output.js"
import { describePayment } from "./payments.js"
import * as Progress from "./progress.js"

const RealApi = Config.all({
  clientId: Config.string("HELLOASSO_CLIENT_ID"),
  clientSecret: Config.redacted("HELLOASSO_CLIENT_SECRET"),
  organization: Config.string("HELLOASSO_ORGANIZATION"),
  environment: Config.literal("production", "sandbox")("HELLOASSO_ENVIRONMENT").pipe(Config.withDefault("production")),
  // a proxy, the sandbox or a simulator: the token URL defaults to the one next to it
  apiUrl: Config.option(Config.string("HELLOASSO_API_URL")).pipe(Config.map(Option.getOrUndefined)),
  tokenUrl: Config.option(Config.string("HELLOASSO_TOKEN_URL")).pipe(Config.map(Option.getOrUndefined))
}).pipe(Config.option)

const heading = (n: number, text: string) => Console.log(`\n${n}. ${text}`)

/** A block of text under a step's heading. */
const indented = (text: string) => text.trimEnd().split("\n").map((line) => `   ${line}`).join("\n")

const tally = (entries: Map<string, { count: number; cents: number }>) =>
  [...entries].sort((a, b) => b[1].count - a[1].count)
    .map(([key, { cents, count }]) =>
      `     ${key.padEnd(24)} ${String(count).padStart(7)}  ${Formats.euros(cents).padStart(14)}`
    )
    .join("\n")

const add = (map: Map<string, { count: number; cents: number }>, key: string, cents: number) => {
  const entry = map.get(key) ?? { count: 0, cents: 0 }
  entry.count++
  entry.cents += cents
  map.set(key, entry)
}

/**
 * Serves `HelloAssoNotifications.httpApp` on 127.0.0.1 and registers it: each notification, signed with the key
 * the registration returned, is reconciled with `Payments.get` and described in the lines returned.
 */
const listenForNotifications = Effect.gen(function*() {
  const payments = yield* Payments.Payments
  const subscriptions = yield* NotificationSubscriptions.NotificationSubscriptions
  const received: Array<string> = []
  const receiving: { app?: HttpApp.Default } = {}
  const server = yield* NodeHttpServer.make(() => Http.createServer(), { port: 0, host: "127.0.0.1" })
  yield* server.serve(Effect.suspend(() => receiving.app!))
  const url = `http://127.0.0.1:${(server.address as HttpServer.TcpAddress).port}/helloasso`
  const { signatureKey } = yield* subscriptions.set({ url, notificationType: "Payment" })
  receiving.app = HelloAssoNotifications.httpApp((notification) =>
    Effect.map(
      HelloAssoNotifications.reconcile(notification).pipe(Effect.provideService(Payments.Payments, payments)),
      (fresh) => {
        for (const payment of fresh) {
          received.push(
            `notification ${notification.eventType} received at ${url}, signature checked; reconciled: payment ` +
              `${payment.id} ${Formats.text(payment.state)}, ${Formats.euros(Formats.refunded(payment))} refunded`
          )
        }
      }
    ), { signatureKey: Option.getOrUndefined(signatureKey) })
  return received
})

interface Tour {
  readonly organizationSlug: string
  readonly outputDir: string
  /** Refunds are made on the simulator only. */
  readonly simulator: HelloAssoSimulator.Service | undefined
}

const tour = ({ organizationSlug, outputDir, simulator }: Tour) =>
  Effect.gen(function*() {
    const payments = yield* Payments.Payments
    const started = yield* Clock.currentTimeMillis

    // 1. every payment, streamed page after page (the next page is fetched while this one is counted)
    yield* heading(1, `Streaming every payment of "${organizationSlug}"`)
    const progress = yield* Progress.make()
    const byState = new Map<string, { count: number; cents: number }>()
    const byFormType = new Map<string, { count: number; cents: number }>()
    let refundedCents = 0
    let refundOperations = 0
    let count = 0
    let sample: Payment.Payment | undefined
    let refundable: Payment.Payment | undefined
    yield* payments.pagesByOrganization({ organizationSlug, pageSize: 100 }).pipe(
      Stream.runForEach((page) => {
        for (const payment of page.data) {
          count++
          const cents = Option.getOrElse(payment.amount, () => 0)
          add(byState, Option.getOrElse(payment.state, () => "?"), cents)
          add(byFormType, Option.getOrElse(Option.flatMap(payment.order, (o) => o.formType), () => "?"), cents)
          refundedCents += Formats.refunded(payment)
          refundOperations += payment.refundOperations.length
          sample ??= Option.isSome(payment.payer) ? payment : undefined
          if (
            refundable === undefined && Option.contains(payment.state, "Authorized") && cents >= 1000 &&
            Option.getOrUndefined(payment.type) === "Credit" && payment.refundOperations.length === 0
          ) refundable = payment
        }
        return progress.page(page.data.length)
      })
    )
    yield* Console.log(`   ${yield* progress.done}`)

    // 2. totals
    yield* heading(2, "Totals")
    yield* Console.log(`   by state:\n${tally(byState)}`)
    yield* Console.log(`   by form type:\n${tally(byFormType)}`)
    yield* Console.log(`   refunded: ${Formats.euros(refundedCents)} in ${refundOperations} refund operations`)

    // 3. a search by payer name
    const lastName = sample === undefined
      ? undefined
      : Option.getOrUndefined(Option.flatMap(sample.payer, (p) => p.lastName))
    yield* heading(3, `Payments of payers named "${lastName ?? "-"}"`)
    if (lastName !== undefined) {
      const found = yield* payments.streamByOrganization({ organizationSlug, userSearchKey: lastName, pageSize: 100 })
        .pipe(Stream.runCollect)
      yield* Console.log(`   ${found.length} payments; the 5 most recent:`)
      const rows = Formats.render("table", Formats.paymentColumns, [...found].slice(0, 5), true)
      yield* Console.log(indented(rows))
    }

    // 4. one payment's detail
    if (sample !== undefined) {
      yield* heading(4, `Detail of payment ${sample.id}`)
      const detail = yield* payments.get(sample.id)
      yield* Console.log(indented(describePayment(detail)))
    }

    // 5. a partial refund (simulator only)
    yield* heading(5, "Partial refund")
    let refunds = 0
    if (simulator === undefined) {
      yield* Console.log("   skipped: against the real API the demo never refunds money")
    } else if (refundable !== undefined) {
      // a local receiver of HelloAsso's notifications, registered like a partner's URL
      const received = yield* listenForNotifications
      const operation = yield* payments.refund(refundable.id, { amount: 500, comment: "Demo: trop-perçu" })
      refunds++
      yield* Console.log(
        `   refund #${operation.id}: ${Formats.money(operation.amount)} of payment ${refundable.id} (${
          Formats.text(operation.state)
        })`
      )
      const after = yield* payments.get(refundable.id)
      yield* Console.log(indented(describePayment(after)))
      yield* simulator.awaitDeliveries
      for (const line of received) yield* Console.log(`   ${line}`)
    }

    // 6. HelloAsso's CSV export, streamed to a file
    yield* heading(6, "CSV export")
    const file = Path.resolve(outputDir, `payments-${organizationSlug}.csv`)
    yield* Effect.sync(() => Fs.mkdirSync(Path.dirname(file), { recursive: true }))
    const bytes = yield* Effect.scoped(Effect.gen(function*() {
      const output = yield* Output.open(file)
      let total = 0
      yield* payments.exportByOrganization({ organizationSlug, format: "csv" }).pipe(
        Stream.runForEach((chunk) => {
          total += chunk.length
          return output.write(chunk)
        })
      )
      return total
    }))
    yield* Console.log(`   ${bytes} bytes written to ${file}`)

    const seconds = ((yield* Clock.currentTimeMillis) - started) / 1000
    yield* Console.log(
      `\nDone in ${seconds.toFixed(1)} s: ${count} payments streamed, ${refunds} refund made, ` +
        `export at ${file}`
    )
    if (simulator !== undefined) {
      const stats = yield* simulator.stats
      yield* Console.log(
        `The simulator answered ${stats.requests} requests and granted ${stats.grants.clientCredentials} token` +
          ` (${stats.grants.refreshToken} refreshes): one token, reused.`
      )
    }
  })

export const command = Command.make("demo", {
  payments: Options.integer("payments").pipe(
    Options.withDescription("how many payments the simulated association has; simulator only (default: 3000)"),
    Options.withDefault(3000)
  ),
  seed: Options.integer("seed").pipe(
    Options.withDescription("seed of the simulator's generated data; simulator only (default: 2024)"),
    Options.withDefault(2024)
  ),
  outputDir: Options.text("output-dir").pipe(
    Options.withDescription("the directory the CSV export is written to, created if missing (default: out)"),
    Options.withDefault("out")
  )
}, (args) =>
  Effect.gen(function*() {
    const real = yield* RealApi
    if (Option.isSome(real)) {
      const target = real.value.apiUrl ?? `the ${real.value.environment} API`
      yield* Console.log(`HelloAsso demo against ${target} (read-only)`)
      return yield* tour({
        organizationSlug: real.value.organization,
        outputDir: args.outputDir,
        simulator: undefined
      }).pipe(Effect.provide(NodeHelloAsso.layer({
        environment: real.value.environment,
        apiUrl: real.value.apiUrl,
        tokenUrl: real.value.tokenUrl,
        clientId: real.value.clientId,
        clientSecret: real.value.clientSecret,
        userAgent: "helloasso-demo"
      })))
    }
    const server = yield* NodeSimulatorServer.make({ payments: args.payments, seed: args.seed })
    const simulator = server.simulator
    yield* Console.log(
      `HelloAsso demo on the simulator at ${server.url}: ${simulator.paymentCount} payments of ` +
        `"${simulator.organization.name}" (no HELLOASSO_CLIENT_ID / HELLOASSO_CLIENT_SECRET / HELLOASSO_ORGANIZATION set)`
    )
    yield* tour({ organizationSlug: simulator.organization.slug, outputDir: args.outputDir, simulator }).pipe(
      Effect.provide(NodeHelloAsso.layer({ ...server.clientOptions, userAgent: "helloasso-demo" }))
    )
  }).pipe(Effect.scoped)).pipe(
    Command.withDescription("A tour of the client: on the simulator, or read-only on HelloAsso with HELLOASSO_* set")
  )
