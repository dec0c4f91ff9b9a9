import { afterAll, describe, expect, it } from "@effect/vitest"
import { Payments } from "@helloasso-effect/core"
import type { HelloAsso, HelloAssoError, Payment } from "@helloasso-effect/core"
import { Effect, Exit, Option, Stream } from "effect"
import type * as Http from "node:http"
import { figures } from "../support/figures.js"
import * as F from "../support/hostileFixtures.js"
import * as HostileServer from "../support/hostileServer.js"

/**
 * A server that misbehaves on purpose, over loopback HTTP, against the real client stack: redirects, looping
 * continuation tokens, bodies that never end, answers that trickle, waits the server asks for that are too long,
 * a token that is refused as soon as it is granted, and bodies that are not what their content type says.
 */

const stats = figures()
afterAll(() => stats.print("hostile servers"))

const ORG = "les-amis-du-lavoir"
const KiB = 1024

const get = (id: number) => Effect.flatMap(Payments.Payments, (payments) => payments.get(id))

/** The bytes of an export, and how it ended. */
const exported = (format: "csv" | "xlsx") =>
  Effect.gen(function*() {
    const payments = yield* Payments.Payments
    let bytes = 0
    const exit = yield* Effect.exit(
      Stream.runForEach(
        payments.exportByOrganization({ organizationSlug: ORG, format }),
        (chunk) => Effect.sync(() => (bytes += chunk.length))
      )
    )
    return { bytes, exit }
  })

const detailOf = (error: unknown): string => String((error as { readonly detail?: unknown }).detail)

/** The pages a listing on `server` delivered (undici) before it failed, and its error. */
const failedListing = (server: HostileServer.Hostile) =>
  Effect.gen(function*() {
    const pages: Array<Payment.Page<Payment.Payment>> = []
    const error = yield* F.failureOf(
      Effect.flatMap(Payments.Payments, (payments) =>
        Stream.runForEach(
          payments.pagesByOrganization({ organizationSlug: ORG }),
          (page) => Effect.sync(() => pages.push(page))
        ))
    ).pipe(Effect.provide(F.undici(F.optionsFor(server))))
    return { error, pages }
  })

/** A server on which nothing must arrive: it would hand out a token and payments to anyone. */
const elsewhereServer = HostileServer.make((request, response, n) =>
  HostileServer.isToken(request) ?
    HostileServer.grant(response, n) :
    HostileServer.json(response, 200, request.url.includes("refund") ? F.refundOperation(1) : F.payment(1))
)

