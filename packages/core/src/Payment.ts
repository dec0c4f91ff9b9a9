/**
 * Schema codecs for every model of the HelloAsso payments endpoints.
 *
 Every model is a `Schema.Struct` whose `fields` are public: `Payment.fields`, `Payment.pick("id", "amount")`,
 * `Schema.Struct({ ...Payment.fields, note: Schema.String })`, `Payment.make({ id })`.
 *
 * Representation rules, the same on every model. The specs mark no response field as required, and real payloads
 * are sparse, so:
 * - only what the library cannot work without is required: the `id` of an object it identifies, a page's `data`;
 * - every other field is an `Option`: absent and `null` both decode to `Option.none()`, `none` encodes to an absent
 *   key, and `make` defaults it to `none`;
 * - lists (`items`, `refundOperations`) decode `null` or absent to an empty array, a page's `data: null` too, and a
 *   page without `pagination` is the last one;
 * - amounts are integer cents (`Cents`), ids are branded integers (`PaymentId`, `OrderId`, ...);
 * - dates are `DateTime.Zoned` values that keep the offset HelloAsso sent (milliseconds precision);
 * - enums are open: a value the specs do not list decodes as a plain string instead of failing the page;
 * - unknown fields are ignored.
 *
 * @since 0.1.0
 */
import type * as DateTime from "effect/DateTime"
import type * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Codec from "./internal/codec.js"
import { Int32 } from "./internal/int32.js"
import { IsoDateTime } from "./internal/isoDateTime.js"
import * as openEnum from "./internal/openEnum.js"

// -----------------------------------------------------------------------------
// scalars
// -----------------------------------------------------------------------------

/**
 * An amount in integer cents, as HelloAsso sends and takes every amount (the refund `amount` included).
 *
 * @since 0.1.0
 * @category scalars
 */
export const Cents = Codec.int32(Int32.pipe(Schema.brand("Cents")))

/**
 * @since 0.1.0
 * @category scalars
 */
export type Cents = typeof Cents.Type

/**
 * A date as HelloAsso sends it (`2024-06-07T14:11:15.7442115+02:00`), decoded to a `DateTime.Zoned` that keeps
 * the offset. Digits past the millisecond are dropped; a date without an offset is read as Europe/Paris time.
 *
 * @since 0.1.0
 * @category scalars
 */
export const IsoDate: Schema.Schema<DateTime.Zoned, string> = IsoDateTime

/**
 * @since 0.1.0
 * @category ids
 */
export const PaymentId = Codec.int32(Int32.pipe(Schema.brand("PaymentId")))

/**
 * @since 0.1.0
 * @category ids
 */
export type PaymentId = typeof PaymentId.Type

/**
 * @since 0.1.0
 * @category ids
 */
export const OrderId = Codec.int32(Int32.pipe(Schema.brand("OrderId")))

/**
 * @since 0.1.0
 * @category ids
 */
export type OrderId = typeof OrderId.Type

/**
 * @since 0.1.0
 * @category ids
 */
export const ItemId = Codec.int32(Int32.pipe(Schema.brand("ItemId")))

/**
 * @since 0.1.0
 * @category ids
 */
export type ItemId = typeof ItemId.Type

/**
 * @since 0.1.0
 * @category ids
 */
export const RefundOperationId = Codec.int32(Int32.pipe(Schema.brand("RefundOperationId")))

/**
 * @since 0.1.0
 * @category ids
 */
export type RefundOperationId = typeof RefundOperationId.Type

/**
 * @since 0.1.0
 * @category ids
 */
export const OrganizationId = Codec.int32(Int32.pipe(Schema.brand("OrganizationId")))

/**
 * @since 0.1.0
 * @category ids
 */
export type OrganizationId = typeof OrganizationId.Type

/**
 * @since 0.1.0
 * @category ids
 */
export const FormId = Codec.int32(Int32.pipe(Schema.brand("FormId")))

/**
 * @since 0.1.0
 * @category ids
 */
export type FormId = typeof FormId.Type

/**
 * @since 0.1.0
 * @category ids
 */
export const UserId = Codec.int32(Int32.pipe(Schema.brand("UserId")))

