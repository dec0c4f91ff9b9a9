import { Payments } from "@helloasso-effect/core"
import { Effect, Stream } from "effect"

/** What an association collected: every authorized payment, streamed page after page. */
export const totalCollected = (organizationSlug: string) =>
  Effect.gen(function*() {
    const payments = yield* Payments.Payments
    return yield* payments.streamByOrganization({ organizationSlug, states: ["Authorized"] }).pipe(
      Stream.runFold(0, (cents, payment) => cents + payment.amount)
    )
  })
