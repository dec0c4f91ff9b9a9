import * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import { HelloAssoConfig } from "@helloasso-effect/core"
import { Config, ConfigProvider, Effect, Exit, Option, Schedule } from "effect"

// Your own variable names, one Config per option; each value is checked where it is read.
const AppHelloAssoConfig = HelloAssoConfig.layerConfig({
  clientId: Config.string("APP_HELLOASSO_ID"),
  clientSecret: Config.redacted("APP_HELLOASSO_SECRET"),
  apiUrl: Config.string("APP_HELLOASSO_URL").pipe(Config.withDefault(undefined)),
  retry: { maxRetries: Config.integer("APP_HELLOASSO_RETRIES").pipe(Config.withDefault(undefined)) },
  // values, never read from the environment
  transformClient: HttpClient.tapRequest((request) => Effect.logDebug(`${request.method} ${request.url}`)),
  retrySchedule: Schedule.exponential("200 millis").pipe(Schedule.jittered, Schedule.intersect(Schedule.recurs(3)))
})

const configFrom = (variables: Record<string, string>) =>
  HelloAssoConfig.HelloAssoConfig.pipe(
    Effect.provide(AppHelloAssoConfig),
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(variables))))
  )

describe("HelloAssoConfig.layerConfig with your own variables", () => {
  it.effect("reads them, and keeps the defaults of the options left out", () =>
    Effect.gen(function*() {
      const config = yield* configFrom({ APP_HELLOASSO_ID: "my-client", APP_HELLOASSO_SECRET: "my-secret" })
      expect(config.apiUrl).toBe("https://api.helloasso.com/v5")
      expect(Option.map(config.credentials, (credentials) => credentials.clientId)).toEqual(Option.some("my-client"))
      expect(Option.isSome(config.transformClient) && Option.isSome(config.retrySchedule)).toBe(true)
    }))

  it("a refused value fails with a ConfigError at its variable", () => {
    const exit = Effect.runSyncExit(configFrom({
      APP_HELLOASSO_ID: "my-client",
      APP_HELLOASSO_SECRET: "my-secret",
      APP_HELLOASSO_URL: "http://api.example.org/v5"
    }))
    expect(String(Exit.isFailure(exit) && exit.cause)).toContain("Invalid data at APP_HELLOASSO_URL")
  })
})
