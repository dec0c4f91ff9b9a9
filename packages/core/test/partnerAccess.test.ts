import { KeyValueStore } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import {
  HelloAsso,
  HelloAssoAuth,
  HelloAssoClient,
  HelloAssoConfig,
  Payments,
  TokenStore
} from "@helloasso-effect/core"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import { Context, DateTime, Duration, Effect, Encoding, Exit, Layer, Option, Redacted, Schema, TestClock } from "effect"

/**
 * Partner access through the real client stack against the simulator in memory: the authorization code flow with
 * PKCE, its refusals, tokens renewed through the `TokenStore` with rotating refresh tokens, and many organizations
 * in one application.
 */

const Simulator = HelloAssoSimulator.HelloAssoSimulator
const REDIRECT = "https://partner.example/helloasso/callback"

/** What a partner application does: the request, the administrator's consent, the exchange (and the store). */
const authorize = (organizationSlug?: string) =>
  Effect.gen(function*() {
    const simulator = yield* Simulator
    if (organizationSlug !== undefined) {
      yield* simulator.setConsent(() => HelloAssoSimulator.consent.grant(organizationSlug))
    }
    const request = yield* HelloAssoAuth.authorizationRequest({ redirectUri: REDIRECT })
    const back = new URL(yield* simulator.authorize(request.url))
    expect(back.searchParams.get("state")).toBe(request.state)
    return { request, code: back.searchParams.get("code")! }
  })

const connect = (organizationSlug?: string) =>
  Effect.flatMap(
    authorize(organizationSlug),
    ({ code, request }) => HelloAssoAuth.connect({ code, codeVerifier: request.codeVerifier, redirectUri: REDIRECT })
  )

const stored = (organizationSlug: string) =>
  Effect.flatMap(TokenStore.TokenStore, (store) => store.get(organizationSlug))

/** One page of an organization's payments with its own client. */
const firstPage = (organizationSlug: string) =>
  Effect.flatMap(Payments.Payments, (payments) => payments.listByOrganization({ organizationSlug, pageSize: 5 })).pipe(
    Effect.provide(HelloAsso.layerOrganization({ organizationSlug }))
  )

const sha256 = (text: string) =>
  Effect.promise(() => crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))).pipe(
    Effect.map((digest) => Encoding.encodeBase64Url(new Uint8Array(digest)))
  )

