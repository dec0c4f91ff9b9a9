import { describe, expect, it } from "@effect/vitest"
import { Payments } from "@helloasso-effect/core"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import { Chunk, Effect, FastCheck as fc, Stream } from "effect"

const PERIOD = [Date.UTC(2023, 8, 1), Date.UTC(2025, 8, 1)] as const
const iso = (fraction: number) => new Date(PERIOD[0] + fraction * (PERIOD[1] - PERIOD[0])).toISOString()

describe("parallel date windows", () => {
  it(
    "deliver the payments of sequential pagination, each once, in date order (or any order when unordered)",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            size: fc.integer({ min: 0, max: 3000 }),
            seed: fc.integer({ min: 1, max: 10_000 }),
            pageSize: fc.integer({ min: 20, max: 100 }),
            concurrency: fc.integer({ min: 1, max: 12 }),
            ordered: fc.boolean(),
            prefetch: fc.integer({ min: 0, max: 3 }),
            sortOrder: fc.constantFrom("Asc" as const, "Desc" as const, undefined),
            states: fc.option(fc.constant(["Authorized", "Refunded"] as const), { nil: undefined }),
            range: fc.option(
              fc.tuple(fc.double({ min: -0.1, max: 1.1, noNaN: true }), fc.double({ min: -0.1, max: 1.1, noNaN: true }))
                .filter(([a, b]) => b - a > 0.001),
              { nil: undefined }
            ),
            bounds: fc.constantFrom("both", "from", "to")
          }),
          (c) =>
            Effect.runPromise(
              Effect.gen(function*() {
                const payments = yield* Payments.Payments
                const simulator = yield* HelloAssoSimulator.HelloAssoSimulator
                const params: Payments.ListParams = {
                  organizationSlug: simulator.organization.slug,
                  pageSize: c.pageSize,
                  sortOrder: c.sortOrder,
                  states: c.states,
                  from: c.range !== undefined && c.bounds !== "to" ? iso(c.range[0]) : undefined,
                  to: c.range !== undefined && c.bounds !== "from" ? iso(c.range[1]) : undefined
                }
                const sequential = Chunk.toReadonlyArray(
                  yield* Stream.runCollect(payments.streamByOrganization(params))
                )
                  .map((p) => p.id)
                const windowed = Chunk.toReadonlyArray(
                  yield* Stream.runCollect(
                    payments.streamByOrganization(params, {
                      concurrency: c.concurrency,
                      ordered: c.ordered,
                      prefetch: c.prefetch
                    })
                  )
                ).map((p) => p.id)
                if (c.ordered) expect(windowed).toEqual(sequential)
                else expect([...windowed].sort()).toEqual([...sequential].sort())
                expect(new Set(windowed).size).toBe(windowed.length)
              }).pipe(Effect.provide(HelloAssoSimulator.layerHelloAsso({ payments: c.size, seed: c.seed })))
            )
        ),
        { numRuns: 60, seed: 7 }
      )
    },
    120_000
  )

  it.effect("run the windows at the same time", () =>
    Effect.gen(function*() {
      const payments = yield* Payments.Payments
      const simulator = yield* HelloAssoSimulator.HelloAssoSimulator
      const streamed = yield* Stream.runCollect(
        payments.streamByOrganization({ organizationSlug: simulator.organization.slug, pageSize: 100 }, {
          concurrency: 4
        })
      )
      expect(Chunk.size(streamed)).toBe(1000)
      // two cheap queries for the bounds, then 16 windows (4 per lane) of about 62 payments: a page and an
      // empty one each
      const requests = (yield* simulator.requests).filter((e) => e.endpoint === "listByOrganization")
      expect(requests.length).toBe(2 + 16 * 2)
      expect(requests.slice(0, 2).map((e) => e.query["pagesize"])).toEqual([["1"], ["1"]])
    }).pipe(Effect.provide(HelloAssoSimulator.layerHelloAsso({ payments: 1000 }))))

  it.effect("refuse what they cannot do: resume from a token, or sort on another field", () =>
    Effect.gen(function*() {
      const payments = yield* Payments.Payments
      const withToken = yield* Effect.flip(Stream.runDrain(
        payments.streamByOrganization({ organizationSlug: "asso", continuationToken: "t" }, { concurrency: 4 })
      ))
      expect(withToken).toMatchObject({ _tag: "ValidationError", field: "continuationToken" })
      const sorted = yield* Effect.flip(Stream.runDrain(
        payments.streamByOrganization({ organizationSlug: "asso", sortField: "UpdateDate" }, { concurrency: 4 })
      ))
      expect(sorted).toMatchObject({ _tag: "ValidationError", field: "concurrency" })
      const bad = yield* Effect.flip(
        Stream.runDrain(payments.streamByOrganization({ organizationSlug: "asso" }, { concurrency: 0 }))
      )
      expect(bad).toMatchObject({ _tag: "ValidationError", field: "concurrency" })
    }).pipe(Effect.provide(HelloAssoSimulator.layerHelloAsso({ payments: 10 }))))

  it.effect("a failing window fails the stream with a typed error, without a continuation token", () =>
    Effect.gen(function*() {
      const payments = yield* Payments.Payments
      const simulator = yield* HelloAssoSimulator.HelloAssoSimulator
      yield* simulator.setFaults([{
        endpoint: "listByOrganization",
        on: [6],
        fault: HelloAssoSimulator.fault.status(500)
      }])
      const error = yield* Effect.flip(Stream.runDrain(
        payments.streamByOrganization({ organizationSlug: simulator.organization.slug, pageSize: 20 }, {
          concurrency: 4
        })
      ))
      expect(error).toMatchObject({ _tag: "HttpError", status: 500 })
      expect(error.continuationToken).toBeUndefined()
    }).pipe(Effect.provide(HelloAssoSimulator.layerHelloAsso({ payments: 500 }))))
})
