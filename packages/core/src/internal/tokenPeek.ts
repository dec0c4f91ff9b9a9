/**
 * The continuation token of a page, read from the end of its raw body, before the page is parsed: pagination sends
 * the next request on it while the page is parsed and decoded, so that neither delays the next exchange.
 *
 * HelloAsso answers `{"data":[...],"pagination":{...,"continuationToken":"..."}}`: the token is in the last few
 * hundred bytes. Only a guess, which the decoded page confirms or not (a request sent on a token it does not
 * confirm is interrupted). A payer's text cannot forge it: inside a JSON string every quote is escaped, so
 * `"continuationToken"` followed by a colon is a key of the JSON itself, never the content of a field.
 */
import * as Transport from "./transport.js"

/** How much of a body's end is read for the token. */
const TAIL = 4096

/** How much of a body's start is read to tell a page without payments. */
const HEAD = 64

/** How far before the key its opening brace or comma is looked for. */
const LOOKBACK = 64

const KEY = "\"continuationToken\""

/** What precedes a key in an object: its opening brace or a comma, then spaces. */
const KEY_START = /[{,]\s*$/

/** The key's value: one JSON string. */
const VALUE = /\s*:\s*("(?:[^"\\]|\\.)*")/y

/** A page without payments (the page after the last one, `[]` or `null`): no request follows it. */
const EMPTY_DATA = /^\s*\{\s*"data"\s*:\s*(?:\[\s*\]|null)/

const start = (body: string | Uint8Array): string =>
  typeof body === "string" ? body.slice(0, HEAD) : Transport.decodeUtf8(body.subarray(0, HEAD))

// a cut UTF-8 sequence at the tail's start reads as U+FFFD, far from the token
const end = (body: string | Uint8Array): string =>
  typeof body === "string" ? body.slice(-TAIL) : Transport.decodeUtf8(body.subarray(Math.max(0, body.length - TAIL)))

/**
 * The token the page leads to, `undefined` when its end does not show one plainly (the next request then waits
 * for the decoded page) or when the page has no payments.
 *
 * @internal
 */
export const peek = (body: string | Uint8Array): string | undefined => {
  if (EMPTY_DATA.test(start(body))) return undefined
  const tail = end(body)
  const at = tail.lastIndexOf(KEY)
  if (at < 0 || !KEY_START.test(tail.slice(Math.max(0, at - LOOKBACK), at))) return undefined
  VALUE.lastIndex = at + KEY.length
  const literal = VALUE.exec(tail)?.[1]
  if (literal === undefined) return undefined
  try {
    const token: unknown = JSON.parse(literal)
    return typeof token === "string" ? token : undefined
  } catch {
    return undefined
  }
}
