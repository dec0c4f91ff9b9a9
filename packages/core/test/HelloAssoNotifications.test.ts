import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { HelloAssoNotifications as N, Payment, Payments } from "@helloasso-effect/core"
import { Arbitrary, Effect, Either, FastCheck as fc, Fiber, Layer, Option, Redacted, Schema } from "effect"
import { createHmac } from "node:crypto"
import * as Codec from "../src/internal/codec.js"

/** What the suite proved, printed at its end. */
const counts: Record<string, number> = {}
const stats = { add: (name: string, n = 1) => void (counts[name] = (counts[name] ?? 0) + n) }
afterAll(() => console.log(`notifications: ${Object.entries(counts).map(([name, n]) => `${name} ${n}`).join(", ")}`))

// -----------------------------------------------------------------------------
// payloads, written from the documented shapes (the 2026 spec's models)
// -----------------------------------------------------------------------------

const meta = { createdAt: "2024-06-07T14:11:15.7442115+02:00", updatedAt: "2024-06-07T14:12:01.1+02:00" }

const payer = {
  email: "jeanne.martin@example.org",
  address: "3 rue des Lilas",
  city: "Nantes",
  zipCode: "44000",
  country: "FRA",
  company: null,
  dateOfBirth: "1962-04-17T00:00:00+01:00",
  firstName: "Jeanne",
  lastName: "Martin"
}

const paymentData = {
  order: {
    id: 81234567,
    date: "2024-06-07T14:11:15.7442115+02:00",
    formSlug: "adhesion-2024-2025",
    formType: "Membership",
    organizationName: "Les Amis de l'Étang",
    organizationSlug: "les-amis-de-l-etang",
    organizationType: "Association1901",
    organizationIsUnderColucheLaw: false,
    checkoutIntentId: 4412,
    meta,
    // in HelloAsso's notifications, in neither spec
    formName: "Adhésion 2024-2025",
    isAnonymous: false,
    isAmountHidden: true
  },
  payer,
  items: [{
    id: 91234567,
    amount: 3000,
    shareAmount: 3000,
    shareItemAmount: 3000,
    type: "Membership",
    state: "Processed",
    name: "Adhésion"
  }],
  cashOutState: "MoneyIn",
  paymentReceiptUrl: "https://www.helloasso.com/associations/les-amis-de-l-etang/paiement-attestation/91234567",
  id: 71234567,
  amount: 3000,
  amountTip: 0,
  date: "2024-06-07T14:11:15.7442115+02:00",
  paymentMeans: "Card",
  installmentNumber: 1,
  state: "Authorized",
  type: "Credit",
  meta,
  refundOperations: []
}

const paymentBody = { eventType: "Payment", data: paymentData, metadata: { reference: "cart-118", userId: 42 } }

const orderData = {
  payer,
  items: [
    {
      payments: [{ id: 71234567, shareAmount: 2500 }, { id: 71234568, shareAmount: 500 }],
      name: "Billet plein tarif",
      user: { firstName: "Jeanne", lastName: "Martin" },
      priceCategory: "Fixed",
      discount: { code: "ETE24", amount: 500 },
      customFields: [{ id: 12, name: "Régime alimentaire", type: "ChoiceList", answer: "Végétarien" }],
      options: [{
        name: "Repas",
        amount: 1000,
        priceCategory: "Fixed",
        isRequired: false,
        customFields: [],
        optionId: 7
      }],
      ticketUrl: "https://www.helloasso.com/associations/les-amis-de-l-etang/evenements/fete/billets/1",
      qrCode: "MTIzNDU2",
      tierDescription: "Entrée et repas",
      tierId: 5531,
      id: 91234568,
      amount: 3000,
      type: "Registration",
      initialAmount: 3500,
      state: "Processed"
    }
  ],
  payments: [
    {
      items: [{ id: 91234568, shareAmount: 2500, shareItemAmount: 2500, shareOptionsAmount: 0 }],
      cashOutState: "MoneyIn",
      paymentReceiptUrl: "https://www.helloasso.com/associations/les-amis-de-l-etang/paiement-attestation/71234567",
      id: 71234567,
      amount: 2500,
      date: "2024-06-07T14:11:15.7442115+02:00",
      paymentMeans: "Card",
      installmentNumber: 1,
      state: "Authorized",
      type: "Credit",
      meta,
      refundOperations: []
    },
    { id: 71234568, amount: 500, date: "2024-07-07T14:11:15+02:00", state: "Pending", type: "Credit" }
  ],
  amount: { total: 3000, vat: 0, discount: 500 },
  id: 81234568,
  date: "2024-06-07T14:11:15.7442115+02:00",
  formSlug: "fete-de-l-etang",
  formType: "Event",
  organizationName: "Les Amis de l'Étang",
  organizationSlug: "les-amis-de-l-etang",
  organizationType: "Association1901",
  organizationIsUnderColucheLaw: false,
  checkoutIntentId: null,
  meta
}

