/**
 * @effect/cli's description of a command (`HelpDoc`, `Usage`) read as plain text: the help and the error lines are
 * worded from it.
 */
import type * as HelpDoc from "@effect/cli/HelpDoc"
import type * as Span from "@effect/cli/HelpDoc/Span"
import type * as Usage from "@effect/cli/Usage"
import * as Option from "effect/Option"

/** The text of a span, without its styles. */
export const spanText = (span: Span.Span): string => {
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

/** The blocks of a doc in order: headers, paragraphs, lists. */
export const blocks = (doc: HelpDoc.HelpDoc): Array<Block> => {
  switch (doc._tag) {
    case "Empty":
      return []
    case "Sequence":
      return [...blocks(doc.left), ...blocks(doc.right)]
    default:
      return [doc]
  }
}

/** Every piece of text of a doc, trimmed, empty ones left out; a definition is its heading, then its text. */
export const paragraphs = (doc: HelpDoc.HelpDoc): Array<string> =>
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

/** One option or argument of a command: its heading (`--limit integer`) and its description. */
export type Definition = readonly [Span.Span, HelpDoc.HelpDoc]

/** The sections of a command's help: DESCRIPTION paragraphs, ARGUMENTS and OPTIONS definitions. */
export const sections = (doc: HelpDoc.HelpDoc) => {
  const result = {
    description: [] as Array<string>,
    arguments: [] as Array<Definition>,
    options: [] as Array<Definition>
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

/** `text` is `<text>`, `a | b` is `a|b`. */
const placeholder = (accepted: string): string =>
  accepted.includes(" | ")
    ? accepted.split(" | ").join("|")
    : `<${accepted === "redacted" ? "secret" : accepted === "float" ? "number" : accepted}>`

/** `--format table | jsonl | csv` is `--format table|jsonl|csv`; `--state A | B...` is repeatable. */
export const optionHeading = (span: Span.Span): { readonly heading: string; readonly repeatable: boolean } => {
  const text = spanText(span).trim()
  const repeatable = text.endsWith("...")
  const [, names = text, value] = /^(\([^)]*\)|\S+)(?: (.*))?$/.exec(repeatable ? text.slice(0, -3) : text) ?? []
  const shown = names.replace(/^\((.*)\)$/, "$1")
  return { heading: value === undefined ? shown : `${shown} ${placeholder(value.trim())}`, repeatable }
}

interface Synopsis {
  readonly required: Array<string>
  readonly args: Array<string>
  optional: boolean
}

/** The usage line: what must be given, then `[options]` for everything else. */
export const synopsis = (usage: Usage.Usage): Synopsis => {
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

/** The options of a command and the values they accept (`a | b` for a choice). */
export const accepted = (usage: Usage.Usage): Map<string, string> => {
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
