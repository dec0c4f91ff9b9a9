/**
 * Fast decoders for the models' Schemas, an internal detail of the client. A page of payments holds thousands of
 * values; Schema's interpreter costs many times `JSON.parse` on it, a straight walk over the fields a
 * fraction of that.
 *
 * The models are plain `Schema.Struct`s. `decoderFor(schema)` finds, once per schema object, a fast decoder for a
 * struct whose every field is one this module knows: a leaf registered with `leaf` (strings, booleans, int32 and
 * their brands, open enums, dates, literals), a nested struct of the same kind, or a property made by `optional`,
 * `list` or `nullableList`. Structs built from the models' fields (`Schema.Struct({ ...Payment.fields })`, `pick`,
 * `omit`, `annotations`) get one too; any other schema has none, and the Schema decodes.
 *
 * The fast decoder either returns exactly what the Schema decodes, or gives up (`FAIL`), and the Schema decodes
 * instead (to report where the input is wrong). It may be stricter than the Schema, never looser: the property
 * tests of `Payment` check it on arbitrary and mutated inputs.
 *
 * A struct's fast decoder is generated code where the platform allows it (`compiledStruct`), and otherwise a loop
 * over its fields (`interpretedStruct`); both are kept, for the tests to check both.
 */
import type * as DateTime from "effect/DateTime"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import { Int32, isInt32 } from "./int32.js"
import * as IsoDateTime from "./isoDateTime.js"

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

interface Decoders {
  readonly fast: Fast<unknown>
  /** The same decoder without generated code. */
  readonly interpreted: Fast<unknown>
}

/** The decoders found for each schema, `null` for a schema that has none. */
const cache = new WeakMap<object, Decoders | null>()

// -----------------------------------------------------------------------------
// leaves
// -----------------------------------------------------------------------------

const leaves = new WeakMap<object, Fast<unknown>>()

/** Encodes a value of a schema's type to its wire form, trusting it is of that type. @internal */
export type Encode = (value: unknown) => unknown

const identity: Encode = (value) => value

/** The encoders of the leaves that have one (a leaf registered without one makes its structs encode by Schema). */
const leafEncoders = new WeakMap<object, Encode>()

/** The encoders found for each schema, `null` for a schema that has none. */
const encoders = new WeakMap<object, Encode | null>()

/**
 * Registers the fast decoder of a schema that is not a struct of known fields (a scalar, or a struct read its own
 * way); it must decode exactly as the schema does. Returns the schema.
 *
 * @internal
 */
export const leaf = <S extends Schema.Schema.Any>(
  schema: S,
  fast: Fast<Schema.Schema.Type<S>>,
  encode?: Encode
): S => {
  leaves.set(schema, fast as Fast<unknown>)
  cache.delete(schema)
  if (encode !== undefined) leafEncoders.set(schema, encode)
  encoders.delete(schema)
  return schema
}

const fastString: Fast<string> = (input) => typeof input === "string" ? input : FAIL

const fastBoolean: Fast<boolean> = (input) => typeof input === "boolean" ? input : FAIL

const fastInt32: Fast<number> = (input) => isInt32(input) ? input : FAIL

const fastDate: Fast<DateTime.Zoned> = (input, context) => {
  if (typeof input !== "string") return FAIL
  let parsed = context.dates.get(input)
  if (parsed === undefined) {
    const fresh = IsoDateTime.parse(input)
    if (fresh === undefined) return FAIL
    parsed = fresh
    context.dates.set(input, parsed)
  }
  return parsed
}

/** An int32, branded or not: brands check nothing at run time. @internal */
export const int32 = <S extends Schema.Schema<any, number, never>>(schema: S): S =>
  leaf(schema, fastInt32 as Fast<Schema.Schema.Type<S>>, identity)

/** An open enum: any string decodes. @internal */
export const openEnum = <S extends Schema.Schema<any, string, never>>(schema: S): S =>
  leaf(schema, fastString as Fast<Schema.Schema.Type<S>>, identity)

/** A string literal. @internal */
export const literal = <const L extends string>(value: L): Schema.Literal<[L]> =>
  leaf(Schema.Literal(value), (input) => input === value ? value : FAIL, identity)

leaf(Schema.String, fastString, identity)
leaf(Schema.Boolean, fastBoolean, identity)
leaf(Schema.Unknown, (input) => input, identity)
leaf(Int32, fastInt32, identity)
leaf(IsoDateTime.IsoDateTime, fastDate, (date) => IsoDateTime.format(date as DateTime.DateTime))

