import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { decode } from "./decode.js"
import type * as models from "./models.js"
import { sha256Hex, verifySignature } from "./signature.js"
import { makeMemory, type Store } from "./store.js"

/** @internal */
export interface Options {
  readonly signatureKey?: Redacted.Redacted<string> | undefined
  readonly allowedIps?: ReadonlyArray<string> | undefined
  readonly maxBodyBytes?: number | undefined
}

/** @internal */
export const defaultMaxBodyBytes = 1024 * 1024

/** The header HelloAsso signs partner notifications in. @internal */
export const signatureHeader = "x-ha-signature"

/** `::ffff:51.138.206.200` (an IPv4 client of a dual-stack socket) is `51.138.206.200`. */
const normalizeIp = (ip: string): string => {
  const trimmed = ip.trim().toLowerCase()
  return trimmed.startsWith("::ffff:") && trimmed.includes(".") ? trimmed.slice(7) : trimmed
}

const respond = (status: number, text: string) => HttpServerResponse.text(text, { status })

type Body =
  | { readonly _tag: "Read"; readonly bytes: Uint8Array }
  | { readonly _tag: "TooLarge" }
  | { readonly _tag: "Unreadable" }

class TooLarge {
  readonly _tag = "TooLarge"
}

/** Reads at most `max` bytes of the body: past them the read stops, without buffering the rest. */
const readBody = (request: HttpServerRequest.HttpServerRequest, max: number): Effect.Effect<Body> => {
  const declared = Number(request.headers["content-length"])
  if (Number.isFinite(declared) && declared > max) return Effect.succeed({ _tag: "TooLarge" })
  return request.stream.pipe(
    Stream.runFoldEffect(
      { chunks: [] as Array<Uint8Array>, size: 0 },
      (state, chunk): Effect.Effect<{ chunks: Array<Uint8Array>; size: number }, TooLarge> => {
        const size = state.size + chunk.length
        if (size > max) return Effect.fail(new TooLarge())
        state.chunks.push(chunk)
        return Effect.succeed({ chunks: state.chunks, size })
      }
    ),
    Effect.map(({ chunks, size }): Body => {
      const bytes = new Uint8Array(size)
      let offset = 0
      for (const chunk of chunks) {
        bytes.set(chunk, offset)
        offset += chunk.length
      }
      return { _tag: "Read", bytes }
    }),
    Effect.catchAll((error): Effect.Effect<Body> =>
      Effect.succeed(error instanceof TooLarge ? { _tag: "TooLarge" } : { _tag: "Unreadable" })
    )
  )
}

/**
 * The notification endpoint. Checks run cheapest first and nothing is handled until all passed: method, source
 * address, body size, signature, decoding. A body already claimed in the store is a redelivery: 200 without running
 * the handler, or 409 while the first delivery is still being handled here (so that the sender retries, and a
 * failure of that first run is not lost).
 *
 * @internal
 */
export const make = <E, R>(
  handler: (notification: models.Notification) => Effect.Effect<void, E, R>,
  options: Options | undefined,
  providedStore: Effect.Effect<Option.Option<Store>>
): HttpApp.Default<never, R> => {
  const maxBodyBytes = options?.maxBodyBytes ?? defaultMaxBodyBytes
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1) {
    throw new RangeError(`maxBodyBytes must be a positive integer, got ${maxBodyBytes}`)
  }
  const signatureKey = options?.signatureKey
  const allowedIps = options?.allowedIps === undefined ? undefined : new Set(options.allowedIps.map(normalizeIp))
  // created once per app, used when no NotificationStore is provided
  let fallbackStore: Store | undefined
  const defaultStore = () => fallbackStore ??= makeMemory()
  const inFlight = new Set<string>()

  const handle = (notification: models.Notification, store: Store, key: string) =>
    Effect.uninterruptibleMask((restore) =>
      Effect.gen(function*() {
        if (!(yield* store.claim(key))) {
          return inFlight.has(key) ? respond(409, "being handled") : respond(200, "duplicate")
        }
        inFlight.add(key)
        const exit = yield* Effect.exit(restore(
          handler(notification).pipe(
            Effect.withSpan("HelloAssoNotifications.handle", { attributes: { eventType: notification.eventType } })
          )
        ))
        if (Exit.isSuccess(exit)) {
          inFlight.delete(key)
          return respond(200, "handled")
        }
        // released before it stops being in flight: a redelivery arriving meanwhile gets 409, then runs it again
        yield* Effect.ensuring(store.release(key), Effect.sync(() => inFlight.delete(key)))
        yield* Effect.logWarning(
          "HelloAssoNotifications: the handler failed, answering 500 for a redelivery",
          exit.cause
        )
          .pipe(Effect.annotateLogs({ eventType: notification.eventType }))
        return respond(500, "handler failed")
      })
    )

  return Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    if (request.method !== "POST") {
      return HttpServerResponse.text("method not allowed", { status: 405, headers: { allow: "POST" } })
    }
    if (allowedIps !== undefined) {
      const address = Option.map(request.remoteAddress, normalizeIp)
      if (Option.isNone(address) || !allowedIps.has(address.value)) return respond(403, "forbidden source address")
    }
    const body = yield* readBody(request, maxBodyBytes)
    if (body._tag === "TooLarge") return respond(413, "body too large")
    if (body._tag === "Unreadable") return respond(400, "the body could not be read")
    if (signatureKey !== undefined) {
      const signature = request.headers[signatureHeader]
      const valid = signature !== undefined && (yield* verifySignature(body.bytes, signature, signatureKey))
      if (!valid) return respond(401, "invalid signature")
    }
    const decoded = yield* Effect.either(decode(body.bytes))
    if (decoded._tag === "Left") return respond(400, `undecodable notification: ${decoded.left.message}`)
    const store = Option.getOrElse(yield* providedStore, defaultStore)
    return yield* handle(decoded.right, store, yield* sha256Hex(body.bytes))
  })
}
