/**
 * `helloasso cash-outs export`: the payments of one cash-out (a transfer HelloAsso made to the organization's bank
 * account, named by each payment's `idCashOut`), as HelloAsso exports them, to stdout or a file.
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { ValidationError } from "@helloasso-effect/core/HelloAssoError"
import * as Payments from "@helloasso-effect/core/Payments"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Connection from "./connection.js"
import * as Output from "./output.js"

const OPERATION = "cash-outs export"

const exportCommand = Command.make("export", {
  ...Connection.connection,
  org: Connection.organization,
  id: Options.integer("id").pipe(
    Options.withDescription("the cash-out id, as a paid-out payment's idCashOut gives it (no default: required)")
  ),
  format: Options.choice("format", ["csv", "json", "xlsx"]).pipe(
    Options.withDescription(
      "csv or xlsx (HelloAsso's files), or json (HelloAsso's rows, one object per payment) (default: csv)"
    ),
    Options.withDefault("csv" as const)
  ),
  output: Output.option
}, (args) =>
  Effect.gen(function*() {
    const path = Option.getOrUndefined(args.output)
    if (args.format === "xlsx" && Output.isStdout(path) && process.stdout.isTTY) {
      return yield* new ValidationError({
        operation: OPERATION,
        source: "client",
        field: "output",
        detail: "an XLSX file is binary: pass --output FILE or redirect stdout"
      })
    }
    const payments = yield* Payments.Payments
    const { bytes, output } = yield* Output.writeStream(
      path,
      OPERATION,
      payments.exportCashOut({ organizationSlug: args.org, cashOutId: args.id, format: args.format })
    )
    if (output.isFile) {
      yield* Console.error(
        `HelloAsso's ${args.format.toUpperCase()} export of cash-out ${args.id} (${bytes} bytes) written to ` +
          output.target
      )
    }
  }).pipe(Effect.provide(Connection.layer(args)))).pipe(
    Command.withDescription("The payments of one cash-out, as HelloAsso exports them (CSV, JSON or XLSX)")
  )

export const command = Command.make("cash-outs").pipe(
  Command.withDescription("Cash-outs: the transfers HelloAsso made to the organization's bank account"),
  Command.withSubcommands([exportCommand])
)
