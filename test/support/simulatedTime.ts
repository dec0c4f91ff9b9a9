/**
 * Runs an effect on `TestClock` in simulated time: whenever its fibers wait, the clock moves on to the next pending
 * wake-up (latency, pacing, `Retry-After`, backoff), once the pending wake-ups have stayed the same over a few real
 * macrotasks (the fibers are waiting). The
 * client's own work takes no simulated time, so time-based figures do not depend on how busy the machine is; a
 * fiber still working when the clock moves only makes them worse.
 */
import { Chunk, Clock, Effect, Fiber, Option } from "effect"
import * as TestClock from "effect/TestClock"

export const simulatedTime = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(self)
    let seen = ""
    let still = 0
    while (true) {
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 0)))
      if (Option.isSome(yield* Fiber.poll(fiber))) break
      const sleeps = Chunk.toReadonlyArray(yield* TestClock.sleeps())
      // the fibers are taken to wait once the pending wake-ups stay the same over a few macrotasks
      const now = `${sleeps.length}:${Math.min(...sleeps)}`
      still = now === seen ? still + 1 : 0
      seen = now
      if (sleeps.length === 0 || still < 3) continue
      const at = yield* Clock.currentTimeMillis
      // a wake-up due now that did not run waits for a millisecond more
      yield* TestClock.adjust(Math.max(1, Math.ceil(Math.min(...sleeps) - at)))
    }
    return yield* Fiber.join(fiber)
  })
