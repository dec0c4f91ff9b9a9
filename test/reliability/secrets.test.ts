import { FetchHttpClient, KeyValueStore } from "@effect/platform"
import type { HttpApp } from "@effect/platform"
import { SystemError } from "@effect/platform/Error"
import { afterAll, describe, expect, it } from "@effect/vitest"
import {
  HelloAsso,
  HelloAssoAuth,
  HelloAssoConfig,
  HelloAssoNotifications,
  NotificationSubscriptions,
  Payments,
  TokenStore
} from "@helloasso-effect/core"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import { NodeHelloAsso, NodeSimulatorServer } from "@helloasso-effect/node"
import { Cause, Duration, Effect, Exit, Fiber, Layer, Option, Redacted, Stream, TestClock } from "effect"
import type * as Http from "node:http"
import { inspect } from "node:util"
import * as Bodies from "../support/bodies.js"
import { figures } from "../support/figures.js"
import * as HostileServer from "../support/hostileServer.js"
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

/**
 * A server that echoes secrets back, over loopback HTTP: API error bodies holding the access token that was
 * sent (raw or percent-encoded), an MFA token, the refresh token or the client secret; a token endpoint whose
 * error holds the client secret raw or form-encoded. Each is scrubbed from the error in every rendering, and
 * from logs and spans; the rest of what the server said stays (the marker).
 */

/** Tokens and a secret with characters that encode (`/`, `+`, `=`, `&`, a space, a non-ASCII letter). */
const ECHO_ACCESS = "acc3ss/t0k+en=Zq&x-Hk3Lm9"
const ECHO_REFRESH = "refr3sh/t0k+en=Rr&y-Pq7Zx2"
const ECHO_SECRET = "s3cr3t/+=& é-Kx9Vb"
const ECHO_MFA = "mfa-echo/t0k+en=Qp3X7v9"
const MARK = "ECHO-MARK-7731"

/** As the token request's body encodes a value (`application/x-www-form-urlencoded`). */
const formEncoded = (text: string) => new URLSearchParams({ s: text }).toString().slice(2)

/** How a secret may come back: raw, percent-encoded (query string), form-encoded (token request body). */
const encodings = (secret: string): Array<string> => [
  secret,
  encodeURIComponent(secret),
  formEncoded(secret)
]

const ALL_ECHOED = [ECHO_ACCESS, ECHO_REFRESH, ECHO_SECRET, ECHO_MFA].flatMap(encodings)

