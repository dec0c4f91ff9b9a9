/**
 * A dataset from explicit payments in the wire format (what the list endpoints return), for tests that need
 * exact data.
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Payment from "../../Payment.js"
import * as CashOuts from "./cashOuts.js"
import * as ParisTime from "./parisTime.js"
import type { Dataset, Form, Organization, PaymentRecord } from "./records.js"

const decodePayments = Schema.decodeUnknownEither(Schema.Array(Payment.Payment))

const ticksOf = (text: string): number => ParisTime.parse(text)!

const orNull = <A>(value: A | null | undefined): A | null => value ?? null

/** @internal */
export const fromPayments = (
  payments: ReadonlyArray<Payment.PaymentEncoded>,
  organization: Organization
): Either.Either<Dataset, string> => {
  const decoded = decodePayments(payments)
  if (Either.isLeft(decoded)) {
    return Either.left(`invalid fixture payments: ${ParseResult.TreeFormatter.formatErrorSync(decoded.left)}`)
  }
  const forms = new Map<string, Form>()
  const formOf = (formType: string, formSlug: string): Form => {
    const key = `${formType}/${formSlug}`
    let form = forms.get(key)
    if (form === undefined) {
      form = { id: 1000 + forms.size + 1, formType, formSlug, title: formSlug, tiers: [], installments: false }
      forms.set(key, form)
    }
    return form
  }
  // the simulator places each payment in time, answers filters on amounts and states, and computes refunds
  const incomplete = payments.find((p) =>
    p.date == null || p.amount == null || p.state == null ||
    (p.items ?? []).some((item) => item.amount == null || item.shareAmount == null || item.shareItemAmount == null) ||
    (p.refundOperations ?? []).some((op) => op.amount == null)
  )
  if (incomplete !== undefined) {
    return Either.left(
      `invalid fixture payments: payment ${incomplete.id} needs a date, an amount and a state, its items their ` +
        "amounts and its refund operations theirs"
    )
  }
  const records: Array<PaymentRecord> = payments.map((p) => {
    const date = ticksOf(p.date!)
    const order = p.order ?? undefined
    const payer = p.payer ?? undefined
    const updated = p.meta?.updatedAt
    return {
      id: p.id,
      ticks: date,
      orderId: order?.id ?? p.id,
      orderTicks: order?.date == null ? date : ticksOf(order.date),
      updateTicks: updated == null ? date : ticksOf(updated),
      amount: p.amount!,
      amountTip: orNull(p.amountTip),
      state: p.state!,
      type: orNull(p.type),
      paymentMeans: orNull(p.paymentMeans),
      offlineMean: orNull(p.paymentOffLineMean),
      installmentNumber: orNull(p.installmentNumber),
      cashOutState: orNull(p.cashOutState),
      cashOutTicks: p.cashOutDate == null ? null : ticksOf(p.cashOutDate),
      idCashOut: orNull(p.idCashOut),
      checkoutIntentId: orNull(order?.checkoutIntentId),
      form: formOf(order?.formType ?? "Checkout", order?.formSlug ?? "default"),
      payer: {
        firstName: orNull(payer?.firstName),
        lastName: orNull(payer?.lastName),
        email: orNull(payer?.email),
        address: orNull(payer?.address),
        city: orNull(payer?.city),
        zipCode: orNull(payer?.zipCode),
        country: orNull(payer?.country),
        company: orNull(payer?.company),
        dateOfBirthTicks: payer?.dateOfBirth == null ? null : ticksOf(payer.dateOfBirth)
      },
      user: {
        id: null,
        firstName: orNull(payer?.firstName),
        lastName: orNull(payer?.lastName),
        email: orNull(payer?.email)
      },
      items: (p.items ?? []).map((item) => ({
        id: item.id,
        amount: item.amount!,
        shareAmount: item.shareAmount!,
        shareItemAmount: item.shareItemAmount!,
        shareOptionsAmount: orNull(item.shareOptionsAmount),
        initialAmount: orNull(item.initialAmount),
        type: orNull(item.type),
        state: orNull(item.state),
        name: orNull(item.name)
      })),
      refunds: (p.refundOperations ?? []).map((op) => ({
        id: op.id,
        amount: op.amount!,
        amountTip: op.amountTip ?? 0,
        // real responses send `state` where the spec says `status`
        state: op.state ?? (op as { readonly status?: string }).status ?? "Unknown",
        ticks: op.meta?.createdAt == null ? date : ticksOf(op.meta.createdAt)
      })),
      paymentReceiptUrl: orNull(p.paymentReceiptUrl),
      fiscalReceiptUrl: orNull(p.fiscalReceiptUrl)
    }
  })
  records.sort((a, b) => a.ticks - b.ticks || a.id - b.id)
  const byId = new Map(records.map((record, index) => [record.id, index]))
  return Either.right({
    organization,
    forms: [...forms.values()],
    size: records.length,
    at: (index) => records[index]!,
    ticksAt: (index) => records[index]!.ticks,
    indexOfId: (id) => byId.get(id),
    cashOutSpan: CashOuts.spans(records)
  })
}
