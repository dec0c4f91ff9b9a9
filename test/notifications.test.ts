/**
 * The simulator's notifications (webhooks): URLs registered through HelloAsso's endpoints, signed deliveries of
 * the `Payment` and `Order` events of refunds and added payments, redelivery with backoff, delivery faults; then
 * end to end over loopback, into `HelloAssoNotifications.httpApp` served by Node, registered with the client.
 */
import { HttpClientRequest, HttpRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import type { HttpApp, HttpServer } from "@effect/platform"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { HelloAssoNotifications, NotificationSubscriptions, Payments } from "@helloasso-effect/core"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import { NodeHelloAsso, NodeSimulatorServer } from "@helloasso-effect/node"
import { Context, Effect, Layer, Option, Redacted } from "effect"
import { createHmac } from "node:crypto"
import * as Http from "node:http"
import * as Cli from "./support/cli.js"
import { figures } from "./support/figures.js"

const stats = figures()
afterAll(() => stats.print("notifications end to end"))

const hmac = (body: string, key: string) => createHmac("sha256", key).update(body, "utf8").digest("hex")

interface Received {
  readonly body: string
  readonly json: any
  readonly signature: string | undefined
  readonly contentType: string | undefined
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
}

/** A receiver that records what it is sent and answers the status `answer` gives for the n-th request. */
const recorder = (answer: (n: number) => number = () => 200) => {
  const received: Array<Received> = []
  const app = Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const body = yield* request.text
    received.push({
      body,
      json: JSON.parse(body),
      signature: request.headers["x-ha-signature"],
      contentType: request.headers["content-type"],
      path: new URL(request.url, "http://receiver").pathname,
      headers: request.headers
    })
    return HttpServerResponse.empty({ status: answer(received.length) })
  })
  return { received, client: HelloAssoSimulator.httpClientOf(app) }
}

interface Answer {
  readonly status: number
  readonly json: any
  readonly text: string
}

/** Raw requests to the simulator in memory, as the association's client (or the other association's). */
const rawApi = (sim: HelloAssoSimulator.Service) => {
  const client = HelloAssoSimulator.httpClient(sim)
  const read = (request: HttpClientRequest.HttpClientRequest) =>
    client.execute(request).pipe(
      Effect.flatMap((response) =>
        Effect.map(response.text, (text): Answer => {
          let json: unknown
          try {
            json = JSON.parse(text)
          } catch {
            json = undefined
          }
          return { status: response.status, json, text }
        })
      ),
      Effect.scoped
    )
  const token = (credentials: { readonly clientId: string; readonly clientSecret: Redacted.Redacted<string> }) =>
    Effect.map(
      read(
        HttpClientRequest.post(sim.tokenUrl).pipe(HttpClientRequest.bodyUrlParams({
          grant_type: "client_credentials",
          client_id: credentials.clientId,
          client_secret: Redacted.value(credentials.clientSecret)
        }))
      ),
      (answer) => answer.json.access_token as string
    )
  return (
    method: "PUT" | "DELETE" | "POST" | "GET",
    path: string,
    options: {
      readonly json?: unknown
      readonly text?: { readonly body: string; readonly contentType: string }
      readonly other?: boolean
      readonly anonymous?: boolean
    } = {}
  ) =>
    Effect.gen(function*() {
      let request = HttpClientRequest.make(method)(`${sim.apiUrl}${path}`)
      if (options.anonymous !== true) {
        request = HttpClientRequest.bearerToken(
          request,
          yield* token(options.other ? sim.otherClient : sim.credentials)
        )
      }
      if (options.json !== undefined) request = yield* HttpClientRequest.bodyJson(request, options.json)
      if (options.text !== undefined) {
        request = HttpClientRequest.bodyText(request, options.text.body, options.text.contentType)
      }
      return yield* read(request)
    })
}

const MAIN = "/partners/me/api-notifications"

const authorizedPayment = (sim: HelloAssoSimulator.Service) =>
  Effect.map(sim.listPayments({ states: ["Authorized"] }), (payments) => payments[0]!.id)

const byEvent = (received: ReadonlyArray<Received>, eventType: string) =>
  received.filter((r) => r.json.eventType === eventType)

