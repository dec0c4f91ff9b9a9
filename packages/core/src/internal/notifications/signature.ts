import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"

const encoder = new TextEncoder()

/** The bytes of a body: a string is UTF-8 encoded. @internal */
export const bytesOf = (body: string | Uint8Array): Uint8Array<ArrayBuffer> =>
  typeof body === "string" ? encoder.encode(body) : new Uint8Array(body)

const subtle = (): SubtleCrypto => {
  const crypto = globalThis.crypto
  if (crypto?.subtle === undefined) throw new Error("Web Crypto (globalThis.crypto.subtle) is not available")
  return crypto.subtle
}

// imported once per key: `Redacted` values are objects, the key's text is never kept outside of them
const imported = new WeakMap<Redacted.Redacted<string>, Promise<CryptoKey>>()

const importKey = (key: Redacted.Redacted<string>): Promise<CryptoKey> => {
  let cryptoKey = imported.get(key)
  if (cryptoKey === undefined) {
    const raw = encoder.encode(Redacted.value(key))
    if (raw.length === 0) return Promise.reject(new Error("the signature key is empty"))
    cryptoKey = subtle().importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"])
    imported.set(key, cryptoKey)
  }
  return cryptoKey
}

const hmac = (body: string | Uint8Array, key: Redacted.Redacted<string>): Effect.Effect<Uint8Array> =>
  Effect.promise(async () => new Uint8Array(await subtle().sign("HMAC", await importKey(key), bytesOf(body))))

const hexDigits = "0123456789abcdef"

const toHex = (bytes: Uint8Array): string => {
  let out = ""
  for (const byte of bytes) out += hexDigits[byte >> 4]! + hexDigits[byte & 15]!
  return out
}

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/

const fromHex = (text: string): Uint8Array | undefined => {
  if (!HEX_SHA256.test(text)) return undefined
  const out = new Uint8Array(32)
  for (let i = 0; i < 32; i++) out[i] = Number.parseInt(text.slice(2 * i, 2 * i + 2), 16)
  return out
}

/** Compares every byte whatever the first difference: the time taken says nothing about the expected MAC. */
const constantTimeEqual = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false
  let difference = 0
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!
  return difference === 0
}

/** @internal */
export const sign = (body: string | Uint8Array, key: Redacted.Redacted<string>): Effect.Effect<string> =>
  Effect.map(hmac(body, key), toHex)

/** @internal */
export const verifySignature = (
  body: string | Uint8Array,
  signature: string,
  key: Redacted.Redacted<string>
): Effect.Effect<boolean> =>
  Effect.suspend(() => {
    const given = fromHex(signature.trim())
    if (given === undefined || Redacted.value(key).length === 0) return Effect.succeed(false)
    return Effect.map(hmac(body, key), (expected) => constantTimeEqual(expected, given))
  })

/** The lowercase hex SHA-256 of a body: the identity of a delivery, for deduplication. @internal */
export const sha256Hex = (body: string | Uint8Array): Effect.Effect<string> =>
  Effect.promise(async () => toHex(new Uint8Array(await subtle().digest("SHA-256", bytesOf(body)))))
