/**
 * Models defined once, with two decoders: the `Schema` (the contract: types, encoding, error paths, Arbitrary)
 * and a fast decoder for the hot path. A page of payments holds thousands of values; Schema's interpreter costs
 * about twenty times `JSON.parse` on it, a straight walk over the fields a fraction of that.
 *
 * The fast decoder either returns exactly what the Schema decodes, or gives up (`FAIL`), and the Schema decodes
 * instead (to report where the input is wrong). It may be stricter than the Schema, never looser: the property
 * tests of `Payment` check it on arbitrary and mutated inputs.
 *
 * A struct's fast decoder is generated code where the platform allows it (`compiledStruct`), and otherwise a loop
 * over its fields (`interpretedStruct`); every codec keeps the interpreted one too, for the tests to check both.
 */
import type * as DateTime from "effect/DateTime"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { isInt32 } from "./int32.js"
import * as IsoDateTime from "./isoDateTime.js"
import { optionalList, optionalNullable, withAlias } from "./schemaHelpers.js"

/** The fast decoder gave up. @internal */
export const FAIL: unique symbol = Symbol.for("@helloasso-effect/core/Codec/FAIL")

/** @internal */
export type FAIL = typeof FAIL

/** State of one decoding: dates repeat within a page (a payment's date, its order's, their metas). @internal */
export interface Context {
  readonly dates: Map<string, DateTime.Zoned>
}

/** @internal */
export type Fast<A> = (input: unknown, context: Context) => A | FAIL

/** @internal */
export interface Codec<S extends Schema.Schema.Any> {
  readonly schema: S
  readonly fast: Fast<Schema.Schema.Type<S>>
  /** The same decoder without generated code. */
  readonly interpreted: Fast<Schema.Schema.Type<S>>
}

/** @internal */
export const make = <S extends Schema.Schema.Any>(
  schema: S,
  fast: Fast<Schema.Schema.Type<S>>,
  interpreted: Fast<Schema.Schema.Type<S>> = fast
): Codec<S> => ({ schema, fast, interpreted })

const fastString: Fast<string> = (input) => typeof input === "string" ? input : FAIL

const fastBoolean: Fast<boolean> = (input) => typeof input === "boolean" ? input : FAIL

const fastInt32: Fast<number> = (input) => isInt32(input) ? input : FAIL

/** @internal */
export const string = make(Schema.String, fastString)

/** @internal */
export const boolean = make(Schema.Boolean, fastBoolean)

/** An int32, branded or not: brands check nothing at run time. @internal */
export const int32 = <A extends number>(schema: Schema.Schema<A, number>): Codec<Schema.Schema<A, number>> =>
  make(schema, fastInt32 as Fast<A>)

/** An open enum: any string decodes. @internal */
export const openEnum = <A extends string>(schema: Schema.Schema<A, string>): Codec<Schema.Schema<A, string>> =>
  make(schema, fastString as Fast<A>)

/** A HelloAsso date. @internal */
export const date = (
  schema: Schema.Schema<DateTime.Zoned, string>
): Codec<Schema.Schema<DateTime.Zoned, string>> =>
  make(schema, (input, context) => {
    if (typeof input !== "string") return FAIL
    let parsed = context.dates.get(input)
    if (parsed === undefined) {
      const fresh = IsoDateTime.parse(input)
      if (fresh === undefined) return FAIL
      parsed = fresh
      context.dates.set(input, parsed)
    }
    return parsed
  })

const REQUIRED = 0
const OPTION = 1
const LIST = 2

/**
 * A field of a model: required, an `Option` (absent or `null` is `none`), or a list (absent or `null` is `[]`).
 *
 * @internal
 */
export interface Field<P extends Schema.Struct.Field> {
  readonly kind: typeof REQUIRED | typeof OPTION | typeof LIST
  readonly property: P
  readonly fast: Fast<unknown>
  readonly interpreted: Fast<unknown>
}

/** @internal */
export const required = <S extends Schema.Schema.Any>(codec: Codec<S>): Field<S> => ({
  kind: REQUIRED,
  property: codec.schema,
  fast: codec.fast,
  interpreted: codec.interpreted
})

