/**
 * Bytes a listing keeps per continuation token for its cycle check, measured on its own: `node --expose-gc --import
 * tsx test/bench/tokenMemory.ts`. For each way to keep the tokens, N tokens of the simulator's shape (read from JSON,
 * as the client reads them) are stored with their page numbers, and the live heap plus array buffers after a full
 * collection is compared with the same before; the median of a few rounds, after one round to warm up.
 *
 * - `Map<string, number>`: the tokens themselves;
 * - `Map<number, number>`: a 53-bit digest as the key, a heap number, not a small integer;
 * - `TokenDigests`: 64-bit digests in an open-addressing table on typed arrays, 12 bytes a slot, at most three
 *   quarters full, so between 16 and 32 bytes a token as the table doubles.
 */
import * as TokenDigests from "../../packages/core/src/internal/tokenDigests.js"
import { collectGarbage as gc, median } from "./harness.js"

const live = (): number => {
  const usage = process.memoryUsage()
  return usage.heapUsed + usage.arrayBuffers
}

const base64Url = (text: string) => btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")

/** The token leading to page `page`, as the simulator writes it (a cursor, base64), parsed out of a page's JSON. */
const token = (page: number): string =>
  (JSON.parse(JSON.stringify({
    pagination: {
      continuationToken: base64Url(
        `d-:${1_717_766_475_744 - page * 3_600_000}:${2_000_000 - page * 100}:${page}:${
          ((page * 2_654_435_761) >>> 0).toString(36)
        }`
      )
    }
  })) as { pagination: { continuationToken: string } }).pagination.continuationToken

interface Store {
  readonly set: (token: string, page: number) => unknown
}

const ways: ReadonlyArray<readonly [string, () => Store]> = [
  ["Map<string, number>", () => new Map<string, number>()],
  ["Map<number, number> (53 bits)", () => {
    const map = new Map<number, number>()
    // the key's value does not change its size: any number past the small integers is a heap number
    return { set: (_: string, page: number) => map.set(2 ** 52 + page * 7, page) }
  }],
  ["TokenDigests (typed arrays)", TokenDigests.make]
]

let kept: unknown

const bytesPerToken = (make: () => Store, count: number): number => {
  gc()
  const before = live()
  const store = make()
  for (let page = 0; page < count; page++) store.set(token(page), page)
  kept = store
  gc()
  const after = live()
  kept = undefined
  return (after - before) / count
}

for (const [, make] of ways) bytesPerToken(make, 10_000)
for (const count of [10_000, 100_000, 1_000_000]) {
  for (const [name, make] of ways) {
    const rounds = Array.from({ length: 5 }, () => bytesPerToken(make, count))
    process.stdout.write(
      `${name.padEnd(30)} ${String(count).padStart(9)} tokens: ${median(rounds).toFixed(1)} bytes a token\n`
    )
  }
}
void kept
