import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as ConfigError from "effect/ConfigError"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import type * as HelloAssoAuth from "../HelloAssoAuth.js"
import { HelloAssoConfig } from "../HelloAssoConfig.js"
import { AuthError } from "../HelloAssoError.js"
import * as ErrorBody from "./errorBody.js"
import * as ParseIssue from "./parseIssue.js"
import * as ResponseError from "./responseError.js"
import * as Scrub from "./scrub.js"
import * as Transport from "./transport.js"
import { userAgent } from "./userAgent.js"

/**
 * The token endpoint's answer: `expires_in` is in seconds (1800 at HelloAsso); an authorization code or a partner's
 * refresh token also gives `organization_slug`, the organization the tokens act for.
 */
const TokenResponse = Schema.Struct({
  access_token: Schema.NonEmptyString,
  refresh_token: Schema.optionalWith(Schema.NonEmptyString, { nullable: true }),
  token_type: Schema.optional(Schema.String),
  expires_in: Schema.Number.pipe(Schema.positive()),
  organization_slug: Schema.optionalWith(Schema.NonEmptyString, { nullable: true })
})

const decodeTokenResponse = Schema.decodeUnknownEither(Schema.parseJson(TokenResponse))

/** A token answer of the token endpoint, decoded. @internal */
export interface TokenAnswer {
  readonly access: Redacted.Redacted<string>
  readonly refresh: Option.Option<Redacted.Redacted<string>>
  readonly organizationSlug: Option.Option<string>
  /** When it was received, on the Effect clock. */
  readonly receivedAt: number
  readonly lifetimeMillis: number
}

interface CachedToken {
  readonly access: Redacted.Redacted<string>
  readonly refresh: Option.Option<Redacted.Redacted<string>>
  readonly grantedAt: number
  /** When to stop using it: before it expires, by the configured margin, or at once when the API refused it. */
  readonly renewAt: number
  /** The API refused it (401). */
  readonly refused: boolean
}

/** Tokens refused by the API within the hold-off of being granted, in a row. */
interface Refusals {
  readonly inARow: number
  /** No new token is requested before this time. */
  readonly holdUntil: number
}

/** A non-2xx answer of the token endpoint, kept raw until retries are over. */
interface TokenEndpointAnswer {
  readonly _tag: "TokenEndpointAnswer"
  readonly status: number
  readonly body: string
  readonly retryAfterMillis: number | undefined
  readonly redirectedTo: string | undefined
}

/** A token answer over `maxBodyBytes`: not retried. */
interface TokenTooLarge {
  readonly _tag: "TokenTooLarge"
}

const OPERATION = "HelloAssoAuth.token"

const noRefusals: Refusals = { inARow: 0, holdUntil: Number.NEGATIVE_INFINITY }

/** What a token request's `invalid_grant` refusal means to its caller, and how to say it. @internal */
export interface InvalidGrant {
  readonly reason: AuthError["reason"]
  readonly detail: (said: string, answerLost: boolean) => string
}

/**
 * Token requests to the configured token endpoint: form-encoded, retried like a GET (429, 502-504, network errors),
 * bounded by `timeout` and `deadline`, the answer size-bounded and decoded. Every secret of the form (and the
 * client secret) is scrubbed from the errors, whatever the server echoes. An `invalid_grant` refusal fails with
 * `invalidGrant.reason` when given (`InvalidCredentials` otherwise).
 *
 * @internal
 */
