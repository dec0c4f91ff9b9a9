import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import type * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FiberSet from "effect/FiberSet"
import * as Redacted from "effect/Redacted"
import * as Scope from "effect/Scope"
import { ValidationError } from "../../HelloAssoError.js"
import type * as HelloAssoSimulator from "../../HelloAssoSimulator.js"
import type * as Payment from "../../Payment.js"
import * as Additions from "./additions.js"
import * as App from "./app.js"
import * as Deliveries from "./deliveries.js"
import * as Faults from "./faults.js"
import * as Fixtures from "./fixtures.js"
import * as Generator from "./generator.js"
import * as InMemoryClient from "./inMemoryClient.js"
import * as Pages from "./pages.js"
import * as ParisTime from "./parisTime.js"
import * as Partner from "./partner.js"
import * as QueryParams from "./query.js"
import { sequence } from "./random.js"
import * as RateLimit from "./rateLimit.js"
import type { Dataset, Organization } from "./records.js"
import * as Refunds from "./refunds.js"
import * as Render from "./render.js"
import * as Subscriptions from "./subscriptions.js"
import * as Tokens from "./tokens.js"

const IN_MEMORY_BASE = "https://simulator.helloasso.invalid"

const OTHER_ORGANIZATION: Organization = {
  id: 515151,
  slug: "autre-association",
  name: "Une Autre Association",
  type: "Association1901",
  isUnderColucheLaw: false
}

/** An association that can connect to the simulated partner, besides the simulated one. */
const partnerOrganization = (n: number): Organization => ({
  id: 600_000 + n,
  slug: `association-partenaire-${n}`,
  name: `Association Partenaire ${n}`,
  type: "Association1901",
  isUnderColucheLaw: false
})

const emptyDataset = (organization: Organization): Dataset => ({
  organization,
  forms: [],
  size: 0,
  at: () => {
    throw new RangeError("empty dataset")
  },
  ticksAt: () => 0,
  indexOfId: () => undefined,
  cashOutSpan: () => undefined
})

const toSearchParams = (filter: object): URLSearchParams => {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined) continue
    if (Array.isArray(value)) { for (const item of value) params.append(key, String(item)) }
    else params.append(key, String(value))
  }
  return params
}

/**
 * A simulator whose background work (notification deliveries) runs in fibers of `scope`.
 *
 * @internal
 */
export const makeIn = (
  options: HelloAssoSimulator.Options,
  scope: Scope.Scope
): Effect.Effect<HelloAssoSimulator.Service> =>
  Effect.gen(function*() {
    const fibers = yield* Scope.extend(FiberSet.make(), scope)
    const deliverWith = options.deliverWith ?? (yield* Effect.provide(HttpClient.HttpClient, FetchHttpClient.layer))
    return build(options, fibers, deliverWith)
  })

/** @internal */
export const make = (options: HelloAssoSimulator.Options = {}): Effect.Effect<HelloAssoSimulator.Service> =>
  Effect.flatMap(Scope.make(), (scope) => makeIn(options, scope))

/** @internal */
export const makeScoped = (
  options: HelloAssoSimulator.Options = {}
): Effect.Effect<HelloAssoSimulator.Service, never, Scope.Scope> =>
  Effect.flatMap(Effect.scope, (scope) => makeIn(options, scope))

