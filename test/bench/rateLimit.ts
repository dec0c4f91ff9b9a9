/**
 * rate_limit_utilization and rate_limited_share: a `{ concurrency: 8 }` listing of 100,000 payments (pageSize 100)
 * against the simulator in memory, limited to R = 100 requests a second per client (bursts of 10), with 50 ms of
 * latency per page, measured in simulated time (`test/support/simulatedTime.ts`: `TestClock` moves on to the next
 * wake-up only when the fibers wait), so the figures do not depend on how busy the machine is.
 * Utilization: list requests answered 200 per simulated second of the listing, divided by R (the burst adds at
 * most 10 to about a thousand). Share: list requests answered 429 over all list requests. The payments are
 * compared with the simulator's ground truth, id by id.
 */
import { Payments } from "@helloasso-effect/core"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import { Clock, Effect, Stream, TestContext } from "effect"
import { simulatedTime } from "../support/simulatedTime.js"

export const rateLimit = async (
  options: { readonly perSecond?: number; readonly payments?: number; readonly ordered?: boolean } = {}
) => {
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
          concurrency: 8,
          ordered: options.ordered ?? true
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
        samePayments: ids.length === expected.length &&
          (options.ordered === false
            ? [...ids].sort().join() === [...expected].sort().join()
            : ids.every((id, i) => id === expected[i]))
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
