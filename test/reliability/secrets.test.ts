import { FetchHttpClient } from "@effect/platform"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { HelloAsso, HelloAssoConfig, Payments } from "@helloasso-effect/core"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import { NodeHelloAsso, NodeSimulatorServer } from "@helloasso-effect/node"
import { Cause, Duration, Effect, Exit, Fiber, Layer, Redacted, Stream, TestClock } from "effect"
import { inspect } from "node:util"
import { figures } from "../support/figures.js"
import * as Recording from "../support/recording.js"

/**
 * Secrets never leak: with the logger at its most verbose and tracing on, every error path is driven, and no
 * client secret, access or refresh token or MFA token appears in a log line, a span (name, attribute, event),
 * an error's message, `String(error)`, `JSON.stringify(error)`, its inspected output, or the rendered cause.
 */

const stats = figures()
afterAll(() => stats.print("secrets"))

const CLIENT_SECRET = "client-secret-Zk9Qe2Lw"
const WRONG_SECRET = "wrong-secret-R2d2Xq7"
const MFA_TOKEN = "mfa-token-Qp3X7v9"
const PLAIN_MFA = "plain-mfa-Tr8Yh1"
const EXPECTED_MFA = "expected-mfa-Ww4Ee5"

/** Every way a value may be shown. */
const renderings = (exit: Exit.Exit<unknown, unknown>): Array<string> => {
  if (Exit.isSuccess(exit)) return [inspect(exit.value, { depth: 10 })]
  const out = [Cause.pretty(exit.cause), inspect(exit.cause, { depth: 10 })]
  for (const error of [...Cause.failures(exit.cause), ...Cause.defects(exit.cause)]) {
    const e = error as { message?: string }
    out.push(String(e.message), String(error), JSON.stringify(error), inspect(error, { depth: 10 }))
  }
  return out
}

const assertNoSecret = (texts: ReadonlyArray<string>, secrets: ReadonlyArray<string>) => {
  for (const secret of secrets) {
    for (const text of texts) {
      if (text.includes(secret)) {
        const at = text.indexOf(secret)
        throw new Error(`secret ${secret.slice(0, 6)}… leaked in: ${text.slice(Math.max(0, at - 1500), at + 100)}`)
      }
    }
  }
  stats.add("renderings checked", texts.length)
  stats.add("leaks", 0)
}

