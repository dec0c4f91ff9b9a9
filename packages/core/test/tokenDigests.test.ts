import { describe, expect, it } from "@effect/vitest"
import * as TokenDigests from "../src/internal/tokenDigests.js"

/**
 * The continuation tokens a listing has seen, kept as 64-bit digests. A digest shared by two tokens would end a
 * real listing with a false cycle: with 32 bits (Effect's `Hash.string`), a few among the tokens below would.
 */

/** A token like the simulator's: base64 of a cursor, so tokens of one listing share most of their characters. */
const base64Token = (page: number) =>
  btoa(`d-:${1_717_766_475_744 - page * 3_600_000}:${1_000_000 - page * 100}:${page}`)
    .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")

const families: ReadonlyArray<readonly [string, (page: number) => string]> = [
  ["a long shared prefix, a counter at the end", (page) => `${"cursor/".repeat(40)}${page}`],
  ["the simulator's base64 cursors", base64Token],
  [
    "characters differing only in their high bits",
    (page) => Array.from({ length: 18 }, (_, bit) => (page >> bit) & 1 ? "\u00c1" : "A").join("")
  ]
]

describe("TokenDigests", () => {
  it.each(families)("200,000 distinct tokens (%s): none seen before it is stored, each found after", (_, token) => {
    const count = 200_000
    const seen = TokenDigests.make()
    // a digest shared with an earlier token would be a false cycle: [page, the earlier page]
    const falseCycles: Array<readonly [number, number]> = []
    for (let page = 0; page < count; page++) {
      const t = token(page)
      const earlier = seen.get(t)
      if (earlier !== undefined) falseCycles.push([page, earlier])
      seen.set(t, page)
    }
    expect(falseCycles).toEqual([])
    expect(seen.size()).toBe(count)
    // the table grew many times: every token is still there, with its own page
    for (let page = 0; page < count; page += 997) expect(seen.get(token(page))).toBe(page)
    expect(seen.has(token(count))).toBe(false)
  })

  it("a token stored again keeps one entry, with the newest page", () => {
    const seen = TokenDigests.make()
    seen.set("A", 1)
    seen.set("B", 2)
    seen.set("A", 3)
    expect([seen.size(), seen.get("A"), seen.get("B"), seen.has("")]).toEqual([2, 3, 2, false])
    seen.set("", 0)
    expect([seen.size(), seen.get("")]).toEqual([3, 0])
  })
})
