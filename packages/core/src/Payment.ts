/**
 * Schema codecs for every model of the HelloAsso payments endpoints.
 *
 * Representation rules, the same on every model:
 * - identity, money and time fields (`id`, `amount`, `date`, `state`, ...) are required;
 * - every other field, including every field the specs mark nullable, is an `Option`: absent and `null` both
 *   decode to `Option.none()`, and `none` encodes to an absent key;
 * - lists (`items`, `refundOperations`, a page's `data`) decode `null` or absent to an empty array;
 * - amounts are integer cents (`Cents`), ids are branded integers (`PaymentId`, `OrderId`, ...);
 * - dates are `DateTime.Zoned` values that keep the offset HelloAsso sent (milliseconds precision);
 * - enums are open: a value the specs do not list decodes as a plain string instead of failing the page;
 * - unknown fields are ignored.
 *
 * @since 0.1.0
 */
import type * as DateTime from "effect/DateTime"
import * as Schema from "effect/Schema"
import * as Codec from "./internal/codec.js"
import { Int32 } from "./internal/int32.js"
import { IsoDateTime } from "./internal/isoDateTime.js"
import * as openEnum from "./internal/openEnum.js"
import { optionalList } from "./internal/schemaHelpers.js"

// -----------------------------------------------------------------------------
// scalars
// -----------------------------------------------------------------------------

/**
 * An amount in integer cents, as HelloAsso sends and takes every amount (the refund `amount` included).
 *
 * @since 0.1.0
 * @category scalars
 */
export const Cents = Int32.pipe(Schema.brand("Cents"))

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
export const PaymentId = Int32.pipe(Schema.brand("PaymentId"))

/**
 * @since 0.1.0
 * @category ids
 */
export type PaymentId = typeof PaymentId.Type

/**
 * @since 0.1.0
 * @category ids
 */
export const OrderId = Int32.pipe(Schema.brand("OrderId"))

/**
 * @since 0.1.0
 * @category ids
 */
export type OrderId = typeof OrderId.Type

/**
 * @since 0.1.0
 * @category ids
 */
export const ItemId = Int32.pipe(Schema.brand("ItemId"))

/**
 * @since 0.1.0
 * @category ids
 */
export type ItemId = typeof ItemId.Type

/**
 * @since 0.1.0
 * @category ids
 */
export const RefundOperationId = Int32.pipe(Schema.brand("RefundOperationId"))

/**
 * @since 0.1.0
 * @category ids
 */
export type RefundOperationId = typeof RefundOperationId.Type

/**
 * @since 0.1.0
 * @category ids
 */
export const OrganizationId = Int32.pipe(Schema.brand("OrganizationId"))

/**
 * @since 0.1.0
 * @category ids
 */
export type OrganizationId = typeof OrganizationId.Type

/**
 * @since 0.1.0
 * @category ids
 */
export const FormId = Int32.pipe(Schema.brand("FormId"))

/**
 * @since 0.1.0
 * @category ids
 */
export type FormId = typeof FormId.Type

/**
 * @since 0.1.0
 * @category ids
 */
export const UserId = Int32.pipe(Schema.brand("UserId"))

/**
 * @since 0.1.0
 * @category ids
 */
export type UserId = typeof UserId.Type

/**
 * @since 0.1.0
 * @category ids
 */
export const CashOutId = Int32.pipe(Schema.brand("CashOutId"))

/**
 * @since 0.1.0
 * @category ids
 */
export type CashOutId = typeof CashOutId.Type

/**
 * @since 0.1.0
 * @category ids
 */
export const CheckoutIntentId = Int32.pipe(Schema.brand("CheckoutIntentId"))

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

// Each model is defined once, as codec fields: they give its Schema and the fast decoder the client uses.
const date = Codec.date(IsoDateTime)
const cents = Codec.int32(Cents)
const int32 = Codec.int32(Int32)

