/**
 * The models of HelloAsso's notifications, as structs of the fields `../codec.ts` knows: every member of the union
 * has a fast decoder. The payment models are reused from `Payment`; the order and form models follow the
 * 2026 spec's `Statistics.OrderDetail` and `Forms.FormPublicModel` with the same drift rules, looser still: only
 * ids are required.
 */
import * as Schema from "effect/Schema"
import * as Payment from "../../Payment.js"
import * as Codec from "../codec.js"
import { Int32 } from "../int32.js"
import { IsoDateTime } from "../isoDateTime.js"
import * as openEnum from "../openEnum.js"

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
  total: Codec.optional(Payment.Cents),
  vat: Codec.optional(Payment.Cents),
  discount: Codec.optional(Payment.Cents)
}

/** @internal */
export const OrderAmount = Schema.Struct(OrderAmountFields).annotations({ identifier: "OrderAmount" })

/** @internal */
export const ItemUserFields = {
  firstName: Codec.optional(Schema.String),
  lastName: Codec.optional(Schema.String)
}

/** @internal */
export const ItemUser = Schema.Struct(ItemUserFields).annotations({ identifier: "ItemUser" })

/** @internal */
export const ItemDiscountFields = {
  code: Codec.optional(Schema.String),
  amount: Codec.optional(Payment.Cents)
}

/** @internal */
export const ItemDiscount = Schema.Struct(ItemDiscountFields).annotations({ identifier: "ItemDiscount" })

/** @internal */
export const ItemCustomFieldFields = {
  id: Codec.optional(Int32),
  name: Codec.optional(Schema.String),
  type: Codec.optional(FieldType),
  answer: Codec.optional(Schema.String)
}

/** @internal */
export const ItemCustomField = Schema.Struct(ItemCustomFieldFields).annotations({ identifier: "ItemCustomField" })

/** @internal */
export const ItemOptionFields = {
  optionId: Codec.optional(Int32),
  name: Codec.optional(Schema.String),
  amount: Codec.optional(Payment.Cents),
  priceCategory: Codec.optional(PriceCategory),
  isRequired: Codec.optional(Schema.Boolean),
  customFields: Codec.list(ItemCustomField)
}

/** @internal */
export const ItemOption = Schema.Struct(ItemOptionFields).annotations({ identifier: "ItemOption" })

/** @internal */
export const SharePaymentFields = {
  id: Payment.PaymentId,
  shareAmount: Codec.optional(Payment.Cents)
}

/** @internal */
export const SharePayment = Schema.Struct(SharePaymentFields).annotations({ identifier: "SharePayment" })

/** @internal */
export const OrderItemFields = {
  id: Payment.ItemId,
  amount: Codec.optional(Payment.Cents),
  initialAmount: Codec.optional(Payment.Cents),
  minAmount: Codec.optional(Payment.Cents),
  type: Codec.optional(Payment.TierType),
  state: Codec.optional(Payment.ItemState),
  name: Codec.optional(Schema.String),
  priceCategory: Codec.optional(PriceCategory),
  tierId: Codec.optional(Int32),
  tierDescription: Codec.optional(Schema.String),
  comment: Codec.optional(Schema.String),
  ticketUrl: Codec.optional(Schema.String),
  qrCode: Codec.optional(Schema.String),
  membershipCardUrl: Codec.optional(Schema.String),
  dayOfLevy: Codec.optional(Int32),
  user: Codec.optional(ItemUser),
  discount: Codec.optional(ItemDiscount),
  customFields: Codec.list(ItemCustomField),
  options: Codec.list(ItemOption),
  payments: Codec.list(SharePayment)
}

/** @internal */
export const OrderItem = Schema.Struct(OrderItemFields).annotations({ identifier: "OrderItem" })

/** @internal */
export const ShareItemFields = {
  id: Payment.ItemId,
  shareAmount: Codec.optional(Payment.Cents),
  shareItemAmount: Codec.optional(Payment.Cents),
  shareOptionsAmount: Codec.optional(Payment.Cents)
}

/** @internal */
export const ShareItem = Schema.Struct(ShareItemFields).annotations({ identifier: "ShareItem" })

/** @internal */
export const OrderPaymentFields = {
  id: Payment.PaymentId,
  amount: Codec.optional(Payment.Cents),
  amountTip: Codec.optional(Payment.Cents),
  date: Codec.optional(IsoDateTime),
  state: Codec.optional(Payment.PaymentState),
  type: Codec.optional(Payment.PaymentType),
  paymentMeans: Codec.optional(Payment.PaymentMeans),
  paymentOffLineMean: Codec.optional(Payment.PaymentMeans),
  installmentNumber: Codec.optional(Int32),
  cashOutState: Codec.optional(Payment.PaymentCashOutState),
  cashOutDate: Codec.optional(IsoDateTime),
  idCashOut: Codec.optional(Payment.CashOutId),
  paymentReceiptUrl: Codec.optional(Schema.String),
  fiscalReceiptUrl: Codec.optional(Schema.String),
  meta: Codec.optional(Payment.Meta),
  items: Codec.list(ShareItem),
  refundOperations: Codec.list(Payment.RefundOperationLight)
}

