import { describe, expect, it } from "@effect/vitest"
import { Payment } from "@helloasso-effect/core"
import { Arbitrary, DateTime, Either, FastCheck as fc, Option, ParseResult, Schema, SchemaAST as AST } from "effect"
import * as Codec from "../src/internal/codec.js"

// A payment as the list endpoints return it, in the real formats (design.md section 3).
const realPayment = {
  order: {
    id: 81234567,
    date: "2024-06-07T14:11:15.7442115+02:00",
    formSlug: "adhesion-2024-2025",
    formType: "Membership",
    organizationName: "Les Amis de l'Étang",
    organizationSlug: "les-amis-de-l-etang",
    organizationType: "Association1901",
    organizationIsUnderColucheLaw: false,
    checkoutIntentId: null,
    meta: { createdAt: "2024-06-07T14:11:15.7442115+02:00", updatedAt: "2024-06-07T14:12:01.1+02:00" }
  },
  payer: {
    email: "helene.dupre@example.fr",
    address: "3 rue de l'Église",
    city: "Saint-Étienne",
    zipCode: "42000",
    country: "FRA",
    company: null,
    dateOfBirth: "1962-04-17T16:08:49.0Z",
    firstName: "Hélène",
    lastName: "Dupré"
  },
  items: [
    {
      shareAmount: 3500,
      shareItemAmount: 3000,
      shareOptionsAmount: 500,
      id: 91234567,
      amount: 3000,
      type: "Membership",
      initialAmount: 3000,
      state: "Processed",
      name: "Adhésion adulte"
    }
  ],
  cashOutDate: null,
  cashOutState: "MoneyIn",
  paymentReceiptUrl:
    "https://www.helloasso.com/associations/les-amis-de-l-etang/adhesions/paiement-attestation/81234567",
  fiscalReceiptUrl: null,
  id: 71234567,
  amount: 3700,
  amountTip: 200,
  date: "2024-06-07T14:11:15.7442115+02:00",
  paymentMeans: "Card",
  installmentNumber: 1,
  state: "Authorized",
  type: "Credit",
  meta: { createdAt: "2024-06-07T14:11:15.7442115+02:00", updatedAt: "2024-06-07T14:11:15+02:00" },
  refundOperations: []
}

type Presence = "absent" | "null" | "present"

/** The struct of the wire side of a schema (a model, a nullable one, an alias model), if it is one. */
const wireStruct = (ast: AST.AST): AST.TypeLiteral | undefined => {
  switch (ast._tag) {
    case "TypeLiteral":
      // the record an alias model reads first has no property of its own
      return ast.propertySignatures.length > 0 ? ast : undefined
    case "Transformation":
      return wireStruct(ast.from) ?? wireStruct(ast.to)
    case "Union":
      return ast.types.map(wireStruct).find((struct) => struct !== undefined)
    default:
      return undefined
  }
}

/** The items of the wire side of a list, if it is one. */
const wireItems = (ast: AST.AST): AST.AST | undefined => {
  switch (ast._tag) {
    case "TupleType":
      return ast.rest[0]?.type
    case "Transformation":
      return wireItems(ast.from)
    case "Union":
      return ast.types.map(wireItems).find((items) => items !== undefined)
    default:
      return undefined
  }
}

const acceptsNull = (ast: AST.AST): boolean =>
  ast._tag === "Union" && ast.types.some((type) => AST.isLiteral(type) && type.literal === null)

/**
 * Makes each optional field of a wire value, at every depth, absent, null or present (as the arbitrary value had
 * it: a value, or absent for none), following the schema's wire side.
 */
const sparsen = (ast: AST.AST, wire: unknown, choose: () => Presence): void => {
  if (Array.isArray(wire)) {
    const items = wireItems(ast)
    if (items !== undefined) { for (const item of wire) sparsen(items, item, choose) }
    return
  }
  const struct = wireStruct(ast)
  if (struct === undefined || wire === null || typeof wire !== "object") return
  const record = wire as Record<string, unknown>
  for (const property of struct.propertySignatures) {
    const key = property.name as string
    if (property.isOptional) {
      const choice = choose()
      if (choice === "absent") delete record[key]
      else if (choice === "null" && acceptsNull(property.type)) record[key] = null
    }
    if (record[key] !== undefined && record[key] !== null) sparsen(property.type, record[key], choose)
  }
}

