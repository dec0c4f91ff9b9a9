import { Payments } from "@helloasso-effect/core"
import { Effect, Option, Redacted } from "effect"

// HelloAsso may leave any field but the id out: those are Options
const shown = Option.getOrElse(() => "?")

/**
 * Refunds part of a payment (amounts are in cents), and says what happened in each case a treasurer must
 * handle.
 */
export const refundPart = (paymentId: number, cents: number, mfaToken?: string) =>
  Effect.gen(function*() {
    const payments = yield* Payments.Payments
    const payment = yield* payments.get(paymentId)
    const operation = yield* payments.refund(payment.id, {
      amount: cents,
      comment: "Trop-perçu",
      mfa: mfaToken === undefined ? undefined : { accessToken: Redacted.make(mfaToken) }
    })
    return `refund #${operation.id}: ${shown(operation.amount)} cents, ${shown(operation.state)}`
  }).pipe(
    Effect.catchTags({
      // HelloAsso refused: nothing was refunded
      RefundRejected: (error) =>
        Effect.succeed(
          error.reason === "MfaRequired"
            ? `MFA required (${error.mfaCode}): ask the user for a code and try again`
            : `refused by HelloAsso (code ${error.code}): ${error.detail}`
        ),
      // the answer was lost: look before trying again, never refund twice
      RefundOutcomeUnknown: (error) =>
        Effect.flatMap(Payments.Payments, (payments) =>
          Effect.map(
            payments.get(error.paymentId, { withFailedRefundOperation: true }),
            (detail) =>
              `outcome unknown; refund operations now: ${
                detail.refundOperations.map((op) => `${shown(op.amount)} ${shown(op.state)}`).join(", ") || "none"
              }`
          )),
      HttpError: (error) => Effect.succeed(error.reason === "NotFound" ? `no payment ${paymentId}` : error.message)
    })
  )
