/**
 * The `helloasso` command line: runs a command and turns its outcome into one line on stderr and an exit code.
 *
 * @effect/cli parses the command line; the help and the error lines are ours. Its help is ANSI text padded to the
 * widest usage (hundreds of columns) and its errors name neither the command nor what to change, so the help is
 * rendered here from its `HelpDoc` and `Usage` (plain text unless stdout is a terminal and `NO_COLOR` is unset),
 * and its errors are reworded with the command line they are about.
 */
import * as AutoCorrect from "@effect/cli/AutoCorrect"
import * as BuiltInOptions from "@effect/cli/BuiltInOptions"
import * as CliConfig from "@effect/cli/CliConfig"
import * as Command from "@effect/cli/Command"
import * as CommandDescriptor from "@effect/cli/CommandDescriptor"
import type * as HelpDoc from "@effect/cli/HelpDoc"
import type * as Span from "@effect/cli/HelpDoc/Span"
import type * as Usage from "@effect/cli/Usage"
import * as CliValidationError from "@effect/cli/ValidationError"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as HelloAssoError from "@helloasso-effect/core/HelloAssoError"
import * as Cause from "effect/Cause"
import * as ConfigError from "effect/ConfigError"
import type * as Console from "effect/Console"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Demo from "./demo.js"
import { describe, ExitCode, exitCodeOf } from "./exit.js"
import * as Output from "./output.js"
import * as Payments from "./payments.js"
import * as Simulator from "./simulator.js"

const NAME = "helloasso"
const VERSION = "0.1.0"
const WIDTH = 100

const root = Command.make(NAME).pipe(
  Command.withDescription("HelloAsso payments from the command line"),
  Command.withSubcommands([Payments.command, Simulator.command, Demo.command])
)

/** The help of a command without @effect/cli's own options (ours are listed apart). */
const HELP_CONFIG = CliConfig.make({ showBuiltIns: false })

// -----------------------------------------------------------------------------
// Text
// -----------------------------------------------------------------------------

/** https://no-color.org: escapes only on a terminal, and not when NO_COLOR is set to anything. */
const colorsOn = (stream: { readonly isTTY?: boolean }): boolean =>
  stream.isTTY === true && (process.env["NO_COLOR"] ?? "") === ""

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g

const stripAnsi = (text: string): string => text.replace(ANSI, "")

const spanText = (span: Span.Span): string => {
  switch (span._tag) {
    case "Text":
    case "URI":
      return span.value
    case "Highlight":
    case "Strong":
    case "Weak":
      return spanText(span.value)
    case "Sequence":
      return spanText(span.left) + spanText(span.right)
  }
}

type Block = Exclude<HelpDoc.HelpDoc, HelpDoc.Sequence | HelpDoc.Empty>

const blocks = (doc: HelpDoc.HelpDoc): Array<Block> => {
  switch (doc._tag) {
    case "Empty":
      return []
    case "Sequence":
      return [...blocks(doc.left), ...blocks(doc.right)]
    default:
      return [doc]
  }
}

const paragraphs = (doc: HelpDoc.HelpDoc): Array<string> =>
  blocks(doc).flatMap((block) => {
    switch (block._tag) {
      case "Paragraph":
      case "Header":
        return [spanText(block.value).trim()]
      case "Enumeration":
        return block.elements.flatMap(paragraphs)
      case "DescriptionList":
        return block.definitions.flatMap(([span, doc]) => [spanText(span).trim(), ...paragraphs(doc)])
    }
  }).filter((text) => text !== "")

/** The text of a HelpDoc on one line (errors). */
const docText = (doc: HelpDoc.HelpDoc): string => paragraphs(doc).join(" ")

/** Word-wrapped at WIDTH, every line indented; never padded. */
const wrap = (text: string, indent: number): Array<string> => {
  const lines: Array<string> = []
  let line = ""
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    if (line !== "" && indent + line.length + 1 + word.length > WIDTH) {
      lines.push(line)
      line = word
    } else {
      line = line === "" ? word : `${line} ${word}`
    }
  }
  if (line !== "") lines.push(line)
  return lines.map((l) => `${" ".repeat(indent)}${l}`)
}

interface Style {
  readonly heading: (text: string) => string
  readonly name: (text: string) => string
}

