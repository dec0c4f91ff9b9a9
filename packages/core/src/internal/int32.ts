import * as Schema from "effect/Schema"

/** @internal */
export const INT32_MIN = -2_147_483_648

/** @internal */
export const INT32_MAX = 2_147_483_647

/** @internal */
export const isInt32 = (n: unknown): n is number =>
  typeof n === "number" && Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX

/**
 * The `int32` of the HelloAsso OpenAPI specs: any 32-bit signed integer. Responses may carry zero or negative
 * values (refund lines, corrections), so nothing narrower is assumed when decoding.
 *
 * @internal
 */
export const Int32 = Schema.Number.pipe(
  Schema.filter(isInt32, {
    identifier: "Int32",
    description: "a 32-bit signed integer",
    jsonSchema: { type: "integer", format: "int32" },
    arbitrary: () => (fc) => fc.integer({ min: INT32_MIN, max: INT32_MAX })
  })
)
