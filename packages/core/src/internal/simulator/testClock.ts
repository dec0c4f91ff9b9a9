import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"

/**
 * Runs an effect under `it.effect`'s `TestClock`, moving the clock on by `step` whenever it is not done: the
 * client's waits (backoff between retries, `Retry-After`, timeouts) and the simulator's latency all sleep on the
 * Effect clock, which a test clock never moves by itself.
 *
 * @internal
 */
export const withTestClock = <A, E, R>(
  self: Effect.Effect<A, E, R>,
  options?: { readonly step?: Duration.DurationInput | undefined; readonly maxSteps?: number | undefined }
): Effect.Effect<A, E, R> =>
  Effect.gen(function*() {
    const step = Duration.decode(options?.step ?? "1 second")
    const maxSteps = options?.maxSteps ?? 100_000
    const fiber = yield* Effect.fork(self)
    for (let i = 0; i < maxSteps; i++) {
      // let the effect run as far as it can before time moves
      yield* Effect.yieldNow()
      if (Option.isSome(yield* Fiber.poll(fiber))) break
      yield* TestClock.adjust(step)
    }
    return yield* Fiber.join(fiber)
  })
