/**
 * Parallel date windows, planned from the data. Continuation tokens force one page at a time, so a long listing
 * costs its number of pages times the round trip. Date windows (`to` is exclusive on the list endpoints, dates are
 * read to the millisecond) are independent listings that can run at the same time.
 *
 * The listing starts as one window, the sequential listing itself. A lane that is free splits a window that is
 * still running at a millisecond past the date of the last payment it decoded (its cursor): the running window
 * stops at the first payment it reads at or past that date, and a new window, asked for from that date on, takes
 * the rest. The running window's query is not changed (its continuation token holds it): it stops on its own, so
 * no window ends on an empty page, and the number of windows follows the work instead of a fixed grid.
 *
 * In date order (`ordered`), a free lane cuts the first window (from the consumer on) with more than its share
 * left, a share being about one buffer's worth of pages (less when what is left would not keep every lane busy):
 * windows are small enough to be fetched whole ahead of the consumer, and at most `concurrency + 2` are open, so
 * memory stays bounded. In any order, a free lane halves the window with the most payments left.
 */
import * as Cause from "effect/Cause"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberId from "effect/FiberId"
import * as Queue from "effect/Queue"
import * as Stream from "effect/Stream"
import * as Take from "effect/Take"
import type * as Payment from "../Payment.js"

/**
 * Pages a window may fetch before its turn comes, when the consumer wants date order: an ordered window is cut
 * to about this many pages and one more, so it is fetched whole while the consumer reads the windows before it.
 *
 * @internal
 */
export const PAGES_AHEAD = 15

/** In any order, a window is halved only when this many pages are left to it (estimated). @internal */
export const MIN_SPLIT_PAGES = 4

/** A date bound: the ISO string sent, and its epoch milliseconds. @internal */
export interface Bound {
  readonly iso: string
  readonly millis: number
}

/** The date bounds of one window's query. @internal */
export interface Query {
  readonly from: Bound | undefined
  readonly to: Bound | undefined
}

/**
 * A window, in positions: milliseconds in the listing's direction (negated when descending), so that a window
 * always moves to higher positions.
 */
interface Window<A> {
  /** The query's bound on the side the window starts from (`to` when descending, `from` when ascending). */
  readonly near: Bound | undefined
  /** The first position it may hold; `undefined` for a listing the caller left open on that side. */
  readonly start: number | undefined
  /** Payments at this position or past it belong to the windows after this one. */
  stop: number | undefined
  /** The position of the first and of the last payment it delivered. */
  first: number | undefined
  cursor: number | undefined
  count: number
  /** Payments per position: its own once it delivered some, else its parent's. */
  density: number | undefined
  done: boolean
  /** Its pages, in date order (ordered listings). */
  readonly queue: Queue.Queue<Take.Take<Payment.Page<A>, never>> | undefined
}

const signal = () => {
  let current = Deferred.unsafeMake<void>(FiberId.none)
  return {
    /** Taken before looking at the state: a change after the look completes it. */
    next: () => current,
    notify: Effect.sync(() => {
      const old = current
      current = Deferred.unsafeMake<void>(FiberId.none)
      Deferred.unsafeDone(old, Exit.void)
    })
  }
}

/**
 * Streams every page of a listing over windows listed at the same time, up to `concurrency` requests at once.
 * Ordered: the listing's date order, each window's pages in a bounded buffer until its turn. Unordered: pages as
 * they come, each window's in order.
 *
 * @internal
 */
