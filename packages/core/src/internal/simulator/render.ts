/**
 * The wire shapes of a payment, as HelloAsso sends them: null fields are sometimes sent as `null` and sometimes
 * left out, refund operations carry `status` or (drift of the real API) `state`, dates have 7 fractional digits.
 */
import type * as CashOut from "../../CashOut.js"
import type * as Payment from "../../Payment.js"
import * as ParisTime from "./parisTime.js"
import type { Organization, PaymentRecord, RefundRecord } from "./records.js"

type Mutable<A> = { -readonly [K in keyof A]: A[K] }

const FAILED_OPERATION_STATES: ReadonlySet<string> = new Set(["Aborted", "Canceled", "Error", "Refused"])

/** Whether a refund operation failed (listed only with `withFailedRefundOperation=true`). @internal */
export const isFailedOperation = (state: string): boolean => FAILED_OPERATION_STATES.has(state)

const date = (ticks: number): string => ParisTime.format(ticks)

const refundOperations = (
  refunds: ReadonlyArray<RefundRecord>,
  withFailed: boolean
): Array<Payment.RefundOperationLightEncoded> => {
  const operations: Array<Payment.RefundOperationLightEncoded> = []
  for (const refund of refunds) {
    if (!withFailed && isFailedOperation(refund.state)) continue
    const meta = { createdAt: date(refund.ticks), updatedAt: date(refund.ticks) }
    // The real API sends `state` on some operations where the spec says `status`.
    const operation = refund.id % 2 === 0 ?
      { id: refund.id, amount: refund.amount, amountTip: refund.amountTip, status: refund.state, meta } :
      { id: refund.id, amount: refund.amount, amountTip: refund.amountTip, state: refund.state, meta }
    operations.push(operation as Payment.RefundOperationLightEncoded)
  }
  return operations
}

/** `Statistics.Payment` / `Statistics.PaymentDetail`. @internal */
export const payment = (
  organization: Organization,
  record: PaymentRecord,
  withFailedRefunds: boolean
): Payment.PaymentEncoded => {
  const { form, payer } = record
  const orderDate = date(record.orderTicks)
  const json: Mutable<Payment.PaymentEncoded> = {
    order: {
      id: record.orderId,
      date: orderDate,
      formSlug: form.formSlug,
      formType: form.formType,
      organizationName: organization.name,
      organizationSlug: organization.slug,
      organizationType: organization.type,
      organizationIsUnderColucheLaw: organization.isUnderColucheLaw,
      checkoutIntentId: record.checkoutIntentId,
      meta: { createdAt: orderDate, updatedAt: orderDate }
    },
    payer: {
      email: payer.email,
      address: payer.address,
      city: payer.city,
      zipCode: payer.zipCode,
      country: payer.country,
      dateOfBirth: payer.dateOfBirthTicks === null ? null : date(payer.dateOfBirthTicks),
      firstName: payer.firstName,
      lastName: payer.lastName
    },
    items: record.items.map((item) => {
      const out: Mutable<Payment.PaymentItemEncoded> = {
        shareAmount: item.shareAmount,
        shareItemAmount: item.shareItemAmount,
        id: item.id,
        amount: item.amount
      }
      if (item.shareOptionsAmount !== null) out.shareOptionsAmount = item.shareOptionsAmount
      if (item.type !== null) out.type = item.type
      if (item.initialAmount !== null) out.initialAmount = item.initialAmount
      if (item.state !== null) out.state = item.state
      if (item.name !== null) out.name = item.name
      return out
    }),
    cashOutDate: record.cashOutTicks === null ? null : date(record.cashOutTicks),
    paymentReceiptUrl: record.paymentReceiptUrl,
    fiscalReceiptUrl: record.fiscalReceiptUrl,
    id: record.id,
    amount: record.amount,
    date: date(record.ticks),
    state: record.state,
    meta: { createdAt: date(record.ticks), updatedAt: date(record.updateTicks) },
    refundOperations: refundOperations(record.refunds, withFailedRefunds)
  }
  if (payer.company !== null) (json.payer as Mutable<Payment.PayerEncoded>).company = payer.company
  if (record.cashOutState !== null) json.cashOutState = record.cashOutState
  if (record.idCashOut !== null) json.idCashOut = record.idCashOut
  if (record.amountTip !== null) json.amountTip = record.amountTip
  if (record.paymentMeans !== null) json.paymentMeans = record.paymentMeans
  if (record.installmentNumber !== null) json.installmentNumber = record.installmentNumber
  if (record.type !== null) json.type = record.type
  if (record.offlineMean !== null) json.paymentOffLineMean = record.offlineMean
  return json
}