// -----------------------------------------------------------------------------
// fields
// -----------------------------------------------------------------------------

const REQUIRED = 0
const OPTION = 1
const LIST = 2
const NULLABLE_LIST = 3

type Kind = typeof REQUIRED | typeof OPTION | typeof LIST | typeof NULLABLE_LIST

const properties = new WeakMap<object, { readonly kind: Kind; readonly item: Schema.Schema.Any }>()

/**
 * A field the API may send as `null` or leave out: both decode to `Option.none()`, `none` encodes to an absent key,
 * and `make` defaults it to `none`.
 *
 * @internal
 */
export type OptionalField<S extends Schema.Schema.Any> = Schema.PropertySignature<
  ":",
  Option.Option<Schema.Schema.Type<S>>,
  never,
  "?:",
  Schema.Schema.Encoded<S> | null | undefined,
  true,
  Schema.Schema.Context<S>
>

/** @internal */
export const optional = <S extends Schema.Schema.Any>(schema: S): OptionalField<S> => {
  const field = Schema.optionalWith(schema, { nullable: true, as: "Option" }).pipe(
    Schema.withConstructorDefault(() => Option.none())
  ) as unknown as OptionalField<S>
  properties.set(field, { kind: OPTION, item: schema })
  return field
}

/**
 * A list the API may send as `null` or leave out: both decode to an empty array, which `make` defaults it to.
 *
 * @internal
 */
export type ListField<S extends Schema.Schema.Any> = Schema.PropertySignature<
  ":",
  ReadonlyArray<Schema.Schema.Type<S>>,
  never,
  "?:",
  ReadonlyArray<Schema.Schema.Encoded<S>> | null | undefined,
  true,
  Schema.Schema.Context<S>
>

/** @internal */
export const list = <S extends Schema.Schema.Any>(item: S): ListField<S> => {
  const field = Schema.optionalWith(Schema.Array(item), { nullable: true, default: () => [] }) as unknown as ListField<
    S
  >
  properties.set(field, { kind: LIST, item })
  return field
}

/**
 * A list that must be there, but may be `null`, which decodes to an empty array (a page's `data`).
 *
 * @internal
 */
export type NullableList<S extends Schema.Schema.Any> = Schema.Schema<
  ReadonlyArray<Schema.Schema.Type<S>>,
  ReadonlyArray<Schema.Schema.Encoded<S>> | null,
  Schema.Schema.Context<S>
>

/** @internal */
export const nullableList = <S extends Schema.Schema.Any>(item: S): NullableList<S> => {
  const field = Schema.transform(
    Schema.NullOr(Schema.Array(item)),
    Schema.Array(Schema.typeSchema(item)),
    { strict: true, decode: (list) => list ?? [], encode: (list) => list }
  ) as unknown as NullableList<S>
  properties.set(field, { kind: NULLABLE_LIST, item })
  return field
}

// -----------------------------------------------------------------------------
// a key read under another name
// -----------------------------------------------------------------------------

const AnyFields = Schema.Record({ key: Schema.String, value: Schema.Unknown })

const aliases = new WeakMap<AST.TransformationKind, readonly [key: string, alias: string]>()

/**
 * A struct that also reads its field `key` from `alias` on the wire, where `key` is absent or null (real HelloAsso
 * responses send `state` where the spec says `status`, and the other way round). Encoding writes `key` only.
 *
 * Schema has no property read from either of two keys, so this is the struct with its AST replaced by a
 * transformation that renames `alias` before the struct decodes; `fields`, `make`, `pick`, `omit` and
 * `annotations` work as on any struct (`pick` and `omit` give plain structs, without the alias).
 *
 * @internal
 */
export const withAlias = <F extends Schema.Struct.Fields>(
  struct: Schema.Struct<F>,
  key: keyof F & string,
  alias: string
): Schema.Struct<F> => {
  const transformation = Schema.transform(AnyFields, struct, {
    strict: false,
    decode: (input) => {
      if (input[key] !== undefined && input[key] !== null || !(alias in input)) return input
      const { [alias]: value, ...rest } = input
      return { ...rest, [key]: value }
    },
    encode: (output) => output
  }).annotations(struct.ast.annotations)
  const ast = transformation.ast as AST.Transformation
  aliases.set(ast.transformation, [key, alias])
  return class extends struct {
    static override ast = ast
  }
}

