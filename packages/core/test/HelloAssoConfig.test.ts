import { describe, expect, it } from "@effect/vitest"
import { HelloAssoConfig } from "@helloasso-effect/core"
import { ConfigProvider, Effect, Either, Exit, Layer, Option, Redacted } from "effect"

const fromMap = (entries: Record<string, string>) =>
  HelloAssoConfig.HelloAssoConfig.pipe(
    Effect.provide(HelloAssoConfig.layerConfig()),
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(entries))))
  )

describe("HelloAssoConfig", () => {
  it.effect("reads HELLOASSO_* variables, the secret stays Redacted", () =>
    Effect.gen(function*() {
      const config = yield* fromMap({
        HELLOASSO_CLIENT_ID: "client-id",
        HELLOASSO_CLIENT_SECRET: "s3cr3t-value",
        HELLOASSO_ENVIRONMENT: "sandbox"
      })
      expect(config.apiUrl).toBe("https://api.helloasso-sandbox.com/v5")
      expect(config.tokenUrl).toBe("https://api.helloasso-sandbox.com/oauth2/token")
      const credentials = Option.getOrThrow(config.credentials)
      expect(credentials.clientId).toBe("client-id")
      expect(Redacted.isRedacted(credentials.clientSecret)).toBe(true)
      expect(Redacted.value(credentials.clientSecret)).toBe("s3cr3t-value")
      expect(JSON.stringify(config)).not.toContain("s3cr3t-value")
      expect(String(credentials.clientSecret)).not.toContain("s3cr3t-value")
    }))

  it.effect("defaults to production with no credentials", () =>
    Effect.gen(function*() {
      const config = yield* fromMap({})
      expect(config.apiUrl).toBe(HelloAssoConfig.production.apiUrl)
      expect(config.tokenUrl).toBe("https://api.helloasso.com/oauth2/token")
      expect(Option.isNone(config.credentials)).toBe(true)
    }))

  it.effect("accepts loopback http URLs (the simulator) and drops a trailing slash", () =>
    Effect.gen(function*() {
      const config = yield* fromMap({
        HELLOASSO_API_URL: "http://127.0.0.1:8080/v5/",
        HELLOASSO_TOKEN_URL: "http://localhost:8080/oauth2/token"
      })
      expect(config.apiUrl).toBe("http://127.0.0.1:8080/v5")
      expect(config.tokenUrl).toBe("http://localhost:8080/oauth2/token")
      const ipv6 = yield* fromMap({ HELLOASSO_API_URL: "http://[::1]:9999/v5" })
      expect(ipv6.apiUrl).toBe("http://[::1]:9999/v5")
    }))

  it.each([
    ["HELLOASSO_API_URL", "http://api.helloasso.com/v5"],
    ["HELLOASSO_API_URL", "http://192.168.1.10/v5"],
    ["HELLOASSO_TOKEN_URL", "ftp://127.0.0.1/token"],
    ["HELLOASSO_API_URL", "not a url"],
    ["HELLOASSO_API_URL", "https://user:pw@api.helloasso.com/v5"],
    ["HELLOASSO_ENVIRONMENT", "staging"]
  ])("refuses %s=%s with a config error naming the variable", (name, value) => {
    const exit = Effect.runSyncExit(fromMap({ [name]: value }))
    expect(Exit.isFailure(exit)).toBe(true)
    expect(String(Exit.isFailure(exit) ? exit.cause : "")).toContain(name)
  })

  it("refuses a client id without its secret, naming the missing variable", () => {
    const exit = Effect.runSyncExit(fromMap({ HELLOASSO_CLIENT_ID: "id" }))
    expect(String(Exit.isFailure(exit) ? exit.cause : "")).toContain("HELLOASSO_CLIENT_SECRET")
  })

  it("checks options given in code, naming the option", () => {
    const result = HelloAssoConfig.make({ apiUrl: "http://example.com/v5" })
    expect(Either.isLeft(result) && String(result.left)).toContain("apiUrl")
    const ok = HelloAssoConfig.make({ clientId: "id", clientSecret: Redacted.make("secret"), timeout: "5 seconds" })
    expect(Either.isRight(ok)).toBe(true)
  })

  it.effect("layer(options) provides the service", () =>
    Effect.gen(function*() {
      const config = yield* HelloAssoConfig.HelloAssoConfig
      expect(config.retry.maxRetries).toBe(2)
    }).pipe(Effect.provide(Layer.fresh(HelloAssoConfig.layer({ retry: { maxRetries: 2 } })))))
})
