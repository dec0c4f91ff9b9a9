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

/** A 429 within this many seconds' worth of successes at the current pace: the pace is far above the limit. */
const FAR_SECONDS = 0.25

/** The share kept when the pace is far above the limit. @internal */
export const HALVE = 0.5

/** Seconds the additive increase takes to climb back to the rate of the last 429. @internal */
export const RECOVERY_SECONDS = 8

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
  /** Requests paced so far, and how many there were at the last cut: a 429 of an earlier one was answered. */
  let paced = 0
  let cutAfter = -1
  /** Requests a second added each second. */
  let step = 0
  /**
   * Successes since the last cut, and the time some request was waiting or in flight since then: the rate the API
   * let through. Time with none (every lane waiting out a `Retry-After`, or an ordered consumer behind) is not
   * counted.
   */
  let successes = 0
  let busy = 0
  let active = 0
  let busySince = 0

  const succeeded = () => {
    successes++
    if (rate !== undefined) rate += step / rate
  }

  const measured = (now: number) => successes / (Math.max(1, busy + (active > 0 ? now - busySince : 0)) / 1000)

  const limited = (request: number, now: number) => {
    if (request < cutAfter) return
    const before = rate
    // the first 429 comes after the API's burst: the pace is what got through, halved; later, a 429 that comes
    // before a quarter of a second's worth of successes at the current pace means it is far above the limit: halved too
    const met = before ?? Math.max(MIN_RATE, measured(now))
    const far = before !== undefined && successes < before * FAR_SECONDS
    rate = Math.max(MIN_RATE, met * (far ? HALVE : DECREASE))
    step = (met - rate) / RECOVERY_SECONDS
    cutAfter = paced
    successes = 0
    busy = 0
    busySince = now
    next = Math.max(next, now + 1000 / rate)
  }

  /** Waits for the request's turn; a cut while it waits spaces it anew. A turn at or past `until` is `late`. */
  const turn = <E>(until: number, late: Effect.Effect<never, E>): Effect.Effect<number, E> =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      if (rate === undefined) return Effect.succeed(paced++)
      const start = Math.max(now, next)
      if (start > now && start >= until) return late
      const request = paced++
      next = start + 1000 / rate
      if (start <= now) return Effect.succeed(request)
      return Effect.zipRight(
        Effect.sleep(Math.ceil(start - now)),
        Effect.suspend(() => request < cutAfter ? turn(until, late) : Effect.succeed(request))
      )
    })

  const enter = Effect.map(Clock.currentTimeMillis, (now) => {
    if (active++ === 0) busySince = now
  })
  const leave = Effect.map(Clock.currentTimeMillis, (now) => {
    if (--active === 0) busy += now - busySince
  })

  const around: Client.Gate["around"] = (exchange, until, late) =>
    Effect.acquireUseRelease(
      enter,
      () =>
        Effect.flatMap(turn(until, late), (request) =>
          Effect.tap(exchange, (answer) =>
            Effect.map(Clock.currentTimeMillis, (at) => {
              if (answer.status === 429) {
                limited(request, at)
              } else if (answer.status < 400) {
                succeeded()
              }
            }))),
      () =>
        leave
    )

  return { around, rate: () => rate }
}
