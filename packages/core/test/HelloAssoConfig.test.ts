import * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import { HelloAssoConfig } from "@helloasso-effect/core"
import {
  Cause,
  Config,
  ConfigError,
  ConfigProvider,
  Duration,
  Effect,
  Either,
  Exit,
  Layer,
  Option,
  Redacted,
  Schedule
} from "effect"

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

/** Where each `InvalidData` / `MissingData` of a `ConfigError` is, as `KEY.SUBKEY`. */
const pathsOf = (error: ConfigError.ConfigError): ReadonlyArray<string> => {
  switch (error._op) {
    case "And":
    case "Or":
      return [...pathsOf(error.left), ...pathsOf(error.right)]
    case "InvalidData":
    case "MissingData":
    case "SourceUnavailable":
    case "Unsupported":
      return [error.path.join(".")]
  }
}

/** The `ConfigError` building the config fails with, read from `entries` by `ConfigProvider.fromMap`. */
const configErrorOf = (
  layer: Layer.Layer<HelloAssoConfig.HelloAssoConfig, ConfigError.ConfigError>,
  entries: Record<string, string>
) =>
  HelloAssoConfig.HelloAssoConfig.pipe(
    Effect.provide(layer),
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(entries)))),
    Effect.flip,
    Effect.runSync
  )

/** The options under names of the application's choosing. */
const appConfigs = {
  apiUrl: Config.string("APP_API_URL").pipe(Config.withDefault(undefined)),
  clientId: Config.string("APP_CLIENT_ID"),
  clientSecret: Config.redacted("APP_CLIENT_SECRET"),
  userAgent: Config.string("APP_USER_AGENT").pipe(Config.withDefault(undefined)),
  maxBodyBytes: Config.integer("APP_MAX_BODY_BYTES").pipe(Config.withDefault(undefined)),
  timeout: Config.duration("APP_TIMEOUT").pipe(Config.withDefault(undefined)),
  retry: { maxRetries: Config.integer("APP_MAX_RETRIES").pipe(Config.withDefault(undefined)) }
} satisfies HelloAssoConfig.ConfigOptions

const appCredentials = { APP_CLIENT_ID: "app-id", APP_CLIENT_SECRET: "app-s3cr3t" }