describe("redirects are never followed", () => {
  it.live.each(F.clients)(
    "%s: the token endpoint answering 302, 307, 308 fails with TokenEndpointFailure; its Location gets nothing",
    ([, client]) =>
      Effect.scoped(Effect.gen(function*() {
        const elsewhere = yield* elsewhereServer
        let status = 302
        const server = yield* HostileServer.make((request, response) =>
          HostileServer.isToken(request) ?
            F.redirect(response, status, `http://${elsewhere.host}/oauth2/token`) :
            HostileServer.json(response, 200, F.payment(1))
        )
        for (const code of [302, 307, 308]) {
          status = code
          const error = yield* F.failureOf(get(1).pipe(Effect.provide(client(F.optionsFor(server)))))
          expect(F.fieldsOf(error)).toMatchObject({ _tag: "AuthError", reason: "TokenEndpointFailure", status: code })
          expect(detailOf(error)).toContain(elsewhere.host)
          stats.add("token redirects refused")
        }
        // no token, so no API call; the other host got neither the client secret nor anything else
        expect(F.apiRequests(server)).toEqual([])
        expect(elsewhere.received).toEqual([])
        stats.add("requests reaching the redirect target", elsewhere.received.length)
      })),
    20_000
  )

  it.live.each(F.clients)(
    "%s: GET, export and refund answered 301, 302, 303, 307, 308 fail (Redirected / RefundOutcomeUnknown)",
    ([, client]) =>
      Effect.scoped(Effect.gen(function*() {
        const elsewhere = yield* elsewhereServer
        let status = 302
        const server = yield* HostileServer.make((request, response, n) =>
          HostileServer.isToken(request) ?
            HostileServer.grant(response, n) :
            F.redirect(response, status, `http://${elsewhere.host}${request.url}`)
        )
        const statuses = [301, 302, 303, 307, 308]
        for (const code of statuses) {
          status = code
          yield* Effect.gen(function*() {
            const payments = yield* Payments.Payments
            const read = yield* F.failureOf(payments.get(1))
            expect(F.fieldsOf(read)).toMatchObject({ _tag: "HttpError", reason: "Redirected", status: code })
            expect(detailOf(read)).toContain(elsewhere.host)

            const { bytes, exit } = yield* exported("csv")
            const exportError = F.failureOfExit(exit)
            expect(F.fieldsOf(exportError)).toMatchObject({ _tag: "HttpError", reason: "Redirected", status: code })
            expect(detailOf(exportError)).toContain(elsewhere.host)
            expect(bytes).toBe(0)

            const refund = yield* F.failureOf(payments.refund(1, { amount: 100 }))
            expect(F.fieldsOf(refund)).toMatchObject({ _tag: "RefundOutcomeUnknown", paymentId: 1 })
            expect(detailOf(refund)).toContain(elsewhere.host)
            stats.add("API redirects refused", 3)
          }).pipe(Effect.provide(client(F.optionsFor(server))))
        }
        // a refund is sent once, never replayed
        expect(server.received.filter(F.isRefund).length).toBe(statuses.length)
        expect(elsewhere.received).toEqual([])
        stats.add("requests reaching the redirect target", elsewhere.received.length)
      })),
    20_000
  )
})

/**
 * A listing whose continuation tokens go round in a cycle: the first page carries `tokens[0]`, the page after
 * `tokens[i]` carries `tokens[i + 1]`, and the last one the first again. Payment ids are unique by window (its
 * `from`) and page, so a page served twice repeats its payments. Past `cap` listing requests, pages are empty (so
 * that a client that does not notice still ends).
 */
const cyclingServer = (tokens: ReadonlyArray<string>, cap: number) => {
  const windows = new Map<string, number>()
  let listed = 0
  return HostileServer.make((request, response, n) => {
    if (HostileServer.isToken(request)) return HostileServer.grant(response, n)
    listed++
    if (listed > cap) return HostileServer.json(response, 200, F.page([], "the-end"))
    const from = F.queryOf(request, "from") ?? ""
    if (!windows.has(from)) windows.set(from, windows.size)
    const window = windows.get(from)!
    const token = F.queryOf(request, "continuationToken")
    const index = token === null ? 0 : tokens.indexOf(token) + 1
    const ids = [1, 2, 3].map((k) => 100_000 * (window + 1) + 10 * index + k)
    HostileServer.json(response, 200, F.page(ids, tokens[index % tokens.length]!))
  })
}

const cycles = [["A -> B -> A", ["cycle-A", "cycle-B"]], ["A -> B -> C -> A", [
  "cycle-A",
  "cycle-B",
  "cycle-C"
]]] as const

