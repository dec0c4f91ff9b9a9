/**
 * An optional rate limit: a token bucket per client, `perSecond` requests a second with bursts of up to `burst`.
 * Beyond it the API answers 429 with `Retry-After` (whole seconds, the wait until a request is admitted again).
 * HelloAsso documents no limit; this one lets clients rehearse an API that enforces one.
 */

/** @internal */
export interface RateLimitOptions {
  readonly perSecond: number
  readonly burst?: number | undefined
}

/** @internal */
export type Admission =
  | { readonly _tag: "Admitted" }
  | { readonly _tag: "Limited"; readonly retryAfterSeconds: number }

/** @internal */
export interface RateLimit {
  /** Takes one request from `client`'s bucket at `now` (epoch milliseconds). */
  readonly admit: (client: string, now: number) => Admission
  /** Requests answered 429 so far. */
  readonly limited: () => number
}

const admitted: Admission = { _tag: "Admitted" }

/** @internal */
export const make = (options: RateLimitOptions | undefined): RateLimit => {
  let limited = 0
  if (options === undefined) return { admit: () => admitted, limited: () => limited }
  if (!(options.perSecond > 0 && Number.isFinite(options.perSecond))) {
    throw new RangeError("rateLimit.perSecond must be a positive number")
  }
  const rate = options.perSecond / 1000
  const burst = Math.max(1, options.burst ?? Math.ceil(options.perSecond))
  const buckets = new Map<string, { tokens: number; at: number }>()
  return {
    admit: (client, now) => {
      let bucket = buckets.get(client)
      if (bucket === undefined) {
        bucket = { tokens: burst, at: now }
        buckets.set(client, bucket)
      }
      bucket.tokens = Math.min(burst, bucket.tokens + Math.max(0, now - bucket.at) * rate)
      bucket.at = Math.max(bucket.at, now)
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1
        return admitted
      }
      limited++
      return { _tag: "Limited", retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / rate / 1000)) }
    },
    limited: () => limited
  }
}
