/**
 * This library as a process of its own, as built (`pnpm build`): `NodeHelloAsso` and
 * `Payments.streamByOrganization`, counting the organization's payments. Prints their number and the milliseconds
 * the listing took (from building the client on, the process's start excluded). Imports each module by its own
 * path, as a program that cares for its start would.
 *
 * `node listLibrary.mjs API_URL TOKEN_URL CLIENT_ID CLIENT_SECRET ORGANIZATION PAGE_SIZE [CONCURRENCY]`
 */
import * as Payments from "@helloasso-effect/core/Payments"
import * as NodeHelloAsso from "@helloasso-effect/node/NodeHelloAsso"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { performance } from "node:perf_hooks"
import process from "node:process"

const [apiUrl, tokenUrl, clientId, clientSecret, organization, pageSize, concurrency = "1"] = process.argv.slice(2)

const start = performance.now()
const count = await Effect.runPromise(
  Effect.flatMap(
    Payments.Payments,
    (payments) =>
      Stream.runCount(payments.streamByOrganization(
        { organizationSlug: organization, pageSize: Number(pageSize) },
        { prefetch: 1, concurrency: Number(concurrency) }
      ))
  ).pipe(
    Effect.provide(NodeHelloAsso.layer({ apiUrl, tokenUrl, clientId, clientSecret: Redacted.make(clientSecret) }))
  )
)
process.stdout.write(`${count} ${performance.now() - start}\n`)