describe("notification URLs", () => {
  it.effect("PUT registers a URL and answers its signatureKey, stable while the URL stays; DELETE removes it", () =>
    Effect.gen(function*() {
      const sim = yield* HelloAssoSimulator.make({ payments: 10 })
      const api = rawApi(sim)
      const org = `${MAIN}/organizations/${sim.organization.slug}`

      const first = yield* api("PUT", MAIN, { json: { url: "https://example.org/hook" } })
      expect(first.status).toBe(200)
      expect(first.json.url).toBe("https://example.org/hook")
      expect(first.json.signatureKey).toMatch(/^[0-9a-f]{64}$/)
      expect(first.json).not.toHaveProperty("apiNotificationType")
      const again = yield* api("PUT", MAIN, { json: { url: "https://example.org/hook" } })
      expect(again.json.signatureKey).toBe(first.json.signatureKey)
      const moved = yield* api("PUT", MAIN, { json: { url: "https://example.org/other" } })
      expect(moved.json.signatureKey).not.toBe(first.json.signatureKey)

      const typed = yield* api("PUT", org, {
        json: { url: "https://example.org/payments", notificationType: "payment" }
      })
      expect(typed.status).toBe(200)
      expect(typed.json.apiNotificationType).toBe("Payment")
      // plain http on loopback, for tests
      expect((yield* api("PUT", org, { json: { url: "http://127.0.0.1:8080/hook" } })).status).toBe(200)

      expect(
        yield* Effect.map(sim.notificationUrls, (urls) => urls.map((u) => [u.organizationSlug, u.notificationType]))
      )
        .toEqual([[undefined, undefined], [sim.organization.slug, "Payment"], [sim.organization.slug, undefined]])

      const deleted = yield* api("DELETE", `${org}?notificationType=Payment`)
      expect(deleted.status).toBe(200)
      expect((yield* api("DELETE", MAIN)).status).toBe(200)
      expect(yield* Effect.map(sim.notificationUrls, (urls) => urls.map((u) => u.url))).toEqual([
        "http://127.0.0.1:8080/hook"
      ])
      expect((yield* sim.requests).map((r) => r.endpoint)).toContain("setNotificationUrl")
    }))

  it.effect("refuses what HelloAsso refuses, in its error shapes", () =>
    Effect.gen(function*() {
      const sim = yield* HelloAssoSimulator.make({ payments: 10 })
      const api = rawApi(sim)
      const notHttps = yield* api("PUT", MAIN, { json: { url: "http://example.org/hook" } })
      expect(notHttps.status).toBe(400)
      expect(notHttps.json).toMatchObject({ title: "One or more validation errors occurred.", status: 400 })
      expect(Object.keys(notHttps.json.errors)).toEqual(["Url"])
      expect((yield* api("PUT", MAIN, { json: {} })).json.errors).toHaveProperty("Url")
      expect((yield* api("PUT", MAIN, { json: { url: "not a url" } })).status).toBe(400)
      const badType = yield* api("PUT", MAIN, { json: { url: "https://example.org/h", notificationType: "Shop" } })
      expect(badType.status).toBe(400)
      expect(badType.json.errors).toHaveProperty(["$.notificationType"])
      const text = yield* api("PUT", MAIN, { text: { body: "url=https://example.org", contentType: "text/plain" } })
      expect(text.status).toBe(415)
      expect((yield* api("DELETE", `${MAIN}?notificationType=Shop`)).status).toBe(400)
      expect((yield* api("PUT", MAIN, { json: { url: "https://example.org/h" }, anonymous: true })).status).toBe(401)
      // another association's organization
      const foreign = yield* api("PUT", `${MAIN}/organizations/${sim.organization.slug}`, {
        json: { url: "https://example.org/h" },
        other: true
      })
      expect(foreign.status).toBe(403)
      expect(yield* sim.notificationUrls).toEqual([])
    }))

  it.effect("setNotificationUrl registers for the association's client; the key stays Redacted", () =>
    Effect.gen(function*() {
      const sim = yield* HelloAssoSimulator.make({ payments: 10 })
      const registered = yield* sim.setNotificationUrl({ url: "https://example.org/hook", notificationType: "Order" })
      const key = Redacted.value(registered.signatureKey)
      expect(JSON.stringify(yield* sim.notificationUrls)).not.toContain(key)
      const refused = yield* Effect.flip(sim.setNotificationUrl({ url: "ftp://example.org/hook" }))
      expect(refused._tag).toBe("ValidationError")
      expect(refused.field).toBe("url")
      expect((yield* Effect.flip(sim.setNotificationUrl({ url: "https://e.org", organizationSlug: "other" }))).field)
        .toBe("organizationSlug")
    }))
})