/**
 * @since 0.1.0
 * @category ids
 */
export type UserId = typeof UserId.Type

/**
 * @since 0.1.0
 * @category ids
 */
export const CashOutId = Codec.int32(Int32.pipe(Schema.brand("CashOutId")))

/**
 * @since 0.1.0
 * @category ids
 */
export type CashOutId = typeof CashOutId.Type

/**
 * @since 0.1.0
 * @category ids
 */
export const CheckoutIntentId = Codec.int32(Int32.pipe(Schema.brand("CheckoutIntentId")))

/**
 * @since 0.1.0
 * @category ids
 */
export type CheckoutIntentId = typeof CheckoutIntentId.Type

// -----------------------------------------------------------------------------
// enums
// -----------------------------------------------------------------------------

/**
 * An enum that decodes values the specs do not list as plain strings. `known` lists the spec's values, `strict`
 * is the closed schema (used to validate inputs), `isKnown` narrows a decoded value.
 *
 * @since 0.1.0
 * @category enums
 */
export type OpenEnum<Known extends string> = openEnum.OpenEnum<Known>

/**
 * The type of a form: `CrowdFunding`, `Membership`, `Event`, `Donation`, `PaymentForm`, `Checkout`, `Shop`.
 *
 * @since 0.1.0
 * @category enums
 */
export const FormType = openEnum.make("FormType", [
  "CrowdFunding",
  "Membership",
  "Event",
  "Donation",
  "PaymentForm",
  "Checkout",
  "Shop"
])

/**
 * @since 0.1.0
 * @category enums
 */
export type FormType = typeof FormType.Type

/**
 * The state of a payment (`Authorized`, `Refunded`, `Registered` for offline payments, ...).
 *
 * @since 0.1.0
 * @category enums
 */
export const PaymentState = openEnum.make("PaymentState", [
  "Pending",
  "Authorized",
  "Refused",
  "Unknown",
  "Registered",
  "Error",
  "Refunded",
  "Refunding",
  "Waiting",
  "Canceled",
  "Contested",
  "WaitingBankValidation",
  "WaitingBankWithdraw",
  "Abandoned",
  "WaitingAuthentication",
  "AuthorizedPreprod",
  "Corrected",
  "Deleted",
  "Inconsistent",
  "NoDonation",
  "Init"
])

/**
 * @since 0.1.0
 * @category enums
 */
export type PaymentState = typeof PaymentState.Type

/**
 * The type of a payment: `Offline`, `Credit` or `Debit`.
 *
 * @since 0.1.0
 * @category enums
 */
export const PaymentType = openEnum.make("PaymentType", ["Offline", "Credit", "Debit"])

/**
 * @since 0.1.0
 * @category enums
 */
export type PaymentType = typeof PaymentType.Type

/**
 * The means of a payment: `Card`, `Sepa`, `Check`, `Cash`, `BankTransfer`, ...
 *
 * @since 0.1.0
 * @category enums
 */
export const PaymentMeans = openEnum.make("PaymentMeans", [
  "None",
  "Card",
  "Sepa",
  "Check",
  "Cash",
  "BankTransfer",
  "Other"
])

/**
 * @since 0.1.0
 * @category enums
 */
export type PaymentMeans = typeof PaymentMeans.Type

/**
 * Where the money of a payment is: `MoneyIn`, `CashedOut`, `Refunded`, ...
 *
 * @since 0.1.0
 * @category enums
 */
export const PaymentCashOutState = openEnum.make("PaymentCashOutState", [
  "MoneyIn",
  "CantTransferReceiverFull",
  "Transfered",
  "Refunded",
  "Refunding",
  "WaitingForCashOutConfirmation",
  "CashedOut",
  "Unknown",
  "Contested",
  "TransferInProgress"
])

/**
 * @since 0.1.0
 * @category enums
 */
export type PaymentCashOutState = typeof PaymentCashOutState.Type

/**
 * The state of a refund operation. `Aborted`, `Canceled`, `Error` and `Refused` ones are only listed with
 * `withFailedRefundOperation`.
 *
 * @since 0.1.0
 * @category enums
 */
