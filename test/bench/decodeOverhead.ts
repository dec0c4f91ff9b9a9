/**
 * decode_overhead: the whole client path for a 100-payment page (in-memory transport, UTF-8 and JSON, Schema
 * decoding, stream emission) divided by `JSON.parse` alone of the same bytes.
 *
 * Measured per page of a 50-page listing (the steady state of a long export: the in-memory transport answers
 * each continuation token with the same 100 payments, then an empty page), and, apart, for a stream of a single
 * page started afresh each time (no prefetch), which adds the stream's setup: checking the parameters, spans,
 * fibers. And the floor of any client on this transport: reading the body as text (UTF-8), then `JSON.parse`.
 */
import { FetchHttpClient } from "@effect/platform"
import { HelloAsso, Payments } from "@helloasso-effect/core"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import { Effect, Layer, ManagedRuntime, Redacted, Stream } from "effect"
import * as Harness from "./harness.js"

const PAGES = 50

export const decodeOverhead = async () => {
  const simulator = await Harness.run(HelloAssoSimulator.make({ payments: 100, seed: 11 }))
  const data = await Harness.run(simulator.listPayments())
  const pageText = (index: number, payments: ReadonlyArray<unknown>) =>
    JSON.stringify({
      data: payments,
      pagination: { pageSize: 100, totalCount: -1, pageIndex: 1, totalPages: -1, continuationToken: `page-${index}` }
    })
  const text = pageText(1, data)
  // page i answers continuation token `page-i` (the first, none); the page after the last is empty
  const bodies = Array.from(
    { length: PAGES + 1 },
    (_, i) => new TextEncoder().encode(i === PAGES ? pageText(i + 1, []) : pageText(i + 1, data))
  )
  const baseUrl = "https://api.helloasso.com/v5/organizations/bench/payments?pageSize=100"
  const fetch = async (url: string | URL) => {
    const token = new URL(url).searchParams.get("continuationToken")
    const body = bodies[token === null ? 0 : Number(token.slice("page-".length))]!
    return new Response(body, { status: 200, headers: { "content-type": "application/json" } })
  }
  const runtime = ManagedRuntime.make(
    HelloAsso.layer({ accessToken: Redacted.make("bench-token") }).pipe(
      Layer.provide(FetchHttpClient.layer),
      Layer.provide(Layer.succeed(FetchHttpClient.Fetch, fetch as unknown as typeof globalThis.fetch))
    )
  )
  const listing = (take: number, prefetch: number) =>
    Effect.flatMap(
      Payments.Payments,
      (payments) =>
        payments.streamByOrganization({ organizationSlug: "bench", pageSize: 100 }, { prefetch }).pipe(
          Stream.take(take),
          Stream.runCount
        )
    )
  // the default prefetch; a single page asks for nothing ahead
  const everyPage = listing(Number.MAX_SAFE_INTEGER, 1)
  const onePage = listing(100, 0)
  const expect = async (effect: Effect.Effect<number, unknown, Payments.Payments>, count: number) => {
    const got = await runtime.runPromise(effect)
    if (got !== count) throw new Error(`expected ${count} payments, got ${got}`)
  }
  await expect(everyPage, PAGES * 100)
  await expect(onePage, 100)
  for (let i = 0; i < 10; i++) await runtime.runPromise(everyPage) // warm up
  for (let i = 0; i < 100; i++) await runtime.runPromise(onePage)
  const parse = async () => Harness.timeSync(() => JSON.parse(text), 200)
  const perPage = await Harness.ratio({
    rounds: 15,
    subject: async () => (await Harness.timeAsync(() => runtime.runPromise(everyPage), 4)) / PAGES,
    baseline: parse
  })
  const singlePage = await Harness.ratio({
    rounds: 15,
    subject: () => Harness.timeAsync(() => runtime.runPromise(onePage), 200),
    baseline: parse
  })
  // what no client on this transport can avoid: the body read as text (UTF-8), then parsed
  const textAndParse = await Harness.ratio({
    rounds: 15,
    subject: () => Harness.timeAsync(async () => JSON.parse(await (await fetch(baseUrl)).text()), 200),
    baseline: parse
  })
  await runtime.dispose()
  return { perPage, singlePage, textAndParse, bytes: bodies[0]!.length }
}
