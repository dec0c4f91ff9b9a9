import { Payments } from "@helloasso-effect/core"
import { DateTime, Effect } from "effect"

/** One page: the refunds of a month, oldest first. */
export const refundsOfJune = (organizationSlug: string) =>
  Effect.gen(function*() {
    const payments = yield* Payments.Payments
    const page = yield* payments.listByOrganization({
      organizationSlug,
      from: DateTime.unsafeMake("2024-06-01T00:00:00+02:00"),
      to: "2024-07-01T00:00:00+02:00", // exclusive
      states: ["Refunded", "Refunding"], // sent as states=Refunded&states=Refunding
      sortOrder: "Asc",
      pageSize: 100
    })
    return page.data
  })

/** One page of one form's payments; the `continuationToken` of `page.pagination` (an Option) points at the next. */
export const membershipsPage = (organizationSlug: string, formSlug: string) =>
  Effect.gen(function*() {
    const payments = yield* Payments.Payments
    return yield* payments.listByForm({ organizationSlug, formType: "Membership", formSlug, pageSize: 50 })
  })
