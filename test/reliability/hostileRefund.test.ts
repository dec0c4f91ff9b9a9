import { afterAll, describe, expect, it } from "@effect/vitest"
import { Payments } from "@helloasso-effect/core"
import { Effect, Redacted } from "effect"
import type * as Http from "node:http"
import { figures } from "../support/figures.js"
import * as F from "../support/hostileFixtures.js"
import * as HostileServer from "../support/hostileServer.js"

/**
 * A refund against a server that misbehaves on purpose: whenever the answer is not a decoded 2xx or one of the
 * documented refusals, the outcome is unknown (RefundOutcomeUnknown), and the POST is never sent twice.
 * (Refunds answered with a redirect are in hostile.test.ts, with the other redirects.)
 */

const stats = figures()
afterAll(() => stats.print("hostile servers, refunds"))

const KiB = 1024
const PAYMENT_ID = 20_000_008

const refund = (options: Payments.RefundOptions = { amount: 100 }) =>
  Effect.flatMap(Payments.Payments, (payments) => payments.refund(PAYMENT_ID, options))

/** A server granting tokens and answering every refund with `answer`. */
const refundServer = (answer: (response: Http.ServerResponse) => void) =>
  HostileServer.make((request, response, n) => {
    if (HostileServer.isToken(request)) return HostileServer.grant(response, n)
    if (F.isRefund(request)) return answer(response)
    HostileServer.json(response, 200, F.payment(PAYMENT_ID))
  })

describe("refund: answers that leave the outcome unknown", () => {
  it.live(
    "a 2xx over maxBodyBytes, sized or endless: RefundOutcomeUnknown at once, sent once",
    () =>
      Effect.scoped(Effect.gen(function*() {
        let mode: "sized" | "endless" = "sized"
        const server = yield* refundServer((response) =>
          mode === "sized" ?
            HostileServer.json(response, 200, { ...F.refundOperation(PAYMENT_ID), padding: F.padding(200 * KiB) }) :
            F.endless(response, 200, "application/json", "{\"id\":80000002,\"padding\":\"")
        )
        for (const m of ["sized", "endless"] as const) {
          mode = m
          const before = server.received.filter(F.isRefund).length
          const [error, elapsed] = yield* F.timed(F.failureOf(refund())).pipe(
            Effect.provide(F.undici(F.optionsFor(server, { maxBodyBytes: 64 * KiB, timeout: "10 seconds" })))
          )
          expect(F.fieldsOf(error), m).toMatchObject({ _tag: "RefundOutcomeUnknown", paymentId: PAYMENT_ID })
          expect(server.received.filter(F.isRefund).length - before, m).toBe(1)
          // as soon as the bound is crossed, not at the 10 s timeout (a generous margin for a loaded machine)
          expect(elapsed, m).toBeLessThan(5_000)
          stats.add("refund bodies too large")
        }
      })),
    30_000
  )

  it.live(
    "a POST that hangs past the deadline: RefundOutcomeUnknown, sent once",
    () =>
      Effect.scoped(Effect.gen(function*() {
        // the refund is read, and never answered
        const server = yield* refundServer(() => {})
        const [error, elapsed] = yield* F.timed(F.failureOf(refund())).pipe(
          Effect.provide(F.undici(F.optionsFor(server, { timeout: "10 seconds", deadline: "1 second" })))
        )
        expect(F.fieldsOf(error)).toMatchObject({ _tag: "RefundOutcomeUnknown", paymentId: PAYMENT_ID })
        expect(server.received.filter(F.isRefund).length).toBe(1)
        // the deadline (1 s), not the timeout (10 s)
        expect(elapsed).toBeLessThan(6_000)
        stats.add("refunds cut by their deadline")
      })),
    20_000
  )

  it.live(
    "408, 410, 422, 500, 502, 503, 504, 204: RefundOutcomeUnknown, each sent once",
    () =>
      Effect.scoped(Effect.gen(function*() {
        let status = 408
        const server = yield* refundServer((response) => {
          if (status === 204) {
            response.writeHead(204)
            response.end()
          } else {
            HostileServer.json(response, status, { errors: [{ code: "Error", message: `status ${status}` }] }, {
              "retry-after": "1"
            })
          }
        })
        const statuses = [408, 410, 422, 500, 502, 503, 504, 204]
        for (const code of statuses) {
          status = code
          const error = yield* F.failureOf(refund()).pipe(Effect.provide(F.undici(F.optionsFor(server))))
          expect(F.fieldsOf(error), `HTTP ${code}`).toMatchObject({
            _tag: "RefundOutcomeUnknown",
            paymentId: PAYMENT_ID
          })
          stats.add("refund answers left unknown")
        }
        expect(server.received.filter(F.isRefund).length).toBe(statuses.length)
      })),
    20_000
  )
})

describe("refund: the documented refusals keep their errors", () => {
  const refusals: ReadonlyArray<readonly [name: string, status: number, body: unknown, expected: object]> = [
    [
      "400 refused",
      400,
      { errors: [{ code: "Error", message: "Code : 113 - The transfer operation cannot be processed" }] },
      { _tag: "RefundRejected", reason: "Refused", status: 400, code: 113 }
    ],
    [
      "409 refused",
      409,
      { errors: [{ code: "Error", message: "Code : 104 - A refund is already in progress" }] },
      { _tag: "RefundRejected", reason: "Refused", status: 409, code: 104 }
    ],
    [
      "409 MFA required",
      409,
      { errors: [{ code: "AuthorizationErrors.MFA.AccessTokenRequired", message: "MFA required" }] },
      { _tag: "RefundRejected", reason: "MfaRequired", mfaCode: "AuthorizationErrors.MFA.AccessTokenRequired" }
    ],
    [
      "400 validation",
      400,
      { title: "One or more validation errors occurred.", status: 400, errors: { amount: ["The amount is too high"] } },
      { _tag: "ValidationError", source: "api", field: "amount" }
    ],
    ["401", 401, "", { _tag: "AuthError", reason: "Unauthorized" }],
    ["403", 403, "Forbidden", { _tag: "AuthError", reason: "Forbidden" }],
    [
      "404",
      404,
      { errors: [{ code: "Error", message: "not found" }] },
      { _tag: "HttpError", reason: "NotFound", status: 404 }
    ],
    [
      "429",
      429,
      { errors: [{ code: "Error", message: "slow down" }] },
      { _tag: "HttpError", reason: "RateLimited", status: 429 }
    ]
  ]

  it.live(
    "400/409 refusals, MFA, validation, 401, 403, 404, 429: their own errors, each sent once",
    () =>
      Effect.scoped(Effect.gen(function*() {
        let current = refusals[0]!
        const server = yield* refundServer((response) => {
          const [, status, body] = current
          if (typeof body === "string") {
            response.writeHead(status, { "content-type": "text/plain" })
            response.end(body)
          } else {
            HostileServer.json(response, status, body, { "retry-after": "1" })
          }
        })
        for (const refusal of refusals) {
          current = refusal
          const [name, , , expected] = refusal
          const error = yield* F.failureOf(refund({ amount: 100, mfa: { accessToken: Redacted.make("mfa-Tk5") } }))
            .pipe(Effect.provide(F.undici(F.optionsFor(server))))
          expect(F.fieldsOf(error), name).toMatchObject(expected)
          stats.add("refusals kept")
        }
        expect(server.received.filter(F.isRefund).length).toBe(refusals.length)
      })),
    20_000
  )
})
