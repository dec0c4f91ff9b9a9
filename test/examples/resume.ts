import { Payments } from "@helloasso-effect/core"
import type { Payment } from "@helloasso-effect/core"
import { Console, Effect, Stream } from "effect"

/**
 * Streams every payment into `save`. If the stream fails (after the client's own retries), the error carries the
 * continuation token of the last page delivered: keep it, and start again from it later.
 */
export const syncPayments = (
  organizationSlug: string,
  save: (payment: Payment.Payment) => Effect.Effect<void>,
  continuationToken?: string
) =>
  Effect.gen(function*() {
    const payments = yield* Payments.Payments
    return yield* payments.streamByOrganization({ organizationSlug, continuationToken, pageSize: 100 }).pipe(
      Stream.runForEach(save),
      Effect.as({ done: true as const }),
      Effect.catchAll((error) =>
        Effect.as(Console.error(error.message), { done: false as const, resumeFrom: error.continuationToken })
      )
    )
  })