const decodePayment = Schema.decodeUnknownSync(Payment.Payment)
const decodePaymentPage = Schema.decodeUnknownSync(Payment.PaymentPage)

/** The models with a fast decoder and a fast encoder. */
const models = [
  ["Payment", Payment.Payment],
  ["PaymentDetail", Payment.PaymentDetail],
  ["PublicPayment", Payment.PublicPayment],
  ["RefundOperation", Payment.RefundOperation],
  ["RefundOperationLight", Payment.RefundOperationLight],
  ["Page<Payment>", Payment.PaymentPage],
  ["Page<PublicPayment>", Payment.PublicPaymentPage]
] as const

describe("Payment", () => {
  describe("real formats", () => {
    it("decodes a payment of the list endpoints", () => {
      const payment = decodePayment(realPayment)
      expect(payment.id).toBe(71234567)
      expect(payment.amount).toEqual(Option.some(3700))
      expect(payment.amountTip).toEqual(Option.some(200))
      expect(payment.state).toEqual(Option.some("Authorized"))
      expect(payment.items[0]?.name).toEqual(Option.some("Adhésion adulte"))
      expect(Option.flatMap(payment.payer, (payer) => payer.lastName)).toEqual(Option.some("Dupré"))
      expect(payment.fiscalReceiptUrl).toEqual(Option.none())
      expect(payment.cashOutDate).toEqual(Option.none())
    })

    it("reads 7 fractional digits and keeps the Paris offset", () => {
      const date = Option.getOrThrow(decodePayment(realPayment).date)
      expect(DateTime.toEpochMillis(date)).toBe(Date.UTC(2024, 5, 7, 12, 11, 15, 744))
      expect(DateTime.zoneToString(date.zone)).toBe("+02:00")
      expect(Schema.encodeSync(Payment.IsoDate)(date)).toBe("2024-06-07T14:11:15.744+02:00")
    })

    it("reads the mock format with one fractional digit and Z", () => {
      const date = Schema.decodeSync(Payment.IsoDate)("1962-04-17T16:08:49.0Z")
      expect(DateTime.toEpochMillis(date)).toBe(Date.UTC(1962, 3, 17, 16, 8, 49, 0))
      expect(Schema.encodeSync(Payment.IsoDate)(date)).toBe("1962-04-17T16:08:49.000+00:00")
    })

    it("reads a date without fraction, and one without offset as Paris time", () => {
      const decode = Schema.decodeSync(Payment.IsoDate)
      expect(DateTime.toEpochMillis(decode("2024-06-07T14:11:15+02:00"))).toBe(Date.UTC(2024, 5, 7, 12, 11, 15))
      expect(DateTime.toEpochMillis(decode("2024-01-15T10:00:00"))).toBe(Date.UTC(2024, 0, 15, 9, 0, 0))
      expect(DateTime.toEpochMillis(decode("2024-07-15T10:00:00"))).toBe(Date.UTC(2024, 6, 15, 8, 0, 0))
      expect(DateTime.toEpochMillis(decode("0001-01-01T00:00:00Z"))).toBe(-62135596800000)
    })

    it.each([
      "2024-02-30T10:00:00Z",
      "2024-13-01T10:00:00Z",
      "2024-06-07T24:00:00Z",
      "2024-06-07",
      "07/06/2024 14:11",
      "2024-06-07T14:11:15+25:00",
      ""
    ])("refuses the invalid date %j with a ParseError", (input) => {
      const result = Schema.decodeUnknownEither(Payment.IsoDate)(input)
      expect(Either.isLeft(result) && ParseResult.isParseError(result.left)).toBe(true)
    })
  })

  describe("everything the specs allow", () => {
    it("decodes every nullable field as null or absent to Option.none, lists to []", () => {
      const minimal = { id: 1, amount: 0, date: "2024-06-07T14:11:15+02:00", state: "Authorized" }
      const nulls = {
        ...minimal,
        order: null,
        payer: null,
        items: null,
        cashOutDate: null,
        idCashOut: null,
        amountTip: null,
        installmentNumber: null,
        refundOperations: null,
        meta: null
      }
      for (const input of [minimal, nulls]) {
        const payment = decodePayment(input)
        expect(payment.order).toEqual(Option.none())
        expect(payment.payer).toEqual(Option.none())
        expect(payment.amountTip).toEqual(Option.none())
        expect(payment.items).toEqual([])
        expect(payment.refundOperations).toEqual([])
      }
    })

    it("decodes data: null as an empty page, and totalCount -1", () => {
      const page = decodePaymentPage({
        data: null,
        pagination: { pageSize: 20, totalCount: -1, pageIndex: 1, totalPages: -1, continuationToken: "abc" }
      })
      expect(page.data).toEqual([])
      const pagination = Option.getOrThrow(page.pagination)
      expect(pagination.totalCount).toEqual(Option.some(-1))
      expect(pagination.continuationToken).toEqual(Option.some("abc"))
    })

    it("accepts zero and negative int32 values in responses", () => {
      const payment = decodePayment({ ...realPayment, amount: -3700, amountTip: 0, installmentNumber: -1 })
      expect(payment.amount).toEqual(Option.some(-3700))
      expect(payment.installmentNumber).toEqual(Option.some(-1))
    })

    it("refuses values beyond int32 and fractional amounts", () => {
      expect(Either.isLeft(Schema.decodeUnknownEither(Payment.Payment)({ ...realPayment, amount: 2 ** 31 }))).toBe(true)
      expect(Either.isLeft(Schema.decodeUnknownEither(Payment.Payment)({ ...realPayment, amount: 10.5 }))).toBe(true)
    })

    it("decodes the 2026 fields (idCashOut, meta.authorEmail, meta.expiresAt)", () => {
      const payment = decodePayment({
        ...realPayment,
        idCashOut: 5512,
        meta: { ...realPayment.meta, authorEmail: "tresorier@example.fr", expiresAt: null }
      })
      expect(payment.idCashOut).toEqual(Option.some(5512))
      expect(Option.flatMap(payment.meta, (meta) => meta.authorEmail)).toEqual(Option.some("tresorier@example.fr"))
    })
  })

  describe("forward compatibility", () => {
    it("ignores unknown fields", () => {
      const payment = decodePayment({
        ...realPayment,
        brandNewField: { nested: true },
        payer: { ...realPayment.payer, x: 1 }
      })
      expect("brandNewField" in payment).toBe(false)
      expect(Schema.encodeSync(Payment.Payment)(payment)).not.toHaveProperty("brandNewField")
    })

    it("keeps an enum value the spec does not list as a string", () => {
      const payment = decodePayment({
        ...realPayment,
        state: "PartiallyRefunded",
        paymentMeans: "ApplePay",
        items: [{ ...realPayment.items[0], type: "GiftCard", state: "Frozen" }]
      })
      expect(payment.state).toEqual(Option.some("PartiallyRefunded"))
      expect(Option.exists(payment.state, Payment.PaymentState.isKnown)).toBe(false)
      expect(payment.paymentMeans).toEqual(Option.some("ApplePay"))
      expect(payment.items[0]?.type).toEqual(Option.some("GiftCard"))
    })

    it("reads refundOperations[].state where the spec says status", () => {
      const payment = decodePayment({
        ...realPayment,
        refundOperations: [
          { id: 1, amount: 1000, amountTip: 0, state: "Processed", meta: realPayment.meta },
          { id: 2, amount: 500, amountTip: 0, status: "Refused" }
        ]
      })
      expect(payment.refundOperations.map((op) => op.state)).toEqual([Option.some("Processed"), Option.some("Refused")])
      const encoded = Schema.encodeSync(Payment.Payment)(payment)
      expect(encoded.refundOperations?.[0]).toMatchObject({ state: "Processed" })
    })

    it("reads RefundOperation.status where the spec says state", () => {
      const operation = Schema.decodeUnknownSync(Payment.RefundOperation)({
        id: 10,
        paymentId: 71234567,
        amount: 1000,
        creationDate: "2024-06-08T09:00:00.1234567+02:00",
        status: "Processing",
        cancelOrder: false,
        sendRefundMail: true
      })
      expect(operation.state).toEqual(Option.some("Processing"))
    })

    it("decodes a search result (PublicPayment)", () => {
      const result = Schema.decodeUnknownSync(Payment.PublicPaymentPage)({
        data: [{
          id: 71234567,
          organizationId: 4242,
          formId: 12,
          formType: "Membership",
          amount: 3700,
          meansPayment: "Card",
          cashOutState: "MoneyIn",
          date: "2024-06-07T14:11:15.7442115+02:00",
          authorizationDate: "2024-06-07T14:11:16.0000001+02:00",
          orderDate: "2024-06-07T14:11:15.7442115+02:00",
          orderId: 81234567,
          fiscalReceiptGenerated: false,
          payerFirstName: "Hélène",
          payerLastName: "Dupré",
          status: "Authorized",
          userId: null,
          installmentNumber: 1,
          refundOperations: null
        }],
        pagination: { pageSize: 20, totalCount: -1, pageIndex: 1, totalPages: -1, continuationToken: "t1" }
      })
      expect(result.data[0]?.state).toEqual(Option.some("Authorized"))
      expect(result.data[0]?.userId).toEqual(Option.none())
    })
  })

  describe("sparse payloads", () => {
    // real-shaped bodies with what the specs allow left out: only ids and a page's data are required
    const sparse = [
      ["Payment", Payment.Payment, { id: 71234567 }],
      ["Payment", Payment.Payment, {
        id: 71234567,
        amount: null,
        date: null,
        state: null,
        order: { id: 81234567, date: null, meta: { createdAt: null } },
        payer: {},
        items: [{ id: 91234567 }],
        refundOperations: [{ id: 1 }, { id: 2, status: "Processed" }]
      }],
      ["PaymentDetail", Payment.PaymentDetail, { id: 71234567, meta: {}, items: null, refundOperations: null }],
      ["PublicPayment", Payment.PublicPayment, { id: 71234567, organizationId: null, status: null }],
      ["RefundOperation", Payment.RefundOperation, { id: 10 }],
      ["RefundOperationLight", Payment.RefundOperationLight, { id: 10, amount: null }],
      ["Page<Payment>", Payment.PaymentPage, { data: [{ id: 1 }, { id: 2 }] }],
      ["Page<Payment>", Payment.PaymentPage, { data: [{ id: 1 }], pagination: null }],
      ["Page<Payment>", Payment.PaymentPage, { data: [], pagination: {} }],
      ["Page<PublicPayment>", Payment.PublicPaymentPage, { data: [{ id: 1 }] }]
    ] as const

    it.each(sparse)("%s: sparse body %#, by the Schema and by both fast decoders alike", (_, schema, body) => {
      const model = schema as unknown as Schema.Schema<unknown, unknown>
      const decoded = Schema.decodeUnknownSync(model)(body)
      for (const interpreted of [false, true]) {
        const fast = Codec.decoderFor(model, { interpreted })!(body)
        expect(fast).not.toBe(Codec.FAIL)
        expect(Schema.equivalence(model)(fast, decoded)).toBe(true)
      }
    })

    it("a payment with only its id: every other field none or empty", () => {
      const payment = decodePayment({ id: 71234567 })
      expect(payment).toEqual(Payment.Payment.make({ id: Payment.PaymentId.make(71234567) }))
      expect([payment.amount, payment.date, payment.state, payment.order, payment.meta]).toEqual(
        Array(5).fill(Option.none())
      )
      expect([payment.items, payment.refundOperations]).toEqual([[], []])
    })

    it("a page without pagination decodes with pagination none", () => {
      const page = decodePaymentPage({ data: [{ id: 1 }] })
      expect(page.pagination).toEqual(Option.none())
      expect(page.data.map((p) => p.id)).toEqual([1])
    })

    it("still refuses what the library cannot work without: an id, a page's data", () => {
      expect(Either.isLeft(Schema.decodeUnknownEither(Payment.Payment)({ amount: 100 }))).toBe(true)
      expect(Either.isLeft(Schema.decodeUnknownEither(Payment.Payment)({ id: null }))).toBe(true)
      expect(Either.isLeft(Schema.decodeUnknownEither(Payment.PaymentPage)({ pagination: {} }))).toBe(true)
      expect(Either.isLeft(Schema.decodeUnknownEither(Payment.PaymentPage)({ data: [{ amount: 1 }] }))).toBe(true)
    })

    it("reads the order fields of notification payloads (formName, isAnonymous, isAmountHidden)", () => {
      const payment = decodePayment({
        ...realPayment,
        order: { ...realPayment.order, formName: "Adhésion 2024-2025", isAnonymous: true, isAmountHidden: null }
      })
      const order = Option.getOrThrow(payment.order)
      expect(order.formName).toEqual(Option.some("Adhésion 2024-2025"))
      expect(order.isAnonymous).toEqual(Option.some(true))
      expect(order.isAmountHidden).toEqual(Option.none())
      expect(decodePayment(realPayment).order.pipe(Option.flatMap((o) => o.formName))).toEqual(Option.none())
    })
  })

  describe("models are structs", () => {
    it("fields are public: pick, omit, spread, make", () => {
      const Summary = Payment.Payment.pick("id", "amount", "date")
      expect(Object.keys(Summary.fields)).toEqual(["id", "amount", "date"])
      const summary = Schema.decodeUnknownSync(Summary)(realPayment)
      expect(summary).toEqual({
        id: 71234567,
        amount: Option.some(3700),
        date: decodePayment(realPayment).date
      })
      const Annotated = Schema.Struct({ ...Payment.Payment.fields, note: Schema.String })
      const annotated = Schema.decodeUnknownSync(Annotated)({ ...realPayment, note: "vérifié" })
      expect(annotated.note).toBe("vérifié")
      expect(annotated.amount).toEqual(Option.some(3700))
      expect(Payment.RefundOperation.make({ id: Payment.RefundOperationId.make(3) }).state).toEqual(Option.none())
      expect(Payment.Meta.make({}).createdAt).toEqual(Option.none())
    })

    it("PaymentDetail is derived from Payment: the same fields", () => {
      expect(Object.keys(Payment.PaymentDetail.fields)).toEqual(Object.keys(Payment.Payment.fields))
      for (const key of Object.keys(Payment.Payment.fields) as Array<keyof typeof Payment.Payment.fields>) {
        expect(Payment.PaymentDetail.fields[key]).toBe(Payment.Payment.fields[key])
      }
    })

    it("the models that read status into state keep doing so once annotated, and encode state", () => {
      const Annotated = Payment.RefundOperation.annotations({ description: "a refund" })
      const operation = Schema.decodeUnknownSync(Annotated)({ id: 10, status: "Processing" })
      expect(operation.state).toEqual(Option.some("Processing"))
      expect(Schema.encodeSync(Annotated)(operation)).toEqual({ id: 10, state: "Processing" })
      expect(Codec.decoderFor(Annotated)!({ id: 10, status: "Processing" })).toEqual(operation)
    })

    it("structs built from the models' fields get a fast decoder; other schemas decode with the Schema", () => {
      const picked = Payment.Payment.pick("id", "amount", "order")
      expect(Codec.decoderFor(picked)!(realPayment)).toEqual(Schema.decodeUnknownSync(picked)(realPayment))
      expect(Codec.decoderFor(Schema.Struct({ ...Payment.Payment.fields, note: Schema.String }))).toBeDefined()
      // a field this module does not know, or options that change what the struct accepts: the Schema decodes
      expect(Codec.decoderFor(Schema.Struct({ ...Payment.Payment.fields, n: Schema.NumberFromString }))).toBeUndefined()
      expect(Codec.decoderFor(Schema.Struct({ id: Schema.optional(Payment.PaymentId) }))).toBeUndefined()
      const strict = Payment.Payment.annotations({ parseOptions: { onExcessProperty: "error" } })
      expect(Codec.decoderFor(strict)).toBeUndefined()
    })
  })

  describe("properties", () => {
    const roundTrip = <A, I>(schema: Schema.Schema<A, I>) => {
      const arbitrary = Arbitrary.make(schema)
      const equivalence = Schema.equivalence(schema)
      const encode = Schema.encodeSync(schema)
      const decode = Schema.decodeUnknownSync(schema)
      fc.assert(
        fc.property(arbitrary, (value) => {
          // through JSON, as values travel
          const decoded = decode(JSON.parse(JSON.stringify(encode(value))))
          expect(equivalence(decoded, value)).toBe(true)
        }),
        { numRuns: 200 }
      )
    }

    it("encode then decode is identity: Payment", () => roundTrip(Payment.Payment))
    it("encode then decode is identity: PaymentDetail", () => roundTrip(Payment.PaymentDetail))
    it("encode then decode is identity: PublicPayment", () => roundTrip(Payment.PublicPayment))
    it("encode then decode is identity: RefundOperation", () => roundTrip(Payment.RefundOperation))
    it("encode then decode is identity: Page<Payment>", () => roundTrip(Payment.PaymentPage))

    it("decoding arbitrary JSON never throws: it fails with a ParseError", () => {
      const schemas = [Payment.PaymentPage, Payment.PublicPaymentPage, Payment.PaymentDetail, Payment.RefundOperation]
      const decoders = schemas.map((schema) => Schema.decodeUnknownEither(schema as Schema.Schema<unknown, unknown>))
      fc.assert(
        fc.property(fc.jsonValue(), (json) => {
          for (const decode of decoders) {
            const result = decode(json)
            if (Either.isLeft(result)) expect(ParseResult.isParseError(result.left)).toBe(true)
          }
        }),
        { numRuns: 2000 }
      )
    })

    it("decoding mutated payments never throws", () => {
      const decode = Schema.decodeUnknownEither(Payment.Payment)
      const keys = Object.keys(realPayment)
      fc.assert(
        fc.property(fc.constantFrom(...keys), fc.jsonValue(), (key, value) => {
          const result = decode({ ...realPayment, [key]: value })
          if (Either.isLeft(result)) expect(ParseResult.isParseError(result.left)).toBe(true)
        }),
        { numRuns: 2000 }
      )
    })
  })

  describe("fast decoders", () => {
    it("on Node, struct decoders are generated code", () => expect(Codec.canGenerateCode).toBe(true))

    // generated code where the platform allows it, and the loop over fields that replaces it elsewhere
    const cases = models.flatMap(([name, schema]) =>
      [false, true].map((interpreted) =>
        [`${name} (${interpreted ? "interpreted" : "compiled"})`, schema, interpreted] as const
      )
    )
    const subject = (schema: (typeof models)[number][1], interpreted: boolean) => {
      const model = schema as unknown as Schema.Schema<unknown, unknown>
      return {
        model,
        fast: Codec.decoderFor(model, { interpreted })!,
        equivalence: Schema.equivalence(model),
        encode: Schema.encodeSync(model)
      }
    }

    it.each(cases)(
      "%s: takes the fast path on every valid body, with the Schema's result",
      (_, schema, interpreted) => {
        const { encode, equivalence, fast, model } = subject(schema, interpreted)
        const decode = Schema.decodeUnknownSync(model)
        fc.assert(
          fc.property(Arbitrary.make(model), (value) => {
            const wire = JSON.parse(JSON.stringify(encode(value)))
            const decoded = fast(wire)
            expect(decoded).not.toBe(Codec.FAIL)
            expect(equivalence(decoded, decode(wire))).toBe(true)
          }),
          { numRuns: 300 }
        )
      }
    )

    it.each(cases)(
      "%s: each optional field absent, null or present, at every depth: the fast path, with the Schema's result",
      (_, schema, interpreted) => {
        const { encode, equivalence, fast, model } = subject(schema, interpreted)
        const decode = Schema.decodeUnknownSync(model)
        const seen = { absent: 0, null: 0, present: 0 }
        fc.assert(
          fc.property(
            Arbitrary.make(model),
            fc.infiniteStream(fc.constantFrom("absent", "null", "present") as fc.Arbitrary<Presence>),
            (value, choices) => {
              const wire = JSON.parse(JSON.stringify(encode(value)))
              sparsen(model.ast, wire, () => {
                const choice = choices.next().value as Presence
                seen[choice]++
                return choice
              })
              const decoded = fast(wire)
              expect(decoded).not.toBe(Codec.FAIL)
              expect(equivalence(decoded, decode(wire))).toBe(true)
            }
          ),
          { numRuns: 300 }
        )
        // every case was tried, many times over
        expect(Math.min(seen.absent, seen.null, seen.present)).toBeGreaterThan(100)
      }
    )

    it.each(cases)(
      "%s: never accepts what the Schema refuses, nor decodes it differently",
      (_, schema, interpreted) => {
        const { encode, equivalence, fast, model } = subject(schema, interpreted)
        const decode = Schema.decodeUnknownEither(model)
        const check = (input: unknown) => {
          const decoded = fast(input)
          if (decoded === Codec.FAIL) return
          const slow = decode(input)
          expect(Either.isRight(slow)).toBe(true)
          if (Either.isRight(slow)) expect(equivalence(decoded, slow.right)).toBe(true)
        }
        // arbitrary JSON
        fc.assert(fc.property(fc.jsonValue(), check), { numRuns: 500 })
        // valid bodies with one value replaced, removed or nulled
        fc.assert(
          fc.property(
            Arbitrary.make(model),
            fc.nat(),
            fc.oneof(fc.jsonValue(), fc.constant(undefined)),
            (value, pick, replacement) => {
              const wire = JSON.parse(JSON.stringify(encode(value)))
              const paths: Array<Array<string | number>> = []
              const walk = (node: unknown, path: Array<string | number>) => {
                paths.push(path)
                if (Array.isArray(node)) node.forEach((child, i) => walk(child, [...path, i]))
                else if (node !== null && typeof node === "object") {
                  for (const [key, child] of Object.entries(node)) walk(child, [...path, key])
                }
              }
              walk(wire, [])
              const path = paths[pick % paths.length]!
              if (path.length === 0) return check(replacement)
              let parent: any = wire
              for (const key of path.slice(0, -1)) parent = parent[key]
              const last = path[path.length - 1]!
              if (replacement === undefined) delete parent[last]
              else parent[last] = replacement
              check(wire)
            }
          ),
          { numRuns: 1500 }
        )
      }
    )
  })

  describe("fast encoders", () => {
    it.each(models)("%s: writes exactly the JSON the Schema writes, key order included", (_, schema) => {
      const model = schema as unknown as Schema.Schema<unknown, unknown>
      const fast = Codec.encoderFor(model)!
      expect(fast).toBeDefined()
      const encode = Schema.encodeSync(model)
      fc.assert(
        fc.property(Arbitrary.make(model), (value) => {
          expect(JSON.stringify(fast(value))).toBe(JSON.stringify(encode(value)))
        }),
        { numRuns: 300 }
      )
    })

    it("a sparse payment and a full one: none left out, some and lists written, dates with their offset", () => {
      const fast = Codec.encoderFor(Payment.Payment)!
      const encode = Schema.encodeSync(Payment.Payment)
      for (const body of [{ id: 1 }, realPayment]) {
        const payment = Schema.decodeUnknownSync(Payment.Payment)(body)
        expect(JSON.stringify(fast(payment))).toBe(JSON.stringify(encode(payment)))
      }
      expect(fast(Schema.decodeUnknownSync(Payment.Payment)({ id: 1 }))).toEqual({
        id: 1,
        items: [],
        refundOperations: []
      })
    })

    it("Payment.encoder is the fast encoder for the models, Schema.encodeSync for any other schema", () => {
      const payment = Schema.decodeUnknownSync(Payment.Payment)(realPayment)
      expect(Payment.encoder(Payment.Payment)(payment)).toEqual(Schema.encodeSync(Payment.Payment)(payment))
      const other = Schema.Struct({ ...Payment.Payment.fields, note: Schema.NumberFromString })
      expect(Codec.encoderFor(other)).toBeUndefined()
      const noted = { ...payment, note: 12 }
      expect(Payment.encoder(other)(noted)).toEqual({ ...Schema.encodeSync(Payment.Payment)(payment), note: "12" })
    })

    it("a struct with a leaf registered without an encoder has none, though it has a fast decoder", () => {
      const Reference = Codec.leaf(
        Schema.String.annotations({ identifier: "Reference" }),
        (input) => typeof input === "string" ? input : Codec.FAIL
      )
      const struct = Schema.Struct({ id: Payment.PaymentId, reference: Reference })
      expect(Codec.decoderFor(struct)).toBeDefined()
      expect(Codec.encoderFor(struct)).toBeUndefined()
    })
  })
})
