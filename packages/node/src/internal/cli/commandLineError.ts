/**
 * What is wrong with a command line, in one line that names the command and what to change.
 *
 * @effect/cli's errors name neither the command nor what to change; they are reworded here with the command line
 * they are about and the help of its command.
 */
import * as AutoCorrect from "@effect/cli/AutoCorrect"
import * as CliConfig from "@effect/cli/CliConfig"
import type * as Usage from "@effect/cli/Usage"
import type * as CliValidationError from "@effect/cli/ValidationError"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { commandLine, isGroup, leafDoc, subcommands } from "./commands.js"
import type { Invocation, LeafDoc } from "./commands.js"
import { accepted, optionHeading, paragraphs, sections, synopsis } from "./helpDoc.js"

/** A word where a command was expected that names none, with the closest command when one is near. */
export const unknownCommand = (path: ReadonlyArray<string>, word: string): string => {
  const names = subcommands(path)
  const closest = names
    .map((name) => [name, AutoCorrect.levensteinDistance(word, name, CliConfig.defaultConfig)] as const)
    .filter(([, distance]) => distance <= 2)
    .sort((a, b) => a[1] - b[1])[0]
  const level = path.length === 0 ? "" : `${path.join(" ")} `
  return `unknown command '${[...path, word].join(" ")}': the ${level}commands are ${names.join(", ")}` +
    (closest === undefined ? "" : ` (did you mean '${commandLine([...path, closest[0]])}'?)`)
}

const TYPES: Record<string, string> = {
  integer: "a whole number",
  float: "a number",
  date: "a date",
  boolean: "true or false"
}

/** Where a value was given on the command line: after an option (`--limit x`, `--limit=x`), or as an argument. */
const givenTo = (rest: ReadonlyArray<string>, value: string): string | undefined => {
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!
    if (arg === value) return i > 0 && rest[i - 1]!.startsWith("-") ? rest[i - 1] : undefined
    if (arg.startsWith("-") && arg.endsWith(`=${value}`)) return arg.slice(0, arg.indexOf("="))
  }
  return undefined
}

/** The choice option given a value out of `cases`, and that value. */
const wrongChoice = (usage: Usage.Usage, rest: ReadonlyArray<string>, cases: ReadonlyArray<string>) => {
  const choices = accepted(usage)
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!
    const [option = "", inline] = arg.split(/=(.*)/s)
    if (choices.get(option) !== cases.join(" | ")) continue
    const value = inline ?? rest[i + 1]
    if (value !== undefined && !cases.includes(value)) return { option, value }
  }
  return undefined
}

/** What an option or argument is for, and the variable it falls back to. */
const about = (leaf: Option.Option<LeafDoc>, name: string) => {
  const entry = Option.flatMap(leaf, ({ doc }) => {
    const { arguments: args, options } = sections(doc)
    return Option.fromNullable(
      [...args, ...options].find(([span]) => optionHeading(span).heading.split(" ")[0] === name)
    )
  })
  const texts = Option.match(entry, { onNone: () => [], onSome: ([, doc]) => paragraphs(doc).slice(1) })
  const description = texts.find((text) => !text.startsWith("This ")) ?? ""
  return {
    heading: Option.match(entry, { onNone: () => name, onSome: ([span]) => optionHeading(span).heading }),
    description: description.replace(/\s*\((?:or|prefer) HELLOASSO_[A-Z_]+\)/, ""),
    variable: /HELLOASSO_[A-Z_]+/.exec(texts.join(" "))?.[0]
  }
}

/** @effect/cli's complaint about the command line, as one line that names the command and what to change. */
export const commandLineError = (
  error: CliValidationError.ValidationError,
  call: Invocation
): Effect.Effect<string> =>
  Effect.gen(function*() {
    const text = "error" in error ? paragraphs(error.error).join(" ") : ""
    const where = call.path.length === 0 ? "" : `${call.path.join(" ")}: `
    const hint = `see '${commandLine(call.path)} --help'`
    if (isGroup(call.path)) {
      const level = call.path.length === 0 ? "" : `${call.path.join(" ")} `
      return `${level}needs a command: ${subcommands(call.path).join(", ")} (${hint})`
    }
    const leaf = yield* leafDoc(call.path)
    let match: RegExpExecArray | null
    if ((match = /^'(.*)' is not a (\w+)$/s.exec(text)) !== null) {
      const [, value = "", type = ""] = match
      const option = givenTo(call.rest, value)
      const argument = Option.match(leaf, { onNone: () => [], onSome: ({ usage }) => synopsis(usage).args })[0]
      const name = option ?? argument?.replace(/[[\].]/g, "") ?? "a value"
      const { description } = about(leaf, name)
      const subject = option === undefined && description !== "" ? `${name} (${description})` : name
      return `${where}${subject} must be ${TYPES[type] ?? `a ${type}`}, not '${value}'`
    }
    if ((match = /^Expected to find option: '(.*)'$/.exec(text)) !== null) {
      const { heading, variable } = about(leaf, match[1]!)
      return variable === undefined
        ? `${where}${heading} is required (${hint})`
        : `${where}${match[1]} is missing: pass ${heading} or set ${variable}`
    }
    if ((match = /^Missing argument (<.*>)$/.exec(text)) !== null) {
      const { description } = about(leaf, match[1]!)
      return `${where}${match[1]}${description === "" ? "" : ` (${description})`} is missing: ` +
        `${commandLine(call.path)} ${match[1]}`
    }
    if ((match = /^Expected one of the following cases: (.*)$/.exec(text)) !== null) {
      const cases = match[1]!.split(", ")
      const wrong = Option.match(leaf, {
        onNone: () => undefined,
        onSome: ({ usage }) => wrongChoice(usage, call.rest, cases)
      })
      return wrong === undefined
        ? `${where}expected one of ${cases.join(", ")} (${hint})`
        : `${where}${wrong.option} must be one of ${cases.join(", ")}, not '${wrong.value}'`
    }
    if ((match = /^\(Invalid data at ([A-Z0-9_]*): "(.*)"\)$/s.exec(text)) !== null) {
      const [, variable = "", message = ""] = match
      return message.includes(variable) ? message : `${variable}: ${message}`
    }
    if ((match = /^Received unknown argument: '(.*)'$/.exec(text)) !== null) {
      const arg = match[1]!
      return arg.startsWith("-")
        ? `${where}unknown option '${arg}' (${hint})`
        : `${where}unexpected argument '${arg}' (${hint})`
    }
    if ((match = /^Expected a value following option: '(.*)'$/.exec(text)) !== null) {
      return `${where}${about(leaf, match[1]!).heading} needs a value`
    }
    return `${where}${text === "" ? "invalid command line" : text} (${hint})`
  })

/** What a configuration error says, without `(Missing data at ...)` around it. */
export const configMessage = (error: ConfigError.ConfigError): string => {
  switch (error._op) {
    case "And":
    case "Or":
      return `${configMessage(error.left)}; ${configMessage(error.right)}`
    case "MissingData":
      return /^Expected .* to exist/.test(error.message) ? `set ${error.path.join("_")}` : error.message
    default:
      return error.path.length === 0 || error.message.includes(error.path.join("_"))
        ? error.message
        : `${error.path.join("_")}: ${error.message}`
  }
}
