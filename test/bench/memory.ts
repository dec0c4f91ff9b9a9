/**
 * memory_mb_1m and memory_growth_ratio: the peak growth of live memory while streaming 1,000,000 payments from the
 * simulator, and that growth divided by the same for 100,000 payments. Flat memory gives about 1; memory that
 * grows with the listing's length shows as the part of 1,000,000's growth that 100,000's lacks (the continuation
 * tokens a listing kept as strings for its cycle check showed this way, well above the guard; their digests show
 * too, a fifth of that).
 *
 * Live memory is what the stream keeps alive, sampled after a full collection (V8 lets garbage grow to hundreds of
 * megabytes before it collects): the JS heap without compiled code, plus array buffers, where typed arrays keep
 * their contents (the listing's token digests live there, outside the heap). Compiled code is V8 tiering up the
 * functions a listing runs: it is bounded, kept by no stream, and still grows over the first thousands of pages.
 *
 * What made the ratio noise, and how it is taken now:
 * - the first listing of a process carries several megabytes of compiled code and feedback, and landed in the
 *   100,000 run, or not, depending on the benchmarks run before it: a warm-up listing runs first;
 * - the 1,000,000 run was sampled ten times as often, so its peak caught more of the swings (the page body in
 *   flight, old-space pages): both runs are now sampled the same number of times, evenly spaced.
 * - V8 flushes the bytecode of functions it has not run for a while and compiles it again when they run: the
 *   heap then swings by about half a megabyte with which functions are compiled at the moment of a sample, from
 *   run to run (100,000 payments' peak growth measured 0.9 to 1.3 MB, 1,000,000's 1.0 to 1.9 MB). Flushing is
 *   off while this benchmark runs.
 * - the 100,000 run's peak still moved from 0.86 to 1.40 MB from run to run (where 1,000,000's moved from 1.53 to
 *   1.9): one page more or less in flight at its highest sample. It is the ratio's denominator, so it is taken three
 *   times, and its median kept.
 * The sizes stay 100,000 and 1,000,000: streaming is the bench's cost (the full collections a little), and
 * 2,000,000 would double it, while the linear part already shows at these sizes once the noise is gone.
 */
import { Payments } from "@helloasso-effect/core"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import { Effect, Stream } from "effect"
import * as V8 from "node:v8"
import { collectGarbage as gc, median } from "./harness.js"

/** Samples per run, at evenly spaced pages. */
const SAMPLES = 100

/** The JS heap without compiled code, plus array buffers. */
const live = (): number => {
  let code = 0
  for (const space of V8.getHeapSpaceStatistics()) {
    if (space.space_name === "code_space" || space.space_name === "code_large_object_space") {
      code += space.space_used_size
    }
  }
  const usage = process.memoryUsage()
  return usage.heapUsed - code + usage.arrayBuffers
}

const peakGrowth = async (payments: number) => {
  const every = Math.max(1, Math.floor(payments / 100 / SAMPLES))
  let peak = 0
  let count = 0
  const program = Effect.gen(function*() {
    const simulator = yield* HelloAssoSimulator.HelloAssoSimulator
    const client = yield* Payments.Payments
    gc()
    const baseline = live()
    peak = baseline
    let pages = 0
    yield* client.pagesByOrganization({ organizationSlug: simulator.organization.slug, pageSize: 100 }).pipe(
      Stream.runForEach((page) =>
        Effect.sync(() => {
          count += page.data.length
          if (++pages % every === 0) {
            gc()
            const used = live()
            if (used > peak) peak = used
          }
        })
      )
    )
    return (peak - baseline) / 1024 / 1024
  }).pipe(
    // the simulator keeps only a short request log here: the client's memory is what is measured
    Effect.provide(HelloAssoSimulator.layerHelloAsso({ payments, seed: 5, logCapacity: 10 }))
  )
  const growth = await Effect.runPromise(program)
  if (count !== payments) throw new Error(`expected ${payments} payments, got ${count}`)
  return growth
}

export const memory = async () => {
  V8.setFlagsFromString("--no-flush-bytecode")
  try {
    // compiles what a listing runs, before anything is measured
    await peakGrowth(20_000)
    const smalls = [await peakGrowth(100_000), await peakGrowth(100_000), await peakGrowth(100_000)]
    const small = median(smalls)
    const large = await peakGrowth(1_000_000)
    return { memoryMb100k: small, memoryMb1m: large, growthRatio: large / small }
  } finally {
    V8.setFlagsFromString("--flush-bytecode")
  }
}