describe("deliveries in memory", () => {
  it.effect("a refund sends a signed Payment notification (the payment as GET renders it) and an Order one", () =>
    Effect.gen(function*() {
      const receiver = recorder()
      const sim = yield* HelloAssoSimulator.make({ payments: 40, deliverWith: receiver.client })
      const api = rawApi(sim)
      const registered = yield* api("PUT", MAIN, { json: { url: "https://receiver.example/helloasso" } })
      const key: string = registered.json.signatureKey
      const id = yield* authorizedPayment(sim)
      expect((yield* api("POST", `/payments/${id}/refund`)).status).toBe(200)
      yield* sim.awaitDeliveries

      expect(receiver.received.map((r) => r.json.eventType).sort()).toEqual(["Order", "Payment"])
      for (const r of receiver.received) {
        expect(r.path).toBe("/helloasso")
        expect(r.contentType).toContain("application/json")
        expect(Object.keys(r.headers)).not.toContain("traceparent")
        expect(Object.keys(r.headers)).not.toContain("b3")
        expect(r.signature).toBe(hmac(r.body, key))
        expect(yield* HelloAssoNotifications.verifySignature(r.body, r.signature!, Redacted.make(key))).toBe(true)
      }
      const [payment] = byEvent(receiver.received, "Payment")
      expect(payment!.json.data).toEqual(yield* sim.payment(id))
      expect(payment!.json.data.state).toBe("Refunded")
      expect(Object.keys(payment!.json)).toEqual(["data", "eventType"])
      const [order] = byEvent(receiver.received, "Order")
      expect(order!.json.data.id).toBe(payment!.json.data.order.id)
      expect(order!.json.data.payments.map((p: any) => [p.id, p.state])).toEqual([[id, "Refunded"]])
      expect(order!.json.data.items.every((item: any) => item.state === "Refunded")).toBe(true)

      // the library reads what the simulator sends
      const decoded = yield* HelloAssoNotifications.decode(payment!.body)
      expect(decoded.eventType).toBe("Payment")
      const decodedOrder = yield* HelloAssoNotifications.decode(order!.body)
      expect(decodedOrder.eventType).toBe("Order")

      const deliveries = yield* sim.deliveries
      expect(deliveries.map((d) => [d.eventType, d.attempt, d.status, d.fault]).sort()).toEqual([
        ["Order", 1, 200, undefined],
        ["Payment", 1, 200, undefined]
      ])
      expect(deliveries.every((d) => d.signature === hmac(d.body, key))).toBe(true)
      // nothing of the key in the request log
      expect(JSON.stringify(yield* sim.requests)).not.toContain(key)
    }))

  it.effect("addPayment adds an Authorized payment the API serves, and emits its Order then its Payment", () =>
    Effect.gen(function*() {
      const receiver = recorder()
      const sim = yield* HelloAssoSimulator.make({ payments: 30, deliverWith: receiver.client })
      yield* sim.setNotificationUrl({ url: "https://receiver.example/hook" })
      const id = yield* sim.addPayment({ amount: 2500, metadata: { cart: 42 }, payer: { lastName: "Dupré" } })
      yield* sim.awaitDeliveries
      expect(sim.paymentCount).toBe(31)

      const api = rawApi(sim)
      const got = yield* api("GET", `/payments/${id}`)
      expect(got.json).toMatchObject({ id, amount: 2500, state: "Authorized", payer: { lastName: "Dupré" } })
      const newest = yield* api("GET", `/organizations/${sim.organization.slug}/payments?pageSize=1`)
      expect(newest.json.data[0].id).toBe(id)
      expect((yield* sim.listPayments()).map((p) => p.id)).toContain(id)

      const events = receiver.received.map((r) => r.json)
      expect(events.map((e) => e.eventType).sort()).toEqual(["Order", "Payment"])
      expect(events.every((e) => e.metadata?.cart === 42)).toBe(true)
      expect(byEvent(receiver.received, "Payment")[0]!.json.data).toEqual(got.json)
      expect(byEvent(receiver.received, "Order")[0]!.json.data).toMatchObject({
        id: got.json.order.id,
        formSlug: got.json.order.formSlug,
        amount: { total: 2500, vat: 0, discount: 0 },
        payments: [{ id, amount: 2500, state: "Authorized" }]
      })

      // it can be refunded like any other
      expect((yield* api("POST", `/payments/${id}/refund?amount=500`)).status).toBe(200)
      yield* sim.awaitDeliveries
      expect(byEvent(receiver.received, "Payment").map((r) => r.json.data.refundOperations.length)).toEqual([0, 1])
    }))

  it.effect("addPayment works on an empty fixture set, on the form asked for, and dies on a form it lacks", () =>
    Effect.gen(function*() {
      const empty = yield* HelloAssoSimulator.make({ fixtures: [] })
      const id = yield* empty.addPayment()
      expect((yield* empty.payment(id))?.order?.formType).toBe("Checkout")
      expect(empty.paymentCount).toBe(1)
      const sim = yield* HelloAssoSimulator.make({ payments: 5 })
      const donation = yield* sim.addPayment({ formType: "Donation" })
      expect((yield* sim.payment(donation))?.order?.formType).toBe("Donation")
      const exit = yield* Effect.exit(sim.addPayment({ formSlug: "no-such-form" }))
      expect(exit._tag).toBe("Failure")
    }))

  it.effect("redelivers with backoff on the Effect clock until a 2xx answers", () =>
    Effect.gen(function*() {
      const receiver = recorder((n) => [500, 503, 200][n - 1] ?? 200)
      const sim = yield* HelloAssoSimulator.make({ payments: 10, deliverWith: receiver.client })
      yield* sim.setNotificationUrl({ url: "https://receiver.example/hook", notificationType: "Payment" })
      yield* HelloAssoSimulator.withTestClock(Effect.zipRight(sim.addPayment(), sim.awaitDeliveries), {
        step: "100 millis"
      })
      const deliveries = yield* sim.deliveries
      expect(deliveries.map((d) => [d.attempt, d.status])).toEqual([[1, 500], [2, 503], [3, 200]])
      expect([deliveries[1]!.at - deliveries[0]!.at, deliveries[2]!.at - deliveries[1]!.at]).toEqual([1000, 2000])
      expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1)
      expect(new Set(receiver.received.map((r) => r.signature)).size).toBe(1)
    }))

  it.effect("gives up after the attempts; a receiver that cannot be reached is recorded with why", () =>
    Effect.gen(function*() {
      const receiver = recorder(() => 500)
      const sim = yield* HelloAssoSimulator.make({
        payments: 10,
        deliverWith: receiver.client,
        delivery: { attempts: 3, backoff: "10 seconds" }
      })
      yield* sim.setNotificationUrl({ url: "https://receiver.example/hook", notificationType: "Payment" })
      yield* HelloAssoSimulator.withTestClock(Effect.zipRight(sim.addPayment(), sim.awaitDeliveries))
      expect((yield* sim.deliveries).map((d) => [d.attempt, d.status])).toEqual([[1, 500], [2, 500], [3, 500]])
      expect(receiver.received).toHaveLength(3)
    }))

  it.live("the default transport is fetch: a closed port is a recorded connection error", () =>
    Effect.gen(function*() {
      const port = yield* Effect.async<number>((resume) => {
        const server = Http.createServer()
        server.listen(0, "127.0.0.1", () => {
          const { port } = server.address() as { port: number }
          server.close(() => resume(Effect.succeed(port)))
        })
      })
      const sim = yield* HelloAssoSimulator.make({ payments: 5, delivery: { attempts: 1 } })
      yield* sim.setNotificationUrl({ url: `http://127.0.0.1:${port}/hook`, notificationType: "Payment" })
      yield* sim.addPayment()
      yield* sim.awaitDeliveries
      const [delivery] = yield* sim.deliveries
      expect(delivery).toMatchObject({ attempt: 1, status: undefined })
      expect(delivery!.error).toMatch(/RequestError/)
    }))

  it.effect("delivery faults: a dropped notification never arrives, a duplicate arrives twice, a delay later", () =>
    Effect.gen(function*() {
      const receiver = recorder()
      const sim = yield* HelloAssoSimulator.make({
        payments: 10,
        deliverWith: receiver.client,
        deliveryFaults: [
          { eventType: "Payment", on: [1], fault: HelloAssoSimulator.deliveryFault.drop },
          { eventType: "Payment", on: [2], fault: HelloAssoSimulator.deliveryFault.duplicate },
          { eventType: "Payment", on: [3], fault: HelloAssoSimulator.deliveryFault.delay(5_000) }
        ]
      })
      yield* sim.setNotificationUrl({ url: "https://receiver.example/hook", notificationType: "Payment" })
      const ids = yield* HelloAssoSimulator.withTestClock(
        Effect.gen(function*() {
          const ids = [yield* sim.addPayment(), yield* sim.addPayment(), yield* sim.addPayment()]
          yield* sim.awaitDeliveries
          return ids
        }),
        { step: "1 second" }
      )
      const seen = receiver.received.map((r) => r.json.data.id)
      expect(seen).toEqual([ids[1], ids[1], ids[2]])
      expect(receiver.received[0]!.body).toBe(receiver.received[1]!.body)
      // each delivery runs in its own fiber: in the log, those of different notifications interleave
      const deliveries = [...yield* sim.deliveries].sort((a, b) => a.notification - b.notification)
      expect(deliveries.map((d) => [d.notification, d.attempt, d.status, d.fault])).toEqual([
        [1, 0, undefined, "drop"],
        [2, 1, 200, undefined],
        [2, 1, 200, "duplicate"],
        [3, 1, 200, "delay"]
      ])
      expect(deliveries[3]!.at - deliveries[0]!.at).toBeGreaterThanOrEqual(5_000)
      // faults can be set while the simulator runs
      yield* sim.setDeliveryFaults([{ fault: HelloAssoSimulator.deliveryFault.drop }])
      yield* sim.addPayment()
      yield* sim.awaitDeliveries
      expect(receiver.received).toHaveLength(3)
    }))

  it.effect("each event goes to the URL of its type, else the main URL, at each level; a deleted URL gets nothing", () =>
    Effect.gen(function*() {
      const receiver = recorder()
      const sim = yield* HelloAssoSimulator.make({ payments: 10, deliverWith: receiver.client })
      const api = rawApi(sim)
      const org = `${MAIN}/organizations/${sim.organization.slug}`
      yield* api("PUT", MAIN, { json: { url: "https://receiver.example/main" } })
      yield* api("PUT", MAIN, { json: { url: "https://receiver.example/payments", notificationType: "Payment" } })
      yield* api("PUT", org, { json: { url: "https://receiver.example/organization" } })
      // the other association's URL: its organization has no events here
      yield* api("PUT", MAIN, { json: { url: "https://receiver.example/other" }, other: true })
      yield* sim.addPayment()
      yield* sim.awaitDeliveries
      const routes = () => receiver.received.map((r) => `${r.path} ${r.json.eventType}`).sort()
      expect(routes()).toEqual(["/main Order", "/organization Order", "/organization Payment", "/payments Payment"])

      receiver.received.length = 0
      yield* api("DELETE", `${MAIN}?notificationType=Payment`)
      yield* api("DELETE", org)
      yield* sim.addPayment()
      yield* sim.awaitDeliveries
      expect(routes()).toEqual(["/main Order", "/main Payment"])

      // one URL reached twice gets each notification once
      receiver.received.length = 0
      yield* api("PUT", org, { json: { url: "https://receiver.example/main" } })
      yield* sim.addPayment()
      yield* sim.awaitDeliveries
      expect(routes()).toEqual(["/main Order", "/main Payment"])
    }))

  it.effect("a refund still processing notifies again once processed; notify emits any event type", () =>
    Effect.gen(function*() {
      const receiver = recorder()
      const sim = yield* HelloAssoSimulator.make({
        payments: 30,
        deliverWith: receiver.client,
        refundProcessing: "10 seconds"
      })
      yield* sim.setNotificationUrl({ url: "https://receiver.example/hook" })
      const id = yield* authorizedPayment(sim)
      const api = rawApi(sim)
      yield* HelloAssoSimulator.withTestClock(
        Effect.zipRight(api("POST", `/payments/${id}/refund`), sim.awaitDeliveries)
      )
      expect(byEvent(receiver.received, "Payment").map((r) => r.json.data.state)).toEqual(["Refunding", "Refunded"])

      receiver.received.length = 0
      yield* sim.notify({ eventType: "Form", data: { formSlug: "nouveau", formType: "Event", title: "Nouveau" } })
      yield* sim.notify({ eventType: "Organization", data: { old_slug_organization: "a", new_slug_organization: "b" } })
      yield* sim.awaitDeliveries
      expect(receiver.received.map((r) => r.json.eventType).sort()).toEqual(["Form", "Organization"])
    }))
})

