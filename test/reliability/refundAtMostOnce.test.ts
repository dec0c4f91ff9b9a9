import { afterAll, describe, expect, it } from "@effect/vitest"
import { HelloAssoError, Payments } from "@helloasso-effect/core"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import { NodeHelloAsso, NodeSimulatorServer } from "@helloasso-effect/node"
import { Effect, Exit, FastCheck as fc, Redacted } from "effect"
import type { Layer } from "effect"
import { figures, runs } from "../support/figures.js"

/**
 * A refund is made at most once, whatever fails and wherever: the simulator never counts two refunds of a
 * payment, and whenever the client cannot know what happened the error is RefundOutcomeUnknown.
 */

const stats = figures()
afterAll(() => stats.print("refund at most once"))

const clientOptions = { timeout: "250 millis", retry: { baseDelay: "1 millis", maxDelay: "2 millis" } } as const

type Transport = (
  options: HelloAssoSimulator.Options
) => Layer.Layer<Payments.Payments | HelloAssoSimulator.HelloAssoSimulator, unknown>

const inMemory: Transport = (options) => HelloAssoSimulator.layerHelloAsso({ ...options, client: clientOptions })

const loopback: Transport = (options) => NodeSimulatorServer.layerHelloAsso({ ...options, client: clientOptions })

const transports = [["in memory", inMemory], ["loopback HTTP", loopback]] as const

const refundable = Effect.flatMap(HelloAssoSimulator.HelloAssoSimulator, (simulator) =>
  Effect.map(
    simulator.listPayments({ states: ["Authorized"] }),
    (list) => list.filter((p) => p.type === "Credit" && p.amount! >= 200).map((p) => p.id)
  ))

/** The fault points, and what the caller must learn from each. */
const faultPoints: ReadonlyArray<
  readonly [name: string, fault: HelloAssoSimulator.Fault, outcome: "refunded" | "unknown", made: 0 | 1 | "0 or 1"]
> = [
  ["connection refused before the request is sent", HelloAssoSimulator.fault.refuseConnection, "refunded", 1],
  ["reset before the request is read", HelloAssoSimulator.fault.resetBeforeRead, "unknown", 0],
  ["reset after it was read and processed", HelloAssoSimulator.fault.resetAfterRead, "unknown", 1],
  ["500 answer", HelloAssoSimulator.fault.status(500), "unknown", 0],
  ["502 answer", HelloAssoSimulator.fault.status(502), "unknown", 0],
  ["503 answer", HelloAssoSimulator.fault.unavailable(1), "unknown", 0],
  ["504 answer", HelloAssoSimulator.fault.status(504), "unknown", 0],
  ["timeout: the answer stalls after the refund", HelloAssoSimulator.fault.stallBody, "unknown", 1],
  ["timeout: the server is slow before the refund", HelloAssoSimulator.fault.latency(600), "unknown", "0 or 1"],
  ["malformed JSON answer", HelloAssoSimulator.fault.malformedJson, "unknown", 1],
  ["truncated JSON answer", HelloAssoSimulator.fault.truncatedJson, "unknown", 1]
]