const AUTHORIZED_LIKE: ReadonlySet<string> = new Set(["Authorized", "Refunded", "Refunding", "Contested"])

/**
 * The search endpoint's payment on the wire: the spec names its state `status` (the client reads it into `state`).
 *
 * @internal
 */
export type PublicPaymentWire = Omit<Payment.PublicPaymentEncoded, "state"> & { readonly status: string }

/** `PublicPaymentModel` (search). @internal */
export const publicPayment = (organization: Organization, record: PaymentRecord): PublicPaymentWire => {
  const json: Mutable<PublicPaymentWire> = {
    id: record.id,
    organizationId: organization.id,
    formId: record.form.id,
    formType: record.form.formType,
    amount: record.amount,
    date: date(record.ticks),
    authorizationDate: AUTHORIZED_LIKE.has(record.state) ? date(record.ticks + 12_345_678) : null,
    orderDate: date(record.orderTicks),
    orderId: record.orderId,
    fiscalReceiptGenerated: record.fiscalReceiptUrl !== null,
    payerFirstName: record.payer.firstName,
    payerLastName: record.payer.lastName,
    status: record.state,
    userId: record.user.id,
    userFirstName: record.user.firstName,
    userLastName: record.user.lastName,
    userEmail: record.user.email,
    meta: { createdAt: date(record.ticks), updatedAt: date(record.updateTicks) },
    refundOperations: refundOperations(record.refunds, false)
  }
  if (record.paymentMeans !== null) json.meansPayment = record.paymentMeans
  if (record.cashOutState !== null) json.cashOutState = record.cashOutState
  if (record.type !== "Offline") json.providerTitle = "Stripe"
  if (record.installmentNumber !== null) json.installmentNumber = record.installmentNumber
  return json
}

/** The columns of the CSV export, as HelloAsso's French back office names them. @internal */
export const CSV_HEADER = [
  "Numéro de paiement",
  "Date du paiement",
  "Montant (€)",
  "Pourboire (€)",
  "Statut",
  "Moyen de paiement",
  "Type de formulaire",
  "Formulaire",
  "Numéro de commande",
  "Nom",
  "Prénom",
  "Email",
  "Ville",
  "Échéance"
] as const