// -- end to end over loopback ---------------------------------------------------------------------------------

interface Handled {
  readonly eventType: string
  readonly paymentId: number
  /** What `reconcile` fetched with `Payments.get`. */
  readonly state: string
  readonly refunds: number
}

/**
 * The simulator on loopback, the client (`NodeHelloAsso`) pointed at it, and a receiver: `httpApp` served by
 * `NodeHttpServer` on 127.0.0.1, registered through `NotificationSubscriptions` for `Payment` notifications.
 */
const endToEnd = (options: { readonly failures?: number } = {}) =>
  Effect.gen(function*() {
    const server = yield* NodeSimulatorServer.make({ payments: 40, delivery: { backoff: "50 millis" } })
    const client = yield* Layer.build(NodeHelloAsso.layer(server.clientOptions))
    const payments = Context.get(client, Payments.Payments)
    const handled: Array<Handled> = []
    let runs = 0
    const handler = (notification: HelloAssoNotifications.Notification) =>
      Effect.gen(function*() {
        runs++
        if (runs <= (options.failures ?? 0)) return yield* Effect.fail("the database is down" as const)
        for (const fresh of yield* HelloAssoNotifications.reconcile(notification)) {
          handled.push({
            eventType: notification.eventType,
            paymentId: fresh.id,
            state: Option.getOrElse(fresh.state, () => "?"),
            refunds: fresh.refundOperations.length
          })
        }
      }).pipe(Effect.provideService(Payments.Payments, payments))

    // the app needs the key, which registration gives once the server's URL is known
    const receiving: { app?: HttpApp.Default<never, never> } = {}
    const receiver = yield* NodeHttpServer.make(() => Http.createServer(), { port: 0, host: "127.0.0.1" })
    yield* receiver.serve(
      HttpRouter.empty.pipe(HttpRouter.post("/helloasso", Effect.suspend(() => receiving.app!)))
    )
    const url = `http://127.0.0.1:${(receiver.address as HttpServer.TcpAddress).port}/helloasso`
    const subscription = yield* Effect.flatMap(
      NotificationSubscriptions.NotificationSubscriptions,
      (subscriptions) => subscriptions.set({ url, notificationType: "Payment" })
    ).pipe(Effect.provide(client))
    const signatureKey = Option.getOrThrow(subscription.signatureKey)
    receiving.app = HelloAssoNotifications.httpApp(handler, { signatureKey })
    return {
      server,
      payments,
      handled,
      runs: () => runs,
      signatureKey,
      refundOne: Effect.flatMap(authorizedPayment(server.simulator), (id) => Effect.as(payments.refund(id), id))
    }
  })

