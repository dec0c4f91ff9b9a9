import { afterAll, describe, expect, it } from "@effect/vitest"
import { HelloAssoError, Payments } from "@helloasso-effect/core"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import { NodeHelloAsso, NodeSimulatorServer } from "@helloasso-effect/node"
import { Effect, Exit, FastCheck as fc, Layer, Stream } from "effect"
import { figures, runs } from "../support/figures.js"

/**
 * The pagination oracle: whatever the dataset, page size, filters and faults, the payments streamed (resuming
 * from the error's continuation token after each failure) are the simulator's ground truth, each exactly once
 * and in order.
 */

const stats = figures()

interface Filter {
  readonly states: ReadonlyArray<Payments.KnownPaymentState> | undefined
  readonly window: readonly [number, number] | undefined
  readonly sortOrder: "Asc" | "Desc"
  readonly userSearchKey: string | undefined
}

interface Case {
  readonly size: number
  readonly pageSize: number
  readonly seed: number
  readonly prefetch: number
  readonly filter: Filter
  readonly faults: ReadonlyArray<HelloAssoSimulator.FaultRule>
  /** Few retries make failures reach the caller, who resumes. */
  readonly maxRetries: number
}

const PERIOD = [Date.UTC(2023, 8, 1), Date.UTC(2025, 8, 1)] as const

const iso = (fraction: number) => new Date(PERIOD[0] + fraction * (PERIOD[1] - PERIOD[0])).toISOString()

const filterArb: fc.Arbitrary<Filter> = fc.record({
  states: fc.option(
    fc.subarray(["Authorized", "Refunded", "Registered", "Refused", "Pending"] as const, { minLength: 1 }),
    {
      nil: undefined
    }
  ),
  window: fc.option(
    fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))
      .filter(([a, b]) => b - a > 0.001),
    { nil: undefined }
  ),
  sortOrder: fc.constantFrom("Asc" as const, "Desc" as const),
  userSearchKey: fc.option(fc.constantFrom("dupré", "HELENE", "o'neil", "example.org"), { nil: undefined })
})

const commonFaults = [
  fc.record({
    _tag: fc.constant("Status" as const),
    status: fc.constant(429),
    retryAfter: fc.integer({ min: 0, max: 2 }),
    retryAfterFormat: fc.constantFrom("seconds" as const, "http-date" as const)
  }),
  fc.record({ _tag: fc.constant("Status" as const), status: fc.constantFrom(500, 502, 503, 504) }),
  fc.record({ _tag: fc.constant("Latency" as const), millis: fc.integer({ min: 0, max: 3 }) }),
  fc.constant({ _tag: "RevokeToken" as const })
]

const loopbackFaults = [
  ...commonFaults,
  fc.constant({ _tag: "ResetBeforeRead" as const }),
  fc.constant({ _tag: "ResetAfterRead" as const }),
  fc.constant({ _tag: "StallBody" as const })
]

const ruleArb = (faults: ReadonlyArray<fc.Arbitrary<HelloAssoSimulator.Fault>>) =>
  fc.record({
    endpoint: fc.constantFrom("listByOrganization" as const, "token" as const),
    fault: fc.oneof(...faults),
    probability: fc.double({ min: 0.05, max: 0.5, noNaN: true }),
    times: fc.integer({ min: 1, max: 6 })
  })

const caseArb = (maxSize: number, faults: ReadonlyArray<fc.Arbitrary<HelloAssoSimulator.Fault>>) =>
  fc.record({
    size: fc.integer({ min: 0, max: maxSize }),
    pageSize: fc.integer({ min: 1, max: 100 }),
    seed: fc.integer({ min: 1, max: 1_000_000 }),
    prefetch: fc.integer({ min: 0, max: 2 }),
    filter: filterArb,
    faults: fc.array(ruleArb(faults), { minLength: 1, maxLength: 5 }),
    maxRetries: fc.integer({ min: 0, max: 4 })
  }).filter((c) => c.size / c.pageSize <= 400)

/** The listing's parameters for a drawn filter. */
const filterOf = ({ window, ...filter }: Filter) => ({
  states: filter.states,
  from: window === undefined ? undefined : iso(window[0]),
  to: window === undefined ? undefined : iso(window[1]),
  sortOrder: filter.sortOrder,
  userSearchKey: filter.userSearchKey
})

/** Streams every payment, resuming after each failure from the error's token. */
const check = (c: Case) =>
  Effect.gen(function*() {
    const simulator = yield* HelloAssoSimulator.HelloAssoSimulator
    const payments = yield* Payments.Payments
    const filter = filterOf(c.filter)
    const expected = (yield* simulator.listPayments(filter)).map((p) => p.id)
    yield* simulator.setFaults(c.faults)
    const delivered: Array<number> = []
    let token: string | undefined
    let done = false
    for (let attempt = 0; attempt < 60 && !done; attempt++) {
      const exit = yield* payments.streamByOrganization({
        organizationSlug: simulator.organization.slug,
        pageSize: c.pageSize,
        ...filter,
        continuationToken: token
      }, { prefetch: c.prefetch }).pipe(
        Stream.runForEach((payment) => Effect.sync(() => delivered.push(payment.id))),
        Effect.exit
      )
      if (Exit.isSuccess(exit)) {
        done = true
        break
      }
      const error = Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error : undefined
      // a failure is one typed error, never a defect
      expect(HelloAssoError.isHelloAssoError(error), String(exit)).toBe(true)
      stats.add("typed failures")
      token = error?.continuationToken ?? token
    }
    expect(done).toBe(true)
    const unique = new Set(delivered)
    stats.add("cases")
    stats.add("payments checked", expected.length)
    stats.add("faults injected", (yield* simulator.stats).faultsInjected)
    stats.add("lost", expected.filter((id) => !unique.has(id)).length)
    stats.add("duplicated", delivered.length - unique.size)
    expect(delivered).toEqual(expected)
  })

