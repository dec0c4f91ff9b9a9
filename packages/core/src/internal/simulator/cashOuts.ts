/**
 * Cash-outs: HelloAsso pays the money of authorized online payments out to the association's bank account in
 * batches. A paid-out payment has `cashOutState: "CashedOut"`, the batch's `cashOutDate` and its id
 * (`idCashOut`); the batch's export lists exactly those payments.
 *
 * The generated association is paid out monthly: the payments of a Paris calendar month in one cash-out, on the
 * 5th of the next month, when that date falls within the dataset's period (the last month is still `MoneyIn`).
 */
import * as ParisTime from "./parisTime.js"
import { below, hash } from "./random.js"
import type { Dataset, PaymentRecord } from "./records.js"

/** The id of the cash-out of the period's first month; the next months follow. @internal */
export const FIRST_ID = 900_000

const SECOND_TICKS = 1000 * ParisTime.TICKS_PER_MS

// salts of the cash-out times, hashed with the month (not a payment's index)
const SALT_SECONDS = 101
const SALT_FRACTION = 102

/** @internal */
export interface CashOut {
  readonly id: number
  readonly ticks: number
}

/** @internal */
export interface Schedule {
  /** The cash-out that pays out an authorized payment made at `ticks`; undefined while it is not paid out. */
  readonly of: (ticks: number) => CashOut | undefined
  /** The indexes among which a cash-out's payments are. */
  readonly span: (id: number) => readonly [number, number] | undefined
}

/** Months counted from year 0, Paris time. */
const monthOf = (ticks: number): number => {
  const millis = ParisTime.toMillis(ticks)
  const local = new Date(millis + ParisTime.parisOffsetMinutes(millis) * 60_000)
  return local.getUTCFullYear() * 12 + local.getUTCMonth()
}

const pad = (n: number): string => String(n).padStart(2, "0")

/** A wall-clock time of a day of a month, Paris time, in ticks. */
const parisTime = (month: number, day: number, time: string): number =>
  ParisTime.parse(`${Math.floor(month / 12)}-${pad((month % 12) + 1)}-${pad(day)}T${time}`)!

/** The first index whose payment is at or after `ticks` (payments are in date order). */
const firstAtOrAfter = (size: number, ticksAt: (index: number) => number, ticks: number): number => {
  let low = 0
  let high = size
  while (low < high) {
    const mid = (low + high) >>> 1
    if (ticksAt(mid) < ticks) low = mid + 1
    else high = mid
  }
  return low
}

/** @internal */
export const monthly = (options: {
  readonly seed: number
  readonly startTicks: number
  readonly endTicks: number
  readonly size: number
  readonly ticksAt: (index: number) => number
}): Schedule => {
  const { endTicks, seed, size, startTicks, ticksAt } = options
  const first = monthOf(startTicks)
  const count = monthOf(endTicks) - first + 1
  // where each month of the period starts, and the next one after them: a payment's month is found among them
  const starts = Array.from({ length: count + 1 }, (_, k) => parisTime(first + k, 1, "00:00:00"))
  const cashOuts = Array.from({ length: count }, (_, k): CashOut | undefined => {
    const month = first + k
    // the 5th of the next month, in the morning
    const ticks = parisTime(month + 1, 5, "09:00:00") + below(seed, month, SALT_SECONDS, 3 * 3600) * SECOND_TICKS +
      (hash(seed, month, SALT_FRACTION) % SECOND_TICKS)
    return ticks <= endTicks ? { id: FIRST_ID + k, ticks } : undefined
  })
  return {
    of: (ticks) => {
      let low = 0
      let high = count - 1
      if (ticks < starts[0]! || ticks >= starts[count]!) return undefined
      while (low < high) {
        const mid = (low + high + 1) >>> 1
        if (starts[mid]! <= ticks) low = mid
        else high = mid - 1
      }
      return cashOuts[low]
    },
    span: (id) => {
      const k = id - FIRST_ID
      if (!Number.isInteger(k) || k < 0 || k >= count || cashOuts[k] === undefined) return undefined
      return [firstAtOrAfter(size, ticksAt, starts[k]!), firstAtOrAfter(size, ticksAt, starts[k + 1]!)]
    }
  }
}

/** The spans of the cash-outs of explicit payments. @internal */
export const spans = (records: ReadonlyArray<PaymentRecord>): Dataset["cashOutSpan"] => {
  const byId = new Map<number, [number, number]>()
  records.forEach((record, index) => {
    if (record.idCashOut === null) return
    const span = byId.get(record.idCashOut)
    if (span === undefined) byId.set(record.idCashOut, [index, index + 1])
    else span[1] = index + 1
  })
  return (id) => byId.get(id)
}

/**
 * The payments of a cash-out as they are now (`view` lays refunds over them), in date order; undefined for a
 * cash-out the dataset does not have.
 *
 * @internal
 */
export const payments = (
  dataset: Dataset,
  view: (index: number) => PaymentRecord,
  id: number
): ReadonlyArray<PaymentRecord> | undefined => {
  const span = dataset.cashOutSpan(id)
  if (span === undefined) return undefined
  const found: Array<PaymentRecord> = []
  for (let index = span[0]; index < span[1]; index++) {
    const record = view(index)
    if (record.idCashOut === id) found.push(record)
  }
  return found.length === 0 ? undefined : found
}
