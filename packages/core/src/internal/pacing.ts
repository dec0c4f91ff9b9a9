/**
 * A windowed listing's pace, learnt from the API's 429 answers. HelloAsso documents no rate limit, so none is
 * assumed: requests go out as the lanes allow until a 429 comes. From then on, request starts are spaced to a
 * rate that is cut multiplicatively on a 429 (once per round: a 429 for a request sent before the last cut was
 * already answered) and raised additively on each success, back to the rate that met the limit within a few
 * seconds (AIMD). The lanes (`concurrency`) cap the requests in flight; the rate caps how often they start, which a
 * cap on requests in flight alone cannot do when an answer takes less than `concurrency / limit` seconds.
 * Effect has no adaptive limiter, hence this one; it sleeps on the Effect clock.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type * as Client from "./client.js"

/** The rate kept after a 429, as a share of the rate that met it. @internal */
export const DECREASE = 0.9

/** Seconds the additive increase takes to climb back to the rate of the last 429. @internal */
export const RECOVERY_SECONDS = 3

/**
 * Milliseconds over which the rate that met a 429 is measured: short, so that a burst that emptied the API's bucket
 * is seen as the burst it was, not averaged with the quiet before it.
 */
const WINDOW = 250

/** The slowest pace, in requests a second. */
const MIN_RATE = 0.5

/** @internal */
export interface Pacing extends Client.Gate {
  /** The current pace in requests a second; `undefined` until the first 429. */
  readonly rate: () => number | undefined
}

/** @internal */
export const make = (): Pacing => {
  let rate: number | undefined
  /** Earliest start of the next request (epoch milliseconds). */
  let next = 0
  /** When the rate was last cut; a 429 for a request started earlier belongs to that round. */
  let cutAt = Number.NEGATIVE_INFINITY
  /** Requests a second added each second. */
  let step = 0
  /** Times of the recent successes, and of the first one: the rate the lanes reach. */
  const recent: Array<number> = []
  let firstAt: number | undefined

  const succeeded = (now: number) => {
    firstAt ??= now
    recent.push(now)
    while (recent[0]! <= now - WINDOW) recent.shift()
    if (rate !== undefined) rate += step / rate
  }

  /** Successes a second, over the last `WINDOW` milliseconds (or since the first one). */
  const measured = (now: number) => {
    while (recent.length > 0 && recent[0]! <= now - WINDOW) recent.shift()
    return firstAt === undefined ? MIN_RATE : recent.length / (Math.max(50, Math.min(WINDOW, now - firstAt)) / 1000)
  }

  const limited = (start: number, now: number) => {
    if (start < cutAt) return
    const met = Math.max(MIN_RATE, Math.min(rate ?? Number.POSITIVE_INFINITY, measured(now)))
    rate = Math.max(MIN_RATE, met * DECREASE)
    step = (met - rate) / RECOVERY_SECONDS
    cutAt = now
    next = Math.max(next, now + 1000 / rate)
  }

  const around = <A extends { readonly status: number }, E>(
    exchange: Effect.Effect<A, E>
  ): Effect.Effect<A, E> =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      let start = now
      let wait = 0
      if (rate !== undefined) {
        start = Math.max(now, next)
        next = start + 1000 / rate
        wait = Math.ceil(start - now)
      }
      const sent = Effect.tap(exchange, (answer) =>
        Effect.map(Clock.currentTimeMillis, (at) => {
          if (answer.status === 429) limited(start, at)
          else if (answer.status < 400) succeeded(at)
        }))
      return wait > 0 ? Effect.zipRight(Effect.sleep(wait), sent) : sent
    })

  return { around, rate: () => rate }
}