export const OperationState = openEnum.make("OperationState", [
  "Unknown",
  "Init",
  "Processing",
  "Processed",
  "Error",
  "InternalError",
  "Refused",
  "Aborted",
  "Canceled"
])

/**
 * @since 0.1.0
 * @category enums
 */
export type OperationState = typeof OperationState.Type

/**
 * The state of an item of a payment. `Unknow` (sic) is in the 2024 spec.
 *
 * @since 0.1.0
 * @category enums
 */
export const ItemState = openEnum.make("ItemState", [
  "Waiting",
  "Processed",
  "Registered",
  "Deleted",
  "Refunded",
  "Unknown",
  "Canceled",
  "Contested",
  "Unknow",
  "Refused",
  "Abandoned"
])

/**
 * @since 0.1.0
 * @category enums
 */
export type ItemState = typeof ItemState.Type

/**
 * The type of the tier an item was bought on: `Donation`, `Membership`, `Registration`, `Product`, ...
 *
 * @since 0.1.0
 * @category enums
 */
export const TierType = openEnum.make("TierType", [
  "Donation",
  "Payment",
  "Registration",
  "Membership",
  "MonthlyDonation",
  "MonthlyPayment",
  "OfflineDonation",
  "Contribution",
  "Bonus",
  "Product"
])

/**
 * @since 0.1.0
 * @category enums
 */
export type TierType = typeof TierType.Type

/**
 * The legal type of an organization (`Association1901`, `FondDotation`, ...).
 *
 * @since 0.1.0
 * @category enums
 */
export const OrganizationType = openEnum.make("OrganizationType", [
  "Association1901Rig",
  "Association1901Rup",
  "Association1901",
  "FondationRup",
  "FondDotation",
  "FondationSousEgide",
  "FondationScientifique",
  "FondationPartenariale",
  "FondationUniversitaire",
  "FondationHospitaliere",
  "Association1905",
  "Association1905Rup",
  "Entreprise",
  "Cooperative",
  "Etablissement",
  "Association1908",
  "Association1908Rig",
  "Association1908Rup",
  "AssociationMilitaire",
  "AssociationProprietaire",
  "Collectivités",
  "ComiteEntreprise",
  "CSE",
  "FabriqueEglise",
  "FondsPerenite",
  "GIE",
  "GIP",
  "MenseCuriale",
  "SCIC",
  "SCOP",
  "Autres"
])

/**
 * @since 0.1.0
 * @category enums
 */
export type OrganizationType = typeof OrganizationType.Type

/**
 * The field payments are sorted on. The API's default is `Date`.
 *
 * @since 0.1.0
 * @category enums
 */
export const SortField = openEnum.make("SortField", ["Date", "UpdateDate", "CreationDate"])

/**
 * @since 0.1.0
 * @category enums
 */
export type SortField = typeof SortField.Type

/**
 * The sort order. The API's default is `Desc`.
 *
 * @since 0.1.0
 * @category enums
 */
export const SortOrder = openEnum.make("SortOrder", ["Asc", "Desc"])

/**
 * @since 0.1.0
 * @category enums
 */
export type SortOrder = typeof SortOrder.Type

// -----------------------------------------------------------------------------
// models
// -----------------------------------------------------------------------------

/**
 * Creation and update dates of a resource.
 *
 * @since 0.1.0
 * @category models
 */
export const Meta = Schema.Struct({
  createdAt: Codec.optional(IsoDateTime),
  updatedAt: Codec.optional(IsoDateTime),
  /** 2026 spec */
  authorEmail: Codec.optional(Schema.String),
  /** 2026 spec */
  expiresAt: Codec.optional(IsoDateTime)
}).annotations({ identifier: "Meta" })

/**
 * @since 0.1.0
 * @category models
 */
export interface Meta extends Schema.Schema.Type<typeof Meta> {}

/**
 * @since 0.1.0
 * @category models
 */
export interface MetaEncoded extends Schema.Schema.Encoded<typeof Meta> {}

/**
 * The pagination block of a page. `totalCount` and `totalPages` are often -1 (not computed); the continuation
 * token is still present on the last page, which is followed by an empty one.
 *
 * @since 0.1.0
 * @category models
 */
