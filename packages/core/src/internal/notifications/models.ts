/**
 * The models of HelloAsso's notifications, as codec fields (see `../codec.ts`): every member of the union has its
 * Schema and a fast decoder. The payment models are reused from `Payment`; the order and form models follow the
 * 2026 spec's `Statistics.OrderDetail` and `Forms.FormPublicModel` with the same drift rules, looser still: only
 * ids are required.
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Payment from "../../Payment.js"
import * as Codec from "../codec.js"
import { Int32 } from "../int32.js"
import { IsoDateTime } from "../isoDateTime.js"
import * as openEnum from "../openEnum.js"

/** A codec of a schema without a fast decoder of its own: its Schema decodes, `FAIL` on any failure. */
const viaSchema = <A, I>(schema: Schema.Schema<A, I>): Codec.Codec<Schema.Schema<A, I>> => {
  const decode = Schema.decodeUnknownEither(schema)
  return Codec.make(schema, (input) => Either.getOrElse(decode(input), (): A | Codec.FAIL => Codec.FAIL))
}

/** A codec of a model `Payment` defines: the fast decoders it registered. */
const registered = <A, I>(schema: Schema.Schema<A, I>): Codec.Codec<Schema.Schema<A, I>> => {
  const fast = Codec.fastDecoder(schema)
  const interpreted = Codec.fastDecoder(schema, { interpreted: true })
  if (fast === undefined || interpreted === undefined) return viaSchema(schema)
  return Codec.make(schema, (input) => fast(input), (input) => interpreted(input))
}

const literal = <const L extends string>(value: L): Codec.Codec<Schema.Schema<L>> =>
  Codec.make(Schema.Literal(value), (input) => input === value ? value : Codec.FAIL)

const unknown: Codec.Codec<Schema.Schema<unknown>> = Codec.make(Schema.Unknown, (input) => input)

const date = Codec.date(IsoDateTime)
const cents = Codec.int32(Payment.Cents)
const int32 = Codec.int32(Int32)
const meta = registered(Payment.Meta)

/** @internal */
export const PriceCategory = openEnum.make("PriceCategory", ["Fixed", "Pwyw", "Free"])

/** @internal */
export const FieldType = openEnum.make("FieldType", [
  "Date",
  "TextInput",
  "FreeText",
  "ChoiceList",
  "File",
  "YesNo",
  "Phone",
  "Zipcode",
  "Number"
])

/** @internal */
export const FormState = openEnum.make("FormState", ["Public", "Private", "Draft", "Deleted", "Disabled"])

// -----------------------------------------------------------------------------
// order
// -----------------------------------------------------------------------------

/** @internal */
export const OrderAmountFields = {
  total: Codec.optional(cents),
  vat: Codec.optional(cents),
  discount: Codec.optional(cents)
}

const OrderAmountCodec = Codec.struct("OrderAmount", OrderAmountFields)

/** @internal */
export const OrderAmount = OrderAmountCodec.schema

/** @internal */
export const ItemUserFields = {
  firstName: Codec.optional(Codec.string),
  lastName: Codec.optional(Codec.string)
}

const ItemUserCodec = Codec.struct("ItemUser", ItemUserFields)

/** @internal */
export const ItemUser = ItemUserCodec.schema

/** @internal */
export const ItemDiscountFields = {
  code: Codec.optional(Codec.string),
  amount: Codec.optional(cents)
}

const ItemDiscountCodec = Codec.struct("ItemDiscount", ItemDiscountFields)

/** @internal */
export const ItemDiscount = ItemDiscountCodec.schema

/** @internal */
export const ItemCustomFieldFields = {
  id: Codec.optional(int32),
  name: Codec.optional(Codec.string),
  type: Codec.optional(Codec.openEnum(FieldType)),
  answer: Codec.optional(Codec.string)
}

const ItemCustomFieldCodec = Codec.struct("ItemCustomField", ItemCustomFieldFields)

/** @internal */
export const ItemCustomField = ItemCustomFieldCodec.schema

/** @internal */
export const ItemOptionFields = {
  optionId: Codec.optional(int32),
  name: Codec.optional(Codec.string),
  amount: Codec.optional(cents),
  priceCategory: Codec.optional(Codec.openEnum(PriceCategory)),
  isRequired: Codec.optional(Codec.boolean),
  customFields: Codec.list(ItemCustomFieldCodec)
}

const ItemOptionCodec = Codec.struct("ItemOption", ItemOptionFields)

/** @internal */
export const ItemOption = ItemOptionCodec.schema

/** @internal */
export const SharePaymentFields = {
  id: Codec.required(Codec.int32(Payment.PaymentId)),
  shareAmount: Codec.optional(cents)
}

const SharePaymentCodec = Codec.struct("SharePayment", SharePaymentFields)

/** @internal */
export const SharePayment = SharePaymentCodec.schema

