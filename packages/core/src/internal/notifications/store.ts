import * as Effect from "effect/Effect"

/** @internal */
export interface Store {
  readonly claim: (key: string) => Effect.Effect<boolean>
  readonly release: (key: string) => Effect.Effect<void>
}

/** @internal */
export const defaultCapacity = 10_000

/**
 * An in-memory store of at most `capacity` keys; past it the oldest claim is forgotten first.
 *
 * @internal
 */
export const makeMemory = (capacity: number = defaultCapacity): Store => {
  if (!Number.isSafeInteger(capacity) || capacity < 1) {
    throw new RangeError(`NotificationStore capacity must be a positive integer, got ${capacity}`)
  }
  // a Set iterates in insertion order: its first key is the oldest claim
  const claimed = new Set<string>()
  return {
    claim: (key) =>
      Effect.sync(() => {
        if (claimed.has(key)) return false
        claimed.add(key)
        if (claimed.size > capacity) {
          const oldest = claimed.values().next()
          if (oldest.done !== true) claimed.delete(oldest.value)
        }
        return true
      }),
    release: (key) =>
      Effect.sync(() => {
        claimed.delete(key)
      })
  }
}