/** @internal */
export const optional = <S extends Schema.Schema.Any>(codec: Codec<S>) => ({
  kind: OPTION as typeof OPTION,
  property: optionalNullable(codec.schema),
  fast: codec.fast as Fast<unknown>,
  interpreted: codec.interpreted as Fast<unknown>
})

/** @internal */
export const list = <S extends Schema.Schema.Any>(codec: Codec<S>) => ({
  kind: LIST as typeof LIST,
  property: optionalList(codec.schema),
  fast: codec.fast as Fast<unknown>,
  interpreted: codec.interpreted as Fast<unknown>
})

type Fields = Record<string, Field<Schema.Struct.Field>>

/** The Schema fields of codec fields. @internal */
export type SchemaFields<F extends Fields> = { readonly [K in keyof F]: F[K]["property"] }

/** @internal */
export const schemaFields = <F extends Fields>(fields: F): SchemaFields<F> => {
  const out: Record<string, Schema.Struct.Field> = {}
  for (const key of Object.keys(fields)) out[key] = fields[key]!.property
  return out as SchemaFields<F>
}

const fastList = (item: Fast<unknown>, input: unknown, context: Context): Array<unknown> | FAIL => {
  if (!Array.isArray(input)) return FAIL
  const out = new Array<unknown>(input.length)
  for (let i = 0; i < input.length; i++) {
    const value = item(input[i], context)
    if (value === FAIL) return FAIL
    out[i] = value
  }
  return out
}

/**
 * The fast decoder of a struct as a loop over its fields: each field read once, unknown fields ignored.
 */
const interpretedStruct = <A>(fields: Fields): Fast<A> => {
  const keys = Object.keys(fields)
  const kinds = keys.map((key) => fields[key]!.kind)
  const decoders = keys.map((key) => fields[key]!.interpreted)
  const count = keys.length
  return (input, context) => {
    if (typeof input !== "object" || input === null || Array.isArray(input)) return FAIL
    const record = input as Record<string, unknown>
    const out: Record<string, unknown> = {}
    for (let i = 0; i < count; i++) {
      const key = keys[i]!
      const raw = record[key]
      switch (kinds[i]) {
        case REQUIRED: {
          if (raw === undefined) return FAIL
          const value = decoders[i]!(raw, context)
          if (value === FAIL) return FAIL
          out[key] = value
          break
        }
        case OPTION: {
          if (raw === undefined || raw === null) {
            out[key] = Option.none()
          } else {
            const value = decoders[i]!(raw, context)
            if (value === FAIL) return FAIL
            out[key] = Option.some(value)
          }
          break
        }
        default: {
          if (raw === undefined || raw === null) {
            out[key] = []
          } else {
            const value = fastList(decoders[i]!, raw, context)
            if (value === FAIL) return FAIL
            out[key] = value
          }
        }
      }
    }
    return out as A
  }
}

/**
 * Whether `new Function` works here: a Content Security Policy or Cloudflare Workers may forbid it.
 *
 * @internal
 */
export const canGenerateCode: boolean = (() => {
  try {
    return new Function("return true")() === true
  } catch {
    return false
  }
})()

/**
 * The same decoder as `interpretedStruct`, generated for these fields: a property read per field and the result
 * built as one object literal, which V8 optimises far better than a loop over keys (a page of 100 payments
 * decodes in 0.26 ms instead of 0.45 ms). The generated source holds only the field names, as JSON string
 * literals, and indices into the decoders passed in. `undefined` where code cannot be generated.
 */