describe("continuation tokens that go round in a cycle", () => {
  it.live.each(cycles)(
    "%s: RepeatedContinuationToken, the token of the last page delivered, no payment twice",
    ([, tokens]) =>
      Effect.scoped(Effect.gen(function*() {
        const server = yield* cyclingServer(tokens, 40)
        const { error, pages } = yield* failedListing(server)
        expect(F.fieldsOf(error)).toMatchObject({ _tag: "DecodeError", reason: "RepeatedContinuationToken" })
        expect(pages.length).toBeGreaterThan(0)
        expect(error.continuationToken).toBe(Option.getOrUndefined(
          Option.flatMap(pages.at(-1)!.pagination, (p) => p.continuationToken)
        ))
        const ids = pages.flatMap((page) => page.data.map((p) => p.id))
        expect(new Set(ids).size).toBe(ids.length)
        const requests = F.apiRequests(server).length
        expect(requests).toBeLessThanOrEqual(tokens.length + 3)
        stats.add("token cycles stopped")
        stats.add("listing requests in a cycle", requests)
        stats.add("payments delivered twice", ids.length - new Set(ids).size)
      })),
    20_000
  )

  it.live.each(cycles)(
    "%s over date windows ({ concurrency: 2 }): RepeatedContinuationToken without a token, no payment twice",
    ([, tokens]) =>
      Effect.scoped(Effect.gen(function*() {
        const server = yield* cyclingServer(tokens, 400)
        const ids: Array<number> = []
        const error = yield* F.failureOf(
          Effect.flatMap(Payments.Payments, (payments) =>
            Stream.runForEach(
              payments.streamByOrganization(
                { organizationSlug: ORG, from: "2025-01-01T00:00:00Z", to: "2025-02-01T00:00:00Z" },
                { concurrency: 2 }
              ),
              (p) => Effect.sync(() => ids.push(p.id))
            ))
        ).pipe(Effect.provide(F.undici(F.optionsFor(server))))
        expect(F.fieldsOf(error)).toMatchObject({ _tag: "DecodeError", reason: "RepeatedContinuationToken" })
        expect(error.continuationToken).toBeUndefined()
        expect(new Set(ids).size).toBe(ids.length)
        // 8 windows (2 lanes x 4), each stopped after a bounded number of pages
        const requests = F.apiRequests(server).length
        expect(requests).toBeLessThanOrEqual(8 * (tokens.length + 3))
        stats.add("token cycles stopped")
        stats.add("listing requests in a cycle", requests)
        stats.add("payments delivered twice", ids.length - new Set(ids).size)
      })),
    20_000
  )

  it.live(
    "a cycle closed after 2,000 pages, tokens sharing a long prefix: its length reported, no payment twice",
    () =>
      Effect.scoped(Effect.gen(function*() {
        // the request on token k gets page k, with one payment (k + 1) and token k + 1; the last page leads back
        // to the token of page `back`. Past `cap` requests pages are empty, so a client that misses it still ends
        const total = 2_000
        const back = 500
        const cap = total + 10
        const prefix = "cursor/".repeat(40)
        const tokenOf = (page: number) => `${prefix}${page}`
        let listed = 0
        const server = yield* HostileServer.make((request, response, n) => {
          if (HostileServer.isToken(request)) return HostileServer.grant(response, n)
          if (++listed > cap) return HostileServer.json(response, 200, F.page([], "the-end"))
          const token = F.queryOf(request, "continuationToken")
          const page = token === null ? 0 : Number(token.slice(prefix.length))
          HostileServer.json(response, 200, F.page([page + 1], tokenOf(page + 1 < total ? page + 1 : back)))
        })
        const { error, pages } = yield* failedListing(server)
        expect(F.fieldsOf(error)).toMatchObject({ _tag: "DecodeError", reason: "RepeatedContinuationToken" })
        expect(detailOf(error)).toContain(`seen ${total - back} pages earlier`)
        // the page leading back is not delivered: the stream resumes from the token that fetched it
        const ids = pages.flatMap((page) => page.data.map((p) => p.id))
        expect(ids).toEqual(Array.from({ length: total - 1 }, (_, k) => k + 1))
        expect(error.continuationToken).toBe(tokenOf(total - 1))
        // every page requested once; the token seen before is not requested early either
        const tokens = F.apiRequests(server).map((request) => F.queryOf(request, "continuationToken"))
        expect(tokens.length).toBe(total)
        expect(tokens.filter((token) => token === tokenOf(back)).length).toBe(1)
        stats.add("token cycles stopped")
        stats.add("listing requests in a cycle", tokens.length)
      })),
    60_000
  )
})

