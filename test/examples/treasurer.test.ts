import { describe, expect, it } from "@effect/vitest"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import { Effect } from "effect"
import { totalCollected } from "./quickStart.js"

// The code under test talks to the simulator instead of HelloAsso: the same client, over the same HTTP semantics.
const TestHelloAsso = HelloAssoSimulator.layerHelloAsso({
  seed: 42,
  payments: 500,
  // in tests, do not wait long between retries
  client: { retry: { baseDelay: "1 millis" } }
})

describe("totalCollected", () => {
  it.effect("sums the authorized payments", () =>
    Effect.gen(function*() {
      const simulator = yield* HelloAssoSimulator.HelloAssoSimulator
      const authorized = yield* simulator.listPayments({ states: ["Authorized"] })
      const expected = authorized.reduce((cents, payment) => cents + payment.amount, 0)
      expect(yield* totalCollected(simulator.organization.slug)).toBe(expected)
    }).pipe(Effect.provide(TestHelloAsso)))

  it.live("gives the same total on a bad day: rate limits and gateway errors are retried", () =>
    Effect.gen(function*() {
      const simulator = yield* HelloAssoSimulator.HelloAssoSimulator
      yield* simulator.setFaults([
        // `Retry-After: 0`: retried at once (a delay over `maxRetryAfter` would fail the call at once instead)
        { endpoint: "listByOrganization", probability: 0.2, fault: HelloAssoSimulator.fault.rateLimited(0) },
        { endpoint: "listByOrganization", probability: 0.1, fault: HelloAssoSimulator.fault.status(503) }
      ])
      const authorized = yield* simulator.listPayments({ states: ["Authorized"] })
      const expected = authorized.reduce((cents, payment) => cents + payment.amount, 0)
      expect(yield* totalCollected(simulator.organization.slug)).toBe(expected)
      expect((yield* simulator.stats).faultsInjected).toBeGreaterThan(0)
    }).pipe(Effect.provide(TestHelloAsso)))
})