const orderBody = { eventType: "Order", data: orderData }

const formBody = {
  eventType: "Form",
  data: {
    organizationLogo: "https://cdn.helloasso.com/img/logos/amis.png",
    organizationName: "Les Amis de l'Étang",
    tiers: [{ id: 5531, label: "Plein tarif", price: 3000 }],
    activityType: "Fête",
    place: { address: "Parc de l'Étang", city: "Nantes", zipCode: "44000", country: "FRA" },
    currency: "EUR",
    description: "La fête annuelle",
    startDate: "2024-07-13T18:00:00+02:00",
    endDate: "2024-07-13T23:59:00+02:00",
    meta,
    state: "Public",
    title: "Fête de l'Étang",
    widgetFullUrl: "https://www.helloasso.com/associations/les-amis-de-l-etang/evenements/fete/widget",
    formSlug: "fete-de-l-etang",
    formType: "Event",
    url: "https://www.helloasso.com/associations/les-amis-de-l-etang/evenements/fete",
    organizationSlug: "les-amis-de-l-etang"
  }
}

const organizationBody = {
  eventType: "Organization",
  data: { old_slug_organization: "les-amis-de-l-etang", new_slug_organization: "amis-de-l-etang" }
}

const unknownBody = { eventType: "MembershipRenewal", data: { id: 3, anything: [1, 2] }, metadata: null }

const json = (value: unknown) => JSON.stringify(value)

const decodeOk = (body: unknown) => Effect.runSync(N.decode(typeof body === "string" ? body : json(body)))

const decodeFailure = (body: string | Uint8Array) => Effect.runSync(Effect.flip(N.decode(body)))

const byType = <T extends N.Notification>(guard: (n: N.Notification) => n is T, body: unknown): T => {
  const notification = decodeOk(body)
  expect(guard(notification)).toBe(true)
  return notification as T
}