describe("bodies too large", () => {
  const bound: HelloAsso.Options = {
    maxBodyBytes: 64 * KiB,
    timeout: "3 seconds",
    retry: { maxRetries: 1, baseDelay: "1 millis" }
  }

  it.live(
    "get: a 2xx body over maxBodyBytes, sized or endless, fails with BodyTooLarge, sent once",
    () =>
      Effect.scoped(Effect.gen(function*() {
        let mode: "sized" | "endless" = "sized"
        const server = yield* HostileServer.make((request, response, n) => {
          if (HostileServer.isToken(request)) return HostileServer.grant(response, n)
          if (mode === "sized") HostileServer.json(response, 200, { ...F.payment(1), padding: F.padding(200 * KiB) })
          else F.endless(response, 200, "application/json", "{\"id\":1,\"padding\":\"")
        })
        for (const m of ["sized", "endless"] as const) {
          mode = m
          const before = F.apiRequests(server).length
          const error = yield* F.failureOf(get(1)).pipe(Effect.provide(F.undici(F.optionsFor(server, bound))))
          expect(F.fieldsOf(error)).toMatchObject({ _tag: "DecodeError", reason: "BodyTooLarge" })
          expect(F.apiRequests(server).length - before).toBe(1)
          stats.add("bodies too large refused")
        }
      })),
    20_000
  )

  it.live(
    "a listing page over maxBodyBytes, sized or endless, ends the stream with BodyTooLarge and the token to resume",
    () =>
      Effect.scoped(Effect.gen(function*() {
        let mode: "sized" | "endless" = "sized"
        const server = yield* HostileServer.make((request, response, n) => {
          if (HostileServer.isToken(request)) return HostileServer.grant(response, n)
          if (F.queryOf(request, "continuationToken") === null) {
            return HostileServer.json(response, 200, F.page([1, 2, 3], "page-2"))
          }
          if (mode === "sized") {
            HostileServer.json(response, 200, { ...F.page([4, 5, 6], "page-3"), padding: F.padding(200 * KiB) })
          } else {
            F.endless(response, 200, "application/json", "{\"data\":[", `${JSON.stringify(F.payment(7))},`)
          }
        })
        for (const m of ["sized", "endless"] as const) {
          mode = m
          const before = F.apiRequests(server).length
          const ids: Array<number> = []
          const error = yield* F.failureOf(
            Effect.flatMap(Payments.Payments, (payments) =>
              Stream.runForEach(
                payments.streamByOrganization({ organizationSlug: ORG }),
                (p) => Effect.sync(() => ids.push(p.id))
              ))
          ).pipe(Effect.provide(F.undici(F.optionsFor(server, bound))))
          expect(F.fieldsOf(error)).toMatchObject({
            _tag: "DecodeError",
            reason: "BodyTooLarge",
            continuationToken: "page-2"
          })
          expect(ids).toEqual([1, 2, 3])
          // the first page and the second, once
          expect(F.apiRequests(server).length - before).toBe(2)
          stats.add("bodies too large refused")
        }
      })),
    20_000
  )

  it.live(
    "the token endpoint answering over maxBodyBytes, sized or endless: TokenEndpointFailure, not retried",
    () =>
      Effect.scoped(Effect.gen(function*() {
        let mode: "sized" | "endless" = "sized"
        const server = yield* HostileServer.make((request, response, n) => {
          if (!HostileServer.isToken(request)) return HostileServer.json(response, 200, F.payment(1))
          if (mode === "sized") {
            HostileServer.json(response, 200, {
              access_token: `access-token-${n}-Hk3Lm9`,
              token_type: "bearer",
              expires_in: 1800,
              padding: F.padding(200 * KiB)
            })
          } else {
            F.endless(response, 200, "application/json", "{\"access_token\":\"")
          }
        })
        for (const m of ["sized", "endless"] as const) {
          mode = m
          const before = server.grants()
          const error = yield* F.failureOf(get(1)).pipe(Effect.provide(F.undici(F.optionsFor(server, bound))))
          expect(F.fieldsOf(error)).toMatchObject({ _tag: "AuthError", reason: "TokenEndpointFailure" })
          expect(server.grants() - before).toBe(1)
          stats.add("bodies too large refused")
        }
        expect(F.apiRequests(server)).toEqual([])
      })),
    20_000
  )

  it.live(
    "500 and 503 with an endless body: the usual HttpError ServerError, as retried as usual",
    () =>
      Effect.scoped(Effect.gen(function*() {
        let status = 500
        const server = yield* HostileServer.make((request, response, n) =>
          HostileServer.isToken(request) ?
            HostileServer.grant(response, n) :
            F.endless(response, status, "text/plain", "Internal error ")
        )
        const options = F.optionsFor(server, {
          maxErrorBodyBytes: 4 * KiB,
          timeout: "3 seconds",
          retry: { maxRetries: 2, baseDelay: "1 millis", maxDelay: "2 millis" }
        })
        for (const code of [500, 503]) {
          status = code
          const before = F.apiRequests(server).length
          const error = yield* F.failureOf(get(1)).pipe(Effect.provide(F.undici(options)))
          expect(F.fieldsOf(error)).toMatchObject({ _tag: "HttpError", reason: "ServerError", status: code })
          const sent = F.apiRequests(server).length - before
          // 503 is transient: retried twice; 500 at most as often
          if (code === 503) expect(sent).toBe(3)
          else expect(sent).toBeLessThanOrEqual(3)
          stats.add("endless error bodies cut short", sent)
        }
      })),
    20_000
  )
})

