import { FileSystem } from "@effect/platform"
import { Payments } from "@helloasso-effect/core"
import { Effect, Stream } from "effect"

/** HelloAsso's own CSV export of the organization's payments, streamed to a file as it arrives. */
export const exportToFile = (organizationSlug: string, path: string) =>
  Effect.gen(function*() {
    const payments = yield* Payments.Payments
    const fs = yield* FileSystem.FileSystem
    yield* payments.exportByOrganization({ organizationSlug, format: "csv", states: ["Authorized"] }).pipe(
      Stream.run(fs.sink(path))
    )
  })
