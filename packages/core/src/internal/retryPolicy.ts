import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import type * as HelloAssoConfig from "../HelloAssoConfig.js"

/**
 * `Retry-After` is either delay-seconds or an HTTP date (RFC 9110 10.2.3). Returns the delay in milliseconds,
 * or `undefined` when the header is absent or unreadable.
 *
 * @internal
 */
export const parseRetryAfter = (value: string | undefined, now: number): number | undefined => {
  if (value === undefined) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/**
 * The delay before retry number `attempt` (0-based): the server's `Retry-After` when it sent one (capped), else
 * exponential backoff with full jitter.
 *
 * @internal
 */
export const delay = (
  policy: HelloAssoConfig.RetryPolicy,
  attempt: number,
  retryAfterMillis: number | undefined
): Effect.Effect<Duration.Duration> => {
  if (retryAfterMillis !== undefined) {
    return Effect.succeed(Duration.min(Duration.millis(retryAfterMillis), policy.maxRetryAfter))
  }
  const ceiling = Math.min(
    Duration.toMillis(policy.maxDelay),
    Duration.toMillis(policy.baseDelay) * 2 ** Math.min(attempt, 30)
  )
  return Effect.map(Random.next, (r) => Duration.millis(Math.floor(r * ceiling)))
}

/**
 * The retry schedule of a policy: at most `maxRetries` retries, each after the failure's `Retry-After` when the
 * server sent one, else after an exponential backoff with full jitter. Its input is the failure being retried.
 *
 * @internal
 */
export const schedule = <E>(
  policy: HelloAssoConfig.RetryPolicy,
  retryAfterMillis: (error: E) => number | undefined
): Schedule.Schedule<unknown, E> =>
  Schedule.intersect(Schedule.recurs(policy.maxRetries), Schedule.identity<E>()).pipe(
    Schedule.modifyDelayEffect(([attempt, error]) => delay(policy, attempt, retryAfterMillis(error)))
  )
