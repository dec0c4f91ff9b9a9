/**
 * Bodies, answers and client layers for the hostile-server tests: valid HelloAsso bodies to serve, bodies that
 * never end or trickle, and the client under test on undici and on fetch.
 */
import { FetchHttpClient } from "@effect/platform"
import { HelloAsso } from "@helloasso-effect/core"
import { NodeHelloAsso } from "@helloasso-effect/node"
import { Cause, Clock, Effect, Exit, Layer, Option, Redacted } from "effect"
import type * as Http from "node:http"
import { inspect } from "node:util"
import type { Hostile, Received } from "./hostileServer.js"
import { isToken } from "./hostileServer.js"

export const CLIENT_ID = "hostile-client"
export const CLIENT_SECRET = "hostile-secret-Vb6Nq1"

/** A payment as the API answers it (from the simulator), with its id. */
export const payment = (id: number) => ({
  order: {
    id: 30_000_000 + id,
    date: "2025-06-19T21:42:16.4971002+02:00",
    formSlug: "boutique-du-lavoir",
    formType: "Shop",
    organizationName: "Les Amis du Lavoir de Saint-Aubin",
    organizationSlug: "les-amis-du-lavoir",
    organizationType: "Association1901",
    organizationIsUnderColucheLaw: false,
    checkoutIntentId: null,
    meta: { createdAt: "2025-06-19T21:42:16.4971002+02:00", updatedAt: "2025-06-19T21:42:16.4971002+02:00" }
  },
  payer: {
    email: "payer@example.com",
    address: "2 rue de l'Église",
    city: "Quimper",
    zipCode: "29000",
    country: "FRA",
    firstName: "Camille",
    lastName: "Martin"
  },
  items: [{
    shareAmount: 800,
    shareItemAmount: 800,
    id: 40_000_000 + id,
    amount: 800,
    type: "Product",
    initialAmount: 800,
    state: "Processed",
    name: "Mug émaillé"
  }],
  cashOutDate: "2025-07-02T21:42:16.4971002+02:00",
  paymentReceiptUrl: "https://www.helloasso.com/associations/les-amis-du-lavoir/paiement-attestation/1",
  fiscalReceiptUrl: null,
  id,
  amount: 800,
  date: "2025-06-19T21:42:16.4971002+02:00",
  state: "Authorized",
  meta: { createdAt: "2025-06-19T21:42:16.4971002+02:00", updatedAt: "2025-07-02T21:42:16.4971002+02:00" },
  refundOperations: [],
  cashOutState: "CashedOut",
  idCashOut: 900000,
  amountTip: 0,
  paymentMeans: "Card",
  type: "Credit"
})

/** A page of the list endpoints. */
export const page = (ids: ReadonlyArray<number>, continuationToken: string) => ({
  data: ids.map(payment),
  pagination: { pageSize: 20, totalCount: -1, pageIndex: 1, totalPages: -1, continuationToken }
})

/** The answer to a refund that was made. */
export const refundOperation = (paymentId: number) => ({
  id: 80_000_002,
  amount: 100,
  cancelOrder: false,
  creationDate: "2026-11-25T04:49:30.8460000+01:00",
  state: "Processed",
  sendRefundMail: true,
  paymentId
})

/** The path of a request, without the query string. */
export const pathOf = (request: Received): string => new URL(request.url, "http://h").pathname

/** A query parameter of a request. */
export const queryOf = (request: Received, name: string): string | null =>
  new URL(request.url, "http://h").searchParams.get(name)

export const isRefund = (request: Received): boolean => request.method === "POST" && pathOf(request).endsWith("/refund")

/** The requests to the API (not the token endpoint). */
export const apiRequests = (hostile: Hostile): Array<Received> => hostile.received.filter((r) => !isToken(r))

/**
 * A body that never ends: `prefix`, then `chunk` every few milliseconds, chunked (no content-length), until the
 * client goes away. The pace keeps a client that reads it all from filling the memory before its timeout.
 */
