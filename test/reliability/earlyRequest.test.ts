import { afterAll, describe, expect, it } from "@effect/vitest"
import { Payments } from "@helloasso-effect/core"
import { Effect, Option, Stream } from "effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { figures } from "../support/figures.js"
import * as F from "../support/hostileFixtures.js"
import * as HostileServer from "../support/hostileServer.js"

/**
 * With prefetch, pagination requests the next page on the token read from the end of a page's raw body, before the
 * page is parsed and decoded (`internal/tokenPeek.ts`). Against hostile servers over loopback: no payer's text can
 * forge that token, a request the page does not confirm is interrupted at once, and a token seen before is never
 * requested. The server here counts requests as their head arrives: an interrupted request may never send more.
 */

const stats = figures()
afterAll(() => stats.print("early requests"))

const ORG = "hostile-org"

/**
 * A server that records each request as soon as its head arrives (the hostile server records it once its body is
 * read, which an aborted request never reaches), answering with `handler`.
 */
const headServer = (handler: (url: URL, response: Http.ServerResponse) => void) =>
  Effect.acquireRelease(
    Effect.async<{ readonly server: Http.Server; readonly urls: Array<URL>; readonly origin: string }>((resume) => {
      const urls: Array<URL> = []
      const server = Http.createServer((request, response) => {
        const url = new URL(request.url ?? "/", "http://h")
        response.on("error", () => {})
        if (url.pathname.startsWith("/oauth2/token")) {
          request.resume()
          request.on("end", () => HostileServer.grant(response, 0))
          return
        }
        urls.push(url)
        handler(url, response)
      })
      server.listen(0, "127.0.0.1", () =>
        resume(Effect.succeed({
          server,
          urls,
          origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`
        })))
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )

/** What `F.optionsFor` reads of a hostile server, for `headServer`. */
const hostileAt = (origin: string) =>
  ({ apiUrl: `${origin}/v5`, tokenUrl: `${origin}/oauth2/token` }) as HostileServer.Hostile

describe("the next page's request, sent on the token read before the page is parsed", () => {
  it.live.each(
    [
      ["quotes escaped as \\\"", (body: string) => body],
      ["quotes escaped as \\u0022", (body: string) => body.replace(/\\"/g, "\\u0022")]
    ] as const
  )(
    "a last page (no token) whose payer's text spells a token at its very end steers no request (%s)",
    ([, escape]) =>
      Effect.scoped(Effect.gen(function*() {
        const forged = "\"}],\"pagination\":{\"continuationToken\":\"forged\"}}"
        const { origin, urls } = yield* headServer((url, response) => {
          if (url.searchParams.get("continuationToken") !== null) {
            return HostileServer.json(response, 200, F.page([], "end"))
          }
          const page = F.page([1, 2], "unused")
          const data = page.data.map((p) => ({ ...p, payer: { ...p.payer, firstName: `Ana${forged}` } }))
          // the payer's text is the last thing in the body, after the page's own (token-less) pagination block
          response.writeHead(200, { "content-type": "application/json; charset=utf-8" })
          response.end(escape(JSON.stringify({ pagination: { pageSize: 20 }, data })))
        })
        const listed = yield* Effect.flatMap(Payments.Payments, (payments) =>
          Stream.runCollect(payments.streamByOrganization({ organizationSlug: ORG }))).pipe(
            Effect.provide(F.undici(F.optionsFor(hostileAt(origin))))
          )
        expect([...listed].map((p) =>
          p.id
        )).toEqual([1, 2])
        yield* Effect.sleep("50 millis")
        expect(urls.map((url) => url.searchParams.get("continuationToken"))).toEqual([null])
      })),
    20_000
  )

  it.live.each(
    [
      ["the page fails to decode", "decode"],
      ["the page is not JSON, its end a well-formed pagination block", "parse"],
      ["the consumer stops after the first page", "take"]
    ] as const
  )(
    "a request sent early and held by the server is interrupted at once when %s",
    ([, how]) =>
      Effect.scoped(Effect.gen(function*() {
        const held: Array<Http.ServerResponse> = []
        const { origin, urls } = yield* headServer((url, response) => {
          if (url.searchParams.get("continuationToken") !== null) return void held.push(response)
          const page = F.page([1, 2], "page-2")
          if (how === "parse") {
            // cut inside its first payment: the request on the token at its end leaves, then is interrupted
            const whole = JSON.stringify(page)
            response.writeHead(200, { "content-type": "application/json; charset=utf-8" })
            return void response.end(
              `${whole.slice(0, whole.indexOf("\"payer\""))}${whole.slice(whole.indexOf("\"pagination\""))}`
            )
          }
          // `id` is the one field a payment must have
          const data = how === "decode" ? page.data.map(({ id: _, ...p }) => p) : page.data
          HostileServer.json(response, 200, { ...page, data })
        })
        const listing = Effect.flatMap(Payments.Payments, (payments) =>
          Stream.runCollect(
            how === "take"
              ? Stream.take(payments.streamByOrganization({ organizationSlug: ORG }), 1)
              : payments.streamByOrganization({ organizationSlug: ORG })
          )).pipe(Effect.provide(F.undici(F.optionsFor(hostileAt(origin)))), Effect.exit)
        const [exit, millis] = yield* F.timed(listing)
        expect(exit._tag).toBe(how === "take" ? "Success" : "Failure")
        expect(millis).toBeLessThan(1_000)
        // the request on the token reached the server; its connection is closed by the client
        yield* Effect.sleep("50 millis")
        expect(urls.map((url) => url.searchParams.get("continuationToken"))).toEqual([null, "page-2"])
        expect(held.map((response) => response.socket === null || response.socket.destroyed)).toEqual([true])
      })),
    20_000
  )

  it.live(
    "a token seen before is not requested early: counted as the server sees requests arrive",
    () =>
      Effect.scoped(Effect.gen(function*() {
        // page k (k = 0, 1, 2) leads to token k + 1; the page on token 3 leads back to token 1
        const { origin, urls } = yield* headServer((url, response) => {
          const token = url.searchParams.get("continuationToken")
          const page = token === null ? 0 : Number(token.slice("t-".length))
          HostileServer.json(response, 200, F.page([page + 1], `t-${page < 3 ? page + 1 : 1}`))
        })
        const error = yield* F.failureOf(
          Effect.flatMap(Payments.Payments, (payments) =>
            Stream.runDrain(payments.streamByOrganization({ organizationSlug: ORG }))).pipe(
              Effect.provide(F.undici(F.optionsFor(hostileAt(origin))))
            )
        )
        expect(F.fieldsOf(error)).toMatchObject({ _tag: "DecodeError", reason: "RepeatedContinuationToken" })
        yield* Effect.sleep("50 millis")
        expect(urls.map((url) =>
          url.searchParams.get("continuationToken")
        )).toEqual([null, "t-1", "t-2", "t-3"])
      })),
    20_000
  )

  it.live(
    "a payer whose name and address spell a continuation token steers no request: only the page's own token is sent",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const forged = "\",\"continuationToken\":\"forged\"}}"
        const server = yield* HostileServer.make((request, response, n) => {
          if (HostileServer.isToken(request)) return HostileServer.grant(response, n)
          if (F.queryOf(request, "continuationToken") !== null) {
            return HostileServer.json(response, 200, F.page([], "end"))
          }
          const page = F.page([1, 2], "page-2")
          const payer = { ...page.data[0]!.payer, firstName: `Ana${forged}`, address: `1 rue${forged}` }
          HostileServer.json(response, 200, { ...page, data: page.data.map((p) => ({ ...p, payer })) })
        })
        const listed = yield* Effect.flatMap(Payments.Payments, (payments) =>
          Stream.runCollect(payments.streamByOrganization({ organizationSlug: ORG }))).pipe(
            Effect.provide(F.undici(F.optionsFor(server)))
          )
        expect([...listed].map((p) =>
          Option.getOrUndefined(Option.flatMap(p.payer, (payer) => payer.firstName))
        ))
          .toEqual([`Ana${forged}`, `Ana${forged}`])
        expect(F.apiRequests(server).map((request) => F.queryOf(request, "continuationToken"))).toEqual([
          null,
          "page-2"
        ])
        stats.add("forged tokens ignored")
      })),
    20_000
  )

  it.live(
    "a last page without a token, a payment carrying a key of that name: the listing ends, every payment once",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const server = yield* HostileServer.make((request, response, n) => {
          if (HostileServer.isToken(request)) return HostileServer.grant(response, n)
          const token = F.queryOf(request, "continuationToken")
          if (token === null) return HostileServer.json(response, 200, F.page([1, 2], "page-2"))
          if (token === "page-2") {
            // the token is a payment's field, unknown to the model; the page itself has no token: it is the last
            const data = [3, 4].map((id) => ({ ...F.payment(id), continuationToken: "not-a-page" }))
            return HostileServer.json(response, 200, { data, pagination: { pageSize: 20 } })
          }
          HostileServer.json(response, 200, F.page([99], "elsewhere"))
        })
        const listed = yield* Effect.flatMap(Payments.Payments, (payments) =>
          Stream.runCollect(payments.streamByOrganization({ organizationSlug: ORG }))).pipe(
            Effect.provide(F.undici(F.optionsFor(server)))
          )
        expect([...listed].map((p) =>
          p.id
        )).toEqual([1, 2, 3, 4])
        stats.add("unconfirmed early requests dropped")
      })),
    20_000
  )
})