const MetaFields = {
  createdAt: Codec.required(date),
  updatedAt: Codec.required(date),
  /** 2026 spec */
  authorEmail: Codec.optional(Codec.string),
  /** 2026 spec */
  expiresAt: Codec.optional(date)
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Meta extends Schema.Struct.Type<Codec.SchemaFields<typeof MetaFields>> {}

/**
 * @since 0.1.0
 * @category models
 */
export interface MetaEncoded extends Schema.Struct.Encoded<Codec.SchemaFields<typeof MetaFields>> {}

const MetaCodec = Codec.struct("Meta", MetaFields)

/**
 * Creation and update dates of a resource.
 *
 * @since 0.1.0
 * @category models
 */
export const Meta: Schema.Schema<Meta, MetaEncoded> = MetaCodec.schema

const PaginationFields = {
  pageSize: Codec.required(int32),
  /** -1 when the count was not computed. */
  totalCount: Codec.required(int32),
  pageIndex: Codec.required(int32),
  /** -1 when the count was not computed. */
  totalPages: Codec.required(int32),
  continuationToken: Codec.optional(Codec.string)
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Pagination extends Schema.Struct.Type<Codec.SchemaFields<typeof PaginationFields>> {}

/**
 * @since 0.1.0
 * @category models
 */
export interface PaginationEncoded extends Schema.Struct.Encoded<Codec.SchemaFields<typeof PaginationFields>> {}

const PaginationCodec = Codec.struct("Pagination", PaginationFields)

/**
 * The pagination block of a page. `totalCount` and `totalPages` are often -1 (not computed); the continuation
 * token is still present on the last page, which is followed by an empty one.
 *
 * @since 0.1.0
 * @category models
 */
export const Pagination: Schema.Schema<Pagination, PaginationEncoded> = PaginationCodec.schema

/**
 * @since 0.1.0
 * @category models
 */
export interface Page<A> {
  readonly data: ReadonlyArray<A>
  readonly pagination: Pagination
}

/**
 * @since 0.1.0
 * @category models
 */
export interface PageEncoded<I> {
  readonly data?: ReadonlyArray<I> | null | undefined
  readonly pagination: PaginationEncoded
}

const pageFields = <A, I>(item: Codec.Codec<Schema.Schema<A, I>>) => ({
  data: Codec.list(item),
  pagination: Codec.required(PaginationCodec)
})

/**
 * A page of results. `data: null` decodes to an empty page.
 *
 * @since 0.1.0
 * @category models
 */
export const Page = <A, I, R>(item: Schema.Schema<A, I, R>): Schema.Schema<Page<A>, PageEncoded<I>, R> =>
  Schema.Struct({
    data: optionalList(item),
    pagination: Pagination
  })

const PayerFields = {
  email: Codec.optional(Codec.string),
  address: Codec.optional(Codec.string),
  city: Codec.optional(Codec.string),
  zipCode: Codec.optional(Codec.string),
  country: Codec.optional(Codec.string),
  company: Codec.optional(Codec.string),
  dateOfBirth: Codec.optional(date),
  firstName: Codec.optional(Codec.string),
  lastName: Codec.optional(Codec.string)
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Payer extends Schema.Struct.Type<Codec.SchemaFields<typeof PayerFields>> {}

/**
 * @since 0.1.0
 * @category models
 */
export interface PayerEncoded extends Schema.Struct.Encoded<Codec.SchemaFields<typeof PayerFields>> {}

const PayerCodec = Codec.struct("Payer", PayerFields)

/**
 * The person who paid, as they typed it on the form.
 *
 * @since 0.1.0
 * @category models
 */
export const Payer: Schema.Schema<Payer, PayerEncoded> = PayerCodec.schema

const PaymentItemFields = {
  id: Codec.required(Codec.int32(ItemId)),
  amount: Codec.required(cents),
  shareAmount: Codec.required(cents),
  shareItemAmount: Codec.required(cents),
  shareOptionsAmount: Codec.optional(cents),
  initialAmount: Codec.optional(cents),
  type: Codec.optional(Codec.openEnum(TierType)),
  state: Codec.optional(Codec.openEnum(ItemState)),
  name: Codec.optional(Codec.string)
}

/**
 * @since 0.1.0
 * @category models
 */
export interface PaymentItem extends Schema.Struct.Type<Codec.SchemaFields<typeof PaymentItemFields>> {}

/**
 * @since 0.1.0
 * @category models
 */
export interface PaymentItemEncoded extends Schema.Struct.Encoded<Codec.SchemaFields<typeof PaymentItemFields>> {}

const PaymentItemCodec = Codec.struct("PaymentItem", PaymentItemFields)

/**
 * An item a payment pays for, with the share of the payment assigned to it (all in cents).
 *
 * @since 0.1.0
 * @category models
 */
export const PaymentItem: Schema.Schema<PaymentItem, PaymentItemEncoded> = PaymentItemCodec.schema

const OrderLightFields = {
  id: Codec.required(Codec.int32(OrderId)),
  date: Codec.required(date),
  formSlug: Codec.optional(Codec.string),
  formType: Codec.optional(Codec.openEnum(FormType)),
  organizationName: Codec.optional(Codec.string),
  organizationSlug: Codec.optional(Codec.string),
  organizationType: Codec.optional(Codec.openEnum(OrganizationType)),
  organizationIsUnderColucheLaw: Codec.optional(Codec.boolean),
  checkoutIntentId: Codec.optional(Codec.int32(CheckoutIntentId)),
  meta: Codec.optional(MetaCodec)
}

/**
 * @since 0.1.0
 * @category models
 */
export interface OrderLight extends Schema.Struct.Type<Codec.SchemaFields<typeof OrderLightFields>> {}

/**
 * @since 0.1.0
 * @category models
 */
export interface OrderLightEncoded extends Schema.Struct.Encoded<Codec.SchemaFields<typeof OrderLightFields>> {}

const OrderLightCodec = Codec.struct("OrderLight", OrderLightFields)

/**
 * The order a payment belongs to, with its form and organization.
 *
 * @since 0.1.0
 * @category models
 */
export const OrderLight: Schema.Schema<OrderLight, OrderLightEncoded> = OrderLightCodec.schema

const RefundOperationLightFields = {
  id: Codec.required(Codec.int32(RefundOperationId)),
  amount: Codec.required(cents),
  amountTip: Codec.optional(cents),
  state: Codec.required(Codec.openEnum(OperationState)),
  meta: Codec.optional(MetaCodec)
}

/**
 * @since 0.1.0
 * @category models
 */
export interface RefundOperationLight
  extends Schema.Struct.Type<Codec.SchemaFields<typeof RefundOperationLightFields>>
{}

/**
 * @since 0.1.0
 * @category models
 */
export interface RefundOperationLightEncoded
  extends Schema.Struct.Encoded<Codec.SchemaFields<typeof RefundOperationLightFields>>
{}

// The spec says `status`, real responses send `state`: both are read, into `state` like every other model.
const RefundOperationLightCodec = Codec.struct("RefundOperationLight", RefundOperationLightFields, {
  alias: ["state", "status"]
})

/**
 * A refund operation as listed on a payment. Its state is in `state`, as on every model; the spec's `status`
 * (which the spec has here) and the `state` real responses send both decode to it.
 *
 * @since 0.1.0
 * @category models
 */
export const RefundOperationLight: Schema.Schema<RefundOperationLight, RefundOperationLightEncoded> =
  RefundOperationLightCodec.schema

const PaymentFields = {
  id: Codec.required(Codec.int32(PaymentId)),
  amount: Codec.required(cents),
  amountTip: Codec.optional(cents),
  date: Codec.required(date),
  state: Codec.required(Codec.openEnum(PaymentState)),
  type: Codec.optional(Codec.openEnum(PaymentType)),
  paymentMeans: Codec.optional(Codec.openEnum(PaymentMeans)),
  paymentOffLineMean: Codec.optional(Codec.openEnum(PaymentMeans)),
  installmentNumber: Codec.optional(int32),
  cashOutState: Codec.optional(Codec.openEnum(PaymentCashOutState)),
  cashOutDate: Codec.optional(date),
  /** 2026 spec */
  idCashOut: Codec.optional(Codec.int32(CashOutId)),
  paymentReceiptUrl: Codec.optional(Codec.string),
  fiscalReceiptUrl: Codec.optional(Codec.string),
  order: Codec.optional(OrderLightCodec),
  payer: Codec.optional(PayerCodec),
  items: Codec.list(PaymentItemCodec),
  meta: Codec.optional(MetaCodec),
  refundOperations: Codec.list(RefundOperationLightCodec)
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Payment extends Schema.Struct.Type<Codec.SchemaFields<typeof PaymentFields>> {}

/**
 * @since 0.1.0
 * @category models
 */
export interface PaymentEncoded extends Schema.Struct.Encoded<Codec.SchemaFields<typeof PaymentFields>> {}

const PaymentCodec = Codec.struct("Payment", PaymentFields)

/**
 * A payment as the list endpoints return it (`Statistics.Payment`).
 *
 * @since 0.1.0
 * @category models
 */
export const Payment: Schema.Schema<Payment, PaymentEncoded> = PaymentCodec.schema

/**
 * @since 0.1.0
 * @category models
 */
export interface PaymentDetail extends Schema.Struct.Type<Codec.SchemaFields<typeof PaymentFields>> {}

/**
 * @since 0.1.0
 * @category models
 */
export interface PaymentDetailEncoded extends Schema.Struct.Encoded<Codec.SchemaFields<typeof PaymentFields>> {}

/**
 * A payment as `GET /payments/{paymentId}` returns it (`Statistics.PaymentDetail`), with its refund operations.
 *
 * @since 0.1.0
 * @category models
 */
export const PaymentDetail: Schema.Schema<PaymentDetail, PaymentDetailEncoded> =
  Codec.struct("PaymentDetail", PaymentFields).schema

const PublicPaymentFields = {
  id: Codec.required(Codec.int32(PaymentId)),
  organizationId: Codec.required(Codec.int32(OrganizationId)),
  orderId: Codec.required(Codec.int32(OrderId)),
  amount: Codec.required(cents),
  date: Codec.required(date),
  orderDate: Codec.required(date),
  state: Codec.required(Codec.openEnum(PaymentState)),
  formId: Codec.optional(Codec.int32(FormId)),
  formType: Codec.optional(Codec.openEnum(FormType)),
  meansPayment: Codec.optional(Codec.openEnum(PaymentMeans)),
  cashOutState: Codec.optional(Codec.openEnum(PaymentCashOutState)),
  authorizationDate: Codec.optional(date),
  fiscalReceiptGenerated: Codec.optional(Codec.boolean),
  payerFirstName: Codec.optional(Codec.string),
  payerLastName: Codec.optional(Codec.string),
  userId: Codec.optional(Codec.int32(UserId)),
  userFirstName: Codec.optional(Codec.string),
  userLastName: Codec.optional(Codec.string),
  userEmail: Codec.optional(Codec.string),
  providerTitle: Codec.optional(Codec.string),
  installmentNumber: Codec.optional(int32),
  meta: Codec.optional(MetaCodec),
  refundOperations: Codec.list(RefundOperationLightCodec)
}

/**
 * @since 0.1.0
 * @category models
 */
export interface PublicPayment extends Schema.Struct.Type<Codec.SchemaFields<typeof PublicPaymentFields>> {}

/**
 * @since 0.1.0
 * @category models
 */
export interface PublicPaymentEncoded extends Schema.Struct.Encoded<Codec.SchemaFields<typeof PublicPaymentFields>> {}

const PublicPaymentCodec = Codec.struct("PublicPayment", PublicPaymentFields, { alias: ["state", "status"] })

/**
 * A payment as the search endpoint returns it (`PublicPaymentModel`, 2024 spec). The spec names its state
 * `status`: it is read into `state`, as on every model (a body that sends `state` decodes too).
 *
 * @since 0.1.0
 * @category models
 */
export const PublicPayment: Schema.Schema<PublicPayment, PublicPaymentEncoded> = PublicPaymentCodec.schema

const RefundOperationFields = {
  id: Codec.required(Codec.int32(RefundOperationId)),
  paymentId: Codec.required(Codec.int32(PaymentId)),
  amount: Codec.required(cents),
  creationDate: Codec.required(date),
  state: Codec.required(Codec.openEnum(OperationState)),
  cancelOrder: Codec.optional(Codec.boolean),
  sendRefundMail: Codec.optional(Codec.boolean)
}

/**
 * @since 0.1.0
 * @category models
 */
export interface RefundOperation extends Schema.Struct.Type<Codec.SchemaFields<typeof RefundOperationFields>> {}

/**
 * @since 0.1.0
 * @category models
 */
export interface RefundOperationEncoded
  extends Schema.Struct.Encoded<Codec.SchemaFields<typeof RefundOperationFields>>
{}

/**
 * The refund operation `POST /payments/{paymentId}/refund` returns. Its state is in `state`; responses that send
 * `status` decode too.
 *
 * @since 0.1.0
 * @category models
 */
export const RefundOperation: Schema.Schema<RefundOperation, RefundOperationEncoded> =
  Codec.struct("RefundOperation", RefundOperationFields, { alias: ["state", "status"] }).schema

/**
 * A page of `Payment`, as the form and organization list endpoints return it.
 *
 * @since 0.1.0
 * @category models
 */
export const PaymentPage: Schema.Schema<Page<Payment>, PageEncoded<PaymentEncoded>> =
  Codec.struct("Page<Payment>", pageFields(PaymentCodec)).schema

/**
 * A page of `PublicPayment`, as the search endpoint returns it.
 *
 * @since 0.1.0
 * @category models
 */
export const PublicPaymentPage: Schema.Schema<Page<PublicPayment>, PageEncoded<PublicPaymentEncoded>> =
  Codec.struct("Page<PublicPayment>", pageFields(PublicPaymentCodec)).schema
