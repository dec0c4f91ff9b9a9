/**
 * A deterministic association from a seed: its forms, and payments computed from their index alone, so a
 * dataset of a million payments costs no memory until a payment is asked for.
 */
import * as CashOuts from "./cashOuts.js"
import * as ParisTime from "./parisTime.js"
import { below, hash, unit, weighted } from "./random.js"
import type { Dataset, Form, Item, Organization, Payer, PaymentRecord, RefundRecord, User } from "./records.js"
import { fold } from "./records.js"

const FIRST_NAMES = [
  "Hélène",
  "Zoé",
  "François",
  "Anaïs",
  "Maël",
  "Noël",
  "Chloé",
  "Jérôme",
  "Léa",
  "Thérèse",
  "Agnès",
  "Benoît",
  "Cécile",
  "Loïc",
  "Inès",
  "Joël",
  "Émilie",
  "Gaëlle",
  "Raphaël",
  "Marie-Noëlle",
  "Jean-François",
  "Camille",
  "Lucas",
  "Manon",
  "Hugo",
  "Louise",
  "Nathan",
  "Élodie",
  "Sébastien",
  "Aïcha",
  "Yannick",
  "Océane",
  "Björn",
  "Françoise",
  "Gérald",
  "Solène"
] as const

const LAST_NAMES = [
  "Dupré",
  "Lefèvre",
  "N'Diaye",
  "L'Hôte",
  "d'Arcy",
  "Bénard",
  "Gauthier",
  "Fauré",
  "O'Neil",
  "Le Goff",
  "Lemaître",
  "Béranger",
  "Kerjean",
  "Da Silva",
  "Nguyen",
  "Martin",
  "Bernard",
  "Thomas",
  "Petit",
  "Durand",
  "Moreau",
  "Laurent",
  "Garcia",
  "Rousseau",
  "Guérin",
  "Chevalier",
  "Dubœuf",
  "Mercier",
  "Fontaine",
  "Perrin",
  "Boyer",
  "Lemaire",
  "Château",
  "Denis",
  "Müller",
  "Éluard"
] as const

const STREETS = [
  "rue de l'Église",
  "avenue Jean-Jaurès",
  "place du Marché",
  "chemin des Écoliers",
  "boulevard Victor-Hugo",
  "impasse des Lilas",
  "allée des Châtaigniers",
  "quai de la Saône"
] as const

const CITIES = [
  ["Paris", "75011"],
  ["Lyon", "69003"],
  ["Saint-Étienne", "42000"],
  ["Besançon", "25000"],
  ["Nîmes", "30000"],
  ["L'Haÿ-les-Roses", "94240"],
  ["Châlons-en-Champagne", "51000"],
  ["Évry-Courcouronnes", "91000"],
  ["Quimper", "29000"],
  ["Pointe-à-Pitre", "97110"]
] as const

const DOMAINS = ["example.org", "example.com", "example.net"] as const

/** @internal */
export const defaultOrganization: Organization = {
  id: 424242,
  slug: "les-amis-du-lavoir",
  name: "Les Amis du Lavoir de Saint-Aubin",
  type: "Association1901",
  isUnderColucheLaw: false
}

