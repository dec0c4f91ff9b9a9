import * as Schema from "effect/Schema"

/**
 * A field the API may send as `null` or leave out: both decode to `Option.none()`, and `none` encodes to an absent
 * key.
 *
 * @internal
 */
export const optionalNullable = <S extends Schema.Schema.Any>(schema: S) =>
  Schema.optionalWith(schema, { nullable: true, as: "Option" })

/**
 * A list the API may send as `null` or leave out: both decode to an empty array.
 *
 * @internal
 */
export const optionalList = <S extends Schema.Schema.Any>(item: S) =>
  Schema.optionalWith(Schema.Array(item), { nullable: true, default: () => [] })

const AnyFields = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/**
 * Accepts `alias` in place of `key` on the wire (real HelloAsso responses send `state` where the spec says
 * `status`, and the other way round). `key` wins when both are present; encoding writes `key` only.
 *
 * @internal
 */
export const withAlias = <A, I extends object, R>(
  schema: Schema.Schema<A, I, R>,
  key: string,
  alias: string
): Schema.Schema<A, I, R> =>
  Schema.transform(AnyFields, schema, {
    strict: false,
    decode: (input) => {
      if (input[key] !== undefined && input[key] !== null || !(alias in input)) return input
      const { [alias]: value, ...rest } = input
      return { ...rest, [key]: value }
    },
    encode: (output) => output
  }) as unknown as Schema.Schema<A, I, R>
