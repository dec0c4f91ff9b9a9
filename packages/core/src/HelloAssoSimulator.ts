/**
 * A simulator of the HelloAsso API for tests, demos and benchmarks: the token endpoint and the five payments
 * endpoints with HelloAsso's auth, parameters, pagination, error shapes, refunds and MFA, over a deterministic
 * association generated from a seed (or explicit fixtures), with fault injection and a request log.
 *
 * Its association is paid out monthly: the authorized payments of a month are cashed out on the 5th of the next
 * (`cashOutState: "CashedOut"`, `cashOutDate`, `idCashOut`), and the cash-out export lists exactly the payments
 * whose `idCashOut` names it, as JSON or CSV (XLSX answers 406). With fixtures, the cash-outs are the fixtures'
 * `idCashOut` values.
 *
 * It delivers notifications (webhooks) like HelloAsso: URLs registered through the API's notification endpoints
 * (`PUT /partners/me/api-notifications[/organizations/{organizationSlug}]`, or `setNotificationUrl`) receive a
 * signed `Payment` and `Order` notification when a refund is made or a payment is added (`addPayment`),
 * redelivered with backoff until they answer a 2xx; every attempt is recorded (`deliveries`), and delivery
 * faults duplicate, delay or drop them.
 *
 * It plays HelloAsso's side of partner access (since 0.3.0): the authorization page (`/authorize`, where the
 * association consents at once unless `consent` / `setConsent` decides otherwise), authorization codes that live 5
 * minutes and work once, PKCE (S256) and `redirect_uri` checks, `organization_slug` in the token answer, refresh
 * tokens that rotate (a used one is refused), `GET /oauth2/disconnect`, `GET /partners/me/organizations` and
 * `PUT /partners/me/api-clients`, for a partner client (`partner`) and associations that can connect to it.
 *
 * It is one HTTP application (`app`) with two transports: `layerHttpClient` runs it in memory (no sockets,
 * driven by the caller's `Clock`, so `TestClock` works), and `NodeSimulatorServer` of `@helloasso-effect/node`
 * serves it over loopback HTTP.
 *
 * @since 0.1.0
 */
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import type * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as HelloAsso from "./HelloAsso.js"
import * as HelloAssoConfig from "./HelloAssoConfig.js"
import type { MfaCode, ValidationError } from "./HelloAssoError.js"
import type * as Additions from "./internal/simulator/additions.js"
import * as App from "./internal/simulator/app.js"
import type * as Deliveries from "./internal/simulator/deliveries.js"
import type * as Faults from "./internal/simulator/faults.js"
import type * as Partner from "./internal/simulator/partner.js"
import type * as Query from "./internal/simulator/query.js"
import type * as Render from "./internal/simulator/render.js"
import * as internal from "./internal/simulator/simulator.js"
import * as TestClockRunner from "./internal/simulator/testClock.js"
import type * as Tokens from "./internal/simulator/tokens.js"
import type * as Payment from "./Payment.js"
import * as TokenStore from "./TokenStore.js"

/**
 * The endpoints, as the request log and fault rules name them (`setNotificationUrl` and `deleteNotificationUrl`
 * since 0.2.0: `PUT` and `DELETE` on `/partners/me/api-notifications[/organizations/{organizationSlug}]`;
 * `exportCashOut` since 0.3.0: `GET /organizations/{organizationSlug}/cash-out/{cashOutId}/export`).
 *
 * @since 0.1.0
 * @category models
 */
export type Endpoint = Query.Endpoint

/**
 * A fault the simulator can inject: an error status (429 with `Retry-After`, 500, 502, 503, 504), latency,
 * malformed or truncated JSON, a token revoked before the request is checked, a body that stalls after its
 * first half, or a connection refused or reset (before the request is read, or after it was processed).
 *
 * @since 0.1.0
 * @category faults
 */
export type Fault = Faults.Fault

