import { describe, expect, it } from "@effect/vitest"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import { Effect } from "effect"
import { totalCollected } from "./quickStart.js"

// The code under test talks to the simulator instead of HelloAsso: the same client, over the same HTTP semantics.
const TestHelloAsso = HelloAssoSimulator.layerHelloAsso({
  seed: 42,
  payments: 500
})

describe("totalCollected", () => {
  it.effect("sums the authorized payments", () =>
    Effect.gen(function*() {
      const simulator = yield* HelloAssoSimulator.HelloAssoSimulator
      const authorized = yield* simulator.listPayments({ states: ["Authorized"] })
      const expected = authorized.reduce((cents, payment) => cents + (payment.amount ?? 0), 0)
      expect(yield* totalCollected(simulator.organization.slug)).toBe(expected)
    }).pipe(Effect.provide(TestHelloAsso)))

  // Retries wait on the Effect clock (backoff, `Retry-After`): under `it.effect` that is a TestClock, which
  // `withTestClock` moves on whenever the code waits. Without it, the first retried fault would hang the test.
  it.effect("gives the same total on a bad day: rate limits and gateway errors are retried", () =>
    Effect.gen(function*() {
      const simulator = yield* HelloAssoSimulator.HelloAssoSimulator
      yield* simulator.setFaults([
        { endpoint: "listByOrganization", probability: 0.2, fault: HelloAssoSimulator.fault.rateLimited(2) },
        { endpoint: "listByOrganization", probability: 0.1, fault: HelloAssoSimulator.fault.status(503) }
      ])
      const authorized = yield* simulator.listPayments({ states: ["Authorized"] })
      const expected = authorized.reduce((cents, payment) => cents + (payment.amount ?? 0), 0)
      expect(yield* HelloAssoSimulator.withTestClock(totalCollected(simulator.organization.slug))).toBe(expected)
      expect((yield* simulator.stats).faultsInjected).toBeGreaterThan(0)
    }).pipe(Effect.provide(TestHelloAsso)))
})
