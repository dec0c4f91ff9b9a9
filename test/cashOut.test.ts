/**
 * The cash-out export through the real client (`Payments.exportCashOut`, `Payments.cashOut`, `CashOut.decodeExport`)
 * against the simulator, in memory and over loopback HTTP: each format, the rows matching the payments whose
 * `idCashOut` names the cash-out, typed errors for an unknown cash-out or another organization's, and the
 * simulator's cash-outs consistent with the payments (`cashOutState`, `cashOutDate`, `idCashOut`).
 */
import { HttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import type { HelloAssoConfig, Payment } from "@helloasso-effect/core"
import { CashOut, HelloAsso, Payments } from "@helloasso-effect/core"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import { NodeHelloAsso, NodeSimulatorServer } from "@helloasso-effect/node"
import { Chunk, Context, DateTime, Effect, FastCheck as fc, Layer, Option, Stream } from "effect"
import type { Scope } from "effect"

interface Setup {
  readonly simulator: HelloAssoSimulator.Service
  /** The client, as the simulated association (default) or as another client. */
  readonly payments: (
    credentials?: HelloAssoConfig.Credentials
  ) => Effect.Effect<Payments.Service, unknown, Scope.Scope>
}

const paymentsOf = (layer: Layer.Layer<HelloAsso.HelloAsso, unknown>) =>
  Effect.map(Layer.build(layer), Context.get(Payments.Payments))

const as = (credentials: HelloAssoConfig.Credentials) => ({
  clientId: credentials.clientId,
  clientSecret: credentials.clientSecret
})

const inMemory = (options: HelloAssoSimulator.Options): Effect.Effect<Setup, never, Scope.Scope> =>
  Effect.map(HelloAssoSimulator.makeScoped(options), (simulator) => ({
    simulator,
    payments: (credentials = simulator.credentials) =>
      paymentsOf(
        HelloAsso.layer({ ...HelloAssoSimulator.clientOptions(simulator), ...as(credentials) }).pipe(
          Layer.provide(Layer.succeed(HttpClient.HttpClient, HelloAssoSimulator.httpClient(simulator)))
        )
      )
  }))

const loopback = (options: HelloAssoSimulator.Options): Effect.Effect<Setup, unknown, Scope.Scope> =>
  Effect.map(NodeSimulatorServer.make(options), (server) => ({
    simulator: server.simulator,
    payments: (credentials = server.simulator.credentials) =>
      paymentsOf(NodeHelloAsso.layer({ ...server.clientOptions, ...as(credentials) }))
  }))

const transports = [{ name: "in memory", make: inMemory }, { name: "loopback HTTP", make: loopback }] as const

const OPTIONS = { payments: 600, seed: 3 }

const bytesOf = <E>(stream: Stream.Stream<Uint8Array, E>) =>
  Effect.map(Stream.runCollect(stream), (chunks) => Buffer.concat(Chunk.toReadonlyArray(chunks)))

const millis = (text: string | null | undefined) => text == null ? undefined : Date.parse(text)

/** The payments of each cash-out, as the listing (not the export) tells. */
const byCashOut = (payments: ReadonlyArray<Payment.PaymentEncoded>) => {
  const groups = new Map<number, Array<Payment.PaymentEncoded>>()
  for (const payment of payments) {
    if (payment.idCashOut == null) continue
    const group = groups.get(payment.idCashOut) ?? []
    group.push(payment)
    groups.set(payment.idCashOut, group)
  }
  return groups
}

const sortedIds = (ids: Iterable<number>) => [...ids].sort((a, b) => a - b)

const paymentIds = (rows: ReadonlyArray<CashOut.ExportRow>) => rows.map((row) => Option.getOrThrow(row.paymentId))

const lastAccept = (simulator: HelloAssoSimulator.Service) =>
  Effect.map(simulator.requests, (log) => log.at(-1)!.headers["accept"])

describe.each(transports)("cash-out export over $name", ({ make }) => {
  it.scoped(
    "JSON, CSV and XLSX: the rows are exactly the payments whose idCashOut names the cash-out",
    () =>
      Effect.gen(function*() {
        const { payments: client, simulator } = yield* make(OPTIONS)
        const payments = yield* client()
        const organizationSlug = simulator.organization.slug
        const groups = byCashOut(yield* simulator.listPayments())
        const [cashOutId, expected] = [...groups.entries()].sort((a, b) => a[0] - b[0])[3]!
        expect(expected.length).toBeGreaterThan(5)

        // JSON: the streamed bytes decoded with the schema, and Payments.cashOut, agree with the listing
        const json = yield* bytesOf(payments.exportCashOut({ organizationSlug, cashOutId, format: "json" }))
        expect(yield* lastAccept(simulator)).toBe("application/json")
        const rows = yield* CashOut.decodeExport(json)
        expect(sortedIds(paymentIds(rows))).toEqual(sortedIds(expected.map((p) => p.id)))
        const byId = new Map(expected.map((p) => [p.id, p]))
        for (const row of rows) {
          const payment = byId.get(Option.getOrThrow(row.paymentId))!
          expect(row.cashOutId).toBe(cashOutId)
          // the tip goes to HelloAsso: the association is paid the rest
          expect(row.credit).toEqual(Option.some(payment.amount! - (payment.amountTip ?? 0)))
          expect(row.debit).toEqual(Option.none())
          expect(row.orderId).toEqual(Option.some(payment.order!.id))
          expect(row.campaignType).toEqual(Option.some(payment.order!.formType))
          expect(row.paymentMethod).toEqual(Option.fromNullable(payment.paymentMeans))
          expect(row.paymentStatus).toEqual(Option.some("Paid"))
          expect(Option.map(row.paymentDate, DateTime.toEpochMillis)).toEqual(Option.some(millis(payment.date)))
          expect(Option.map(row.cashOutDate, DateTime.toEpochMillis)).toEqual(Option.some(millis(payment.cashOutDate)))
          expect(row.payerEmail).toEqual(Option.fromNullable(payment.payer?.email))
        }
        expect(yield* payments.cashOut({ organizationSlug, cashOutId })).toEqual(rows)

        // CSV: HelloAsso's file, UTF-8 with a BOM, `;`-separated, a line per payment
        const csv = (yield* bytesOf(payments.exportCashOut({ organizationSlug, cashOutId, format: "csv" })))
          .toString("utf8")
        expect(yield* lastAccept(simulator)).toBe("text/csv")
        expect(csv.charCodeAt(0)).toBe(0xfeff)
        const [header, ...lines] = csv.slice(1).split("\r\n").filter((line) => line !== "").map((l) => l.split(";"))
        const column = (name: string) => header!.indexOf(name)
        expect(column("Numéro de paiement")).toBeGreaterThanOrEqual(0)
        expect(sortedIds(lines.map((line) => Number(line[column("Numéro de paiement")])))).toEqual(
          sortedIds(expected.map((p) => p.id))
        )
        expect(lines.every((line) => line[column("Numéro du versement")] === String(cashOutId))).toBe(true)
        const paid = lines.map((line) => Math.round(Number(line[column("Crédit (€)")]!.replace(",", ".")) * 100))
        expect(paid.reduce((a, b) => a + b, 0)).toBe(
          rows.reduce((sum, row) => sum + Option.getOrElse(row.credit, () => 0), 0)
        )

        // XLSX: the simulator, like the organization export, does not produce it
        const xlsx = yield* Effect.flip(
          Stream.runDrain(payments.exportCashOut({ organizationSlug, cashOutId, format: "xlsx" }))
        )
        expect(xlsx).toMatchObject({ _tag: "HttpError", reason: "NotAcceptable", status: 406 })
      }),
    60_000
  )

  it.scoped(
    "an unknown cash-out is a typed NotFound; an invalid id is refused before anything is sent",
    () =>
      Effect.gen(function*() {
        const { payments: client, simulator } = yield* make(OPTIONS)
        const payments = yield* client()
        const organizationSlug = simulator.organization.slug
        const ids = [...byCashOut(yield* simulator.listPayments()).keys()]
        // the month after the last cash-out is not paid out yet: its cash-out does not exist
        for (const cashOutId of [1, Math.min(...ids) - 1, Math.max(...ids) + 1, 2_147_483_647]) {
          const streamed = yield* Effect.flip(
            Stream.runDrain(payments.exportCashOut({ organizationSlug, cashOutId, format: "json" }))
          )
          expect(streamed, String(cashOutId)).toMatchObject({ _tag: "HttpError", reason: "NotFound", status: 404 })
          const decoded = yield* Effect.flip(payments.cashOut({ organizationSlug, cashOutId }))
          expect(decoded, String(cashOutId)).toMatchObject({ _tag: "HttpError", reason: "NotFound", status: 404 })
        }
        yield* simulator.clearRequests
        for (const cashOutId of [0, -1, 1.5, 2_147_483_648]) {
          const error = yield* Effect.flip(payments.cashOut({ organizationSlug, cashOutId }))
          expect(error).toMatchObject({ _tag: "ValidationError", source: "client", field: "cashOutId" })
          const streamed = yield* Effect.flip(
            Stream.runDrain(payments.exportCashOut({ organizationSlug, cashOutId, format: "csv" }))
          )
          expect(streamed).toMatchObject({ _tag: "ValidationError", field: "cashOutId" })
        }
        expect(yield* simulator.requests).toEqual([])
      }),
    60_000
  )

  it.scoped(
    "another organization's cash-out is refused: 403 under its slug, 404 under the other's",
    () =>
      Effect.gen(function*() {
        const { payments: client, simulator } = yield* make(OPTIONS)
        const ours = yield* client()
        const theirs = yield* client(simulator.otherClient)
        const cashOutId = [...byCashOut(yield* simulator.listPayments()).keys()][0]!
        const slug = simulator.organization.slug
        const other = simulator.otherClient.organization
        // the association's own client exports it
        expect((yield* ours.cashOut({ organizationSlug: slug, cashOutId })).length).toBeGreaterThan(0)
        // the association's token on another organization's path
        expect(yield* Effect.flip(ours.cashOut({ organizationSlug: other, cashOutId }))).toMatchObject({
          _tag: "AuthError",
          reason: "Forbidden",
          status: 403
        })
        // another organization's token: not on this association's path, and not found under its own
        expect(yield* Effect.flip(theirs.cashOut({ organizationSlug: slug, cashOutId }))).toMatchObject({
          _tag: "AuthError",
          reason: "Forbidden"
        })
        const notFound = yield* Effect.flip(
          Stream.runDrain(theirs.exportCashOut({ organizationSlug: other, cashOutId, format: "csv" }))
        )
        expect(notFound).toMatchObject({ _tag: "HttpError", reason: "NotFound", status: 404 })
      }),
    60_000
  )

  it.scoped(
    "every paid-out payment is in exactly one cash-out, and the cash-outs hold nothing else",
    () =>
      Effect.gen(function*() {
        const { payments: client, simulator } = yield* make(OPTIONS)
        const payments = yield* client()
        const all = yield* simulator.listPayments()
        for (const payment of all) {
          const paidOut = payment.cashOutState === "CashedOut"
          expect(payment.idCashOut != null, `${payment.id}`).toBe(paidOut)
          expect(payment.cashOutDate != null, `${payment.id}`).toBe(paidOut)
        }
        const groups = byCashOut(all)
        expect(groups.size).toBeGreaterThan(10)
        const seen: Array<number> = []
        for (const [cashOutId, group] of groups) {
          // one cash-out, one date, after each of its payments
          expect(new Set(group.map((p) => p.cashOutDate)).size).toBe(1)
          for (const payment of group) expect(millis(payment.cashOutDate)!).toBeGreaterThan(millis(payment.date)!)
          const rows = yield* payments.cashOut({ organizationSlug: simulator.organization.slug, cashOutId })
          expect(rows.every((row) => row.cashOutId === cashOutId)).toBe(true)
          seen.push(...paymentIds(rows))
        }
        // the union of the cash-outs' payments is the set of payments with an idCashOut, none twice
        expect(sortedIds(seen)).toEqual(sortedIds(all.filter((p) => p.idCashOut != null).map((p) => p.id)))
      }),
    60_000
  )
})

describe("cash-out export, in memory", () => {
  it.live(
    "property: for any seed, size and period, the cash-outs' payments are the payments with an idCashOut",
    () =>
      Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(
            fc.integer({ min: 1, max: 1_000_000 }),
            fc.integer({ min: 1, max: 400 }),
            fc.integer({ min: 2015 * 12, max: 2026 * 12 }),
            fc.integer({ min: 1, max: 30 }),
            (seed, size, firstMonth, months) => {
              const month = (n: number) => `${Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, "0")}-01T00:00:00`
              const period = { from: month(firstMonth), to: month(firstMonth + months) }
              return Effect.runPromise(Effect.scoped(Effect.gen(function*() {
                const { payments: client, simulator } = yield* inMemory({ seed, payments: size, period })
                const payments = yield* client()
                const all = yield* simulator.listPayments()
                const groups = byCashOut(all)
                const seen: Array<number> = []
                for (const [cashOutId, group] of groups) {
                  const rows = yield* payments.cashOut({ organizationSlug: simulator.organization.slug, cashOutId })
                  expect(sortedIds(paymentIds(rows))).toEqual(sortedIds(group.map((p) => p.id)))
                  seen.push(...paymentIds(rows))
                }
                expect(sortedIds(seen)).toEqual(sortedIds(all.filter((p) => p.idCashOut != null).map((p) => p.id)))
                for (const payment of all) {
                  expect(payment.idCashOut != null).toBe(payment.cashOutState === "CashedOut")
                }
              })))
            }
          ),
          { numRuns: 25 }
        )
      ),
    120_000
  )

  it.scoped("a refund after the cash-out keeps the payment in it: PartiallyRefunded, then Refunded", () =>
    Effect.gen(function*() {
      const { payments: client, simulator } = yield* inMemory(OPTIONS)
      const payments = yield* client()
      const organizationSlug = simulator.organization.slug
      const target = (yield* simulator.listPayments()).find((p) =>
        p.cashOutState === "CashedOut" && p.amount! >= 1000 && p.refundOperations?.length === 0
      )!
      const cashOutId = target.idCashOut!
      const statusOf = Effect.map(
        payments.cashOut({ organizationSlug, cashOutId }),
        (rows) => rows.find((row) => Option.getOrThrow(row.paymentId) === target.id)?.paymentStatus
      )
      expect(yield* statusOf).toEqual(Option.some("Paid"))
      yield* payments.refund(target.id, { amount: 500 })
      expect(yield* statusOf).toEqual(Option.some("PartiallyRefunded"))
      yield* payments.refund(target.id)
      expect(yield* statusOf).toEqual(Option.some("Refunded"))
      const after = (yield* simulator.payment(target.id))!
      expect(after.idCashOut).toBe(cashOutId)
      expect(after.cashOutState).toBe("Refunded")
    }))

  it.scoped("with fixtures, the cash-outs are the fixtures' idCashOut values", () =>
    Effect.gen(function*() {
      const base = { amount: 1000, state: "Authorized", items: [], refundOperations: [] }
      const fixtures: ReadonlyArray<Payment.PaymentEncoded> = [
        { ...base, id: 11, date: "2025-01-03T10:00:00.0000000+01:00", cashOutState: "CashedOut", idCashOut: 5512 },
        { ...base, id: 12, date: "2025-01-04T10:00:00.0000000+01:00" },
        { ...base, id: 13, date: "2025-01-05T10:00:00.0000000+01:00", cashOutState: "CashedOut", idCashOut: 5513 },
        { ...base, id: 14, date: "2025-01-06T10:00:00.0000000+01:00", cashOutState: "CashedOut", idCashOut: 5512 }
      ]
      const { payments: client, simulator } = yield* inMemory({ fixtures })
      const payments = yield* client()
      const organizationSlug = simulator.organization.slug
      const rowsOf = (cashOutId: number) => Effect.map(payments.cashOut({ organizationSlug, cashOutId }), paymentIds)
      expect(sortedIds(yield* rowsOf(5512))).toEqual([11, 14])
      expect(yield* rowsOf(5513)).toEqual([13])
      expect(yield* Effect.flip(rowsOf(5514))).toMatchObject({ _tag: "HttpError", reason: "NotFound" })
    }))
})
