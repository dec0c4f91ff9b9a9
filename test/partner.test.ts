import { KeyValueStore } from "@effect/platform"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { describe, expect, it } from "@effect/vitest"
import { HelloAsso, HelloAssoAuth, HelloAssoConfig, Payments, TokenStore } from "@helloasso-effect/core"
import { NodeSimulatorServer, NodeTokenStore } from "@helloasso-effect/node"
import { Context, DateTime, Effect, Layer, Option, Redacted, TestClock } from "effect"
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

/**
 * Partner access over loopback HTTP through the Node stack (undici), with tokens in files (`NodeTokenStore`): the
 * flow and its refusals, restarts (a new runtime, then new processes) on the same files, a writer killed in the
 * middle of a write, and 1,000 calls across 10 organizations.
 */

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const tmp = (name: string) => Fs.mkdtempSync(Path.join(Os.tmpdir(), `helloasso-${name}-`))

/** The partner's client, its URLs next to the server's `apiUrl` (the authorization page included). */
const configOf = (server: NodeSimulatorServer.Service) => ({
  HELLOASSO_API_URL: server.apiUrl,
  HELLOASSO_CLIENT_ID: server.simulator.partner.clientId,
  HELLOASSO_CLIENT_SECRET: Redacted.value(server.simulator.partner.clientSecret)
})

/** The partner application's services: its configuration, undici, and tokens in `directory`. */
const app = (server: NodeSimulatorServer.Service, directory: string) =>
  Layer.mergeAll(
    HelloAssoConfig.layer({
      apiUrl: server.apiUrl,
      clientId: server.simulator.partner.clientId,
      clientSecret: server.simulator.partner.clientSecret,
      retry: { baseDelay: "1 millis", maxDelay: "5 millis" }
    }),
    NodeHttpClient.layerUndici,
    NodeTokenStore.layerFileSystem(directory)
  )

const REDIRECT = "https://partner.example/callback"

/** The administrator's browser on the authorization page: where it is redirected to. */
const browse = (url: string) =>
  Effect.promise(async () => {
    const response = await fetch(url, { redirect: "manual" })
    expect(response.status).toBe(302)
    return new URL(response.headers.get("location")!)
  })

const authorize = (server: NodeSimulatorServer.Service, organizationSlug?: string) =>
  Effect.gen(function*() {
    if (organizationSlug !== undefined) {
      yield* server.simulator.setConsent(() => ({ _tag: "Grant", organizationSlug }))
    }
    const request = yield* HelloAssoAuth.authorizationRequest({ redirectUri: REDIRECT })
    expect(request.url.startsWith(`${server.url}/authorize?`)).toBe(true)
    const back = yield* browse(request.url)
    expect(back.searchParams.get("state")).toBe(request.state)
    return { request, code: back.searchParams.get("code")! }
  })

const connect = (server: NodeSimulatorServer.Service, organizationSlug?: string) =>
  Effect.flatMap(
    authorize(server, organizationSlug),
    ({ code, request }) => HelloAssoAuth.connect({ code, codeVerifier: request.codeVerifier, redirectUri: REDIRECT })
  )

const firstPage = (organizationSlug: string) =>
  Effect.flatMap(Payments.Payments, (payments) => payments.listByOrganization({ organizationSlug, pageSize: 5 })).pipe(
    Effect.provide(HelloAsso.layerOrganization({ organizationSlug }))
  )

const mode = (file: string) => Fs.statSync(file).mode & 0o777

/** Runs `test/support/partnerProcess.ts` as one Node process (tsx as a loader: a kill reaches the program itself). */
const partnerProcess = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  spawn(
    process.execPath,
    [
      "--conditions=@helloasso-effect/source",
      "--import",
      "tsx",
      Path.join(root, "test/support/partnerProcess.ts"),
      ...args
    ],
    { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] }
  )

const output = (child: ReturnType<typeof partnerProcess>) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    child.on("close", (code) => resolve({ code, stdout, stderr }))
  })