describe("time bounds", () => {
  /** `get(1)` with a 1.5 s deadline against a server whose API always answers 503 with this `Retry-After`. */
  const busyUntilDeadline = (retryAfter: string) =>
    Effect.gen(function*() {
      const server = yield* HostileServer.make((request, response, n) =>
        HostileServer.isToken(request) ?
          HostileServer.grant(response, n) :
          HostileServer.json(response, 503, { errors: [{ code: "Error", message: "busy" }] }, {
            "retry-after": retryAfter
          })
      )
      const options = F.optionsFor(server, {
        deadline: "1500 millis",
        retry: { maxRetries: 10, baseDelay: "1 millis", maxDelay: "2 millis", maxRetryAfter: "5 seconds" }
      })
      const [error, elapsed] = yield* F.timed(F.failureOf(get(1))).pipe(Effect.provide(F.undici(options)))
      return { elapsed, error, server }
    })

  it.live(
    "an export trickling one byte every 100 ms is cut by exportDeadline with a Timeout",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const server = yield* HostileServer.make((request, response, n) =>
          HostileServer.isToken(request) ?
            HostileServer.grant(response, n) :
            F.trickle(response, "text/csv; charset=utf-8", 100, 50)
        )
        const [{ bytes, exit }, elapsed] = yield* F.timed(exported("csv")).pipe(
          Effect.provide(F.undici(F.optionsFor(server, { timeout: "3 seconds", exportDeadline: "1 second" })))
        )
        const error = F.failureOfExit(exit)
        expect(F.fieldsOf(error)).toMatchObject({ _tag: "TransportError", reason: "Timeout" })
        // the whole export took 5 s: it was cut after about 1 s (a generous margin for a loaded machine)
        expect(bytes).toBeLessThan(40)
        expect(elapsed).toBeLessThan(4_000)
        stats.add("exports cut by their deadline")
      })),
    20_000
  )

  it.live(
    "429 with Retry-After: 100000 (over maxRetryAfter) fails after one request, with the delay asked for",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const server = yield* HostileServer.make((request, response, n) =>
          HostileServer.isToken(request) ?
            HostileServer.grant(response, n) :
            HostileServer.json(response, 429, { errors: [{ code: "TooManyRequests", message: "slow down" }] }, {
              "retry-after": "100000"
            })
        )
        // the default maxRetryAfter (60 s)
        const error = yield* F.failureOf(get(1)).pipe(Effect.provide(F.undici(F.optionsFor(server))))
        expect(F.fieldsOf(error)).toMatchObject({
          _tag: "HttpError",
          reason: "RateLimited",
          status: 429,
          retryAfterMillis: 100_000_000
        })
        expect(F.apiRequests(server).length).toBe(1)
        stats.add("waits too long refused")
      })),
    20_000
  )

  it.live(
    "429 with a Retry-After date days away, 503 with Retry-After: 30 (maxRetryAfter 1 s): one request each",
    () =>
      Effect.scoped(Effect.gen(function*() {
        let status = 429
        const server = yield* HostileServer.make((request, response, n) => {
          if (HostileServer.isToken(request)) return HostileServer.grant(response, n)
          const retryAfter = status === 429 ? new Date(Date.now() + 3 * 86_400_000).toUTCString() : "30"
          HostileServer.json(response, status, { errors: [{ code: "Error", message: "later" }] }, {
            "retry-after": retryAfter
          })
        })
        const options = F.optionsFor(server, {
          retry: { maxRetries: 2, baseDelay: "1 millis", maxDelay: "2 millis", maxRetryAfter: "1 second" }
        })
        const rateLimited = yield* F.failureOf(get(1)).pipe(Effect.provide(F.undici(options)))
        expect(F.fieldsOf(rateLimited)).toMatchObject({ _tag: "HttpError", reason: "RateLimited", status: 429 })
        expect((rateLimited as HelloAssoError.HttpError).retryAfterMillis).toBeGreaterThan(2 * 86_400_000)
        expect(F.apiRequests(server).length).toBe(1)
        status = 503
        const unavailable = yield* F.failureOf(get(1)).pipe(Effect.provide(F.undici(options)))
        expect(F.fieldsOf(unavailable)).toMatchObject({
          _tag: "HttpError",
          reason: "ServerError",
          status: 503,
          retryAfterMillis: 30_000
        })
        expect(F.apiRequests(server).length).toBe(2)
        stats.add("waits too long refused", 2)
      })),
    20_000
  )

  it.live(
    "deadline bounds a call against a server that always answers 503 with Retry-After: 1",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const { elapsed, error, server } = yield* busyUntilDeadline("1")
        expect(F.fieldsOf(error)).toMatchObject({ _tag: "TransportError", reason: "Timeout" })
        // without the deadline: 11 requests over 10 s
        expect(F.apiRequests(server).length).toBeLessThanOrEqual(3)
        expect(elapsed).toBeLessThan(5_000)
        stats.add("calls cut by their deadline")
      })),
    20_000
  )

  it.live(
    "a retry whose wait would end past the deadline is not made: the deadline's Timeout at once, one request",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const { elapsed, error, server } = yield* busyUntilDeadline("2")
        expect(F.fieldsOf(error)).toMatchObject({ _tag: "TransportError", reason: "Timeout" })
        expect(detailOf(error)).toContain("deadline")
        expect(F.apiRequests(server).length).toBe(1)
        // the wait asked for (2 s) ends past the deadline (1.5 s): no sleeping until the deadline
        expect(elapsed).toBeLessThan(1_000)
        stats.add("calls cut by their deadline")
      })),
    20_000
  )

  it.live(
    "a GET that hangs: each attempt ends at the tighter of the timeout and what is left of the deadline, named by it",
    () =>
      Effect.scoped(Effect.gen(function*() {
        // the API never answers
        const server = yield* HostileServer.make((request, response, n) => {
          if (HostileServer.isToken(request)) HostileServer.grant(response, n)
        })
        const retry = { maxRetries: 3, baseDelay: "1 millis", maxDelay: "2 millis" } as const
        const cases = [
          // the timeout each time, then no retry left
          { timeout: "300 millis", deadline: "10 seconds", requests: 4, bound: "no complete answer within" },
          // the deadline at once: nothing left to retry in
          { timeout: "10 seconds", deadline: "300 millis", requests: 1, bound: "deadline" },
          // the timeout first (400 ms), then what is left of the deadline (about 200 ms)
          { timeout: "400 millis", deadline: "600 millis", requests: 2, bound: "deadline" }
        ] as const
        for (const { bound, deadline, requests, timeout } of cases) {
          const before = F.apiRequests(server).length
          const [error, elapsed] = yield* F.timed(F.failureOf(get(1))).pipe(
            Effect.provide(F.undici(F.optionsFor(server, { timeout, deadline, retry })))
          )
          expect(F.fieldsOf(error)).toMatchObject({ _tag: "TransportError", reason: "Timeout" })
          expect(detailOf(error)).toContain(bound)
          expect(F.apiRequests(server).length - before).toBe(requests)
          expect(elapsed).toBeLessThan(4_000)
          stats.add("hanging calls cut by their tighter bound")
        }
      })),
    20_000
  )
})

