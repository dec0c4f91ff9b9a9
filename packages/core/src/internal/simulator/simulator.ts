import type * as HttpClient from "@effect/platform/HttpClient"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import type * as HelloAssoSimulator from "../../HelloAssoSimulator.js"
import type * as Payment from "../../Payment.js"
import * as App from "./app.js"
import * as Faults from "./faults.js"
import * as Fixtures from "./fixtures.js"
import * as Generator from "./generator.js"
import * as InMemoryClient from "./inMemoryClient.js"
import * as Pages from "./pages.js"
import * as ParisTime from "./parisTime.js"
import * as QueryParams from "./query.js"
import { sequence } from "./random.js"
import type { Dataset, Organization } from "./records.js"
import * as Refunds from "./refunds.js"
import * as Render from "./render.js"
import * as Tokens from "./tokens.js"

const IN_MEMORY_BASE = "https://simulator.helloasso.invalid"

const OTHER_ORGANIZATION: Organization = {
  id: 515151,
  slug: "autre-association",
  name: "Une Autre Association",
  type: "Association1901",
  isUnderColucheLaw: false
}

const emptyDataset = (organization: Organization): Dataset => ({
  organization,
  forms: [],
  size: 0,
  at: () => {
    throw new RangeError("empty dataset")
  },
  ticksAt: () => 0,
  indexOfId: () => undefined
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

/** @internal */
export const make = (options: HelloAssoSimulator.Options = {}): Effect.Effect<HelloAssoSimulator.Service> =>
  Effect.sync(() => {
    const seed = options.seed ?? 1
    const organization: Organization = { ...Generator.defaultOrganization, ...options.organization }
    let main: Dataset
    if (options.fixtures !== undefined) {
      const dataset = Fixtures.fromPayments(options.fixtures, organization)
      if (Either.isLeft(dataset)) throw new TypeError(dataset.left)
      main = dataset.right
    } else {
      const period = options.period === undefined ? Generator.defaultPeriod : {
        startTicks: ParisTime.parse(options.period.from)!,
        endTicks: ParisTime.parse(options.period.to)!
      }
      main = Generator.generate({
        seed,
        size: options.payments ?? 2_000,
        ...period,
        organization,
        forms: Generator.defaultForms
      })
    }
    const other = emptyDataset(OTHER_ORGANIZATION)
    const datasets = new Map([[main.organization.slug.toLowerCase(), main], [other.organization.slug, other]])

    const clientId = options.clientId ?? "simulator-client"
    const clientSecret = options.clientSecret ?? "simulator-secret"
    const otherClient = { clientId: "other-association-client", clientSecret: "other-association-secret" }
    const tokens = Tokens.make({
      clients: [
        { clientId, clientSecret, organization: main.organization.slug },
        { ...otherClient, organization: OTHER_ORGANIZATION.slug }
      ],
      accessTokenTtlSeconds: Duration.toSeconds(options.accessTokenTtl ?? "1800 seconds"),
      refreshTokenTtlSeconds: Duration.toSeconds(options.refreshTokenTtl ?? "30 days"),
      maxLiveTokensPerClient: options.maxLiveTokensPerClient ?? 20,
      random: sequence(seed ^ 0x5eed)
    })
    const refunds = Refunds.make(Duration.toMillis(options.refundProcessing ?? 0))
    const faults = Faults.make(sequence(seed ^ 0xfa17), options.faults ?? [])
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
          refunds.version
        )
        pagers.set(dataset, existing)
      }
      return existing
    }

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
      log: (entry) => {
        requestCount++
        log.add(entry)
      },
      mfa: () => mfa,
      mfaHeaderValue: () => mfaToken
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
      credentials: { clientId, clientSecret: Redacted.make(clientSecret) },
      organization: { id: main.organization.id, slug: main.organization.slug, name: main.organization.name },
      forms: main.forms.map((f) => ({ id: f.id, formType: f.formType, formSlug: f.formSlug, title: f.title })),
      otherClient: {
        clientId: otherClient.clientId,
        clientSecret: Redacted.make(otherClient.clientSecret),
        organization: OTHER_ORGANIZATION.slug
      },
      paymentCount: main.size,
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
          liveAccessTokens: tokens.liveAccessTokens(clientId, now)
        }
      }),
      issuedTokens: Effect.sync(() => tokens.issued().map((token) => Redacted.make(token)))
    }
    return service
  })

/** @internal */
export const httpClient = (simulator: HelloAssoSimulator.Service): HttpClient.HttpClient =>
  InMemoryClient.make(simulator.app)
