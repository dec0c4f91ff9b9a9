/**
 * Bodies a hostile server answers with: a payment as HelloAsso (and the simulator) sends it, and a page of them.
 */

/** A payment as the simulator answers `GET /payments/{id}` (a credit card payment of an event). */
export const payment = (overrides: { readonly id?: number } = {}) => ({
  order: {
    id: 30000003,
    date: "2024-12-31T07:00:00.7517902+01:00",
    formSlug: "fete-du-lavoir-2025",
    formType: "Event",
    organizationName: "Les Amis du Lavoir de Saint-Aubin",
    organizationSlug: "les-amis-du-lavoir",
    organizationType: "Association1901",
    organizationIsUnderColucheLaw: false,
    checkoutIntentId: null,
    meta: { createdAt: "2024-12-31T07:00:00.7517902+01:00", updatedAt: "2024-12-31T07:00:00.7517902+01:00" }
  },
  payer: {
    email: "nathan.chateau0@example.net",
    address: "1 place du Marché",
    city: "L'Haÿ-les-Roses",
    zipCode: "94240",
    country: "FRA",
    dateOfBirth: "1991-01-01T01:00:00.0000000+01:00",
    firstName: "Nathan",
    lastName: "Château"
  },
  items: [{
    shareAmount: 800,
    shareItemAmount: 800,
    id: 40000006,
    amount: 800,
    type: "Registration",
    initialAmount: 800,
    state: "Processed",
    name: "Entrée adulte"
  }],
  cashOutDate: "2025-01-13T07:00:00.7517902+01:00",
  paymentReceiptUrl: "https://www.helloasso.com/associations/les-amis-du-lavoir/paiement-attestation/30000003",
  fiscalReceiptUrl: null,
  id: overrides.id ?? 20000003,
  amount: 1200,
  date: "2024-12-31T07:00:00.7517902+01:00",
  state: "Authorized",
  meta: { createdAt: "2024-12-31T07:00:00.7517902+01:00", updatedAt: "2025-01-13T07:00:00.7517902+01:00" },
  refundOperations: [],
  cashOutState: "CashedOut",
  idCashOut: 900000,
  amountTip: 400,
  paymentMeans: "Card",
  type: "Credit"
})

/** A page of the list endpoints. */
export const page = (data: ReadonlyArray<unknown>, continuationToken = "page-2-token") => ({
  data,
  pagination: { pageSize: 20, totalCount: -1, pageIndex: 1, totalPages: -1, continuationToken }
})
