import type { HttpApp } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { NotificationSubscriptions, Payments } from "@helloasso-effect/core"
import type { Payment } from "@helloasso-effect/core"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import { Effect, Option } from "effect"
import { notificationRoutes } from "./notifications.js"

describe("notificationRoutes", () => {
  it.effect("acts on each payment once: a duplicated delivery runs once, a dropped one is found by listing", () => {
    // the simulator delivers to the app in memory (no sockets); the app is ready once registration gives the key
    const app: { current?: HttpApp.Default<unknown> } = {}
    const Simulated = HelloAssoSimulator.layerHelloAsso({
      payments: 100,
      deliverWith: HelloAssoSimulator.httpClientOf(Effect.suspend(() => app.current!)),
      deliveryFaults: [
        { eventType: "Payment", on: [1], fault: HelloAssoSimulator.deliveryFault.duplicate },
        { eventType: "Payment", on: [2], fault: HelloAssoSimulator.deliveryFault.drop }
      ]
    })
    return Effect.gen(function*() {
      const simulator = yield* HelloAssoSimulator.HelloAssoSimulator
      const payments = yield* Payments.Payments
      const subscriptions = yield* NotificationSubscriptions.NotificationSubscriptions
      const { signatureKey } = yield* subscriptions.set({
        url: "https://association.example/helloasso/notifications",
        notificationType: "Payment"
      })
      const seen: Array<Payment.PaymentDetail> = []
      app.current = notificationRoutes(
        Option.getOrThrow(signatureKey),
        (payment) => Effect.sync(() => void seen.push(payment))
      ).pipe(Effect.provideService(Payments.Payments, payments))

      const first = yield* simulator.addPayment({ amount: 2500 })
      const second = yield* simulator.addPayment({ amount: 1000 })
      yield* HelloAssoSimulator.withTestClock(simulator.awaitDeliveries)
      // delivered twice, acted on once
      expect(seen.map((p) => [p.id, p.amount, p.state])).toEqual([[
        first,
        Option.some(2500),
        Option.some("Authorized")
      ]])
      // the dropped notification's payment is there all the same: a periodic listing catches what never arrives
      const latest = yield* payments.listByOrganization({ organizationSlug: simulator.organization.slug, pageSize: 5 })
      expect(latest.data.map((p) => p.id)).toContain(second)
      const deliveries = (yield* simulator.deliveries).filter((d) => d.eventType === "Payment")
      expect(deliveries.map((d) => `${d.fault ?? "delivered"} ${d.status ?? "-"}`).sort()).toEqual([
        "delivered 200",
        "drop -",
        "duplicate 200"
      ])
    }).pipe(Effect.provide(Simulated))
  })
})
