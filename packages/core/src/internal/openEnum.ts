import * as Schema from "effect/Schema"
import * as Codec from "./codec.js"

/**
 * A string enum of the HelloAsso API that stays open: the known values are typed as literals, and a value the
 * spec does not list is kept as a plain string rather than failing the whole page (HelloAsso adds enum values
 * without notice).
 *
 * @internal
 */
export interface OpenEnum<Known extends string> extends Schema.Schema<Known | (string & {}), string> {
  /** The values the published specs list, in spec order. */
  readonly known: ReadonlyArray<Known>
  /** The closed schema of the known values only, for validating inputs. */
  readonly strict: Schema.Literal<[Known, ...Array<Known>]>
  /** Whether a decoded value is one of the known values. */
  readonly isKnown: (value: string) => value is Known
}

/** @internal */
export const make = <const Known extends readonly [string, ...Array<string>]>(
  identifier: string,
  known: Known
): OpenEnum<Known[number]> => {
  const strict = Schema.Literal(...known).annotations({ identifier: `${identifier}.Known` })
  const set: ReadonlySet<string> = new Set(known)
  const schema = Schema.Union(strict, Schema.String).annotations({
    identifier,
    description: `one of ${known.join(", ")}, or a value HelloAsso added since`,
    arbitrary: () => (fc) => fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...known) }, fc.string())
  })
  // any string decodes
  return Codec.openEnum(Object.assign(Schema.make<Known[number] | (string & {}), string, never>(schema.ast), {
    known: known as ReadonlyArray<Known[number]>,
    strict: strict as unknown as Schema.Literal<[Known[number], ...Array<Known[number]>]>,
    isKnown: (value: string): value is Known[number] => set.has(value)
  }))
}
