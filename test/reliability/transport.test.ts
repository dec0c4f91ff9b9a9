import { FetchHttpClient } from "@effect/platform"
import { afterAll, describe, expect, it } from "@effect/vitest"
import type { HelloAssoError } from "@helloasso-effect/core"
import { HelloAsso, Payments } from "@helloasso-effect/core"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import { NodeHelloAsso, NodeSimulatorServer } from "@helloasso-effect/node"
import { Clock, Effect, Exit, Fiber, Layer, Redacted, Stream, Supervisor } from "effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { figures } from "../support/figures.js"

const stats = figures()
afterAll(() => stats.print("interruption, timeouts, transport safety"))

const clientFor = (server: NodeSimulatorServer.Service, options: HelloAsso.Options = {}) =>
  NodeHelloAsso.layer({ ...server.clientOptions, ...options })

const waitFor = (condition: Effect.Effect<boolean>, attempts = 200) =>
  Effect.gen(function*() {
    for (let i = 0; i < attempts; i++) {
      if (yield* condition) return true
      yield* Effect.sleep("10 millis")
    }
    return false
  })

describe("interruption and timeouts over loopback HTTP", () => {
  it.live(
    "interrupting a stream mid-page closes its connection and leaves no fiber or socket behind",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const server = yield* NodeSimulatorServer.make({ payments: 300 })
        // the second page sends half its body, then nothing
        yield* server.simulator.setFaults([
          { endpoint: "listByOrganization", on: [2], fault: HelloAssoSimulator.fault.stallBody }
        ])
        const supervisor = yield* Supervisor.track
        const delivered: Array<number> = []
        const closedBefore = yield* Effect.scoped(
          Effect.gen(function*() {
            const payments = yield* Payments.Payments
            const fiber = yield* payments.streamByOrganization({ organizationSlug: server.simulator.organization.slug })
              .pipe(
                Stream.runForEach((p) => Effect.sync(() => delivered.push(p.id))),
                Effect.supervised(supervisor),
                Effect.fork
              )
            // the second page is on the wire, its body stalled
            expect(yield* waitFor(Effect.map(server.simulator.requests, (log) => log.length >= 3))).toBe(true)
            expect(yield* waitFor(Effect.sync(() => delivered.length === 20))).toBe(true)
            const before = (yield* server.connections).closed
            yield* Fiber.interrupt(fiber)
            // the server sees the connection of the interrupted request close, before the client goes away
            expect(yield* waitFor(Effect.map(server.connections, (c) => c.closed > before))).toBe(true)
            const fibers = yield* supervisor.value
            expect(fibers.every((f) => f.unsafePoll() !== null)).toBe(true)
            return before
          }).pipe(Effect.provide(clientFor(server, { timeout: "30 seconds" })))
        )
        // once the client is closed, no socket is left open
        expect(yield* waitFor(Effect.map(server.connections, (c) => c.open === 0))).toBe(true)
        expect(delivered.length).toBe(20)
        stats.add("interrupted streams")
        stats.add("connections closed", (yield* server.connections).closed - closedBefore)
      })),
    30_000
  )

  it.live(
    "a stalled body fails with a timeout TransportError within the configured bound",
    () =>
      Effect.gen(function*() {
        const server = yield* NodeSimulatorServer.NodeSimulatorServer
        const payments = yield* Payments.Payments
        yield* payments.get(20_000_002) // the token request, outside the timing
        yield* server.simulator.setFaults([{ endpoint: "get", fault: HelloAssoSimulator.fault.stallBody }])
        const start = yield* Clock.currentTimeMillis
        const error = yield* Effect.flip(payments.get(20_000_001))
        const elapsed = (yield* Clock.currentTimeMillis) - start
        expect(error).toMatchObject({ _tag: "TransportError", reason: "Timeout" })
        // not before the bound, and not forever after it (a generous margin for a loaded machine)
        expect(elapsed).toBeGreaterThanOrEqual(400)
        expect(elapsed).toBeLessThan(10_000)
        stats.add("stalled bodies timed out")
      }).pipe(Effect.provide(
        Layer.unwrapEffect(
          Effect.map(NodeSimulatorServer.NodeSimulatorServer, (server) =>
            clientFor(server, { timeout: "400 millis", retry: { maxRetries: 0 } }))
        ).pipe(Layer.provideMerge(NodeSimulatorServer.layer({ payments: 10 })))
      )),
    30_000
  )
})