/** @internal */
export const OrderItemFields = {
  id: Codec.required(Codec.int32(Payment.ItemId)),
  amount: Codec.optional(cents),
  initialAmount: Codec.optional(cents),
  minAmount: Codec.optional(cents),
  type: Codec.optional(Codec.openEnum(Payment.TierType)),
  state: Codec.optional(Codec.openEnum(Payment.ItemState)),
  name: Codec.optional(Codec.string),
  priceCategory: Codec.optional(Codec.openEnum(PriceCategory)),
  tierId: Codec.optional(int32),
  tierDescription: Codec.optional(Codec.string),
  comment: Codec.optional(Codec.string),
  ticketUrl: Codec.optional(Codec.string),
  qrCode: Codec.optional(Codec.string),
  membershipCardUrl: Codec.optional(Codec.string),
  dayOfLevy: Codec.optional(int32),
  user: Codec.optional(ItemUserCodec),
  discount: Codec.optional(ItemDiscountCodec),
  customFields: Codec.list(ItemCustomFieldCodec),
  options: Codec.list(ItemOptionCodec),
  payments: Codec.list(SharePaymentCodec)
}

const OrderItemCodec = Codec.struct("OrderItem", OrderItemFields)

/** @internal */
export const OrderItem = OrderItemCodec.schema

/** @internal */
export const ShareItemFields = {
  id: Codec.required(Codec.int32(Payment.ItemId)),
  shareAmount: Codec.optional(cents),
  shareItemAmount: Codec.optional(cents),
  shareOptionsAmount: Codec.optional(cents)
}

const ShareItemCodec = Codec.struct("ShareItem", ShareItemFields)

/** @internal */
export const ShareItem = ShareItemCodec.schema

/** @internal */
export const OrderPaymentFields = {
  id: Codec.required(Codec.int32(Payment.PaymentId)),
  amount: Codec.optional(cents),
  amountTip: Codec.optional(cents),
  date: Codec.optional(date),
  state: Codec.optional(Codec.openEnum(Payment.PaymentState)),
  type: Codec.optional(Codec.openEnum(Payment.PaymentType)),
  paymentMeans: Codec.optional(Codec.openEnum(Payment.PaymentMeans)),
  paymentOffLineMean: Codec.optional(Codec.openEnum(Payment.PaymentMeans)),
  installmentNumber: Codec.optional(int32),
  cashOutState: Codec.optional(Codec.openEnum(Payment.PaymentCashOutState)),
  cashOutDate: Codec.optional(date),
  idCashOut: Codec.optional(Codec.int32(Payment.CashOutId)),
  paymentReceiptUrl: Codec.optional(Codec.string),
  fiscalReceiptUrl: Codec.optional(Codec.string),
  meta: Codec.optional(meta),
  items: Codec.list(ShareItemCodec),
  refundOperations: Codec.list(registered(Payment.RefundOperationLight))
}

const OrderPaymentCodec = Codec.struct("OrderPayment", OrderPaymentFields)

/** @internal */
export const OrderPayment = OrderPaymentCodec.schema

/** @internal */
export const OrderFields = {
  id: Codec.required(Codec.int32(Payment.OrderId)),
  date: Codec.optional(date),
  formSlug: Codec.optional(Codec.string),
  formType: Codec.optional(Codec.openEnum(Payment.FormType)),
  organizationName: Codec.optional(Codec.string),
  organizationSlug: Codec.optional(Codec.string),
  organizationType: Codec.optional(Codec.openEnum(Payment.OrganizationType)),
  organizationIsUnderColucheLaw: Codec.optional(Codec.boolean),
  checkoutIntentId: Codec.optional(Codec.int32(Payment.CheckoutIntentId)),
  meta: Codec.optional(meta),
  payer: Codec.optional(registered(Payment.Payer)),
  amount: Codec.optional(OrderAmountCodec),
  items: Codec.list(OrderItemCodec),
  payments: Codec.list(OrderPaymentCodec)
}

const OrderCodec = Codec.struct("Order", OrderFields)

/** @internal */
export const Order = OrderCodec.schema

// -----------------------------------------------------------------------------
// form
// -----------------------------------------------------------------------------

/** @internal */
export const FormFields = {
  formSlug: Codec.optional(Codec.string),
  formType: Codec.optional(Codec.openEnum(Payment.FormType)),
  title: Codec.optional(Codec.string),
  privateTitle: Codec.optional(Codec.string),
  description: Codec.optional(Codec.string),
  state: Codec.optional(Codec.openEnum(FormState)),
  url: Codec.optional(Codec.string),
  organizationSlug: Codec.optional(Codec.string),
  organizationName: Codec.optional(Codec.string),
  currency: Codec.optional(Codec.string),
  startDate: Codec.optional(date),
  endDate: Codec.optional(date),
  saleStartDate: Codec.optional(date),
  saleEndDate: Codec.optional(date),
  meta: Codec.optional(meta)
}