const style = (colors: boolean): Style =>
  colors
    ? { heading: (text) => `\u001b[1m${text}\u001b[0m`, name: (text) => `\u001b[1m${text}\u001b[0m` }
    : { heading: (text) => text, name: (text) => text }

// -----------------------------------------------------------------------------
// The commands
// -----------------------------------------------------------------------------

interface Entry {
  readonly path: ReadonlyArray<string>
  readonly description: string
}

const COMMAND_WORD = /^[a-z][a-z0-9-]*$/

/** Every command (groups and leaves), in the order they were declared, from the COMMANDS section of the root help. */
const catalog: ReadonlyArray<Entry> = (() => {
  const list = blocks(CommandDescriptor.getHelp(root.descriptor, HELP_CONFIG)).find(
    (block): block is HelpDoc.Enumeration => block._tag === "Enumeration"
  )
  if (list === undefined) return []
  return list.elements.flatMap((element) => {
    if (element._tag !== "Paragraph") return []
    // @effect/cli lays each line out as [usage, padding, description]
    const span = element.value
    const [usage, description] = span._tag === "Sequence" && span.left._tag === "Sequence"
      ? [spanText(span.left.left), spanText(span.right)]
      : [spanText(span), ""]
    const words = usage.trim().split(/\s+/)
    const end = words.findIndex((word) => !COMMAND_WORD.test(word))
    const path = end === -1 ? words : words.slice(0, end)
    return path.length === 0 ? [] : [{ path, description: description.trim() }]
  })
})()

const samePath = (a: ReadonlyArray<string>, b: ReadonlyArray<string>) =>
  a.length === b.length && a.every((word, i) => word === b[i])

const isCommand = (path: ReadonlyArray<string>) => catalog.some((entry) => samePath(entry.path, path))

const children = (path: ReadonlyArray<string>) =>
  catalog.filter((entry) => entry.path.length === path.length + 1 && samePath(entry.path.slice(0, path.length), path))

const leavesUnder = (path: ReadonlyArray<string>) =>
  catalog.filter((entry) =>
    samePath(entry.path.slice(0, path.length), path) && entry.path.length > path.length &&
    children(entry.path).length === 0
  )

const isGroup = (path: ReadonlyArray<string>) => children(path).length > 0

/** Root options of @effect/cli that take a value. */
const ROOT_VALUED = new Set(["--log-level", "--completions"])

interface Invocation {
  /** The command named on the command line, e.g. `["payments", "list"]`. */
  readonly path: ReadonlyArray<string>
  /** The arguments but the command's words. */
  readonly rest: ReadonlyArray<string>
  /** The word that names no command, where a command was expected. */
  readonly unknown: string | undefined
  readonly help: boolean
}

const invocation = (args: ReadonlyArray<string>): Invocation => {
  const path: Array<string> = []
  const words = new Set<number>()
  let unknown: string | undefined
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === "--" || !isGroup(path)) break
    if (arg.startsWith("-")) {
      if (path.length === 0 && ROOT_VALUED.has(arg)) i++
      continue
    }
    if (!isCommand([...path, arg])) {
      unknown = arg
      break
    }
    path.push(arg)
    words.add(i)
  }
  const end = args.indexOf("--")
  const options = end === -1 ? args : args.slice(0, end)
  return {
    path,
    rest: args.filter((_, i) => !words.has(i)),
    unknown,
    help: options.includes("--help") || options.includes("-h")
  }
}

const onlyLogLevel = (args: ReadonlyArray<string>): boolean =>
  args.every((arg, i) => arg === "--log-level" || arg.startsWith("--log-level=") || args[i - 1] === "--log-level")

const commandLine = (path: ReadonlyArray<string>) => [NAME, ...path].join(" ")

// -----------------------------------------------------------------------------
// Help
// -----------------------------------------------------------------------------

/** `text` is `<text>`, `a | b` is `a|b`. */
const placeholder = (accepted: string): string =>
  accepted.includes(" | ")
    ? accepted.split(" | ").join("|")
    : `<${accepted === "redacted" ? "secret" : accepted === "float" ? "number" : accepted}>`

interface Synopsis {
  readonly required: Array<string>
  readonly args: Array<string>
  optional: boolean
}

