/**
 * Partner access: HelloAsso's authorization code flow with PKCE (S256), and access tokens of each connected
 * organization read from and renewed through the `TokenStore`.
 */
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as ConfigError from "effect/ConfigError"
import * as DateTime from "effect/DateTime"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Encoding from "effect/Encoding"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as HelloAssoAuth from "../HelloAssoAuth.js"
import { HelloAssoConfig } from "../HelloAssoConfig.js"
import { AuthError, ValidationError } from "../HelloAssoError.js"
import * as TokenStore from "../TokenStore.js"
import * as Auth from "./auth.js"
import { isLoopbackHost } from "./config.js"
import * as Params from "./params.js"
import * as ParseIssue from "./parseIssue.js"
import * as ResponseError from "./responseError.js"
import * as Scrub from "./scrub.js"
import * as Transport from "./transport.js"
import { userAgent } from "./userAgent.js"

const TOKEN = "HelloAssoAuth.token"

// -- PKCE (RFC 7636) ---------------------------------------------------------------------------------------------

/** A code verifier: 43 to 128 characters of the unreserved set. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/

/** HelloAsso's limit on `state`. */
const MAX_STATE = 500

const webCrypto = (): Crypto => {
  const crypto = globalThis.crypto
  if (crypto?.subtle === undefined) throw new Error("Web Crypto (globalThis.crypto.subtle) is not available")
  return crypto
}

/** Random bytes as base64url: 32 bytes give 43 characters, all of the unreserved set. */
const randomText = (bytes: number): string =>
  Encoding.encodeBase64Url(webCrypto().getRandomValues(new Uint8Array(bytes)))

/** `code_challenge` for `code_challenge_method=S256`: base64url of the SHA-256 of the verifier. @internal */
export const challengeOf = (verifier: string): Effect.Effect<string> =>
  Effect.map(
    Effect.promise(() => webCrypto().subtle.digest("SHA-256", new TextEncoder().encode(verifier))),
    (digest) => Encoding.encodeBase64Url(new Uint8Array(digest))
  )

// -- inputs ------------------------------------------------------------------------------------------------------

const invalid = (operation: string, field: string, detail: string) =>
  new ValidationError({ operation, source: "client", field, detail })

const credentialsOf = (config: HelloAssoConfig["Type"]) =>
  Option.match(config.credentials, {
    onNone: () =>
      Effect.fail(
        ConfigError.MissingData(
          ["clientId"],
          "partner access needs the partner's client id and secret: set clientId and clientSecret " +
            "(HELLOASSO_CLIENT_ID, HELLOASSO_CLIENT_SECRET)"
        )
      ),
    onSome: Effect.succeed
  })

/** HelloAsso redirects to https URLs on the partner's registered domain; plain http only on a loopback host. */
const checkRedirectUri = (operation: string, redirectUri: unknown): Effect.Effect<string, ValidationError> => {
  if (typeof redirectUri !== "string") return Effect.fail(invalid(operation, "redirectUri", "must be a URL"))
  let url: URL
  try {
    url = new URL(redirectUri)
  } catch {
    return Effect.fail(invalid(operation, "redirectUri", "must be an absolute URL"))
  }
  if (url.username !== "" || url.password !== "") {
    return Effect.fail(invalid(operation, "redirectUri", "must not carry credentials"))
  }
  if (url.hash !== "") return Effect.fail(invalid(operation, "redirectUri", "must not have a fragment"))
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackHost(url.hostname))) {
    return Effect.fail(
      invalid(operation, "redirectUri", "must be https (plain http only on a loopback host)")
    )
  }
  return Effect.succeed(redirectUri)
}

const checkSlug = (organizationSlug: unknown): Either.Either<string, ConfigError.ConfigError> =>
  Either.mapLeft(
    Schema.decodeUnknownEither(Params.Slug)(organizationSlug),
    (error) => ConfigError.InvalidData(["organizationSlug"], `organizationSlug ${ParseIssue.describe(error).message}`)
  )

// -- the flow ----------------------------------------------------------------------------------------------------