/** One form of every form type, as a small association has them. @internal */
export const defaultForms: ReadonlyArray<Form> = [
  {
    id: 1001,
    formType: "Membership",
    formSlug: "adhesion-2024-2025",
    title: "Adhésion 2024-2025",
    installments: true,
    tiers: [
      { name: "Adhésion adulte", type: "Membership", price: 3000 },
      { name: "Adhésion étudiant", type: "Membership", price: 1500 },
      { name: "Adhésion famille", type: "Membership", price: 5000 }
    ]
  },
  {
    id: 1002,
    formType: "Event",
    formSlug: "fete-du-lavoir-2025",
    title: "Fête du lavoir 2025",
    installments: false,
    tiers: [
      { name: "Entrée adulte", type: "Registration", price: 800 },
      { name: "Entrée enfant", type: "Registration", price: 400 },
      { name: "Repas champêtre", type: "Product", price: 1500 }
    ]
  },
  {
    id: 1003,
    formType: "Donation",
    formSlug: "faire-un-don",
    title: "Soutenez l'association",
    installments: false,
    tiers: [{ name: "Don libre", type: "Donation", price: 0 }]
  },
  {
    id: 1004,
    formType: "CrowdFunding",
    formSlug: "restauration-du-lavoir",
    title: "Restauration du lavoir",
    installments: false,
    tiers: [
      { name: "Contribution libre", type: "Donation", price: 0 },
      { name: "Pierre gravée", type: "Contribution", price: 5000 }
    ]
  },
  {
    id: 1005,
    formType: "PaymentForm",
    formSlug: "atelier-poterie-trimestre",
    title: "Atelier poterie (trimestre)",
    installments: true,
    tiers: [{ name: "Inscription atelier", type: "Payment", price: 12000 }]
  },
  {
    id: 1006,
    formType: "Checkout",
    formSlug: "paiement-en-ligne",
    title: "Paiement en ligne",
    installments: false,
    tiers: [{ name: "Règlement", type: "Payment", price: 0 }]
  },
  {
    id: 1007,
    formType: "Shop",
    formSlug: "boutique-du-lavoir",
    title: "Boutique du lavoir",
    installments: false,
    tiers: [
      { name: "T-shirt « J'aime mon lavoir »", type: "Product", price: 1500 },
      { name: "Tote bag", type: "Product", price: 1000 },
      { name: "Mug émaillé", type: "Product", price: 800 }
    ]
  }
]

const FORM_WEIGHTS: Record<string, number> = {
  Membership: 35,
  Event: 20,
  Donation: 20,
  Shop: 10,
  CrowdFunding: 7,
  PaymentForm: 5,
  Checkout: 3
}

/** Every payment state appears; most payments are authorized, as in a real association. */
const ONLINE_STATES: ReadonlyArray<readonly [string, number]> = [
  ["Authorized", 7400],
  ["Refused", 400],
  ["Refunded", 400],
  ["Pending", 300],
  ["WaitingBankValidation", 200],
  ["Refunding", 100],
  ["Contested", 80],
  ["Canceled", 60],
  ["Abandoned", 60],
  ["Error", 40],
  ["Waiting", 40],
  ["WaitingBankWithdraw", 30],
  ["WaitingAuthentication", 30],
  ["Unknown", 20],
  ["AuthorizedPreprod", 10],
  ["Corrected", 10],
  ["Deleted", 10],
  ["Inconsistent", 10],
  ["NoDonation", 10],
  ["Init", 10]
]

const OFFLINE_MEANS: ReadonlyArray<readonly [string, number]> = [["Check", 5], ["Cash", 3], ["BankTransfer", 2]]

const ITEM_STATE: Record<string, string> = {
  Authorized: "Processed",
  Registered: "Registered",
  Refunded: "Refunded",
  Refunding: "Processed",
  Refused: "Refused",
  Canceled: "Canceled",
  Abandoned: "Abandoned",
  Contested: "Contested",
  Pending: "Waiting",
  WaitingBankValidation: "Waiting"
}

const DAY_TICKS = 86_400_000 * ParisTime.TICKS_PER_MS
const SECOND_TICKS = 1000 * ParisTime.TICKS_PER_MS

// Salts: one per attribute, so attributes are independent.
const S = {
  jitter: 1,
  form: 2,
  payer: 3,
  tiers: 4,
  tier: 5,
  pwyw: 6,
  tip: 7,
  offline: 8,
  offlineMean: 9,
  state: 10,
  means: 11,
  installment: 12,
  first: 13,
  last: 14,
  city: 15,
  street: 16,
  domain: 17,
  company: 18,
  birth: 19,
  userDiffers: 20,
  failedRefund: 21,
  failedRefundState: 22,
  update: 24
} as const

/** @internal */
export interface GeneratorOptions {
  readonly seed: number
  readonly size: number
  /** First and last payment dates, in ticks. */
  readonly startTicks: number
  readonly endTicks: number
  readonly organization: Organization
  readonly forms: ReadonlyArray<Form>
}

