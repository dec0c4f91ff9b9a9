import { describe, expect, it } from "@effect/vitest"
import { CashOut } from "@helloasso-effect/core"
import { Arbitrary, DateTime, Effect, FastCheck as fc, Option, Schema } from "effect"

/** A row as the 2026 spec describes `CashoutExportRowModel`. */
const specRow = {
  campaignType: "Donation",
  campaignName: "Soutenez l'association",
  operationType: "OneTimeDonation",
  credit: 12.5,
  debit: null,
  orderId: 30000042,
  paymentId: 20000042,
  paymentDate: "2024-06-07T14:11:15.7442115+02:00",
  paymentMethod: "Card",
  paymentStatus: "Paid",
  cashOutDate: "2024-07-05T09:12:00.1234567+02:00",
  cashOutId: 900010,
  designation: "Don libre",
  payerCompany: null,
  payerLastName: "L'Hôte",
  payerFirstName: "Hélène",
  payerEmail: "helene.lhote@example.org",
  payerSiren: null
}

const decode = (body: string | Uint8Array) => Effect.runSync(Effect.either(CashOut.decodeExport(body)))

describe("CashOut", () => {
  it("decodes the spec's row: euros to integer cents, Paris dates kept with their offset, nulls to none", () => {
    const decoded = decode(JSON.stringify([specRow]))
    expect(decoded._tag).toBe("Right")
    const [row] = decoded._tag === "Right" ? decoded.right : []
    expect(row!.cashOutId).toBe(900010)
    expect(row!.credit).toEqual(Option.some(1250))
    expect(row!.debit).toEqual(Option.none())
    expect(row!.paymentId).toEqual(Option.some(20000042))
    expect(row!.orderId).toEqual(Option.some(30000042))
    expect(row!.campaignType).toEqual(Option.some("Donation"))
    expect(row!.operationType).toEqual(Option.some("OneTimeDonation"))
    expect(row!.paymentStatus).toEqual(Option.some("Paid"))
    expect(row!.payerCompany).toEqual(Option.none())
    const date = Option.getOrThrow(row!.paymentDate)
    expect(DateTime.formatIsoOffset(date)).toBe("2024-06-07T14:11:15.744+02:00")
    expect(Option.map(row!.cashOutDate, DateTime.toEpochMillis)).toEqual(
      Option.some(Date.parse("2024-07-05T09:12:00.123+02:00"))
    )
  })

  it("rounds euros to the nearest cent, where binary floating point is off (0.29 * 100 = 28.999...)", () => {
    const rows = [0.29, 19.99, 1234.56, 0.1 + 0.2, -4.35].map((credit) => ({ cashOutId: 1, credit }))
    const decoded = decode(JSON.stringify(rows))
    expect(decoded._tag === "Right" && decoded.right.map((row) => row.credit)).toEqual(
      [29, 1999, 123456, 30, -435].map(Option.some)
    )
  })

  it("only cashOutId is required: absent, null and unknown fields, new enum values all decode", () => {
    const decoded = decode(JSON.stringify([
      { cashOutId: 7 },
      { cashOutId: 8, operationType: "LoyaltyBonus", paymentStatus: "Disputed", paymentMethod: "Crypto", extra: 1 },
      Object.fromEntries(Object.keys(specRow).map((key) => [key, key === "cashOutId" ? 9 : null]))
    ]))
    expect(decoded._tag).toBe("Right")
    if (decoded._tag !== "Right") return
    const [bare, drifted, nulls] = decoded.right
    for (const row of [bare!, nulls!]) {
      for (const [key, value] of Object.entries(row)) {
        if (key !== "cashOutId") expect(value, key).toEqual(Option.none())
      }
    }
    expect(drifted!.operationType).toEqual(Option.some("LoyaltyBonus"))
    expect(drifted!.paymentStatus).toEqual(Option.some("Disputed"))
    expect(drifted!.paymentMethod).toEqual(Option.some("Crypto"))
    expect("extra" in drifted!).toBe(false)
  })

  it("a row without cashOutId, or a bad date, is a DecodeError naming where, never a payer's data", () => {
    const missing = decode(JSON.stringify([specRow, { ...specRow, cashOutId: undefined }]))
    expect(missing._tag === "Left" && missing.left).toMatchObject({
      _tag: "DecodeError",
      reason: "Schema",
      operation: "CashOut.decodeExport",
      path: "[1].cashOutId"
    })
    const badDate = decode(JSON.stringify([{ ...specRow, paymentDate: "Hélène L'Hôte, 1962-04-17" }]))
    expect(badDate._tag === "Left" && badDate.left).toMatchObject({ _tag: "DecodeError", path: "[0].paymentDate" })
    const amount = decode(JSON.stringify([{ ...specRow, credit: "helene.lhote@example.org" }]))
    expect(amount._tag === "Left" && amount.left).toMatchObject({ _tag: "DecodeError", path: "[0].credit" })
    for (const result of [missing, badDate, amount]) {
      const text = result._tag === "Left" ? `${result.left.message} ${JSON.stringify(result.left)}` : ""
      expect(text).not.toMatch(/Hélène|L'Hôte|helene|1962/)
    }
  })

  it("takes the bytes of the export, a byte order mark included; invalid JSON quotes nothing", () => {
    const bytes = new TextEncoder().encode(`\uFEFF${JSON.stringify([specRow])}`)
    const fromBytes = decode(bytes)
    expect(fromBytes._tag === "Right" && fromBytes.right.length).toBe(1)
    const fromText = decode(`\uFEFF${JSON.stringify([specRow])}`)
    expect(fromText._tag === "Right" && fromText.right.length).toBe(1)
    const invalid = decode("[{\"cashOutId\": 1, \"payerEmail\": \"helene.lhote@example.org\",")
    expect(invalid._tag === "Left" && invalid.left).toMatchObject({ _tag: "DecodeError", reason: "InvalidJson" })
    expect(invalid._tag === "Left" && invalid.left.message).not.toContain("helene")
  })

  it("property: a row encodes to the wire (euros) and decodes back to itself", () => {
    const encode = Schema.encodeSync(CashOut.Export)
    const decodeSync = Schema.decodeUnknownSync(CashOut.Export)
    fc.assert(
      fc.property(fc.array(Arbitrary.make(CashOut.ExportRow), { maxLength: 5 }), (rows) => {
        const wire = JSON.parse(JSON.stringify(encode(rows)))
        const back = decodeSync(wire)
        expect(back.map((row) => [row.credit, row.debit, row.cashOutId, row.paymentId])).toEqual(
          rows.map((row) => [row.credit, row.debit, row.cashOutId, row.paymentId])
        )
        expect(back.map((row) => Option.map(row.paymentDate, DateTime.toEpochMillis))).toEqual(
          rows.map((row) => Option.map(row.paymentDate, DateTime.toEpochMillis))
        )
      }),
      { numRuns: 200 }
    )
  })
})
