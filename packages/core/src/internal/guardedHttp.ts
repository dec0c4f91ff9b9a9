/**
 * What every request of the client shares, the token request included: redirects are never followed, secret
 * headers stay out of spans, and bodies read into memory are bounded.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { MFA_HEADERS } from "./params.js"

/** Headers that carry secrets, kept out of spans (the platform redacts `authorization` already). @internal */
export const SECRET_HEADERS: ReadonlyArray<string> = Object.values(MFA_HEADERS)

/**
 * The platform client, made safe for credentials: a redirect is handed back as the 3xx answer it is (undici
 * follows none; fetch is told `redirect: "manual"`, without which it re-sends a POST and its secret to the
 * `Location`), and the secret headers are redacted from spans.
 *
 * @internal
 */
export const guard = Effect.gen(function*() {
  const requestInit: RequestInit = {
    ...Option.getOrElse(yield* Effect.serviceOption(FetchHttpClient.RequestInit), () => ({})),
    redirect: "manual"
  }
  const redactedNames = [...yield* FiberRef.get(Headers.currentRedactedNames), ...SECRET_HEADERS]
  return (yield* HttpClient.HttpClient).pipe(
    HttpClient.transformResponse((effect) =>
      Effect.locally(
        Effect.provideService(effect, FetchHttpClient.RequestInit, requestInit),
        Headers.currentRedactedNames,
        redactedNames
      )
    )
  )
})

/**
 * A redirect: a 3xx, or status 0, which is how browsers' fetch hands back a redirect it did not follow
 * (`opaqueredirect`, the `Location` hidden).
 *
 * @internal
 */
export const isRedirect = (status: number): boolean => status === 0 || (status >= 300 && status < 400)

/**
 * Where a redirect pointed: the host of its `Location`, never its path or query (they may carry anything).
 *
 * @internal
 */
export const redirectTarget = (headers: Headers.Headers, base: string): string => {
  const location = headers["location"]
  if (location === undefined || location === "") return "a location the platform does not show"
  try {
    return new URL(location, base).host || "an unreadable location"
  } catch {
    return "an unreadable location"
  }
}

/** The media type of a `Content-Type`, lower case, without its parameters. @internal */
export const mediaType = (headers: Headers.Headers): string | undefined => {
  const value = headers["content-type"]
  if (value === undefined) return undefined
  return value.split(";")[0]!.trim().toLowerCase()
}

/** Whether a media type is JSON (`application/json`, `text/json`, `application/problem+json`...). @internal */
export const isJsonType = (type: string): boolean =>
  type === "application/json" || type === "text/json" || type.endsWith("+json")

/** @internal */
export type Bounded =
  | { readonly _tag: "Complete"; readonly text: string }
  | { readonly _tag: "TooLarge" }

/**
 * The body's chunks; a body the platform reports as absent (a fetch `Response` with `null`) is empty.
 *
 * @internal
 */
export const chunks = (
  response: HttpClientResponse.HttpClientResponse
): Stream.Stream<Uint8Array, HttpClientError.ResponseError> =>
  Stream.catchAll(response.stream, (error) => error.reason === "EmptyBody" ? Stream.empty : Stream.fail(error))

const isIdentity = (headers: Headers.Headers): boolean => {
  const coding = headers["content-encoding"]
  return coding === undefined || coding.trim() === "" || coding.trim().toLowerCase() === "identity"
}

const declaredLength = (headers: Headers.Headers): number | undefined => {
  const value = headers["content-length"]
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined
}

/**
 * Reads a body as UTF-8 text, at most `maxBytes` of it. Past the bound, reading stops at once (the connection is
 * dropped, so an endless body costs no more than the bound): `truncate` keeps what was read, otherwise the
 * answer is `TooLarge`. A `Content-Length` over the bound is refused before reading.
 *
 * @internal
 */
export const readBounded = (
  response: HttpClientResponse.HttpClientResponse,
  maxBytes: number,
  overflow: "fail" | "truncate"
): Effect.Effect<Bounded, HttpClientError.ResponseError> => {
  const declared = declaredLength(response.headers)
  if (overflow === "fail" && declared !== undefined && declared > maxBytes) {
    // stop at the first chunk: the body is dropped with its connection
    return Effect.as(Stream.runForEachWhile(chunks(response), () => Effect.succeed(false)), { _tag: "TooLarge" })
  }
  // HTTP framing delivers no more than a declared length, unless a content coding inflates it: read it whole,
  // which costs less than reading it chunk by chunk
  if (declared !== undefined && declared <= maxBytes && isIdentity(response.headers)) {
    return Effect.map(response.text, (text): Bounded => ({ _tag: "Complete", text }))
  }
  return Effect.suspend(() => {
    const decoder = new TextDecoder()
    const parts: Array<string> = []
    let size = 0
    let over = false
    return Stream.runForEachWhile(chunks(response), (chunk) =>
      Effect.sync(() => {
        const room = maxBytes - size
        if (chunk.length > room) {
          over = true
          if (overflow === "truncate" && room > 0) parts.push(decoder.decode(chunk.subarray(0, room), { stream: true }))
          return false
        }
        size += chunk.length
        parts.push(decoder.decode(chunk, { stream: true }))
        return true
      })).pipe(
        Effect.map((): Bounded => {
          if (over && overflow === "fail") return { _tag: "TooLarge" }
          parts.push(decoder.decode())
          return { _tag: "Complete", text: parts.join("") }
        })
      )
  })
}