describe.each(transports)("refund at most once, %s", (name, transport) => {
  it.live.each(faultPoints.map((point) => [point[0], point] as const))(
    "%s",
    ([, [, fault, expectedOutcome, expectedMade]]) =>
      Effect.gen(function*() {
        const simulator = yield* HelloAssoSimulator.HelloAssoSimulator
        const payments = yield* Payments.Payments
        const paymentId = (yield* refundable)[0]!
        // over a socket, a connection the server accepted and then drops is a reset: ambiguous, never retried
        const accepted = name === "loopback HTTP" && fault._tag === "RefuseConnection"
        const outcome = accepted ? "unknown" : expectedOutcome
        const made = accepted ? 0 : expectedMade
        yield* simulator.setFaults([{ endpoint: "refund", on: [1], fault }])
        const exit = yield* Effect.exit(payments.refund(paymentId, { amount: 100 }))
        const count = (yield* simulator.stats).refunds.byPayment.get(paymentId) ?? 0
        stats.add("fault points")
        stats.add("faults injected", (yield* simulator.stats).faultsInjected)
        if (outcome === "refunded") {
          expect(Exit.isSuccess(exit)).toBe(true)
        } else {
          expect(exit).toMatchObject({ _tag: "Failure", cause: { error: { _tag: "RefundOutcomeUnknown", paymentId } } })
        }
        if (made === "0 or 1") expect(count).toBeLessThanOrEqual(1)
        else expect(count).toBe(made)
        stats.add("double refunds", count > 1 ? 1 : 0)
        // reconciling shows exactly what was done
        const detail = yield* payments.get(paymentId, { withFailedRefundOperation: true })
        expect(detail.refundOperations.length).toBe(count)
      }).pipe(Effect.provide(transport({ payments: 60 }))),
    20_000
  )

  it.live("concurrent refunds of one payment: one is made, the others are refused", () =>
    Effect.gen(function*() {
      const simulator = yield* HelloAssoSimulator.HelloAssoSimulator
      const payments = yield* Payments.Payments
      const paymentId = (yield* refundable)[0]!
      const exits = yield* Effect.all(Array.from({ length: 20 }, () => Effect.exit(payments.refund(paymentId))), {
        concurrency: "unbounded"
      })
      expect(exits.filter(Exit.isSuccess).length).toBe(1)
      for (const exit of exits.filter(Exit.isFailure)) {
        expect(exit).toMatchObject({ cause: { error: { _tag: "RefundRejected" } } })
      }
      expect((yield* simulator.stats).refunds.byPayment.get(paymentId)).toBe(1)
      stats.add("concurrent refunds", 20)
    }).pipe(Effect.provide(transport({ payments: 60 }))), 20_000)
})

describe("refund at most once, nothing listening", () => {
  it.live("a refused connection is retried, then fails with TransportError Connect: nothing was sent", () =>
    Effect.gen(function*() {
      const payments = yield* Payments.Payments
      const error = yield* Effect.flip(payments.refund(20_000_001))
      expect(error).toMatchObject({ _tag: "TransportError", reason: "Connect" })
    }).pipe(
      Effect.provide(
        // port 9 (discard) has no listener here: the connection is refused
        NodeHelloAsso.layer({
          apiUrl: "http://127.0.0.1:9/v5",
          tokenUrl: "http://127.0.0.1:9/oauth2/token",
          accessToken: Redacted.make("a-token"),
          ...clientOptions
        })
      )
    ))
})

describe("refund at most once, random faults", () => {
  it.live(
    "every refund is made at most once, and the error says when the outcome is unknown",
    () =>
      Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(
            fc.array(
              fc.constantFrom(
                ...faultPoints.filter(([, fault]) => fault._tag !== "Latency").map(([, fault]) => fault)
              ),
              { minLength: 1, maxLength: 8 }
            ),
            fc.integer({ min: 1, max: 1000 }),
            (faults, seed) =>
              Effect.runPromise(
                Effect.gen(function*() {
                  const simulator = yield* HelloAssoSimulator.HelloAssoSimulator
                  const payments = yield* Payments.Payments
                  const ids = (yield* refundable).slice(0, 8)
                  yield* simulator.setFaults(
                    faults.map((fault, i) => ({ endpoint: "refund" as const, on: [i + 1], fault }))
                  )
                  for (const paymentId of ids) {
                    const exit = yield* Effect.exit(payments.refund(paymentId, { amount: 100 }))
                    const count = (yield* simulator.stats).refunds.byPayment.get(paymentId) ?? 0
                    expect(count).toBeLessThanOrEqual(1)
                    if (Exit.isSuccess(exit)) expect(count).toBe(1)
                    else {
                      const error = exit.cause._tag === "Fail" ? exit.cause.error : undefined
                      expect(HelloAssoError.isHelloAssoError(error)).toBe(true)
                      // a refusal or a connection refused: certainly not made
                      if (error?._tag === "RefundRejected" || error?._tag === "TransportError") expect(count).toBe(0)
                      // made but not confirmed: the caller is told the outcome is unknown
                      if (count === 1) expect(error?._tag).toBe("RefundOutcomeUnknown")
                    }
                    stats.add("random refunds")
                  }
                  stats.add("faults injected", (yield* simulator.stats).faultsInjected)
                }).pipe(Effect.provide(inMemory({ payments: 200, seed })))
              )
          ),
          { numRuns: runs(60), seed: 20261125 }
        )
      ),
    120_000
  )
})
