import { afterAll, describe, expect, it } from "@effect/vitest"
import { HelloAssoConfig, Payments } from "@helloasso-effect/core"
import { NodeHelloAsso } from "@helloasso-effect/node"
import { ConfigError, ConfigProvider, Effect, Either, Layer, Redacted } from "effect"
import type * as Http from "node:http"
import * as Bodies from "../support/bodies.js"
import { figures } from "../support/figures.js"
import * as HostileServer from "../support/hostileServer.js"

/**
 * A configuration that half says where the API is must not send anything elsewhere: an `apiUrl` without its
 * `tokenUrl` gets the token endpoint of the same origin (never production's), and a `userAgent` that would
 * split or corrupt the request headers is refused before anything is sent.
 */

const stats = figures()
afterAll(() => stats.print("misconfiguration"))

const PRODUCTION_HOST = "api.helloasso.com"
const CLIENT_ID = "misconfigured-client"
const CLIENT_SECRET = "misconfigured-secret-Vb8Nm3"

/** Grants a token, answers every API GET with a payment, and records everything. */
const faithful = (request: HostileServer.Received, response: Http.ServerResponse, i: number) =>
  HostileServer.isToken(request)
    ? HostileServer.grant(response, i)
    : HostileServer.json(response, 200, Bodies.payment())

const tokenUrlOf = (options: HelloAssoConfig.Options) =>
  Either.map(HelloAssoConfig.make(options), (config) => config.tokenUrl)

describe("the token URL follows apiUrl", () => {
  it("HelloAssoConfig.make: apiUrl without tokenUrl gives the token endpoint of apiUrl's origin", () => {
    const cases: ReadonlyArray<readonly [HelloAssoConfig.Options, string]> = [
      [{ apiUrl: "http://127.0.0.1:9/v5" }, "http://127.0.0.1:9/oauth2/token"],
      [{ apiUrl: "http://localhost:8080/v5/" }, "http://localhost:8080/oauth2/token"],
      [{ apiUrl: "https://helloasso.proxy.example.org/v5" }, "https://helloasso.proxy.example.org/oauth2/token"],
      // the origin, not the path next to it
      [{ apiUrl: "https://gateway.example.org/helloasso/v5" }, "https://gateway.example.org/oauth2/token"],
      // apiUrl wins over the environment's token endpoint too
      [{ environment: "sandbox", apiUrl: "http://[::1]:4000/v5" }, "http://[::1]:4000/oauth2/token"],
      [
        { apiUrl: "http://127.0.0.1:9/v5", clientId: CLIENT_ID, clientSecret: Redacted.make(CLIENT_SECRET) },
        "http://127.0.0.1:9/oauth2/token"
      ]
    ]
    for (const [options, expected] of cases) {
      expect(tokenUrlOf(options), JSON.stringify(options)).toEqual(Either.right(expected))
      stats.add("configurations")
    }
    // an explicit tokenUrl still wins, and without apiUrl the environment's endpoints stay
    expect(tokenUrlOf({ apiUrl: "http://127.0.0.1:9/v5", tokenUrl: "http://127.0.0.1:10/token" })).toEqual(
      Either.right("http://127.0.0.1:10/token")
    )
    expect(tokenUrlOf({})).toEqual(Either.right(HelloAssoConfig.production.tokenUrl))
    expect(tokenUrlOf({ environment: "sandbox" })).toEqual(Either.right(HelloAssoConfig.sandbox.tokenUrl))
  })

  it.effect("layerConfig / fromEnv: HELLOASSO_API_URL without HELLOASSO_TOKEN_URL gives the token URL next to it", () =>
    Effect.gen(function*() {
      const provider = ConfigProvider.fromMap(
        new Map([
          ["HELLOASSO_API_URL", "http://127.0.0.1:9/v5"],
          ["HELLOASSO_CLIENT_ID", CLIENT_ID],
          ["HELLOASSO_CLIENT_SECRET", CLIENT_SECRET]
        ])
      )
      const viaLayer = yield* HelloAssoConfig.HelloAssoConfig.pipe(
        Effect.provide(HelloAssoConfig.layerConfig()),
        Effect.withConfigProvider(provider)
      )
      expect(viaLayer.apiUrl).toBe("http://127.0.0.1:9/v5")
      expect(viaLayer.tokenUrl).toBe("http://127.0.0.1:9/oauth2/token")
      // the same through Layer.setConfigProvider, as an application would wire it
      const viaSetProvider = yield* HelloAssoConfig.HelloAssoConfig.pipe(
        Effect.provide(HelloAssoConfig.layerConfig().pipe(Layer.provide(Layer.setConfigProvider(provider))))
      )
      expect(viaSetProvider.tokenUrl).toBe("http://127.0.0.1:9/oauth2/token")
      // fromEnv read directly, then checked by make
      const options = yield* Effect.withConfigProvider(HelloAssoConfig.fromEnv, provider)
      expect(tokenUrlOf(options)).toEqual(Either.right("http://127.0.0.1:9/oauth2/token"))
      stats.add("configurations", 3)
    }))

  it.live(
    "NodeHelloAsso.layer with apiUrl and no tokenUrl asks that server for the token, not production",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const hostile = yield* HostileServer.make(faithful)
        const detail = yield* Effect.flatMap(Payments.Payments, (p) => p.get(20000003)).pipe(
          Effect.provide(NodeHelloAsso.layer({
            apiUrl: hostile.apiUrl,
            clientId: CLIENT_ID,
            clientSecret: Redacted.make(CLIENT_SECRET),
            timeout: "3 seconds",
            retry: { maxRetries: 0 }
          }))
        )
        expect(detail.id).toBe(20000003)
        expect(hostile.received.map((r) => `${r.method} ${r.url.split("?")[0]}`)).toEqual([
          "POST /oauth2/token",
          "GET /v5/payments/20000003"
        ])
        expect(hostile.received[0]!.body).toContain("grant_type=client_credentials")
        expect(hostile.received[1]!.headers.authorization).toBe("Bearer access-token-0-Hk3Lm9")
        stats.add("token requests kept on the configured host", hostile.grants())
      })),
    10_000
  )

  it.live(
    "NodeHelloAsso.layerConfig with HELLOASSO_API_URL only asks that server for the token",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const hostile = yield* HostileServer.make(faithful)
        const provider = ConfigProvider.fromMap(
          new Map([
            ["HELLOASSO_API_URL", hostile.apiUrl],
            ["HELLOASSO_CLIENT_ID", CLIENT_ID],
            ["HELLOASSO_CLIENT_SECRET", CLIENT_SECRET]
          ])
        )
        const config = yield* HelloAssoConfig.HelloAssoConfig.pipe(
          Effect.provide(NodeHelloAsso.layerConfig(undefined, { timeout: "3 seconds", retry: { maxRetries: 0 } })),
          Effect.withConfigProvider(provider)
        )
        expect(config.tokenUrl).toBe(hostile.tokenUrl)
        expect(config.tokenUrl).not.toContain(PRODUCTION_HOST)
        const detail = yield* Effect.flatMap(Payments.Payments, (p) => p.get(20000003)).pipe(
          Effect.provide(NodeHelloAsso.layerConfig(undefined, { timeout: "3 seconds", retry: { maxRetries: 0 } })),
          Effect.withConfigProvider(provider)
        )
        expect(detail.id).toBe(20000003)
        expect(hostile.grants()).toBe(1)
        expect(hostile.received.map((r) => r.method)).toEqual(["POST", "GET"])
        stats.add("token requests kept on the configured host", hostile.grants())
      })),
    10_000
  )
})