// -----------------------------------------------------------------------------
// structs
// -----------------------------------------------------------------------------

interface Plan {
  readonly keys: ReadonlyArray<string>
  readonly kinds: ReadonlyArray<Kind>
  readonly fast: ReadonlyArray<Fast<unknown>>
  readonly interpreted: ReadonlyArray<Fast<unknown>>
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
const interpretedStruct = (plan: Plan): Fast<unknown> => {
  const { interpreted: decoders, keys, kinds } = plan
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
          if (raw === null || (raw === undefined && kinds[i] === LIST)) {
            out[key] = []
          } else {
            const value = fastList(decoders[i]!, raw, context)
            if (value === FAIL) return FAIL
            out[key] = value
          }
        }
      }
    }
    return out
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
 * built as one object literal, which V8 optimises far better than a loop over keys. The generated source holds only
 * the field names, as JSON string literals, and indices into the decoders passed in. `undefined` where code cannot
 * be generated.
 */
const compiledStruct = (plan: Plan): Fast<unknown> | undefined => {
  const { keys, kinds } = plan
  // a `__proto__` key in an object literal would set the prototype
  if (!canGenerateCode || keys.includes("__proto__")) return undefined
  const lines = [
    "return function decodeStruct(input, context) {",
    "  if (typeof input !== \"object\" || input === null || Array.isArray(input)) return FAIL",
    "  let raw, value"
  ]
  keys.forEach((key, i) => {
    lines.push(`  let f${i}`, `  raw = input[${JSON.stringify(key)}]`)
    switch (kinds[i]) {
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
          kinds[i] === LIST ? `  if (raw === undefined || raw === null) f${i} = []` : `  if (raw === null) f${i} = []`,
          "  else {",
          `    f${i} = list(decoders[${i}], raw, context)`,
          `    if (f${i} === FAIL) return FAIL`,
          "  }"
        )
    }
  })
  lines.push(`  return { ${keys.map((key, i) => `${JSON.stringify(key)}: f${i}`).join(", ")} }`, "}")
  const factory = new Function("FAIL", "decoders", "none", "some", "list", lines.join("\n"))
  return factory(FAIL, plan.fast, Option.none(), Option.some, fastList) as Fast<unknown>
}

/**
 * Reads `alias` where `key` is absent or null, as `withAlias` does.
 */
const fastAlias = (fast: Fast<unknown>, key: string, alias: string): Fast<unknown> => (input, context) => {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return FAIL
  const record = input as Record<string, unknown>
  if ((record[key] !== undefined && record[key] !== null) || !(alias in record)) return fast(input, context)
  return fast({ ...record, [key]: record[alias] }, context)
}

const isPlainStruct = (ast: AST.AST): boolean =>
  ast._tag === "TypeLiteral" ||
  (ast._tag === "Transformation" && ast.transformation._tag === "TypeLiteralTransformation")

// annotations that change what a struct accepts
const changesDecoding = (ast: AST.AST): boolean =>
  Option.isSome(AST.getParseOptionsAnnotation(ast)) || Option.isSome(AST.getDecodingFallbackAnnotation(ast))

/** What a struct of known fields is made of: its keys in order, their kinds and item schemas, its alias. */
interface Shape {
  readonly keys: ReadonlyArray<string>
  readonly kinds: ReadonlyArray<Kind>
  readonly items: ReadonlyArray<object>
  readonly alias: readonly [key: string, alias: string] | undefined
}

const shapeOf = (schema: object): Shape | undefined => {
  const { ast, fields, records } = schema as { ast?: AST.AST; fields?: unknown; records?: unknown }
  if (
    ast === undefined || typeof fields !== "object" || fields === null || !Array.isArray(records) ||
    records.length > 0
  ) return undefined
  let alias: readonly [string, string] | undefined
  let struct = ast
  if (ast._tag === "Transformation" && ast.transformation._tag === "FinalTransformation") {
    alias = aliases.get(ast.transformation)
    if (alias === undefined) return undefined
    struct = ast.to
  }
  if (!isPlainStruct(struct) || changesDecoding(ast) || changesDecoding(struct)) return undefined
  const keys: Array<string> = []
  const kinds: Array<Kind> = []
  const items: Array<object> = []
  for (const name of Reflect.ownKeys(fields)) {
    if (typeof name !== "string") return undefined
    const field: unknown = (fields as Record<string, unknown>)[name]
    const property = typeof field === "object" || typeof field === "function" ? properties.get(field!) : undefined
    const item = property === undefined ? (Schema.isSchema(field) ? field : undefined) : property.item
    if (item === undefined) return undefined
    keys.push(name)
    kinds.push(property === undefined ? REQUIRED : property.kind)
    items.push(item)
  }
  return { keys, kinds, items, alias }
}

