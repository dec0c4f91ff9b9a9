/**
 * The commands of `helloasso`: the tree @effect/cli runs, the list of its commands (read from the tree's own help),
 * and which command a command line names.
 *
 * The tree holds the groups of commands this process's command line needs: the one it names (`payments` for
 * `helloasso payments list`), or every group when it names none (the root's help, completions, a word that names
 * no group). Each group is a module of its own, loaded when needed, so that `helloasso payments list` neither
 * loads nor evaluates the simulator, the notifications server or the demo.
 */
import * as BuiltInOptions from "@effect/cli/BuiltInOptions"
import * as CliConfig from "@effect/cli/CliConfig"
import * as Command from "@effect/cli/Command"
import * as CommandDescriptor from "@effect/cli/CommandDescriptor"
import type * as HelpDoc from "@effect/cli/HelpDoc"
import type * as Usage from "@effect/cli/Usage"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { blocks, paragraphs, spanText } from "./helpDoc.js"

import { NAME } from "./version.js"

export { NAME, VERSION } from "./version.js"

/** What @effect/cli runs in (`CliApp.Environment`): Node's file system, paths and terminal. */
export const environment = Layer.mergeAll(NodeFileSystem.layer, NodePath.layer, NodeTerminal.layer)

/** The groups under the root, in the order the root's help lists them. */
const GROUPS = {
  payments: () => import("./payments.js"),
  "cash-outs": () => import("./cashOuts.js"),
  notifications: () => import("./notifications.js"),
  simulator: () => import("./simulator.js"),
  demo: () => import("./demo.js")
} as const

type Group = keyof typeof GROUPS

/** Root options of @effect/cli that take a value. */
const ROOT_VALUED = new Set(["--log-level", "--completions"])

const isGroupName = (word: string): word is Group => Object.prototype.hasOwnProperty.call(GROUPS, word)

/** The groups a command line (without `node` and the script) needs: the one its first word names, or all. */
const groupsFor = (args: ReadonlyArray<string>): ReadonlyArray<Group> => {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === "--") break
    if (arg.startsWith("-")) {
      if (ROOT_VALUED.has(arg)) i++
      continue
    }
    return isGroupName(arg) ? [arg] : Object.keys(GROUPS) as Array<Group>
  }
  return Object.keys(GROUPS) as Array<Group>
}

const [first, ...others] = await Promise.all(
  groupsFor(process.argv.slice(2)).map((group) => GROUPS[group]().then((module) => module.command))
)

/** The tree @effect/cli parses the command line against. */
export const root = Command.make(NAME).pipe(
  Command.withDescription("HelloAsso payments from the command line"),
  Command.withSubcommands([first!, ...others])
)

/** The help of a command without @effect/cli's own options (ours are listed apart). */
const HELP_CONFIG = CliConfig.make({ showBuiltIns: false })

const rootHelp = CommandDescriptor.getHelp(root.descriptor, HELP_CONFIG)

interface Entry {
  readonly path: ReadonlyArray<string>
  readonly description: string
}

const COMMAND_WORD = /^[a-z][a-z0-9-]*$/

/** Every command (groups and leaves), in the order they were declared, from the COMMANDS section of the root help. */
const catalog: ReadonlyArray<Entry> = (() => {
  const list = blocks(rootHelp).find(
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

/** The names of the commands one level under `path`: `list`, `search`... under `payments`. */
export const subcommands = (path: ReadonlyArray<string>): Array<string> =>
  children(path).map((entry) => entry.path[entry.path.length - 1]!)

/** The commands that run something under `path`, at any depth. */
export const leavesUnder = (path: ReadonlyArray<string>): Array<Entry> =>
  catalog.filter((entry) =>
    samePath(entry.path.slice(0, path.length), path) && entry.path.length > path.length &&
    children(entry.path).length === 0
  )

/** A command that holds commands and runs nothing itself (`helloasso`, `helloasso payments`). */
export const isGroup = (path: ReadonlyArray<string>): boolean => children(path).length > 0

/** What a command is for: its description in the root help (the root's own for `[]`). */
export const description = (path: ReadonlyArray<string>): string =>
  path.length === 0
    ? paragraphs(rootHelp).find((text) => text !== "DESCRIPTION") ?? ""
    : catalog.find((entry) => samePath(entry.path, path))?.description ?? ""

/** `helloasso payments list`. */
export const commandLine = (path: ReadonlyArray<string>): string => [NAME, ...path].join(" ")

export interface LeafDoc {
  readonly usage: Usage.Usage
  readonly doc: HelpDoc.HelpDoc
}

/** @effect/cli's own help of a command: what it would show for `helloasso <path> --help`. */
export const leafDoc = (path: ReadonlyArray<string>): Effect.Effect<Option.Option<LeafDoc>> =>
  CommandDescriptor.parse(root.descriptor, [NAME, ...path, "--help"], HELP_CONFIG).pipe(
    Effect.map((directive) =>
      directive._tag === "BuiltIn" && BuiltInOptions.isShowHelp(directive.option)
        ? Option.some({ usage: directive.option.usage, doc: directive.option.helpDoc })
        : Option.none()
    ),
    Effect.provide(environment),
    Effect.orElseSucceed(() => Option.none())
  )

export interface Invocation {
  /** The command named on the command line, e.g. `["payments", "list"]`. */
  readonly path: ReadonlyArray<string>
  /** The arguments but the command's words. */
  readonly rest: ReadonlyArray<string>
  /** The word that names no command, where a command was expected. */
  readonly unknown: string | undefined
  readonly help: boolean
}

/** The command that the arguments (without `node` and the script) name, and what else they hold. */
export const invocation = (args: ReadonlyArray<string>): Invocation => {
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