describe("end to end over loopback", () => {
  it.scopedLive("a refund reaches the handler once, signed; it reconciles with get and sees the refund", () =>
    Effect.gen(function*() {
      const e2e = yield* endToEnd()
      const id = yield* e2e.refundOne
      yield* e2e.server.simulator.awaitDeliveries
      expect(e2e.handled).toEqual([{ eventType: "Payment", paymentId: id, state: "Refunded", refunds: 1 }])
      const deliveries = yield* e2e.server.simulator.deliveries
      expect(deliveries.map((d) => [d.eventType, d.attempt, d.status])).toEqual([["Payment", 1, 200]])
      expect(deliveries[0]!.signature).toBe(hmac(deliveries[0]!.body, Redacted.value(e2e.signatureKey)))
      stats.add("deliveries", deliveries.length)
      stats.add("handled", e2e.handled.length)
    }))

  it.scopedLive("a failing handler answers 500 and is redelivered until it succeeds", () =>
    Effect.gen(function*() {
      const e2e = yield* endToEnd({ failures: 2 })
      const id = yield* e2e.refundOne
      yield* e2e.server.simulator.awaitDeliveries
      expect((yield* e2e.server.simulator.deliveries).map((d) => [d.attempt, d.status])).toEqual([
        [1, 500],
        [2, 500],
        [3, 200]
      ])
      expect(e2e.runs()).toBe(3)
      expect(e2e.handled).toEqual([{ eventType: "Payment", paymentId: id, state: "Refunded", refunds: 1 }])
      stats.add("deliveries", 3)
      stats.add("answered 500 and redelivered", 2)
      stats.add("handled", e2e.handled.length)
    }))

  it.scopedLive("a duplicate delivery runs the handler once; a dropped one is never seen", () =>
    Effect.gen(function*() {
      const e2e = yield* endToEnd()
      const sim = e2e.server.simulator
      yield* sim.addDeliveryFault({ eventType: "Payment", on: [1], fault: HelloAssoSimulator.deliveryFault.duplicate })
      yield* sim.addDeliveryFault({ eventType: "Payment", on: [2], fault: HelloAssoSimulator.deliveryFault.drop })
      const duplicated = yield* e2e.refundOne
      yield* sim.awaitDeliveries
      const dropped = yield* sim.addPayment()
      yield* sim.awaitDeliveries
      expect((yield* sim.deliveries).map((d) => [d.attempt, d.status, d.fault])).toEqual([
        [1, 200, undefined],
        [1, 200, "duplicate"],
        [0, undefined, "drop"]
      ])
      expect(e2e.runs()).toBe(1)
      expect(e2e.handled.map((h) => h.paymentId)).toEqual([duplicated])
      // what a dropped notification said is found by reconciling with the API
      expect((yield* e2e.payments.get(dropped)).state).toEqual(Option.some("Authorized"))
      stats.add("deliveries", 2)
      stats.add("duplicates dropped", 1)
      stats.add("dropped deliveries never seen", 1)
      stats.add("handled", e2e.handled.length)
    }))
})