describe("partner access: the authorization code flow", () => {
  it.effect("connects an association: PKCE request, consent, code exchange, tokens stored, its payments listed", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator
      const config = yield* HelloAssoConfig.HelloAssoConfig
      const request = yield* HelloAssoAuth.authorizationRequest({ redirectUri: REDIRECT, state: "session-42" })
      const url = new URL(request.url)
      expect(`${url.origin}${url.pathname}`).toBe(config.authorizeUrl)
      expect(Object.fromEntries(url.searchParams)).toEqual({
        client_id: simulator.partner.clientId,
        redirect_uri: REDIRECT,
        code_challenge: yield* sha256(Redacted.value(request.codeVerifier)),
        code_challenge_method: "S256",
        state: "session-42"
      })
      expect(Redacted.value(request.codeVerifier)).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/)
      // nothing secret in the URL: the verifier stays with the application
      expect(request.url).not.toContain(Redacted.value(request.codeVerifier))

      const back = new URL(yield* simulator.authorize(request.url))
      expect(`${back.origin}${back.pathname}`).toBe(REDIRECT)
      expect(back.searchParams.get("state")).toBe("session-42")
      const tokens = yield* HelloAssoAuth.exchangeCode({
        code: back.searchParams.get("code")!,
        codeVerifier: request.codeVerifier,
        redirectUri: REDIRECT
      })
      expect(tokens.organizationSlug).toBe(simulator.organization.slug)
      expect(Redacted.isRedacted(tokens.accessToken) && Redacted.isRedacted(tokens.refreshToken)).toBe(true)
      expect(DateTime.toEpochMillis(tokens.expiresAt)).toBe(1800 * 1000)
      // exchangeCode does not store; connect does
      expect(yield* stored(tokens.organizationSlug)).toEqual(Option.none())
      const connected = yield* connect()
      expect(Option.getOrThrow(yield* stored(simulator.organization.slug))).toEqual(connected)

      const page = yield* firstPage(simulator.organization.slug)
      expect(page.data.map((p) => p.id)).toEqual((yield* simulator.listPayments()).slice(0, 5).map((p) => p.id))
      expect((yield* simulator.stats).partner).toMatchObject({ codesIssued: 2, codesRedeemed: 2 })
    }).pipe(Effect.provide(HelloAssoSimulator.layerPartner({ payments: 30 }))))

  const refused = (
    name: string,
    detail: string,
    exchange: (flow: {
      readonly code: string
      readonly request: HelloAssoAuth.AuthorizationRequest
      readonly other: HelloAssoAuth.AuthorizationRequest
    }) => Effect.Effect<unknown, unknown, any>
  ) =>
    it.effect(`refuses ${name} with AuthError CodeRefused`, () =>
      Effect.gen(function*() {
        const simulator = yield* Simulator
        const { code, request } = yield* authorize()
        const other = yield* HelloAssoAuth.authorizationRequest({ redirectUri: REDIRECT })
        const error = yield* Effect.flip(exchange({ code, request, other }))
        expect(error).toMatchObject({ _tag: "AuthError", reason: "CodeRefused", status: 400 })
        expect((error as Error).message).toContain(detail)
        expect((error as Error).message).toContain("start the authorization flow again")
        // refused by the token endpoint: the request was sent, no token was issued
        const grants = (yield* simulator.requests).filter((entry) => entry.endpoint === "token")
        expect(grants.at(-1)?.status).toBe(400)
        expect(yield* stored(simulator.organization.slug)).toEqual(Option.none())
      }).pipe(Effect.provide(HelloAssoSimulator.layerPartner({ payments: 5 }))))

  refused(
    "a code exchanged with another request's verifier",
    "invalid_grant: The code_verifier does not match",
    ({ code, other }) => HelloAssoAuth.connect({ code, codeVerifier: other.codeVerifier, redirectUri: REDIRECT })
  )

  refused(
    "a code 5 minutes after it was issued",
    "invalid_grant: The authorization code has expired",
    ({ code, request }) =>
      Effect.zipRight(
        TestClock.adjust(Duration.minutes(5)),
        HelloAssoAuth.connect({ code, codeVerifier: request.codeVerifier, redirectUri: REDIRECT })
      )
  )

  refused(
    "a code used a second time",
    "invalid_grant: The authorization code has already been used",
    ({ code, request }) =>
      Effect.gen(function*() {
        const first = yield* HelloAssoAuth.exchangeCode({
          code,
          codeVerifier: request.codeVerifier,
          redirectUri: REDIRECT
        })
        expect(Redacted.isRedacted(first.accessToken)).toBe(true)
        return yield* HelloAssoAuth.connect({ code, codeVerifier: request.codeVerifier, redirectUri: REDIRECT })
      })
  )

  refused(
    "a code exchanged with another redirect URI",
    "invalid_grant: The redirect_uri does not match the one of the authorization request",
    ({ code, request }) =>
      HelloAssoAuth.connect({
        code,
        codeVerifier: request.codeVerifier,
        redirectUri: "https://partner.example/other-callback"
      })
  )

  it.effect("a code still works 4 minutes 59 seconds after it was issued", () =>
    Effect.gen(function*() {
      const { code, request } = yield* authorize()
      yield* TestClock.adjust(Duration.seconds(299))
      const tokens = yield* HelloAssoAuth.connect({ code, codeVerifier: request.codeVerifier, redirectUri: REDIRECT })
      expect(tokens.organizationSlug).toBe((yield* Simulator).organization.slug)
    }).pipe(Effect.provide(HelloAssoSimulator.layerPartner({ payments: 5 }))))

  it.effect("checks inputs before sending anything: redirect URI, state, verifier", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator
      const request = yield* HelloAssoAuth.authorizationRequest({ redirectUri: REDIRECT })
      const errors = [
        yield* Effect.flip(HelloAssoAuth.authorizationRequest({ redirectUri: "http://partner.example/callback" })),
        yield* Effect.flip(HelloAssoAuth.authorizationRequest({ redirectUri: "/callback" })),
        yield* Effect.flip(HelloAssoAuth.authorizationRequest({ redirectUri: REDIRECT, state: "s".repeat(500) })),
        yield* Effect.flip(
          HelloAssoAuth.exchangeCode({ code: "abc", codeVerifier: Redacted.make("short"), redirectUri: REDIRECT })
        ),
        yield* Effect.flip(
          HelloAssoAuth.exchangeCode({ code: "a b", codeVerifier: request.codeVerifier, redirectUri: REDIRECT })
        )
      ]
      expect(errors.map((e) => [e._tag, "field" in e ? e.field : ""])).toEqual([
        ["ValidationError", "redirectUri"],
        ["ValidationError", "redirectUri"],
        ["ValidationError", "state"],
        ["ValidationError", "codeVerifier"],
        ["ValidationError", "code"]
      ])
      expect((yield* simulator.requests).length).toBe(0)
    }).pipe(Effect.provide(HelloAssoSimulator.layerPartner({ payments: 5 }))))

  it.effect("an administrator who refuses comes back with error=access_denied and the state", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator
      yield* simulator.setConsent(() => HelloAssoSimulator.consent.refuse())
      const request = yield* HelloAssoAuth.authorizationRequest({ redirectUri: REDIRECT })
      const back = new URL(yield* simulator.authorize(request.url))
      expect(Object.fromEntries(back.searchParams)).toEqual({ error: "access_denied", state: request.state })
      expect((yield* simulator.stats).partner.codesIssued).toBe(0)
    }).pipe(Effect.provide(HelloAssoSimulator.layerPartner({ payments: 5 }))))

  it.effect("a redirect URI off the registered domain gets an error page, never a redirect", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator
      const off = yield* HelloAssoAuth.authorizationRequest({ redirectUri: "https://elsewhere.example/callback" })
      const exit = yield* Effect.exit(simulator.authorize(off.url))
      expect(Exit.isFailure(exit) && String(exit.cause)).toContain("not on the domain registered")
      const on = yield* HelloAssoAuth.authorizationRequest({ redirectUri: "https://app.partner.example/callback" })
      expect(new URL(yield* simulator.authorize(on.url)).searchParams.has("code")).toBe(true)
    }).pipe(
      Effect.provide(HelloAssoSimulator.layerPartner({ payments: 5, partner: { domain: "https://*.partner.example" } }))
    ))
})