/**
 * The same over parallel date windows: a failed listing (its errors carry no token) is listed again from the start;
 * a failed attempt delivers a prefix of the ground truth (ordered) or part of it (unordered), never a payment
 * twice, and the listing that succeeds delivers it all.
 */
const checkWindowed = (c: Case & { readonly concurrency: number; readonly ordered: boolean }) =>
  Effect.gen(function*() {
    const simulator = yield* HelloAssoSimulator.HelloAssoSimulator
    const payments = yield* Payments.Payments
    const filter = filterOf(c.filter)
    const expected = (yield* simulator.listPayments(filter)).map((p) => p.id)
    const expectedSet = new Set(expected)
    yield* simulator.setFaults(c.faults)
    let done = false
    for (let attempt = 0; attempt < 60 && !done; attempt++) {
      const delivered: Array<number> = []
      const exit = yield* payments.streamByOrganization({
        organizationSlug: simulator.organization.slug,
        pageSize: c.pageSize,
        ...filter
      }, { prefetch: c.prefetch, concurrency: c.concurrency, ordered: c.ordered }).pipe(
        Stream.runForEach((payment) => Effect.sync(() => delivered.push(payment.id))),
        Effect.exit
      )
      stats.add("payments checked", delivered.length)
      expect(new Set(delivered).size).toBe(delivered.length)
      if (c.ordered) expect(delivered).toEqual(expected.slice(0, delivered.length))
      else expect(delivered.every((id) => expectedSet.has(id))).toBe(true)
      if (Exit.isSuccess(exit)) {
        done = true
        if (c.ordered) expect(delivered).toEqual(expected)
        else expect([...delivered].sort()).toEqual([...expected].sort())
        break
      }
      const error = exit.cause._tag === "Fail" ? exit.cause.error : undefined
      expect(HelloAssoError.isHelloAssoError(error), String(exit)).toBe(true)
      stats.add("typed failures")
    }
    expect(done).toBe(true)
    stats.add("windowed cases")
    stats.add("faults injected", (yield* simulator.stats).faultsInjected)
  })

const fastRetries = (maxRetries: number) => ({
  retry: { maxRetries, baseDelay: "1 millis", maxDelay: "4 millis", maxRetryAfter: "3 millis" },
  timeout: "300 millis",
  // tokens revoked twice in a row would otherwise hold off new grants for a minute (its own test covers that)
  grantHoldOff: "1 millis"
} as const)

afterAll(() => stats.print("pagination oracle"))

describe("pagination oracle", () => {
  it("in memory: streamed payments are the ground truth, once and in order, whatever the faults", async () => {
    await fc.assert(
      fc.asyncProperty(caseArb(5000, commonFaults), (c) =>
        Effect.runPromise(
          check(c).pipe(Effect.provide(
            HelloAssoSimulator.layerHelloAsso({ payments: c.size, seed: c.seed, client: fastRetries(c.maxRetries) })
          ))
        )),
      { numRuns: runs(200), seed: 20261123 }
    )
  }, 300_000)

  it("in memory, over parallel date windows: the ground truth, once and in order, whatever the faults", async () => {
    await fc.assert(
      fc.asyncProperty(
        caseArb(5000, commonFaults),
        fc.integer({ min: 2, max: 8 }),
        fc.boolean(),
        (c, concurrency, ordered) =>
          Effect.runPromise(
            checkWindowed({ ...c, concurrency, ordered }).pipe(Effect.provide(
              HelloAssoSimulator.layerHelloAsso({ payments: c.size, seed: c.seed, client: fastRetries(c.maxRetries) })
            ))
          )
      ),
      { numRuns: runs(100), seed: 20261206 }
    )
  }, 300_000)

  it("over loopback HTTP, with connection resets and stalled bodies", async () => {
    await fc.assert(
      fc.asyncProperty(caseArb(800, loopbackFaults), (c) =>
        Effect.runPromise(
          Effect.scoped(Effect.gen(function*() {
            const server = yield* NodeSimulatorServer.make({ payments: c.size, seed: c.seed })
            const client = NodeHelloAsso.layer({ ...server.clientOptions, ...fastRetries(c.maxRetries) })
            yield* check(c).pipe(
              Effect.provide(
                Layer.merge(client, Layer.succeed(HelloAssoSimulator.HelloAssoSimulator, server.simulator))
              )
            )
          }))
        )),
      { numRuns: runs(30), seed: 20261124 }
    )
  }, 300_000)
})