/** Outside printable ASCII: request splitting (CR, LF), truncation (NUL), other controls, non-ASCII. */
const badUserAgents: ReadonlyArray<readonly [string, string]> = [
  ["CR LF (header injection)", "my-app/1.0\r\nX-Injected: 1"],
  ["CR", "my-app/1.0\rX"],
  ["LF", "my-app/1.0\nX"],
  ["NUL", "my-app/1.0\u0000"],
  ["BEL", "my-app\u0007/1.0"],
  ["ESC", "my-app\u001b[31m/1.0"],
  ["DEL", "my-app/1.0\u007f"],
  ["tab", "my-app/1.0\ttab"],
  ["non-ASCII", "mon-appli-é/1.0"]
]

describe("userAgent outside printable ASCII", () => {
  it.each(badUserAgents)("HelloAssoConfig.make refuses a userAgent with %s, naming userAgent", (_, userAgent) => {
    const result = HelloAssoConfig.make({ userAgent })
    expect(Either.isLeft(result)).toBe(true)
    const error = (result as Either.Left<ConfigError.ConfigError, unknown>).left
    expect(ConfigError.isConfigError(error)).toBe(true)
    expect(String(error)).toContain("userAgent")
    stats.add("bad user agents")
  })

  it.live(
    "NodeHelloAsso.layer with a CR/LF or NUL userAgent fails with a ConfigError, and nothing is sent",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const hostile = yield* HostileServer.make(faithful)
        for (const userAgent of ["my-app/1.0\r\nAuthorization: Bearer stolen", "my-app/1.0\u0000x", "my-app\n"]) {
          const error = yield* Effect.flatMap(Payments.Payments, (p) => p.get(20000003)).pipe(
            Effect.provide(NodeHelloAsso.layer({
              apiUrl: hostile.apiUrl,
              tokenUrl: hostile.tokenUrl,
              clientId: CLIENT_ID,
              clientSecret: Redacted.make(CLIENT_SECRET),
              userAgent,
              timeout: "3 seconds",
              retry: { maxRetries: 0 }
            })),
            Effect.flip
          )
          expect(ConfigError.isConfigError(error), String(error)).toBe(true)
          expect(String(error)).toContain("userAgent")
          stats.add("bad user agents")
        }
        expect(hostile.received).toEqual([])
        stats.add("requests sent", hostile.received.length)
        // a printable one is sent, after the library's own product token
        const agent = "my-app/1.2 (+https://example.org; contact@example.org)"
        yield* Effect.flatMap(Payments.Payments, (p) => p.get(20000003)).pipe(
          Effect.provide(NodeHelloAsso.layer({
            apiUrl: hostile.apiUrl,
            tokenUrl: hostile.tokenUrl,
            clientId: CLIENT_ID,
            clientSecret: Redacted.make(CLIENT_SECRET),
            userAgent: agent,
            timeout: "3 seconds",
            retry: { maxRetries: 0 }
          }))
        )
        const sent = hostile.received.map((r) => String(r.headers["user-agent"]))
        expect(sent.length).toBe(2)
        for (const header of sent) expect(header).toMatch(/^helloasso-effect\/\S+ my-app\/1\.2 \(\+https:/)
        expect(sent.every((header) => header.endsWith(` ${agent}`))).toBe(true)
      })),
    10_000
  )
})
