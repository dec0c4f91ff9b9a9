/**
 * Pagination over continuation tokens. HelloAsso returns a token on every page, the last one included; the
 * page after the last is empty. A page without a token (or without `pagination`) is the last one. The cursor moves only after a page is decoded, so a retried page reuses the
 * same token, and a failed stream reports the token to resume from. A token seen before in the listing means a
 * cycle (A, B, A...): following it would deliver the same payments forever, so the listing stops there.
 */
import * as Chunk from "effect/Chunk"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type { HelloAssoError } from "../HelloAssoError.js"
import { DecodeError } from "../HelloAssoError.js"
import type * as Payment from "../Payment.js"
import * as Client from "./client.js"
import * as TokenDigests from "./tokenDigests.js"
import * as TokenPeek from "./tokenPeek.js"

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

type Cursor =
  | { readonly _tag: "Next"; readonly token: string | undefined }
  | { readonly _tag: "Done" }
  | { readonly _tag: "Repeated"; readonly token: string | undefined; readonly cycle: number }

/**
 * One turn of the event loop. Undici writes a request on a kept-alive socket only in the loop's check phase (it
 * waits a turn before reusing a socket, for the server to close it first if it meant to), after whatever runs in
 * the current turn: decoding a page, for one.
 */
const nextTurn: Effect.Effect<void> = Effect.async<void>((resume) => {
  // Node and Bun have `setImmediate`; elsewhere (browsers, workers) a timer stands for it
  const { clearImmediate, setImmediate } = globalThis as {
    readonly setImmediate?: (f: () => void) => unknown
    readonly clearImmediate?: (immediate: unknown) => void
  }
  if (setImmediate !== undefined && clearImmediate !== undefined) {
    const immediate = setImmediate(() => resume(Effect.void))
    return Effect.sync(() => clearImmediate(immediate))
  }
  const timer = setTimeout(() => resume(Effect.void), 0)
  return Effect.sync(() => clearTimeout(timer))
})

/**
 * Every page from `start` on. `request` gets the token of the last page delivered (`undefined` for the first)
 * and answers with the body, which `parse` then `decode` turn into the page.
 *
 * With `prefetch`, the next page's request goes out in a fiber of its own as soon as the current page is
 * received, its token read from the end of the body (`TokenPeek`), before the page is parsed and decoded: both
 * then overlap the next exchange instead of delaying it, which is what a latency-bound listing waits on. The
 * decoded page has the last word: a request sent on a token it does not confirm (or ahead of a page that does not
 * parse or decode) is interrupted.
 *
 * Only the next body crosses back between fibers, as bytes when the client gives them (`parse` makes the text):
 * pages are parsed and decoded in the stream's fiber. A value handed over from a fiber that lived through one of
 * V8's young collections is kept by it until the next full one: decoded pages handed over (a `Stream.buffer` after
 * decoding) would all be, at the cost of copying them. Past one page, `prefetch - 1` decoded pages are buffered on
 * top, at that price.
 *
 * @internal
 */
export const pages = <A, E extends HelloAssoError>(options: {
  readonly operation: string
  readonly start: string | undefined
  readonly request: (token: string | undefined) => Effect.Effect<string | Uint8Array, E>
  readonly parse: (body: string | Uint8Array) => Effect.Effect<unknown, DecodeError>
  readonly decode: (json: unknown) => Effect.Effect<Payment.Page<A>, DecodeError>
  readonly prefetch: number
}): Stream.Stream<Payment.Page<A>, E | DecodeError> => {
  /** The body of the page after `token`, received in the background. */
  type Ahead = Fiber.Fiber<string | Uint8Array, E>
  interface State {
    readonly cursor: Cursor
    readonly ahead: Ahead | undefined
    /** The number of the page the cursor leads to, from 0. */
    readonly index: number
  }
  const stream = Stream.unwrapScoped(Effect.map(Effect.scope, (scope) => {
    // every token of the listing (its digest), with the number of the page it leads to: one entry per page
    const seen = TokenDigests.make()
    if (options.start !== undefined) seen.set(options.start, 0)
    const requestAhead = (token: string): Effect.Effect<Ahead | undefined> =>
      options.prefetch > 0 ? Effect.forkIn(options.request(token), scope) : Effect.succeed(undefined)
    /** The same, returning once the request has left (or failed to), for the current page to be decoded meanwhile. */
    const requestAheadSent = (token: string): Effect.Effect<Ahead> =>
      Effect.flatMap(Deferred.make<void>(), (sent) =>
        Effect.zipLeft(
          Effect.forkIn(
            Effect.ensuring(
              Effect.locally(options.request(token), Client.currentOnSend, sent),
              Deferred.succeed(sent, undefined)
            ),
            scope
          ),
          Effect.zipRight(Deferred.await(sent), nextTurn)
        ))
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
            const step = Effect.flatMap(body, (raw) => {
              const early = options.prefetch === 0 ? undefined : TokenPeek.peek(raw)
              // a token seen before is left to the decoded page, which reports the cycle
              const sent: Effect.Effect<Ahead | undefined> = early === undefined || seen.has(early)
                ? Effect.succeed(undefined)
                : requestAheadSent(early)
              return Effect.flatMap(sent, (earlyAhead) => {
                // drops the request sent on a token the decoded page does not confirm
                const drop = earlyAhead === undefined ? Effect.void : Fiber.interrupt(earlyAhead)
                // not `Effect.onError`: its uninterruptible region around the decoding keeps the decoded page's
                // objects alive through V8's young collections (copied, then promoted); on interruption the
                // stream's scope interrupts the request ahead
                return Effect.flatMap(
                  Effect.tapErrorCause(Effect.flatMap(options.parse(raw), options.decode), () => drop),
                  (page): Effect.Effect<Option.Option<readonly [Chunk.Chunk<Payment.Page<A>>, State]>> => {
                    // an empty page ends pagination, even though it still carries a token
                    if (page.data.length === 0) return Effect.as(drop, Option.none())
                    // a page without pagination, or without a token, is the last one
                    const next = Option.getOrUndefined(
                      Option.flatMap(page.pagination, (pagination) => pagination.continuationToken)
                    )
                    if (next === undefined) {
                      return Effect.as(
                        drop,
                        Option.some([Chunk.of(page), { cursor: { _tag: "Done" }, ahead: undefined, index }] as const)
                      )
                    }
                    // a token seen before would loop forever: stop before delivering payments twice
                    const before = seen.get(next)
                    if (before !== undefined) {
                      const repeated: Cursor = { _tag: "Repeated", token: cursor.token, cycle: index + 1 - before }
                      return Effect.as(
                        drop,
                        Option.some([Chunk.empty(), { cursor: repeated, ahead: undefined, index }] as const)
                      )
                    }
                    seen.set(next, index + 1)
                    const nextAhead = earlyAhead !== undefined && next === early
                      ? Effect.succeed(earlyAhead)
                      : Effect.zipRight(drop, requestAhead(next))
                    return Effect.map(
                      nextAhead,
                      (ahead) =>
                        Option.some(
                          [Chunk.of(page), { cursor: { _tag: "Next", token: next }, ahead, index: index + 1 }] as const
                        )
                    )
                  }
                )
              })
            })
            return Effect.mapError(step, (error) => withContinuationToken(error, cursor.token))
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
