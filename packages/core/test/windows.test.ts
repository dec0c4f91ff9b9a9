import { HttpClient } from "@effect/platform"
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

  it.live("run at the same time, never above the concurrency asked for, and send about the sequential requests", () => {
    const inFlight = { now: 0, max: 0 }
    return Effect.gen(function*() {
      const payments = yield* Payments.Payments
      const simulator = yield* HelloAssoSimulator.HelloAssoSimulator
      const params = { organizationSlug: simulator.organization.slug, pageSize: 100 }
      const listed = (yield* simulator.listPayments()).map((p) => p.id)
      const lists = Effect.map(simulator.requests, (log) => log.filter((e) => e.endpoint === "listByOrganization"))
      const sequential = Chunk.toReadonlyArray(yield* Stream.runCollect(payments.streamByOrganization(params)))
      const sequentialRequests = (yield* lists).length
      expect(sequential.map((p) => p.id)).toEqual(listed)
      for (const ordered of [true, false]) {
        yield* simulator.clearRequests
        inFlight.max = 0
        const windowed = Chunk.toReadonlyArray(
          yield* Stream.runCollect(payments.streamByOrganization(params, { concurrency: 4, ordered }))
        ).map((p) => p.id)
        if (ordered) expect(windowed).toEqual(listed)
        else expect([...windowed].sort()).toEqual([...listed].sort())
        expect(inFlight.max).toBeGreaterThan(1)
        expect(inFlight.max).toBeLessThanOrEqual(4)
        // a fixed grid of 16 windows each ending on an empty page sent 66 requests here, for 41 sequential ones
        expect((yield* lists).length).toBeLessThanOrEqual(sequentialRequests * 1.1)
      }
    }).pipe(Effect.provide(HelloAssoSimulator.layerHelloAsso({
      payments: 4000,
      faults: [{ endpoint: "listByOrganization", fault: HelloAssoSimulator.fault.latency(10) }],
      client: {
        transformClient: HttpClient.transform((effect, request) =>
          request.url.includes("/payments")
            ? Effect.acquireUseRelease(
              Effect.sync(() => {
                inFlight.now++
                inFlight.max = Math.max(inFlight.max, inFlight.now)
              }),
              () => effect,
              () => Effect.sync(() => inFlight.now--)
            )
            : effect
        )
      }
    })))
  })

  it.effect("split among payments of the same millisecond: each once, in order", () =>
    Effect.gen(function*() {
      // 600 payments on 12 milliseconds, with 7-digit fractions and exact ties (broken by id)
      const generated = yield* Effect.flatMap(HelloAssoSimulator.make({ payments: 600, seed: 5 }), (s) =>
        s.listPayments())
      const base = Date.UTC(2024, 5, 7, 12, 0, 0)
      const fixtures = generated.map((payment, i) => {
        const millis = new Date(base + Math.floor(i / 50)).toISOString().slice(0, 23)
        return { ...payment, date: `${millis}${String((i * 7) % 3).padStart(4, "0")}Z` }
      })
      for (const sortOrder of ["Asc", "Desc"] as const) {
        for (const concurrency of [2, 5, 8]) {
          for (const ordered of [true, false]) {
            yield* Effect.gen(function*() {
              const payments = yield* Payments.Payments
              const simulator = yield* HelloAssoSimulator.HelloAssoSimulator
              const params = { organizationSlug: simulator.organization.slug, pageSize: 7, sortOrder }
              const expected = (yield* simulator.listPayments({ sortOrder })).map((p) =>
                p.id
              )
              const ids = Chunk.toReadonlyArray(
                yield* Stream.runCollect(payments.streamByOrganization(params, { concurrency, ordered }))
              ).map((p) => p.id)
              if (ordered) expect(ids).toEqual(expected)
              else expect([...ids].sort()).toEqual([...expected].sort())
              // split windows: more than the first one and the query for the far end
              const windows = (yield* simulator.requests).filter((e) =>
                e.endpoint === "listByOrganization" && e.query["continuationtoken"] === undefined
              )
              expect(windows.length).toBeGreaterThan(2)
            }).pipe(Effect.provide(HelloAssoSimulator.layerHelloAsso({ fixtures })))
          }
        }
      }
    }))

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
