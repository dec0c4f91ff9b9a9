/**
 * `helloasso simulator serve`: the HelloAsso simulator on loopback HTTP, for demos and for other tools' tests.
 * Its first line on stdout is one JSON object with what a client needs to talk to it.
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { ValidationError } from "@helloasso-effect/core/HelloAssoError"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as NodeSimulatorServer from "../../NodeSimulatorServer.js"

const check = (field: string, ok: boolean, detail: string) =>
  ok ? Effect.void : Effect.fail(new ValidationError({ operation: "simulator serve", source: "client", field, detail }))

const serve = Command.make("serve", {
  port: Options.integer("port").pipe(
    Options.withDescription("port on 127.0.0.1 (0: any free port)"),
    Options.withDefault(0)
  ),
  payments: Options.integer("payments").pipe(Options.withDefault(2000)),
  seed: Options.integer("seed").pipe(Options.withDefault(1)),
  organization: Options.text("organization").pipe(Options.withDescription("organization slug"), Options.optional)
}, (args) =>
  Effect.gen(function*() {
    yield* check("port", Number.isInteger(args.port) && args.port >= 0 && args.port <= 65535, "must be 0 to 65535")
    yield* check("payments", args.payments >= 0 && args.payments <= 10_000_000, "must be 0 to 10000000")
    const server = yield* NodeSimulatorServer.make({
      port: args.port,
      payments: args.payments,
      seed: args.seed,
      organization: Option.match(args.organization, { onNone: () => undefined, onSome: (slug) => ({ slug }) })
    })
    const simulator = server.simulator
    yield* Console.log(JSON.stringify({
      apiUrl: server.apiUrl,
      tokenUrl: server.tokenUrl,
      clientId: simulator.credentials.clientId,
      // the simulator's own credentials, not a secret of anyone's
      clientSecret: Redacted.value(simulator.credentials.clientSecret),
      organization: simulator.organization.slug
    }))
    yield* Console.error(
      `HelloAsso simulator on ${server.url}: ${simulator.paymentCount} payments of "${simulator.organization.slug}"; ` +
        "stop with Ctrl-C"
    )
    return yield* Effect.never
  }).pipe(Effect.scoped)).pipe(Command.withDescription("Serve the HelloAsso simulator on 127.0.0.1 until stopped"))

export const command = Command.make("simulator").pipe(
  Command.withDescription("The HelloAsso simulator"),
  Command.withSubcommands([serve])
)
