import { HttpRouter } from "@effect/platform"
import { HelloAssoNotifications } from "@helloasso-effect/core"
import type { Payment } from "@helloasso-effect/core"
import { Effect } from "effect"
import type { Redacted } from "effect"

// HelloAsso POSTs a notification when a payment is made or refunded. It can come twice, late or never, and its
// data is a snapshot: act on the payment as `Payments.get` returns it now (`reconcile`), not on the notification.
export const notificationRoutes = <R>(
  signatureKey: Redacted.Redacted<string>,
  onPayment: (payment: Payment.PaymentDetail) => Effect.Effect<void, never, R>
) =>
  HttpRouter.empty.pipe(
    HttpRouter.post(
      "/helloasso/notifications",
      // checks `x-ha-signature`, drops redeliveries, answers 500 when the handler fails (HelloAsso redelivers)
      HelloAssoNotifications.httpApp(
        (notification) => Effect.flatMap(HelloAssoNotifications.reconcile(notification), Effect.forEach(onPayment)),
        { signatureKey }
      )
    )
  )
