/**
 * Timing for ratios: the subject and its baseline run interleaved, round after round, in the same process, and
 * the ratio is the median of the rounds' ratios. Absolute times on a shared machine mean little; ratios of
 * interleaved runs much more.
 */
import { Effect } from "effect"

export const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export const now = (): number => performance.now()

/** Times `iterations` runs of a synchronous function, in milliseconds per run. */
export const timeSync = (f: () => unknown, iterations: number): number => {
  const start = now()
  for (let i = 0; i < iterations; i++) f()
  return (now() - start) / iterations
}

/** Times `iterations` runs of an async function, in milliseconds per run. */
export const timeAsync = async (f: () => Promise<unknown>, iterations: number): Promise<number> => {
  const start = now()
  for (let i = 0; i < iterations; i++) await f()
  return (now() - start) / iterations
}

export interface Ratio {
  readonly ratio: number
  readonly subjectMs: number
  readonly baselineMs: number
}

/** Interleaved rounds of subject and baseline; the medians. */
export const ratio = async (options: {
  readonly rounds: number
  readonly subject: () => Promise<number>
  readonly baseline: () => Promise<number>
}): Promise<Ratio> => {
  const ratios: Array<number> = []
  const subjects: Array<number> = []
  const baselines: Array<number> = []
  for (let round = 0; round < options.rounds; round++) {
    // alternate which runs first, so neither always gets the warmer machine
    let s: number
    let b: number
    if (round % 2 === 0) {
      s = await options.subject()
      b = await options.baseline()
    } else {
      b = await options.baseline()
      s = await options.subject()
    }
    subjects.push(s)
    baselines.push(b)
    ratios.push(s / b)
  }
  return { ratio: median(ratios), subjectMs: median(subjects), baselineMs: median(baselines) }
}

export const run = <A, E>(effect: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(effect)

/** Two full collections (the process runs with `--expose-gc`): what is left is what something keeps alive. */
export const collectGarbage = (): void => {
  const collect = (globalThis as { gc?: () => void }).gc
  if (collect === undefined) throw new Error("run with node --expose-gc")
  collect()
  collect()
}