const structDecoders = (schema: object): Decoders | undefined => {
  const shape = shapeOf(schema)
  if (shape === undefined) return undefined
  const { alias, keys, kinds } = shape
  const fast: Array<Fast<unknown>> = []
  const interpreted: Array<Fast<unknown>> = []
  for (const item of shape.items) {
    const decoders = find(item)
    if (decoders === undefined) return undefined
    fast.push(decoders.fast)
    interpreted.push(decoders.interpreted)
  }
  const plan: Plan = { keys, kinds, fast, interpreted }
  const withAliasRead = (decode: Fast<unknown>) => alias === undefined ? decode : fastAlias(decode, alias[0], alias[1])
  const loop = withAliasRead(interpretedStruct(plan))
  const compiled = compiledStruct(plan)
  return { fast: compiled === undefined ? loop : withAliasRead(compiled), interpreted: loop }
}

const find = (schema: object): Decoders | undefined => {
  const cached = cache.get(schema)
  if (cached !== undefined) return cached ?? undefined
  const fast = leaves.get(schema)
  const decoders = fast === undefined ? structDecoders(schema) : { fast, interpreted: fast }
  cache.set(schema, decoders ?? null)
  return decoders
}

/**
 * The fast decoder of a schema, or `undefined` when it has none (`interpreted`: without generated code). `FAIL`
 * from it means: decode with the Schema.
 *
 * @internal
 */
export const decoderFor = <A>(
  schema: Schema.Schema<A, any, any>,
  options?: { readonly interpreted?: boolean | undefined }
): ((input: unknown) => A | FAIL) | undefined => {
  const decoders = find(schema)
  if (decoders === undefined) return undefined
  const fast = options?.interpreted === true ? decoders.interpreted : decoders.fast
  return (input) => fast(input, { dates: new Map() }) as A | FAIL
}

// -----------------------------------------------------------------------------
// encoders
// -----------------------------------------------------------------------------

/**
 * A struct's encoder: each field written in the order of the struct, `none` left out, lists item by item; the
 * alias of `withAlias` is never written.
 */
const structEncoder = (shape: Shape, encodeItems: ReadonlyArray<Encode>): Encode => {
  const { keys, kinds } = shape
  const count = keys.length
  return (value) => {
    const record = value as Record<string, unknown>
    const out: Record<string, unknown> = {}
    for (let i = 0; i < count; i++) {
      const key = keys[i]!
      const field = record[key]
      const encode = encodeItems[i]!
      switch (kinds[i]) {
        case REQUIRED: {
          out[key] = encode(field)
          break
        }
        case OPTION: {
          if (Option.isSome(field as Option.Option<unknown>)) out[key] = encode((field as Option.Some<unknown>).value)
          break
        }
        default: {
          const list = field as ReadonlyArray<unknown>
          const encoded = new Array<unknown>(list.length)
          for (let j = 0; j < list.length; j++) encoded[j] = encode(list[j])
          out[key] = encoded
        }
      }
    }
    return out
  }
}

const findEncoder = (schema: object): Encode | undefined => {
  const cached = encoders.get(schema)
  if (cached !== undefined) return cached ?? undefined
  let encode = leafEncoders.get(schema)
  if (encode === undefined && !leaves.has(schema)) {
    const shape = shapeOf(schema)
    // a `__proto__` key written to an object would set its prototype
    if (shape !== undefined && !shape.keys.includes("__proto__")) {
      const items = shape.items.map(findEncoder)
      if (items.every((item) => item !== undefined)) encode = structEncoder(shape, items)
    }
  }
  encoders.set(schema, encode ?? null)
  return encode
}

/**
 * The fast encoder of a schema (what `Schema.encodeSync` returns for a value of its type), or `undefined` when
 * it has none: a struct of known fields whose leaves all have an encoder. It does not check its input: it is for
 * values of the schema's type, such as the schema decoded.
 *
 * @internal
 */
export const encoderFor = <A, I>(schema: Schema.Schema<A, I, any>): ((value: A) => I) | undefined =>
  findEncoder(schema) as ((value: A) => I) | undefined
