/**
 * The help of `helloasso` and its commands, on stdout.
 *
 * @effect/cli's own help is ANSI text padded to the widest usage (hundreds of columns); this one is rendered from
 * its `HelpDoc` and `Usage`, wrapped at 100 columns, and plain text unless stdout is a terminal and `NO_COLOR` is
 * unset.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { commandLine, description, isGroup, leafDoc, leavesUnder, NAME, VERSION } from "./commands.js"
import type { LeafDoc } from "./commands.js"
import { optionHeading, paragraphs, sections, synopsis } from "./helpDoc.js"
import type { Definition } from "./helpDoc.js"

const WIDTH = 100

/** https://no-color.org: escapes only on a terminal, and not when NO_COLOR is set to anything. */
export const colorsOn = (stream: { readonly isTTY?: boolean }): boolean =>
  stream.isTTY === true && (process.env["NO_COLOR"] ?? "") === ""

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

const DEFAULT = /^This setting is optional\. Defaults to: (.*)$/

/**
 * One option or argument: its heading, then its description, default and whether it repeats. @effect/cli puts the
 * type's own help first ("A user-defined piece of text."), which the heading already says.
 */
const definition = (s: Style, [span, doc]: Definition): Array<string> => {
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
  const title = `${path.length === 0 ? `${NAME} ${VERSION}` : commandLine(path)}: ${description(path)}`
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

/** Writes the help of the command at `path` (a group, a leaf, or `[]` for `helloasso`) to stdout. */
export const help = (path: ReadonlyArray<string>): Effect.Effect<void> =>
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
