/**
 * Describes a decoding failure without the value that failed: response bodies hold personal data (names,
 * emails, dates of birth), a value can be huge or deeply nested, and formatting it could be what fails. The
 * description says where (the path) and what was expected (from the schema, or a message of our own schemas,
 * which never quote the input); Effect's default messages (`Expected number, actual "jane@..."`) are not used.
 */
import type * as ParseResult from "effect/ParseResult"
import * as AST from "effect/SchemaAST"

/** `["data", 3, "date"]` -> `data[3].date` @internal */
export const formatPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.map((key, i) => typeof key === "number" ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`).join("")

const MAX_MESSAGE = 300

const clip = (text: string): string => text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text

/** What a schema expects, from its annotations or its shape: never from a value. */
const expected = (ast: AST.AST): string => {
  try {
    return `Expected ${clip(String(ast))}`
  } catch {
    return "does not match the expected schema"
  }
}

/** A message annotation of our own schemas (they are constant texts). */
const annotated = (issue: ParseResult.ParseIssue): string | undefined => {
  if (!("ast" in issue)) return undefined
  const message = AST.getMessageAnnotation(issue.ast)
  if (message._tag === "None") return undefined
  try {
    const value = message.value(issue)
    return typeof value === "string" ? value : undefined
  } catch {
    return undefined
  }
}

const leafMessage = (issue: ParseResult.ParseIssue): string => {
  const own = annotated(issue)
  if (own !== undefined) return clip(own)
  switch (issue._tag) {
    case "Type":
      // a filter's own message (our schemas' refinements), else what the schema expected
      return issue.message !== undefined ? clip(issue.message) : expected(issue.ast)
    case "Missing":
      return "is missing"
    case "Unexpected":
      return "is unexpected"
    case "Forbidden":
      return "cannot be decoded synchronously"
    case "Composite":
    case "Refinement":
    case "Transformation":
      return expected(issue.ast)
    case "Pointer":
      return "does not match the expected schema"
  }
}

/**
 * The first problem of a decoding failure: where, and what was expected.
 *
 * @internal
 */
export const describe = (error: ParseResult.ParseError): { readonly path: string; readonly message: string } => {
  const path: Array<PropertyKey> = []
  let current: ParseResult.ParseIssue = error.issue
  for (let depth = 0; depth < 1000; depth++) {
    if (annotated(current) !== undefined) break
    if (current._tag === "Pointer") {
      path.push(...(Array.isArray(current.path) ? current.path : [current.path]))
      current = current.issue
    } else if (current._tag === "Composite") {
      const issues: ParseResult.ParseIssue | ReadonlyArray<ParseResult.ParseIssue> = current.issues
      const all: ReadonlyArray<ParseResult.ParseIssue> = Array.isArray(issues) ? issues : [issues]
      // a union says what it expected as a whole, unless the value took the shape of one member (`data` an
      // array where `null` was also allowed): then that member's own problem is the one
      const candidates = current.ast._tag === "Union" ? all.filter((issue) => issue._tag !== "Type") : all
      const first = candidates[0]
      if (first === undefined || (current.ast._tag === "Union" && candidates.length > 1)) break
      current = first
    } else if (current._tag === "Refinement" || current._tag === "Transformation") {
      current = current.issue
    } else {
      break
    }
  }
  return { path: formatPath(path), message: leafMessage(current) }
}