/** @internal */
export const authorizationRequest = (
  params: HelloAssoAuth.AuthorizationRequestParams
): Effect.Effect<HelloAssoAuth.AuthorizationRequest, ValidationError | ConfigError.ConfigError, HelloAssoConfig> =>
  Effect.gen(function*() {
    const operation = "HelloAssoAuth.authorizationRequest"
    const config = yield* HelloAssoConfig
    const { clientId } = yield* credentialsOf(config)
    const redirectUri = yield* checkRedirectUri(operation, params.redirectUri)
    if (params.state !== undefined && (typeof params.state !== "string" || params.state.length === 0)) {
      return yield* invalid(operation, "state", "must be a non-empty string")
    }
    if (params.state !== undefined && params.state.length >= MAX_STATE) {
      return yield* invalid(operation, "state", `must be shorter than ${MAX_STATE} characters`)
    }
    const state = params.state ?? randomText(32)
    const verifier = randomText(48)
    const url = new URL(config.authorizeUrl)
    url.searchParams.set("client_id", clientId)
    url.searchParams.set("redirect_uri", redirectUri)
    url.searchParams.set("code_challenge", yield* challengeOf(verifier))
    url.searchParams.set("code_challenge_method", "S256")
    url.searchParams.set("state", state)
    return { url: url.href, state, codeVerifier: Redacted.make(verifier) }
  })

/** A token answer of the authorization code flow as the pair to store. */
const pairOf = (
  operation: string,
  answer: Auth.TokenAnswer,
  fallback: { readonly organizationSlug: string; readonly refreshToken: Redacted.Redacted<string> } | undefined
): Effect.Effect<TokenStore.Tokens, AuthError> => {
  const organizationSlug = Option.getOrElse(answer.organizationSlug, () => fallback?.organizationSlug)
  const refreshToken = Option.getOrElse(answer.refresh, () => fallback?.refreshToken)
  if (organizationSlug === undefined || refreshToken === undefined) {
    const missing = organizationSlug === undefined ? "organization_slug" : "refresh_token"
    return Effect.fail(
      new AuthError({ operation, reason: "TokenEndpointFailure", detail: `the token answer has no ${missing}` })
    )
  }
  return Effect.succeed({
    organizationSlug,
    accessToken: answer.access,
    refreshToken,
    expiresAt: DateTime.unsafeMake(answer.receivedAt + answer.lifetimeMillis)
  })
}

/** @internal */
export const exchangeCode = (
  params: HelloAssoAuth.ExchangeCodeParams
) =>
  Effect.gen(function*() {
    const operation = "HelloAssoAuth.exchangeCode"
    const config = yield* HelloAssoConfig
    const credentials = yield* credentialsOf(config)
    const http = yield* Transport.guard
    const code = Redacted.isRedacted(params.code) ? Redacted.value(params.code) : params.code
    // a code is printable ASCII without spaces, as it travels in a query string
    if (typeof code !== "string" || !/^[!-~]{1,4096}$/.test(code)) {
      return yield* invalid(operation, "code", "must be the code HelloAsso redirected back with")
    }
    const verifier = Redacted.isRedacted(params.codeVerifier)
      ? Redacted.value(params.codeVerifier)
      : params.codeVerifier
    if (typeof verifier !== "string" || !VERIFIER.test(verifier)) {
      return yield* invalid(
        operation,
        "codeVerifier",
        "must be the verifier of authorizationRequest (43 to 128 characters of A-Z a-z 0-9 - . _ ~)"
      )
    }
    const redirectUri = yield* checkRedirectUri(operation, params.redirectUri)
    const answer = yield* Auth.tokenRequests(config, http, credentials.clientSecret)(
      operation,
      {
        grant_type: "authorization_code",
        client_id: credentials.clientId,
        client_secret: Redacted.value(credentials.clientSecret),
        code,
        redirect_uri: redirectUri,
        code_verifier: verifier
      },
      [Redacted.make(code), Redacted.make(verifier)],
      { reason: "CodeRefused", detail: (said) => said }
    )
    return yield* pairOf(operation, answer, undefined)
  }).pipe(Effect.withSpan("HelloAssoAuth.exchangeCode", { attributes: { "oauth.grant_type": "authorization_code" } }))

/** @internal */
export const connect = (params: HelloAssoAuth.ExchangeCodeParams) =>
  Effect.gen(function*() {
    const store = yield* TokenStore.TokenStore
    const tokens = yield* exchangeCode(params)
    yield* Effect.mapError(store.set(tokens), storeFailure("HelloAssoAuth.connect"))
    // a pair from an earlier connection of this organization is replaced: forget what was held of it
    const session = sessions.get(store)?.get(tokens.organizationSlug.toLowerCase())
    if (session !== undefined) reset(session)
    return tokens
  })

// -- tokens of a connected organization ------------------------------------------------------------------------

const storeFailure = (operation: string) => (error: TokenStore.TokenStoreError) =>
  new AuthError({ operation, reason: "TokenStoreFailure", detail: error.message })

