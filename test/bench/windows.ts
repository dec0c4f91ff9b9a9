/**
 * windows_extra_requests: the share of list requests a `{ concurrency: 8 }` listing of 30,000 payments (pageSize
 * 100, in memory) sends beyond the sequential listing of the same payments, counted in the simulator's request
 * log, with the payments compared id by id. Also measured for `ordered: false` and for a listing bounded by
 * `from` and `to` (no query for the far end), reported in the detail.
 */
import { Payments } from "@helloasso-effect/core"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import { Chunk, Effect, Stream } from "effect"
import { rateLimit } from "./rateLimit.js"

export const windowsExtraRequests = async (size = 30_000) =>
  Effect.runPromise(
    Effect.gen(function*() {
      const payments = yield* Payments.Payments
      const simulator = yield* HelloAssoSimulator.HelloAssoSimulator
      const params = { organizationSlug: simulator.organization.slug, pageSize: 100 }
      const listing = (options: Payments.WindowOptions) =>
        Effect.gen(function*() {
          yield* simulator.clearRequests
          const ids = Chunk.toReadonlyArray(yield* Stream.runCollect(payments.streamByOrganization(params, options)))
            .map((p) => p.id)
          const requests = (yield* simulator.requests).filter((e) => e.endpoint === "listByOrganization").length
          return { ids, requests }
        })
      const sequential = yield* listing({})
      const ordered = yield* listing({ concurrency: 8 })
      const unordered = yield* listing({ concurrency: 8, ordered: false })
      const same = ordered.ids.length === size && ordered.ids.every((id, i) => id === sequential.ids[i]) &&
        [...unordered.ids].sort().join() === [...sequential.ids].sort().join()
      const extra = (n: number) => (n - sequential.requests) / sequential.requests
      return {
        extra: extra(ordered.requests),
        extraUnordered: extra(unordered.requests),
        sequential: sequential.requests,
        ordered: ordered.requests,
        unordered: unordered.requests,
        samePayments: same
      }
    }).pipe(Effect.provide(HelloAssoSimulator.layerHelloAsso({ payments: size, seed: 8, logCapacity: 100_000 })))
  )

/** Every figure of the window planner and of the rate adaptation, for `index.ts`. */
export const planning = async () => {
  const windows = await windowsExtraRequests()
  const limited = await rateLimit()
  return [
    {
      name: "windows_extra_requests",
      value: windows.extra,
      target: "<= 0.05",
      detail:
        `${windows.ordered} list requests vs ${windows.sequential} sequential, 30,000 payments (${windows.unordered} unordered)`,
      ok: windows.samePayments
    },
    {
      name: "rate_limit_utilization",
      value: limited.utilization,
      target: ">= 0.85",
      detail: `${limited.requests} list requests in ${
        limited.seconds.toFixed(2)
      } simulated s against 100/s, 100,000 payments`,
      ok: limited.samePayments
    },
    {
      name: "rate_limited_share",
      value: limited.share,
      target: "<= 0.05",
      detail: `${limited.limited} answered 429`,
      ok: limited.samePayments
    }
  ] as const
}
