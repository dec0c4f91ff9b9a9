import { Payments } from "@helloasso-effect/core"
import { Chunk, Effect, Stream } from "effect"

/** Every payment of a payer, found by name or email (accents and case do not matter). */
export const paymentsOf = (organizationSlug: string, payer: string) =>
  Effect.gen(function*() {
    const payments = yield* Payments.Payments
    const found = yield* payments.streamSearch({ organizationSlug, searchKey: payer, pageSize: 100 }).pipe(
      Stream.runCollect
    )
    return Chunk.toReadonlyArray(found)
  })