describe("simulator serve --notify", () => {
  it.scopedLive(
    "registers the URL at start, gives its signatureKey on the JSON line, and delivers refunds there",
    () =>
      Effect.gen(function*() {
        const received: Array<{ body: string; signature: string | undefined }> = []
        const server = Http.createServer((request, response) => {
          let body = ""
          request.setEncoding("utf8").on("data", (chunk: string) => (body += chunk)).on("end", () => {
            received.push({ body, signature: request.headers["x-ha-signature"] as string | undefined })
            response.writeHead(200).end()
          })
        })
        const port = yield* Effect.async<number>((resume) => {
          server.listen(0, "127.0.0.1", () => resume(Effect.succeed((server.address() as { port: number }).port)))
        })
        yield* Effect.addFinalizer(() => Effect.sync(() => server.close()))
        const url = `http://127.0.0.1:${port}/hook`
        const child = Cli.start(["simulator", "serve", "--payments", "20", "--notify", url])
        yield* Effect.addFinalizer(() => Effect.sync(() => child.kill("SIGTERM")))
        const first = yield* Cli.firstLine(child)
        const info = JSON.parse(first)
        expect(info.notify).toEqual([{ url, signatureKey: expect.stringMatching(/^[0-9a-f]{64}$/) }])
        const id = yield* Effect.flatMap(HelloAssoSimulator.make({ payments: 20 }), authorizedPayment)
        const refund = yield* Cli.run(["payments", "refund", String(id), "--full", "--yes"], {
          HELLOASSO_API_URL: info.apiUrl,
          HELLOASSO_TOKEN_URL: info.tokenUrl,
          HELLOASSO_CLIENT_ID: info.clientId,
          HELLOASSO_CLIENT_SECRET: info.clientSecret,
          HELLOASSO_ORGANIZATION: info.organization
        })
        expect(refund.code, refund.stderr).toBe(0)
        for (let i = 0; i < 100 && received.length < 2; i++) yield* Effect.sleep("50 millis")
        expect(received.map((r) => JSON.parse(r.body).eventType).sort()).toEqual(["Order", "Payment"])
        for (const r of received) expect(r.signature).toBe(hmac(r.body, info.notify[0].signatureKey))
        const refused = yield* Cli.run(["simulator", "serve", "--notify", "http://example.org/hook"])
        expect(refused.code).not.toBe(0)
        expect(refused.stderr).toContain("notify")
      }),
    60_000
  )
})