describe("a token refused as soon as it is granted", () => {
  const refusing = HostileServer.make((request, response, n) => {
    if (HostileServer.isToken(request)) return HostileServer.grant(response, n)
    response.writeHead(401, { "content-length": "0" })
    response.end()
  })

  it.live(
    "20 sequential calls: each fails with Unauthorized, at most 3 grants",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const server = yield* refusing
        yield* Effect.gen(function*() {
          for (let i = 0; i < 20; i++) {
            const error = yield* F.failureOf(get(i + 1))
            expect(F.fieldsOf(error)).toMatchObject({ _tag: "AuthError", reason: "Unauthorized" })
          }
        }).pipe(Effect.provide(F.undici(F.optionsFor(server))))
        expect(server.grants()).toBeLessThanOrEqual(3)
        stats.add("calls refused", 20)
        stats.add("grants for 20 sequential calls", server.grants())
      })),
    20_000
  )

  it.live(
    "1000 concurrent calls: each fails with Unauthorized, at most 4 grants",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const server = yield* refusing
        const exits = yield* Effect.all(
          Array.from({ length: 1000 }, (_, i) => Effect.exit(get(i + 1))),
          { concurrency: "unbounded" }
        ).pipe(Effect.provide(F.undici(F.optionsFor(server))))
        for (const exit of exits) {
          expect(F.fieldsOf(F.failureOfExit(exit))).toMatchObject({ _tag: "AuthError", reason: "Unauthorized" })
        }
        expect(server.grants()).toBeLessThanOrEqual(4)
        stats.add("calls refused", 1000)
        stats.add("grants for 1000 concurrent calls", server.grants())
        stats.add("API requests for 1000 concurrent calls", F.apiRequests(server).length)
      })),
    20_000
  )
})

