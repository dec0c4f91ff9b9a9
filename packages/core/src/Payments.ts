/**
 * The five operations of HelloAsso's payments API as one service.
 *
 * - `list*` fetch one page; `pages*` stream every page (each with its continuation token); `stream*` stream
 *   every payment. Pagination follows continuation tokens and ends on the empty page HelloAsso sends after the
 *   last one; the next page is fetched while you handle the current one (`prefetch`).
 * - When a stream fails, its error carries `continuationToken`: pass it back as `continuationToken` to resume
 *   with exactly the payments that were not delivered.
 * - Every input is checked before anything is sent (`ValidationError` naming the field).
 * - `refund` is never retried once the request may have reached HelloAsso: an ambiguous failure is a
 *   `RefundOutcomeUnknown`, to reconcile with `get(paymentId, { withFailedRefundOperation: true })`.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import type * as DateTime from "effect/DateTime"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import type * as Stream from "effect/Stream"
import type * as CashOut from "./CashOut.js"
import type { HelloAssoClient } from "./HelloAssoClient.js"
import type {
  AuthError,
  DecodeError,
  HttpError,
  RefundOutcomeUnknown,
  RefundRejected,
  TransportError,
  ValidationError
} from "./HelloAssoError.js"
import * as internal from "./internal/payments.js"
import type * as Payment from "./Payment.js"

/**
 * A date parameter: a `Date`, an Effect `DateTime`, an ISO 8601 date-time (with an offset it is sent as given, so
 * a date copied from a payment keeps its 7 fractional digits; without one it is Europe/Paris time, HelloAsso's),
 * or a plain `YYYY-MM-DD` (midnight Europe/Paris).
 *
 * @since 0.1.0
 * @category params
 */
export type DateInput = Date | DateTime.DateTime | string

/**
 * @since 0.1.0
 * @category params
 */
export type KnownFormType = (typeof Payment.FormType.known)[number]

/**
 * @since 0.1.0
 * @category params
 */
export type KnownPaymentState = (typeof Payment.PaymentState.known)[number]

/**
 * What every listing filters and sorts on.
 *
 * @since 0.1.0
 * @category params
 */
export interface Filters {
  readonly organizationSlug: string
  /** Payments on or after this date. */
  readonly from?: DateInput | undefined
  /** Payments before this date (exclusive on the list endpoints and the export). */
  readonly to?: DateInput | undefined
  /** Sent as repeated keys: `states=Authorized&states=Refunded`. */
  readonly states?: ReadonlyArray<KnownPaymentState> | undefined
  /** Default `Date`. */
  readonly sortField?: "Date" | "UpdateDate" | "CreationDate" | undefined
  /** Default `Desc`. */
  readonly sortOrder?: "Asc" | "Desc" | undefined
}

/**
 * The filters and paging of the list endpoints.
 *
 * @since 0.1.0
 * @category params
 */
export interface ListParams extends Filters {
  /** Payer or user first name, last name or email. */
  readonly userSearchKey?: string | undefined
  /** 1 to 100; HelloAsso's default is 20. */
  readonly pageSize?: number | undefined
  /** Where a previous listing stopped. */
  readonly continuationToken?: string | undefined
  /** Offset paging, when no continuation token is given (`list*` only). */
  readonly pageIndex?: number | undefined
  /** Ask for `totalCount` / `totalPages` (2024 spec; otherwise they are -1). */
  readonly withCount?: boolean | undefined
}

/**
 * @since 0.1.0
 * @category params
 */
export interface FormParams extends ListParams {
  readonly formType: KnownFormType
  readonly formSlug: string
}

/**
 * The parameters of the search endpoint (2024 spec). It pages with continuation tokens only.
 *
 * @since 0.1.0
 * @category params
 */
export interface SearchParams extends Filters {
  readonly pageSize?: number | undefined
  readonly continuationToken?: string | undefined
  readonly formTypes?: ReadonlyArray<KnownFormType> | undefined
  readonly formType?: KnownFormType | undefined
  readonly userId?: number | undefined
  /** Words that must all appear in the payer's or user's names or email. */
  readonly searchKey?: string | undefined
  /** Exact amount in cents, with or without the tip. */
  readonly amount?: number | undefined
}

/**
 * @since 0.1.0
 * @category params
 */
export interface ExportParams extends Filters {
  /** HelloAsso's own export: `csv` (`text/csv`) or `xlsx`. */
  readonly format: "csv" | "xlsx"
  readonly userSearchKey?: string | undefined
}

/**
 * A cash-out: the payments HelloAsso paid out to the association's bank account together (`Payment.idCashOut`).
 *
 * @since 0.3.0
 * @category params
 */
export interface CashOutParams {
  readonly organizationSlug: string
  readonly cashOutId: number
}

/**
 * @since 0.3.0
 * @category params
 */
export interface CashOutExportParams extends CashOutParams {
  /** `csv` (`text/csv`), `xlsx`, or `json` (the rows as HelloAsso's JSON array). */
  readonly format: "csv" | "xlsx" | "json"
}

/**
 * @since 0.1.0
 * @category params
 */
export interface StreamOptions {
  /**
   * Pages fetched ahead (0 to 16). Default: 1, the next page's request going out while you handle the current
   * one; above 1, that many minus one decoded pages are also kept ready. 0 turns it off.
   */
  readonly prefetch?: number | undefined
}