/** @internal */
export const OrderPayment = Schema.Struct(OrderPaymentFields).annotations({ identifier: "OrderPayment" })

/** @internal */
export const OrderFields = {
  id: Payment.OrderId,
  date: Codec.optional(IsoDateTime),
  formSlug: Codec.optional(Schema.String),
  formType: Codec.optional(Payment.FormType),
  organizationName: Codec.optional(Schema.String),
  organizationSlug: Codec.optional(Schema.String),
  organizationType: Codec.optional(Payment.OrganizationType),
  organizationIsUnderColucheLaw: Codec.optional(Schema.Boolean),
  checkoutIntentId: Codec.optional(Payment.CheckoutIntentId),
  meta: Codec.optional(Payment.Meta),
  payer: Codec.optional(Payment.Payer),
  amount: Codec.optional(OrderAmount),
  items: Codec.list(OrderItem),
  payments: Codec.list(OrderPayment)
}

/** @internal */
export const Order = Schema.Struct(OrderFields).annotations({ identifier: "Order" })

// -----------------------------------------------------------------------------
// form
// -----------------------------------------------------------------------------

/** @internal */
export const FormFields = {
  formSlug: Codec.optional(Schema.String),
  formType: Codec.optional(Payment.FormType),
  title: Codec.optional(Schema.String),
  privateTitle: Codec.optional(Schema.String),
  description: Codec.optional(Schema.String),
  state: Codec.optional(FormState),
  url: Codec.optional(Schema.String),
  organizationSlug: Codec.optional(Schema.String),
  organizationName: Codec.optional(Schema.String),
  currency: Codec.optional(Schema.String),
  startDate: Codec.optional(IsoDateTime),
  endDate: Codec.optional(IsoDateTime),
  saleStartDate: Codec.optional(IsoDateTime),
  saleEndDate: Codec.optional(IsoDateTime),
  meta: Codec.optional(Payment.Meta)
}

/** @internal */
export const Form = Schema.Struct(FormFields).annotations({ identifier: "Form" })

// -----------------------------------------------------------------------------
// organization
// -----------------------------------------------------------------------------

/** @internal */
export const OrganizationChange = Codec.leaf(
  Schema.Struct({
    oldSlugOrganization: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("old_slug_organization")),
    newSlugOrganization: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("new_slug_organization"))
  }).annotations({ identifier: "OrganizationChange" }),
  (input) => {
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

const metadata = Codec.optional(Schema.Unknown)

/** @internal */
export const PaymentNotificationFields = {
  eventType: Codec.literal("Payment"),
  data: Payment.PaymentDetail,
  metadata
}

/** @internal */
export const PaymentNotification = Schema.Struct(PaymentNotificationFields).annotations({
  identifier: "PaymentNotification"
})

/** @internal */
export const OrderNotificationFields = {
  eventType: Codec.literal("Order"),
  data: Order,
  metadata
}

/** @internal */
export const OrderNotification = Schema.Struct(OrderNotificationFields).annotations({ identifier: "OrderNotification" })

/** @internal */
export const FormNotificationFields = {
  eventType: Codec.literal("Form"),
  data: Form,
  metadata
}

/** @internal */
export const FormNotification = Schema.Struct(FormNotificationFields).annotations({ identifier: "FormNotification" })

/** @internal */
export const OrganizationNotificationFields = {
  eventType: Codec.literal("Organization"),
  data: OrganizationChange,
  metadata
}

/** @internal */
export const OrganizationNotification = Schema.Struct(OrganizationNotificationFields).annotations({
  identifier: "OrganizationNotification"
})

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

/** The schema of each known event type. @internal */
export const schemas = {
  Payment: PaymentNotification,
  Order: OrderNotification,
  Form: FormNotification,
  Organization: OrganizationNotification
} as const

/** @internal */
export type PaymentNotification = Schema.Struct.Type<typeof PaymentNotificationFields>

/** @internal */
export type OrderNotification = Schema.Struct.Type<typeof OrderNotificationFields>

/** @internal */
export type FormNotification = Schema.Struct.Type<typeof FormNotificationFields>

/** @internal */
export type OrganizationNotification = Schema.Struct.Type<typeof OrganizationNotificationFields>

/** @internal */
export type Notification =
  | PaymentNotification
  | OrderNotification
  | FormNotification
  | OrganizationNotification
  | UnknownNotification
