/**
 * The cash-out export (`GET /organizations/{organizationSlug}/cash-out/{cashOutId}/export`, 2026 spec): the
 * payments HelloAsso paid out together to the association's bank account, one row per operation. It is how a
 * treasurer matches a line of the bank statement with its payments; `Payment.idCashOut` names the cash-out.
 *
 * `Payments.exportCashOut` streams the export as HelloAsso sends it (JSON, CSV or XLSX); `Payments.cashOut` and
 * `decodeExport` give its JSON form decoded with `Export`. Representation, as for the payments models:
 * - only `cashOutId` is required: every other field is an `Option` (absent and `null` both decode to `none`);
 * - amounts (`credit`, `debit`) are integer cents: the wire carries euros (see `EurosAsCents`);
 * - dates are `DateTime.Zoned` values keeping HelloAsso's offset (`Payment.IsoDate`);
 * - enums are open: a value the spec does not list decodes as a plain string;
 * - unknown fields are ignored.
 *
 * @since 0.3.0
 */
import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { DecodeError } from "./HelloAssoError.js"
import * as internal from "./internal/cashOut.js"
import * as Codec from "./internal/codec.js"
import * as openEnum from "./internal/openEnum.js"
import * as Payment from "./Payment.js"

/**
 * What a row of the export records: a payment paid out (`OneTimePayment`, `OneTimeDonation`, an instalment, ...)
 * or a correction (`Debit`, `Credit`, a cancelled contestation or refund).
 *
 * @since 0.3.0
 * @category enums
 */
export const OperationType = openEnum.make("CashOut.OperationType", [
  "MonthlyDonation",
  "OneTimeDonation",
  "OneTimePayment",
  "MultipleInstalmentPayment",
  "AdditionalDonation",
  "OrganizationTip",
  "Debit",
  "Credit",
  "ContestationCancelled",
  "RefundCancelled"
])

/**
 * @since 0.3.0
 * @category enums
 */
export type OperationType = typeof OperationType.Type

/**
 * The payment's status in the export: `Paid`, `Refunded`, `PartiallyRefunded` or `Contested`.
 *
 * @since 0.3.0
 * @category enums
 */
export const PaymentStatus = openEnum.make("CashOut.PaymentStatus", [
  "Paid",
  "Refunded",
  "PartiallyRefunded",
  "Contested"
])

/**
 * @since 0.3.0
 * @category enums
 */
export type PaymentStatus = typeof PaymentStatus.Type

/**
 * An amount of the export: euros on the wire (the spec's `double`, unlike the payments models' integer cents),
 * integer cents once decoded, rounded to the nearest cent.
 *
 * @since 0.3.0
 * @category scalars
 */
export const EurosAsCents: Schema.Schema<Payment.Cents, number> = internal.EurosAsCents

/**
 * One row of the export (`CashoutExportRowModel`).
 *
 * @since 0.3.0
 * @category models
 */
export const ExportRow = Schema.Struct({
  cashOutId: Payment.CashOutId,
  cashOutDate: Codec.optional(Payment.IsoDate),
  /** The form's type. */
  campaignType: Codec.optional(Payment.FormType),
  /** The form's name. */
  campaignName: Codec.optional(Schema.String),
  operationType: Codec.optional(OperationType),
  /** Paid to the association, in cents. */
  credit: Codec.optional(EurosAsCents),
  /** Taken back from the association, in cents. */
  debit: Codec.optional(EurosAsCents),
  orderId: Codec.optional(Payment.OrderId),
  paymentId: Codec.optional(Payment.PaymentId),
  paymentDate: Codec.optional(Payment.IsoDate),
  paymentMethod: Codec.optional(Payment.PaymentMeans),
  paymentStatus: Codec.optional(PaymentStatus),
  /** What was paid for. */
  designation: Codec.optional(Schema.String),
  payerCompany: Codec.optional(Schema.String),
  payerLastName: Codec.optional(Schema.String),
  payerFirstName: Codec.optional(Schema.String),
  payerEmail: Codec.optional(Schema.String),
  payerSiren: Codec.optional(Schema.String)
}).annotations({ identifier: "CashOut.ExportRow" })

/**
 * @since 0.3.0
 * @category models
 */
export interface ExportRow extends Schema.Schema.Type<typeof ExportRow> {}

/**
 * @since 0.3.0
 * @category models
 */
export interface ExportRowEncoded extends Schema.Schema.Encoded<typeof ExportRow> {}

/**
 * The JSON form of the export: its rows.
 *
 * @since 0.3.0
 * @category models
 */
export const Export: Schema.Schema<ReadonlyArray<ExportRow>, ReadonlyArray<ExportRowEncoded>> = Schema.Array(ExportRow)

/**
 * Decodes a JSON export, as text or as the bytes `Payments.exportCashOut` streamed (a byte order mark is
 * skipped). A `DecodeError` says where the body is wrong (`[3].paymentDate`), never what it holds.
 *
 * @since 0.3.0
 * @category decoding
 */
export const decodeExport: (body: string | Uint8Array) => Effect.Effect<ReadonlyArray<ExportRow>, DecodeError> =
  internal.decodeExport(Export)