/**
 * Options of the organization and form streams.
 *
 * `concurrency` (1 to 32, default 1) lists half-open date windows at the same time, each paginated as usual, at
 * most `concurrency` requests at once: a long listing costs about its number of pages divided by `concurrency`
 * round trips instead of its number of pages. The listing starts as one window; a free lane splits a running
 * window at a date past its last payment, so the windows follow the data and the requests stay close to those of
 * a sequential listing. Without `from` (or `to`), one cheap query finds the date at the far end. After a 429,
 * requests are paced to what the API lets through (AIMD). Every payment is delivered once, in date order;
 * `ordered: false` delivers pages as they come
 * instead (each window's payments in order, windows interleaved). Windows need the default `sortField: "Date"`,
 * and their errors carry no continuation token: resume a windowed listing with `from` / `to`, or list with
 * `concurrency: 1` to get resumable errors.
 *
 * @since 0.1.0
 * @category params
 */
export interface WindowOptions extends StreamOptions {
  readonly concurrency?: number | undefined
  readonly ordered?: boolean | undefined
}

/**
 * @since 0.1.0
 * @category params
 */
export interface GetOptions {
  /** Also list refund operations that were aborted, canceled, refused or failed. */
  readonly withFailedRefundOperation?: boolean | undefined
}

/**
 * The MFA tokens HelloAsso may require on a refund (see `RefundRejected.mfaCode`), sent as the `x-mfa-*` headers.
 *
 * @since 0.1.0
 * @category params
 */
export interface MfaTokens {
  /** `x-mfa-access-authorization`, for `AuthorizationErrors.MFA.AccessTokenRequired`. */
  readonly accessToken?: Redacted.Redacted<string> | undefined
  /** `x-mfa-sms-access-authorization`, for `AuthorizationErrors.MFA.AccessOtpSmsRequired`. */
  readonly smsAccessToken?: Redacted.Redacted<string> | undefined
  /** `x-mfa-password-authorization`, for `AuthorizationErrors.MFA.AccessPasswordTokenRequired`. */
  readonly passwordToken?: Redacted.Redacted<string> | undefined
}

/**
 * @since 0.1.0
 * @category params
 */
export interface RefundOptions {
  /**
   * In cents. Absent or **0 refunds everything that remains of the payment**: that is HelloAsso's meaning of 0, kept
   * as is (the `helloasso` CLI refuses `--amount 0` and asks for `--full` instead).
   */
  readonly amount?: number | undefined
  readonly comment?: string | undefined
  /** Cancel the order's future payments and items (full refunds only). */
  readonly cancelOrder?: boolean | undefined
  /** Default: HelloAsso sends the refund mail. */
  readonly sendRefundMail?: boolean | undefined
  readonly mfa?: MfaTokens | undefined
}

/**
 * The errors of a read.
 *
 * @since 0.1.0
 * @category errors
 */
export type ReadError = AuthError | ValidationError | HttpError | TransportError | DecodeError

/**
 * The errors of a refund. A `TransportError` here means the request provably never reached HelloAsso.
 *
 * @since 0.1.0
 * @category errors
 */
export type RefundError =
  | AuthError
  | ValidationError
  | HttpError
  | TransportError
  | RefundRejected
  | RefundOutcomeUnknown

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly listByForm: (params: FormParams) => Effect.Effect<Payment.Page<Payment.Payment>, ReadError>
  readonly pagesByForm: (
    params: FormParams,
    options?: WindowOptions
  ) => Stream.Stream<Payment.Page<Payment.Payment>, ReadError>
  readonly streamByForm: (params: FormParams, options?: WindowOptions) => Stream.Stream<Payment.Payment, ReadError>
  readonly listByOrganization: (params: ListParams) => Effect.Effect<Payment.Page<Payment.Payment>, ReadError>
  readonly pagesByOrganization: (
    params: ListParams,
    options?: WindowOptions
  ) => Stream.Stream<Payment.Page<Payment.Payment>, ReadError>
  readonly streamByOrganization: (
    params: ListParams,
    options?: WindowOptions
  ) => Stream.Stream<Payment.Payment, ReadError>
  /** HelloAsso's own CSV or XLSX export of the organization's payments, streamed as it arrives. */
  readonly exportByOrganization: (params: ExportParams) => Stream.Stream<Uint8Array, ReadError>
  /** The payments of one cash-out, as HelloAsso exports them (CSV, XLSX or JSON), streamed as it arrives. */
  readonly exportCashOut: (params: CashOutExportParams) => Stream.Stream<Uint8Array, ReadError>
  /**
   * The rows of a cash-out: its JSON export, read whole (up to `maxBodyBytes`) and decoded with `CashOut.Export`.
   *
   * @since 0.3.0
   */
  readonly cashOut: (params: CashOutParams) => Effect.Effect<ReadonlyArray<CashOut.ExportRow>, ReadError>
  readonly search: (params: SearchParams) => Effect.Effect<Payment.Page<Payment.PublicPayment>, ReadError>
  readonly pagesSearch: (
    params: SearchParams,
    options?: StreamOptions
  ) => Stream.Stream<Payment.Page<Payment.PublicPayment>, ReadError>
  readonly streamSearch: (
    params: SearchParams,
    options?: StreamOptions
  ) => Stream.Stream<Payment.PublicPayment, ReadError>
  readonly get: (paymentId: number, options?: GetOptions) => Effect.Effect<Payment.PaymentDetail, ReadError>
  readonly refund: (paymentId: number, options?: RefundOptions) => Effect.Effect<Payment.RefundOperation, RefundError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Payments extends Context.Tag("@helloasso-effect/core/Payments")<Payments, Service>() {}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, HelloAssoClient> = internal.make

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Payments, never, HelloAssoClient> = Layer.effect(Payments, make)
