/**
 * Refunds the simulator performed. A payment's generated data never changes; what a refund changes is kept
 * here and laid over it, so the simulator only holds state for the payments that changed.
 *
 * HelloAsso refuses a refund with `{"errors":[{"code":"Error","message":"Code : N - ..."}]}` (codes 101-122, in
 * a 400 or a 409). The simulator uses these codes:
 * - 108 (400) offline payments are not refunded through the API;
 * - 111 (400) the amount is above what remains to refund;
 * - 113 (409) the payment is not authorized;
 * - 115 (409) the payment is already fully refunded;
 * - 116 (409) a refund of the payment is still being processed;
 * - 117 (400) `cancelOrder` needs a full refund.
 */
import * as ParisTime from "./parisTime.js"
import type { PaymentRecord, RefundRecord } from "./records.js"
import { isFailedOperation } from "./render.js"

/** @internal */
export interface PerformedRefund {
  readonly id: number
  readonly amount: number
  readonly createdAt: number
  /** Clock time at which the refund stops being `Processing`. */
  readonly processedAt: number
  readonly comment: string | undefined
  readonly cancelOrder: boolean
  readonly sendRefundMail: boolean
}

/** @internal */
export interface Refusal {
  readonly status: 400 | 409
  readonly code: number
  readonly message: string
}

/** @internal */
export interface RefundRequest {
  readonly amount: number
  readonly comment: string | undefined
  readonly cancelOrder: boolean
  readonly sendRefundMail: boolean
}

const refusal = (status: 400 | 409, code: number, text: string): Refusal => ({
  status,
  code,
  message: `Code : ${code} - ${text}`
})

/** @internal */
export interface Refunds {
  /** The payment as it is now, refunds laid over it. */
  readonly view: (index: number, record: PaymentRecord, now: number) => PaymentRecord
  readonly refund: (
    index: number,
    record: PaymentRecord,
    request: RefundRequest,
    now: number
  ) => { readonly _tag: "Refunded"; readonly refund: PerformedRefund } | {
    readonly _tag: "Refused"
    readonly refusal: Refusal
  }
  /** Changes on every refund, so cached orderings are dropped. */
  readonly version: () => number
  /** Refunds performed, by payment id. */
  readonly performed: () => ReadonlyMap<number, number>
  readonly has: (index: number) => boolean
}

/** @internal */
export const make = (processingMillis: number): Refunds => {
  const byIndex = new Map<number, Array<PerformedRefund>>()
  const counts = new Map<number, number>()
  let version = 0
  let nextId = 80_000_001

  const view = (index: number, record: PaymentRecord, now: number): PaymentRecord => {
    const performed = byIndex.get(index)
    if (performed === undefined) return record
    const laid: Array<RefundRecord> = performed.map((refund) => ({
      id: refund.id,
      amount: refund.amount,
      amountTip: 0,
      state: now < refund.processedAt ? "Processing" : "Processed",
      ticks: ParisTime.fromMillis(refund.createdAt)
    }))
    const refunds = [...record.refunds, ...laid]
    const refunded = refunds.filter((r) => !isFailedOperation(r.state)).reduce((sum, r) => sum + r.amount, 0)
    const processing = laid.some((r) => r.state === "Processing")
    const state = processing ? "Refunding" : refunded >= record.amount ? "Refunded" : record.state
    const last = performed[performed.length - 1]!
    return {
      ...record,
      state,
      cashOutState: state === "Refunded" || state === "Refunding" ? state : record.cashOutState,
      updateTicks: Math.max(record.updateTicks, ParisTime.fromMillis(last.createdAt)),
      refunds,
      items: state === "Refunded" ? record.items.map((item) => ({ ...item, state: "Refunded" })) : record.items
    }
  }

  return {
    view,
    refund: (index, record, request, now) => {
      const current = view(index, record, now)
      if (current.type === "Offline" || current.state === "Registered") {
        return { _tag: "Refused", refusal: refusal(400, 108, "Offline payments cannot be refunded through the API") }
      }
      if (current.state === "Refunded") {
        return { _tag: "Refused", refusal: refusal(409, 115, "The payment has already been fully refunded") }
      }
      if (current.state === "Refunding") {
        return { _tag: "Refused", refusal: refusal(409, 116, "A refund of this payment is being processed") }
      }
      if (current.state !== "Authorized") {
        return {
          _tag: "Refused",
          refusal: refusal(409, 113, "The transfer operation cannot be processed, the payment is not authorized")
        }
      }
      const refunded = current.refunds.filter((r) => !isFailedOperation(r.state)).reduce((sum, r) => sum + r.amount, 0)
      const remaining = current.amount - refunded
      const amount = request.amount === 0 ? remaining : request.amount
      if (amount > remaining || remaining <= 0) {
        return {
          _tag: "Refused",
          refusal: refusal(
            400,
            111,
            `The amount to refund (${amount}) is greater than the amount that can be refunded (${remaining})`
          )
        }
      }
      if (request.cancelOrder && amount < remaining) {
        return {
          _tag: "Refused",
          refusal: refusal(400, 117, "The order can only be canceled when the payment is fully refunded")
        }
      }
      const refund: PerformedRefund = {
        id: nextId++,
        amount,
        createdAt: now,
        processedAt: now + processingMillis,
        comment: request.comment,
        cancelOrder: request.cancelOrder,
        sendRefundMail: request.sendRefundMail
      }
      const list = byIndex.get(index) ?? []
      list.push(refund)
      byIndex.set(index, list)
      counts.set(record.id, (counts.get(record.id) ?? 0) + 1)
      version++
      return { _tag: "Refunded", refund }
    },
    version: () => version,
    performed: () => new Map(counts),
    has: (index) => byIndex.has(index)
  }
}