describe("HelloAssoConfig: a ConfigError names the key it read", () => {
  it.each([
    ["HELLOASSO_API_URL", "http://api.helloasso.com/v5"],
    ["HELLOASSO_API_URL", "http://192.168.1.10/v5"],
    ["HELLOASSO_API_URL", "not a url"],
    ["HELLOASSO_TOKEN_URL", "ftp://127.0.0.1/token"],
    ["HELLOASSO_TOKEN_URL", "https://user:pw@api.helloasso.com/oauth2/token"],
    ["HELLOASSO_CLIENT_ID", "   "],
    ["HELLOASSO_ENVIRONMENT", "staging"]
  ])("layerConfig(): %s=%s fails at the path HELLOASSO_… itself", (name, value) => {
    const error = configErrorOf(HelloAssoConfig.layerConfig(), {
      HELLOASSO_CLIENT_ID: "id",
      HELLOASSO_CLIENT_SECRET: "s3cr3t",
      [name]: value
    })
    expect(ConfigError.isConfigError(error)).toBe(true)
    expect(pathsOf(error)).toEqual([name])
    expect(String(error)).not.toContain("s3cr3t")
  })

  it("fromEnv checks each variable where it reads it, not only layerConfig", () => {
    const exit = Effect.runSyncExit(
      Effect.withConfigProvider(
        HelloAssoConfig.fromEnv,
        ConfigProvider.fromMap(new Map([["HELLOASSO_API_URL", "http://api.helloasso.com/v5"]]))
      )
    )
    expect(Exit.isFailure(exit)).toBe(true)
    const error = Exit.isFailure(exit) ? Option.getOrThrow(Cause.failureOption(exit.cause)) : undefined
    expect(pathsOf(error!)).toEqual(["HELLOASSO_API_URL"])
    expect(String(error)).toContain("is refused: use https")
  })

  it("a client id without its secret names the missing variable", () => {
    const error = configErrorOf(HelloAssoConfig.layerConfig(), { HELLOASSO_CLIENT_ID: "id" })
    expect(pathsOf(error)).toEqual(["HELLOASSO_CLIENT_SECRET"])
  })

  it.each([
    ["APP_API_URL", "http://api.helloasso.com/v5", "apiUrl"],
    ["APP_USER_AGENT", "my-app/1.0\r\nX-Injected: 1", "userAgent"],
    ["APP_MAX_BODY_BYTES", "12", "maxBodyBytes"],
    ["APP_MAX_RETRIES", "21", "retry.maxRetries"],
    ["APP_TIMEOUT", "soon", undefined]
  ])("layerConfig(record): %s=%j fails at the path APP_… the record reads", (name, value, option) => {
    const error = configErrorOf(HelloAssoConfig.layerConfig(appConfigs), { ...appCredentials, [name]: value })
    expect(pathsOf(error)).toEqual([name])
    if (option !== undefined) expect(String(error)).toContain(`${option}: `)
  })

  it("layerConfig(record): a required key of the record that is missing is a MissingData at its path", () => {
    const error = configErrorOf(HelloAssoConfig.layerConfig(appConfigs), { APP_CLIENT_ID: "app-id" })
    expect(error._op).toBe("MissingData")
    expect(pathsOf(error)).toEqual(["APP_CLIENT_SECRET"])
  })

  it.each([
    ["Config.map", Config.string("APP_URL").pipe(Config.map((url) => url.trim()))],
    ["Config.withDescription", Config.string("APP_URL").pipe(Config.withDescription("the API"))],
    ["Config.orElse", Config.string("APP_URL").pipe(Config.orElse(() => Config.string("OTHER_URL")))],
    ["Config.option", Config.option(Config.string("APP_URL")).pipe(Config.map(Option.getOrUndefined))]
  ])("layerConfig(record): a key wrapped by %s still fails at its path", (_, apiUrl) => {
    const error = configErrorOf(HelloAssoConfig.layerConfig({ apiUrl }), { APP_URL: "http://example.org/v5" })
    expect(pathsOf(error)).toEqual(["APP_URL"])
  })

  it("layerConfig(record): retry given as one Config is checked too", () => {
    const layer = HelloAssoConfig.layerConfig({
      retry: Config.all({ maxRetries: Config.integer("APP_MAX_RETRIES") })
    })
    const error = configErrorOf(layer, { APP_MAX_RETRIES: "50" })
    expect(String(error)).toContain("retry.maxRetries: must be an integer from 0 to 20")
  })

  it("layerConfig(Config<Options>): checked like make, naming the option", () => {
    const layer = HelloAssoConfig.layerConfig(Config.all({ userAgent: Config.string("APP_USER_AGENT") }))
    const error = configErrorOf(layer, { APP_USER_AGENT: "a\r\nb" })
    expect(pathsOf(error)).toEqual(["userAgent"])
  })

  it("layerConfig(record): a nested key fails at its whole path", () => {
    const layer = HelloAssoConfig.layerConfig({
      apiUrl: Config.string("apiUrl").pipe(Config.nested("helloasso"))
    })
    const error = configErrorOf(layer, { "helloasso.apiUrl": "http://example.org/v5" })
    expect(pathsOf(error)).toEqual(["helloasso.apiUrl"])
  })

  it.effect("layerConfig(record) reads the record's keys, and overrides win without reading theirs", () =>
    Effect.gen(function*() {
      const config = yield* HelloAssoConfig.HelloAssoConfig.pipe(
        Effect.provide(HelloAssoConfig.layerConfig(appConfigs, { maxBodyBytes: 4096 })),
        Effect.withConfigProvider(ConfigProvider.fromMap(
          new Map(Object.entries({
            ...appCredentials,
            APP_API_URL: "http://127.0.0.1:7000/v5",
            APP_USER_AGENT: "my-app/2.0",
            APP_MAX_BODY_BYTES: "not read, overridden",
            APP_TIMEOUT: "5 seconds",
            APP_MAX_RETRIES: "1"
          }))
        ))
      )
      expect(config.apiUrl).toBe("http://127.0.0.1:7000/v5")
      expect(config.tokenUrl).toBe("http://127.0.0.1:7000/oauth2/token")
      expect(Option.map(config.credentials, (c) => [c.clientId, Redacted.value(c.clientSecret)])).toEqual(
        Option.some(["app-id", "app-s3cr3t"])
      )
      expect(config.userAgent).toEqual(Option.some("my-app/2.0"))
      expect(config.maxBodyBytes).toBe(4096)
      expect(Duration.toMillis(config.timeout)).toBe(5000)
      expect(config.retry.maxRetries).toBe(1)
      // what the record leaves out keeps its default, and nothing comes from HELLOASSO_*
      expect(Duration.toMillis(config.deadline)).toBe(120_000)
      const unread = yield* HelloAssoConfig.HelloAssoConfig.pipe(
        Effect.provide(HelloAssoConfig.layerConfig({ userAgent: Config.string("APP_USER_AGENT") })),
        Effect.withConfigProvider(ConfigProvider.fromMap(
          new Map([["APP_USER_AGENT", "a/1"], ["HELLOASSO_API_URL", "http://127.0.0.1:1/v5"]])
        ))
      )
      expect(unread.apiUrl).toBe(HelloAssoConfig.production.apiUrl)
      expect(Option.isNone(unread.credentials)).toBe(true)
    }))

  it.effect("layerConfig(): a variable set by overrides is not read, so a bad one does not fail", () =>
    Effect.gen(function*() {
      const config = yield* HelloAssoConfig.HelloAssoConfig.pipe(
        Effect.provide(HelloAssoConfig.layerConfig(undefined, { apiUrl: "http://127.0.0.1:9/v5" })),
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["HELLOASSO_API_URL", "http://evil.example/v5"]])))
      )
      expect(config.apiUrl).toBe("http://127.0.0.1:9/v5")
    }))

  it("layer(options) and make name the option in the path", () => {
    const cases: ReadonlyArray<readonly [HelloAssoConfig.Options, string]> = [
      [{ apiUrl: "http://example.com/v5" }, "apiUrl"],
      [{ userAgent: "a\nb" }, "userAgent"],
      [{ clientId: "id" }, "clientSecret"],
      [{ maxErrorBodyBytes: 1.5 }, "maxErrorBodyBytes"],
      [{ retry: { maxRetries: -1 } }, "retry.maxRetries"],
      [{ timeout: "soon" as Duration.DurationInput }, "timeout"],
      [{ environment: "staging" as HelloAssoConfig.Environment }, "environment"]
    ]
    for (const [options, name] of cases) {
      const result = HelloAssoConfig.make(options)
      expect(Either.isLeft(result) && pathsOf(result.left), name).toEqual([name])
      expect(String(Either.isLeft(result) && result.left)).toContain(`${name}: `)
      const error = Effect.runSync(Effect.flip(Layer.build(HelloAssoConfig.layer(options)).pipe(Effect.scoped)))
      expect(pathsOf(error), name).toEqual([name])
    }
  })
})