/** The usage line: what must be given, then `[options]` for everything else. */
const synopsis = (usage: Usage.Usage): Synopsis => {
  const result: Synopsis = { required: [], args: [], optional: false }
  const walk = (usage: Usage.Usage, optional: boolean, repeated: boolean): void => {
    switch (usage._tag) {
      case "Named": {
        const name = usage.names[0] ?? ""
        if (name.startsWith("<")) {
          const arg = `${name}${repeated ? "..." : ""}`
          result.args.push(optional ? `[${arg}]` : arg)
        } else if (name.startsWith("-")) {
          if (optional) result.optional = true
          else {
            result.required.push(Option.match(usage.acceptedValues, {
              onNone: () => name,
              onSome: (accepted) => `${name} ${placeholder(accepted)}`
            }))
          }
        }
        return
      }
      case "Optional":
        return walk(usage.usage, true, repeated)
      case "Repeated":
        return walk(usage.usage, true, true)
      case "Alternation":
        walk(usage.left, true, repeated)
        return walk(usage.right, true, repeated)
      case "Concat":
        walk(usage.left, optional, repeated)
        return walk(usage.right, optional, repeated)
      case "Empty":
      case "Mixed":
        return
    }
  }
  walk(usage, false, false)
  return result
}

/** `--format table | jsonl | csv` is `--format table|jsonl|csv`; `--state A | B...` is repeatable. */
const optionHeading = (span: Span.Span): { readonly heading: string; readonly repeatable: boolean } => {
  const text = spanText(span).trim()
  const repeatable = text.endsWith("...")
  const [, names = text, value] = /^(\([^)]*\)|\S+)(?: (.*))?$/.exec(repeatable ? text.slice(0, -3) : text) ?? []
  const shown = names.replace(/^\((.*)\)$/, "$1")
  return { heading: value === undefined ? shown : `${shown} ${placeholder(value.trim())}`, repeatable }
}

const DEFAULT = /^This setting is optional\. Defaults to: (.*)$/

/**
 * One option or argument: its heading, then its description, default and whether it repeats. @effect/cli puts the
 * type's own help first ("A user-defined piece of text."), which the heading already says.
 */
const definition = (s: Style, [span, doc]: readonly [Span.Span, HelpDoc.HelpDoc]): Array<string> => {
  const { heading, repeatable } = optionHeading(span)
  const [, ...texts] = paragraphs(doc)
  const flag = !heading.includes(" ") && heading.startsWith("-")
  const lines: Array<string> = []
  const notes: Array<string> = []
  const described = texts.filter((text) => !text.startsWith("This ")).join(" ")
  for (const text of texts) {
    const byDefault = DEFAULT.exec(text)
    if (byDefault !== null) {
      if (!flag && !/\bdefault\b/i.test(described)) notes.push(`Default: ${byDefault[1]}.`)
    } else if (text === "This setting is optional.") {
      continue
    } else if (text === "This option can be set from environment variables.") {
      if (!/HELLOASSO_[A-Z_]+/.test(described)) notes.push("Can be set from an environment variable.")
    } else if (text === "This option may be repeated zero or more times.") {
      if (!/\brepeat/i.test(described)) notes.push("Repeatable.")
    } else {
      lines.push(text)
    }
  }
  if (repeatable && !notes.includes("Repeatable.") && !/\brepeat/i.test(described)) notes.push("Repeatable.")
  // a long list of choices goes under the option, wrapped
  const [name = "", value = ""] = heading.split(/ (.*)/s)
  const long = heading.length > WIDTH - 2 && value.includes("|")
  const choices = long ? [`One of: ${value.split("|").join(", ")}.`] : []
  return [
    `  ${s.name(long ? `${name} <${name.replace(/^-+/, "")}>` : heading)}`,
    ...[lines, choices, notes].flatMap((part) => wrap(part.join(" "), 6))
  ]
}

const section = (s: Style, title: string, lines: ReadonlyArray<string>): Array<string> =>
  lines.length === 0 ? [] : ["", s.heading(title), ...lines]

const HELP_OPTION = ["  -h, --help", "      Show this help."]