const cashOutStateOf = (state: string, offline: boolean, cashedOut: boolean): string | null => {
  if (offline) return null
  switch (state) {
    case "Refunded":
    case "Refunding":
    case "Contested":
      return state
    case "Authorized":
      return cashedOut ? "CashedOut" : "MoneyIn"
    default:
      return "Unknown"
  }
}

const emailLocal = (first: string, last: string): string =>
  fold(`${first}.${last}`).replace(/[^a-z0-9.]+/g, "").replace(/\.+/g, ".")

/** @internal */
export const generate = (options: GeneratorOptions): Dataset => {
  const { endTicks, forms, organization, seed, size, startTicks } = options
  const slot = Math.max(1, Math.floor((endTicks - startTicks) / Math.max(1, size)))
  const payerCount = Math.max(1, Math.ceil(size / 3))
  const formWeights = forms.map((form, i) => [i, FORM_WEIGHTS[form.formType] ?? 5] as const)
  const idBase = 20_000_001

  // Strictly increasing with the index: each payment falls in its own slot of the period.
  const ticksAt = (index: number): number => startTicks + index * slot + (hash(seed, index, S.jitter) % slot)
  const cashOuts = CashOuts.monthly({ seed, startTicks, endTicks, size, ticksAt })

  const payerAt = (p: number): { payer: Payer; user: User } => {
    const first = FIRST_NAMES[below(seed, p, S.first, FIRST_NAMES.length)]!
    const last = LAST_NAMES[below(seed, p, S.last, LAST_NAMES.length)]!
    const [city, zipCode] = CITIES[below(seed, p, S.city, CITIES.length)]!
    const email = `${emailLocal(first, last)}${p % 97}@${DOMAINS[below(seed, p, S.domain, DOMAINS.length)]!}`
    const birthYear = 1940 + below(seed, p, S.birth, 65)
    const payer: Payer = {
      firstName: first,
      lastName: last,
      email,
      address: `${1 + (p % 120)} ${STREETS[below(seed, p, S.street, STREETS.length)]!}`,
      city,
      zipCode,
      country: "FRA",
      company: unit(seed, p, S.company) < 0.05 ? `SARL ${last}` : null,
      dateOfBirthTicks: ParisTime.fromMillis(Date.UTC(birthYear, p % 12, 1 + (p % 28)))
    }
    // Most payers pay from their own HelloAsso account; some pay for someone else (a parent for a child).
    const differs = unit(seed, p, S.userDiffers) < 0.15
    const userFirst = differs ? FIRST_NAMES[below(seed, p + 7919, S.first, FIRST_NAMES.length)]! : first
    const user: User = {
      id: 6_000_000 + p,
      firstName: userFirst,
      lastName: last,
      email: differs ? `${emailLocal(userFirst, last)}@${DOMAINS[0]}` : email
    }
    return { payer, user }
  }

  const at = (index: number): PaymentRecord => {
    const ticks = ticksAt(index)
    const id = idBase + index
    const form = forms[weighted(seed, index, S.form, formWeights)]!
    const { payer, user } = payerAt(below(seed, index, S.payer, payerCount))
    const offline = form.formType !== "Checkout" && unit(seed, index, S.offline) < 0.06
    const state = offline ? "Registered" : weighted(seed, index, S.state, ONLINE_STATES)
    const installmentCount = form.installments && !offline && unit(seed, index, S.installment) < 0.3 ? 3 : 1
    const installmentNumber = installmentCount > 1 ? 1 + (index % installmentCount) : null

    const itemCount = form.tiers.length > 1 ? 1 + below(seed, index, S.tiers, 2) : 1
    const items: Array<Item> = []
    for (let k = 0; k < itemCount; k++) {
      const tier = form.tiers[below(seed, index * 3 + k, S.tier, form.tiers.length)]!
      const price = tier.price > 0 ? tier.price : 500 + 100 * below(seed, index * 3 + k, S.pwyw, 196)
      const share = Math.floor(price / installmentCount)
      items.push({
        id: 40_000_000 + index * 3 + k,
        amount: price,
        shareAmount: share,
        shareItemAmount: share,
        shareOptionsAmount: null,
        initialAmount: price,
        type: tier.type,
        state: ITEM_STATE[state] ?? "Unknown",
        name: tier.name
      })
    }
    const itemsTotal = items.reduce((sum, item) => sum + item.shareAmount, 0)
    const tipRoll = unit(seed, index, S.tip)
    const amountTip = offline || (installmentNumber ?? 1) > 1
      ? null
      : tipRoll < 0.4
      ? 0
      : 100 * (1 + Math.floor(tipRoll * 5))
    const amount = itemsTotal + (amountTip ?? 0)

    const refunds: Array<RefundRecord> = []
    if (state === "Refunded" || state === "Refunding") {
      refunds.push({
        id: 70_000_000 + index,
        amount,
        amountTip: amountTip ?? 0,
        state: state === "Refunded" ? "Processed" : "Processing",
        ticks: ticks + 2 * DAY_TICKS
      })
    } else if (state === "Authorized" && unit(seed, index, S.failedRefund) < 0.01) {
      // an earlier refund attempt that failed: listed only with withFailedRefundOperation=true
      refunds.push({
        id: 70_000_000 + index,
        amount: Math.min(amount, 500),
        amountTip: 0,
        state: weighted(seed, index, S.failedRefundState, [["Refused", 2], ["Aborted", 1], ["Error", 1], [
          "Canceled",
          1
        ]]),
        ticks: ticks + DAY_TICKS
      })
    }

    // only authorized online payments are paid out (offline ones are `Registered`)
    const cashOut = state === "Authorized" ? cashOuts.of(ticks) : undefined
    const cashOutTicks = cashOut === undefined ? null : cashOut.ticks
    const cashOutState = cashOutStateOf(state, offline, cashOut !== undefined)
    const updateTicks = Math.max(
      ticks + below(seed, index, S.update, 3600) * SECOND_TICKS,
      cashOutTicks ?? 0,
      ...refunds.map((r) => r.ticks)
    )
    const orderTicks = ticks - ((installmentNumber ?? 1) - 1) * 30 * DAY_TICKS
    const means = offline ? "None" : weighted(seed, index, S.means, [["Card", 9], ["Sepa", 1]])
    const receiptBase = `https://www.helloasso.com/associations/${organization.slug}`
    return {
      id,
      ticks,
      orderId: 30_000_001 + index,
      orderTicks,
      updateTicks,
      amount,
      amountTip,
      state,
      type: offline ? "Offline" : "Credit",
      paymentMeans: means,
      offlineMean: offline ? weighted(seed, index, S.offlineMean, OFFLINE_MEANS) : null,
      installmentNumber,
      cashOutState,
      cashOutTicks,
      idCashOut: cashOut === undefined ? null : cashOut.id,
      checkoutIntentId: form.formType === "Checkout" ? 50_000_000 + index : null,
      form,
      payer,
      user: offline ? { id: null, firstName: payer.firstName, lastName: payer.lastName, email: payer.email } : user,
      items,
      refunds,
      paymentReceiptUrl: offline ? null : `${receiptBase}/paiement-attestation/${30_000_001 + index}`,
      fiscalReceiptUrl: form.formType === "Donation" && state === "Authorized" ?
        `${receiptBase}/formulaires/1/recu-fiscal/${id}` :
        null
    }
  }

  return {
    organization,
    forms,
    size,
    at,
    ticksAt,
    indexOfId: (id) => {
      const index = id - idBase
      return Number.isInteger(index) && index >= 0 && index < size ? index : undefined
    },
    cashOutSpan: cashOuts.span
  }
}

/** The default period: two seasons of an association, September 2023 to August 2025 (Paris time). @internal */
export const defaultPeriod = {
  startTicks: ParisTime.parse("2023-09-01T00:00:00")!,
  endTicks: ParisTime.parse("2025-09-01T00:00:00")!
}