/** Cents as French euros: 3700 -> `37,00`. @internal */
export const euros = (cents: number): string => {
  const sign = cents < 0 ? "-" : ""
  const abs = Math.abs(cents)
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, "0")}`
}

/** One CSV row, in the order of `CSV_HEADER`. @internal */
export const csvRow = (record: PaymentRecord): ReadonlyArray<string> => [
  String(record.id),
  date(record.ticks),
  euros(record.amount),
  euros(record.amountTip ?? 0),
  record.state,
  record.offlineMean ?? record.paymentMeans ?? "",
  record.form.formType,
  record.form.title,
  String(record.orderId),
  record.payer.lastName ?? "",
  record.payer.firstName ?? "",
  record.payer.email ?? "",
  record.payer.city ?? "",
  record.installmentNumber === null ? "" : String(record.installmentNumber)
]

/** What a payment's row of a cash-out export records. */
const operationType = (record: PaymentRecord): CashOut.OperationType =>
  record.installmentNumber !== null
    ? "MultipleInstalmentPayment"
    : record.form.formType === "Donation"
    ? "OneTimeDonation"
    : "OneTimePayment"

/** Refunds made after the cash-out show in the status of its row. */
const cashOutStatus = (record: PaymentRecord): CashOut.PaymentStatus => {
  if (record.state === "Contested") return "Contested"
  if (record.state === "Refunded") return "Refunded"
  const refunded = record.refunds.some((refund) => refund.state === "Processed")
  return refunded ? "PartiallyRefunded" : "Paid"
}

/** The tip goes to HelloAsso: the association is paid the rest. */
const paidOut = (record: PaymentRecord): number => record.amount - (record.amountTip ?? 0)

const designation = (record: PaymentRecord): string | null => {
  const names = record.items.flatMap((item) => item.name === null ? [] : [item.name])
  return names.length === 0 ? null : names.join(", ")
}

/**
 * A paid-out payment as a row of its cash-out's JSON export (`CashoutExportRowModel`): amounts in euros (the
 * spec's `double`), `null` for what the row does not have, the payer's company left out when there is none.
 *
 * @internal
 */
export const cashOutRow = (record: PaymentRecord): CashOut.ExportRowEncoded => {
  const row: Mutable<CashOut.ExportRowEncoded> = {
    campaignType: record.form.formType,
    campaignName: record.form.title,
    operationType: operationType(record),
    credit: paidOut(record) / 100,
    debit: null,
    orderId: record.orderId,
    paymentId: record.id,
    paymentDate: date(record.ticks),
    paymentMethod: record.paymentMeans,
    paymentStatus: cashOutStatus(record),
    cashOutDate: record.cashOutTicks === null ? null : date(record.cashOutTicks),
    cashOutId: record.idCashOut!,
    designation: designation(record),
    payerLastName: record.payer.lastName,
    payerFirstName: record.payer.firstName,
    payerEmail: record.payer.email,
    payerSiren: null
  }
  if (record.payer.company !== null) row.payerCompany = record.payer.company
  return row
}

/** The columns of a cash-out's CSV export, in the order of the JSON fields, in French like the others. @internal */
export const CASH_OUT_CSV_HEADER = [
  "Type de campagne",
  "Campagne",
  "Type d'opération",
  "Crédit (€)",
  "Débit (€)",
  "Numéro de commande",
  "Numéro de paiement",
  "Date du paiement",
  "Moyen de paiement",
  "Statut du paiement",
  "Date du versement",
  "Numéro du versement",
  "Désignation",
  "Société",
  "Nom",
  "Prénom",
  "Email",
  "SIREN"
] as const

/** One CSV row of a cash-out export, in the order of `CASH_OUT_CSV_HEADER`. @internal */
export const cashOutCsvRow = (record: PaymentRecord): ReadonlyArray<string> => [
  record.form.formType,
  record.form.title,
  operationType(record),
  euros(paidOut(record)),
  "",
  String(record.orderId),
  String(record.id),
  date(record.ticks),
  record.paymentMeans ?? "",
  cashOutStatus(record),
  record.cashOutTicks === null ? "" : date(record.cashOutTicks),
  String(record.idCashOut),
  designation(record) ?? "",
  record.payer.company ?? "",
  record.payer.lastName ?? "",
  record.payer.firstName ?? "",
  record.payer.email ?? "",
  ""
]

/**
 * `Statistics.OrderDetail`, as an `Order` notification carries it: the order of one payment (the simulator keeps
 * one payment per order), its items with the share each payment paid, and the payment as `OrderPayment`.
 *
 * @internal
 */
export const order = (organization: Organization, record: PaymentRecord): Record<string, unknown> => {
  const detail = payment(organization, record, false)
  const orderDate = date(record.orderTicks)
  const amountTip = record.amountTip ?? 0
  const orderPayment: Record<string, unknown> = {
    items: record.items.map((item) => ({
      id: item.id,
      shareAmount: item.shareAmount,
      shareItemAmount: item.shareItemAmount,
      ...(item.shareOptionsAmount === null ? {} : { shareOptionsAmount: item.shareOptionsAmount })
    })),
    cashOutDate: detail.cashOutDate,
    paymentReceiptUrl: detail.paymentReceiptUrl,
    fiscalReceiptUrl: detail.fiscalReceiptUrl,
    id: record.id,
    amount: record.amount,
    date: detail.date,
    state: record.state,
    meta: detail.meta,
    refundOperations: detail.refundOperations
  }
  for (const key of ["cashOutState", "idCashOut", "amountTip", "paymentMeans", "installmentNumber", "type"] as const) {
    if (detail[key] !== undefined) orderPayment[key] = detail[key]
  }
  if (detail.paymentOffLineMean !== undefined) orderPayment["paymentOffLineMean"] = detail.paymentOffLineMean
  return {
    payer: detail.payer,
    items: record.items.map((item) => ({
      payments: [{ id: record.id, shareAmount: item.shareAmount }],
      name: item.name,
      user: { firstName: record.user.firstName, lastName: record.user.lastName },
      id: item.id,
      amount: item.amount,
      ...(item.type === null ? {} : { type: item.type }),
      initialAmount: item.initialAmount,
      ...(item.state === null ? {} : { state: item.state })
    })),
    payments: [orderPayment],
    amount: { total: record.amount - amountTip, vat: 0, discount: 0 },
    id: record.orderId,
    date: orderDate,
    formSlug: record.form.formSlug,
    formType: record.form.formType,
    organizationName: organization.name,
    organizationSlug: organization.slug,
    organizationType: organization.type,
    organizationIsUnderColucheLaw: organization.isUnderColucheLaw,
    checkoutIntentId: record.checkoutIntentId,
    meta: { createdAt: orderDate, updatedAt: date(record.updateTicks) }
  }
}
