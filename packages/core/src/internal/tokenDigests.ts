/**
 * The continuation tokens a listing has seen, each kept as a 64-bit digest with the number of the page it leads
 * to: a fixed 12 bytes a slot in typed arrays, whatever the token's length, instead of the token itself in a `Map`.
 *
 * The digest is written by hand: core runs on any platform, so `node:crypto` is out, WebCrypto's digests are
 * asynchronous (a promise on every page), and Effect's `Hash.string` has 32 bits, which two tokens of an ordinary
 * listing would share (a 32-bit digest of 100,000 pages, ten million payments, gives a false cycle with a
 * probability near 70%). Two tokens sharing a digest would end a listing with a false cycle: for `n` pages the
 * probability is about n² / 2^65, one in 3.7 billion for a listing of 100,000 pages. A token that truly repeats is
 * always found, since equal tokens have equal digests.
 */

/** Slots before the first growth; the table doubles when three quarters full (linear probing stays short). */
const INITIAL_SLOTS = 16

const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r))

/** MurmurHash3's finalizer: every input bit reaches every output bit. */
const fmix = (h: number): number => {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

/** @internal */
export interface TokenDigests {
  /** The page number stored with a token's digest, `undefined` for a digest not seen. */
  readonly get: (token: string) => number | undefined
  readonly has: (token: string) => boolean
  /** Stores a token's digest with a page number (a whole number below 2^32 - 1). */
  readonly set: (token: string, page: number) => void
  /** Tokens stored. */
  readonly size: () => number
}

/** @internal */
export const make = (): TokenDigests => {
  // slot i: high and low halves of a digest at 3i and 3i + 1, the page number plus one at 3i + 2 (0: empty)
  let slots = new Uint32Array(3 * INITIAL_SLOTS)
  let mask = INITIAL_SLOTS - 1
  let size = 0
  let high = 0
  let low = 0

  /**
   * Two 32-bit lanes over the UTF-16 code units, each a MurmurHash3 round with its own constants and rotations
   * (the rotations carry high bits down, so tokens that differ only in the high bits of their characters still
   * differ in every bit of the state), each lane finalized on its own.
   */
  const digest = (token: string): void => {
    let a = 0x9e3779b9 ^ token.length
    let b = 0x7f4a7c15 ^ token.length
    for (let i = 0; i < token.length; i++) {
      const c = token.charCodeAt(i)
      a ^= Math.imul(rotl(Math.imul(c, 0xcc9e2d51), 15), 0x1b873593)
      a = (Math.imul(rotl(a, 13), 5) + 0xe6546b64) | 0
      b ^= Math.imul(rotl(Math.imul(c, 0x85ebca77), 17), 0xc2b2ae3d)
      b = (Math.imul(rotl(b, 19), 9) + 0x165667b1) | 0
    }
    high = fmix(a)
    low = fmix(b)
  }

  /** The slot holding the digest in `high`/`low`, or the empty slot where it would go. */
  const slotOf = (): number => {
    let i = low & mask
    while (slots[3 * i + 2] !== 0 && (slots[3 * i] !== high || slots[3 * i + 1] !== low)) i = (i + 1) & mask
    return i
  }

  const grow = (): void => {
    const old = slots
    slots = new Uint32Array(2 * old.length)
    mask = 2 * (mask + 1) - 1
    for (let j = 0; j < old.length; j += 3) {
      if (old[j + 2] === 0) continue
      high = old[j]!
      low = old[j + 1]!
      const i = slotOf()
      slots[3 * i] = high
      slots[3 * i + 1] = low
      slots[3 * i + 2] = old[j + 2]!
    }
  }

  const get = (token: string): number | undefined => {
    digest(token)
    const stored = slots[3 * slotOf() + 2]!
    return stored === 0 ? undefined : stored - 1
  }

  return {
    get,
    has: (token) => get(token) !== undefined,
    set: (token, page) => {
      if (4 * (size + 1) > 3 * (mask + 1)) grow()
      digest(token)
      const i = slotOf()
      if (slots[3 * i + 2] === 0) size++
      slots[3 * i] = high
      slots[3 * i + 1] = low
      slots[3 * i + 2] = page + 1
    },
    size: () => size
  }
}