interface Refusals {
  readonly inARow: number
  readonly holdUntil: number
}

const noRefusals: Refusals = { inARow: 0, holdUntil: Number.NEGATIVE_INFINITY }

/** What is known of one organization's tokens, shared by every provider of that organization on one store. */
interface Session {
  /** The pair in use; it is in the store. */
  pair: TokenStore.Tokens | undefined
  renewAt: number
  /** When the pair was granted, if it was granted here (a pair read from the store: never). */
  grantedAt: number
  /** The API refused the pair's access token (401). */
  refused: boolean
  /** A renewed pair the store did not take: it is written before anything else, and not used until then. */
  unsaved: TokenStore.Tokens | undefined
  inflight: Deferred.Deferred<TokenStore.Tokens, AuthError> | undefined
  refusals: Refusals
}

const reset = (session: Session): void => {
  session.pair = undefined
  session.renewAt = Number.NEGATIVE_INFINITY
  session.grantedAt = Number.NEGATIVE_INFINITY
  session.refused = false
  session.unsaved = undefined
  session.refusals = noRefusals
}

/**
 * Every provider of an organization on a store shares one session: each renewal rotates the refresh token and
 * HelloAsso refuses the previous one, so two renewals of one organization must never run side by side, however
 * many layers were built for it. Keyed by the store, so a new store (a new process, a test) starts afresh.
 */
const sessions = new WeakMap<TokenStore.Service, Map<string, Session>>()

const sessionOf = (store: TokenStore.Service, organizationSlug: string): Session => {
  let byOrganization = sessions.get(store)
  if (byOrganization === undefined) {
    byOrganization = new Map()
    sessions.set(store, byOrganization)
  }
  const key = organizationSlug.toLowerCase()
  let session = byOrganization.get(key)
  if (session === undefined) {
    session = {
      pair: undefined,
      renewAt: Number.NEGATIVE_INFINITY,
      grantedAt: Number.NEGATIVE_INFINITY,
      refused: false,
      unsaved: undefined,
      inflight: undefined,
      refusals: noRefusals
    }
    byOrganization.set(key, session)
  }
  return session
}

const same = (a: Redacted.Redacted<string>, b: Redacted.Redacted<string>): boolean =>
  Redacted.value(a) === Redacted.value(b)