describe("transport safety", () => {
  it.each([
    ["http://api.helloasso.com/v5", "apiUrl"],
    ["http://192.168.1.20:8080/v5", "apiUrl"],
    ["http://127.0.0.2/v5", "apiUrl"],
    ["http://localhost.example.com/v5", "apiUrl"],
    ["ftp://127.0.0.1/v5", "apiUrl"],
    ["https://user:password@api.helloasso.com/v5", "apiUrl"]
  ])("refuses %s as a base URL", (apiUrl, field) =>
    Effect.runPromise(Effect.gen(function*() {
      for (const layer of [HelloAsso.layer({ apiUrl }), NodeHelloAsso.layer({ apiUrl })]) {
        const error = yield* Effect.flip(
          Layer.build(layer).pipe(
            Effect.scoped,
            Effect.provide(FetchHttpClient.layer)
          )
        )
        expect(String(error)).toContain(field)
      }
      const token = yield* Effect.flip(
        Layer.build(HelloAsso.layer({ tokenUrl: apiUrl })).pipe(
          Effect.scoped,
          Effect.provide(FetchHttpClient.layer)
        )
      )
      expect(String(token)).toContain("tokenUrl")
      stats.add("base URLs refused")
    })))

  /** A server that answers tokens, and redirects every API request to another host; that host logs what it gets. */
  const redirecting = Effect.acquireRelease(
    Effect.async<
      { a: Http.Server; b: Http.Server; seen: Array<Http.IncomingHttpHeaders>; port: number; portB: number }
    >((resume) => {
      const seen: Array<Http.IncomingHttpHeaders> = []
      const b = Http.createServer((request, response) => {
        seen.push(request.headers)
        response.end("{}")
      })
      b.listen(0, "127.0.0.1", () => {
        const portB = (b.address() as AddressInfo).port
        const a = Http.createServer((request, response) => {
          if (request.url === "/oauth2/token") {
            response.setHeader("content-type", "application/json")
            response.end(JSON.stringify({ access_token: "tok-redirect-Secret1", expires_in: 1800 }))
            return
          }
          response.statusCode = request.url?.includes("refund") ? 307 : 302
          response.setHeader("location", `http://localhost:${portB}/steal${request.url}`)
          response.end()
        })
        a.listen(
          0,
          "127.0.0.1",
          () => resume(Effect.succeed({ a, b, seen, port: (a.address() as AddressInfo).port, portB }))
        )
      })
    }),
    ({ a, b }) =>
      Effect.sync(() => {
        a.closeAllConnections()
        b.closeAllConnections()
        a.close()
        b.close()
      })
  )

  it.live(
    "a redirect to another host is not followed: the token never goes there",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const { port, portB, seen } = yield* redirecting
        const options = {
          apiUrl: `http://127.0.0.1:${port}/v5`,
          tokenUrl: `http://127.0.0.1:${port}/oauth2/token`,
          clientId: "id",
          clientSecret: Redacted.make("secret")
        }
        const clients = [
          ["undici", NodeHelloAsso.layer(options)],
          ["fetch", HelloAsso.layer(options).pipe(Layer.provide(FetchHttpClient.layer))]
        ] as const
        for (const [, client] of clients) {
          const exits: ReadonlyArray<Exit.Exit<unknown, unknown>> = yield* Effect.all([
            Effect.exit(Effect.flatMap(Payments.Payments, (p) => p.get(1))),
            Effect.exit(Effect.flatMap(Payments.Payments, (p) => p.refund(1)))
          ]).pipe(Effect.provide(client))
          const [read, refund] = exits.map((exit) => {
            expect(Exit.isFailure(exit)).toBe(true)
            return Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error : undefined
          })
          // the GET fails with Redirected, the refund's outcome is unknown; both name the host redirected to
          // (matched as plain objects: printing a mismatched error itself can overflow vitest's diff)
          expect({ ...(read as object) }).toMatchObject({ _tag: "HttpError", reason: "Redirected", status: 302 })
          expect((read as HelloAssoError.HttpError).detail).toContain(`localhost:${portB}`)
          expect({ ...(refund as object) }).toMatchObject({ _tag: "RefundOutcomeUnknown", paymentId: 1 })
          expect((refund as HelloAssoError.RefundOutcomeUnknown).detail).toContain(`localhost:${portB}`)
          stats.add("redirects not followed", exits.length)
        }
        expect(seen).toEqual([])
        stats.add("Authorization headers sent elsewhere", seen.filter((h) => h.authorization !== undefined).length)
      })),
    30_000
  )
})
