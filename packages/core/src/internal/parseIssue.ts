/**
 * Describes a decoding failure without printing the value that failed: response bodies hold personal data, a
 * value can be huge or deeply nested, and formatting it could be what fails.
 */
import * as ParseResult from "effect/ParseResult"

/** `["data", 3, "date"]` -> `data[3].date` @internal */
export const formatPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.map((key, i) => typeof key === "number" ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`).join("")

const MAX_MESSAGE = 300

/** The path of the first problem, following the issue tree without looking at values. */
const firstPath = (issue: ParseResult.ParseIssue): Array<PropertyKey> => {
  const path: Array<PropertyKey> = []
  let current: ParseResult.ParseIssue | undefined = issue
  for (let depth = 0; current !== undefined && depth < 1000; depth++) {
    switch (current._tag) {
      case "Pointer":
        path.push(...(Array.isArray(current.path) ? current.path : [current.path]))
        current = current.issue
        break
      case "Composite":
        current = Array.isArray(current.issues) ? current.issues[0] : current.issues as ParseResult.ParseIssue
        break
      case "Refinement":
      case "Transformation":
        current = current.issue
        break
      default:
        current = undefined
    }
  }
  return path
}

/**
 * The first problem of a decoding failure: where, and what was expected.
 *
 * @internal
 */
export const describe = (error: ParseResult.ParseError): { readonly path: string; readonly message: string } => {
  try {
    const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
    if (issue !== undefined) {
      const message = issue.message.length > MAX_MESSAGE ? `${issue.message.slice(0, MAX_MESSAGE)}…` : issue.message
      return { path: formatPath(issue.path), message }
    }
  } catch {
    // formatting the value failed (too deep): fall back to the path alone
  }
  return { path: formatPath(firstPath(error.issue)), message: "does not match the expected schema" }
}