/** @internal */
export const makeAuthorizationCode = (options: { readonly organizationSlug: string }) =>
  Effect.gen(function*() {
    const organizationSlug = yield* checkSlug(options.organizationSlug)
    const config = yield* HelloAssoConfig
    const credentials = yield* credentialsOf(config)
    const http = yield* Transport.guard
    const store = yield* TokenStore.TokenStore
    const session = sessionOf(store, organizationSlug)
    const request = Auth.tokenRequests(config, http, credentials.clientSecret)
    const marginMillis = Duration.toMillis(config.tokenRefreshMargin)
    const holdOffMillis = Duration.toMillis(config.grantHoldOff)
    const failedStore = storeFailure(TOKEN)

    const adopt = (pair: TokenStore.Tokens, now: number, lifetimeMillis: number | undefined) => {
      session.pair = pair
      session.refused = false
      session.renewAt = DateTime.toEpochMillis(pair.expiresAt) -
        (lifetimeMillis === undefined ? marginMillis : Math.min(marginMillis, lifetimeMillis / 2))
      session.grantedAt = lifetimeMillis === undefined ? Number.NEGATIVE_INFINITY : now
    }

    const write = (pair: TokenStore.Tokens) => Effect.mapError(store.set(pair), failedStore)

    const refresh = (pair: TokenStore.Tokens) =>
      request(
        TOKEN,
        {
          grant_type: "refresh_token",
          client_id: credentials.clientId,
          refresh_token: Redacted.value(pair.refreshToken)
        },
        [pair.refreshToken, pair.accessToken],
        {
          reason: "AuthorizationRequired",
          detail: (said, answerLost) =>
            `the refresh token of ${organizationSlug} was refused (${said})` +
            (answerLost ? "; an earlier attempt got no answer: HelloAsso may have rotated the token then" : "")
        }
      ).pipe(
        Effect.withSpan("HelloAssoAuth.grant", {
          attributes: { "oauth.grant_type": "refresh_token", "helloasso.organization_slug": organizationSlug }
        })
      )

    /**
     * After HelloAsso refused a refresh token: the pair another process stored meanwhile (it renewed first), or else
     * the dead pair is removed and the association must authorize again.
     */
    const afterRefusal = (dead: TokenStore.Tokens, refusal: AuthError) =>
      Effect.gen(function*() {
        if (session.pair !== undefined && same(session.pair.refreshToken, dead.refreshToken)) reset(session)
        const stored = yield* Effect.either(store.get(organizationSlug))
        if (
          Either.isRight(stored) && Option.isSome(stored.right) &&
          !same(stored.right.value.refreshToken, dead.refreshToken)
        ) {
          return stored.right.value
        }
        const removed = Either.isLeft(stored)
          ? stored
          : yield* Effect.either(Option.isSome(stored.right) ? store.remove(organizationSlug) : Effect.void)
        return yield* Effect.fail(
          new AuthError({
            ...refusal,
            detail: `${refusal.detail}; ${
              Either.isRight(removed)
                ? "its tokens were removed from the store"
                : `removing its tokens from the store failed (${removed.left.message})`
            }`
          })
        )
      })

    const obtain = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const pending = session.unsaved
      if (pending !== undefined) {
        yield* write(pending)
        session.unsaved = undefined
        adopt(pending, now, undefined)
      }
      // another caller may have renewed it since we looked
      if (session.pair !== undefined && !session.refused && now < session.renewAt) return session.pair
      const { holdUntil, inARow } = session.refusals
      if (now < holdUntil) {
        return yield* Effect.fail(
          new AuthError({
            operation: TOKEN,
            reason: "Unauthorized",
            status: 401,
            detail: `the API refused ${inARow} tokens of ${organizationSlug} in a row right after they were ` +
              `granted; no new token is requested for ${Duration.format(Duration.millis(holdUntil - now))} ` +
              "(grantHoldOff)"
          })
        )
      }
      // a token that served its whole life ends a run of refusals
      if (session.pair !== undefined && !session.refused) session.refusals = noRefusals
      const stored = yield* Effect.mapError(store.get(organizationSlug), failedStore)
      if (Option.isNone(stored)) {
        reset(session)
        return yield* Effect.fail(
          new AuthError({
            operation: TOKEN,
            reason: "AuthorizationRequired",
            detail: `no tokens are stored for the organization ${organizationSlug}: connect it through the ` +
              "authorization flow"
          })
        )
      }
      const pair = stored.value
      const known = session.pair !== undefined && same(session.pair.refreshToken, pair.refreshToken)
      if (!known && now < DateTime.toEpochMillis(pair.expiresAt) - marginMillis) {
        adopt(pair, now, undefined)
        return pair
      }
      const refreshed = yield* Effect.either(refresh(pair))
      if (Either.isLeft(refreshed)) {
        if (refreshed.left.reason !== "AuthorizationRequired") return yield* Effect.fail(refreshed.left)
        const newer = yield* afterRefusal(pair, refreshed.left)
        adopt(newer, now, undefined)
        return newer
      }
      const answer = refreshed.right
      if (
        Option.isSome(answer.organizationSlug) &&
        answer.organizationSlug.value.toLowerCase() !== pair.organizationSlug.toLowerCase()
      ) {
        return yield* Effect.fail(
          new AuthError({
            operation: TOKEN,
            reason: "TokenEndpointFailure",
            detail: `the token endpoint renewed the tokens of ${organizationSlug} for another organization`
          })
        )
      }
      const next = yield* pairOf(TOKEN, answer, pair)
      // HelloAsso stopped accepting the previous refresh token when it answered: the new pair is stored before
      // its access token is used, and kept here to be written again if the store fails now
      yield* Effect.tapError(write(next), () => Effect.sync(() => void (session.unsaved = next)))
      adopt(next, answer.receivedAt, answer.lifetimeMillis)
      return next
    })

    /** One renewal per organization at a time: concurrent callers wait for it; a failure is not cached. */
    const renew = Effect.uninterruptibleMask((restore) =>
      Effect.gen(function*() {
        const mine = yield* Deferred.make<TokenStore.Tokens, AuthError>()
        const running = session.inflight
        if (running !== undefined) return (yield* restore(Deferred.await(running))).accessToken
        session.inflight = mine
        yield* obtain.pipe(
          Effect.exit,
          Effect.flatMap((exit) =>
            Effect.zipRight(Effect.sync(() => void (session.inflight = undefined)), Deferred.done(mine, exit))
          ),
          // the renewal outlives its caller and the layer that started it: other providers of the organization
          // may wait for it, and the refresh token it rotates must reach the store
          Effect.forkDaemon
        )
        return (yield* restore(Deferred.await(mine))).accessToken
      })
    )

    const service: HelloAssoAuth.Service = {
      token: Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const pair = session.pair
        return pair !== undefined && !session.refused && session.unsaved === undefined && now < session.renewAt
          ? Effect.succeed(pair.accessToken)
          : renew
      }),
      invalidate: (token) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Effect.sync(() => {
            const pair = session.pair
            if (pair === undefined || session.refused || !same(pair.accessToken, token)) return
            session.refused = true
            session.renewAt = Number.NEGATIVE_INFINITY
            // fresh tokens refused twice in a row stop the renewals for a while
            if (now - session.grantedAt > holdOffMillis) {
              session.refusals = noRefusals
              return
            }
            const next = session.refusals.inARow + 1
            session.refusals = {
              inARow: next,
              holdUntil: next >= 2 ? now + holdOffMillis : Number.NEGATIVE_INFINITY
            }
          })),
      secrets: Effect.sync(() => [
        credentials.clientSecret,
        ...[session.pair, session.unsaved].flatMap((pair) =>
          pair === undefined ? [] : [pair.accessToken, pair.refreshToken]
        )
      ])
    }
    return service
  })