export const endless = (
  response: Http.ServerResponse,
  status: number,
  contentType: string,
  prefix: string,
  chunk = "x".repeat(16 * 1024)
) => {
  response.writeHead(status, { "content-type": contentType })
  response.write(prefix)
  const timer = setInterval(() => {
    if (response.destroyed || response.writableEnded) clearInterval(timer)
    else response.write(chunk)
  }, 2)
  timer.unref()
  response.on("close", () => clearInterval(timer))
}

/** One byte every `everyMillis`, `total` bytes in all, then the end. */
export const trickle = (
  response: Http.ServerResponse,
  contentType: string,
  everyMillis: number,
  total: number
) => {
  response.writeHead(200, { "content-type": contentType })
  let sent = 0
  const timer = setInterval(() => {
    if (response.destroyed || response.writableEnded) {
      clearInterval(timer)
    } else if (sent >= total) {
      clearInterval(timer)
      response.end()
    } else {
      sent++
      response.write(sent % 10 === 0 ? "\n" : "a")
    }
  }, everyMillis)
  timer.unref()
  response.on("close", () => clearInterval(timer))
}

/** A redirect to `location`, with no body. */
export const redirect = (response: Http.ServerResponse, status: number, location: string) => {
  response.writeHead(status, { location, "content-length": "0" })
  response.end()
}

/** A `JSON.stringify`-ed padding of `bytes` characters, to make a valid body bigger than a bound. */
export const padding = (bytes: number) => "p".repeat(bytes)

/**
 * The options of a client of `hostile`: short timeouts, quick retries. Any option can be overridden (the new
 * options of the hardening change included).
 */
export const optionsFor = (hostile: Hostile, extra: HelloAsso.Options = {}): HelloAsso.Options => ({
  apiUrl: hostile.apiUrl,
  tokenUrl: hostile.tokenUrl,
  clientId: CLIENT_ID,
  clientSecret: Redacted.make(CLIENT_SECRET),
  timeout: "5 seconds",
  retry: { maxRetries: 2, baseDelay: "1 millis", maxDelay: "5 millis" },
  ...extra
})

export type Client = (options: HelloAsso.Options) => Layer.Layer<HelloAsso.HelloAsso, unknown>

/** The client on undici (`NodeHelloAsso.layer`). */
export const undici: Client = (options) => NodeHelloAsso.layer(options)

/** The client on fetch (`HelloAsso.layer` over `FetchHttpClient`). */
export const fetch: Client = (options) => HelloAsso.layer(options).pipe(Layer.provide(FetchHttpClient.layer))

export const clients = [["undici", undici], ["fetch", fetch]] as const

/**
 * The typed error `self` fails with; a success or a defect fails the test with what happened instead.
 */
export const failureOf = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<E, never, R> =>
  Effect.map(Effect.exit(self), (exit) => {
    if (Exit.isSuccess(exit)) {
      throw new Error(`expected a failure, got a success: ${inspect(exit.value, { depth: 3 }).slice(0, 500)}`)
    }
    const failure = Cause.failureOption(exit.cause)
    if (Option.isNone(failure)) throw new Error(`expected a typed failure, got: ${Cause.pretty(exit.cause)}`)
    return failure.value
  })

/** The typed error of a failed exit; a success or a defect fails the test with what happened instead. */
export const failureOfExit = <E>(exit: Exit.Exit<unknown, E>): E => {
  if (Exit.isSuccess(exit)) throw new Error("expected a failure, got a success")
  const failure = Cause.failureOption(exit.cause)
  if (Option.isNone(failure)) throw new Error(`expected a typed failure, got: ${Cause.pretty(exit.cause)}`)
  return failure.value
}

/**
 * The fields of an error as a plain object, to match on (`_tag` included): a failed match then prints them,
 * where printing the error itself can overflow the stack of vitest's diff.
 */
export const fieldsOf = (error: unknown): unknown => typeof error === "object" && error !== null ? { ...error } : error

/** How long `self` takes, with its result. */
export const timed = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<[A, number], E, R> =>
  Effect.gen(function*() {
    const start = yield* Clock.currentTimeMillis
    const value = yield* self
    return [value, (yield* Clock.currentTimeMillis) - start] as [A, number]
  })
