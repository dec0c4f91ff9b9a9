/**
 * decode_overhead: the whole client path for a 100-payment page (in-memory transport, UTF-8 and JSON, Schema
 * decoding, stream emission) divided by `JSON.parse` alone of the same bytes.
 */
import { FetchHttpClient } from "@effect/platform"
import { HelloAsso, Payments } from "@helloasso-effect/core"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import { Effect, Layer, ManagedRuntime, Redacted, Stream } from "effect"
import * as Harness from "./harness.js"

export const decodeOverhead = async () => {
  const simulator = await Harness.run(HelloAssoSimulator.make({ payments: 100, seed: 11 }))
  const data = await Harness.run(simulator.listPayments())
  const text = JSON.stringify({
    data,
    pagination: { pageSize: 100, totalCount: -1, pageIndex: 1, totalPages: -1, continuationToken: "next-page" }
  })
  const bytes = new TextEncoder().encode(text)
  // an in-memory transport that answers every request with the same page
  const fetch = async () => new Response(bytes, { status: 200, headers: { "content-type": "application/json" } })
  const runtime = ManagedRuntime.make(
    HelloAsso.layer({ accessToken: Redacted.make("bench-token") }).pipe(
      Layer.provide(FetchHttpClient.layer),
      Layer.provide(Layer.succeed(FetchHttpClient.Fetch, fetch as unknown as typeof globalThis.fetch))
    )
  )
  const onePage = Effect.flatMap(
    Payments.Payments,
    (payments) =>
      payments.streamByOrganization({ organizationSlug: "bench", pageSize: 100 }, { prefetch: 0 }).pipe(
        Stream.take(100),
        Stream.runCount
      )
  )
  const count = await runtime.runPromise(onePage)
  if (count !== 100) throw new Error(`expected 100 payments, got ${count}`)
  const iterations = 200
  for (let i = 0; i < 100; i++) await runtime.runPromise(onePage) // warm up
  const result = await Harness.ratio({
    rounds: 15,
    subject: () => Harness.timeAsync(() => runtime.runPromise(onePage), iterations),
    baseline: async () => Harness.timeSync(() => JSON.parse(text), iterations)
  })
  await runtime.dispose()
  return { ...result, bytes: bytes.length }
}
