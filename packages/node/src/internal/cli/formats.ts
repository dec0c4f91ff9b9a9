/**
 * How the CLI prints payments: a table for people, JSON lines (the API's wire format) and CSV (written with
 * csv-stringify) for programs.
 */
import * as Payment from "@helloasso-effect/core/Payment"
import { stringify } from "csv-stringify/sync"
import * as DateTime from "effect/DateTime"
import * as Option from "effect/Option"

export type Format = "table" | "jsonl" | "csv"

/** `1 page`, `2 pages`. */
export const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? "" : "s"}`

/** Cents as French euros: 3700 -> `37,00 €`. */
export const euros = (cents: number): string =>
  `${(cents / 100).toLocaleString("fr-FR", { minimumFractionDigits: 2, maximumFractionDigits: 2 })} €`

export const isoDate = (date: DateTime.DateTime): string =>
  DateTime.isZoned(date) ? DateTime.formatIsoOffset(date) : DateTime.formatIso(date)

/** `2024-06-07 14:11` in the offset HelloAsso sent (Paris time). */
export const shortDate = (date: DateTime.DateTime): string => isoDate(date).slice(0, 16).replace("T", " ")

export const text = (value: Option.Option<string | number | boolean>): string =>
  Option.match(value, { onNone: () => "", onSome: String })

/** An amount HelloAsso may leave out: empty when it did. */
export const money = (cents: Option.Option<number>): string => Option.match(cents, { onNone: () => "", onSome: euros })

/** A date HelloAsso may leave out: empty when it did. */
export const dateText = (date: Option.Option<DateTime.DateTime>): string =>
  Option.match(date, { onNone: () => "", onSome: isoDate })

/** A short date HelloAsso may leave out: empty when it did. */
export const shortDateText = (date: Option.Option<DateTime.DateTime>): string =>
  Option.match(date, { onNone: () => "", onSome: shortDate })

interface Columns<A> {
  readonly csv: ReadonlyArray<readonly [string, (a: A) => string | number]>
  readonly table: ReadonlyArray<readonly [string, number, (a: A) => string]>
  readonly json: (a: A) => unknown
}

const encodePayment = Payment.encoder(Payment.Payment)
const encodePublicPayment = Payment.encoder(Payment.PublicPayment)

/** `first last`, either one alone when the other is missing. */
const fullName = (first: Option.Option<string>, last: Option.Option<string>): string =>
  [text(first), text(last)].filter((s) => s !== "").join(" ")

export const payerName = (payer: Option.Option<Payment.Payer>): string =>
  Option.match(payer, { onNone: () => "", onSome: (p) => fullName(p.firstName, p.lastName) })

export const paymentColumns: Columns<Payment.Payment> = {
  csv: [
    ["id", (p) => p.id],
    ["date", (p) => dateText(p.date)],
    ["amount_cents", (p) => text(p.amount)],
    ["tip_cents", (p) => Option.getOrElse(p.amountTip, () => 0)],
    ["state", (p) => text(p.state)],
    ["means", (p) => text(Option.orElse(p.paymentOffLineMean, () => p.paymentMeans))],
    ["form_type", (p) => text(Option.flatMap(p.order, (o) => o.formType))],
    ["form_slug", (p) => text(Option.flatMap(p.order, (o) => o.formSlug))],
    ["order_id", (p) => text(Option.map(p.order, (o) => o.id))],
    ["payer_first_name", (p) => text(Option.flatMap(p.payer, (o) => o.firstName))],
    ["payer_last_name", (p) => text(Option.flatMap(p.payer, (o) => o.lastName))],
    ["payer_email", (p) => text(Option.flatMap(p.payer, (o) => o.email))],
    ["installment", (p) => text(p.installmentNumber)],
    ["refunded_cents", (p) => refunded(p)]
  ],
  table: [
    ["ID", 10, (p) => String(p.id)],
    ["DATE", 16, (p) => shortDateText(p.date)],
    ["AMOUNT", 12, (p) => money(p.amount)],
    ["STATE", 12, (p) => text(p.state)],
    ["FORM", 26, (p) => text(Option.flatMap(p.order, (o) => o.formSlug))],
    ["PAYER", 28, (p) => payerName(p.payer)]
  ],
  json: encodePayment
}

export const publicPaymentColumns: Columns<Payment.PublicPayment> = {
  csv: [
    ["id", (p) => p.id],
    ["date", (p) => dateText(p.date)],
    ["amount_cents", (p) => text(p.amount)],
    ["state", (p) => text(p.state)],
    ["means", (p) => text(p.meansPayment)],
    ["form_type", (p) => text(p.formType)],
    ["order_id", (p) => text(p.orderId)],
    ["payer_first_name", (p) => text(p.payerFirstName)],
    ["payer_last_name", (p) => text(p.payerLastName)],
    ["user_id", (p) => text(p.userId)],
    ["user_email", (p) => text(p.userEmail)]
  ],
  table: [
    ["ID", 10, (p) => String(p.id)],
    ["DATE", 16, (p) => shortDateText(p.date)],
    ["AMOUNT", 12, (p) => money(p.amount)],
    ["STATE", 12, (p) => text(p.state)],
    ["FORM TYPE", 12, (p) => text(p.formType)],
    ["PAYER", 28, (p) => fullName(p.payerFirstName, p.payerLastName)]
  ],
  json: encodePublicPayment
}

const failed: ReadonlyArray<string> = ["Aborted", "Canceled", "Error", "Refused"]

/** What was refunded of a payment: its refund operations that did not fail (an amount left out counts as 0). */
export const refunded = (payment: Pick<Payment.Payment, "refundOperations">): number =>
  payment.refundOperations
    .filter((op) => !Option.exists(op.state, (state) => failed.includes(state)))
    .reduce((sum, op) => sum + Option.getOrElse(op.amount, () => 0), 0)

const cell = (value: string, width: number): string =>
  value.length > width ? `${value.slice(0, width - 1)}…` : value.padEnd(width)

/** Renders a batch of rows; `header` says whether the header line goes before them. */
export const render = <A>(format: Format, columns: Columns<A>, rows: ReadonlyArray<A>, header: boolean): string => {
  switch (format) {
    case "jsonl":
      return rows.map((row) => `${JSON.stringify(columns.json(row))}\n`).join("")
    case "csv":
      return stringify(rows.map((row) => columns.csv.map(([, get]) => get(row))), {
        header,
        columns: columns.csv.map(([name]) => name)
      })
    case "table": {
      const line = (cells: ReadonlyArray<string>) =>
        `${cells.map((value, i) => cell(value, columns.table[i]![1])).join("  ").trimEnd()}\n`
      const head = header ? line(columns.table.map(([name]) => name)) : ""
      return head + rows.map((row) => line(columns.table.map(([, , get]) => get(row)))).join("")
    }
  }
}
