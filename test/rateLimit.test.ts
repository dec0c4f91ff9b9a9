import { HttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Payments } from "@helloasso-effect/core"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import { Effect, Redacted, Stream, TestClock } from "effect"
import * as Cli from "./support/cli.js"
import * as RawApi from "./support/rawApi.js"
import { simulatedTime } from "./support/simulatedTime.js"

/**
 * The simulator's optional rate limit (a token bucket per client, 429 with `Retry-After` beyond it), and windowed
 * listings that adapt their pace to it.
 */

const listPath = (api: RawApi.RawApi) => `/organizations/${api.sim.organization.slug}/payments`

describe("the simulator's rate limit", () => {
  for (const transport of RawApi.transports) {
    it.scoped(`answers 429 with Retry-After beyond the burst, per client (${transport.name})`, () =>
      Effect.gen(function*() {
        const api = yield* transport.make({ payments: 30, rateLimit: { perSecond: 1, burst: 3 } })
        const token = yield* api.token
        const statuses: Array<number> = []
        let limited: RawApi.RawResponse | undefined
        for (let i = 0; i < 4; i++) {
          const response = yield* api.request("GET", listPath(api), { token, params: { pageSize: 5 } })
          statuses.push(response.status)
          if (response.status === 429) limited = response
        }
        expect(statuses).toEqual([200, 200, 200, 429])
        expect(limited!.headers["retry-after"]).toBe("1")
        expect(limited!.json).toEqual({ errors: [{ code: "TooManyRequests", message: "Too many requests" }] })
        // the token endpoint is not limited, and another client has its own bucket
        const other = yield* api.grant({
          grant_type: "client_credentials",
          client_id: api.sim.otherClient.clientId,
          client_secret: Redacted.value(api.sim.otherClient.clientSecret)
        })
        expect(other.status).toBe(200)
        const otherList = yield* api.request("GET", `/organizations/${api.sim.otherClient.organization}/payments`, {
          token: other.json.access_token
        })
        expect(otherList.status).toBe(200)
        expect((yield* api.sim.stats).rateLimited).toBe(1)
      }))
  }

  it.effect("refills on the simulator's clock (TestClock)", () =>
    Effect.gen(function*() {
      const api = yield* RawApi.inMemory({ payments: 10, rateLimit: { perSecond: 2, burst: 1 } })
      const token = yield* api.token
      const get = Effect.map(api.request("GET", listPath(api), { token }), (r) => r.status)
      expect([yield* get, yield* get]).toEqual([200, 429])
      yield* TestClock.adjust("499 millis")
      expect(yield* get).toBe(429)
      yield* TestClock.adjust("1 millis")
      expect([yield* get, yield* get]).toEqual([200, 429])
    }))

  it.effect(
    "simulator serve --rate-limit R:BURST limits over loopback; a bad value exits 2",
    () =>
      Effect.gen(function*() {
        const bad = yield* Cli.run(["simulator", "serve", "--rate-limit", "0"])
        expect(bad.code).toBe(2)
        expect(bad.stderr).toContain("rate-limit")
        const child = Cli.start(["simulator", "serve", "--payments", "5", "--rate-limit", "0.5:2"])
        const first = yield* Cli.firstLine(child)
        const info = JSON.parse(first)
        const statuses = yield* Effect.promise(async () => {
          const grant = await fetch(info.tokenUrl, {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({
              grant_type: "client_credentials",
              client_id: info.clientId,
              client_secret: info.clientSecret
            })
          })
          const { access_token } = await grant.json() as { access_token: string }
          const out: Array<[number, string | null]> = []
          for (let i = 0; i < 3; i++) {
            const response = await fetch(`${info.apiUrl}/organizations/${info.organization}/payments`, {
              headers: { authorization: `Bearer ${access_token}` }
            })
            await response.arrayBuffer()
            out.push([response.status, response.headers.get("retry-after")])
          }
          return out
        })
        child.kill("SIGINT")
        yield* Effect.promise(() => Cli.collect(child))
        expect(statuses.map(([status]) => status)).toEqual([200, 200, 429])
        expect(Number(statuses[2]![1])).toBeGreaterThanOrEqual(1)
      }),
    60_000
  )
})