/**
 * When to inject a fault: on the requests of `endpoint` (all by default), on the n-th matching requests (`on`),
 * or with a probability drawn from the simulator's seed; `times` bounds how often it fires.
 *
 * @since 0.1.0
 * @category faults
 */
export type FaultRule = Faults.FaultRule

/**
 * Constructors of faults.
 *
 * @since 0.1.0
 * @category faults
 */
export const fault = {
  /** An error answer. */
  status: (status: number): Fault => ({ _tag: "Status", status }),
  /** 429 with `Retry-After` in seconds, or as an HTTP date. */
  rateLimited: (retryAfterSeconds: number, format: "seconds" | "http-date" = "seconds"): Fault => ({
    _tag: "Status",
    status: 429,
    retryAfter: retryAfterSeconds,
    retryAfterFormat: format
  }),
  /**
   * 400 in ASP.NET's validation shape (`{"title", "errors": {"Field": ["..."]}}`): the client fails with a
   * `ValidationError` whose `source` is `"api"`. Default: a `PageSize` error.
   */
  validation: (
    errors: Readonly<Record<string, ReadonlyArray<string>>> = {
      PageSize: ["The field PageSize must be between 1 and 100."]
    }
  ): Fault => ({ _tag: "Validation", errors }),
  /** 503 with an optional `Retry-After`. */
  unavailable: (retryAfterSeconds?: number): Fault => ({ _tag: "Status", status: 503, retryAfter: retryAfterSeconds }),
  latency: (millis: number): Fault => ({ _tag: "Latency", millis }),
  malformedJson: { _tag: "MalformedJson" } as Fault,
  truncatedJson: { _tag: "TruncatedJson" } as Fault,
  /** Every live access token is revoked before the request is checked (it gets a 401). */
  revokeToken: { _tag: "RevokeToken" } as Fault,
  /** The answer sends its headers and half its body, then nothing. */
  stallBody: { _tag: "StallBody" } as Fault,
  /** The connection is refused: the request is not processed. */
  refuseConnection: { _tag: "RefuseConnection" } as Fault,
  /** The connection is reset before the request is read: it is not processed. */
  resetBeforeRead: { _tag: "ResetBeforeRead" } as Fault,
  /**
   * The request is processed (a refund is made), then the connection is reset instead of answering. On the token
   * endpoint: the grant is made (a refresh token rotated, the one sent refused from now on) and its answer lost.
   */
  resetAfterRead: { _tag: "ResetAfterRead" } as Fault
} as const

/**
 * A token answer lost after the server rotated: the n-th token requests (all of them by default) are granted (a
 * refresh rotates the refresh token, the one sent stops working), then the connection is reset. What a crash
 * between HelloAsso's answer and the store's write leaves behind.
 *
 * @since 0.3.0
 * @category faults
 */
export const tokenAnswerLost = (on?: ReadonlyArray<number>): FaultRule => ({
  endpoint: "token",
  fault: fault.resetAfterRead,
  ...(on === undefined ? {} : { on })
})

/**
 * What the association's administrator is asked on the authorization page: the partner's client, the
 * `redirect_uri` and the `state`.
 *
 * @since 0.3.0
 * @category partner
 */
export type AuthorizeRequest = Partner.AuthorizeRequest

/**
 * The administrator's answer: consent for an organization (by default the simulated association, else one of
 * `partner.organizations`), or a refusal sent back to the `redirect_uri` as `error` (`access_denied` by default).
 *
 * @since 0.3.0
 * @category partner
 */
export type Consent = Partner.Consent

/**
 * Constructors of `Consent`.
 *
 * @since 0.3.0
 * @category partner
 */
export const consent = {
  grant: (organizationSlug?: string): Consent => ({ _tag: "Grant", organizationSlug }),
  refuse: (error?: string): Consent => ({ _tag: "Refuse", error })
} as const

/**
 * Partner access so far: codes issued by the authorization page and redeemed, refresh token grants by organization
 * (lower case), disconnections.
 *
 * @since 0.3.0
 * @category models
 */