const FormCodec = Codec.struct("Form", FormFields)

/** @internal */
export const Form = FormCodec.schema

// -----------------------------------------------------------------------------
// organization
// -----------------------------------------------------------------------------

/** @internal */
export const OrganizationChange = Schema.Struct({
  oldSlugOrganization: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("old_slug_organization")),
  newSlugOrganization: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("new_slug_organization"))
}).annotations({ identifier: "OrganizationChange" })

const OrganizationChangeCodec = Codec.make(
  OrganizationChange,
  (input): typeof OrganizationChange.Type | Codec.FAIL => {
    if (typeof input !== "object" || input === null || Array.isArray(input)) return Codec.FAIL
    const record = input as Record<string, unknown>
    const oldSlug = record["old_slug_organization"]
    const newSlug = record["new_slug_organization"]
    if (typeof oldSlug !== "string" || typeof newSlug !== "string") return Codec.FAIL
    return { oldSlugOrganization: oldSlug, newSlugOrganization: newSlug }
  }
)

// -----------------------------------------------------------------------------
// notifications
// -----------------------------------------------------------------------------

/** The event types this version knows; any other decodes as an `UnknownNotification`. @internal */
export const knownEventTypes = ["Payment", "Order", "Form", "Organization"] as const

/** @internal */
export type KnownEventType = (typeof knownEventTypes)[number]

const known: ReadonlySet<string> = new Set(knownEventTypes)

/** @internal */
export const isKnownEventType = (eventType: string): eventType is KnownEventType => known.has(eventType)

const metadata = Codec.optional(unknown)

/** @internal */
export const PaymentNotificationFields = {
  eventType: Codec.required(literal("Payment")),
  data: Codec.required(registered(Payment.PaymentDetail)),
  metadata
}

/** @internal */
export const PaymentNotificationCodec = Codec.struct("PaymentNotification", PaymentNotificationFields)

/** @internal */
export const OrderNotificationFields = {
  eventType: Codec.required(literal("Order")),
  data: Codec.required(OrderCodec),
  metadata
}

/** @internal */
export const OrderNotificationCodec = Codec.struct("OrderNotification", OrderNotificationFields)

/** @internal */
export const FormNotificationFields = {
  eventType: Codec.required(literal("Form")),
  data: Codec.required(FormCodec),
  metadata
}

/** @internal */
export const FormNotificationCodec = Codec.struct("FormNotification", FormNotificationFields)

/** @internal */
export const OrganizationNotificationFields = {
  eventType: Codec.required(literal("Organization")),
  data: Codec.required(OrganizationChangeCodec),
  metadata
}

/** @internal */
export const OrganizationNotificationCodec = Codec.struct("OrganizationNotification", OrganizationNotificationFields)

/** @internal */
export const UnknownEventType = Schema.String.pipe(
  Schema.filter((eventType) => !isKnownEventType(eventType), {
    message: () => `an event type other than ${knownEventTypes.join(", ")}`
  })
)

/** @internal */
export interface UnknownNotification {
  readonly eventType: string
  /** The whole notification as parsed from JSON. */
  readonly raw: unknown
}

/** @internal */
export interface UnknownNotificationEncoded {
  readonly eventType: string
  readonly [key: string]: unknown
}

const UnknownWire = Schema.Struct(
  { eventType: UnknownEventType },
  Schema.Record({ key: Schema.String, value: Schema.Unknown })
)

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** @internal */
export const UnknownNotification: Schema.Schema<UnknownNotification, UnknownNotificationEncoded> = Schema.transform(
  UnknownWire,
  Schema.Struct({ eventType: UnknownEventType, raw: Schema.Unknown }),
  {
    strict: true,
    decode: (wire) => ({ eventType: wire.eventType, raw: wire }),
    encode: (notification) => ({
      ...(isRecord(notification.raw) ? notification.raw : {}),
      eventType: notification.eventType
    })
  }
).annotations({ identifier: "UnknownNotification" })

/** The codec of each known event type. @internal */
export const codecs = {
  Payment: PaymentNotificationCodec,
  Order: OrderNotificationCodec,
  Form: FormNotificationCodec,
  Organization: OrganizationNotificationCodec
} as const

/** @internal */
export type PaymentNotification = Schema.Struct.Type<Codec.SchemaFields<typeof PaymentNotificationFields>>

/** @internal */
export type OrderNotification = Schema.Struct.Type<Codec.SchemaFields<typeof OrderNotificationFields>>

/** @internal */
export type FormNotification = Schema.Struct.Type<Codec.SchemaFields<typeof FormNotificationFields>>

/** @internal */
export type OrganizationNotification = Schema.Struct.Type<Codec.SchemaFields<typeof OrganizationNotificationFields>>

/** @internal */
export type Notification =
  | PaymentNotification
  | OrderNotification
  | FormNotification
  | OrganizationNotification
  | UnknownNotification
