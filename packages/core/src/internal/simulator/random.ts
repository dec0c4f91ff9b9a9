/**
 * Deterministic randomness for the simulator: every attribute of a generated payment is a hash of the seed, the
 * payment's index and a salt, so any payment can be computed alone, in any order, at no memory cost.
 */

/** A 32-bit integer hash (murmur3 finaliser over the mixed inputs). @internal */
export const hash = (seed: number, index: number, salt: number): number => {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 0x632be5ab, 0xc2b2ae35) ^
    Math.imul(salt + 0x27d4eb2f, 0x165667b1)
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** A uniform float in [0, 1) from the hash. @internal */
export const unit = (seed: number, index: number, salt: number): number => hash(seed, index, salt) / 4_294_967_296

/** An integer in [0, n) from the hash. @internal */
export const below = (seed: number, index: number, salt: number, n: number): number =>
  Math.floor(unit(seed, index, salt) * n)

/** Picks from weighted choices with the hash. @internal */
export const weighted = <A>(
  seed: number,
  index: number,
  salt: number,
  choices: ReadonlyArray<readonly [A, number]>
): A => {
  let total = 0
  for (const [, weight] of choices) total += weight
  let roll = unit(seed, index, salt) * total
  for (const [value, weight] of choices) {
    roll -= weight
    if (roll < 0) return value
  }
  return choices[choices.length - 1]![0]
}

/** A sequential PRNG (mulberry32) for decisions taken in request order: faults, tokens. @internal */
export const sequence = (seed: number): () => number => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}
