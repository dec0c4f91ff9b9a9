/**
 * decode_floor: what no client on a fetch transport can avoid, for a page of 100 payments: the body read as text
 * (UTF-8) from a `Response`, then `JSON.parse`, divided by `JSON.parse` alone of the same text. A reference for
 * the transport's own cost (`decode_overhead`, the client against `JSON.parse` alone, is retired: below this
 * floor, it was the wrong yardstick).
 */
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import * as Harness from "./harness.js"

export const decodeFloor = async () => {
  const simulator = await Harness.run(HelloAssoSimulator.make({ payments: 100, seed: 11 }))
  const data = await Harness.run(simulator.listPayments())
  const text = JSON.stringify({
    data,
    pagination: { pageSize: 100, totalCount: -1, pageIndex: 1, totalPages: -1, continuationToken: "page-1" }
  })
  const body = new TextEncoder().encode(text)
  const response = () => new Response(body, { status: 200, headers: { "content-type": "application/json" } })
  for (let i = 0; i < 100; i++) JSON.parse(await response().text()) // warm up
  const result = await Harness.ratio({
    rounds: 15,
    subject: () => Harness.timeAsync(async () => JSON.parse(await response().text()), 200),
    baseline: async () => Harness.timeSync(() => JSON.parse(text), 200)
  })
  return { ...result, bytes: body.length }
}