/** As .NET's System.Text.Json writes it: `&`, `+`, `<`, `>`, `'` and non-ASCII letters escaped (JSON-decoded raw). */
const dotnetEscaped = (text: string) =>
  JSON.stringify(text).slice(1, -1).replace(
    /[&+<>'\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`
  )

/** The failure of an exit as plain data (diffing an Exit on failure can take vitest minutes). */
const failureOf = (exit: Exit.Exit<unknown, unknown>): Record<string, unknown> => {
  if (Exit.isSuccess(exit)) return { _tag: "ok" }
  const failures = [...Cause.failures(exit.cause)]
  if (failures.length === 0) return { _tag: "not a failure", cause: Cause.pretty(exit.cause).slice(0, 2000) }
  return JSON.parse(JSON.stringify(failures[0])) as Record<string, unknown>
}

const send = (response: Http.ServerResponse, status: number, contentType: string, body: string) => {
  response.writeHead(status, { "content-type": contentType })
  response.end(body)
}

const grantEcho = (_: HostileServer.Received, response: Http.ServerResponse) =>
  HostileServer.json(response, 200, {
    access_token: ECHO_ACCESS,
    refresh_token: ECHO_REFRESH,
    token_type: "bearer",
    expires_in: 1800
  })

/** What the client sent that a server could echo: the bearer token, the form body of the token request. */
const bearer = (request: HostileServer.Received) => String(request.headers.authorization ?? "").replace(/^Bearer /, "")

type Answer = (request: HostileServer.Received, response: Http.ServerResponse, index: number) => void

interface EchoCase {
  readonly name: string
  /** The answer to API requests (default: 200 with a payment). */
  readonly api?: Answer
  /** The answer to token requests (default: a grant of ECHO_ACCESS / ECHO_REFRESH). */
  readonly token?: Answer
  readonly call: (payments: Payments.Service) => Effect.Effect<unknown, unknown>
  /** The error's tag, or "ok". */
  readonly outcome: string
}

const get = (p: Payments.Service) => p.get(20000003)
const refundWith = (mfa: Payments.MfaTokens) => (p: Payments.Service) => p.refund(20000003, { amount: 100, mfa })
const organizationSlug = "les-amis-du-lavoir"

const echoCases: ReadonlyArray<EchoCase> = [
  // the access token, as sent in Authorization
  {
    name: "API 403 text/plain echoing the bearer token",
    api: (request, response) =>
      send(response, 403, "text/plain", `${MARK}: ${request.headers.authorization} may not read this organization`),
    call: get,
    outcome: "AuthError"
  },
  {
    name: "API 404 errors body echoing the bearer token",
    api: (request, response) =>
      HostileServer.json(response, 404, {
        errors: [{ code: "NotFound", message: `${MARK} no payment for token ${bearer(request)}` }]
      }),
    call: get,
    outcome: "HttpError"
  },
  {
    name: "API 400 validation body echoing the token in a title, a field name and a message",
    api: (request, response) =>
      HostileServer.json(response, 400, {
        title: `${MARK} ${bearer(request)}`,
        errors: { [`token ${bearer(request)}`]: [`${MARK} ${bearer(request)} is not valid`] }
      }),
    call: (p) => p.listByOrganization({ organizationSlug }),
    outcome: "ValidationError"
  },
  {
    name: "API 500 echoing the token as the error code",
    api: (request, response) =>
      HostileServer.json(response, 500, { errors: [{ code: bearer(request), message: MARK }] }),
    call: get,
    outcome: "HttpError"
  },
  {
    name: "API 502 (retried) echoing the token, on a stream",
    api: (request, response) => send(response, 502, "text/plain", `${MARK} upstream rejected ${bearer(request)}`),
    call: (p) => Stream.runDrain(p.streamByOrganization({ organizationSlug })),
    outcome: "HttpError"
  },
  {
    name: "export 500 echoing the token",
    api: (request, response) =>
      HostileServer.json(response, 500, { message: `${MARK} export failed for ${bearer(request)}` }),
    call: (p) => Stream.runDrain(p.exportByOrganization({ organizationSlug, format: "csv" })),
    outcome: "HttpError"
  },
  {
    name: "API 403 JSON echoing the token percent-encoded",
    api: (request, response) =>
      HostileServer.json(response, 403, { message: `${MARK} ?access_token=${encodeURIComponent(bearer(request))}` }),
    call: get,
    outcome: "AuthError"
  },
  {
    name: "API 404 text echoing the token percent-encoded, on search",
    api: (request, response) =>
      send(response, 404, "text/plain", `${MARK} GET /v5/x?access_token=${encodeURIComponent(bearer(request))}`),
    call: (p) => p.search({ organizationSlug }),
    outcome: "HttpError"
  },
  {
    name: "API 404 JSON as .NET escapes it, echoing the token",
    api: (request, response) =>
      send(
        response,
        404,
        "application/json; charset=utf-8",
        `{"errors":[{"code":"NotFound","message":"${MARK} ${dotnetEscaped(bearer(request))}"}]}`
      ),
    call: get,
    outcome: "HttpError"
  },
  // MFA tokens, as sent in the x-mfa-* headers
  {
    name: "refund 409 MFA required echoing the MFA access token",
    api: (request, response) =>
      HostileServer.json(response, 409, {
        errors: [{
          code: "AuthorizationErrors.MFA.AccessTokenRequired",
          message: `${MARK} token ${request.headers["x-mfa-access-authorization"]} refused`
        }]
      }),
    call: refundWith({ accessToken: Redacted.make(ECHO_MFA) }),
    outcome: "RefundRejected"
  },
  {
    name: "refund 400 refusal echoing the MFA SMS token",
    api: (request, response) =>
      HostileServer.json(response, 400, {
        errors: [{
          code: "Error",
          message: `Code : 113 - ${MARK} ${request.headers["x-mfa-sms-access-authorization"]} cannot be used`
        }]
      }),
    call: refundWith({ smsAccessToken: Redacted.make(ECHO_MFA) }),
    outcome: "RefundRejected"
  },
  {
    name: "refund 403 text echoing the MFA password token percent-encoded",
    api: (request, response) =>
      send(
        response,
        403,
        "text/plain",
        `${MARK} mfa=${encodeURIComponent(String(request.headers["x-mfa-password-authorization"]))}`
      ),
    call: refundWith({ passwordToken: Redacted.make(ECHO_MFA) }),
    outcome: "AuthError"
  },
  {
    name: "refund 400 validation echoing the MFA token",
    api: (request, response) =>
      HostileServer.json(response, 400, {
        title: MARK,
        errors: { mfa: [`${MARK} ${request.headers["x-mfa-access-authorization"]} is malformed`] }
      }),
    call: refundWith({ accessToken: Redacted.make(ECHO_MFA) }),
    outcome: "ValidationError"
  },
  // the refresh token
  {
    name: "API 500 echoing the refresh token",
    api: (_, response) =>
      HostileServer.json(response, 500, { errors: [{ code: "Error", message: `${MARK} session ${ECHO_REFRESH}` }] }),
    call: get,
    outcome: "HttpError"
  },
  {
    name: "API 403 echoing the refresh token form-encoded",
    api: (_, response) => send(response, 403, "text/plain", `${MARK} refresh_token=${formEncoded(ECHO_REFRESH)}`),
    call: get,
    outcome: "AuthError"
  },
  {
    name: "token endpoint 500 on the refresh, echoing the form body (refresh token form-encoded) and the token raw",
    api: (_, response) => send(response, 401, "text/plain", "expired"),
    token: (request, response, index) =>
      index === 0
        ? grantEcho(request, response)
        : send(response, 500, "text/plain", `${MARK} could not handle ${request.body} (${ECHO_REFRESH})`),
    call: get,
    outcome: "AuthError"
  },
  {
    name: "token endpoint refusing the refresh token with it form-encoded in the description (then a new grant)",
    api: (request, response) =>
      request.headers.authorization === `Bearer ${ECHO_ACCESS}-2`
        ? HostileServer.json(response, 200, Bodies.payment())
        : send(response, 401, "text/plain", "expired"),
    token: (request, response, index) =>
      index === 0
        ? grantEcho(request, response)
        : request.body.includes("grant_type=refresh_token")
        ? HostileServer.json(response, 400, {
          error: "invalid_grant",
          error_description: `${MARK} ${request.body.replace(/^.*refresh_token=([^&]*).*$/, "$1")} has expired`
        })
        : HostileServer.json(response, 200, {
          access_token: `${ECHO_ACCESS}-2`,
          token_type: "bearer",
          expires_in: 1800
        }),
    call: get,
    outcome: "ok"
  },
  // the client secret
  {
    name: "API 403 JSON echoing the client secret",
    api: (_, response) => HostileServer.json(response, 403, { message: `${MARK} client_secret ${ECHO_SECRET}` }),
    call: get,
    outcome: "AuthError"
  },
  {
    name: "API 400 validation echoing the client secret form-encoded",
    api: (_, response) =>
      HostileServer.json(response, 400, {
        title: MARK,
        errors: { client_secret: [`${MARK} ${formEncoded(ECHO_SECRET)}`] }
      }),
    call: (p) => p.listByOrganization({ organizationSlug }),
    outcome: "ValidationError"
  },
  {
    name: "API 404 text echoing the client secret percent-encoded",
    api: (_, response) => send(response, 404, "text/plain", `${MARK} ${encodeURIComponent(ECHO_SECRET)}`),
    call: get,
    outcome: "HttpError"
  },
  // the token endpoint echoing the client secret
  {
    name: "token endpoint 400 invalid_client echoing the client secret raw",
    token: (_, response) =>
      HostileServer.json(response, 400, {
        error: "invalid_client",
        error_description: `${MARK} client_secret ${ECHO_SECRET} is not valid`
      }),
    call: get,
    outcome: "AuthError"
  },
  {
    name: "token endpoint 401 text echoing the form body (client secret form-encoded)",
    token: (request, response) => send(response, 401, "text/plain", `${MARK} refused: ${request.body}`),
    call: get,
    outcome: "AuthError"
  },
  {
    name: "token endpoint 400 invalid_request echoing the client secret form-encoded",
    token: (request, response) =>
      HostileServer.json(response, 400, {
        error: "invalid_request",
        error_description: `${MARK} ${request.body.replace(/^.*client_secret=([^&]*).*$/, "$1")} is malformed`
      }),
    call: get,
    outcome: "AuthError"
  },
  {
    name: "token endpoint 500 echoing the client secret percent-encoded",
    token: (_, response) =>
      HostileServer.json(response, 500, {
        error: "server_error",
        error_description: `${MARK} ${encodeURIComponent(ECHO_SECRET)}`
      }),
    call: get,
    outcome: "AuthError"
  },
  {
    name: "token endpoint 503 (retried) echoing the form body",
    token: (request, response) => send(response, 503, "text/plain", `${MARK} busy with ${request.body}`),
    call: get,
    outcome: "AuthError"
  },
  {
    name: "token endpoint 400 with the form-encoded client secret as the OAuth error code",
    token: (request, response) =>
      HostileServer.json(response, 400, {
        error: request.body.replace(/^.*client_secret=([^&]*).*$/, "$1"),
        error_description: MARK
      }),
    call: get,
    outcome: "AuthError"
  }
]

describe("secrets echoed by a hostile server (loopback HTTP, undici)", () => {
  it.live.each(echoCases.map((c) => [c.name, c] as const))("%s: scrubbed from the error, logs and spans", ([, c]) => {
    const recording = Recording.make()
    return Effect.scoped(Effect.gen(function*() {
      let tokenRequests = 0
      const hostile = yield* HostileServer.make((request, response, index) => {
        if (HostileServer.isToken(request)) return (c.token ?? grantEcho)(request, response, tokenRequests++)
        return (c.api ?? ((_, r) => HostileServer.json(r, 200, Bodies.payment())))(request, response, index)
      })
      const exit = yield* Effect.exit(
        Effect.flatMap(Payments.Payments, c.call).pipe(
          Effect.provide(NodeHelloAsso.layer({
            apiUrl: hostile.apiUrl,
            tokenUrl: hostile.tokenUrl,
            clientId: "echo-client",
            clientSecret: Redacted.make(ECHO_SECRET),
            timeout: "3 seconds",
            retry: { maxRetries: 1, baseDelay: "1 millis", maxDelay: "1 millis" }
          }))
        )
      )
      expect(failureOf(exit)).toMatchObject({ _tag: c.outcome })
      if (c.outcome === "ok") {
        // the refused refresh went through a span: its failure is recorded there
        expect(recording.recorded.dump().includes(MARK)).toBe(true)
      } else {
        // what the server said reached the error: the check below is not vacuous
        expect(renderings(exit).join("\n").includes(MARK)).toBe(true)
      }
      // the server did echo: the secret it echoed is in what it received
      expect(hostile.received.length).toBeGreaterThanOrEqual(1)
      assertNoSecret([...renderings(exit), recording.recorded.dump()], ALL_ECHOED)
      stats.add("echo cases")
      stats.add("requests echoed", hostile.received.length)
    })).pipe(Effect.provide(recording.layer))
  }, 10_000)
})

/**
 * No payer value in an error: a body whose decoding fails names the field and what was expected, never the value
 * (an email in a field of another type, a date of birth that is not a date, invalid JSON that V8's parse error
 * would quote).
 */

const EMAIL = "jane.doe@example.com"
const BAD_BIRTH = "1990-13-45 Jane"

const withOrderId = (id: unknown) => ({ ...Bodies.payment(), order: { ...Bodies.payment().order, id } })

interface PersonalCase {
  readonly name: string
  /** The 2xx body the API answers with. */
  readonly body: string
  readonly call: (payments: Payments.Service) => Effect.Effect<unknown, unknown>
  readonly error: Record<string, unknown>
  /** What must appear in no rendering. */
  readonly values: ReadonlyArray<string>
}

const personalCases: ReadonlyArray<PersonalCase> = [
  {
    name: "an email as order.id of a payment",
    body: JSON.stringify(withOrderId(EMAIL)),
    call: get,
    error: { _tag: "DecodeError", reason: "Schema", path: "order.id" },
    values: ["jane.doe"]
  },
  {
    name: "an email as data[0].order.id of a page",
    body: JSON.stringify(Bodies.page([withOrderId(EMAIL)])),
    call: (p) => p.listByOrganization({ organizationSlug }),
    error: { _tag: "DecodeError", reason: "Schema", path: "data[0].order.id" },
    values: ["jane.doe"]
  },
  {
    name: "an email as an item amount, on a stream",
    body: JSON.stringify(Bodies.page([Bodies.payment(), {
      ...Bodies.payment({ id: 20000004 }),
      items: [{ ...Bodies.payment().items[0], amount: EMAIL }]
    }])),
    call: (p) => Stream.runDrain(p.streamByOrganization({ organizationSlug })),
    error: { _tag: "DecodeError", reason: "Schema" },
    values: ["jane.doe"]
  },
  {
    name: "an email as the payment amount, on a form listing",
    body: JSON.stringify(Bodies.page([{ ...Bodies.payment(), amount: EMAIL }])),
    call: (p) => p.listByForm({ organizationSlug, formType: "Event", formSlug: "fete-du-lavoir-2025" }),
    error: { _tag: "DecodeError", reason: "Schema", path: "data[0].amount" },
    values: ["jane.doe"]
  },
  {
    name: "a bad payer.dateOfBirth",
    body: JSON.stringify({ ...Bodies.payment(), payer: { ...Bodies.payment().payer, dateOfBirth: BAD_BIRTH } }),
    call: get,
    error: { _tag: "DecodeError", reason: "Schema", path: "payer.dateOfBirth" },
    values: [BAD_BIRTH, "13-45", "Jane"]
  },
  {
    name: "a bad payer.dateOfBirth in a page",
    body: JSON.stringify(
      Bodies.page([{ ...Bodies.payment(), payer: { ...Bodies.payment().payer, dateOfBirth: BAD_BIRTH } }])
    ),
    call: (p) => p.listByOrganization({ organizationSlug }),
    error: { _tag: "DecodeError", reason: "Schema", path: "data[0].payer.dateOfBirth" },
    values: [BAD_BIRTH, "13-45", "Jane"]
  },
  {
    name: "invalid JSON with an unquoted email (V8 quotes it)",
    body: `{"payer":{"email":${EMAIL}}}`,
    call: get,
    error: { _tag: "DecodeError", reason: "InvalidJson" },
    values: ["jane.doe"]
  },
  {
    name: "invalid JSON that is only an email, on a page",
    body: EMAIL,
    call: (p) => p.listByOrganization({ organizationSlug }),
    error: { _tag: "DecodeError", reason: "InvalidJson" },
    values: ["jane.doe"]
  },
  {
    name: "invalid JSON with a double comma after the email",
    body: `{"payer":{"email":"${EMAIL}",,}}`,
    call: get,
    error: { _tag: "DecodeError", reason: "InvalidJson" },
    values: ["jane.doe"]
  },
  {
    name: "invalid JSON cut after the email, on search",
    body: `{"data":[{"payer":{"email":"${EMAIL}","firstName":Jane}}]}`,
    call: (p) => p.search({ organizationSlug }),
    error: { _tag: "DecodeError", reason: "InvalidJson" },
    values: ["jane.doe", "Jane"]
  },
  {
    name: "a refund answered with invalid JSON quoting the email",
    body: `{"id":1,"payer":${EMAIL}}`,
    call: refundWith({}),
    error: { _tag: "RefundOutcomeUnknown" },
    values: ["jane.doe"]
  },
  {
    name: "a refund answered with the email as its id",
    body: JSON.stringify({ id: EMAIL, amount: 100, state: "Processed" }),
    call: refundWith({}),
    error: { _tag: "RefundOutcomeUnknown" },
    values: ["jane.doe"]
  }
]

describe("no payer value in an error (loopback HTTP, undici)", () => {
  it.live.each(personalCases.map((c) => [c.name, c] as const))("%s: named, never shown", ([, c]) => {
    const recording = Recording.make()
    return Effect.scoped(Effect.gen(function*() {
      const hostile = yield* HostileServer.make((request, response, index) =>
        HostileServer.isToken(request)
          ? HostileServer.grant(response, index)
          : send(response, 200, "application/json; charset=utf-8", c.body)
      )
      const exit = yield* Effect.exit(
        Effect.flatMap(Payments.Payments, c.call).pipe(
          Effect.provide(NodeHelloAsso.layer({
            apiUrl: hostile.apiUrl,
            tokenUrl: hostile.tokenUrl,
            clientId: "payer-client",
            clientSecret: Redacted.make(CLIENT_SECRET),
            timeout: "3 seconds",
            retry: { maxRetries: 1, baseDelay: "1 millis", maxDelay: "1 millis" }
          }))
        )
      )
      expect(failureOf(exit)).toMatchObject(c.error)
      // the body was read once: a decoding failure is not retried
      expect(hostile.received.filter((r) => !HostileServer.isToken(r)).length).toBe(1)
      assertNoSecret([...renderings(exit), recording.recorded.dump()], [...c.values, CLIENT_SECRET])
      stats.add("personal value cases")
    })).pipe(Effect.provide(recording.layer))
  }, 10_000)
})

describe("the notification signature key", () => {
  it.effect("stays out of logs, spans, errors and the simulator's logs, on every path of a delivery", () => {
    const recording = Recording.make()
    const app: { current?: HttpApp.Default<unknown> } = {}
    const Simulated = HelloAssoSimulator.layerHelloAsso({
      payments: 50,
      deliverWith: HelloAssoSimulator.httpClientOf(Effect.suspend(() => app.current!)),
      delivery: { attempts: 2, backoff: "10 millis" }
    })
    return Effect.gen(function*() {
      const simulator = yield* HelloAssoSimulator.HelloAssoSimulator
      const subscriptions = yield* NotificationSubscriptions.NotificationSubscriptions
      const registered = yield* subscriptions.set({ url: "https://association.example/hook" })
      const key = Option.getOrThrow(registered.signatureKey)
      let runs = 0
      // one app checking with the right key and failing once, one with a wrong key
      const right = HelloAssoNotifications.httpApp(
        () => ++runs === 1 ? Effect.fail("the handler failed once") : Effect.void,
        { signatureKey: key }
      )
      const wrong = HelloAssoNotifications.httpApp(() => Effect.void, { signatureKey: Redacted.make("wrong-key-1") })
      app.current = right
      yield* simulator.addPayment({ amount: 1200 })
      yield* HelloAssoSimulator.withTestClock(simulator.awaitDeliveries)
      app.current = wrong
      yield* simulator.addPayment({ amount: 1300 })
      yield* HelloAssoSimulator.withTestClock(simulator.awaitDeliveries)
      const statuses = (yield* simulator.deliveries).map((d) => d.status)
      // the paths were taken: a failed handler (500), its redelivery (200), a refused signature (401)
      expect(statuses).toContain(500)
      expect(statuses).toContain(200)
      expect(statuses).toContain(401)
      const texts = [
        inspect(registered, { depth: 10 }),
        JSON.stringify(registered),
        recording.recorded.dump(),
        inspect(yield* simulator.requests, { depth: 10 }),
        inspect(yield* simulator.notificationUrls, { depth: 10 }),
        JSON.stringify(yield* simulator.notificationUrls)
      ]
      assertNoSecret(texts, [Redacted.value(key)])
    }).pipe(Effect.provide(Layer.merge(Simulated, recording.layer)))
  })
})

/**
 * Partner access: authorization codes, PKCE verifiers, access and refresh tokens and what the `TokenStore` holds
 * stay out of logs, spans, errors and the simulator's log, on every path of the flow and of the renewals: refused
 * codes, a used refresh token, a lost token answer, a store that fails (echoing what it was given), a store whose
 * content is not a pair, a disconnection; and a token endpoint that echoes the code and the verifier.
 */
describe("partner access", () => {
  const REDIRECT = "https://partner.example/callback"
  const PARTNER_SECRET = "partner-secret-Hy7Ub3Nq"

  it.effect("codes, verifiers, tokens and the store's contents stay out of logs, spans and errors (in memory)", () => {
    const recording = Recording.make()
    const backing = { failing: false }
    // the tokens in a key-value store whose writes can fail, echoing what they were given
    const Store = Layer.effect(
      TokenStore.TokenStore,
      Effect.map(KeyValueStore.KeyValueStore, (kv) =>
        TokenStore.makeKeyValueStore({
          ...kv,
          set: (key, value) =>
            backing.failing
              ? Effect.fail(
                new SystemError({
                  module: "KeyValueStore",
                  method: "set",
                  reason: "Unknown",
                  description: `disk full while writing ${key}: ${String(value)}`
                })
              )
              : kv.set(key, value)
        }))
    ).pipe(Layer.provideMerge(KeyValueStore.layerMemory))
    return Effect.gen(function*() {
      const simulator = yield* HelloAssoSimulator.HelloAssoSimulator
      const kv = yield* KeyValueStore.KeyValueStore
      const slug = simulator.organization.slug
      const key = `helloasso-tokens/${slug}`
      const exits: Array<Exit.Exit<unknown, unknown>> = []
      const shown: Array<unknown> = []
      const codes: Array<string> = []
      const verifiers: Array<string> = []
      const storeContents: Array<string> = []
      const drive = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
        Effect.tap(Effect.exit(effect), (exit) => Effect.sync(() => exits.push(exit)))
      const remember = Effect.flatMap(kv.get(key), (text) =>
        Effect.sync(() => {
          if (Option.isSome(text)) storeContents.push(text.value)
        }))
      const authorize = Effect.gen(function*() {
        const request = yield* HelloAssoAuth.authorizationRequest({ redirectUri: REDIRECT })
        shown.push(request)
        verifiers.push(Redacted.value(request.codeVerifier))
        const code = new URL(yield* simulator.authorize(request.url)).searchParams.get("code")!
        codes.push(code)
        return { request, code }
      })
      const exchange = (flow: { readonly request: HelloAssoAuth.AuthorizationRequest; readonly code: string }) =>
        HelloAssoAuth.connect({ code: flow.code, codeVerifier: flow.request.codeVerifier, redirectUri: REDIRECT })
      const list = Effect.flatMap(Payments.Payments, (p) => p.listByOrganization({ organizationSlug: slug })).pipe(
        Effect.provide(HelloAsso.layerOrganization({ organizationSlug: slug }))
      )
      // a new store object on the same key-value store: a new process
      const restarted = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
        Effect.provideService(effect, TokenStore.TokenStore, TokenStore.makeKeyValueStore(kv))

      // refused codes: another verifier, another redirect URI, expired, reused
      const first = yield* authorize
      const other = yield* authorize
      yield* drive(
        HelloAssoAuth.connect({ code: first.code, codeVerifier: other.request.codeVerifier, redirectUri: REDIRECT })
      )
      yield* drive(
        HelloAssoAuth.connect({
          code: first.code,
          codeVerifier: first.request.codeVerifier,
          redirectUri: `${REDIRECT}x`
        })
      )
      yield* drive(exchange(first).pipe(Effect.tap((tokens) => Effect.sync(() => shown.push(tokens)))))
      yield* drive(exchange(first))
      yield* remember
      const late = yield* authorize
      yield* TestClock.adjust(Duration.minutes(6))
      yield* drive(exchange(late))
      yield* drive(list)
      // renewed at expiry, then the used pair written back and refused: authorize again
      const used = Option.getOrThrow(yield* kv.get(key))
      yield* TestClock.adjust(Duration.minutes(31))
      yield* drive(list)
      yield* remember
      yield* kv.set(key, used)
      yield* drive(restarted(list))
      // a token answer lost after the server rotated
      yield* drive(exchange(yield* authorize))
      yield* remember
      yield* TestClock.adjust(Duration.minutes(31))
      yield* simulator.addFault(HelloAssoSimulator.tokenAnswerLost([1]))
      yield* drive(HelloAssoSimulator.withTestClock(restarted(list)))
      // a store that fails, saying what it was given
      yield* drive(exchange(yield* authorize))
      yield* remember
      yield* TestClock.adjust(Duration.minutes(31))
      backing.failing = true
      yield* drive(list)
      backing.failing = false
      yield* drive(list)
      yield* remember
      // a store whose content is not a pair (tokens in it all the same)
      const stored = Option.getOrThrow(yield* kv.get(key))
      yield* kv.set(key, stored.replace("\"version\":1", "\"version\":\"one\""))
      yield* drive(restarted(list))
      yield* kv.set(key, stored.slice(0, -20))
      yield* drive(restarted(list))
      // disconnected, then used
      yield* kv.set(key, stored)
      yield* drive(restarted(HelloAssoAuth.disconnect({ organizationSlug: slug })))
      yield* drive(restarted(list))

      const reasons = exits.filter(Exit.isFailure).map((exit) => failureOf(exit)["reason"])
      expect(reasons).toEqual([
        "CodeRefused",
        "CodeRefused",
        "CodeRefused",
        "CodeRefused",
        "AuthorizationRequired",
        "AuthorizationRequired",
        "TokenStoreFailure",
        "TokenStoreFailure",
        "TokenStoreFailure",
        "AuthorizationRequired"
      ])
      const issued = (yield* simulator.issuedTokens).map(Redacted.value)
      const secrets = [PARTNER_SECRET, ...codes, ...verifiers, ...issued, ...storeContents]
      expect(codes.length).toBe(5)
      expect(storeContents.length).toBe(5)
      const texts = [
        ...exits.flatMap(renderings),
        ...shown.flatMap((value) => [inspect(value, { depth: 10 }), JSON.stringify(value), String(value)]),
        recording.recorded.dump(),
        JSON.stringify(yield* simulator.requests)
      ]
      assertNoSecret(texts, secrets)
      stats.add("partner error paths", reasons.length)
      stats.add("partner secrets", secrets.length)
    }).pipe(
      Effect.provide(Store),
      Effect.provide(
        HelloAssoSimulator.layerPartner({
          payments: 20,
          partner: { clientSecret: PARTNER_SECRET },
          client: { clientSecret: Redacted.make(PARTNER_SECRET), retry: { maxRetries: 1 } }
        })
      ),
      Effect.provide(recording.layer)
    )
  }, 60_000)

  it.effect("a token endpoint echoing the code and the verifier: they are scrubbed from the error", () => {
    const CODE = "code/with+chars=Zx81&Qp"
    const VERIFIER = "verifier-Qm3.Ls8_Tp4~Wn7-Rb2.Hk6_Jd9~Xc5-Vf1.Gz0_"
    const fetch = async (_: unknown, init?: RequestInit) => {
      const form = new URLSearchParams(String(init?.body ?? ""))
      return Response.json({
        error: "invalid_grant",
        error_description: `${MARK} code ${form.get("code")} (${encodeURIComponent(form.get("code")!)}) ` +
          `with verifier ${form.get("code_verifier")}, body ${String(init?.body)}`
      }, { status: 400 })
    }
    return Effect.gen(function*() {
      const exit = yield* Effect.exit(
        HelloAssoAuth.exchangeCode({ code: CODE, codeVerifier: Redacted.make(VERIFIER), redirectUri: REDIRECT })
      )
      expect(failureOf(exit)).toMatchObject({ _tag: "AuthError", reason: "CodeRefused" })
      expect(renderings(exit).join("\n")).toContain(MARK)
      assertNoSecret(renderings(exit), [CODE, VERIFIER, encodeURIComponent(CODE), formEncoded(CODE), PARTNER_SECRET])
    }).pipe(
      Effect.provide(
        Layer.mergeAll(
          HelloAssoConfig.layer({
            apiUrl: "https://echo.helloasso.invalid/v5",
            clientId: "partner",
            clientSecret: Redacted.make(PARTNER_SECRET)
          }),
          FetchHttpClient.layer.pipe(
            Layer.provide(Layer.succeed(FetchHttpClient.Fetch, fetch as unknown as typeof globalThis.fetch))
          )
        )
      )
    )
  })
})
