import { KeyValueStore } from "@effect/platform"
import { SystemError } from "@effect/platform/Error"
import { describe, expect, it } from "@effect/vitest"
import { TokenStore } from "@helloasso-effect/core"
import { DateTime, Effect, Layer, Option, Redacted } from "effect"

const ACCESS = "access-token-Kq81Zr"
const REFRESH = "refresh-token-Wm42Py"

const pair = (organizationSlug: string, n = 1): TokenStore.Tokens => ({
  organizationSlug,
  accessToken: Redacted.make(`${ACCESS}-${n}`),
  refreshToken: Redacted.make(`${REFRESH}-${n}`),
  expiresAt: DateTime.unsafeMake(Date.UTC(2025, 5, 7, 14, 11, 15))
})

const plain = (tokens: Option.Option<TokenStore.Tokens>) =>
  Option.map(tokens, (t) => ({
    ...t,
    accessToken: Redacted.value(t.accessToken),
    refreshToken: Redacted.value(t.refreshToken),
    expiresAt: DateTime.formatIso(t.expiresAt)
  }))

const KeyValue = TokenStore.layerKeyValueStore.pipe(Layer.provideMerge(KeyValueStore.layerMemory))

describe.each(
  [
    ["layerMemory", TokenStore.layerMemory],
    ["layerKeyValueStore", KeyValue]
  ] as const
)("TokenStore.%s", (_, layer) => {
  it.effect("keeps one pair per organization, slugs without case; set replaces, remove forgets", () =>
    Effect.gen(function*() {
      const store = yield* TokenStore.TokenStore
      expect(yield* store.get("asso-a")).toEqual(Option.none())
      yield* store.set(pair("Asso-A"))
      yield* store.set(pair("asso-b"))
      expect(plain(yield* store.get("asso-a"))).toEqual(plain(Option.some(pair("Asso-A"))))
      yield* store.set(pair("asso-a", 2))
      expect(plain(yield* store.get("ASSO-A"))).toEqual(plain(Option.some(pair("asso-a", 2))))
      yield* store.remove("asso-a")
      yield* store.remove("asso-a")
      expect(yield* store.get("asso-a")).toEqual(Option.none())
      expect(plain(yield* store.get("asso-b"))).toEqual(plain(Option.some(pair("asso-b"))))
    }).pipe(Effect.provide(layer)))
})

describe("TokenStore.layerKeyValueStore", () => {
  it.effect("writes each pair with one set, as versioned JSON", () =>
    Effect.gen(function*() {
      const store = yield* TokenStore.TokenStore
      const kv = yield* KeyValueStore.KeyValueStore
      yield* store.set(pair("Asso-A"))
      expect(yield* kv.size).toBe(1)
      expect(JSON.parse(Option.getOrThrow(yield* kv.get("helloasso-tokens/asso-a")))).toEqual({
        version: 1,
        organizationSlug: "Asso-A",
        accessToken: `${ACCESS}-1`,
        refreshToken: `${REFRESH}-1`,
        expiresAt: "2025-06-07T14:11:15.000Z"
      })
    }).pipe(Effect.provide(KeyValue)))

  it.effect("a stored value that is not a pair fails with Unreadable, never quoting it", () =>
    Effect.gen(function*() {
      const store = yield* TokenStore.TokenStore
      const kv = yield* KeyValueStore.KeyValueStore
      const broken = [
        `{"version":1,"accessToken":"${ACCESS}","refreshToken":`,
        JSON.stringify({ version: 1, organizationSlug: "a", accessToken: ACCESS, refreshToken: 7, expiresAt: "x" }),
        JSON.stringify({ version: 2, organizationSlug: "a", accessToken: ACCESS, refreshToken: REFRESH })
      ]
      for (const text of broken) {
        yield* kv.set("helloasso-tokens/a", text)
        const error = yield* Effect.flip(store.get("a"))
        expect(error).toMatchObject({ _tag: "TokenStoreError", reason: "Unreadable", organizationSlug: "a" })
        for (const shown of [error.message, JSON.stringify(error), String(error)]) {
          expect(shown).not.toContain(ACCESS)
          expect(shown).not.toContain(REFRESH)
        }
      }
    }).pipe(Effect.provide(KeyValue)))

  it.effect("a store that fails is Unavailable; the tokens it echoes are masked", () =>
    Effect.gen(function*() {
      const store = TokenStore.makeKeyValueStore(KeyValueStore.make({
        get: () => Effect.fail(new SystemError({ module: "KeyValueStore", method: "get", reason: "Unknown" })),
        getUint8Array: () => Effect.succeedNone,
        set: (key, value) =>
          Effect.fail(
            new SystemError({
              module: "KeyValueStore",
              method: "set",
              reason: "Unknown",
              description: `cannot write ${key}=${String(value)}`
            })
          ),
        remove: () => Effect.void,
        clear: Effect.void,
        size: Effect.succeed(0)
      }))
      expect(yield* Effect.flip(store.get("a"))).toMatchObject({ reason: "Unavailable", operation: "TokenStore.get" })
      const error = yield* Effect.flip(store.set(pair("a")))
      expect(error).toMatchObject({ reason: "Unavailable", operation: "TokenStore.set" })
      expect(error.message).toContain("cannot write helloasso-tokens/a=")
      expect(error.message).not.toContain(ACCESS)
      expect(error.message).not.toContain(REFRESH)
    }))
})