describe("HelloAssoConfig: transformClient and retrySchedule", () => {
  const transformClient = (client: HttpClient.HttpClient) => HttpClient.tapRequest(client, () => Effect.void)
  const retrySchedule = Schedule.recurs(1)

  it.effect("are carried by layer, by layerConfig's overrides and by its record, never read from the environment", () =>
    Effect.gen(function*() {
      const provider = ConfigProvider.fromMap(new Map([["transformClient", "x"], ["retrySchedule", "y"]]))
      const read = (layer: Layer.Layer<HelloAssoConfig.HelloAssoConfig, ConfigError.ConfigError>) =>
        HelloAssoConfig.HelloAssoConfig.pipe(Effect.provide(layer), Effect.withConfigProvider(provider))
      for (
        const config of [
          yield* read(HelloAssoConfig.layer({ transformClient, retrySchedule })),
          yield* read(HelloAssoConfig.layerConfig(undefined, { transformClient, retrySchedule })),
          yield* read(HelloAssoConfig.layerConfig({ transformClient, retrySchedule }))
        ]
      ) {
        expect(config.transformClient).toEqual(Option.some(transformClient))
        expect(config.retrySchedule).toEqual(Option.some(retrySchedule))
      }
      const empty = yield* read(HelloAssoConfig.layerConfig({ retry: {} }))
      expect(empty.retry.maxRetries).toBe(4)
      const none = yield* read(HelloAssoConfig.layerConfig())
      expect(Option.isNone(none.transformClient)).toBe(true)
      expect(Option.isNone(none.retrySchedule)).toBe(true)
      const options = yield* Effect.withConfigProvider(HelloAssoConfig.fromEnv, provider)
      expect(Object.keys(options)).not.toContain("transformClient")
      expect(Object.keys(options)).not.toContain("retrySchedule")
    }))
})

describe("HelloAssoConfig: authorizeUrl", () => {
  const authorizeUrlOf = (options: HelloAssoConfig.Options) =>
    Either.map(HelloAssoConfig.make(options), (config) => config.authorizeUrl)

  it("defaults to the environment's authorization page, and sits next to a loopback apiUrl", () => {
    expect(HelloAssoConfig.production.authorizeUrl).toBe("https://auth.helloasso.com/authorize")
    expect(HelloAssoConfig.sandbox.authorizeUrl).toBe("https://auth.helloasso-sandbox.com/authorize")
    expect(authorizeUrlOf({})).toEqual(Either.right("https://auth.helloasso.com/authorize"))
    expect(authorizeUrlOf({ environment: "sandbox" })).toEqual(
      Either.right("https://auth.helloasso-sandbox.com/authorize")
    )
    expect(authorizeUrlOf({ apiUrl: "http://127.0.0.1:8080/v5" })).toEqual(
      Either.right("http://127.0.0.1:8080/authorize")
    )
    // HelloAsso's page is on its own host: another apiUrl keeps the environment's
    expect(authorizeUrlOf({ apiUrl: "https://proxy.example/v5", environment: "sandbox" })).toEqual(
      Either.right("https://auth.helloasso-sandbox.com/authorize")
    )
    expect(authorizeUrlOf({ apiUrl: "http://127.0.0.1:8080/v5", authorizeUrl: "https://auth.example/authorize" }))
      .toEqual(Either.right("https://auth.example/authorize"))
  })

  it.effect("reads HELLOASSO_AUTHORIZE_URL; a refused value names the variable", () =>
    Effect.gen(function*() {
      const config = yield* fromMap({ HELLOASSO_AUTHORIZE_URL: "https://auth.example/authorize" })
      expect(config.authorizeUrl).toBe("https://auth.example/authorize")
      const exit = yield* Effect.exit(fromMap({ HELLOASSO_AUTHORIZE_URL: "http://auth.example/authorize" }))
      expect(String(Exit.isFailure(exit) ? exit.cause : "")).toContain("HELLOASSO_AUTHORIZE_URL")
      expect(Either.isLeft(HelloAssoConfig.make({ authorizeUrl: "http://auth.example" }))).toBe(true)
    }))
})
