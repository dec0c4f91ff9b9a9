/**
 * Pagination over continuation tokens. HelloAsso returns a token on every page, the last one included; the
 * page after the last is empty. The cursor moves only after a page is decoded, so a retried page reuses the
 * same token, and a failed stream reports the token to resume from.
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
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

type Cursor =
  | { readonly _tag: "Next"; readonly token: string | undefined }
  | { readonly _tag: "Done" }
  | { readonly _tag: "Repeated"; readonly token: string }

/**
 * Every page from `start` on. `fetch` gets the token of the last page delivered (`undefined` for the first).
 *
 * @internal
 */
export const pages = <A, E extends HelloAssoError>(options: {
  readonly operation: string
  readonly start: string | undefined
  readonly fetch: (token: string | undefined) => Effect.Effect<Payment.Page<A>, E>
  readonly prefetch: number
}): Stream.Stream<Payment.Page<A>, E | DecodeError> => {
  const stream = Stream.unfoldChunkEffect<Cursor, Payment.Page<A>, E | DecodeError, never>(
    { _tag: "Next", token: options.start },
    (cursor) => {
      switch (cursor._tag) {
        case "Done":
          return Effect.succeed(Option.none())
        case "Repeated":
          return Effect.fail(
            new DecodeError({
              operation: options.operation,
              reason: "RepeatedContinuationToken",
              path: "pagination.continuationToken",
              detail: "HelloAsso returned the continuation token it was given with more payments: following it " +
                "would repeat them forever, so the listing stops here",
              continuationToken: cursor.token
            })
          )
        case "Next":
          return Effect.map(
            Effect.mapError(options.fetch(cursor.token), (error) => withContinuationToken(error, cursor.token)),
            (page) => {
              // an empty page ends pagination, even though it still carries a token
              if (page.data.length === 0) return Option.none()
              const next = Option.getOrUndefined(page.pagination.continuationToken)
              if (next === undefined) return Option.some([Chunk.of(page), { _tag: "Done" }] as const)
              // the same token again would loop forever: stop before delivering payments twice
              if (next === cursor.token) return Option.some([Chunk.empty(), { _tag: "Repeated", token: next }] as const)
              return Option.some([Chunk.of(page), { _tag: "Next", token: next }] as const)
            }
          )
      }
    }
  )
  return options.prefetch > 0 ? Stream.buffer(stream, { capacity: options.prefetch }) : stream
}

/** The payments of a stream of pages. @internal */
export const items = <A, E>(pages: Stream.Stream<Payment.Page<A>, E>): Stream.Stream<A, E> =>
  Stream.mapChunks(pages, (chunk) => Chunk.flatMap(chunk, (page) => Chunk.unsafeFromArray(page.data)))
