import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import { HelloAssoClient, HelloAssoError, Payment, Payments } from "@helloasso-effect/core"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import { Chunk, DateTime, Duration, Effect, Fiber, Option, Redacted, Stream, TestClock } from "effect"
import { withTestClock } from "./support/clock.js"
import * as Scripted from "./support/scripted.js"

const Simulator = HelloAssoSimulator.HelloAssoSimulator

const setup = Effect.all([Payments.Payments, Simulator])

const simulated = (options: Parameters<typeof HelloAssoSimulator.layerHelloAsso>[0] = {}) =>
  Effect.provide(HelloAssoSimulator.layerHelloAsso({ payments: 120, ...options }))

const ids = (payments: Iterable<{ readonly id: number }>) => Array.from(payments, (p) => p.id)

const lastRequest = Effect.map(Effect.flatMap(Simulator, (s) => s.requests), (log) => log.at(-1)!)

describe("Payments", () => {
  describe("operations and parameters", () => {
    it.effect("a plain date is midnight in Paris, a date-time without offset Paris time: both sent with the offset", () =>
      Effect.gen(function*() {
        const [payments, simulator] = yield* setup
        const organizationSlug = simulator.organization.slug
        yield* payments.listByOrganization({ organizationSlug, from: "2025-01-15", to: "2025-08-30T09:30:00" })
        expect((yield* lastRequest).query).toMatchObject({
          from: ["2025-01-15T00:00:00.000+01:00"],
          to: ["2025-08-30T09:30:00.000+02:00"]
        })
        // with an offset, a date is sent as given (7 fractional digits included)
        yield* payments.listByOrganization({ organizationSlug, from: "2024-06-07T14:11:15.7442115+02:00" })
        expect((yield* lastRequest).query).toMatchObject({ from: ["2024-06-07T14:11:15.7442115+02:00"] })
        const invalid = yield* Effect.flip(payments.listByOrganization({ organizationSlug, from: "2025-02-30" }))
        expect(invalid).toMatchObject({ _tag: "ValidationError", field: "from" })
      }).pipe(simulated()))

    it.effect("listByOrganization sends every parameter, arrays as repeated keys", () =>
      Effect.gen(function*() {
        const [payments, simulator] = yield* setup
        const organizationSlug = simulator.organization.slug
        const page = yield* payments.listByOrganization({
          organizationSlug,
          from: new Date("2024-01-01T00:00:00.000Z"),
          to: DateTime.unsafeMake("2025-01-01T00:00:00.000Z"),
          userSearchKey: "Dupré",
          states: ["Authorized", "Refunded"],
          sortField: "Date",
          sortOrder: "Asc",
          pageSize: 5,
          pageIndex: 2,
          withCount: true
        })
        const request = yield* lastRequest
        expect(request.path).toBe(`/v5/organizations/${organizationSlug}/payments`)
        expect(request.query).toEqual({
          from: ["2024-01-01T00:00:00.000Z"],
          to: ["2025-01-01T00:00:00.000Z"],
          usersearchkey: ["Dupré"],
          states: ["Authorized", "Refunded"],
          sortfield: ["Date"],
          sortorder: ["Asc"],
          pagesize: ["5"],
          pageindex: ["2"],
          withcount: ["true"]
        })
        expect(request.headers["user-agent"]).toBe("helloasso-effect/0.1.0")
        expect(request.headers["accept"]).toBe("application/json")
        expect(request.headers["authorization"]).toBe("Bearer ***")
        const expected = yield* simulator.listPayments({
          from: "2024-01-01T00:00:00.000Z",
          to: "2025-01-01T00:00:00.000Z",
          userSearchKey: "Dupré",
          states: ["Authorized", "Refunded"],
          sortOrder: "Asc"
        })
        expect(ids(page.data)).toEqual(ids(expected.slice(5, 10)))
        expect(Option.flatMap(page.pagination, (p) => p.totalCount)).toEqual(Option.some(expected.length))
      }).pipe(simulated({ payments: 1500 })))

    it.effect("listByForm puts the form in the path, percent-encoded", () =>
      Effect.gen(function*() {
        const [payments, simulator] = yield* setup
        const form = simulator.forms.find((f) => f.formType === "Event")!
        const page = yield* payments.listByForm({
          organizationSlug: simulator.organization.slug,
          formType: "Event",
          formSlug: form.formSlug,
          pageSize: 100
        })
        expect(page.data.length).toBeGreaterThan(0)
        expect(page.data.every((p) => Option.getOrThrow(p.order).formSlug.pipe(Option.getOrThrow) === form.formSlug))
          .toBe(true)
        const missing = yield* Effect.flip(
          payments.listByForm({
            organizationSlug: simulator.organization.slug,
            formType: "Event",
            formSlug: "fête-d’été"
          })
        )
        expect((yield* lastRequest).path).toBe(
          `/v5/organizations/${simulator.organization.slug}/forms/Event/f%C3%AAte-d%E2%80%99%C3%A9t%C3%A9/payments`
        )
        expect(missing).toMatchObject({ _tag: "HttpError", reason: "NotFound", status: 404 })
      }).pipe(simulated()))

    it.effect("search sends every parameter and decodes PublicPayment pages", () =>
      Effect.gen(function*() {
        const [payments, simulator] = yield* setup
        const truth = yield* simulator.searchPayments({ formTypes: ["Membership", "Donation"], sortOrder: "Asc" })
        const target = truth.find((p) => typeof p.userId === "number")!
        const page = yield* payments.search({
          organizationSlug: simulator.organization.slug,
          formTypes: ["Membership", "Donation"],
          states: [target.status as Payments.KnownPaymentState],
          userId: target.userId!,
          searchKey: target.userLastName!,
          amount: target.amount!,
          sortOrder: "Asc",
          sortField: "Date",
          pageSize: 50
        })
        expect(ids(page.data)).toContain(target.id)
        expect(page.data.every((p) => p.userId._tag === "Some" && p.userId.value === target.userId)).toBe(true)
        expect((yield* lastRequest).query).toMatchObject({
          formtypes: ["Membership", "Donation"],
          userid: [String(target.userId)],
          amount: [String(target.amount)]
        })
      }).pipe(simulated({ payments: 800 })))

    it.effect("get returns the detail, with failed refund operations on request", () =>
      Effect.gen(function*() {
        const [payments, simulator] = yield* setup
        const all = yield* simulator.listPayments({ states: ["Authorized"] })
        let target: number | undefined
        for (const p of all) {
          const detail = yield* simulator.payment(p.id, { withFailedRefundOperation: true })
          if ((detail?.refundOperations?.length ?? 0) > 0) {
            target = p.id
            break
          }
        }
        const plain = yield* payments.get(target!)
        expect(plain.refundOperations).toEqual([])
        const withFailed = yield* payments.get(target!, { withFailedRefundOperation: true })
        expect(withFailed.refundOperations.length).toBe(1)
        expect(["Refused", "Aborted", "Error", "Canceled"]).toContain(
          Option.getOrThrow(withFailed.refundOperations[0]!.state)
        )
        expect((yield* lastRequest).query).toEqual({ withfailedrefundoperation: ["true"] })
      }).pipe(simulated({ payments: 3000 })))

    it.effect("exportByOrganization streams HelloAsso's CSV; XLSX is refused by the simulator with 406", () =>
      Effect.gen(function*() {
        const [payments, simulator] = yield* setup
        const chunks = yield* payments.exportByOrganization({
          organizationSlug: simulator.organization.slug,
          format: "csv",
          states: ["Authorized"]
        }).pipe(Stream.runCollect)
        const bytes = Chunk.toReadonlyArray(chunks)
        expect(bytes.length).toBeGreaterThan(1)
        const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(Buffer.concat(bytes))
        expect(text.charCodeAt(0)).toBe(0xfeff)
        const rows = text.slice(1).split("\r\n").filter((line) => line !== "").slice(1)
        expect(rows.map((row) => Number(row.split(";")[0]))).toEqual(
          ids(yield* simulator.listPayments({ states: ["Authorized"] }))
        )
        expect((yield* lastRequest).headers["accept"]).toBe("text/csv")
        const xlsx = yield* Effect.flip(
          Stream.runDrain(
            payments.exportByOrganization({ organizationSlug: simulator.organization.slug, format: "xlsx" })
          )
        )
        expect(xlsx).toMatchObject({ _tag: "HttpError", reason: "NotAcceptable", status: 406 })
      }).pipe(simulated({ payments: 1500 })))
  })

  describe("streams", () => {
    it.effect.each<readonly [number, number]>([
      [0, 20],
      [1, 20],
      [20, 20],
      [21, 20],
      [250, 100],
      [97, 7]
    ])(
      "stream of %i payments by pages of %i equals the ground truth, once and in order",
      ([count, pageSize]) =>
        Effect.gen(function*() {
          const [payments, simulator] = yield* setup
          const streamed = yield* payments.streamByOrganization({
            organizationSlug: simulator.organization.slug,
            pageSize
          })
            .pipe(Stream.runCollect)
          expect(ids(streamed)).toEqual(ids(yield* simulator.listPayments()))
          // one request per page, plus the empty page that ends the listing
          const pages = (yield* simulator.requests).filter((e) => e.endpoint === "listByOrganization").length
          expect(pages).toBe(Math.ceil(count / pageSize) + 1)
        }).pipe(simulated({ payments: count }))
    )

    it.effect("pages expose their continuation token; resuming from one gives exactly the rest", () =>
      Effect.gen(function*() {
        const [payments, simulator] = yield* setup
        const params = { organizationSlug: simulator.organization.slug, pageSize: 10 }
        const pages = Chunk.toReadonlyArray(yield* Stream.runCollect(payments.pagesByOrganization(params)))
        expect(pages.length).toBe(5)
        const token = Option.getOrThrow(Option.flatMap(pages[1]!.pagination, (p) => p.continuationToken))
        const rest = yield* Stream.runCollect(payments.streamByOrganization({ ...params, continuationToken: token }))
        expect(ids(rest)).toEqual(pages.slice(2).flatMap((page) => ids(page.data)))
      }).pipe(simulated({ payments: 45 })))

    it.effect(
      "the next request leaves before a page is decoded; a page that then fails to decode fails the stream with its token",
      () => {
        // the second page's body stays JSON with its continuation token, but one payment has no valid id
        let listed = 0
        const transformClient = (client: HttpClient.HttpClient) =>
          HttpClient.transformResponse(client, (response) =>
            Effect.flatMap(response, (answer) => {
              if (!answer.request.url.includes("/payments") || ++listed !== 2) return Effect.succeed(answer)
              return Effect.map(answer.json, (json) => {
                const page = json as { data: Array<Record<string, unknown>> }
                page.data[0] = { ...page.data[0], id: "not an id" }
                const body = JSON.stringify(page)
                return HttpClientResponse.fromWeb(
                  answer.request,
                  new Response(body, { status: 200, headers: { "content-type": "application/json" } })
                )
              })
            }))
        return Effect.gen(function*() {
          const [payments, simulator] = yield* setup
          const params = { organizationSlug: simulator.organization.slug, pageSize: 100 }
          const delivered: Array<number> = []
          const error = yield* payments.streamByOrganization(params, { prefetch: 1 }).pipe(
            Stream.runForEach((payment) => Effect.sync(() => delivered.push(payment.id))),
            Effect.flip
          )
          expect(error._tag).toBe("DecodeError")
          expect(delivered).toEqual(ids(yield* simulator.listPayments()).slice(0, 100))
          // the third page was asked for on the second page's token before that page failed to decode
          const requested = (yield* simulator.requests).filter((e) => e.endpoint === "listByOrganization").length
          expect(requested).toBe(3)
          const rest = yield* Stream.runCollect(
            payments.streamByOrganization({ ...params, continuationToken: error.continuationToken })
          )
          expect([...delivered, ...ids(rest)]).toEqual(ids(yield* simulator.listPayments()))
        }).pipe(simulated({ payments: 250, client: { transformClient } }))
      }
    )

    it.effect("a failed stream carries the last good token, and resuming delivers exactly the rest", () =>
      Effect.gen(function*() {
        const [payments, simulator] = yield* setup
        yield* simulator.setFaults([
          { endpoint: "listByOrganization", on: [4], fault: HelloAssoSimulator.fault.status(500) }
        ])
        const params = { organizationSlug: simulator.organization.slug, pageSize: 10 }
        const delivered: Array<number> = []
        const error = yield* payments.streamByOrganization(params).pipe(
          Stream.runForEach((p) => Effect.sync(() => delivered.push(p.id))),
          Effect.flip
        )
        expect(error).toMatchObject({ _tag: "HttpError", status: 500 })
        expect(delivered.length).toBe(30)
        expect(error.continuationToken).toBeDefined()
        expect(error.message).toContain("resume")
        const rest = yield* Stream.runCollect(
          payments.streamByOrganization({ ...params, continuationToken: error.continuationToken! })
        )
        expect([...delivered, ...ids(rest)]).toEqual(ids(yield* simulator.listPayments()))
      }).pipe(simulated({ payments: 75 })))

    it.effect("prefetch on and off give the same payments", () =>
      Effect.gen(function*() {
        const [payments, simulator] = yield* setup
        const params = { organizationSlug: simulator.organization.slug, pageSize: 13 }
        const streams = yield* Effect.all(
          [0, 1, 4].map((prefetch) => Stream.runCollect(payments.streamByOrganization(params, { prefetch })))
        )
        for (const streamed of streams) expect(ids(streamed)).toEqual(ids(yield* simulator.listPayments()))
      }).pipe(simulated({ payments: 100 })))

    it.effect("a stream stopped early interrupts the request sent ahead for the next page", () =>
      Effect.gen(function*() {
        const [payments, simulator] = yield* setup
        // the second page takes a minute of (test) time: stopping after the first must not wait for it
        yield* simulator.setFaults([
          { endpoint: "listByOrganization", on: [2], fault: HelloAssoSimulator.fault.latency(60_000) }
        ])
        const params = { organizationSlug: simulator.organization.slug, pageSize: 10 }
        const listed = Effect.map(
          simulator.requests,
          (log) => log.filter((e) => e.endpoint === "listByOrganization").map((e) => e.status)
        )
        const first = yield* payments.streamByOrganization(params).pipe(Stream.take(10), Stream.runCollect)
        expect(ids(first)).toEqual(ids(yield* simulator.listPayments()).slice(0, 10))
        // the second page was requested, and its request interrupted: it is never answered
        yield* TestClock.adjust(Duration.minutes(5))
        expect(yield* listed).toEqual([200, undefined])
      }).pipe(simulated({ payments: 100 })))

    it.effect("the form and search streams paginate too", () =>
      Effect.gen(function*() {
        const [payments, simulator] = yield* setup
        const form = simulator.forms[0]!
        const byForm = yield* Stream.runCollect(payments.streamByForm({
          organizationSlug: simulator.organization.slug,
          formType: form.formType as Payments.KnownFormType,
          formSlug: form.formSlug,
          pageSize: 9
        }))
        expect(ids(byForm)).toEqual(
          ids(yield* simulator.listPayments({ formType: form.formType, formSlug: form.formSlug }))
        )
        const searched = yield* Stream.runCollect(
          payments.streamSearch({ organizationSlug: simulator.organization.slug, pageSize: 11, states: ["Authorized"] })
        )
        expect(ids(searched)).toEqual(ids(yield* simulator.searchPayments({ states: ["Authorized"] })))
      }).pipe(simulated({ payments: 150 })))

    it.effect("a page with data: null ends the stream", () => {
      const scripted = Scripted.layer(() => Scripted.json(Scripted.page(null, "t1")))
      return Effect.gen(function*() {
        const payments = yield* Payments.Payments
        const streamed = yield* Stream.runCollect(payments.streamByOrganization({ organizationSlug: "asso" }))
        expect(Chunk.size(streamed)).toBe(0)
        expect(scripted.seen.length).toBe(1)
      }).pipe(Effect.provide(scripted.layer))
    })

    it.effect("sparse answers decode: only ids and a page's data are required, a page without pagination is the last", () => {
      // real-shaped bodies with every field the specs allow to be left out left out, or null
      const scripted = Scripted.layer((request, url) => {
        if (request.method === "POST") return Scripted.json({ id: 77 })
        if (url.pathname.endsWith("/payments/search")) {
          return Scripted.json({ data: [{ id: 5 }, { id: 6, status: null }] })
        }
        if (url.pathname.endsWith("/payments")) {
          return Scripted.json({
            data: [
              { id: 1 },
              { id: 2, amount: null, date: null, state: null, order: { id: 20 }, payer: {}, items: [{ id: 200 }] },
              { id: 3, refundOperations: [{ id: 30 }], meta: {} }
            ]
          })
        }
        return Scripted.json({ id: 4, order: null, items: null, refundOperations: null })
      })
      return Effect.gen(function*() {
        const payments = yield* Payments.Payments
        const streamed = Chunk.toReadonlyArray(
          yield* Stream.runCollect(payments.streamByOrganization({ organizationSlug: "asso" }))
        )
        expect(ids(streamed)).toEqual([1, 2, 3])
        // no pagination: the listing ends without asking for a next page
        expect(scripted.seen.length).toBe(1)
        const [first, second, third] = streamed
        expect([first!.amount, first!.date, first!.state, first!.order, first!.payer]).toEqual(
          Array(5).fill(Option.none())
        )
        expect(first!.items).toEqual([])
        expect(second!.amount).toEqual(Option.none())
        expect(Option.map(second!.order, (order) => [order.id, order.date])).toEqual(Option.some([20, Option.none()]))
        expect(second!.items.map((item) => [item.id, item.amount, item.shareAmount])).toEqual([
          [200, Option.none(), Option.none()]
        ])
        expect(third!.refundOperations.map((op) => [op.id, op.amount, op.state])).toEqual([
          [30, Option.none(), Option.none()]
        ])
        expect(Option.map(third!.meta, (meta) => meta.createdAt)).toEqual(Option.some(Option.none()))
        const page = yield* payments.listByOrganization({ organizationSlug: "asso" })
        expect(page.pagination).toEqual(Option.none())
        const searched = Chunk.toReadonlyArray(
          yield* Stream.runCollect(payments.streamSearch({ organizationSlug: "asso" }))
        )
        expect(searched.map((p) => [p.id, p.state, p.orderId])).toEqual([
          [5, Option.none(), Option.none()],
          [6, Option.none(), Option.none()]
        ])
        const detail = yield* payments.get(4)
        expect([detail.id, detail.amount, detail.order, detail.items, detail.refundOperations]).toEqual([
          4,
          Option.none(),
          Option.none(),
          [],
          []
        ])
        const refund = yield* payments.refund(4, { amount: 100 })
        expect([refund.id, refund.paymentId, refund.amount, refund.state]).toEqual([
          77,
          Option.none(),
          Option.none(),
          Option.none()
        ])
      }).pipe(Effect.provide(scripted.layer))
    })

    it.effect("an answer without the ids or the data the library works with is a DecodeError", () => {
      const scripted = Scripted.layer((_, url) =>
        url.pathname.endsWith("/payments") ? Scripted.json({ pagination: {} }) : Scripted.json({ amount: 100 })
      )
      return Effect.gen(function*() {
        const payments = yield* Payments.Payments
        const noData = yield* Effect.flip(payments.listByOrganization({ organizationSlug: "asso" }))
        expect(noData).toMatchObject({ _tag: "DecodeError", reason: "Schema", path: "data" })
        const noId = yield* Effect.flip(payments.get(4))
        expect(noId).toMatchObject({ _tag: "DecodeError", reason: "Schema", path: "id" })
      }).pipe(Effect.provide(scripted.layer))
    })

    it.effect("a continuation token that repeats stops the stream with a typed error, without duplicates", () => {
      const scripted = Scripted.layer((_, url) => {
        const token = url.searchParams.get("continuationToken")
        if (token === null) return Scripted.json(Scripted.page([Scripted.payment(1), Scripted.payment(2)], "A"))
        // the server answers token A with more payments and token A again: following it would loop forever
        return Scripted.json(Scripted.page([Scripted.payment(3)], "A"))
      })
      return Effect.gen(function*() {
        const payments = yield* Payments.Payments
        const delivered: Array<number> = []
        const error = yield* payments.streamByOrganization({ organizationSlug: "asso" }).pipe(
          Stream.runForEach((p) => Effect.sync(() => delivered.push(p.id))),
          Effect.flip
        )
        expect(error).toMatchObject({
          _tag: "DecodeError",
          reason: "RepeatedContinuationToken",
          continuationToken: "A"
        })
        expect(delivered).toEqual([1, 2])
        expect(scripted.seen.length).toBe(2)
      }).pipe(Effect.provide(scripted.layer))
    })

    it.effect("a page without a continuation token is the last one", () => {
      const scripted = Scripted.layer(() => Scripted.json(Scripted.page([Scripted.payment(1)], null)))
      return Effect.gen(function*() {
        const payments = yield* Payments.Payments
        const streamed = yield* Stream.runCollect(payments.streamByOrganization({ organizationSlug: "asso" }))
        expect(ids(streamed)).toEqual([1])
        expect(scripted.seen.length).toBe(1)
      }).pipe(Effect.provide(scripted.layer))
    })
  })

  describe("errors from real answers", () => {
    it.effect("HttpError NotFound, AuthError Forbidden, ValidationError from the API", () =>
      Effect.gen(function*() {
        const [payments] = yield* setup
        const client = yield* HelloAssoClient.HelloAssoClient
        const notFound = yield* Effect.flip(payments.get(999))
        expect(notFound).toMatchObject({ _tag: "HttpError", reason: "NotFound", status: 404, code: "NotFound" })
        const forbidden = yield* Effect.flip(payments.listByOrganization({ organizationSlug: "autre-association" }))
        expect(forbidden).toMatchObject({ _tag: "AuthError", reason: "Forbidden", status: 403 })
        expect(forbidden.message).toContain("no access")
        // the client checks page sizes itself: a raw request shows the API's own validation answer
        const invalid = yield* Effect.flip(client.json({
          operation: "raw",
          method: "GET",
          path: ["organizations", "les-amis-du-lavoir", "payments"],
          query: { pageSize: 500 }
        }, Payment.PaymentPage))
        expect(invalid).toMatchObject({ _tag: "ValidationError", source: "api", field: "pageSize" })
      }).pipe(simulated()))

    it.effect("text and decodeJson split json: the answer is received first, decoded later", () =>
      Effect.gen(function*() {
        const [payments, simulator] = yield* setup
        const client = yield* HelloAssoClient.HelloAssoClient
        const request = {
          operation: "raw",
          method: "GET",
          path: ["organizations", simulator.organization.slug, "payments"],
          query: { pageSize: 5 }
        } as const
        const body = yield* client.text(request)
        const page = yield* HelloAssoClient.decodeJson("raw", Payment.PaymentPage)(body)
        expect(ids(page.data)).toEqual(
          ids(
            (yield* payments.listByOrganization({ ...request.query, organizationSlug: simulator.organization.slug }))
              .data
          )
        )
        expect(yield* Effect.flip(HelloAssoClient.decodeJson("raw", Payment.PaymentPage)(body.slice(0, -3))))
          .toMatchObject({ _tag: "DecodeError", reason: "InvalidJson", operation: "raw" })
        expect(yield* Effect.flip(HelloAssoClient.decodeJson("raw", Payment.PaymentPage)("{\"data\": 3}")))
          .toMatchObject({ _tag: "DecodeError", reason: "Schema", operation: "raw" })
        expect(yield* Effect.flip(client.text({ ...request, path: ["payments", "999"] })))
          .toMatchObject({ _tag: "HttpError", reason: "NotFound", status: 404 })
      }).pipe(simulated()))

    it.effect("DecodeError for malformed and truncated JSON", () =>
      Effect.gen(function*() {
        const [payments, simulator] = yield* setup
        yield* simulator.setFaults([
          { endpoint: "get", on: [1], fault: HelloAssoSimulator.fault.malformedJson },
          { endpoint: "get", on: [2], fault: HelloAssoSimulator.fault.truncatedJson }
        ])
        expect(yield* Effect.flip(payments.get(20_000_001))).toMatchObject({
          _tag: "DecodeError",
          reason: "InvalidJson"
        })
        expect(yield* Effect.flip(payments.get(20_000_001))).toMatchObject({
          _tag: "DecodeError",
          reason: "InvalidJson"
        })
      }).pipe(simulated()))

    it.effect("the simulator's validation fault gives a ValidationError from the API, with its field errors", () =>
      Effect.gen(function*() {
        const [payments, simulator] = yield* setup
        yield* simulator.setFaults([
          { endpoint: "listByOrganization", on: [1], fault: HelloAssoSimulator.fault.validation() },
          {
            endpoint: "listByOrganization",
            on: [2],
            fault: HelloAssoSimulator.fault.validation({ From: ["The value 'x' is not valid."], To: ["Too late."] })
          }
        ])
        const organizationSlug = simulator.organization.slug
        expect(yield* Effect.flip(payments.listByOrganization({ organizationSlug }))).toMatchObject({
          _tag: "ValidationError",
          source: "api",
          field: "PageSize",
          detail: "The field PageSize must be between 1 and 100."
        })
        const second = yield* Effect.flip(payments.listByOrganization({ organizationSlug }))
        expect(second).toMatchObject({ _tag: "ValidationError", source: "api", field: "From" })
        expect(second._tag === "ValidationError" ? second.errors : undefined).toEqual({
          From: ["The value 'x' is not valid."],
          To: ["Too late."]
        })
      }).pipe(simulated()))

    it.effect("DecodeError names the path of a value that does not match", () => {
      const scripted = Scripted.layer(() =>
        Scripted.json(Scripted.page([Scripted.payment(1), { ...Scripted.payment(2), amount: "12,00" }], "t"))
      )
      return Effect.gen(function*() {
        const payments = yield* Payments.Payments
        const error = yield* Effect.flip(payments.listByOrganization({ organizationSlug: "asso" }))
        expect(error).toMatchObject({ _tag: "DecodeError", reason: "Schema", path: "data[1].amount" })
      }).pipe(Effect.provide(scripted.layer))
    })

    it.effect("does not follow redirects", () => {
      const scripted = Scripted.layer(() =>
        new Response(null, { status: 302, headers: { location: "https://elsewhere.example/steal" } })
      )
      return Effect.gen(function*() {
        const payments = yield* Payments.Payments
        const error = yield* Effect.flip(payments.get(1))
        expect(error).toMatchObject({ _tag: "HttpError", status: 302, reason: "Redirected" })
        expect((error as { detail?: string }).detail).toContain("elsewhere.example")
        expect(scripted.seen.map((r) => new URL(r.url).host)).toEqual(["scripted.helloasso.invalid"])
      }).pipe(Effect.provide(scripted.layer))
    })

    it.effect("TransportError: a stalled body times out, resets and refusals are network errors", () =>
      Effect.gen(function*() {
        const [payments, simulator] = yield* setup
        yield* simulator.setFaults([
          { endpoint: "get", on: [1], fault: HelloAssoSimulator.fault.stallBody },
          { endpoint: "get", on: [2], fault: HelloAssoSimulator.fault.resetAfterRead },
          { endpoint: "get", on: [3], fault: HelloAssoSimulator.fault.refuseConnection }
        ])
        const fiber = yield* Effect.fork(Effect.flip(payments.get(20_000_001)))
        yield* TestClock.adjust(Duration.seconds(5))
        expect(yield* Fiber.join(fiber)).toMatchObject({ _tag: "TransportError", reason: "Timeout" })
        expect(yield* Effect.flip(payments.get(20_000_001))).toMatchObject({
          _tag: "TransportError",
          reason: "Network"
        })
        expect(yield* Effect.flip(payments.get(20_000_001))).toMatchObject({
          _tag: "TransportError",
          reason: "Connect"
        })
      }).pipe(simulated({ client: { timeout: "5 seconds", retry: { maxRetries: 0 } } })))
  })

  describe("retries", () => {
    it.effect("waits for Retry-After (seconds) before retrying a 429", () =>
      Effect.gen(function*() {
        const [payments, simulator] = yield* setup
        yield* simulator.setFaults([{ endpoint: "get", on: [1], fault: HelloAssoSimulator.fault.rateLimited(3) }])
        const fiber = yield* Effect.fork(payments.get(20_000_001))
        yield* TestClock.adjust(Duration.millis(2999))
        expect((yield* simulator.requests).filter((e) => e.endpoint === "get").length).toBe(1)
        yield* TestClock.adjust(Duration.millis(1))
        expect((yield* Fiber.join(fiber)).id).toBe(20_000_001)
        expect((yield* simulator.requests).filter((e) => e.endpoint === "get").map((e) => e.status)).toEqual([429, 200])
      }).pipe(simulated()))

    it.effect("honours Retry-After as an HTTP date", () =>
      Effect.gen(function*() {
        const [payments, simulator] = yield* setup
        yield* TestClock.setTime(Date.UTC(2025, 0, 1))
        yield* simulator.setFaults([
          { endpoint: "get", on: [1], fault: HelloAssoSimulator.fault.rateLimited(10, "http-date") }
        ])
        const fiber = yield* Effect.fork(payments.get(20_000_001))
        yield* TestClock.adjust(Duration.seconds(9))
        expect(fiber.unsafePoll()).toBeNull()
        yield* TestClock.adjust(Duration.seconds(1))
        expect((yield* Fiber.join(fiber)).id).toBe(20_000_001)
      }).pipe(simulated()))

    it.effect("retries 503 then succeeds", () =>
      Effect.gen(function*() {
        const [payments, simulator] = yield* setup
        yield* simulator.setFaults([{ endpoint: "get", on: [1, 2], fault: HelloAssoSimulator.fault.status(503) }])
        const payment = yield* withTestClock(payments.get(20_000_001))
        expect(payment.id).toBe(20_000_001)
        expect((yield* simulator.requests).filter((e) => e.endpoint === "get").map((e) => e.status)).toEqual([
          503,
          503,
          200
        ])
      }).pipe(simulated()))

    it.effect("exhausted retries give a typed error, never a 5xx as success", () =>
      Effect.gen(function*() {
        const [payments, simulator] = yield* setup
        yield* simulator.setFaults([{ endpoint: "get", fault: HelloAssoSimulator.fault.status(502) }])
        const error = yield* withTestClock(Effect.flip(payments.get(20_000_001)))
        expect(error).toMatchObject({ _tag: "HttpError", reason: "ServerError", status: 502 })
        expect((yield* simulator.requests).filter((e) => e.endpoint === "get").length).toBe(5)
      }).pipe(simulated()))

    it.effect("does not retry a 500 or a 4xx", () =>
      Effect.gen(function*() {
        const [payments, simulator] = yield* setup
        yield* simulator.setFaults([{ endpoint: "get", on: [1], fault: HelloAssoSimulator.fault.status(500) }])
        expect(yield* Effect.flip(payments.get(20_000_001))).toMatchObject({ status: 500 })
        expect(yield* Effect.flip(payments.get(999))).toMatchObject({ status: 404 })
        expect((yield* simulator.requests).filter((e) => e.endpoint === "get").length).toBe(2)
      }).pipe(simulated()))
  })

  describe("refund", () => {
    const authorized = Effect.flatMap(Simulator, (simulator) =>
      Effect.map(
        simulator.listPayments({ states: ["Authorized"] }),
        (list) => list.filter((p) => p.type === "Credit" && p.amount! >= 1000)
      ))

    it.effect("refunds part then the rest, with every option sent", () =>
      Effect.gen(function*() {
        const [payments, simulator] = yield* setup
        const target = (yield* authorized)[0]!
        const partial = yield* payments.refund(target.id, { amount: 500, comment: "Trop-perçu", sendRefundMail: false })
        expect(partial).toMatchObject({ paymentId: Option.some(target.id), amount: Option.some(500) })
        expect((yield* lastRequest).query).toEqual({
          amount: ["500"],
          comment: ["Trop-perçu"],
          sendrefundmail: ["false"]
        })
        const rest = yield* payments.refund(target.id, { cancelOrder: true })
        expect(rest.amount).toEqual(Option.some(target.amount! - 500))
        const detail = yield* payments.get(target.id)
        expect(detail.state).toEqual(Option.some("Refunded"))
        expect(detail.refundOperations.map((op) => op.amount)).toEqual([
          Option.some(500),
          Option.some(target.amount! - 500)
        ])
        expect((yield* simulator.stats).refunds.byPayment.get(target.id)).toBe(2)
      }).pipe(simulated()))

    it.effect("RefundRejected carries HelloAsso's numeric code for every refusal", () =>
      Effect.gen(function*() {
        const [payments, simulator] = yield* setup
        const all = yield* simulator.listPayments()
        const ok = (yield* authorized)[0]!
        const cases: Array<[Effect.Effect<unknown, Payments.RefundError>, number]> = [
          [payments.refund(all.find((p) => p.state === "Refused")!.id), 113],
          [payments.refund(all.find((p) => p.type === "Offline")!.id), 108],
          [payments.refund(ok.id, { amount: ok.amount! + 1 }), 111],
          [payments.refund(ok.id, { amount: 100, cancelOrder: true }), 117]
        ]
        for (const [refund, code] of cases) {
          const error = yield* Effect.flip(refund)
          expect(error).toMatchObject({ _tag: "RefundRejected", reason: "Refused", code })
          expect(error.message).toContain(`code ${code}`)
        }
        yield* payments.refund(ok.id)
        expect(yield* Effect.flip(payments.refund(ok.id))).toMatchObject({ _tag: "RefundRejected", code: 115 })
        expect((yield* simulator.stats).refunds.total).toBe(1)
      }).pipe(simulated({ payments: 800 })))

    it.effect("RefundRejected 116 while a refund is being processed", () =>
      Effect.gen(function*() {
        const [payments] = yield* setup
        const target = (yield* authorized)[0]!
        const operation = yield* payments.refund(target.id, { amount: 100 })
        expect(operation.state).toEqual(Option.some("Processing"))
        expect((yield* payments.get(target.id)).state).toEqual(Option.some("Refunding"))
        expect(yield* Effect.flip(payments.refund(target.id))).toMatchObject({ code: 116 })
      }).pipe(simulated({ refundProcessing: "1 hour" })))

    it.effect("asks for MFA, then sends the Redacted MFA tokens as x-mfa-* headers", () =>
      Effect.gen(function*() {
        const [payments, simulator] = yield* setup
        const target = (yield* authorized)[0]!
        const mfa = yield* Effect.flip(payments.refund(target.id))
        expect(mfa).toMatchObject({
          _tag: "RefundRejected",
          reason: "MfaRequired",
          mfaCode: "AuthorizationErrors.MFA.AccessTokenRequired"
        })
        const operation = yield* payments.refund(target.id, { mfa: { accessToken: Redacted.make("mfa-123456") } })
        expect(operation.paymentId).toEqual(Option.some(target.id))
        const request = yield* lastRequest
        expect(request.headers["x-mfa-access-authorization"]).toBe("***")
        expect((yield* simulator.stats).refunds.total).toBe(1)
      }).pipe(simulated({ mfa: "AuthorizationErrors.MFA.AccessTokenRequired" })))

    it.effect("is never retried after it may have reached the server: RefundOutcomeUnknown", () =>
      Effect.gen(function*() {
        const [payments, simulator] = yield* setup
        const [a, b, c] = yield* authorized
        yield* simulator.setFaults([
          { endpoint: "refund", on: [1], fault: HelloAssoSimulator.fault.status(503) },
          { endpoint: "refund", on: [2], fault: HelloAssoSimulator.fault.resetAfterRead },
          { endpoint: "refund", on: [3], fault: HelloAssoSimulator.fault.stallBody }
        ])
        const unavailable = yield* Effect.flip(payments.refund(a!.id))
        expect(unavailable).toMatchObject({ _tag: "RefundOutcomeUnknown", paymentId: a!.id })
        expect(unavailable.message).toContain("withFailedRefundOperation: true")
        expect(yield* Effect.flip(payments.refund(b!.id))).toMatchObject({ _tag: "RefundOutcomeUnknown" })
        const fiber = yield* Effect.fork(Effect.flip(payments.refund(c!.id)))
        yield* TestClock.adjust(Duration.seconds(30))
        expect(yield* Fiber.join(fiber)).toMatchObject({ _tag: "RefundOutcomeUnknown" })
        const log = (yield* simulator.requests).filter((e) => e.endpoint === "refund")
        expect(log.length).toBe(3)
        // the reset came after the refund was made; the stalled answer too
        expect((yield* simulator.stats).refunds.byPayment).toEqual(new Map([[b!.id, 1], [c!.id, 1]]))
      }).pipe(simulated()))

    it.effect("is retried when the connection was refused: the request never left", () =>
      Effect.gen(function*() {
        const [payments, simulator] = yield* setup
        const target = (yield* authorized)[0]!
        yield* simulator.setFaults([{ endpoint: "refund", on: [1], fault: HelloAssoSimulator.fault.refuseConnection }])
        const operation = yield* withTestClock(payments.refund(target.id), "100 millis")
        expect(operation.paymentId).toEqual(Option.some(target.id))
        expect((yield* simulator.stats).refunds.byPayment.get(target.id)).toBe(1)
      }).pipe(simulated()))
  })

  describe("inputs are checked before any request", () => {
    it.effect("bad inputs give a ValidationError naming the field, and nothing is sent", () =>
      Effect.gen(function*() {
        const [payments, simulator] = yield* setup
        const slug = simulator.organization.slug
        const cases: Array<[Effect.Effect<unknown, unknown>, string]> = [
          [payments.listByOrganization({ organizationSlug: "../payments" }), "organizationSlug"],
          [payments.listByOrganization({ organizationSlug: slug, pageSize: 101 }), "pageSize"],
          // plain dates are Paris midnights: from after to
          [payments.listByOrganization({ organizationSlug: slug, from: "2025-01-02", to: "2025-01-01" }), "to"],
          [payments.listByOrganization({ organizationSlug: slug, from: "2025-13-02" }), "from"],
          [
            payments.listByOrganization({
              organizationSlug: slug,
              from: "2025-02-01T00:00:00Z",
              to: "2025-01-01T00:00:00Z"
            }),
            "to"
          ],
          [payments.listByOrganization({ organizationSlug: slug, states: ["Paid" as never] }), "states[0]"],
          [payments.get(0), "paymentId"],
          [payments.refund(20_000_001, { amount: -1 }), "amount"],
          [payments.refund(20_000_001, { mfa: { accessToken: Redacted.make("") } }), "mfa.accessToken"],
          [Stream.runDrain(payments.streamSearch({ organizationSlug: slug, userId: 1.5 })), "userId"]
        ]
        for (const [effect, field] of cases) {
          const error = yield* Effect.flip(effect)
          expect(error).toBeInstanceOf(HelloAssoError.ValidationError)
          expect(error).toMatchObject({ source: "client", field })
        }
        expect(yield* simulator.requests).toEqual([])
      }).pipe(simulated()))
  })
})
