/**
 * Pagination over continuation tokens. HelloAsso returns a token on every page, the last one included; the
 * page after the last is empty. The cursor moves only after a page is decoded, so a retried page reuses the
 * same token, and a failed stream reports the token to resume from. A token seen before in the listing means a
 * cycle (A, B, A...): following it would deliver the same payments forever, so the listing stops there.
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type { HelloAssoError } from "../HelloAssoError.js"
import { DecodeError } from "../HelloAssoError.js"
import type * as Payment from "../Payment.js"

/**
 * The same error, saying which continuation token resumes the stream.
 *
 * @internal
 */
export const withContinuationToken = <E extends HelloAssoError>(error: E, token: string | undefined): E => {
  if (token === undefined || error.continuationToken === token) return error
  const { _tag, ...fields } = error as E & { readonly _tag: string }
  const Class = error.constructor as new(fields: object) => E
  return new Class({ ...fields, continuationToken: token })
}

/**
 * The same error, without a continuation token: the stream it ended cannot resume from one token.
 *
 * @internal
 */
export const withoutContinuationToken = <E extends HelloAssoError>(error: E): E => {
  if (error.continuationToken === undefined) return error
  const { _tag, continuationToken: _, ...fields } = error as E & { readonly _tag: string }
  const Class = error.constructor as new(fields: object) => E
  return new Class(fields)
}

/**
 * The continuation token a page's body is about to decode to, read without parsing it: the value of the last
 * `"continuationToken"` key, when it is a plain string (HelloAsso's tokens carry no escapes). `undefined` for a
 * page whose `data` is an empty array (the page after the last: nothing follows it) or for a body not shaped as
 * expected. Only a guess: the decoded page has the last word. Inside a JSON string a quote is escaped, so the key
 * with its quotes cannot match inside a payer's name or any other value.
 *
 * @internal
 */
export const peekContinuationToken = (body: string): string | undefined => {
  const data = body.indexOf("\"data\"")
  if (data === -1) return undefined
  let i = skipSpace(body, data + 6)
  if (body.charCodeAt(i) !== 58) return undefined // :
  i = skipSpace(body, i + 1)
  if (body.charCodeAt(i) !== 91 || body.charCodeAt(skipSpace(body, i + 1)) === 93) return undefined // [ and ]
  const key = body.lastIndexOf("\"continuationToken\"")
  if (key === -1) return undefined
  i = skipSpace(body, key + 19)
  if (body.charCodeAt(i) !== 58) return undefined // :
  i = skipSpace(body, i + 1)
  if (body.charCodeAt(i) !== 34) return undefined // "
  const end = body.indexOf("\"", i + 1)
  if (end === -1) return undefined
  const token = body.slice(i + 1, end)
  return token === "" || token.includes("\\") ? undefined : token
}

const skipSpace = (text: string, from: number): number => {
  let i = from
  for (;;) {
    const c = text.charCodeAt(i)
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return i
    i++
  }
}

/**
 * Lets a request just forked reach the wire before this fiber goes on. A forked fiber starts only when its parent
 * yields, and forks again on its way (its timeouts race a timer): `Effect.yieldNow` hands over for one turn only,
 * after which those fibers queue behind this one's decoding. Effect runs fibers on microtasks, so a macrotask
 * comes after all of them; but undici, reusing a kept-alive socket, writes the request only in the event loop's
 * next check phase (`setImmediate`, to see a close the server sent meanwhile). Hence two turns of `setImmediate`:
 * an immediate set from within one runs in the next loop iteration, after undici's. Elsewhere (no
 * `setImmediate`), a zero timeout.
 */
const yieldToOthers: Effect.Effect<void> = Effect.async<void>((resume) => {
  const { clearImmediate, setImmediate } = globalThis as {
    readonly setImmediate?: (f: () => void) => unknown
    readonly clearImmediate?: (handle: unknown) => void
  }
  if (setImmediate !== undefined && clearImmediate !== undefined) {
    let handle = setImmediate(() => {
      handle = setImmediate(() => resume(Effect.void))
    })
    return Effect.sync(() => clearImmediate(handle))
  }
  const handle = setTimeout(() => resume(Effect.void), 0)
  return Effect.sync(() => clearTimeout(handle))
})

type Cursor =
  | { readonly _tag: "Next"; readonly token: string | undefined }
  | { readonly _tag: "Done" }
  | { readonly _tag: "Repeated"; readonly token: string | undefined; readonly cycle: number }

/**
 * Every page from `start` on. `request` gets the token of the last page delivered (`undefined` for the first)
 * and answers with the body, which `decode` turns into the page.
 *
 * With `prefetch`, the next page's request goes out in a fiber of its own as soon as the current page is
 * decoded, and only its body (one string) crosses back: pages are decoded in the stream's fiber. Decoded pages
 * handed over between fibers (a `Stream.buffer` after decoding) get promoted by V8's young-generation
 * collections: measured in memory, that cost 0.46 ms a page of 100 payments, as much as decoding them; this
 * way costs 0.14 ms. Past one page, `prefetch - 1` decoded pages are buffered on top, at that price.
 *
 * With `prefetch`, the next request does not even wait for the decoding: it goes out as soon as the body is in,
 * for the token read from the body's text (`peekContinuationToken`), and is kept only if the decoded page names
 * the same token (it is interrupted otherwise, as when decoding fails). The client's own work per page (decoding,
 * the stream, the next request's pipeline) then runs while the server answers, instead of before it asks.
 *
 * @internal
 */