// -- disconnect --------------------------------------------------------------------------------------------------

/** @internal */
export const disconnect = (params: { readonly organizationSlug: string }) =>
  Effect.gen(function*() {
    const operation = "HelloAssoAuth.disconnect"
    const provider = yield* makeAuthorizationCode(params)
    const config = yield* HelloAssoConfig
    const http = yield* Transport.guard
    const store = yield* TokenStore.TokenStore
    const token = yield* provider.token.pipe(
      Effect.map(Option.some),
      // nothing stored, or a refresh token refused: HelloAsso holds no tokens of ours for it
      Effect.catchIf((error) => error.reason === "AuthorizationRequired", () => Effect.succeedNone)
    )
    if (Option.isSome(token)) {
      const url = new URL("/oauth2/disconnect", config.tokenUrl).href
      const info: Transport.RequestInfo = { operation, method: "GET", path: "/oauth2/disconnect" }
      const forms = Scrub.forms([token.value, ...(yield* provider.secrets ?? Effect.succeed([]))])
      const attempt = Effect.gen(function*() {
        const response = yield* Effect.mapError(
          http.execute(
            HttpClientRequest.get(url).pipe(
              HttpClientRequest.bearerToken(token.value),
              HttpClientRequest.setHeaders({ accept: "application/json", "user-agent": userAgent(config) })
            )
          ),
          (error) => Transport.transportError(info, error)
        )
        const read = yield* Effect.mapError(
          Transport.readBounded(response, config.maxErrorBodyBytes, "truncate"),
          (error) => Transport.transportError(info, error)
        )
        const answer = { status: response.status, body: read._tag === "TooLarge" ? "" : read.text }
        if (!Transport.TRANSIENT_STATUSES.has(response.status)) return answer
        const now = yield* Clock.currentTimeMillis
        const retryAfterMillis = Transport.parseRetryAfter(response.headers["retry-after"], now)
        return yield* Effect.fail({ _tag: "Transient" as const, answer, retryAfterMillis })
      })
      // revoking is idempotent: retried like a GET
      const answer = yield* Transport.retrying(
        Transport.withTimeout(info, config.timeout, attempt),
        config.retry,
        (error): Transport.RetryHint => ({
          retryAfterMillis: error._tag === "Transient" ? error.retryAfterMillis : undefined
        })
      ).pipe(
        Effect.catchTag("Transient", (error) => Effect.succeed(error.answer)),
        Effect.timeoutFail({
          duration: config.deadline,
          onTimeout: () => Transport.deadlineError(info, config.deadline)
        }),
        Effect.mapError((error) =>
          new AuthError({ operation, reason: "TokenEndpointFailure", detail: Scrub.text(error.message, forms) })
        )
      )
      // 401: the tokens were revoked already
      if ((answer.status < 200 || answer.status >= 300) && answer.status !== 401) {
        const refused = ResponseError.tokenError({ ...info, status: answer.status, body: answer.body })
        return yield* Effect.fail(
          Scrub.error(new AuthError({ ...refused, reason: "TokenEndpointFailure" }), forms)
        )
      }
    }
    yield* Effect.mapError(store.remove(params.organizationSlug), storeFailure(operation))
    reset(sessionOf(store, params.organizationSlug))
  }).pipe(Effect.withSpan("HelloAssoAuth.disconnect"))