describe("HelloAssoNotifications", () => {
  describe("decode", () => {
    it("a Payment notification: the payment detail and the checkout metadata", () => {
      const n = byType(N.isPaymentNotification, paymentBody)
      expect(n.data.id).toBe(71234567)
      expect(n.data.state).toEqual(Option.some("Authorized"))
      expect(n.data.amount).toEqual(Option.some(3000))
      expect(Option.map(n.data.order, (order) => order.formSlug)).toEqual(
        Option.some(Option.some("adhesion-2024-2025"))
      )
      expect(n.metadata).toEqual(Option.some({ reference: "cart-118", userId: 42 }))
      expect(Option.map(n.data.order, (order) => [order.formName, order.isAnonymous, order.isAmountHidden])).toEqual(
        Option.some([Option.some("Adhésion 2024-2025"), Option.some(false), Option.some(true)])
      )
      // the same model as Payments.get
      expect(n.data).toEqual(Schema.decodeUnknownSync(Payment.PaymentDetail)(paymentData))
    })

    it("an Order notification: items, payments, payer, amounts", () => {
      const n = byType(N.isOrderNotification, orderBody)
      expect(n.data.id).toBe(81234568)
      expect(n.data.payments.map((p) => p.id)).toEqual([71234567, 71234568])
      expect(n.data.payments[1]!.state).toEqual(Option.some("Pending"))
      expect(n.data.items[0]!.payments).toEqual([
        { id: 71234567, shareAmount: Option.some(2500) },
        { id: 71234568, shareAmount: Option.some(500) }
      ])
      expect(n.data.items[0]!.options[0]!.name).toEqual(Option.some("Repas"))
      expect(n.data.items[0]!.customFields[0]!.answer).toEqual(Option.some("Végétarien"))
      expect(Option.flatMap(n.data.amount, (amount) => amount.discount)).toEqual(Option.some(500))
      expect(Option.flatMap(n.data.payer, (p) => p.email)).toEqual(Option.some("jeanne.martin@example.org"))
      expect(n.data.checkoutIntentId).toEqual(Option.none())
      expect(n.metadata).toEqual(Option.none())
    })

    it("a Form notification", () => {
      const n = byType(N.isFormNotification, formBody)
      expect(n.data.formSlug).toEqual(Option.some("fete-de-l-etang"))
      expect(n.data.formType).toEqual(Option.some("Event"))
      expect(n.data.state).toEqual(Option.some("Public"))
      expect(n.data.title).toEqual(Option.some("Fête de l'Étang"))
      expect(Option.isSome(n.data.startDate)).toBe(true)
    })

    it("an Organization notification: the slugs read from snake_case keys", () => {
      const n = byType(N.isOrganizationNotification, organizationBody)
      expect(n.data).toEqual({ oldSlugOrganization: "les-amis-de-l-etang", newSlugOrganization: "amis-de-l-etang" })
    })

    it("an event type it does not know keeps the whole parsed JSON", () => {
      const n = byType(N.isUnknownNotification, unknownBody)
      expect(n).toEqual({ eventType: "MembershipRenewal", raw: unknownBody })
      expect(N.isPaymentNotification(n)).toBe(false)
    })

    it("reads bytes as UTF-8, like the text", () => {
      const bytes = new TextEncoder().encode(json(orderBody))
      expect(Effect.runSync(N.decode(bytes))).toEqual(decodeOk(orderBody))
    })

    it("the Notification schema decodes every sample as decode does, and encodes back", () => {
      const decodeSchema = Schema.decodeUnknownSync(N.Notification)
      const encodeSchema = Schema.encodeSync(N.Notification)
      for (const body of [paymentBody, orderBody, formBody, organizationBody, unknownBody]) {
        const viaSchema = decodeSchema(body)
        expect(viaSchema).toEqual(decodeOk(body))
        expect(decodeSchema(JSON.parse(json(encodeSchema(viaSchema))))).toEqual(viaSchema)
      }
      expect(encodeSchema(decodeOk(organizationBody))).toEqual(organizationBody)
    })

    describe("drift", () => {
      it("unknown fields are ignored, at every level", () => {
        const drifted = {
          ...orderBody,
          deliveryId: "abc",
          data: {
            ...orderData,
            newTopLevel: { x: 1 },
            items: orderData.items.map((item) => ({ ...item, tags: ["a"] })),
            payments: orderData.payments.map((p) => ({ ...p, provider: "Stripe" }))
          }
        }
        expect(decodeOk(drifted)).toEqual(decodeOk(orderBody))
      })

      it("unknown enum values stay strings", () => {
        const n = byType(N.isOrderNotification, {
          ...orderBody,
          data: {
            ...orderData,
            formType: "Raffle",
            items: [{ id: 1, type: "GiftCard", state: "Frozen", priceCategory: "Auction" }],
            payments: [{ id: 2, state: "Disputed", paymentMeans: "Crypto", cashOutState: "Held" }]
          }
        })
        expect(n.data.formType).toEqual(Option.some("Raffle"))
        expect(n.data.items[0]!.type).toEqual(Option.some("GiftCard"))
        expect(n.data.items[0]!.priceCategory).toEqual(Option.some("Auction"))
        expect(n.data.payments[0]!.state).toEqual(Option.some("Disputed"))
        const payment = byType(N.isPaymentNotification, {
          ...paymentBody,
          data: { ...paymentData, state: "Disputed", paymentMeans: "Crypto" }
        })
        expect(payment.data.state).toEqual(Option.some("Disputed"))
        expect(N.FormState.isKnown("Archived")).toBe(false)
      })

      it("nulls read as absent: Option.none, lists empty", () => {
        const n = byType(N.isOrderNotification, {
          eventType: "Order",
          data: {
            id: 5,
            date: null,
            payer: null,
            items: null,
            payments: null,
            amount: { total: null, vat: null, discount: null },
            formType: null,
            meta: null
          },
          metadata: null
        })
        expect(n.data).toMatchObject({ id: 5, items: [], payments: [], date: Option.none(), payer: Option.none() })
        expect(n.data.amount).toEqual(
          Option.some({ total: Option.none(), vat: Option.none(), discount: Option.none() })
        )
        expect(n.metadata).toEqual(Option.none())
        // the smallest order: only its id
        expect(byType(N.isOrderNotification, { eventType: "Order", data: { id: 6 } }).data.items).toEqual([])
        const form = byType(N.isFormNotification, { eventType: "Form", data: {} })
        expect(form.data.title).toEqual(Option.none())
      })
    })

    describe("failures: a DecodeError that says where, never quoting the body", () => {
      it("not JSON, not UTF-8, not an object", () => {
        expect(decodeFailure("{\"eventType\": \"Payment\", jeanne.martin@example.org")).toMatchObject({
          _tag: "DecodeError",
          reason: "InvalidJson",
          operation: "HelloAssoNotifications.decode"
        })
        expect(decodeFailure(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))).toMatchObject({ reason: "InvalidJson" })
        expect(decodeFailure("[1, 2]")).toMatchObject({ reason: "Schema", path: "" })
        expect(decodeFailure("")).toMatchObject({ reason: "InvalidJson" })
      })

      it("eventType missing or not a string", () => {
        expect(decodeFailure(json({ data: {} }))).toMatchObject({ reason: "Schema", path: "eventType" })
        expect(decodeFailure(json({ eventType: 3, data: {} }))).toMatchObject({ reason: "Schema", path: "eventType" })
      })

      it("a known event type whose data does not fit: the path of the problem, no value", () => {
        const missingId = decodeFailure(json({ eventType: "Order", data: { ...orderData, id: undefined } }))
        expect(missingId).toMatchObject({ reason: "Schema", path: "data.id" })
        const badDate = decodeFailure(json({
          ...paymentBody,
          data: { ...paymentData, payer: { ...payer, dateOfBirth: "jeanne.martin@example.org" } }
        }))
        expect(badDate).toMatchObject({ reason: "Schema", path: "data.payer.dateOfBirth" })
        expect(badDate.message).not.toContain("jeanne")
        const noData = decodeFailure(json({ eventType: "Payment" }))
        expect(noData).toMatchObject({ reason: "Schema", path: "data" })
        const badSlug = decodeFailure(json({ eventType: "Organization", data: { old_slug_organization: "a" } }))
        expect(badSlug).toMatchObject({ reason: "Schema", path: "data.new_slug_organization" })
      })
    })

    describe("fast decoders", () => {
      const members = [
        ["PaymentNotification", N.PaymentNotification],
        ["OrderNotification", N.OrderNotification],
        ["FormNotification", N.FormNotification],
        ["OrganizationNotification", N.OrganizationNotification]
      ] as const
      const cases = members.flatMap(([name, schema]) =>
        [false, true].map((interpreted) =>
          [`${name} (${interpreted ? "interpreted" : "compiled"})`, schema, interpreted] as const
        )
      )
      // metadata is any JSON: compared by value, the rest with the model's equivalence
      const same = (model: Schema.Schema<any, any>, a: any, b: any) => {
        expect(a.metadata).toEqual(b.metadata)
        expect(Schema.equivalence(model)({ ...a, metadata: Option.none() }, { ...b, metadata: Option.none() })).toBe(
          true
        )
      }

      it.each(cases)("%s: valid bodies take the fast path, with the Schema's result", (_, schema, interpreted) => {
        const model = schema as unknown as Schema.Schema<any, any>
        const fast = Codec.decoderFor(model, { interpreted })!
        const encode = Schema.encodeSync(model)
        const decode = Schema.decodeUnknownSync(model)
        fc.assert(
          fc.property(Arbitrary.make(model), (value) => {
            const wire = JSON.parse(json(encode(value)))
            const decoded = fast(wire)
            expect(decoded).not.toBe(Codec.FAIL)
            same(model, decoded, decode(wire))
          }),
          { numRuns: 60 }
        )
      })

      it.each(cases)("%s: never accepts what the Schema refuses", (_, schema, interpreted) => {
        const model = schema as unknown as Schema.Schema<any, any>
        const fast = Codec.decoderFor(model, { interpreted })!
        const encode = Schema.encodeSync(model)
        const decode = Schema.decodeUnknownEither(model)
        fc.assert(
          fc.property(Arbitrary.make(model), fc.nat(), fc.jsonValue(), (value, pick, replacement) => {
            const wire = JSON.parse(json(encode(value)))
            const data = wire.data as Record<string, unknown>
            const keys = Object.keys(data)
            if (keys.length > 0) data[keys[pick % keys.length]!] = replacement
            const decoded = fast(wire)
            if (decoded === Codec.FAIL) return
            const slow = decode(wire)
            expect(Either.isRight(slow)).toBe(true)
            if (Either.isRight(slow)) same(model, decoded, slow.right)
          }),
          { numRuns: 150 }
        )
      })
    })
  })

  describe("signatures", () => {
    const key = Redacted.make("c2lnbmF0dXJlLWtleS1mb3ItdGVzdHM=")
    const body = json(paymentBody)
    const reference = (text: string | Uint8Array, secret: string) =>
      createHmac("sha256", secret).update(text).digest("hex")

    it.effect("sign is the lowercase hex HMAC-SHA256 of the body, keyed with the key's UTF-8 bytes", () =>
      Effect.gen(function*() {
        const signature = yield* N.sign(body, key)
        expect(signature).toBe(reference(body, Redacted.value(key)))
        expect(signature).toMatch(/^[0-9a-f]{64}$/)
        expect(yield* N.sign(new TextEncoder().encode(body), key)).toBe(signature)
        const accents = Redacted.make("clé-é")
        expect(yield* N.sign("Étang", accents)).toBe(reference("Étang", "clé-é"))
      }))

    it.effect("the right key is accepted; a modified byte, another key or a malformed signature are refused", () =>
      Effect.gen(function*() {
        const signature = reference(body, Redacted.value(key))
        expect(yield* N.verifySignature(body, signature, key)).toBe(true)
        expect(yield* N.verifySignature(new TextEncoder().encode(body), signature, key)).toBe(true)
        // uppercase hex is the same signature
        expect(yield* N.verifySignature(body, signature.toUpperCase(), key)).toBe(true)

        const bytes = new TextEncoder().encode(body)
        for (const index of [0, 17, bytes.length - 1]) {
          const modified = bytes.slice()
          modified[index] = modified[index]! ^ 1
          expect(yield* N.verifySignature(modified, signature, key)).toBe(false)
        }
        expect(yield* N.verifySignature(body, signature, Redacted.make("another key"))).toBe(false)
        expect(yield* N.verifySignature(body, reference(body, "another key"), key)).toBe(false)

        const flipped = (signature[0] === "0" ? "1" : "0") + signature.slice(1)
        for (
          const malformed of [
            flipped,
            "",
            "zz",
            signature.slice(0, 62),
            `${signature}00`,
            signature.replace(/.$/, "g"),
            `sha256=${signature}`
          ]
        ) {
          expect(yield* N.verifySignature(body, malformed, key)).toBe(false)
        }
        expect(yield* N.verifySignature(body, signature, Redacted.make(""))).toBe(false)
      }))
  })

  describe("NotificationStore", () => {
    it.effect("claims once, forgets a released key, and past capacity forgets the oldest first", () =>
      Effect.gen(function*() {
        const store = N.makeMemoryStore({ capacity: 2 })
        expect(yield* store.claim("a")).toBe(true)
        expect(yield* store.claim("a")).toBe(false)
        yield* store.release("a")
        expect(yield* store.claim("a")).toBe(true)
        expect(yield* store.claim("b")).toBe(true)
        expect(yield* store.claim("c")).toBe(true)
        // "a" was the oldest
        expect(yield* store.claim("b")).toBe(false)
        expect(yield* store.claim("c")).toBe(false)
        expect(yield* store.claim("a")).toBe(true)
      }))

    it.effect("layerMemory provides one", () =>
      Effect.gen(function*() {
        const store = yield* N.NotificationStore
        expect(yield* store.claim("x")).toBe(true)
        expect(yield* store.claim("x")).toBe(false)
      }).pipe(Effect.provide(N.layerMemory())))

    it("refuses a capacity that is not a positive integer", () => {
      expect(() => N.makeMemoryStore({ capacity: 0 })).toThrow(RangeError)
      expect(() => N.makeMemoryStore({ capacity: 1.5 })).toThrow(RangeError)
    })
  })

  describe("httpApp", () => {
    const key = Redacted.make("whsec-test-key")
    const url = "http://localhost/helloasso/notifications"

    const recorder = (
      behaviour: (n: N.Notification, run: number) => Effect.Effect<void, string> = () => Effect.void
    ) => {
      const handled: Array<N.Notification> = []
      const handler = (notification: N.Notification) =>
        Effect.suspend(() => {
          handled.push(notification)
          return behaviour(notification, handled.length)
        })
      return { handled, handler }
    }

    /** A web handler over the app, the request's source address taken from `x-test-remote` (tests only). */
    const serve = <E>(app: HttpApp.Default<E>) =>
      HttpApp.toWebHandler(
        Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
          const remote = request.headers["x-test-remote"]
          return remote === undefined
            ? app
            : Effect.provideService(app, HttpServerRequest.HttpServerRequest, request.modify({ remoteAddress: remote }))
        })
      )

    const post = (
      handler: (request: Request) => Promise<Response>,
      body: string,
      headers: Record<string, string> = {}
    ) =>
      Effect.promise(async () => {
        const response = await handler(new Request(url, { method: "POST", body, headers }))
        return { status: response.status, text: await response.text() }
      })

    const signed = (body: string) => Effect.map(N.sign(body, key), (signature) => ({ [N.signatureHeader]: signature }))

    it.effect("200 handled; a redelivery is answered 200 without running the handler again", () =>
      Effect.gen(function*() {
        const { handled, handler } = recorder()
        const web = serve(N.httpApp(handler, { signatureKey: key }))
        const body = json(paymentBody)
        const headers = yield* signed(body)
        expect(yield* post(web, body, headers)).toEqual({ status: 200, text: "handled" })
        expect(yield* post(web, body, headers)).toEqual({ status: 200, text: "duplicate" })
        expect(handled).toHaveLength(1)
        stats.add("redeliveries dropped")
        expect(handled[0]).toEqual(decodeOk(paymentBody))
        // another notification is handled
        const other = json(orderBody)
        expect((yield* post(web, other, yield* signed(other))).status).toBe(200)
        expect(handled.map((n) => n.eventType)).toEqual(["Payment", "Order"])
      }))

    it.effect("401 for a missing, wrong or malformed signature, or a modified body: nothing run", () =>
      Effect.gen(function*() {
        const { handled, handler } = recorder()
        const web = serve(N.httpApp(handler, { signatureKey: key }))
        const body = json(paymentBody)
        const good = yield* N.sign(body, key)
        const wrongKey = yield* N.sign(body, Redacted.make("not the key"))
        expect((yield* post(web, body)).status).toBe(401)
        expect((yield* post(web, body, { [N.signatureHeader]: wrongKey })).status).toBe(401)
        expect((yield* post(web, body, { [N.signatureHeader]: "not-hex" })).status).toBe(401)
        const modified = body.replace("3000", "3001")
        expect((yield* post(web, modified, { [N.signatureHeader]: good })).status).toBe(401)
        expect(handled).toHaveLength(0)
        stats.add("signatures refused", 4)
        // a refused delivery claimed nothing: the genuine one is handled
        expect((yield* post(web, body, { [N.signatureHeader]: good })).status).toBe(200)
        expect(handled).toHaveLength(1)
      }))

    it.effect("without a signature key, unsigned notifications are handled", () =>
      Effect.gen(function*() {
        const { handled, handler } = recorder()
        const web = serve(N.httpApp(handler))
        expect((yield* post(web, json(organizationBody))).status).toBe(200)
        expect(handled).toHaveLength(1)
      }))

    it.effect("400 for an undecodable body, nothing run", () =>
      Effect.gen(function*() {
        const { handled, handler } = recorder()
        const web = serve(N.httpApp(handler, { signatureKey: key }))
        for (const body of ["not json", json({ eventType: "Payment", data: { id: "x" } }), json([1])]) {
          const response = yield* post(web, body, yield* signed(body))
          expect(response.status).toBe(400)
          expect(response.text).toContain("undecodable notification")
        }
        expect(handled).toHaveLength(0)
      }))

    it.effect("413 past maxBodyBytes (1 MiB by default), nothing run", () =>
      Effect.gen(function*() {
        const { handled, handler } = recorder()
        const body = json(paymentBody)
        const small = serve(N.httpApp(handler, { maxBodyBytes: body.length - 1 }))
        expect((yield* post(small, body)).status).toBe(413)
        const exact = serve(N.httpApp(handler, { maxBodyBytes: new TextEncoder().encode(body).length }))
        expect((yield* post(exact, body)).status).toBe(200)
        const byDefault = serve(N.httpApp(handler))
        const huge = json({ ...unknownBody, data: "x".repeat(1024 * 1024) })
        expect((yield* post(byDefault, huge)).status).toBe(413)
        expect(handled).toHaveLength(1)
      }))

    it.effect("403 for a source address not allowed (or unknown), nothing run; IPv4-mapped addresses match", () =>
      Effect.gen(function*() {
        const { handled, handler } = recorder()
        const web = serve(N.httpApp(handler, { allowedIps: N.helloAssoIps.production }))
        const body = json(formBody)
        expect((yield* post(web, body, { "x-test-remote": "203.0.113.7" })).status).toBe(403)
        expect((yield* post(web, body, { "x-test-remote": N.helloAssoIps.sandbox[0]! })).status).toBe(403)
        expect((yield* post(web, body)).status).toBe(403)
        expect(handled).toHaveLength(0)
        expect((yield* post(web, body, { "x-test-remote": "51.138.206.200" })).status).toBe(200)
        const mapped = json(organizationBody)
        expect((yield* post(web, mapped, { "x-test-remote": "::ffff:51.138.206.200" })).status).toBe(200)
        expect(handled).toHaveLength(2)
      }))

    it.effect("500 when the handler fails or dies, then the redelivery runs it again: 200", () =>
      Effect.gen(function*() {
        const { handled, handler } = recorder((_, run) =>
          run === 1 ? Effect.fail("database down") : run === 2 ? Effect.die(new Error("bug")) : Effect.void
        )
        const web = serve(N.httpApp(handler, { signatureKey: key }))
        const body = json(paymentBody)
        const headers = yield* signed(body)
        expect(yield* post(web, body, headers)).toEqual({ status: 500, text: "handler failed" })
        expect((yield* post(web, body, headers)).status).toBe(500)
        expect(yield* post(web, body, headers)).toEqual({ status: 200, text: "handled" })
        expect(yield* post(web, body, headers)).toEqual({ status: 200, text: "duplicate" })
        expect(handled).toHaveLength(3)
      }))

    it.effect("409 for a redelivery while the first delivery is still being handled", () =>
      Effect.gen(function*() {
        let open!: () => void
        const gate = new Promise<void>((resolve) => open = resolve)
        const { handled, handler } = recorder(() => Effect.promise(() => gate))
        const web = serve(N.httpApp(handler))
        const body = json(orderBody)
        const first = yield* Effect.fork(post(web, body))
        // the first delivery is in the handler
        while (handled.length === 0) yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 1)))
        expect((yield* post(web, body)).status).toBe(409)
        open()
        expect((yield* Fiber.join(first)).status).toBe(200)
        expect((yield* post(web, body)).status).toBe(200)
        expect(handled).toHaveLength(1)
      }))

    it.effect("a provided NotificationStore is shared: a redelivery to another app is dropped too", () =>
      Effect.gen(function*() {
        const { handled, handler } = recorder()
        const store = N.makeMemoryStore()
        const app = N.httpApp(handler).pipe(Effect.provideService(N.NotificationStore, store))
        const one = serve(app)
        const two = serve(app)
        const body = json(paymentBody)
        expect((yield* post(one, body)).status).toBe(200)
        expect((yield* post(two, body)).text).toBe("duplicate")
        expect(handled).toHaveLength(1)
      }))

    it.effect("only POST: 405 otherwise", () =>
      Effect.gen(function*() {
        const { handled, handler } = recorder()
        const web = serve(N.httpApp(handler))
        const response = yield* Effect.promise(() => web(new Request(url, { method: "GET" })))
        expect(response.status).toBe(405)
        expect(response.headers.get("allow")).toBe("POST")
        expect(handled).toHaveLength(0)
      }))
  })

  describe("reconcile", () => {
    const fetched: Array<number> = []
    const detail = (id: number) =>
      Schema.decodeUnknownSync(Payment.PaymentDetail)({ ...paymentData, id, state: "Refunded" })
    const payments = Layer.succeed(Payments.Payments, {
      get: (id: number) => Effect.sync(() => (fetched.push(id), detail(id)))
    } as unknown as Payments.Service)

    it.effect("fetches a Payment notification's payment, an Order's payments once each, nothing for the others", () =>
      Effect.gen(function*() {
        fetched.length = 0
        const payment = yield* N.reconcile(decodeOk(paymentBody))
        expect(payment.map((p) => [p.id, p.state])).toEqual([[71234567, Option.some("Refunded")]])
        const order = yield* N.reconcile(decodeOk({
          ...orderBody,
          data: { ...orderData, payments: [...orderData.payments, { id: 71234567 }] }
        }))
        expect(order.map((p) => p.id)).toEqual([71234567, 71234568])
        expect(yield* N.reconcile(decodeOk(formBody))).toEqual([])
        expect(yield* N.reconcile(decodeOk(organizationBody))).toEqual([])
        expect(yield* N.reconcile(decodeOk(unknownBody))).toEqual([])
        expect(fetched).toEqual([71234567, 71234567, 71234568])
      }).pipe(Effect.provide(payments)))
  })
})