export type PartnerStats = Partner.PartnerStats

/**
 * A fault of notification deliveries: the notification is delivered twice (a second delivery after the first
 * one ended), later (`millis` before the first attempt), or never.
 *
 * @since 0.2.0
 * @category faults
 */
export type DeliveryFault = Deliveries.DeliveryFault

/**
 * When to apply a delivery fault: on deliveries (one notification to one URL) of the event types given (all by
 * default), on the n-th matching ones (`on`), or with a probability drawn from the simulator's seed; `times`
 * bounds how often it fires.
 *
 * @since 0.2.0
 * @category faults
 */
export type DeliveryFaultRule = Deliveries.DeliveryFaultRule

/**
 * Constructors of delivery faults.
 *
 * @since 0.2.0
 * @category faults
 */
export const deliveryFault = {
  /** Delivered a second time after the first delivery ended: the receiver must not act twice. */
  duplicate: { _tag: "Duplicate" } as DeliveryFault,
  /** Delivered `millis` later (on the Effect clock). */
  delay: (millis: number): DeliveryFault => ({ _tag: "Delay", millis }),
  /** Never delivered: the receiver must reconcile by other means. */
  drop: { _tag: "Drop" } as DeliveryFault
} as const

/**
 * One attempt to deliver a notification to a URL: the body and `x-ha-signature` sent, and the receiver's status
 * or why there was none. A dropped delivery is recorded once, with `attempt` 0 and `fault: "drop"`.
 *
 * @since 0.2.0
 * @category models
 */
export type Delivery = Deliveries.Delivery

/**
 * A notification to emit: `{ eventType, data, metadata? }`, the body HelloAsso POSTs.
 *
 * @since 0.2.0
 * @category models
 */
export type NotificationEvent = Deliveries.Event

/**
 * A payment to add: an `Authorized` card payment of the simulated organization, on its first form (or the form
 * given by `formType` and/or `formSlug`), of the form's first price (`amount` in cents otherwise, 10 € for a
 * free price), paid by `payer`; `metadata` is sent with its notifications, like a checkout intent's metadata.
 *
 * @since 0.2.0
 * @category models
 */
export type NewPayment = Additions.NewPayment

/**
 * A notification URL as registered for the simulated association's client.
 *
 * @since 0.2.0
 * @category models
 */
export interface NotificationUrl {
  readonly clientId: string
  readonly url: string
  /** `undefined`: the main URL, for every event type. */
  readonly notificationType: string | undefined
  /** `undefined`: the partner-level URL; else the organization's (lower case). */
  readonly organizationSlug: string | undefined
  /** The key that signs what is delivered there (`x-ha-signature`). */
  readonly signatureKey: Redacted.Redacted<string>
}

/**
 * What `PUT /partners/me/api-notifications[/organizations/{organizationSlug}]` takes.
 *
 * @since 0.2.0
 * @category models
 */
export interface NotificationUrlParams {
  /** https, or plain http on a loopback host (127.0.0.1, [::1], localhost). */
  readonly url: string
  /** `Payment`, `Order`, `Form` or `Organization`; absent: the main URL, for every event type. */
  readonly notificationType?: string | undefined
  /** Absent: the partner-level URL. */
  readonly organizationSlug?: string | undefined
}

/**
 * A payment as the search endpoint sends it: `PublicPaymentEncoded` with the spec's `status` where the client's
 * model says `state`.
 *
 * @since 0.2.0
 * @category models
 */
export type SearchResult = Render.PublicPaymentWire

/**
 * One request as the simulator saw it. Bearer tokens, client secrets, refresh tokens and MFA tokens are masked.
 *
 * @since 0.1.0
 * @category models
 */
export type RequestLogEntry = App.RequestLogEntry

/**
 * @since 0.1.0
 * @category models
 */
