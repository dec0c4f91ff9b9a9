/**
 * prefetch_ratio: 20 ms of latency per page and 20 ms of work per page: the time with prefetch divided by the
 * time without. windows_ratio: 50 ms of latency, 20,000 payments: date windows (concurrency 8) divided by
 * sequential pagination, with exactly the same payments.
 */
import { Payments } from "@helloasso-effect/core"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import { Chunk, Effect, Stream } from "effect"
import * as Harness from "./harness.js"

const withLatency = (payments: number, millis: number) =>
  HelloAssoSimulator.layerHelloAsso({
    payments,
    seed: 8,
    faults: [{ endpoint: "listByOrganization", fault: HelloAssoSimulator.fault.latency(millis) }]
  })

const timed = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const start = Harness.now()
    const value = yield* effect
    return { value, millis: Harness.now() - start }
  })

export const prefetch = async (rounds = 3) => {
  const run = (prefetch: number) =>
    Effect.runPromise(
      Effect.gen(function*() {
        const payments = yield* Payments.Payments
        const simulator = yield* HelloAssoSimulator.HelloAssoSimulator
        const { millis } = yield* timed(
          payments.pagesByOrganization({ organizationSlug: simulator.organization.slug, pageSize: 100 }, { prefetch })
            .pipe(Stream.runForEach(() => Effect.sleep("20 millis")))
        )
        return millis
      }).pipe(Effect.provide(withLatency(2_000, 20)))
    )
  return Harness.ratio({ rounds, subject: () => run(1), baseline: () => run(0) })
}

export const windows = async (rounds = 2) => {
  let same = true
  let sequentialIds: ReadonlyArray<number> | undefined
  const run = (concurrency: number) =>
    Effect.runPromise(
      Effect.gen(function*() {
        const payments = yield* Payments.Payments
        const simulator = yield* HelloAssoSimulator.HelloAssoSimulator
        const { millis, value } = yield* timed(Stream.runCollect(
          payments.streamByOrganization({ organizationSlug: simulator.organization.slug, pageSize: 100 }, {
            concurrency
          })
        ))
        const ids = Chunk.toReadonlyArray(value).map((p) => p.id)
        if (concurrency === 1) sequentialIds = ids
        else if (sequentialIds !== undefined) {
          same = same && ids.length === sequentialIds.length && ids.every((id, i) => id === sequentialIds![i])
        }
        return millis
      }).pipe(Effect.provide(withLatency(20_000, 50)))
    )
  await run(1)
  const result = await Harness.ratio({ rounds, subject: () => run(8), baseline: () => run(1) })
  return { ...result, samePayments: same && sequentialIds?.length === 20_000 }
}

export const tokenGrants = async () =>
  Effect.runPromise(
    Effect.gen(function*() {
      const payments = yield* Payments.Payments
      const simulator = yield* HelloAssoSimulator.HelloAssoSimulator
      const ids = (yield* simulator.listPayments()).slice(0, 1000).map((p) => p.id)
      yield* Effect.all(ids.map((id) => payments.get(id)), { concurrency: "unbounded" })
      return (yield* simulator.stats).grants
    }).pipe(Effect.provide(HelloAssoSimulator.layerHelloAsso({ payments: 1_000, seed: 9 })))
  )
