import * as KeyValueStore from "@effect/platform/KeyValueStore"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as TokenStore from "../TokenStore.js"
import * as ParseIssue from "./parseIssue.js"
import * as Scrub from "./scrub.js"

/** A pair as stored: JSON, with a version so that a later layout can still read it. */
const Stored = Schema.Struct({
  version: Schema.Literal(1),
  organizationSlug: Schema.String,
  accessToken: Schema.Redacted(Schema.String),
  refreshToken: Schema.Redacted(Schema.String),
  expiresAt: Schema.DateTimeUtc
})

const decodeStored = Schema.decodeUnknownEither(Stored)
const encodeStored = Schema.encodeSync(Stored)

const DEFAULT_PREFIX = "helloasso-tokens/"

/** HelloAsso compares slugs without case: one organization, one key. */
const normalize = (organizationSlug: string): string => organizationSlug.toLowerCase()

const failure = (
  operation: string,
  reason: "Unavailable" | "Unreadable",
  organizationSlug: string,
  detail: string
) => new TokenStore.TokenStoreError({ operation, reason, organizationSlug, detail })

/** What the store said went wrong; the tokens written, if it echoes them, are masked. */
const describe = (error: unknown, secrets: ReadonlyArray<string>): string => {
  const text = error instanceof Error ? error.message : String(error)
  return Scrub.text(text, secrets)
}

/** The stored text as a pair: what it holds is never quoted, only where it is wrong. */
const parse = (
  organizationSlug: string,
  text: string
): Either.Either<TokenStore.Tokens, TokenStore.TokenStoreError> => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return Either.left(failure("TokenStore.get", "Unreadable", organizationSlug, "the stored value is not JSON"))
  }
  return Either.match(decodeStored(json), {
    onLeft: (error) => {
      const path = ParseIssue.describe(error).path
      return Either.left(
        failure(
          "TokenStore.get",
          "Unreadable",
          organizationSlug,
          `the stored value is not a token pair (${path === "" ? "its shape" : path})`
        )
      )
    },
    onRight: ({ version: _, ...tokens }) => Either.right(tokens)
  })
}

/** @internal */
export const makeKeyValueStore = (
  store: KeyValueStore.KeyValueStore,
  options?: { readonly prefix?: string | undefined }
): TokenStore.Service => {
  const prefix = options?.prefix ?? DEFAULT_PREFIX
  const keyOf = (organizationSlug: string) => `${prefix}${normalize(organizationSlug)}`
  return {
    get: (organizationSlug) =>
      store.get(keyOf(organizationSlug)).pipe(
        Effect.mapError((error) => failure("TokenStore.get", "Unavailable", organizationSlug, describe(error, []))),
        Effect.flatMap(Option.match({
          onNone: () => Effect.succeedNone,
          onSome: (text) => Effect.map(parse(organizationSlug, text), Option.some)
        }))
      ),
    set: (tokens) =>
      Effect.suspend(() => {
        const text = JSON.stringify(encodeStored({ version: 1, ...tokens }))
        return Effect.mapError(
          store.set(keyOf(tokens.organizationSlug), text),
          (error) =>
            failure(
              "TokenStore.set",
              "Unavailable",
              tokens.organizationSlug,
              describe(error, Scrub.forms([tokens.accessToken, tokens.refreshToken, text]))
            )
        )
      }),
    remove: (organizationSlug) =>
      store.remove(keyOf(organizationSlug)).pipe(
        // a file store fails to remove what is not there: nothing to forget
        Effect.catchIf((error) => error._tag === "SystemError" && error.reason === "NotFound", () => Effect.void),
        Effect.mapError((error) => failure("TokenStore.remove", "Unavailable", organizationSlug, describe(error, [])))
      )
  }
}

/** @internal */
export const fromKeyValueStore = Effect.map(KeyValueStore.KeyValueStore, (store) => makeKeyValueStore(store))

/** @internal */
export const makeMemory = (): TokenStore.Service => {
  const pairs = new Map<string, TokenStore.Tokens>()
  return {
    get: (organizationSlug) => Effect.sync(() => Option.fromNullable(pairs.get(normalize(organizationSlug)))),
    set: (tokens) => Effect.sync(() => void pairs.set(normalize(tokens.organizationSlug), tokens)),
    remove: (organizationSlug) => Effect.sync(() => void pairs.delete(normalize(organizationSlug)))
  }
}
