import { Payments } from "@helloasso-effect/core"
import { Effect, Option } from "effect"

/**
 * The cash-out a payment was paid out in: the line of the bank statement it is part of (in cents, debits taken
 * off) and the payments that make it up. `None` while the payment is not paid out.
 */
export const cashOutOf = (organizationSlug: string, paymentId: number) =>
  Effect.gen(function*() {
    const payments = yield* Payments.Payments
    const payment = yield* payments.get(paymentId)
    if (Option.isNone(payment.idCashOut)) return Option.none()
    const cashOutId = payment.idCashOut.value
    const rows = yield* payments.cashOut({ organizationSlug, cashOutId })
    const cents = (amount: Option.Option<number>) => Option.getOrElse(amount, () => 0)
    return Option.some({
      cashOutId,
      total: rows.reduce((sum, row) => sum + cents(row.credit) - cents(row.debit), 0),
      paymentIds: rows.flatMap((row) => Option.toArray(row.paymentId))
    })
  })
