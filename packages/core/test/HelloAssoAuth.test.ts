import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { HelloAssoAuth, HelloAssoConfig, HelloAssoError, Payments } from "@helloasso-effect/core"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import { Duration, Effect, Layer, Redacted, TestClock } from "effect"

const Simulator = HelloAssoSimulator.HelloAssoSimulator

const token = Effect.flatMap(HelloAssoAuth.TokenProvider, (provider) => provider.token)

describe("HelloAssoAuth.layerClientCredentials", () => {
  it.effect("grants a token once and reuses it until shortly before it expires", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator
      const first = yield* token
      expect(Redacted.isRedacted(first)).toBe(true)
      yield* TestClock.adjust(Duration.seconds(1800 - 61))
      expect(Redacted.value(yield* token)).toBe(Redacted.value(first))
      expect((yield* simulator.stats).grants).toEqual({ clientCredentials: 1, refreshToken: 0, refused: 0 })
      // inside the 60 s margin: renewed with the refresh token, before HelloAsso would refuse it
      yield* TestClock.adjust(Duration.seconds(2))
      const second = yield* token
      expect(Redacted.value(second)).not.toBe(Redacted.value(first))
      expect((yield* simulator.stats).grants).toEqual({ clientCredentials: 1, refreshToken: 1, refused: 0 })
    }).pipe(Effect.provide(HelloAssoSimulator.layerHelloAsso({ payments: 5 }))))

  it.effect("follows refresh token rotation across renewals", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator
      const seen = new Set<string>()
      for (let i = 0; i < 4; i++) {
        seen.add(Redacted.value(yield* token))
        yield* TestClock.adjust(Duration.seconds(1800))
      }
      expect(seen.size).toBe(4)
      // each refresh used the newest refresh token: none was refused
      expect((yield* simulator.stats).grants).toEqual({ clientCredentials: 1, refreshToken: 3, refused: 0 })
    }).pipe(Effect.provide(HelloAssoSimulator.layerHelloAsso({ payments: 5 }))))

  it.effect("falls back to client credentials when the refresh token is refused", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator
      yield* token
      yield* TestClock.adjust(Duration.hours(2))
      yield* token
      expect((yield* simulator.stats).grants).toEqual({ clientCredentials: 2, refreshToken: 0, refused: 1 })
    }).pipe(Effect.provide(HelloAssoSimulator.layerHelloAsso({ payments: 5, refreshTokenTtl: "1 hour" }))))

  it.effect("makes one grant for 1,000 concurrent callers", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator
      const payments = yield* Payments.Payments
      const tokens = yield* Effect.all(Array.from({ length: 1000 }, () => token), { concurrency: "unbounded" })
      expect(new Set(tokens.map(Redacted.value)).size).toBe(1)
      yield* Effect.all(Array.from({ length: 200 }, () => payments.get(20_000_001)), { concurrency: "unbounded" })
      expect((yield* simulator.stats).grants).toEqual({ clientCredentials: 1, refreshToken: 0, refused: 0 })
    }).pipe(Effect.provide(HelloAssoSimulator.layerHelloAsso({ payments: 5 }))))

  it.effect("does not cache a failed grant", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator
      yield* simulator.setFaults([{ endpoint: "token", on: [1], fault: HelloAssoSimulator.fault.status(503) }])
      const failed = yield* Effect.flip(token)
      expect(failed).toBeInstanceOf(HelloAssoError.AuthError)
      expect(failed).toMatchObject({ reason: "TokenEndpointFailure", status: 503 })
      expect(Redacted.isRedacted(yield* token)).toBe(true)
      expect((yield* simulator.stats).grants.clientCredentials).toBe(1)
    }).pipe(Effect.provide(HelloAssoSimulator.layerHelloAsso({ payments: 5, client: { retry: { maxRetries: 0 } } }))))

  it.effect("retries the token request on 503 like a GET", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator
      yield* simulator.setFaults([{ endpoint: "token", on: [1, 2], fault: HelloAssoSimulator.fault.unavailable(1) }])
      const fiber = yield* Effect.fork(token)
      yield* TestClock.adjust(Duration.seconds(1))
      yield* TestClock.adjust(Duration.seconds(1))
      expect(Redacted.isRedacted(yield* fiber)).toBe(true)
      expect((yield* simulator.stats).grants.clientCredentials).toBe(1)
    }).pipe(Effect.provide(HelloAssoSimulator.layerHelloAsso({ payments: 5 }))))

  it.effect("refuses wrong credentials with AuthError InvalidCredentials, without the secret", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(token)
      expect(error).toMatchObject({ _tag: "AuthError", reason: "InvalidCredentials", status: 400 })
      expect(error.message).toContain("invalid_client")
      expect(error.message).not.toContain("wrong-secret-value")
      expect(JSON.stringify(error)).not.toContain("wrong-secret-value")
    }).pipe(
      Effect.provide(
        HelloAssoSimulator.layerHelloAsso({
          payments: 5,
          client: { clientSecret: Redacted.make("wrong-secret-value") }
        })
      )
    ))

  it.effect("renews the token after a 401 and replays the GET once", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator
      const payments = yield* Payments.Payments
      yield* payments.get(20_000_001)
      yield* simulator.revokeAccessTokens
      const payment = yield* payments.get(20_000_002)
      expect(payment.id).toBe(20_000_002)
      const log = yield* simulator.requests
      expect(log.map((entry) => [entry.endpoint, entry.status])).toEqual([
        ["token", 200],
        ["get", 200],
        ["get", 401],
        ["token", 200],
        ["get", 200]
      ])
      expect((yield* simulator.stats).grants).toEqual({ clientCredentials: 1, refreshToken: 1, refused: 0 })
    }).pipe(Effect.provide(HelloAssoSimulator.layerHelloAsso({ payments: 5 }))))

  it.effect("fails to build without credentials, naming the option", () =>
    Effect.gen(function*() {
      const error = yield* Layer.build(HelloAssoAuth.layerClientCredentials).pipe(
        Effect.scoped,
        Effect.provide(HelloAssoConfig.layer({})),
        Effect.provide(FetchHttpClient.layer),
        Effect.flip
      )
      expect(String(error)).toContain("clientId")
    }))
})

describe("HelloAssoAuth.layerStatic", () => {
  it.effect("sends the given token; a 401 is an AuthError", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator
      const payments = yield* Payments.Payments
      const error = yield* Effect.flip(payments.get(20_000_001))
      expect(error).toMatchObject({ _tag: "AuthError", reason: "Unauthorized", status: 401 })
      expect((yield* simulator.requests).map((entry) => entry.status)).toEqual([401, 401])
    }).pipe(
      Effect.provide(
        HelloAssoSimulator.layerHelloAsso({ payments: 5, client: { accessToken: Redacted.make("not-issued") } })
      )
    ))
})
