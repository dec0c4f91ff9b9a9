/**
 * Payments added while the simulator runs (`addPayment`): they are appended after the generated or fixture
 * payments, so every index the dataset had keeps its payment (refunds and continuation tokens hold indexes). A
 * new payment is the newest one: its date is now, or just after the last payment when the clock is behind the
 * dataset (a `TestClock` starts in 1970).
 */
import * as ParisTime from "./parisTime.js"
import type { Dataset, Form, Organization, PaymentRecord } from "./records.js"

/** @internal */
export interface Growable extends Dataset {
  readonly add: (record: PaymentRecord) => void
  /** How many payments were added: changes whenever one is, to drop cached orderings. */
  readonly added: () => number
  readonly addForm: (form: Form) => void
}

/** @internal */
export const growable = (base: Dataset): Growable => {
  const added: Array<PaymentRecord> = []
  const byId = new Map<number, number>()
  const forms = [...base.forms]
  const baseSize = base.size
  return {
    organization: base.organization,
    forms,
    get size() {
      return baseSize + added.length
    },
    at: (index) => index < baseSize ? base.at(index) : added[index - baseSize]!,
    ticksAt: (index) => index < baseSize ? base.ticksAt(index) : added[index - baseSize]!.ticks,
    indexOfId: (id) => base.indexOfId(id) ?? byId.get(id),
    // an added payment is not paid out yet
    cashOutSpan: base.cashOutSpan,
    add: (record) => {
      byId.set(record.id, baseSize + added.length)
      added.push(record)
    },
    added: () => added.length,
    addForm: (form) => {
      forms.push(form)
    }
  }
}

/**
 * What a test can choose of a new payment.
 *
 * @internal
 */
export interface NewPayment {
  readonly amount?: number | undefined
  readonly formType?: string | undefined
  readonly formSlug?: string | undefined
  readonly payer?: {
    readonly firstName?: string | undefined
    readonly lastName?: string | undefined
    readonly email?: string | undefined
  } | undefined
  readonly metadata?: unknown
}

const DEFAULT_FORM: Form = {
  id: 1999,
  formType: "Checkout",
  formSlug: "paiement-en-ligne",
  title: "Paiement en ligne",
  installments: false,
  tiers: [{ name: "Règlement", type: "Payment", price: 0 }]
}

const isInt32Cents = (n: number) => Number.isInteger(n) && n >= 1 && n <= 2_147_483_647

/**
 * Builds the records of new payments. Ids are taken from ranges the generator does not use (payments from
 * 90,000,001, orders from 95,000,001), skipping any id the dataset already has.
 *
 * @internal
 */
export const maker = (dataset: Growable) => {
  let nextPayment = 90_000_001
  let nextOrder = 95_000_001
  let nextItem = 96_000_001
  let nextCheckout = 97_000_001
  let nextUser = 7_000_001

  const formOf = (options: NewPayment): Form => {
    const { formSlug, formType } = options
    if (formType === undefined && formSlug === undefined) {
      if (dataset.forms.length > 0) return dataset.forms[0]!
      dataset.addForm(DEFAULT_FORM)
      return DEFAULT_FORM
    }
    const form = dataset.forms.find((f) =>
      (formType === undefined || f.formType.toLowerCase() === formType.toLowerCase()) &&
      (formSlug === undefined || f.formSlug.toLowerCase() === formSlug.toLowerCase())
    )
    if (form === undefined) {
      throw new TypeError(
        `addPayment: the organization has no form ${formType ?? "(any type)"}/${formSlug ?? "(any slug)"}`
      )
    }
    return form
  }

  return (options: NewPayment, nowMillis: number): PaymentRecord => {
    const form = formOf(options)
    const tier = form.tiers[0]
    const amount = options.amount ?? (tier !== undefined && tier.price > 0 ? tier.price : 1000)
    if (!isInt32Cents(amount)) throw new TypeError("addPayment: amount must be whole cents, from 1 to 2147483647")
    while (dataset.indexOfId(nextPayment) !== undefined) nextPayment++
    const id = nextPayment++
    const orderId = nextOrder++
    const last = dataset.size === 0 ? Number.NEGATIVE_INFINITY : dataset.ticksAt(dataset.size - 1)
    const ticks = Math.max(ParisTime.fromMillis(nowMillis), last + ParisTime.TICKS_PER_MS)
    const organization: Organization = dataset.organization
    const receiptBase = `https://www.helloasso.com/associations/${organization.slug}`
    const firstName = options.payer?.firstName ?? "Camille"
    const lastName = options.payer?.lastName ?? "Martin"
    const email = options.payer?.email ?? "camille.martin@example.org"
    return {
      id,
      ticks,
      orderId,
      orderTicks: ticks,
      updateTicks: ticks,
      amount,
      amountTip: 0,
      state: "Authorized",
      type: "Credit",
      paymentMeans: "Card",
      offlineMean: null,
      installmentNumber: null,
      cashOutState: "MoneyIn",
      cashOutTicks: null,
      idCashOut: null,
      checkoutIntentId: form.formType === "Checkout" ? nextCheckout++ : null,
      form,
      payer: {
        firstName,
        lastName,
        email,
        address: "12 rue de l'Église",
        city: "Lyon",
        zipCode: "69003",
        country: "FRA",
        company: null,
        dateOfBirthTicks: null
      },
      user: { id: nextUser++, firstName, lastName, email },
      items: [{
        id: nextItem++,
        amount,
        shareAmount: amount,
        shareItemAmount: amount,
        shareOptionsAmount: null,
        initialAmount: amount,
        type: tier?.type ?? "Payment",
        state: "Processed",
        name: tier?.name ?? form.title
      }],
      refunds: [],
      paymentReceiptUrl: `${receiptBase}/paiement-attestation/${orderId}`,
      fiscalReceiptUrl: form.formType === "Donation" ? `${receiptBase}/formulaires/1/recu-fiscal/${id}` : null
    }
  }
}