describe("secrets", () => {
  it.effect("no secret in logs, spans, errors or the simulator's log, on every error path (in memory)", () => {
    const recording = Recording.make()
    return Effect.gen(function*() {
      const simulator = yield* HelloAssoSimulator.HelloAssoSimulator
      const payments = yield* Payments.Payments
      const config = yield* HelloAssoConfig.HelloAssoConfig
      const org = simulator.organization.slug
      const exits: Array<Exit.Exit<unknown, unknown>> = []
      const drive = <A, E>(effect: Effect.Effect<A, E>) =>
        Effect.tap(Effect.exit(effect), (exit) => Effect.sync(() => exits.push(exit)))
      const withClock = <A, E>(effect: Effect.Effect<A, E>) =>
        Effect.gen(function*() {
          const fiber = yield* Effect.fork(drive(effect))
          for (let i = 0; i < 120; i++) yield* TestClock.adjust(Duration.millis(500))
          return yield* Fiber.join(fiber)
        })
      const all = yield* simulator.listPayments()
      const authorized = all.filter((p) => p.state === "Authorized" && p.type === "Credit")

      yield* drive(payments.listByOrganization({ organizationSlug: org }))
      // 401: the token is renewed with the refresh token and the GET replayed
      yield* simulator.revokeAccessTokens
      yield* drive(payments.get(all[0]!.id))
      // the refresh token expired: refused, then client credentials again
      yield* TestClock.adjust(Duration.hours(3))
      yield* drive(payments.get(all[0]!.id))
      // 403, 404, validation from the API, and from the client
      yield* drive(payments.listByOrganization({ organizationSlug: "autre-association" }))
      yield* drive(payments.get(12345))
      yield* drive(payments.refund(authorized[0]!.id, { mfa: { accessToken: Redacted.make("") } }))
      yield* drive(payments.refund(authorized[0]!.id, { mfa: { accessToken: PLAIN_MFA as never } }))
      // retries on 429 and 503, exhausted
      yield* simulator.setFaults([
        { endpoint: "get", on: [1], fault: HelloAssoSimulator.fault.rateLimited(1) },
        { endpoint: "get", on: [3, 4, 5, 6, 7, 8], fault: HelloAssoSimulator.fault.status(503) }
      ])
      yield* withClock(payments.get(all[1]!.id))
      yield* withClock(payments.get(all[1]!.id))
      // broken answers: malformed, truncated, stalled, reset
      yield* simulator.setFaults([
        { endpoint: "get", on: [1], fault: HelloAssoSimulator.fault.malformedJson },
        { endpoint: "get", on: [2], fault: HelloAssoSimulator.fault.truncatedJson },
        { endpoint: "get", on: [3], fault: HelloAssoSimulator.fault.stallBody },
        { endpoint: "get", on: [4, 5, 6, 7, 8], fault: HelloAssoSimulator.fault.resetAfterRead }
      ])
      yield* drive(payments.get(all[1]!.id))
      yield* drive(payments.get(all[1]!.id))
      yield* withClock(payments.get(all[1]!.id))
      yield* withClock(payments.get(all[1]!.id))
      // a stream that fails mid-way, with its resume token
      yield* simulator.setFaults([{
        endpoint: "listByOrganization",
        on: [2],
        fault: HelloAssoSimulator.fault.status(500)
      }])
      yield* drive(Stream.runDrain(payments.streamByOrganization({ organizationSlug: org, pageSize: 5 })))
      // refunds: MFA required with a wrong token, MFA given, refused, outcome unknown
      yield* simulator.setFaults([])
      yield* simulator.requireMfa("AuthorizationErrors.MFA.AccessTokenRequired", EXPECTED_MFA)
      yield* drive(payments.refund(authorized[1]!.id, { mfa: { accessToken: Redacted.make(MFA_TOKEN) } }))
      yield* drive(payments.refund(authorized[1]!.id, { mfa: { accessToken: Redacted.make(EXPECTED_MFA) } }))
      yield* simulator.requireMfa(undefined)
      yield* drive(payments.refund(all.find((p) => p.type === "Offline")!.id))
      yield* simulator.setFaults([{ endpoint: "refund", on: [1], fault: HelloAssoSimulator.fault.status(503) }])
      yield* drive(payments.refund(authorized[2]!.id, { mfa: { smsAccessToken: Redacted.make(MFA_TOKEN) } }))
      // the token endpoint down
      yield* simulator.revokeAccessTokens
      yield* simulator.setFaults([{ endpoint: "token", fault: HelloAssoSimulator.fault.status(503) }])
      yield* withClock(payments.get(all[2]!.id))

      const issued = (yield* simulator.issuedTokens).map(Redacted.value)
      expect(issued.length).toBeGreaterThanOrEqual(6)
      const secrets = [CLIENT_SECRET, MFA_TOKEN, PLAIN_MFA, EXPECTED_MFA, ...issued]
      const texts = [
        ...exits.flatMap(renderings),
        recording.recorded.dump(),
        JSON.stringify(yield* simulator.requests),
        JSON.stringify(config),
        inspect(config, { depth: 10 }),
        String(config.credentials)
      ]
      expect(exits.filter(Exit.isFailure).length).toBeGreaterThanOrEqual(12)
      expect(recording.recorded.spans.some((span) => span.name === "Payments.refund")).toBe(true)
      expect(
        recording.recorded.spans.some((span) => span.attributes.get("http.request.header.authorization") !== undefined)
      ).toBe(true)
      assertNoSecret(texts, secrets)
      stats.add("error paths", exits.length)
      stats.add("spans", recording.recorded.spans.length)
      stats.add("secrets", secrets.length)
    }).pipe(
      Effect.provide(
        HelloAssoSimulator.layerHelloAsso({
          payments: 300,
          clientSecret: CLIENT_SECRET,
          refreshTokenTtl: "1 hour",
          client: { clientSecret: Redacted.make(CLIENT_SECRET), timeout: "5 seconds" }
        })
      ),
      Effect.provide(recording.layer)
    )
  }, 60_000)

  it.effect("no secret in the error of refused credentials", () => {
    const recording = Recording.make()
    return Effect.gen(function*() {
      const payments = yield* Payments.Payments
      const exit = yield* Effect.exit(payments.get(20_000_001))
      expect(exit).toMatchObject({ cause: { error: { _tag: "AuthError", reason: "InvalidCredentials" } } })
      assertNoSecret([...renderings(exit), recording.recorded.dump()], [WRONG_SECRET, CLIENT_SECRET])
    }).pipe(
      Effect.provide(
        HelloAssoSimulator.layerHelloAsso({
          payments: 5,
          clientSecret: CLIENT_SECRET,
          client: { clientSecret: Redacted.make(WRONG_SECRET) }
        })
      ),
      Effect.provide(recording.layer)
    )
  })

  it.effect("a token endpoint that echoes secrets back: they are scrubbed from the error", () => {
    const fetch = async () =>
      Response.json({
        error: "invalid_client",
        error_description: `client_secret ${CLIENT_SECRET} is not valid for this client`
      }, { status: 400 })
    return Effect.gen(function*() {
      const payments = yield* Payments.Payments
      const exit = yield* Effect.exit(payments.get(1))
      expect(exit).toMatchObject({ cause: { error: { _tag: "AuthError", reason: "InvalidCredentials" } } })
      expect(renderings(exit).join("\n")).toContain("***")
      assertNoSecret(renderings(exit), [CLIENT_SECRET])
    }).pipe(
      Effect.provide(
        HelloAsso.layer({
          apiUrl: "https://echo.helloasso.invalid/v5",
          tokenUrl: "https://echo.helloasso.invalid/oauth2/token",
          clientId: "echo",
          clientSecret: Redacted.make(CLIENT_SECRET)
        }).pipe(
          Layer.provide(FetchHttpClient.layer),
          Layer.provide(Layer.succeed(FetchHttpClient.Fetch, fetch as unknown as typeof globalThis.fetch))
        )
      )
    )
  })

  it.live("over loopback HTTP (undici): tokens and MFA tokens stay out of spans and errors", () => {
    const recording = Recording.make()
    return Effect.scoped(Effect.gen(function*() {
      const server = yield* NodeSimulatorServer.make({ payments: 50, clientSecret: CLIENT_SECRET })
      const simulator = server.simulator
      const run = <A, E>(effect: Effect.Effect<A, E, Payments.Payments>) =>
        Effect.exit(effect.pipe(Effect.provide(NodeHelloAsso.layer({
          apiUrl: server.apiUrl,
          tokenUrl: server.tokenUrl,
          clientId: simulator.credentials.clientId,
          clientSecret: Redacted.make(CLIENT_SECRET),
          retry: { baseDelay: "1 millis" }
        }))))
      const authorized = (yield* simulator.listPayments({ states: ["Authorized"] })).filter((p) => p.type === "Credit")
      yield* simulator.requireMfa("AuthorizationErrors.MFA.AccessPasswordTokenRequired", EXPECTED_MFA)
      const exits = [
        yield* run(
          Effect.flatMap(
            Payments.Payments,
            (p) => p.refund(authorized[0]!.id, { mfa: { passwordToken: Redacted.make(MFA_TOKEN) } })
          )
        ),
        yield* run(
          Effect.flatMap(
            Payments.Payments,
            (p) => p.refund(authorized[0]!.id, { mfa: { passwordToken: Redacted.make(EXPECTED_MFA) } })
          )
        ),
        yield* run(Effect.flatMap(Payments.Payments, (p) => p.get(1)))
      ]
      const secrets = [CLIENT_SECRET, MFA_TOKEN, EXPECTED_MFA, ...(yield* simulator.issuedTokens).map(Redacted.value)]
      const mfaSpans = recording.recorded.spans.filter((span) =>
        span.attributes.has("http.request.header.x-mfa-password-authorization")
      )
      // the client's spans and the simulator server's record the header, redacted
      expect(mfaSpans.map((span) => span.name).sort()).toEqual([
        "http.client POST",
        "http.client POST",
        "http.server POST",
        "http.server POST"
      ])
      assertNoSecret([
        ...exits.flatMap(renderings),
        recording.recorded.dump(),
        JSON.stringify(yield* simulator.requests)
      ], secrets)
    })).pipe(Effect.provide(recording.layer))
  }, 30_000)
})