export interface Stats {
  readonly grants: Tokens.GrantCounts
  /** Refunds performed, in total and by payment id. */
  readonly refunds: { readonly total: number; readonly byPayment: ReadonlyMap<number, number> }
  readonly requests: number
  readonly faultsInjected: number
  /**
   * Requests answered 429 by the rate limit (`Options.rateLimit`), injected faults not included.
   *
   * @since 0.2.0
   */
  readonly rateLimited: number
  readonly liveAccessTokens: number
  /** @since 0.3.0 */
  readonly partner: PartnerStats
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Form {
  readonly id: number
  readonly formType: Payment.FormType
  readonly formSlug: string
  readonly title: string
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Organization {
  readonly id: number
  readonly slug: string
  readonly name: string
}

/**
 * Filters of the ground truth, with the API's parameter names.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListFilter {
  readonly formType?: string | undefined
  readonly formSlug?: string | undefined
  readonly from?: string | undefined
  readonly to?: string | undefined
  readonly states?: ReadonlyArray<string> | undefined
  readonly userSearchKey?: string | undefined
  readonly sortField?: string | undefined
  readonly sortOrder?: string | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface SearchFilter {
  readonly from?: string | undefined
  readonly to?: string | undefined
  readonly states?: ReadonlyArray<string> | undefined
  readonly formTypes?: ReadonlyArray<string> | undefined
  readonly searchKey?: string | undefined
  readonly amount?: number | undefined
  readonly userId?: number | undefined
  readonly sortField?: string | undefined
  readonly sortOrder?: string | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The HTTP application; its paths are `/oauth2/token` and `/v5/...`. */
  readonly app: Effect.Effect<HttpServerResponse.HttpServerResponse, never, HttpServerRequest.HttpServerRequest>
  /** The base URLs to use with the in-memory transport. */
  readonly apiUrl: string
  readonly tokenUrl: string
  /** @since 0.3.0 */
  readonly authorizeUrl: string
  /** A client of the simulated association. */
  readonly credentials: HelloAssoConfig.Credentials
  readonly organization: Organization
  readonly forms: ReadonlyArray<Form>
  /** A client of another association: its tokens get 403 on this association's payments. */
  readonly otherClient: HelloAssoConfig.Credentials & { readonly organization: string }
  /** How many payments the association has. */
  readonly paymentCount: number
  /** Ground truth: what listing every page of the list endpoints returns, in the API's order. */
  readonly listPayments: (filter?: ListFilter) => Effect.Effect<ReadonlyArray<Payment.PaymentEncoded>>
  /** Ground truth of the search endpoint. */
  readonly searchPayments: (filter?: SearchFilter) => Effect.Effect<ReadonlyArray<SearchResult>>
  /** A payment as `GET /payments/{id}` returns it now. */
  readonly payment: (
    paymentId: number,
    options?: { readonly withFailedRefundOperation?: boolean }
  ) => Effect.Effect<Payment.PaymentEncoded | undefined>
  readonly setFaults: (rules: ReadonlyArray<FaultRule>) => Effect.Effect<void>
  readonly addFault: (rule: FaultRule) => Effect.Effect<void>
  readonly revokeAccessTokens: Effect.Effect<void>
  /** Requires MFA on refunds, with this code; `token` is the MFA token to expect (any non-empty one if absent). */
  readonly requireMfa: (code: MfaCode | undefined, token?: string) => Effect.Effect<void>
  readonly requests: Effect.Effect<ReadonlyArray<RequestLogEntry>>
  readonly clearRequests: Effect.Effect<void>
  readonly stats: Effect.Effect<Stats>
  /** Every access and refresh token issued, for tests that check no secret leaks. */
  readonly issuedTokens: Effect.Effect<ReadonlyArray<Redacted.Redacted<string>>>
  /**
   * Adds a payment (an order is placed and paid) and emits its `Order` and `Payment` notifications; returns its
   * id. Dies on a form the organization does not have or an amount that is not whole positive cents.
   *
   * @since 0.2.0
   */
  readonly addPayment: (payment?: NewPayment) => Effect.Effect<number>
  /**
   * Emits a notification of any event type (a `Form` or `Organization` one, or one HelloAsso may add) to the
   * URLs registered for it.
   *
   * @since 0.2.0
   */
  readonly notify: (event: NotificationEvent) => Effect.Effect<void>
  /**
   * Registers a notification URL for the simulated association's client, as the `PUT` endpoint does; the same URL
   * registered again keeps its signature key.
   *
   * @since 0.2.0
   */
  readonly setNotificationUrl: (params: NotificationUrlParams) => Effect.Effect<NotificationUrl, ValidationError>
  /**
   * The registered notification URLs, of every client.
   *
   * @since 0.2.0
   */
  readonly notificationUrls: Effect.Effect<ReadonlyArray<NotificationUrl>>
  /**
   * Every delivery attempt, oldest first (the newest `logCapacity` ones).
   *
   * @since 0.2.0
   */
  readonly deliveries: Effect.Effect<ReadonlyArray<Delivery>>
  /** @since 0.2.0 */
  readonly clearDeliveries: Effect.Effect<void>
  /** @since 0.2.0 */
  readonly setDeliveryFaults: (rules: ReadonlyArray<DeliveryFaultRule>) => Effect.Effect<void>
  /** @since 0.2.0 */
  readonly addDeliveryFault: (rule: DeliveryFaultRule) => Effect.Effect<void>
  /**
   * Waits until no delivery is under way: redeliveries and delays sleep on the Effect clock (under `TestClock`,
   * wrap the wait in `withTestClock`).
   *
   * @since 0.2.0
   */
  readonly awaitDeliveries: Effect.Effect<void>
  /**
   * The simulated partner: its client, and the associations that can connect to it (the simulated one first).
   *
   * @since 0.3.0
   */
  readonly partner: HelloAssoConfig.Credentials & { readonly organizations: ReadonlyArray<Organization> }
  /**
   * Decides the next authorizations, as the association's administrator would (the `consent` option).
   *
   * @since 0.3.0
   */
  readonly setConsent: (consent: (request: AuthorizeRequest) => Consent) => Effect.Effect<void>
  /**
   * Opens an authorization URL as the administrator's browser would: the URL the authorization page redirects
   * to (the `redirect_uri` with `code` and `state`, or with `error`). Dies when the page answers without a
   * redirect (an unknown client, or a `redirect_uri` off the registered domain).
   *
   * @since 0.3.0
   */
  readonly authorize: (url: string) => Effect.Effect<string>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class HelloAssoSimulator
  extends Context.Tag("@helloasso-effect/core/HelloAssoSimulator")<HelloAssoSimulator, Service>()
{}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Seed of the generated data and of probabilistic faults. Default: 1. */
  readonly seed?: number | undefined
  /** Number of generated payments. Default: 2,000. */
  readonly payments?: number | undefined
  /** Explicit payments (in the wire format) instead of generated ones. */
  readonly fixtures?: ReadonlyArray<Payment.PaymentEncoded> | undefined
  readonly organization?: Partial<Organization> | undefined
  /** Dates of the generated payments (Paris time). Default: 2023-09-01 to 2025-09-01. */
  readonly period?: { readonly from: string; readonly to: string } | undefined
  readonly clientId?: string | undefined
  readonly clientSecret?: string | undefined
  /** Default: 1800 seconds, like HelloAsso. */
  readonly accessTokenTtl?: Duration.DurationInput | undefined
  /** Default: 30 days. */
  readonly refreshTokenTtl?: Duration.DurationInput | undefined
  /** Live access tokens per client; beyond it the oldest stops working. Default: 20. */
  readonly maxLiveTokensPerClient?: number | undefined
  readonly faults?: ReadonlyArray<FaultRule> | undefined
  /**
   * A rate limit per client on the API's endpoints (`/v5`): a token bucket of `perSecond` requests a second
   * holding up to `burst` (default: `perSecond`); beyond it, 429 with `Retry-After` in whole seconds. Read on the
   * Effect clock (`TestClock` in tests). Default: none, like HelloAsso's documentation.
   *
   * @since 0.2.0
   */
  readonly rateLimit?: { readonly perSecond: number; readonly burst?: number | undefined } | undefined
  readonly mfa?: MfaCode | undefined
  /** How long a refund stays `Processing` (the payment `Refunding`). Default: 0. */
  readonly refundProcessing?: Duration.DurationInput | undefined
  /** Requests kept in the log (the newest), and delivery attempts. Default: 10,000. */
  readonly logCapacity?: number | undefined
  /**
   * The `HttpClient` notifications are POSTed with. Default: `fetch` (redirects not followed). In memory, give
   * `httpClientOf(app)` to deliver to an `HttpApp` without sockets.
   *
   * @since 0.2.0
   */
  readonly deliverWith?: HttpClient.HttpClient | undefined
  /** @since 0.2.0 */
  readonly deliveryFaults?: ReadonlyArray<DeliveryFaultRule> | undefined
  /**
   * Redelivery: `attempts` in all (default 5), `backoff` before the second attempt, doubled before each next one
   * (default 1 second), `timeout` of each attempt (default 15 seconds, about what HelloAsso waits).
   *
   * @since 0.2.0
   */
  readonly delivery?: {
    readonly attempts?: number | undefined
    readonly backoff?: Duration.DurationInput | undefined
    readonly timeout?: Duration.DurationInput | undefined
  } | undefined
  /**
   * The partner of the authorization code flow: its client (default `simulator-partner` /
   * `simulator-partner-secret`), how many associations besides the simulated one can connect to it
   * (`association-partenaire-1`, ..., default 0) and their payments (default 20 each), the domain registered for
   * its redirect URIs (`https://app.example.org` or `https://*.example.org`; default none: any https URL or
   * loopback http URL), and who consents on the authorization page (default: the simulated association).
   *
   * @since 0.3.0
   */
  readonly partner?: {
    readonly clientId?: string | undefined
    readonly clientSecret?: string | undefined
    readonly organizations?: number | undefined
    readonly payments?: number | undefined
    readonly domain?: string | undefined
    readonly consent?: ((request: AuthorizeRequest) => Consent) | undefined
  } | undefined
}

/**
 * How a transport must break the connection instead of delivering a response, when the simulator injected a
 * connection fault: `refuse` (connection refused, not processed), `reset-before-read` (not processed) or
 * `reset-after-read` (processed, then reset). `undefined` for a normal response.
 *
 * @since 0.1.0
 * @category transports
 */
export const connectionFault = (
  response: HttpServerResponse.HttpServerResponse
): "refuse" | "reset-before-read" | "reset-after-read" | undefined =>
  response.headers[App.FAULT_HEADER] as App.ConnectionFault | undefined

/**
 * Creates a simulator. Fails (as a defect) only on invalid fixtures. Its notification deliveries run in background
 * fibers that end on their own (bounded attempts); `makeScoped` ties them to a scope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: (options?: Options) => Effect.Effect<Service> = internal.make

/**
 * Creates a simulator whose notification deliveries are interrupted when the scope closes.
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeScoped: (options?: Options) => Effect.Effect<Service, never, Scope.Scope> = internal.makeScoped

/**
 * The simulator as a service (its deliveries end with the layer).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<HelloAssoSimulator> =>
  Layer.scoped(HelloAssoSimulator, makeScoped(options))

/**
 * An `HttpClient` that sends every request to the simulator in memory, whatever its host.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerHttpClient: Layer.Layer<HttpClient.HttpClient, never, HelloAssoSimulator> = Layer.effect(
  HttpClient.HttpClient,
  Effect.map(HelloAssoSimulator, internal.httpClient)
)

/**
 * The in-memory `HttpClient` of a given simulator.
 *
 * @since 0.1.0
 * @category constructors
 */
export const httpClient: (simulator: Service) => HttpClient.HttpClient = internal.httpClient

/**
 * An `HttpClient` that hands every request to an `HttpApp` in memory, whatever its host: with it as `deliverWith`,
 * the simulator delivers notifications to a receiver (e.g. `HelloAssoNotifications.httpApp`) without sockets,
 * on the caller's clock. A failure of the app answers 500, as a server would.
 *
 * @since 0.2.0
 * @category constructors
 */
export const httpClientOf: (app: HttpApp.Default<unknown, Scope.Scope>) => HttpClient.HttpClient = internal.httpClientOf

/**
 * What a client needs to reach a simulator as its association: base URLs and credentials, for `HelloAsso.layer`
 * (or `NodeHelloAsso.layer`) with any other option added: `HelloAsso.layer({ ...clientOptions(sim), retry })`.
 * `NodeSimulatorServer` gives the same for its loopback URLs.
 *
 * @since 0.3.0
 * @category testing
 */
export const clientOptions = (
  simulator: Pick<Service, "apiUrl" | "tokenUrl" | "credentials">
): HelloAsso.Options & Required<Pick<HelloAsso.Options, "apiUrl" | "tokenUrl" | "clientId" | "clientSecret">> => ({
  apiUrl: simulator.apiUrl,
  tokenUrl: simulator.tokenUrl,
  clientId: simulator.credentials.clientId,
  clientSecret: simulator.credentials.clientSecret
})

/**
 * The client (`HelloAsso.layer`) wired to a new simulator in memory, and the simulator itself: what a test of
 * code that uses `Payments` needs. `client` options (timeouts, retries, ...) are passed to `HelloAsso.layer`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerHelloAsso = (
  options: Options & { readonly client?: HelloAsso.Options | undefined } = {}
): Layer.Layer<HelloAsso.HelloAsso | HelloAssoSimulator, ConfigError.ConfigError> =>
  Layer.unwrapEffect(
    Effect.map(HelloAssoSimulator, (simulator) => HelloAsso.layer({ ...clientOptions(simulator), ...options.client }))
  ).pipe(
    Layer.provide(layerHttpClient),
    Layer.provideMerge(layer(options))
  )

/**
 * What a test of a partner application needs: the configuration of the simulated partner client (its URLs, the
 * authorization page included), the in-memory `HttpClient`, a `TokenStore` in memory and the simulator. Give each
 * connected organization its client with `HelloAsso.layerOrganization`. `client` options are passed to
 * `HelloAssoConfig.layer`.
 *
 * @since 0.3.0
 * @category layers
 */
export const layerPartner = (
  options: Options & { readonly client?: HelloAssoConfig.Options | undefined } = {}
): Layer.Layer<
  HelloAssoConfig.HelloAssoConfig | HttpClient.HttpClient | TokenStore.TokenStore | HelloAssoSimulator,
  ConfigError.ConfigError
> =>
  Layer.mergeAll(
    Layer.unwrapEffect(
      Effect.map(HelloAssoSimulator, (simulator) =>
        HelloAssoConfig.layer({
          ...clientOptions({ ...simulator, credentials: simulator.partner }),
          authorizeUrl: simulator.authorizeUrl,
          ...options.client
        }))
    ),
    layerHttpClient,
    TokenStore.layerMemory
  ).pipe(Layer.provideMerge(layer(options)))

/**
 * Runs an effect under `it.effect` (whose `TestClock` never moves by itself), moving the clock on by `step`
 * (default 1 second) whenever the effect waits. Without it, a retried fault hangs the test: backoff,
 * `Retry-After` and timeouts sleep on the Effect clock. Under `it.live` the clock is real and this is not needed.
 *
 * @since 0.2.0
 * @category testing
 */
export const withTestClock: <A, E, R>(
  self: Effect.Effect<A, E, R>,
  options?: { readonly step?: Duration.DurationInput | undefined; readonly maxSteps?: number | undefined }
) => Effect.Effect<A, E, R> = TestClockRunner.withTestClock
