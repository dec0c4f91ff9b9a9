import { Payment, Payments } from "@helloasso-effect/core"
import { Effect, Stream } from "effect"

const toWire = Payment.encoder(Payment.Payment)

/** Every payment of the organization as one line of JSON each, in the API's wire format (for a data warehouse). */
export const jsonLines = (organizationSlug: string) =>
  Stream.unwrap(Effect.map(Payments.Payments, (payments) => payments.streamByOrganization({ organizationSlug }))).pipe(
    Stream.map((payment) => `${JSON.stringify(toWire(payment))}\n`)
  )
