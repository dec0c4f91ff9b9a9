import { describe, expect, it } from "@effect/vitest"
import { Clock, Effect, Fiber, TestClock } from "effect"
import * as Pacing from "../src/internal/pacing.js"

/**
 * The pace of a windowed listing, on its own: a request's turn that would come at or past its call's deadline is
 * not waited for.
 */

const answer = (status: number) => Effect.succeed({ status })

describe("Pacing", () => {
  it.effect("a turn at or past the call's deadline fails at once with `late`, and keeps no slot", () =>
    Effect.gen(function*() {
      const pacing = Pacing.make()
      const late = Effect.fail("late" as const)
      // the first 429 sets a pace: the next request waits for its turn
      yield* pacing.around(answer(429), Infinity, late)
      const rate = pacing.rate()!
      expect(rate).toBeGreaterThan(0)
      const spacing = Math.ceil(1000 / rate)
      const start = yield* Clock.currentTimeMillis
      let sent = 0
      const request = Effect.sync(() => {
        sent++
        return { status: 200 }
      })
      // a turn that would come at the deadline, or after it: not waited for, the request not sent
      expect(yield* Effect.flip(pacing.around(request, start + spacing, late))).toBe("late")
      expect(yield* Effect.flip(pacing.around(request, start + spacing - 1, late))).toBe("late")
      expect(sent).toBe(0)
      // the refused turns took no slot: the next request goes out after one spacing, not three
      const fiber = yield* Effect.fork(pacing.around(request, start + spacing + 1, late))
      yield* TestClock.adjust(spacing)
      expect(yield* Fiber.join(fiber)).toEqual({ status: 200 })
      expect(sent).toBe(1)
      expect((yield* Clock.currentTimeMillis) - start).toBe(spacing)
    }))
})