/** The help of `helloasso` or of a group of commands: each command on one line. */
const groupHelp = (s: Style, path: ReadonlyArray<string>): string => {
  const title = path.length === 0
    ? `${NAME} ${VERSION}: ${rootDescription()}`
    : `${commandLine(path)}: ${catalog.find((entry) => samePath(entry.path, path))?.description ?? ""}`
  const leaves = leavesUnder(path)
  const width = Math.max(...leaves.map((entry) => entry.path.join(" ").length))
  const commands = leaves.map((entry) => {
    const name = entry.path.join(" ")
    return entry.description === ""
      ? `  ${s.name(name)}`
      : `  ${s.name(name)}${" ".repeat(width - name.length + 3)}${entry.description}`
  })
  const options = path.length === 0
    ? [
      ...HELP_OPTION,
      "  --version",
      "      Show the version.",
      "  --completions sh|bash|fish|zsh",
      "      Print a completion script for this shell.",
      "  --log-level all|trace|debug|info|warning|error|fatal|none",
      "      Show the logs of this level and above."
    ]
    : HELP_OPTION
  return [
    ...wrap(title, 0),
    ...section(s, "USAGE", [`  $ ${commandLine(path)} <command> [options]`]),
    ...section(s, "COMMANDS", commands),
    ...section(s, "OPTIONS", options),
    "",
    `Run '${commandLine(path)} <command> --help' for the options of a command.`
  ].join("\n") + "\n"
}

const rootDescription = () =>
  paragraphs(CommandDescriptor.getHelp(root.descriptor, HELP_CONFIG)).find((text) => text !== "DESCRIPTION") ?? ""

interface LeafDoc {
  readonly usage: Usage.Usage
  readonly doc: HelpDoc.HelpDoc
}

/** @effect/cli's own help of a command: what it would show for `helloasso <path> --help`. */
const leafDoc = (path: ReadonlyArray<string>): Effect.Effect<Option.Option<LeafDoc>> =>
  CommandDescriptor.parse(root.descriptor, [NAME, ...path, "--help"], HELP_CONFIG).pipe(
    Effect.map((directive) =>
      directive._tag === "BuiltIn" && BuiltInOptions.isShowHelp(directive.option)
        ? Option.some({ usage: directive.option.usage, doc: directive.option.helpDoc })
        : Option.none()
    ),
    Effect.provide(NodeContext.layer),
    Effect.orElseSucceed(() => Option.none())
  )

/** The sections of a command's help: DESCRIPTION paragraphs, ARGUMENTS and OPTIONS definitions. */
const sections = (doc: HelpDoc.HelpDoc) => {
  const result = {
    description: [] as Array<string>,
    arguments: [] as Array<readonly [Span.Span, HelpDoc.HelpDoc]>,
    options: [] as Array<readonly [Span.Span, HelpDoc.HelpDoc]>
  }
  let current = ""
  for (const block of blocks(doc)) {
    if (block._tag === "Header") current = spanText(block.value).trim()
    else if (block._tag === "Paragraph" && current === "DESCRIPTION") result.description.push(spanText(block.value))
    else if (block._tag === "DescriptionList" && current === "ARGUMENTS") result.arguments.push(...block.definitions)
    else if (block._tag === "DescriptionList" && current === "OPTIONS") result.options.push(...block.definitions)
  }
  return result
}

const leafHelp = (s: Style, path: ReadonlyArray<string>, leaf: LeafDoc): string => {
  const { arguments: args, description, options } = sections(leaf.doc)
  const usage = synopsis(leaf.usage)
  const line = [
    `$ ${commandLine(path)}`,
    ...usage.required,
    ...(usage.optional ? ["[options]"] : []),
    ...usage.args
  ].join(" ")
  return [
    ...wrap(`${commandLine(path)}: ${description.join(" ")}`, 0),
    ...section(s, "USAGE", wrap(line, 2)),
    ...section(s, "ARGUMENTS", args.flatMap((entry) => definition(s, entry))),
    ...section(s, "OPTIONS", [...options.flatMap((entry) => definition(s, entry)), ...HELP_OPTION])
  ].join("\n") + "\n"
}

const help = (path: ReadonlyArray<string>): Effect.Effect<void> =>
  Effect.gen(function*() {
    const s = style(colorsOn(process.stdout))
    const text = isGroup(path)
      ? groupHelp(s, path)
      : Option.match(yield* leafDoc(path), {
        onNone: () => groupHelp(s, path),
        onSome: (leaf) => leafHelp(s, path, leaf)
      })
    yield* Effect.sync(() => process.stdout.write(text))
  })

