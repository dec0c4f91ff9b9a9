/**
 * The `helloasso` command line: runs a command and turns its outcome into one line on stderr and an exit code.
 *
 * @effect/cli parses the command line and runs the command; the help (`help.ts`) and the error lines
 * (`commandLineError.ts`) are ours.
 */
import * as Command from "@effect/cli/Command"
import * as CliValidationError from "@effect/cli/ValidationError"
import * as HelloAssoError from "@helloasso-effect/core/HelloAssoError"
import * as Cause from "effect/Cause"
import * as ConfigError from "effect/ConfigError"
import type * as Console from "effect/Console"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import { commandLineError, configMessage, unknownCommand } from "./commandLineError.js"
import { environment, invocation, isGroup, NAME, root, VERSION } from "./commands.js"
import type { Invocation } from "./commands.js"
import { describe, ExitCode, exitCodeOf } from "./exit.js"
import { colorsOn, help } from "./help.js"
import * as Output from "./output.js"

const report = (line: string) =>
  Effect.sync(() => {
    process.stderr.write(`${NAME}: ${line}\n`)
  })

/** A word where a command was expected that names none. */
class UnknownCommand extends Data.TaggedError("UnknownCommand")<{ readonly message: string }> {}

/** The exit code of a run, after its one line on stderr. */
const outcome = (call: Invocation) => (exit: Exit.Exit<void, unknown>): Effect.Effect<ExitCode> => {
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
    const where = error._tag === "ValidationError" && error.source === "client" && call.path.length > 0
      ? `${call.path.join(" ")}: `
      : ""
    const resume = error.continuationToken === undefined
      ? Effect.void
      : report(`resume with: --resume ${error.continuationToken}`)
    return Effect.as(Effect.zipRight(report(`${where}${describe(error)}`), resume), exitCodeOf(error))
  }
  if (error instanceof UnknownCommand) return Effect.as(report(error.message), ExitCode.badInput)
  if (error instanceof Output.OutputClosed) return Effect.succeed(ExitCode.ok)
  if (error instanceof Output.OutputError) return Effect.as(report(error.message), ExitCode.unexpected)
  if (CliValidationError.isValidationError(error)) {
    return Effect.as(Effect.flatMap(commandLineError(error, call), report), ExitCode.badInput)
  }
  if (ConfigError.isConfigError(error)) return Effect.as(report(configMessage(error)), ExitCode.badInput)
  return Effect.as(report(`error: ${String(error)}`), ExitCode.unexpected)
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g

/**
 * The console @effect/cli writes to: its error text is dropped (`outcome` words the error), and what it prints
 * (version, completions) loses its escapes unless stdout is a terminal that takes colors.
 */
const cliConsole = (real: Console.Console): Console.Console => {
  const plain = (args: ReadonlyArray<unknown>) =>
    colorsOn(process.stdout) ? args : args.map((arg) => typeof arg === "string" ? arg.replace(ANSI, "") : arg)
  return {
    ...real,
    error: () => Effect.void,
    log: (...args) => real.log(...plain(args)),
    unsafe: {
      ...real.unsafe,
      error: () => {},
      log: (...args) => real.unsafe.log(...plain(args))
    }
  }
}

const onlyLogLevel = (args: ReadonlyArray<string>): boolean =>
  args.every((arg, i) => arg === "--log-level" || arg.startsWith("--log-level=") || args[i - 1] === "--log-level")

const execute = (argv: ReadonlyArray<string>, call: Invocation): Effect.Effect<void, unknown> =>
  Effect.gen(function*() {
    if (call.unknown !== undefined) {
      return yield* new UnknownCommand({ message: unknownCommand(call.path, call.unknown) })
    }
    // a group of commands runs nothing: its help says what it holds
    if (call.help || (isGroup(call.path) && onlyLogLevel(call.rest))) return yield* help(call.path)
    const real = yield* Effect.console
    // the commands write to the real console; @effect/cli's own output goes through cliConsole
    const cli = Command.run(
      Command.transformHandler(root, (effect) => Effect.withConsole(effect, real)),
      { name: NAME, version: VERSION }
    )
    return yield* cli(argv).pipe(Effect.withConsole(cliConsole(real)), Effect.provide(environment))
  })

/**
 * Runs the CLI on `argv` (as `process.argv`) and resolves with the exit code. SIGINT and SIGTERM interrupt the
 * command, which says how to resume where that makes sense.
 */
export const run = (argv: ReadonlyArray<string>): Promise<ExitCode> => {
  const call = invocation(argv.slice(2))
  const fiber = Effect.runFork(
    execute(argv, call).pipe(Effect.exit, Effect.flatMap(outcome(call)))
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
