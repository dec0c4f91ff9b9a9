/**
 * What the simulator knows of a payment: enough to answer every filter of the API and to render the payment
 * in each of its wire shapes (`Payment`, `PaymentDetail`, `PublicPayment`, a CSV row).
 */

/** @internal */
export interface Organization {
  readonly id: number
  readonly slug: string
  readonly name: string
  readonly type: string
  readonly isUnderColucheLaw: boolean
}

/** @internal */
export interface Tier {
  readonly name: string
  readonly type: string
  /** In cents; 0 for pay-what-you-want tiers. */
  readonly price: number
}

/** @internal */
export interface Form {
  readonly id: number
  readonly formType: string
  readonly formSlug: string
  readonly title: string
  readonly tiers: ReadonlyArray<Tier>
  readonly installments: boolean
}

/** @internal */
export interface Person {
  readonly firstName: string | null
  readonly lastName: string | null
  readonly email: string | null
}

/** @internal */
export interface Payer extends Person {
  readonly address: string | null
  readonly city: string | null
  readonly zipCode: string | null
  readonly country: string | null
  readonly company: string | null
  readonly dateOfBirthTicks: number | null
}

/** @internal */
export interface User extends Person {
  readonly id: number | null
}

/** @internal */
export interface Item {
  readonly id: number
  readonly amount: number
  readonly shareAmount: number
  readonly shareItemAmount: number
  readonly shareOptionsAmount: number | null
  readonly initialAmount: number | null
  readonly type: string | null
  readonly state: string | null
  readonly name: string | null
}

/** @internal */
export interface RefundRecord {
  readonly id: number
  readonly amount: number
  readonly amountTip: number
  /** OperationState */
  readonly state: string
  readonly ticks: number
}

/** @internal */
export interface PaymentRecord {
  readonly id: number
  readonly ticks: number
  readonly orderId: number
  readonly orderTicks: number
  readonly updateTicks: number
  readonly amount: number
  readonly amountTip: number | null
  /** PaymentState */
  readonly state: string
  readonly type: string | null
  readonly paymentMeans: string | null
  readonly offlineMean: string | null
  readonly installmentNumber: number | null
  readonly cashOutState: string | null
  readonly cashOutTicks: number | null
  readonly idCashOut: number | null
  readonly checkoutIntentId: number | null
  readonly form: Form
  readonly payer: Payer
  readonly user: User
  readonly items: ReadonlyArray<Item>
  readonly refunds: ReadonlyArray<RefundRecord>
  readonly paymentReceiptUrl: string | null
  readonly fiscalReceiptUrl: string | null
}

/**
 * The payments of one organization, sorted by date ascending (index 0 is the oldest).
 *
 * @internal
 */
export interface Dataset {
  readonly organization: Organization
  readonly forms: ReadonlyArray<Form>
  readonly size: number
  /** The payment at an index, computed on demand. */
  readonly at: (index: number) => PaymentRecord
  /** The date of the payment at an index, in ticks: cheap, for binary searches. */
  readonly ticksAt: (index: number) => number
  /** The index of a payment id, if the dataset has it. */
  readonly indexOfId: (id: number) => number | undefined
  /**
   * The indexes `[start, end)` among which the payments of a cash-out are (others may be there too): undefined
   * for a cash-out the dataset does not have.
   */
  readonly cashOutSpan: (idCashOut: number) => readonly [start: number, end: number] | undefined
}

/** Folds case and accents so that a search for `helene` finds `Hélène`. @internal */
export const fold = (text: string): string =>
  text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/œ/g, "oe").replace(/æ/g, "ae").toLowerCase()
