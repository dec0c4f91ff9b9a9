import type { HttpServer } from "@effect/platform"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { describe, expect, it } from "@effect/vitest"
import { NodeSimulatorServer } from "@helloasso-effect/node"
import { ConfigProvider, Effect, Redacted } from "effect"
import * as Fs from "node:fs"
import * as Http from "node:http"
import * as Os from "node:os"
import * as Path from "node:path"
import { connectRoutes, latestPayments, PartnerLive } from "./partner.js"

describe("a partner application", () => {
  it.live(
    "connects an association, restarts, and lists its payments without connecting it again",
    () =>
      Effect.scoped(Effect.gen(function*() {
        // HelloAsso: the simulator over loopback HTTP, its partner client in the application's variables
        const helloasso = yield* NodeSimulatorServer.make({ payments: 50 })
        const variables = ConfigProvider.fromMap(
          new Map([
            ["HELLOASSO_API_URL", helloasso.apiUrl],
            ["HELLOASSO_CLIENT_ID", helloasso.simulator.partner.clientId],
            ["HELLOASSO_CLIENT_SECRET", Redacted.value(helloasso.simulator.partner.clientSecret)]
          ])
        )
        const tokenDirectory = Path.join(Fs.mkdtempSync(Path.join(Os.tmpdir(), "partner-")), "tokens")
        // the administrator's browser, following each redirect by hand
        const open = (url: string) => Effect.promise(() => fetch(url, { redirect: "manual" }))

        // first run: the application serves /connect and /callback, an administrator connects their association
        const answer = yield* Effect.scoped(Effect.gen(function*() {
          const server = yield* NodeHttpServer.make(() => Http.createServer(), { port: 0, host: "127.0.0.1" })
          const app = `http://127.0.0.1:${(server.address as HttpServer.TcpAddress).port}`
          yield* server.serve(connectRoutes(`${app}/callback`))
          const toHelloAsso = yield* open(`${app}/connect`)
          const backToApp = yield* open(toHelloAsso.headers.get("location")!)
          const callback = yield* open(backToApp.headers.get("location")!)
          return yield* Effect.promise(() => callback.text())
        })).pipe(Effect.provide(PartnerLive(tokenDirectory)), Effect.withConfigProvider(variables))
        expect(answer).toBe(`connected ${helloasso.simulator.organization.slug}`)

        // next run: a new runtime on the same token files lists the association's payments
        const page = yield* latestPayments(helloasso.simulator.organization.slug).pipe(
          Effect.provide(PartnerLive(tokenDirectory)),
          Effect.withConfigProvider(variables)
        )
        const expected = (yield* helloasso.simulator.listPayments()).slice(0, 10)
        expect(page.data.map((p) => p.id)).toEqual(expected.map((p) => p.id))
        // without connecting again: one authorization in all
        expect((yield* helloasso.simulator.stats).partner.codesIssued).toBe(1)
      })),
    30_000
  )
})