export const tokenRequests = (
  config: HelloAssoConfig["Type"],
  http: HttpClient.HttpClient,
  clientSecret: Redacted.Redacted<string> | undefined
) => {
  const tokenPath = new URL(config.tokenUrl).pathname
  const agent = userAgent(config)
  return (
    operation: string,
    form: Record<string, string>,
    secrets: ReadonlyArray<Redacted.Redacted<string>>,
    invalidGrant?: InvalidGrant
  ): Effect.Effect<TokenAnswer, AuthError> =>
    Effect.suspend(() => {
      const info: Transport.RequestInfo = { operation, method: "POST", path: tokenPath }
      const request = HttpClientRequest.post(config.tokenUrl).pipe(
        HttpClientRequest.bodyUrlParams(form),
        HttpClientRequest.setHeaders({ accept: "application/json", "user-agent": agent })
      )
      // an attempt without an answer may have been carried out: a refresh token may have rotated then
      let unanswered = 0
      const attempt = Effect.gen(function*() {
        const response = yield* Effect.mapError(http.execute(request), (e) => Transport.transportError(info, e))
        const success = response.status >= 200 && response.status < 300
        const read = yield* Effect.mapError(
          Transport.readBounded(
            response,
            success ? config.maxBodyBytes : config.maxErrorBodyBytes,
            success ? "fail" : "truncate"
          ),
          (e) => Transport.transportError(info, e)
        )
        if (read._tag === "TooLarge") return yield* Effect.fail<TokenTooLarge>({ _tag: "TokenTooLarge" })
        if (success) return read.text
        const answer: TokenEndpointAnswer = {
          _tag: "TokenEndpointAnswer",
          status: response.status,
          body: read.text,
          retryAfterMillis: Transport.parseRetryAfter(
            response.headers["retry-after"],
            yield* Clock.currentTimeMillis
          ),
          redirectedTo: Transport.isRedirect(response.status)
            ? Transport.redirectTarget(response.headers, config.tokenUrl)
            : undefined
        }
        return yield* Effect.fail(answer)
      }).pipe(
        Effect.tapError((error) =>
          Effect.sync(() => {
            if (error._tag === "TransportError" && error.reason !== "Connect") unanswered++
          })
        )
      )
      const forms = Scrub.forms([...secrets, ...(clientSecret === undefined ? [] : [clientSecret])])
      // the token request is idempotent: retried like a GET
      return Transport.retrying(
        Transport.withTimeout(info, config.timeout, attempt),
        config.retry,
        (error): Transport.RetryHint | undefined =>
          error._tag === "TransportError" ?
            { retryAfterMillis: undefined } :
            error._tag === "TokenEndpointAnswer" && Transport.TRANSIENT_STATUSES.has(error.status) ?
            { retryAfterMillis: error.retryAfterMillis } :
            undefined
      ).pipe(
        Effect.timeoutFail({
          duration: config.deadline,
          onTimeout: () => Transport.deadlineError(info, config.deadline)
        }),
        Effect.mapError((error): AuthError => {
          switch (error._tag) {
            case "TransportError":
              return new AuthError({
                operation,
                reason: "TokenEndpointFailure",
                detail: Scrub.text(error.message, forms)
              })
            case "TokenTooLarge":
              return new AuthError({
                operation,
                reason: "TokenEndpointFailure",
                detail: `the token answer is larger than ${config.maxBodyBytes} bytes (maxBodyBytes)`
              })
            case "TokenEndpointAnswer": {
              if (error.redirectedTo !== undefined) {
                return new AuthError({
                  operation,
                  reason: "TokenEndpointFailure",
                  status: error.status,
                  detail: `redirected to ${error.redirectedTo}, not followed: the credentials go to the token URL only`
                })
              }
              const mapped = Scrub.error(
                ResponseError.tokenError({ ...info, status: error.status, body: error.body }),
                forms
              )
              if (
                invalidGrant !== undefined && error.status === 400 &&
                ErrorBody.parse(error.body).code === "invalid_grant"
              ) {
                return new AuthError({
                  operation,
                  reason: invalidGrant.reason,
                  status: error.status,
                  detail: invalidGrant.detail(mapped.detail ?? "invalid_grant", unanswered > 0)
                })
              }
              return mapped
            }
          }
        }),
        Effect.flatMap((body) =>
          Effect.flatMap(Clock.currentTimeMillis, (now) => {
            const decoded = decodeTokenResponse(body)
            if (Either.isLeft(decoded)) {
              // name the field, never the values: the body holds the tokens
              const field = ParseIssue.describe(decoded.left).path || "body"
              return Effect.fail(
                new AuthError({
                  operation,
                  reason: "TokenEndpointFailure",
                  detail: `the token response is not valid (${field})`
                })
              )
            }
            const token = decoded.right
            return Effect.succeed<TokenAnswer>({
              access: Redacted.make(token.access_token),
              refresh: Option.map(Option.fromNullable(token.refresh_token), Redacted.make),
              organizationSlug: Option.fromNullable(token.organization_slug),
              receivedAt: now,
              lifetimeMillis: token.expires_in * 1000
            })
          })
        )
      )
    })
}