const compiledStruct = <A>(fields: Fields): Fast<A> | undefined => {
  const keys = Object.keys(fields)
  // a `__proto__` key in an object literal would set the prototype
  if (!canGenerateCode || keys.includes("__proto__")) return undefined
  const lines = [
    "return function decodeStruct(input, context) {",
    "  if (typeof input !== \"object\" || input === null || Array.isArray(input)) return FAIL",
    "  let raw, value"
  ]
  keys.forEach((key, i) => {
    const name = JSON.stringify(key)
    lines.push(`  let f${i}`, `  raw = input[${name}]`)
    switch (fields[key]!.kind) {
      case REQUIRED:
        lines.push(
          "  if (raw === undefined) return FAIL",
          `  f${i} = decoders[${i}](raw, context)`,
          `  if (f${i} === FAIL) return FAIL`
        )
        break
      case OPTION:
        lines.push(
          `  if (raw === undefined || raw === null) f${i} = none`,
          "  else {",
          `    value = decoders[${i}](raw, context)`,
          "    if (value === FAIL) return FAIL",
          `    f${i} = some(value)`,
          "  }"
        )
        break
      default:
        lines.push(
          `  if (raw === undefined || raw === null) f${i} = []`,
          "  else {",
          `    f${i} = list(decoders[${i}], raw, context)`,
          `    if (f${i} === FAIL) return FAIL`,
          "  }"
        )
    }
  })
  lines.push(`  return { ${keys.map((key, i) => `${JSON.stringify(key)}: f${i}`).join(", ")} }`, "}")
  const decoders = keys.map((key) => fields[key]!.fast)
  const factory = new Function("FAIL", "decoders", "none", "some", "list", lines.join("\n"))
  return factory(FAIL, decoders, Option.none(), Option.some, fastList) as Fast<A>
}

/**
 * Reads `alias` where `key` is absent or null (real responses send `state` where the spec says `status`).
 *
 * @internal
 */
export const fastAlias = <A>(fast: Fast<A>, key: string, alias: string): Fast<A> => (input, context) => {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return FAIL
  const record = input as Record<string, unknown>
  if ((record[key] !== undefined && record[key] !== null) || !(alias in record)) return fast(input, context)
  return fast({ ...record, [key]: record[alias] }, context)
}

const registry = new WeakMap<Schema.Schema.Any, { readonly fast: Fast<unknown>; readonly interpreted: Fast<unknown> }>()

/**
 * Registers the fast decoders of a schema (the final schema object, annotations included).
 *
 * @internal
 */
export const register = <S extends Schema.Schema.Any>(
  schema: S,
  fast: Fast<Schema.Schema.Type<S>>,
  interpreted: Fast<Schema.Schema.Type<S>> = fast
): S => {
  registry.set(schema, { fast: fast as Fast<unknown>, interpreted: interpreted as Fast<unknown> })
  return schema
}

/**
 * A decoder that takes the fast path when the schema has one (`interpreted`: without generated code). `FAIL`
 * from it means: decode with the Schema.
 *
 * @internal
 */
export const fastDecoder = <A>(
  schema: Schema.Schema<A, any, any>,
  options?: { readonly interpreted?: boolean | undefined }
): ((input: unknown) => A | FAIL) | undefined => {
  const decoders = registry.get(schema)
  if (decoders === undefined) return undefined
  const fast = options?.interpreted === true ? decoders.interpreted : decoders.fast
  return (input) => fast(input, { dates: new Map() }) as A | FAIL
}

/**
 * A struct model: its Schema (with `identifier`) and its fast decoders, registered for the client. `alias`
 * accepts another key for one field on the wire (see `withAlias`).
 *
 * @internal
 */
export const struct = <F extends Fields>(
  identifier: string,
  fields: F,
  options?: { readonly alias?: readonly [key: string, alias: string] | undefined }
): Codec<Schema.Schema<Schema.Struct.Type<SchemaFields<F>>, Schema.Struct.Encoded<SchemaFields<F>>>> => {
  type A = Schema.Struct.Type<SchemaFields<F>>
  type I = Schema.Struct.Encoded<SchemaFields<F>>
  const base: Schema.Schema<A, I> = Schema.Struct(schemaFields(fields)) as any
  const alias = options?.alias
  const schema = (alias === undefined ? base : withAlias(base, alias[0], alias[1])).annotations({ identifier })
  const withAliasRead = (decode: Fast<A>) => alias === undefined ? decode : fastAlias(decode, alias[0], alias[1])
  const interpreted = withAliasRead(interpretedStruct<A>(fields))
  const compiled = compiledStruct<A>(fields)
  const fast = compiled === undefined ? interpreted : withAliasRead(compiled)
  return make(register(schema, fast, interpreted), fast, interpreted)
}