describe("content types", () => {
  it.live(
    "an export whose content type is not the format's fails with UnexpectedContentType, before any byte",
    () =>
      Effect.scoped(Effect.gen(function*() {
        let contentType = "text/html"
        const server = yield* HostileServer.make((request, response, n) => {
          if (HostileServer.isToken(request)) return HostileServer.grant(response, n)
          response.writeHead(200, { "content-type": contentType })
          response.end("<html><body>Maintenance</body></html>\n")
        })
        const cases: ReadonlyArray<readonly [format: "csv" | "xlsx", contentType: string, ok: boolean]> = [
          ["csv", "text/html", false],
          ["csv", "text/html; charset=utf-8", false],
          ["csv", "application/json", false],
          ["xlsx", "text/csv", false],
          ["xlsx", "text/html", false],
          ["csv", "text/csv; charset=utf-8", true],
          ["xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", true],
          ["xlsx", "application/octet-stream", true]
        ]
        for (const [format, type, ok] of cases) {
          contentType = type
          const { bytes, exit } = yield* exported(format).pipe(Effect.provide(F.undici(F.optionsFor(server))))
          if (ok) {
            expect(Exit.isSuccess(exit), `${format} as ${type}`).toBe(true)
            expect(bytes).toBeGreaterThan(0)
          } else {
            const error = F.failureOfExit(exit)
            expect(F.fieldsOf(error), `${format} as ${type}`).toMatchObject({
              _tag: "DecodeError",
              reason: "UnexpectedContentType"
            })
            expect(bytes, `${format} as ${type}`).toBe(0)
            stats.add("exports of the wrong type refused")
          }
        }
      })),
    20_000
  )

  it.live(
    "JSON endpoints: a 200 text/html page is InvalidJson naming text/html; text/plain JSON still decodes",
    () =>
      Effect.scoped(Effect.gen(function*() {
        let mode: "html" | "plain" = "html"
        const server = yield* HostileServer.make((request, response, n) => {
          if (HostileServer.isToken(request)) return HostileServer.grant(response, n)
          if (mode === "html") {
            response.writeHead(200, { "content-type": "text/html; charset=utf-8" })
            response.end("<html><body>Maintenance en cours</body></html>")
          } else {
            const listing = F.pathOf(request).endsWith("/payments")
            response.writeHead(200, { "content-type": "text/plain; charset=utf-8" })
            response.end(JSON.stringify(listing ? F.page([8, 9], "next") : F.payment(7)))
          }
        })
        yield* Effect.gen(function*() {
          const payments = yield* Payments.Payments
          for (
            const [name, call] of [
              ["get", payments.get(7)],
              ["listByOrganization", payments.listByOrganization({ organizationSlug: ORG })]
            ] as const
          ) {
            mode = "html"
            const error = yield* F.failureOf(call as Effect.Effect<unknown, Payments.ReadError>)
            expect(F.fieldsOf(error), name).toMatchObject({ _tag: "DecodeError", reason: "InvalidJson" })
            expect(detailOf(error), name).toContain("text/html")
            stats.add("HTML pages refused")
          }
          mode = "plain"
          expect((yield* payments.get(7)).id).toBe(7)
          expect((yield* payments.listByOrganization({ organizationSlug: ORG })).data.map((p) => p.id)).toEqual([8, 9])
        }).pipe(Effect.provide(F.undici(F.optionsFor(server))))
      })),
    20_000
  )
})