/** @internal */
export const makeClientCredentials = Effect.gen(function*() {
  const config = yield* HelloAssoConfig
  const http = yield* Transport.guard
  const credentials = yield* Option.match(config.credentials, {
    onNone: () =>
      Effect.fail(
        ConfigError.MissingData(
          ["clientId"],
          "client credentials are required: set clientId and clientSecret (HELLOASSO_CLIENT_ID, HELLOASSO_CLIENT_SECRET)"
        )
      ),
    onSome: Effect.succeed
  })
  const scope = yield* Effect.scope
  const state = yield* Ref.make<CachedToken | undefined>(undefined)
  const refusals = yield* Ref.make<Refusals>(noRefusals)
  const inflight = yield* Ref.make<Deferred.Deferred<CachedToken, AuthError> | undefined>(undefined)
  const marginMillis = Duration.toMillis(config.tokenRefreshMargin)
  const holdOffMillis = Duration.toMillis(config.grantHoldOff)
  const request = tokenRequests(config, http, credentials.clientSecret)

  const requestToken = (form: Record<string, string>, secrets: ReadonlyArray<Redacted.Redacted<string>>) =>
    Effect.map(request(OPERATION, form, secrets), (answer): CachedToken => {
      const margin = Math.min(marginMillis, answer.lifetimeMillis / 2)
      return {
        access: answer.access,
        refresh: answer.refresh,
        grantedAt: answer.receivedAt,
        renewAt: answer.receivedAt + answer.lifetimeMillis - margin,
        refused: false
      }
    })

  const clientCredentials = requestToken({
    grant_type: "client_credentials",
    client_id: credentials.clientId,
    client_secret: Redacted.value(credentials.clientSecret)
  }, []).pipe(
    Effect.withSpan("HelloAssoAuth.grant", { attributes: { "oauth.grant_type": "client_credentials" } })
  )

  const refresh = (refreshToken: Redacted.Redacted<string>) =>
    requestToken({
      grant_type: "refresh_token",
      client_id: credentials.clientId,
      refresh_token: Redacted.value(refreshToken)
    }, [refreshToken]).pipe(
      Effect.withSpan("HelloAssoAuth.grant", { attributes: { "oauth.grant_type": "refresh_token" } }),
      // a refused refresh token (expired, rotated, revoked): start over with the client credentials
      Effect.catchIf((error) => error.reason === "InvalidCredentials", () => clientCredentials)
    )

  const obtain = Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const current = yield* Ref.get(state)
    // another caller may have renewed it since we looked
    if (current !== undefined && now < current.renewAt) return current
    const { holdUntil, inARow } = yield* Ref.get(refusals)
    if (now < holdUntil) {
      return yield* Effect.fail(
        new AuthError({
          operation: OPERATION,
          reason: "Unauthorized",
          status: 401,
          detail: `the API refused ${inARow} tokens in a row right after they were granted; no new token is ` +
            `requested for ${Duration.format(Duration.millis(holdUntil - now))} (grantHoldOff)`
        })
      )
    }
    // a token that served its whole life ends a run of refusals
    if (current !== undefined && !current.refused) yield* Ref.set(refusals, noRefusals)
    const next = current !== undefined && Option.isSome(current.refresh)
      ? yield* refresh(current.refresh.value)
      : yield* clientCredentials
    yield* Ref.set(state, next)
    return next
  })

  /** One token request at a time: concurrent callers wait for it; a failure is not cached. */
  const renew = Effect.uninterruptibleMask((restore) =>
    Effect.gen(function*() {
      const mine = yield* Deferred.make<CachedToken, AuthError>()
      const running = yield* Ref.modify(inflight, (d) => d === undefined ? [undefined, mine] : [d, d])
      if (running !== undefined) return (yield* restore(Deferred.await(running))).access
      yield* obtain.pipe(
        Effect.exit,
        Effect.flatMap((exit) => Effect.zipRight(Ref.set(inflight, undefined), Deferred.done(mine, exit))),
        // the request outlives an interrupted caller: others may be waiting for it
        Effect.forkIn(scope)
      )
      return (yield* restore(Deferred.await(mine))).access
    })
  )

  const service: HelloAssoAuth.Service = {
    token: Effect.flatMap(
      Effect.zip(Clock.currentTimeMillis, Ref.get(state)),
      ([now, current]) => current !== undefined && now < current.renewAt ? Effect.succeed(current.access) : renew
    ),
    invalidate: (token) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.flatMap(
          Ref.modify(state, (current): [CachedToken | undefined, CachedToken | undefined] =>
            current !== undefined && !current.refused && Redacted.value(current.access) === Redacted.value(token)
              ? [current, { ...current, renewAt: Number.NEGATIVE_INFINITY, refused: true }]
              : [undefined, current]),
          (refused) =>
            refused === undefined ? Effect.void : Ref.update(refusals, ({ inARow }) => {
              // HelloAsso limits the live tokens per client: fresh tokens refused twice in a row stop the grants
              if (now - refused.grantedAt > holdOffMillis) return noRefusals
              const next = inARow + 1
              return { inARow: next, holdUntil: next >= 2 ? now + holdOffMillis : Number.NEGATIVE_INFINITY }
            })
        )),
    secrets: Effect.map(Ref.get(state), (current) => [
      credentials.clientSecret,
      ...(current === undefined ? [] : [current.access, ...Option.toArray(current.refresh)])
    ])
  }
  return service
})

/** @internal */
export const makeStatic = (token: Redacted.Redacted<string>): HelloAssoAuth.Service => ({
  token: Effect.succeed(token),
  invalidate: () => Effect.void
})
