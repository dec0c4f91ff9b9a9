/**
 * memory_mb_1m and memory_growth_ratio: the peak heap growth while streaming 1,000,000 payments from the
 * simulator, and that growth divided by the growth for 100,000 payments (flat memory gives about 1).
 *
 * The heap is sampled after a full collection every 20 pages: what the stream keeps alive, not the garbage the
 * collector has not reclaimed yet (V8 lets that grow to hundreds of megabytes before it collects).
 */
import { Payments } from "@helloasso-effect/core"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import { Effect, Stream } from "effect"

const gc = (): void => {
  const collect = (globalThis as { gc?: () => void }).gc
  if (collect === undefined) throw new Error("run with node --expose-gc")
  collect()
  collect()
}

const peakGrowth = async (payments: number) => {
  let peak = 0
  let count = 0
  const program = Effect.gen(function*() {
    const simulator = yield* HelloAssoSimulator.HelloAssoSimulator
    const client = yield* Payments.Payments
    gc()
    const baseline = process.memoryUsage().heapUsed
    peak = baseline
    let pages = 0
    yield* client.pagesByOrganization({ organizationSlug: simulator.organization.slug, pageSize: 100 }).pipe(
      Stream.runForEach((page) =>
        Effect.sync(() => {
          count += page.data.length
          if (++pages % 20 === 0) {
            gc()
            const used = process.memoryUsage().heapUsed
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
  const small = await peakGrowth(100_000)
  const large = await peakGrowth(1_000_000)
  return { memoryMb100k: small, memoryMb1m: large, growthRatio: large / small }
}