const build = (
  options: HelloAssoSimulator.Options,
  fibers: FiberSet.FiberSet,
  deliverWith: HttpClient.HttpClient
): HelloAssoSimulator.Service => {
  const seed = options.seed ?? 1
  const organization: Organization = { ...Generator.defaultOrganization, ...options.organization }
  let base: Dataset
  if (options.fixtures !== undefined) {
    const dataset = Fixtures.fromPayments(options.fixtures, organization)
    if (Either.isLeft(dataset)) throw new TypeError(dataset.left)
    base = dataset.right
  } else {
    const period = options.period === undefined ? Generator.defaultPeriod : {
      startTicks: ParisTime.parse(options.period.from)!,
      endTicks: ParisTime.parse(options.period.to)!
    }
    base = Generator.generate({
      seed,
      size: options.payments ?? 2_000,
      ...period,
      organization,
      forms: Generator.defaultForms
    })
  }
  const main = Additions.growable(base)
  const newPayment = Additions.maker(main)
  const other = emptyDataset(OTHER_ORGANIZATION)
  const datasets = new Map([[main.organization.slug.toLowerCase(), main], [other.organization.slug, other]])
  const partnerOptions = options.partner ?? {}
  const partnerDatasets = Array.from(
    { length: Math.max(0, partnerOptions.organizations ?? 0) },
    (_, i) =>
      Generator.generate({
        seed: seed + i + 1,
        size: partnerOptions.payments ?? 20,
        ...Generator.defaultPeriod,
        organization: partnerOrganization(i + 1),
        forms: Generator.defaultForms
      })
  )
  for (const dataset of partnerDatasets) datasets.set(dataset.organization.slug.toLowerCase(), dataset)

  const clientId = options.clientId ?? "simulator-client"
  const clientSecret = options.clientSecret ?? "simulator-secret"
  const otherClient = { clientId: "other-association-client", clientSecret: "other-association-secret" }
  const partnerClient = {
    clientId: partnerOptions.clientId ?? "simulator-partner",
    clientSecret: partnerOptions.clientSecret ?? "simulator-partner-secret"
  }
  const partnerOrganizations = [main.organization, ...partnerDatasets.map((dataset) => dataset.organization)]
  const partner = Partner.make({
    clientId: partnerClient.clientId,
    organizations: partnerOrganizations,
    domain: partnerOptions.domain,
    consent: partnerOptions.consent,
    random: sequence(seed ^ 0xc0de),
    tokens: () => tokens
  })
  const tokens = Tokens.make({
    clients: [
      { clientId, clientSecret, organization: main.organization.slug },
      { ...otherClient, organization: OTHER_ORGANIZATION.slug },
      { ...partnerClient, organization: "", partner: true }
    ],
    redeemCode: partner.redeemCode,
    accessTokenTtlSeconds: Duration.toSeconds(options.accessTokenTtl ?? "1800 seconds"),
    refreshTokenTtlSeconds: Duration.toSeconds(options.refreshTokenTtl ?? "30 days"),
    maxLiveTokensPerClient: options.maxLiveTokensPerClient ?? 20,
    random: sequence(seed ^ 0x5eed)
  })
  const refunds = Refunds.make(Duration.toMillis(options.refundProcessing ?? 0))
  const faults = Faults.make(sequence(seed ^ 0xfa17), options.faults ?? [])
  const rateLimit = RateLimit.make(options.rateLimit)
  const log = App.ringLog(options.logCapacity ?? 10_000)
  let requestCount = 0
  let mfa: string | undefined = options.mfa
  let mfaToken: string | undefined

  // Refunds are laid over the payments they changed; `now` is read when a page is built.
  let clockNow = 0
  const pagers = new Map<Dataset, Pages.Pager>()
  const pager = (dataset: Dataset): Pages.Pager => {
    let existing = pagers.get(dataset)
    if (existing === undefined) {
      existing = Pages.make(
        dataset,
        (index) => refunds.has(index) ? refunds.view(index, dataset.at(index), clockNow) : dataset.at(index),
        () => refunds.version() + main.added()
      )
      pagers.set(dataset, existing)
    }
    return existing
  }

  const subscriptions = Subscriptions.make(sequence(seed ^ 0x516e))
  const delivery = options.delivery
  const deliveries = Deliveries.make({
    subscriptions,
    client: deliverWith,
    fibers,
    random: sequence(seed ^ 0xde11),
    faults: options.deliveryFaults ?? [],
    delivery: {
      attempts: Math.max(1, delivery?.attempts ?? 5),
      backoffMillis: Duration.toMillis(delivery?.backoff ?? "1 second"),
      timeoutMillis: Duration.toMillis(delivery?.timeout ?? "15 seconds")
    },
    capacity: options.logCapacity ?? 10_000
  })
  const processingMillis = Duration.toMillis(options.refundProcessing ?? 0)
  const slug = main.organization.slug
  /** Checkout metadata of added payments, by payment id. */
  const metadata = new Map<number, unknown>()

  /** A payment's `Payment` and `Order` notifications, as the payment is at `now`. */
  const paymentEvents = (index: number, now: number): {
    readonly payment: Deliveries.Event
    readonly order: Deliveries.Event
  } => {
    const record = refunds.view(index, main.at(index), now)
    const meta = metadata.get(record.id)
    return {
      payment: { eventType: "Payment", data: Render.payment(main.organization, record, false), metadata: meta },
      order: { eventType: "Order", data: Render.order(main.organization, record), metadata: meta }
    }
  }

  const refunded = (index: number, at: number): Effect.Effect<void> =>
    Effect.suspend(() => {
      if (!deliveries.hasTargets(slug)) return Effect.void
      const now = paymentEvents(index, at)
      const emitted = deliveries.emit(slug, [now.payment, now.order])
      if (processingMillis <= 0) return emitted
      // the refund leaves `Processing` later: the payment changes again (`Refunding` to `Refunded`)
      const processed = Effect.sleep(Duration.millis(processingMillis)).pipe(
        Effect.zipRight(Clock.currentTimeMillis),
        Effect.flatMap((later) => {
          const events = paymentEvents(index, later)
          return deliveries.emit(slug, [events.payment, events.order])
        })
      )
      return Effect.zipRight(emitted, deliveries.background(processed))
    })

  const setNotificationUrl = (
    params: HelloAssoSimulator.NotificationUrlParams
  ): Effect.Effect<HelloAssoSimulator.NotificationUrl, ValidationError> =>
    Effect.suspend(() => {
      const operation = "HelloAssoSimulator.setNotificationUrl"
      const invalid = (field: string, detail: string) =>
        Effect.fail(new ValidationError({ operation, source: "client", field, detail }))
      const problem = Subscriptions.checkUrl(params.url)
      if (problem !== undefined) return invalid("url", problem)
      const type = params.notificationType === undefined
        ? undefined
        : Subscriptions.parseNotificationType(params.notificationType)
      if (params.notificationType !== undefined && type === undefined) {
        return invalid("notificationType", `must be one of ${Subscriptions.NOTIFICATION_TYPES.join(", ")}`)
      }
      const level = params.organizationSlug?.toLowerCase()
      if (level !== undefined && level !== slug.toLowerCase()) {
        return invalid("organizationSlug", `the simulated organization is ${slug}`)
      }
      return Effect.succeed(notificationUrl(subscriptions.set({
        clientId,
        clientOrganization: slug,
        organization: level,
        notificationType: type,
        url: params.url
      })))
    })

  const notificationUrl = (subscription: Subscriptions.Subscription): HelloAssoSimulator.NotificationUrl => ({
    clientId: subscription.clientId,
    url: subscription.url,
    notificationType: subscription.notificationType,
    organizationSlug: subscription.organization,
    signatureKey: Redacted.make(subscription.signatureKey)
  })

  const app = App.make({
    organizations: {
      main,
      bySlug: (slug) => datasets.get(slug.toLowerCase()),
      byClient: (org) => datasets.get(org.toLowerCase())
    },
    pager,
    tokens,
    refunds,
    faults,
    rateLimit,
    log: (entry) => {
      requestCount++
      log.add(entry)
    },
    mfa: () => mfa,
    mfaHeaderValue: () => mfaToken,
    subscriptions,
    refunded,
    partner
  })
  const timedApp = Effect.zipRight(
    Effect.tap(Clock.currentTimeMillis, (now) => {
      clockNow = now
    }),
    app
  )

  const groundTruth = <A>(
    endpoint: "listByForm" | "listByOrganization" | "search",
    filter: object,
    render: (record: Parameters<typeof Render.publicPayment>[1]) => A
  ) =>
    Effect.map(Clock.currentTimeMillis, (now) => {
      clockNow = now
      const { formSlug, formType, ...rest } = filter as { formType?: string; formSlug?: string }
      const form = formType === undefined ?
        undefined :
        main.forms.find((f) => f.formType.toLowerCase() === formType.toLowerCase() && f.formSlug === formSlug)
      const parsed = QueryParams.parseQuery(endpoint, QueryParams.readParams(toSearchParams(rest)), form)
      if ("errors" in parsed) throw new TypeError(`invalid filter: ${JSON.stringify(parsed.errors)}`)
      return Array.from(pager(main).all(parsed.query), render)
    })

  const service: HelloAssoSimulator.Service = {
    app: timedApp,
    apiUrl: `${IN_MEMORY_BASE}/v5`,
    tokenUrl: `${IN_MEMORY_BASE}/oauth2/token`,
    authorizeUrl: `${IN_MEMORY_BASE}/authorize`,
    credentials: { clientId, clientSecret: Redacted.make(clientSecret) },
    organization: { id: main.organization.id, slug: main.organization.slug, name: main.organization.name },
    get forms() {
      return main.forms.map((f) => ({ id: f.id, formType: f.formType, formSlug: f.formSlug, title: f.title }))
    },
    otherClient: {
      clientId: otherClient.clientId,
      clientSecret: Redacted.make(otherClient.clientSecret),
      organization: OTHER_ORGANIZATION.slug
    },
    get paymentCount() {
      return main.size
    },
    listPayments: (filter = {}) =>
      groundTruth(
        filter.formType === undefined ? "listByOrganization" : "listByForm",
        filter,
        (record): Payment.PaymentEncoded => Render.payment(main.organization, record, false)
      ),
    searchPayments: (filter = {}) =>
      groundTruth("search", filter, (record) => Render.publicPayment(main.organization, record)),
    payment: (paymentId, opts) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const index = main.indexOfId(paymentId)
        if (index === undefined) return undefined
        const record = refunds.view(index, main.at(index), now)
        return Render.payment(main.organization, record, opts?.withFailedRefundOperation ?? false)
      }),
    setFaults: (rules) => Effect.sync(() => faults.set(rules)),
    addFault: (rule) => Effect.sync(() => faults.add(rule)),
    revokeAccessTokens: Effect.sync(() => tokens.revokeAccessTokens()),
    requireMfa: (code, token) =>
      Effect.sync(() => {
        mfa = code
        mfaToken = token
      }),
    requests: Effect.sync(() => log.entries()),
    clearRequests: Effect.sync(() => log.clear()),
    stats: Effect.map(Clock.currentTimeMillis, (now) => {
      const byPayment = refunds.performed()
      let total = 0
      for (const n of byPayment.values()) total += n
      return {
        grants: tokens.grants(),
        refunds: { total, byPayment },
        requests: requestCount,
        faultsInjected: faults.injected(),
        rateLimited: rateLimit.limited(),
        liveAccessTokens: tokens.liveAccessTokens(clientId, now),
        partner: { ...partner.stats(), refreshes: tokens.partnerRefreshes() }
      }
    }),
    issuedTokens: Effect.sync(() => tokens.issued().map((token) => Redacted.make(token))),
    addPayment: (paymentOptions = {}) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.suspend(() => {
          const record = newPayment(paymentOptions, now)
          main.add(record)
          if (paymentOptions.metadata !== undefined) metadata.set(record.id, paymentOptions.metadata)
          // an order is placed, then its payment is made
          const events = paymentEvents(main.indexOfId(record.id)!, now)
          return Effect.as(deliveries.emit(slug, [events.order, events.payment]), record.id)
        })),
    notify: (event) => deliveries.emit(slug, [event]),
    setNotificationUrl,
    notificationUrls: Effect.sync(() => subscriptions.list().map(notificationUrl)),
    deliveries: Effect.sync(() => deliveries.log()),
    clearDeliveries: Effect.sync(() => deliveries.clear()),
    setDeliveryFaults: (rules) => Effect.sync(() => deliveries.setFaults(rules)),
    addDeliveryFault: (rule) => Effect.sync(() => deliveries.addFault(rule)),
    awaitDeliveries: deliveries.idle,
    partner: {
      clientId: partnerClient.clientId,
      clientSecret: Redacted.make(partnerClient.clientSecret),
      organizations: partnerOrganizations.map((o) => ({ id: o.id, slug: o.slug, name: o.name }))
    },
    setConsent: (consent) => Effect.sync(() => partner.setConsent(consent)),
    authorize: (url) =>
      Effect.flatMap(
        Effect.provideService(
          timedApp,
          HttpServerRequest.HttpServerRequest,
          HttpServerRequest.fromWeb(new Request(url))
        ),
        (response) => {
          const location = response.headers["location"]
          if (response.status === 302 && location !== undefined) return Effect.succeed(location)
          const body = response.body
          const text = body._tag === "Uint8Array" ? new TextDecoder().decode(body.body) : ""
          return Effect.dieMessage(`the authorization page answered ${response.status} without a redirect: ${text}`)
        }
      )
  }
  return service
}

/** @internal */
export const httpClient = (simulator: HelloAssoSimulator.Service): HttpClient.HttpClient =>
  InMemoryClient.make(simulator.app)

/** @internal */
export const httpClientOf = (
  app: Effect.Effect<HttpServerResponse.HttpServerResponse, unknown, HttpServerRequest.HttpServerRequest | Scope.Scope>
): HttpClient.HttpClient => InMemoryClient.make(InMemoryClient.serve(app))
