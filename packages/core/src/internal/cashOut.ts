import type * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type { DecodeError } from "../HelloAssoError.js"
import * as Payment from "../Payment.js"
import { decodeJson } from "./client.js"

/**
 * `credit` and `debit` of a cash-out export row: the spec types them as `double` without "in cents", unlike every
 * amount of the payments models (`int32`, in cents), and the same rows make the CSV and XLSX exports a treasurer
 * reads: euros. Decoded to integer cents, rounded to the nearest cent; encoded back to euros.
 *
 * @internal
 */
export const EurosAsCents = Schema.transformOrFail(Schema.Number, Payment.Cents, {
  strict: true,
  decode: (euros, _, ast) =>
    Number.isFinite(euros)
      ? ParseResult.succeed(Math.round(euros * 100))
      : ParseResult.fail(new ParseResult.Type(ast, euros, "must be a finite amount of euros")),
  encode: (cents) => ParseResult.succeed(cents / 100)
}).annotations({ identifier: "EurosAsCents", description: "euros on the wire, integer cents once decoded" })

const utf8 = new TextDecoder("utf-8")

/**
 * Decodes a JSON cash-out export (as text or the bytes of `Payments.exportCashOut`); a byte order mark is
 * skipped. Failures are `DecodeError`s that say where, never what.
 *
 * @internal
 */
export const decodeExport = <A, I>(schema: Schema.Schema<A, I>) => {
  const decode = decodeJson("CashOut.decodeExport", schema)
  return (body: string | Uint8Array): Effect.Effect<A, DecodeError> => {
    // TextDecoder drops a leading BOM; JSON.parse would refuse it
    const text = typeof body === "string" ? body.replace(/^\uFEFF/, "") : utf8.decode(body)
    return decode(text)
  }
}