describe("partner access: tokens of a connected organization", () => {
  it.effect("renews at expiry with the refresh token, stores the rotated pair, and the used one is refused", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator
      const slug = simulator.organization.slug
      const first = yield* connect()
      yield* firstPage(slug)
      yield* TestClock.adjust(Duration.minutes(30))
      yield* firstPage(slug)
      const second = Option.getOrThrow(yield* stored(slug))
      expect(Redacted.value(second.refreshToken)).not.toBe(Redacted.value(first.refreshToken))
      expect(Redacted.value(second.accessToken)).not.toBe(Redacted.value(first.accessToken))
      expect((yield* simulator.stats).partner.refreshes.get(slug)).toBe(1)

      // the store holds the used pair again (a backup restored, a second copy): HelloAsso refuses it
      const store = yield* TokenStore.TokenStore
      yield* store.set({ ...first, expiresAt: DateTime.unsafeMake(0) })
      const error = yield* Effect.flip(
        Effect.flatMap(Payments.Payments, (payments) => payments.listByOrganization({ organizationSlug: slug })).pipe(
          Effect.provide(HelloAsso.layerOrganization({ organizationSlug: slug })),
          // a new store object: a new process reading the same place
          Effect.provideService(TokenStore.TokenStore, { ...store })
        )
      )
      expect(error).toMatchObject({ _tag: "AuthError", reason: "AuthorizationRequired", status: 400 })
      expect(error.message).toContain("authorization flow again")
      expect(error.message).toContain("invalid_grant")
      expect(error.message).toContain("its tokens were removed from the store")
      expect(yield* stored(slug)).toEqual(Option.none())
      expect((yield* simulator.stats).grants.refused).toBe(1)
    }).pipe(Effect.provide(HelloAssoSimulator.layerPartner({ payments: 30 }))))

  it.effect("a token answer lost after the server rotated: reported as authorize again, the dead pair removed", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator
      const slug = simulator.organization.slug
      yield* connect()
      yield* TestClock.adjust(Duration.minutes(30))
      yield* simulator.addFault(HelloAssoSimulator.tokenAnswerLost([1]))
      const error = yield* Effect.flip(HelloAssoSimulator.withTestClock(firstPage(slug)))
      expect(error).toMatchObject({ _tag: "AuthError", reason: "AuthorizationRequired" })
      expect(error.message).toContain("an earlier attempt got no answer")
      expect(yield* stored(slug)).toEqual(Option.none())
      // the server did rotate: one refresh granted (its answer lost), the retry with the old token refused
      const tokenRequests = (yield* simulator.requests).filter((entry) => entry.endpoint === "token")
      expect(tokenRequests.slice(-2).map((entry) => [entry.fault, entry.status])).toEqual([
        ["ResetAfterRead", 599],
        [undefined, 400]
      ])
      // connecting again is the way back
      yield* connect()
      expect((yield* firstPage(slug)).data.length).toBe(5)
    }).pipe(Effect.provide(HelloAssoSimulator.layerPartner({ payments: 30 }))))

  it.effect("a rotated pair the store does not take is not used; it is written first on the next call", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator
      const slug = simulator.organization.slug
      const inner = yield* TokenStore.TokenStore
      const failing = { writes: false }
      const store: TokenStore.Service = {
        ...inner,
        set: (tokens) =>
          failing.writes
            ? Effect.fail(
              new TokenStore.TokenStoreError({
                operation: "TokenStore.set",
                reason: "Unavailable",
                organizationSlug: tokens.organizationSlug,
                detail: "disk full"
              })
            )
            : inner.set(tokens)
      }
      yield* Effect.gen(function*() {
        const first = yield* connect()
        failing.writes = true
        yield* TestClock.adjust(Duration.minutes(30))
        const before = (yield* simulator.requests).filter((e) => e.endpoint === "listByOrganization").length
        const error = yield* Effect.flip(firstPage(slug))
        expect(error).toMatchObject({ _tag: "AuthError", reason: "TokenStoreFailure" })
        expect(error.message).toContain("disk full")
        // refreshed, but no API request was sent with the new token
        expect((yield* simulator.stats).partner.refreshes.get(slug)).toBe(1)
        expect((yield* simulator.requests).filter((e) => e.endpoint === "listByOrganization").length).toBe(before)
        expect(Redacted.value(Option.getOrThrow(yield* inner.get(slug)).refreshToken)).toBe(
          Redacted.value(first.refreshToken)
        )
        // the store is back: the pair kept in memory is written, then used, without another refresh
        failing.writes = false
        expect((yield* firstPage(slug)).data.length).toBe(5)
        expect((yield* simulator.stats).partner.refreshes.get(slug)).toBe(1)
        expect(Redacted.value(Option.getOrThrow(yield* inner.get(slug)).refreshToken)).not.toBe(
          Redacted.value(first.refreshToken)
        )
      }).pipe(Effect.provideService(TokenStore.TokenStore, store))
    }).pipe(Effect.provide(HelloAssoSimulator.layerPartner({ payments: 30 }))))

  it.effect("two processes renewing at once: the one HelloAsso refuses takes the pair the other stored", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator
      const slug = simulator.organization.slug
      const kv = yield* KeyValueStore.KeyValueStore
      // two processes: two stores on the same key-value store
      const first = TokenStore.makeKeyValueStore(kv)
      yield* Effect.provideService(connect(), TokenStore.TokenStore, first)
      const before = Option.getOrThrow(yield* first.get(slug))
      yield* TestClock.adjust(Duration.minutes(30))
      yield* Effect.provideService(firstPage(slug), TokenStore.TokenStore, first)
      const renewed = Option.getOrThrow(yield* first.get(slug))
      // the second read the store before the first wrote: it renews with the pair HelloAsso just rotated away
      let reads = 0
      const second: TokenStore.Service = {
        ...TokenStore.makeKeyValueStore(kv),
        get: (organizationSlug) => reads++ === 0 ? Effect.succeed(Option.some(before)) : first.get(organizationSlug)
      }
      const page = yield* Effect.provideService(firstPage(slug), TokenStore.TokenStore, second)
      expect(page.data.length).toBe(5)
      expect((yield* simulator.stats).grants.refused).toBe(1)
      expect(Redacted.value(Option.getOrThrow(yield* first.get(slug)).refreshToken)).toBe(
        Redacted.value(renewed.refreshToken)
      )
    }).pipe(
      Effect.provide(KeyValueStore.layerMemory),
      Effect.provide(HelloAssoSimulator.layerPartner({ payments: 30 }))
    ))

  it.effect("a 401 renews the tokens and replays the GET once", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator
      const slug = simulator.organization.slug
      yield* connect()
      yield* firstPage(slug)
      yield* simulator.revokeAccessTokens
      yield* simulator.clearRequests
      expect((yield* firstPage(slug)).data.length).toBe(5)
      expect((yield* simulator.requests).map((entry) => [entry.endpoint, entry.status])).toEqual([
        ["listByOrganization", 401],
        ["token", 200],
        ["listByOrganization", 200]
      ])
    }).pipe(Effect.provide(HelloAssoSimulator.layerPartner({ payments: 30 }))))

  it.effect("fresh tokens refused twice in a row stop the renewals (grantHoldOff)", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator
      const slug = simulator.organization.slug
      yield* connect()
      yield* simulator.setFaults([{ endpoint: "listByOrganization", fault: HelloAssoSimulator.fault.revokeToken }])
      const errors = []
      for (let i = 0; i < 20; i++) errors.push(yield* Effect.flip(firstPage(slug)))
      expect(errors.every((e) => e._tag === "AuthError" && e.reason === "Unauthorized")).toBe(true)
      expect((yield* simulator.stats).partner.refreshes.get(slug)).toBeLessThanOrEqual(3)
    }).pipe(Effect.provide(HelloAssoSimulator.layerPartner({ payments: 30 }))))

  it.effect("an organization that never connected: AuthorizationRequired, nothing sent", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator
      const error = yield* Effect.flip(firstPage(simulator.organization.slug))
      expect(error).toMatchObject({ _tag: "AuthError", reason: "AuthorizationRequired" })
      expect(error.message).toContain("no tokens are stored")
      expect((yield* simulator.requests).length).toBe(0)
    }).pipe(Effect.provide(HelloAssoSimulator.layerPartner({ payments: 5 }))))

  it.effect("layerAuthorizationCode fails to build without the partner's credentials or with a bad slug", () =>
    Effect.gen(function*() {
      const build = (config: HelloAssoConfig.Options, organizationSlug: string) =>
        Layer.build(HelloAssoAuth.layerAuthorizationCode({ organizationSlug })).pipe(
          Effect.scoped,
          Effect.provide(HelloAssoConfig.layer(config)),
          Effect.provide(HelloAssoSimulator.layerHttpClient),
          Effect.provide(TokenStore.layerMemory),
          Effect.flip
        )
      expect(String(yield* build({}, "asso"))).toContain("clientId")
      expect(String(yield* build({ clientId: "c", clientSecret: Redacted.make("s") }, "a/b"))).toContain(
        "organizationSlug"
      )
    }).pipe(Effect.provide(HelloAssoSimulator.layer({ payments: 5 }))))

  it.effect("disconnect revokes the tokens and removes them; the organization must connect again", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator
      const slug = simulator.organization.slug
      const tokens = yield* connect()
      yield* firstPage(slug)
      yield* HelloAssoAuth.disconnect({ organizationSlug: slug })
      expect(yield* stored(slug)).toEqual(Option.none())
      const error = yield* Effect.flip(firstPage(slug))
      expect(error).toMatchObject({ _tag: "AuthError", reason: "AuthorizationRequired" })
      // HelloAsso no longer takes them: the access token gets 401, the refresh token invalid_grant
      yield* TokenStore.TokenStore.pipe(Effect.flatMap((store) => store.set(tokens)))
      const revoked = yield* Effect.flip(firstPage(slug))
      expect(revoked).toMatchObject({ _tag: "AuthError", reason: "AuthorizationRequired", status: 400 })
      expect((yield* simulator.requests).filter((e) => e.endpoint === "disconnect").map((e) => e.status)).toEqual([
        200
      ])
      // disconnecting what is not connected is done at once
      yield* HelloAssoAuth.disconnect({ organizationSlug: slug })
      expect((yield* simulator.stats).partner.disconnects).toBe(1)
    }).pipe(Effect.provide(HelloAssoSimulator.layerPartner({ payments: 30 }))))
})

