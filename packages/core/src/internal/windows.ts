/**
 * Parallel date windows. Continuation tokens force one page at a time, so a long listing costs its number of
 * pages times the round trip. Splitting `[from, to)` into half-open date windows (`to` is exclusive on the list
 * endpoints) gives independent listings that can run at the same time, each paginated as usual, and every
 * payment falls in exactly one window.
 */
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import * as Stream from "effect/Stream"
import type * as Payment from "../Payment.js"

/**
 * Windows per unit of concurrency. Payments are not spread evenly in time; several smaller windows per lane
 * keep every lane busy while an ordered consumer reads one window after the other.
 *
 * @internal
 */
export const WINDOWS_PER_LANE = 4

/**
 * Pages a window may fetch before its turn comes, when the consumer wants date order: memory stays bounded
 * (concurrency times this many pages) and a window of a few pages is fetched whole, in parallel with the others.
 *
 * @internal
 */
export const PAGES_AHEAD = 8

/** A date bound: the ISO string sent, and its epoch milliseconds. @internal */
export interface Bound {
  readonly iso: string
  readonly millis: number
}

/** @internal */
export interface Window {
  readonly from: Bound
  readonly to: Bound
}

/**
 * Splits `[from, to)` (epoch milliseconds) in `count` windows of equal length, in the listing's order. The outer
 * bounds keep the caller's own strings (7 fractional digits included).
 *
 * @internal
 */
export const plan = (options: {
  readonly from: Bound
  readonly to: Bound
  readonly count: number
  readonly descending: boolean
}): ReadonlyArray<Window> => {
  const { from, to } = options
  const span = to.millis - from.millis
  if (span <= 0) return []
  const count = Math.max(1, Math.min(options.count, span))
  const bounds: Array<Bound> = [from]
  for (let i = 1; i < count; i++) {
    const millis = from.millis + Math.floor((i * span) / count)
    bounds.push({ iso: new Date(millis).toISOString(), millis })
  }
  bounds.push(to)
  const windows = bounds.slice(1).map((end, i) => ({ from: bounds[i]!, to: end }))
  return options.descending ? windows.reverse() : windows
}

/**
 * Streams the windows' pages, up to `concurrency` windows at a time. Ordered: the pages of each window in turn,
 * so payments keep the listing's date order; each window runs ahead into a bounded buffer, which keeps memory
 * flat. Unordered: pages as they come, each window's pages still in order.
 *
 * @internal
 */
export const stream = <A, E>(options: {
  readonly windows: ReadonlyArray<Window>
  readonly concurrency: number
  readonly ordered: boolean
  /** Pages each window may fetch ahead of the consumer. */
  readonly buffer: number
  readonly pages: (window: Window) => Stream.Stream<Payment.Page<A>, E>
}): Stream.Stream<Payment.Page<A>, E> => {
  const { concurrency, windows } = options
  if (!options.ordered) {
    return Stream.mergeAll(windows.map(options.pages), { concurrency, bufferSize: options.buffer + 1 })
  }
  return Stream.unwrapScoped(Effect.map(Effect.scope, (scope) =>
    Stream.fromIterable(windows).pipe(
      // start a window: it pages into its own bounded queue, in the background
      Stream.mapEffect((window) =>
        Effect.gen(function*() {
          const queue = yield* Queue.bounded<Option.Option<Payment.Page<A>>>(options.buffer + 1)
          const producer = yield* Effect.forkIn(
            options.pages(window).pipe(
              Stream.runForEach((page) => Queue.offer(queue, Option.some(page))),
              Effect.exit,
              // the end of the window, whether it succeeded or failed
              Effect.tap(() => Queue.offer(queue, Option.none()))
            ),
            scope
          )
          return Stream.fromQueue(queue).pipe(
            Stream.takeWhile(Option.isSome),
            Stream.map((some) => some.value),
            // a failed window fails the stream, after the pages it delivered
            Stream.concat(Stream.drain(Stream.fromEffect(Effect.flatten(Fiber.join(producer)))))
          )
        })
      ),
      // `concurrency` windows started ahead of the one being read
      Stream.buffer({ capacity: Math.max(1, concurrency - 1) }),
      Stream.flatMap((pages) => pages)
    )))
}