export const Pagination = Schema.Struct({
  pageSize: Codec.optional(Int32),
  /** -1 when the count was not computed. */
  totalCount: Codec.optional(Int32),
  pageIndex: Codec.optional(Int32),
  /** -1 when the count was not computed. */
  totalPages: Codec.optional(Int32),
  continuationToken: Codec.optional(Schema.String)
}).annotations({ identifier: "Pagination" })

/**
 * @since 0.1.0
 * @category models
 */
export interface Pagination extends Schema.Schema.Type<typeof Pagination> {}

/**
 * @since 0.1.0
 * @category models
 */
export interface PaginationEncoded extends Schema.Schema.Encoded<typeof Pagination> {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Page<A> {
  readonly data: ReadonlyArray<A>
  /** `none` when the body has none: the page is the last one. */
  readonly pagination: Option.Option<Pagination>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface PageEncoded<I> {
  readonly data: ReadonlyArray<I> | null
  readonly pagination?: PaginationEncoded | null | undefined
}

/**
 * The schema of a page of `item`.
 *
 * @since 0.3.0
 * @category models
 */
export interface PageSchema<S extends Schema.Schema.Any> extends
  Schema.Struct<{
    readonly data: Codec.NullableList<S>
    readonly pagination: Codec.OptionalField<typeof Pagination>
  }>
{}

/**
 * A page of results. `data` must be there; `data: null` decodes to an empty page, and a body without `pagination`
 * is a last page.
 *
 * @since 0.1.0
 * @category models
 */
export const Page = <S extends Schema.Schema.Any>(item: S): PageSchema<S> =>
  Schema.Struct({
    data: Codec.nullableList(item),
    pagination: Codec.optional(Pagination)
  })

/**
 * The person who paid, as they typed it on the form.
 *
 * @since 0.1.0
 * @category models
 */
export const Payer = Schema.Struct({
  email: Codec.optional(Schema.String),
  address: Codec.optional(Schema.String),
  city: Codec.optional(Schema.String),
  zipCode: Codec.optional(Schema.String),
  country: Codec.optional(Schema.String),
  company: Codec.optional(Schema.String),
  dateOfBirth: Codec.optional(IsoDateTime),
  firstName: Codec.optional(Schema.String),
  lastName: Codec.optional(Schema.String)
}).annotations({ identifier: "Payer" })

/**
 * @since 0.1.0
 * @category models
 */
export interface Payer extends Schema.Schema.Type<typeof Payer> {}

/**
 * @since 0.1.0
 * @category models
 */
export interface PayerEncoded extends Schema.Schema.Encoded<typeof Payer> {}

/**
 * An item a payment pays for, with the share of the payment assigned to it (all in cents).
 *
 * @since 0.1.0
 * @category models
 */
export const PaymentItem = Schema.Struct({
  id: ItemId,
  amount: Codec.optional(Cents),
  shareAmount: Codec.optional(Cents),
  shareItemAmount: Codec.optional(Cents),
  shareOptionsAmount: Codec.optional(Cents),
  initialAmount: Codec.optional(Cents),
  type: Codec.optional(TierType),
  state: Codec.optional(ItemState),
  name: Codec.optional(Schema.String)
}).annotations({ identifier: "PaymentItem" })

/**
 * @since 0.1.0
 * @category models
 */
export interface PaymentItem extends Schema.Schema.Type<typeof PaymentItem> {}

/**
 * @since 0.1.0
 * @category models
 */
export interface PaymentItemEncoded extends Schema.Schema.Encoded<typeof PaymentItem> {}

/**
 * The order a payment belongs to, with its form and organization.
 *
 * @since 0.1.0
 * @category models
 */
export const OrderLight = Schema.Struct({
  id: OrderId,
  date: Codec.optional(IsoDateTime),
  formSlug: Codec.optional(Schema.String),
  formType: Codec.optional(FormType),
  organizationName: Codec.optional(Schema.String),
  organizationSlug: Codec.optional(Schema.String),
  organizationType: Codec.optional(OrganizationType),
  organizationIsUnderColucheLaw: Codec.optional(Schema.Boolean),
  checkoutIntentId: Codec.optional(CheckoutIntentId),
  meta: Codec.optional(Meta),
  /** In notifications, not in the specs. */
  formName: Codec.optional(Schema.String),
  /** In notifications, not in the specs: the payer asked not to be named publicly. */
  isAnonymous: Codec.optional(Schema.Boolean),
  /** In notifications, not in the specs: the payer asked that the amount not be shown publicly. */
  isAmountHidden: Codec.optional(Schema.Boolean)
}).annotations({ identifier: "OrderLight" })

/**
 * @since 0.1.0
 * @category models
 */
export interface OrderLight extends Schema.Schema.Type<typeof OrderLight> {}

/**
 * @since 0.1.0
 * @category models
 */
export interface OrderLightEncoded extends Schema.Schema.Encoded<typeof OrderLight> {}

/**
 * A refund operation as listed on a payment. The spec names its state `status`, real responses send `state`: both
 * decode to `state`, as on every model, and `state` is what encoding writes.
 *
 * @since 0.1.0
 * @category models
 */
export const RefundOperationLight = Codec.withAlias(
  Schema.Struct({
    id: RefundOperationId,
    amount: Codec.optional(Cents),
    amountTip: Codec.optional(Cents),
    state: Codec.optional(OperationState),
    meta: Codec.optional(Meta)
  }).annotations({ identifier: "RefundOperationLight" }),
  "state",
  "status"
)

/**
 * @since 0.1.0
 * @category models
 */
export interface RefundOperationLight extends Schema.Schema.Type<typeof RefundOperationLight> {}

/**
 * @since 0.1.0
 * @category models
 */
export interface RefundOperationLightEncoded extends Schema.Schema.Encoded<typeof RefundOperationLight> {}

/**
 * A payment as the list endpoints return it (`Statistics.Payment`).
 *
 * @since 0.1.0
 * @category models
 */
export const Payment = Schema.Struct({
  id: PaymentId,
  amount: Codec.optional(Cents),
  amountTip: Codec.optional(Cents),
  date: Codec.optional(IsoDateTime),
  state: Codec.optional(PaymentState),
  type: Codec.optional(PaymentType),
  paymentMeans: Codec.optional(PaymentMeans),
  paymentOffLineMean: Codec.optional(PaymentMeans),
  installmentNumber: Codec.optional(Int32),
  cashOutState: Codec.optional(PaymentCashOutState),
  cashOutDate: Codec.optional(IsoDateTime),
  /** 2026 spec */
  idCashOut: Codec.optional(CashOutId),
  paymentReceiptUrl: Codec.optional(Schema.String),
  fiscalReceiptUrl: Codec.optional(Schema.String),
  order: Codec.optional(OrderLight),
  payer: Codec.optional(Payer),
  items: Codec.list(PaymentItem),
  meta: Codec.optional(Meta),
  refundOperations: Codec.list(RefundOperationLight)
}).annotations({ identifier: "Payment" })

/**
 * @since 0.1.0
 * @category models
 */
export interface Payment extends Schema.Schema.Type<typeof Payment> {}

/**
 * @since 0.1.0
 * @category models
 */
export interface PaymentEncoded extends Schema.Schema.Encoded<typeof Payment> {}

/**
 * A payment as `GET /payments/{paymentId}` returns it (`Statistics.PaymentDetail`), with its refund operations:
 * the specs give it the fields of `Payment`.
 *
 * @since 0.1.0
 * @category models
 */
export const PaymentDetail = Schema.Struct(Payment.fields).annotations({ identifier: "PaymentDetail" })

/**
 * @since 0.1.0
 * @category models
 */
export interface PaymentDetail extends Schema.Schema.Type<typeof PaymentDetail> {}

/**
 * @since 0.1.0
 * @category models
 */
export interface PaymentDetailEncoded extends Schema.Schema.Encoded<typeof PaymentDetail> {}

/**
 * A payment as the search endpoint returns it (`PublicPaymentModel`, 2024 spec). The spec names its state
 * `status`: it is read into `state`, as on every model (a body that sends `state` decodes too).
 *
 * @since 0.1.0
 * @category models
 */
export const PublicPayment = Codec.withAlias(
  Schema.Struct({
    id: PaymentId,
    organizationId: Codec.optional(OrganizationId),
    orderId: Codec.optional(OrderId),
    amount: Codec.optional(Cents),
    date: Codec.optional(IsoDateTime),
    orderDate: Codec.optional(IsoDateTime),
    state: Codec.optional(PaymentState),
    formId: Codec.optional(FormId),
    formType: Codec.optional(FormType),
    meansPayment: Codec.optional(PaymentMeans),
    cashOutState: Codec.optional(PaymentCashOutState),
    authorizationDate: Codec.optional(IsoDateTime),
    fiscalReceiptGenerated: Codec.optional(Schema.Boolean),
    payerFirstName: Codec.optional(Schema.String),
    payerLastName: Codec.optional(Schema.String),
    userId: Codec.optional(UserId),
    userFirstName: Codec.optional(Schema.String),
    userLastName: Codec.optional(Schema.String),
    userEmail: Codec.optional(Schema.String),
    providerTitle: Codec.optional(Schema.String),
    installmentNumber: Codec.optional(Int32),
    meta: Codec.optional(Meta),
    refundOperations: Codec.list(RefundOperationLight)
  }).annotations({ identifier: "PublicPayment" }),
  "state",
  "status"
)

/**
 * @since 0.1.0
 * @category models
 */
export interface PublicPayment extends Schema.Schema.Type<typeof PublicPayment> {}

/**
 * @since 0.1.0
 * @category models
 */
export interface PublicPaymentEncoded extends Schema.Schema.Encoded<typeof PublicPayment> {}

/**
 * The refund operation `POST /payments/{paymentId}/refund` returns. Its state is in `state`; responses that send
 * `status` decode too.
 *
 * @since 0.1.0
 * @category models
 */
export const RefundOperation = Codec.withAlias(
  Schema.Struct({
    id: RefundOperationId,
    paymentId: Codec.optional(PaymentId),
    amount: Codec.optional(Cents),
    creationDate: Codec.optional(IsoDateTime),
    state: Codec.optional(OperationState),
    cancelOrder: Codec.optional(Schema.Boolean),
    sendRefundMail: Codec.optional(Schema.Boolean)
  }).annotations({ identifier: "RefundOperation" }),
  "state",
  "status"
)

/**
 * @since 0.1.0
 * @category models
 */
export interface RefundOperation extends Schema.Schema.Type<typeof RefundOperation> {}

/**
 * @since 0.1.0
 * @category models
 */
export interface RefundOperationEncoded extends Schema.Schema.Encoded<typeof RefundOperation> {}

/**
 * A page of `Payment`, as the form and organization list endpoints return it.
 *
 * @since 0.1.0
 * @category models
 */
export const PaymentPage: PageSchema<typeof Payment> = Page(Payment).annotations({ identifier: "Page<Payment>" })

/**
 * A page of `PublicPayment`, as the search endpoint returns it.
 *
 * @since 0.1.0
 * @category models
 */
export const PublicPaymentPage: PageSchema<typeof PublicPayment> = Page(PublicPayment).annotations({
  identifier: "Page<PublicPayment>"
})

// -----------------------------------------------------------------------------
// encoding
// -----------------------------------------------------------------------------

/**
 * An encoder to the API's JSON shape, built once per schema: for a value of the schema's type, it returns what
 * `Schema.encodeSync(schema)` returns. The models of this module, and structs built from their fields, get a fast
 * encoder that writes the fields in a straight walk, several times quicker than Schema's interpreter on a page of
 * payments; any other schema is encoded by `Schema.encodeSync`. The fast encoder trusts its input to be of the
 * schema's type (decoded by it, or built with `make`): it checks nothing.
 *
 * @example
 * import * as Payment from "@helloasso-effect/core/Payment"
 *
 * const toWire = Payment.encoder(Payment.Payment)
 * // one JSON line per payment, in the API's wire format
 * export const jsonLine = (payment: Payment.Payment): string => JSON.stringify(toWire(payment))
 *
 * @since 0.3.0
 * @category encoding
 */
export const encoder = <A, I>(schema: Schema.Schema<A, I, never>): (value: A) => I =>
  Codec.encoderFor(schema) ?? Schema.encodeSync(schema)