describe("partner access over loopback HTTP (undici, file store)", () => {
  it.live(
    "connects an association and lists its payments; the token file is readable by its owner only",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const server = yield* NodeSimulatorServer.make({ payments: 40 })
        const slug = server.simulator.organization.slug
        const directory = Path.join(tmp("tokens"), "partner")
        yield* Effect.gen(function*() {
          const config = yield* HelloAssoConfig.HelloAssoConfig
          expect(config.authorizeUrl).toBe(server.authorizeUrl)
          const tokens = yield* connect(server)
          expect(tokens.organizationSlug).toBe(slug)
          const page = yield* firstPage(slug)
          expect(page.data.map((p) => p.id)).toEqual(
            (yield* server.simulator.listPayments()).slice(0, 5).map((p) => p.id)
          )
        }).pipe(Effect.provide(app(server, directory)))
        const files = Fs.readdirSync(directory)
        expect(files).toEqual([encodeURIComponent(`helloasso-tokens/${slug}`)])
        expect(mode(directory)).toBe(0o700)
        expect(mode(Path.join(directory, files[0]!))).toBe(0o600)
        expect(JSON.parse(Fs.readFileSync(Path.join(directory, files[0]!), "utf8"))).toMatchObject({
          version: 1,
          organizationSlug: slug
        })
      })),
    30_000
  )

  // under TestClock: the server's clock is the test's, so a code can be made to expire
  it.effect(
    "refuses a wrong verifier, an expired code, a reused code and a wrong redirect URI",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const server = yield* NodeSimulatorServer.make({ payments: 10 })
        const refusal = (exchange: Effect.Effect<unknown, unknown, any>) =>
          Effect.map(Effect.flip(exchange), (error) => {
            expect(error).toMatchObject({ _tag: "AuthError", reason: "CodeRefused", status: 400 })
            return (error as Error).message.replace(/^.*invalid_grant: /, "")
          })
        yield* Effect.gen(function*() {
          const wrongVerifier = yield* authorize(server)
          const other = yield* HelloAssoAuth.authorizationRequest({ redirectUri: REDIRECT })
          const reused = yield* authorize(server)
          yield* HelloAssoAuth.connect({
            code: reused.code,
            codeVerifier: reused.request.codeVerifier,
            redirectUri: REDIRECT
          })
          const wrongRedirect = yield* authorize(server)
          const expired = yield* authorize(server)
          const messages = [
            yield* refusal(HelloAssoAuth.connect({
              code: wrongVerifier.code,
              codeVerifier: other.codeVerifier,
              redirectUri: REDIRECT
            })),
            yield* refusal(HelloAssoAuth.connect({
              code: reused.code,
              codeVerifier: reused.request.codeVerifier,
              redirectUri: REDIRECT
            })),
            yield* refusal(HelloAssoAuth.connect({
              code: wrongRedirect.code,
              codeVerifier: wrongRedirect.request.codeVerifier,
              redirectUri: "https://partner.example/elsewhere"
            })),
            yield* refusal(
              Effect.zipRight(
                TestClock.adjust("5 minutes"),
                HelloAssoAuth.connect({
                  code: expired.code,
                  codeVerifier: expired.request.codeVerifier,
                  redirectUri: REDIRECT
                })
              )
            )
          ]
          expect(messages).toEqual([
            "The code_verifier does not match",
            "The authorization code has already been used",
            "The redirect_uri does not match the one of the authorization request",
            "The authorization code has expired"
          ])
        }).pipe(Effect.provide(app(server, tmp("refusals"))))
      })),
    30_000
  )
})

