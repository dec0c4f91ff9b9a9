import { Payments } from "@helloasso-effect/core"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import { Console, Effect, Option, Stream } from "effect"

/** What an association collected: every authorized payment, streamed page after page. */
const totalCollected = (organizationSlug: string) =>
  Effect.gen(function*() {
    const payments = yield* Payments.Payments
    return yield* payments.streamByOrganization({ organizationSlug, states: ["Authorized"] }).pipe(
      // every field but the id is an Option: HelloAsso may leave it out
      Stream.runFold(0, (cents, payment) => cents + Option.getOrElse(payment.amount, () => 0))
    )
  })

// Run against the simulator, in memory: no account, no network.
// For the real API: HelloAsso.layerConfig() (HELLOASSO_* variables) plus an HttpClient layer.
Effect.gen(function*() {
  const simulator = yield* HelloAssoSimulator.HelloAssoSimulator
  const cents = yield* totalCollected(simulator.organization.slug)
  yield* Console.log(`collected ${(cents / 100).toFixed(2)} €`)
}).pipe(
  Effect.provide(HelloAssoSimulator.layerHelloAsso({ payments: 500 })),
  Effect.runPromise
)