/** `GET /partners/me/organizations` as a partner calls it, with its own client credentials. */
const PartnerOrganizations = Schema.Struct({
  data: Schema.Array(
    Schema.Struct({
      organization: Schema.Struct({ organizationSlug: Schema.String, name: Schema.String }),
      availableAccessToken: Schema.Boolean
    })
  ),
  pagination: Schema.Struct({ continuationToken: Schema.optional(Schema.String) })
})

describe("partner access: many organizations in one application", () => {
  it.effect(
    "1,000 concurrent calls across 10 organizations: one refresh each at expiry, no token mixed up",
    () =>
      Effect.gen(function*() {
        const simulator = yield* Simulator
        const slugs = simulator.partner.organizations.map((o) => o.slug)
        expect(slugs.length).toBe(10)
        for (const slug of slugs) expect((yield* connect(slug)).organizationSlug).toBe(slug)
        // two clients per organization (two layers built for it): they share its renewals all the same
        const clients = yield* Effect.forEach([...slugs, ...slugs], (organizationSlug) =>
          Effect.map(
            Layer.build(HelloAsso.layerOrganization({ organizationSlug })),
            (context) => ({ organizationSlug, payments: Context.get(context, Payments.Payments) })
          ))
        yield* Effect.forEach(clients, (c) => c.payments.listByOrganization({ organizationSlug: c.organizationSlug }))
        yield* TestClock.adjust(Duration.minutes(30))
        yield* simulator.clearRequests

        const calls = Array.from({ length: 1000 }, (_, i) => clients[i % clients.length]!)
        const pages = yield* Effect.forEach(
          calls,
          (c) => c.payments.listByOrganization({ organizationSlug: c.organizationSlug, pageSize: 3 }),
          { concurrency: "unbounded" }
        )
        const log = yield* simulator.requests
        const listings = log.filter((entry) => entry.endpoint === "listByOrganization")
        const mixed = listings.filter((entry) => entry.path.split("/")[3] !== entry.tokenOrganization).length
        const refreshes = (yield* simulator.stats).partner.refreshes
        const refreshed = slugs.reduce((n, slug) => n + (refreshes.get(slug) ?? 0), 0)
        console.log(
          `partner access (in memory): organizations ${slugs.length}, calls ${pages.length}, ` +
            `refreshes ${refreshed}, tokens mixed ${mixed}`
        )
        expect(pages.length).toBe(1000)
        expect(listings.length).toBe(1000)
        expect(listings.every((entry) => entry.status === 200)).toBe(true)
        expect(mixed).toBe(0)
        expect(slugs.map((slug) => refreshes.get(slug))).toEqual(slugs.map(() => 1))
        // the simulated association's pages are its own
        const truth = (yield* simulator.listPayments()).slice(0, 3).map((p) => p.id)
        for (const [i, page] of pages.entries()) {
          if (calls[i]!.organizationSlug === simulator.organization.slug) {
            expect(page.data.map((p) => p.id)).toEqual(truth)
          }
        }
        // the partner's own view: every organization connected, each with a live token
        const partnerClient = yield* HelloAssoClient.HelloAssoClient.pipe(
          Effect.provide(HelloAssoClient.layer.pipe(Layer.provide(HelloAssoAuth.layerClientCredentials)))
        )
        const listed = yield* partnerClient.json(
          {
            operation: "partners.organizations",
            method: "GET",
            path: ["partners", "me", "organizations"],
            query: [["pageSize", "100"]]
          },
          PartnerOrganizations
        )
        expect(listed.data.map((d) => d.organization.organizationSlug)).toEqual(slugs)
        expect(listed.data.every((d) => d.availableAccessToken)).toBe(true)
      }).pipe(
        Effect.scoped,
        Effect.provide(HelloAssoSimulator.layerPartner({ payments: 30, partner: { organizations: 9, payments: 10 } }))
      ),
    60_000
  )
})
