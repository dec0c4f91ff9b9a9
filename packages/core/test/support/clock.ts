import { Duration, Effect, Fiber, Option, TestClock } from "effect"

/** Runs an effect that sleeps (backoff, Retry-After, latency) by moving the TestClock until it is done. */
export const withTestClock = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  step: Duration.DurationInput = "1 second",
  maxSteps = 600
): Effect.Effect<A, E, R> =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(effect)
    for (let i = 0; i < maxSteps; i++) {
      yield* Effect.yieldNow()
      if (Option.isSome(yield* Fiber.poll(fiber))) break
      yield* TestClock.adjust(Duration.decode(step))
    }
    return yield* Fiber.join(fiber)
  })