describe("partner access: restarts and crashes on the file store", () => {
  it.live(
    "a restart keeps working: a new runtime, then new processes, each renewing with the token the last stored",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const server = yield* NodeSimulatorServer.make({ payments: 40 })
        const simulator = server.simulator
        const slug = simulator.organization.slug
        const directory = tmp("restart")
        const expected = (yield* simulator.listPayments()).slice(0, 5).map((p) => p.id)
        // first run: connect, then a 401 makes it renew: a rotated refresh token, written to the file
        yield* Effect.gen(function*() {
          yield* connect(server)
          yield* simulator.revokeAccessTokens
          expect((yield* firstPage(slug)).data.map((p) => p.id)).toEqual(expected)
        }).pipe(Effect.provide(app(server, directory)))
        // a new runtime on the same files: new store, new layers
        yield* simulator.revokeAccessTokens
        const page = yield* firstPage(slug).pipe(Effect.provide(app(server, directory)))
        expect(page.data.map((p) => p.id)).toEqual(expected)
        // then new processes, one after the other
        for (let run = 0; run < 2; run++) {
          yield* simulator.revokeAccessTokens
          const result = yield* Effect.promise(() =>
            output(partnerProcess(["list", directory, slug], configOf(server)))
          )
          expect(result.code).toBe(0)
          expect(JSON.parse(result.stdout)).toEqual({ ids: expected })
        }
        const stats = yield* simulator.stats
        // each run renewed once with the refresh token the previous run stored, and none was refused
        expect(stats.partner.refreshes.get(slug)).toBe(4)
        expect(stats.grants.refused).toBe(0)
        expect(stats.partner.codesIssued).toBe(1)
      })),
    60_000
  )

  it.live(
    "a used refresh token in the files (a backup restored): refused, reported as authorize again, removed",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const server = yield* NodeSimulatorServer.make({ payments: 20 })
        const slug = server.simulator.organization.slug
        const directory = tmp("used")
        const file = Path.join(directory, encodeURIComponent(`helloasso-tokens/${slug}`))
        yield* connect(server).pipe(Effect.provide(app(server, directory)))
        const backup = Fs.readFileSync(file, "utf8")
        // a renewal rotates the refresh token: the one in the backup is used from now on
        yield* server.simulator.revokeAccessTokens
        yield* firstPage(slug).pipe(Effect.provide(app(server, directory)))
        Fs.writeFileSync(file, backup)
        yield* server.simulator.revokeAccessTokens
        const error = yield* Effect.flip(firstPage(slug).pipe(Effect.provide(app(server, directory))))
        expect(error).toMatchObject({ _tag: "AuthError", reason: "AuthorizationRequired", status: 400 })
        expect(error.message).toContain("must be sent through the authorization flow again")
        expect(error.message).toContain("invalid_grant")
        expect(Fs.existsSync(file)).toBe(false)
        expect((yield* server.simulator.stats).grants.refused).toBe(1)
      })),
    30_000
  )

  it.live(
    "a writer killed in the middle of its writes leaves a whole value, never a torn one",
    () =>
      Effect.gen(function*() {
        const directory = tmp("crash")
        const child = partnerProcess(["write-forever", directory])
        const done = output(child)
        yield* Effect.promise(() =>
          new Promise<void>((resolve) => {
            let out = ""
            child.stdout.on("data", (chunk: string) => {
              out += chunk
              if (out.includes("ready")) resolve()
            })
          })
        )
        yield* Effect.sleep("300 millis")
        child.kill("SIGKILL")
        expect((yield* Effect.promise(() => done)).code).toBe(null)
        const value = Fs.readFileSync(Path.join(directory, encodeURIComponent("helloasso-tokens/torn")), "utf8")
        expect(value.length).toBe(256 * 1024)
        expect(new Set(value).size).toBe(1)
        // a temporary file the kill left behind is not a key
        const store = yield* KeyValueStore.KeyValueStore.pipe(
          Effect.provide(NodeTokenStore.layerKeyValueStore(directory))
        )
        expect(yield* store.size).toBe(1)
      }),
    30_000
  )
})

describe("partner access: many organizations in one application (loopback)", () => {
  it.live(
    "1,000 concurrent calls across 10 organizations at expiry: one refresh each, no token mixed up",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const server = yield* NodeSimulatorServer.make({ payments: 30, partner: { organizations: 9, payments: 10 } })
        const simulator = server.simulator
        const slugs = simulator.partner.organizations.map((o) => o.slug)
        const directory = tmp("many")
        yield* Effect.forEach(slugs, (slug) => connect(server, slug)).pipe(Effect.provide(app(server, directory)))
        // the stored access tokens reach their expiry, as over a night's stop
        yield* Effect.gen(function*() {
          const store = yield* TokenStore.TokenStore
          for (const slug of slugs) {
            const tokens = Option.getOrThrow(yield* store.get(slug))
            yield* store.set({ ...tokens, expiresAt: DateTime.unsafeMake(Date.now() - 1000) })
          }
        }).pipe(Effect.provide(NodeTokenStore.layerFileSystem(directory)))
        yield* simulator.clearRequests
        // the next start: two clients per organization, sharing one HTTP client, 1,000 calls at once
        const pages = yield* Effect.gen(function*() {
          const clients = yield* Effect.forEach([...slugs, ...slugs], (organizationSlug) =>
            Effect.map(
              Layer.build(HelloAsso.layerOrganization({ organizationSlug })),
              (context) => ({ organizationSlug, payments: Context.get(context, Payments.Payments) })
            ))
          return yield* Effect.forEach(
            Array.from({ length: 1000 }, (_, i) => clients[i % clients.length]!),
            (c) => c.payments.listByOrganization({ organizationSlug: c.organizationSlug, pageSize: 3 }),
            { concurrency: "unbounded" }
          )
        }).pipe(Effect.scoped, Effect.provide(app(server, directory)))
        const listings = (yield* simulator.requests).filter((entry) => entry.endpoint === "listByOrganization")
        const mixed = listings.filter((entry) => entry.path.split("/")[3] !== entry.tokenOrganization).length
        const refreshes = (yield* simulator.stats).partner.refreshes
        const refreshed = slugs.reduce((n, slug) => n + (refreshes.get(slug) ?? 0), 0)
        console.log(
          `partner access (loopback): organizations ${slugs.length}, calls ${pages.length}, refreshes ${refreshed}, ` +
            `tokens mixed ${mixed}`
        )
        expect(pages.length).toBe(1000)
        expect(listings.length).toBe(1000)
        expect(listings.every((entry) => entry.status === 200)).toBe(true)
        expect(mixed).toBe(0)
        expect(slugs.map((slug) => refreshes.get(slug))).toEqual(slugs.map(() => 1))
      })),
    60_000
  )
})
