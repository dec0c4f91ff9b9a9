/**
 * rate_limit_utilization and rate_limited_share: a `{ concurrency: 8 }` listing of 100,000 payments (pageSize 100)
 * against the simulator in memory, limited to R = 100 requests a second per client (bursts of 10), with 50 ms of
 * latency per page, measured in simulated time: the run is driven by `TestClock`, which moves on to the next
 * pending wake-up (latency, pacing, `Retry-After`) only once the fibers have had a real macrotask to run, so the
 * client's own work takes no simulated time and the figures do not depend on how busy the machine is.
 * Utilization: list requests answered 200 per simulated second of the listing, divided by R (the burst adds at
 * most 10 to about a thousand). Share: list requests answered 429 over all list requests. The payments are
 * compared with the simulator's ground truth, id by id.
 */
import { Payments } from "@helloasso-effect/core"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import { Chunk, Clock, Effect, Fiber, Option, Stream, TestContext } from "effect"
import * as TestClock from "effect/TestClock"

/** Runs an effect on `TestClock`, moving the clock to the next wake-up whenever the fibers wait. */
export const simulatedTime = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(self)
    while (true) {
      // a real macrotask: the fibers that can run do, before time moves
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 0)))
      if (Option.isSome(yield* Fiber.poll(fiber))) break
      const next = Chunk.head(yield* TestClock.sleeps())
      if (Option.isNone(next)) continue
      const now = yield* Clock.currentTimeMillis
      // a wake-up due now that did not run waits for a millisecond more
      yield* TestClock.adjust(
        Math.max(1, Math.ceil(Math.min(...Chunk.toReadonlyArray(yield* TestClock.sleeps())) - now))
      )
    }
    return yield* Fiber.join(fiber)
  })

export const rateLimit = async (options: { readonly perSecond?: number; readonly payments?: number } = {}) => {
  const perSecond = options.perSecond ?? 100
  const size = options.payments ?? 100_000
  return Effect.runPromise(
    Effect.gen(function*() {
      const payments = yield* Payments.Payments
      const simulator = yield* HelloAssoSimulator.HelloAssoSimulator
      const expected = (yield* simulator.listPayments()).map((p) => p.id)
      const ids: Array<number> = []
      const start = yield* Clock.currentTimeMillis
      yield* simulatedTime(
        payments.streamByOrganization({ organizationSlug: simulator.organization.slug, pageSize: 100 }, {
          concurrency: 8
        }).pipe(Stream.runForEach((p) => Effect.sync(() => ids.push(p.id))))
      )
      const seconds = ((yield* Clock.currentTimeMillis) - start) / 1000
      const requests = (yield* simulator.requests).filter((e) => e.endpoint === "listByOrganization")
      const ok = requests.filter((e) => e.status === 200).length
      const limited = requests.filter((e) => e.status === 429).length
      return {
        utilization: ok / seconds / perSecond,
        share: limited / requests.length,
        requests: requests.length,
        limited,
        seconds,
        samePayments: ids.length === expected.length && ids.every((id, i) => id === expected[i])
      }
    }).pipe(
      Effect.provide(HelloAssoSimulator.layerHelloAsso({
        payments: size,
        seed: 10,
        logCapacity: 100_000,
        rateLimit: { perSecond, burst: 10 },
        faults: [{ endpoint: "listByOrganization", fault: HelloAssoSimulator.fault.latency(50) }]
      })),
      Effect.provide(TestContext.TestContext)
    )
  )
}
