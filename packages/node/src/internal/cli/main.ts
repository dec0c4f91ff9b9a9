/**
 * The `helloasso` command line: runs a command and turns its outcome into one line on stderr and an exit code.
 */
import * as Command from "@effect/cli/Command"
import * as CliValidationError from "@effect/cli/ValidationError"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as HelloAssoError from "@helloasso-effect/core/HelloAssoError"
import * as Cause from "effect/Cause"
import * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Demo from "./demo.js"
import { describe, ExitCode, exitCodeOf } from "./exit.js"
import * as Output from "./output.js"
import * as Payments from "./payments.js"
import * as Simulator from "./simulator.js"

const VERSION = "0.1.0"

const root = Command.make("helloasso").pipe(
  Command.withDescription("HelloAsso payments from the command line"),
  Command.withSubcommands([Payments.command, Simulator.command, Demo.command])
)

const cli = Command.run(root, { name: "helloasso", version: VERSION })

const report = (line: string) =>
  Effect.sync(() => {
    process.stderr.write(`helloasso: ${line}\n`)
  })

/** The exit code of a run, after its one line on stderr. */
const outcome = (exit: Exit.Exit<void, unknown>): Effect.Effect<ExitCode> => {
  if (Exit.isSuccess(exit)) return Effect.succeed(ExitCode.ok)
  if (Cause.isInterruptedOnly(exit.cause)) return Effect.succeed(ExitCode.interrupted)
  const failure = Cause.failureOption(exit.cause)
  if (Option.isNone(failure)) {
    const defect = Cause.squash(exit.cause)
    return Effect.as(
      report(`unexpected error: ${defect instanceof Error ? defect.message : String(defect)}`),
      ExitCode.unexpected
    )
  }
  const error = failure.value
  if (HelloAssoError.isHelloAssoError(error)) {
    const resume = error.continuationToken === undefined
      ? Effect.void
      : report(`resume with: --resume ${error.continuationToken}`)
    return Effect.as(Effect.zipRight(report(describe(error)), resume), exitCodeOf(error))
  }
  if (error instanceof Output.OutputClosed) return Effect.succeed(ExitCode.ok)
  if (error instanceof Output.OutputError) return Effect.as(report(error.message), ExitCode.unexpected)
  // @effect/cli printed what was wrong with the command line already
  if (CliValidationError.isValidationError(error)) return Effect.succeed(ExitCode.badInput)
  if (ConfigError.isConfigError(error)) return Effect.as(report(`configuration: ${String(error)}`), ExitCode.badInput)
  return Effect.as(report(`error: ${String(error)}`), ExitCode.unexpected)
}

/**
 * Runs the CLI on `argv` (as `process.argv`) and resolves with the exit code. SIGINT and SIGTERM interrupt the
 * command, which says how to resume where that makes sense.
 */
export const run = (argv: ReadonlyArray<string>): Promise<ExitCode> => {
  const fiber = Effect.runFork(
    cli(argv).pipe(Effect.provide(NodeContext.layer), Effect.exit, Effect.flatMap(outcome))
  )
  const interrupt = () => Effect.runFork(Fiber.interrupt(fiber))
  process.once("SIGINT", interrupt)
  process.once("SIGTERM", interrupt)
  return Effect.runPromise(Fiber.join(fiber)).then(
    (code) => code,
    () => ExitCode.interrupted
  ).finally(() => {
    process.off("SIGINT", interrupt)
    process.off("SIGTERM", interrupt)
  })
}
