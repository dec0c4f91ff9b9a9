import { Payments } from "@helloasso-effect/core"
import { Effect, Option, Stream } from "effect"

/** What an association collected: every authorized payment, streamed page after page. */
export const totalCollected = (organizationSlug: string) =>
  Effect.gen(function*() {
    const payments = yield* Payments.Payments
    return yield* payments.streamByOrganization({ organizationSlug, states: ["Authorized"] }).pipe(
      // every field but the id is an Option: HelloAsso may leave it out
      Stream.runFold(0, (cents, payment) => cents + Option.getOrElse(payment.amount, () => 0))
    )
  })