export const pages = <A, E extends HelloAssoError>(options: {
  readonly operation: string
  readonly start: string | undefined
  readonly request: (token: string | undefined) => Effect.Effect<string, E>
  readonly decode: (body: string) => Effect.Effect<Payment.Page<A>, DecodeError>
  readonly prefetch: number
}): Stream.Stream<Payment.Page<A>, E | DecodeError> => {
  /** The body of the page after `token`, received in the background. */
  type Ahead = Fiber.Fiber<string, E>
  interface State {
    readonly cursor: Cursor
    readonly ahead: Ahead | undefined
    /** The number of the page the cursor leads to, from 0. */
    readonly index: number
  }
  const stream = Stream.unwrapScoped(Effect.map(Effect.scope, (scope) => {
    // every token of the listing, with the number of the page it leads to: one entry per page
    const seen = new Map<string, number>()
    if (options.start !== undefined) seen.set(options.start, 0)
    const requestAhead = (token: string): Effect.Effect<Ahead | undefined> =>
      options.prefetch > 0 ? Effect.forkIn(options.request(token), scope) : Effect.succeed(undefined)
    type Step = Option.Option<readonly [Chunk.Chunk<Payment.Page<A>>, State]>
    /**
     * What follows the page decoded at `cursor` (the token it was asked with); `speculated`, the request already
     * sent for the token its body showed.
     */
    const next = (
      page: Payment.Page<A>,
      cursor: string | undefined,
      index: number,
      speculated: { readonly token: string; readonly fiber: Ahead } | undefined
    ): Effect.Effect<Step> => {
      const token = Option.getOrUndefined(page.pagination.continuationToken)
      const kept = speculated !== undefined && speculated.token === token && page.data.length > 0
      const drop = speculated === undefined || kept ? Effect.void : Fiber.interruptFork(speculated.fiber)
      // an empty page ends pagination, even though it still carries a token
      if (page.data.length === 0) return Effect.as(drop, Option.none())
      if (token === undefined) {
        return Effect.as(drop, Option.some([Chunk.of(page), { cursor: { _tag: "Done" }, ahead: undefined, index }]))
      }
      // a token seen before would loop forever: stop before delivering payments twice
      const before = seen.get(token)
      if (before !== undefined) {
        const repeated: Cursor = { _tag: "Repeated", token: cursor, cycle: index + 1 - before }
        return Effect.as(drop, Option.some([Chunk.empty(), { cursor: repeated, ahead: undefined, index }]))
      }
      seen.set(token, index + 1)
      return Effect.map(
        kept ? Effect.succeed(speculated.fiber) : Effect.zipRight(drop, requestAhead(token)),
        (ahead): Step => Option.some([Chunk.of(page), { cursor: { _tag: "Next", token }, ahead, index: index + 1 }])
      )
    }
    return Stream.unfoldChunkEffect<State, Payment.Page<A>, E | DecodeError, never>(
      { cursor: { _tag: "Next", token: options.start }, ahead: undefined, index: 0 },
      ({ ahead, cursor, index }) => {
        switch (cursor._tag) {
          case "Done":
            return Effect.succeed(Option.none())
          case "Repeated":
            return Effect.fail(
              new DecodeError({
                operation: options.operation,
                reason: "RepeatedContinuationToken",
                path: "pagination.continuationToken",
                detail: cursor.cycle === 1
                  ? "HelloAsso returned the continuation token it was given with more payments: following it " +
                    "would repeat them forever, so the listing stops here"
                  : `HelloAsso returned a continuation token seen ${cursor.cycle} pages earlier (a cycle): ` +
                    "following it would repeat the same payments forever, so the listing stops here",
                continuationToken: cursor.token
              })
            )
          case "Next": {
            const body = ahead === undefined ? options.request(cursor.token) : Fiber.join(ahead)
            const received = Effect.flatMap(body, (text) => {
              const guess = options.prefetch > 0 ? peekContinuationToken(text) : undefined
              // a token seen before is a cycle, which the decoded page reports: no request for it
              if (guess === undefined || seen.has(guess)) {
                return Effect.flatMap(options.decode(text), (page) => next(page, cursor.token, index, undefined))
              }
              const sent = Effect.zipLeft(Effect.forkIn(options.request(guess), scope), yieldToOthers)
              return Effect.flatMap(sent, (speculated) =>
                Effect.flatMap(
                  Effect.onError(options.decode(text), () => Fiber.interruptFork(speculated)),
                  (page) => next(page, cursor.token, index, { token: guess, fiber: speculated })
                ))
            })
            return Effect.mapError(received, (error) => withContinuationToken(error, cursor.token))
          }
        }
      }
    )
  }))
  return options.prefetch > 1 ? Stream.buffer(stream, { capacity: options.prefetch - 1 }) : stream
}

/** The payments of a stream of pages. @internal */
export const items = <A, E>(pages: Stream.Stream<Payment.Page<A>, E>): Stream.Stream<A, E> =>
  Stream.mapChunks(pages, (chunk) => Chunk.flatMap(chunk, (page) => Chunk.unsafeFromArray(page.data)))