/**
 * The client, wired to a rate-limited simulator with 20 ms of latency and a few 503s, counting list requests in
 * flight.
 */
const limitedClient = (
  options: { readonly payments: number; readonly perSecond: number; readonly burst: number },
  inFlight: { now: number; max: number }
) =>
  HelloAssoSimulator.layerHelloAsso({
    payments: options.payments,
    seed: 4,
    logCapacity: 100_000,
    rateLimit: { perSecond: options.perSecond, burst: options.burst },
    faults: [
      { endpoint: "listByOrganization", fault: HelloAssoSimulator.fault.latency(20) },
      // and a few gateway errors, retried
      { endpoint: "listByOrganization", fault: HelloAssoSimulator.fault.status(503), probability: 0.02, times: 6 }
    ],
    client: {
      transformClient: HttpClient.transform((effect, request) =>
        request.url.endsWith("/payments")
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
  })

/** The ids a windowed listing of the simulated organization delivers, in the order delivered, in simulated time. */
const windowedIds = (pageSize: number, options: Payments.WindowOptions) =>
  Effect.gen(function*() {
    const payments = yield* Payments.Payments
    const simulator = yield* HelloAssoSimulator.HelloAssoSimulator
    const ids: Array<number> = []
    yield* simulatedTime(
      payments.streamByOrganization({ organizationSlug: simulator.organization.slug, pageSize }, options).pipe(
        Stream.runForEach((p) => Effect.sync(() => ids.push(p.id)))
      )
    )
    return ids
  })

describe("windowed listings against a rate limit", () => {
  for (const ordered of [true, false]) {
    it.effect(
      `adapt their pace: every payment once${ordered ? ", in order" : ""}, few 429s, at most the lanes asked for`,
      () => {
        const inFlight = { now: 0, max: 0 }
        return Effect.gen(function*() {
          const simulator = yield* HelloAssoSimulator.HelloAssoSimulator
          const expected = (yield* simulator.listPayments()).map((p) => p.id)
          const ids = yield* windowedIds(100, { concurrency: 6, ordered })
          if (ordered) expect(ids).toEqual(expected)
          else expect([...ids].sort()).toEqual([...expected].sort())
          const requests = (yield* simulator.requests).filter((e) => e.endpoint === "listByOrganization")
          const limited = requests.filter((e) => e.status === 429).length
          expect(limited).toBeGreaterThan(0)
          expect((yield* simulator.stats).faultsInjected).toBeGreaterThan(0)
          expect(limited / requests.length).toBeLessThanOrEqual(0.05)
          expect(inFlight.max).toBeGreaterThan(1)
          expect(inFlight.max).toBeLessThanOrEqual(6)
        }).pipe(Effect.provide(limitedClient({ payments: 30_000, perSecond: 40, burst: 10 }, inFlight)))
      },
      120_000
    )
  }

  it.effect("a 429 storm (2 requests a second for 8 lanes) never fails the listing", () => {
    const inFlight = { now: 0, max: 0 }
    return Effect.gen(function*() {
      const simulator = yield* HelloAssoSimulator.HelloAssoSimulator
      const expected = (yield* simulator.listPayments()).map((p) => p.id)
      const ids = yield* windowedIds(20, { concurrency: 8 })
      expect(ids).toEqual(expected)
      expect((yield* simulator.stats).rateLimited).toBeGreaterThan(0)
      expect(inFlight.max).toBeLessThanOrEqual(8)
    }).pipe(Effect.provide(limitedClient({ payments: 1_000, perSecond: 2, burst: 1 }, inFlight)))
  }, 120_000)
})