export const stream = <A, E>(options: {
  readonly concurrency: number
  readonly ordered: boolean
  /** Pages each ordered window may fetch ahead of the consumer. */
  readonly buffer: number
  readonly pageSize: number
  readonly descending: boolean
  /** The caller's bounds. */
  readonly from: Bound | undefined
  readonly to: Bound | undefined
  /**
   * The date of the payment at the far end of the listing (the oldest when descending), when the caller left
   * that side open; `undefined` when there is none.
   */
  readonly edge: Effect.Effect<number | undefined, E>
  readonly pages: (query: Query) => Stream.Stream<Payment.Page<A>, E>
  readonly millisOf: (payment: A) => number | undefined
}): Stream.Stream<Payment.Page<A>, E> => {
  const { concurrency, descending, ordered, pageSize } = options
  const position = (millis: number) => descending ? -millis : millis
  const bound = (millis: number): Bound => ({ iso: new Date(millis).toISOString(), millis })
  /** The near bound of a window starting at `start`: `from` is inclusive, `to` exclusive. */
  const nearBound = (start: number): Bound => descending ? bound(-start + 1) : bound(start)
  const queryOf = (window: Window<A>): Query =>
    descending ? { from: options.from, to: window.near } : { from: window.near, to: options.to }
  const chunkPayments = (options.buffer + 1) * pageSize
  const maxOpen = concurrency + 2

  return Stream.unwrapScoped(Effect.gen(function*() {
    const scope = yield* Effect.scope
    const failure = yield* Deferred.make<never, E>()
    const changed = signal()
    const shared = ordered ? undefined : yield* Queue.bounded<Take.Take<Payment.Page<A>, never>>(options.buffer + 1)
    // made where a window is split, synchronously: creating a queue needs nothing and cannot fail
    const newQueue = () =>
      ordered ? Effect.runSync(Queue.bounded<Take.Take<Payment.Page<A>, never>>(options.buffer + 1)) : undefined

    // the far end, in positions, exclusive: conservative on the caller's bounds (a split date stays inside them)
    let end: number | undefined | null = descending
      ? (options.from === undefined ? undefined : -options.from.millis + 1)
      : (options.to === undefined ? undefined : options.to.millis)
    const windows: Array<Window<A>> = [{
      near: descending ? options.to : options.from,
      start: descending
        ? (options.to === undefined ? undefined : -options.to.millis)
        : options.from?.millis,
      stop: undefined,
      first: undefined,
      cursor: undefined,
      count: 0,
      density: undefined,
      done: false,
      queue: newQueue()
    }]
    let consumed = 0
    let failed = false

    const fail = (cause: Cause.Cause<E>) =>
      Effect.suspend(() => {
        if (Cause.isInterruptedOnly(cause)) return Effect.void
        failed = true
        return Effect.zipRight(Deferred.failCause(failure, cause), changed.notify)
      })

    /** The payments of a page this window delivers, and whether it goes on. */
    const deliver = (window: Window<A>, page: Payment.Page<A>) =>
      Effect.suspend(() => {
        const data = page.data
        let kept = data.length
        const stop = window.stop
        if (stop !== undefined) {
          // pages are in date order: the first payment past the stop and every one after it are the next window's
          for (let i = 0; i < data.length; i++) {
            const millis = options.millisOf(data[i]!)
            if (millis !== undefined && position(millis) >= stop) {
              kept = i
              break
            }
          }
        }
        for (let i = 0; i < kept; i++) {
          const millis = options.millisOf(data[i]!)
          if (millis === undefined) continue
          if (window.first === undefined) window.first = position(millis)
          window.cursor = position(millis)
        }
        window.count += kept
        if (window.first !== undefined && window.cursor !== undefined && window.cursor > window.first) {
          window.density = (window.count - 1) / (window.cursor - window.first)
        }
        const more = kept === data.length
        if (kept === 0) return Effect.as(changed.notify, more)
        const take = Take.of(kept === data.length ? page : { ...page, data: data.slice(0, kept) })
        return Effect.zipRight(
          Effect.zipRight(changed.notify, Queue.offer(window.queue ?? shared!, take)),
          Effect.succeed(more)
        )
      })

    const run = (window: Window<A>): Effect.Effect<void> =>
      options.pages(queryOf(window)).pipe(
        Stream.runForEachWhile((page) => deliver(window, page)),
        Effect.exit,
        Effect.flatMap((exit) => {
          window.done = true
          if (Exit.isFailure(exit)) return fail(exit.cause)
          return Effect.zipRight(
            window.queue === undefined ? Effect.void : Queue.offer(window.queue, Take.end),
            changed.notify
          )
        })
      )

    /** Where a running window's unread part begins and ends, and how many payments it holds (estimated). */
    const rest = (window: Window<A>) => {
      const from = window.cursor ?? window.start
      const to = window.stop ?? (end ?? undefined)
      if (window.done || from === undefined || to === undefined || window.density === undefined) return undefined
      return { from, to, payments: (to - from) * window.density }
    }

    /** Splits `window` at `at`: it keeps what lies before, a new window after it takes the rest. */
    const split = (window: Window<A>, at: number): Window<A> => {
      const next: Window<A> = {
        near: nearBound(at),
        start: at,
        stop: window.stop,
        first: undefined,
        cursor: undefined,
        count: 0,
        density: window.density,
        done: false,
        queue: newQueue()
      }
      window.stop = at
      windows.splice(windows.indexOf(window) + 1, 0, next)
      return next
    }

    type Choice = { readonly _tag: "Run"; readonly window: Window<A> } | { readonly _tag: "Wait" } | {
      readonly _tag: "Exit"
    }
    const WAIT: Choice = { _tag: "Wait" }
    const EXIT: Choice = { _tag: "Exit" }

    const choose = (): Choice => {
      if (failed || end === null) return EXIT
      const running = windows.filter((w) => !w.done)
      if (running.length === 0) return EXIT
      // the far end, or the first page, is still on its way
      if (end === undefined || running.some((w) => rest(w) === undefined)) return WAIT
      if (ordered) {
        if (windows.length - consumed >= maxOpen) return WAIT
        // a share: a buffer's worth, or less when what is left would not keep every lane busy
        let left = 0
        for (const window of running) left += rest(window)!.payments
        const share = Math.max(2 * pageSize, Math.min(chunkPayments, left / concurrency))
        // the first window with more than its share left keeps it, a new one takes the rest
        for (let i = consumed; i < windows.length; i++) {
          const window = windows[i]!
          const left = rest(window)
          if (left === undefined || left.payments < share * 1.5) continue
          const at = left.from + Math.ceil(share / window.density!)
          if (at > left.from && at < left.to) return { _tag: "Run", window: split(window, at) }
        }
        return EXIT
      }
      let best: Window<A> | undefined
      let most = 0
      for (const window of running) {
        const left = rest(window)!
        if (left.to - left.from >= 2 && left.payments > most) {
          best = window
          most = left.payments
        }
      }
      if (best === undefined || most < MIN_SPLIT_PAGES * pageSize) return EXIT
      const left = rest(best)!
      return { _tag: "Run", window: split(best, left.from + Math.ceil((left.to - left.from) / 2)) }
    }

    /** The next window for a free lane: a new one split off, or none (the lane ends). */
    const pick: Effect.Effect<Window<A> | undefined> = Effect.suspend(() => {
      const wake = changed.next()
      const choice = choose()
      switch (choice._tag) {
        case "Run":
          return Effect.as(changed.notify, choice.window)
        case "Exit":
          return Effect.succeed(undefined)
        case "Wait":
          return Effect.zipRight(Deferred.await(wake), pick)
      }
    })

    const work = (window: Window<A> | undefined): Effect.Effect<void> =>
      window === undefined ? Effect.void : Effect.zipRight(run(window), Effect.flatMap(pick, work))
    let lanes = concurrency
    const lane = (first: Window<A> | undefined): Effect.Effect<void> =>
      Effect.ensuring(
        first === undefined ? Effect.flatMap(pick, work) : work(first),
        Effect.suspend(() => {
          lanes--
          return lanes === 0 && shared !== undefined && !failed ? Queue.offer(shared, Take.end) : Effect.void
        })
      )

    if (end === undefined) {
      yield* Effect.forkIn(
        options.edge.pipe(
          Effect.matchCauseEffect({
            onFailure: fail,
            onSuccess: (millis) =>
              Effect.suspend(() => {
                end = millis === undefined ? null : position(millis) + 1
                return changed.notify
              })
          })
        ),
        scope
      )
    }
    for (let i = 0; i < concurrency; i++) yield* Effect.forkIn(lane(i === 0 ? windows[0] : undefined), scope)

    const read = (i: number): Stream.Stream<Payment.Page<A>> =>
      Stream.suspend(() => {
        const window = windows[i]
        // every window before it is done: none can be inserted after them
        if (window === undefined) return Stream.empty
        return Stream.fromQueue(window.queue!).pipe(
          Stream.flattenTake,
          Stream.concat(Stream.execute(Effect.suspend(() => {
            consumed = i + 1
            return changed.notify
          }))),
          Stream.concat(read(i + 1))
        )
      })
    const pages = shared === undefined ? read(0) : Stream.flattenTake(Stream.fromQueue(shared))
    return Stream.interruptWhen(pages, Deferred.await(failure))
  }))
}