describe("bodies in pieces", () => {
  /** Sends `body` in pieces cut inside its multi-byte characters, a few milliseconds apart. */
  const inPieces = (response: Http.ServerResponse, body: string, sized: boolean) => {
    const bytes = Buffer.from(body, "utf8")
    // after the first byte of every two-byte character (é, É: 0xC3 then its second byte)
    const cuts = [...bytes.keys()].filter((i) => bytes[i] === 0xc3).map((i) => i + 1)
    const pieces = [0, ...cuts].map((start, i) => bytes.subarray(start, cuts[i] ?? bytes.length))
    response.writeHead(200, {
      "content-type": "application/json; charset=utf-8",
      ...(sized ? { "content-length": String(bytes.length) } : {})
    })
    const next = (i: number) => {
      if (response.destroyed) return
      if (i === pieces.length - 1) return void response.end(pieces[i])
      response.write(pieces[i])
      setTimeout(() => next(i + 1), 2)
    }
    next(0)
    return pieces.length
  }

  it.live.each(F.clients)(
    "%s: a page whose accented characters are cut between pieces, with or without a length, reads as sent",
    ([, client]) =>
      Effect.scoped(Effect.gen(function*() {
        let sized = false
        let pieces = 0
        const server = yield* HostileServer.make((request, response, n) => {
          if (HostileServer.isToken(request)) return HostileServer.grant(response, n)
          const last = F.queryOf(request, "continuationToken") !== null
          pieces += inPieces(response, JSON.stringify(last ? F.page([], "end") : F.page([1, 2, 3], "page-2")), sized)
        })
        for (const withLength of [false, true]) {
          sized = withLength
          const listed = yield* Effect.flatMap(Payments.Payments, (payments) =>
            Stream.runCollect(payments.streamByOrganization({ organizationSlug: ORG }))).pipe(
              Effect.provide(client(F.optionsFor(server)))
            )
          const all = [...listed]
          expect(all.map((p) =>
            p.id
          )).toEqual([1, 2, 3])
          expect(all.map((p) => Option.getOrUndefined(p.items[0]!.name))).toEqual(Array(3).fill("Mug émaillé"))
          expect(all.map((p) => Option.getOrUndefined(Option.flatMap(p.payer, (payer) => payer.address)))).toEqual(
            Array(3).fill("2 rue de l'Église")
          )
        }
        // a first page of three payments holds a dozen accents: each was cut
        expect(pieces).toBeGreaterThan(20)
        stats.add("bodies read in pieces", 4)
      })),
    20_000
  )
})