// -----------------------------------------------------------------------------
// Errors
// -----------------------------------------------------------------------------

const report = (line: string) =>
  Effect.sync(() => {
    process.stderr.write(`${NAME}: ${line}\n`)
  })

/** A word where a command was expected that names none. */
class UnknownCommand extends Data.TaggedError("UnknownCommand")<{ readonly message: string }> {}

const unknownCommand = (path: ReadonlyArray<string>, word: string): string => {
  const names = children(path).map((entry) => entry.path[entry.path.length - 1]!)
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

/** The options of a command and the values they accept (`a | b` for a choice). */
const accepted = (usage: Usage.Usage): Map<string, string> => {
  const result = new Map<string, string>()
  const walk = (usage: Usage.Usage): void => {
    switch (usage._tag) {
      case "Named":
        for (const name of usage.names) Option.map(usage.acceptedValues, (values) => result.set(name, values))
        return
      case "Optional":
      case "Repeated":
        return walk(usage.usage)
      case "Alternation":
      case "Concat":
        walk(usage.left)
        return walk(usage.right)
      default:
        return
    }
  }
  walk(usage)
  return result
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
const commandLineError = (
  error: CliValidationError.ValidationError,
  call: Invocation
): Effect.Effect<string> =>
  Effect.gen(function*() {
    const text = "error" in error ? docText(error.error) : ""
    const where = call.path.length === 0 ? "" : `${call.path.join(" ")}: `
    const hint = `see '${commandLine(call.path)} --help'`
    if (isGroup(call.path)) {
      const names = children(call.path).map((entry) => entry.path[entry.path.length - 1]!)
      return `${call.path.length === 0 ? "" : `${call.path.join(" ")} `}needs a command: ${names.join(", ")} (${hint})`
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
const configMessage = (error: ConfigError.ConfigError): string => {
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

// -----------------------------------------------------------------------------
// Run
// -----------------------------------------------------------------------------

/**
 * The console @effect/cli writes to: its error text is dropped (`outcome` words the error), and what it prints
 * (version, completions) loses its escapes unless stdout is a terminal that takes colors.
 */
const cliConsole = (real: Console.Console): Console.Console => {
  const plain = (args: ReadonlyArray<unknown>) =>
    colorsOn(process.stdout) ? args : args.map((arg) => typeof arg === "string" ? stripAnsi(arg) : arg)
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

/** The leaf command's options, from the parsed arguments of the root (`{ subcommand: Some([tag, args]) }`). */
const leafArgs = (args: unknown): Record<string, unknown> => {
  let current = args as Record<string, unknown>
  for (;;) {
    const sub = current["subcommand"]
    if (!Option.isOption(sub) || Option.isNone(sub)) return current
    current = (sub.value as readonly [unknown, Record<string, unknown>])[1]
  }
}

/** Checks that hold for every command, before it runs: `--limit` counts payments, so it is at least 1. */
const checkArgs = (path: ReadonlyArray<string>, args: unknown): Effect.Effect<void, HelloAssoError.ValidationError> => {
  const limit = leafArgs(args)["limit"]
  if (Option.isOption(limit) && Option.isSome(limit) && !((limit.value as number) >= 1)) {
    return Effect.fail(
      new HelloAssoError.ValidationError({
        operation: path.join(" "),
        source: "client",
        field: "limit",
        detail: "must be 1 or more (the number of payments to write)"
      })
    )
  }
  return Effect.void
}

const execute = (argv: ReadonlyArray<string>, call: Invocation): Effect.Effect<void, unknown> =>
  Effect.gen(function*() {
    if (call.unknown !== undefined) {
      return yield* new UnknownCommand({ message: unknownCommand(call.path, call.unknown) })
    }
    // a group of commands runs nothing: its help says what it holds
    if (call.help || (isGroup(call.path) && onlyLogLevel(call.rest))) return yield* help(call.path)
    const real = yield* Effect.console
    const cli = Command.run(
      Command.transformHandler(
        root,
        (effect, args) => Effect.withConsole(Effect.zipRight(checkArgs(call.path, args), effect), real)
      ),
      { name: NAME, version: VERSION }
    )
    return yield* cli(argv).pipe(Effect.withConsole(cliConsole(real)), Effect.provide(NodeContext.layer))
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
