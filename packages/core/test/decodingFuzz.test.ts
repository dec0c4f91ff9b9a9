import { FetchHttpClient } from "@effect/platform"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { HelloAssoError, Payments } from "@helloasso-effect/core"
import { HelloAsso } from "@helloasso-effect/core"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import { Cause, Effect, Exit, FastCheck as fc, Layer, ManagedRuntime, Redacted, Stream } from "effect"

/**
 * Whatever HelloAsso answers, the client fails with a typed error (DecodeError for a 2xx it cannot read, an
 * HTTP-level error otherwise), never a defect or an exception: arbitrary JSON, mutations of valid pages
 * (wrong types, missing fields, huge numbers, deep nesting, invalid dates), truncated bodies, other content
 * types, and random error statuses, through the whole client stack.
 */

let answer: () => Response = () => new Response("{}")
const counts = { cases: 0, ok: 0, decodeErrors: 0, otherTypedErrors: 0 }

const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
  const url = new URL(new Request(input, init).url)
  if (url.pathname === "/oauth2/token") {
    return Response.json({ access_token: "fuzz-token", refresh_token: "fuzz-refresh", expires_in: 1800 })
  }
  return answer()
}

const runtime = ManagedRuntime.make(
  HelloAsso.layer({
    apiUrl: "https://fuzz.helloasso.invalid/v5",
    tokenUrl: "https://fuzz.helloasso.invalid/oauth2/token",
    clientId: "fuzz",
    clientSecret: Redacted.make("fuzz-secret"),
    retry: { maxRetries: 0 }
  }).pipe(
    Layer.provide(FetchHttpClient.layer),
    Layer.provide(Layer.succeed(FetchHttpClient.Fetch, fetch as typeof globalThis.fetch))
  )
)

afterAll(async () => {
  console.log(
    `decoding fuzz: cases ${counts.cases}, decoded ${counts.ok}, DecodeError ${counts.decodeErrors}, ` +
      `other typed errors ${counts.otherTypedErrors}, defects 0`
  )
  await runtime.dispose()
})

const operations: ReadonlyArray<(p: Payments.Service) => Effect.Effect<unknown, unknown>> = [
  (p: Payments.Service) => p.listByOrganization({ organizationSlug: "asso" }),
  (p: Payments.Service) => p.listByForm({ organizationSlug: "asso", formType: "Event", formSlug: "fete" }),
  (p: Payments.Service) => p.search({ organizationSlug: "asso" }),
  (p: Payments.Service) => p.get(42),
  (p: Payments.Service) => p.refund(42, { amount: 100 }),
  (p: Payments.Service) => p.cashOut({ organizationSlug: "asso", cashOutId: 900001 })
]

const CASH_OUT = operations.length - 1

/** Sends one answer to one operation; the outcome must be a success or a typed error. */
const probe = async (operation: number, response: () => Response, allowed: ReadonlyArray<string>) => {
  answer = response
  const exit = await runtime.runPromiseExit(Effect.flatMap(Payments.Payments, operations[operation]!))
  counts.cases++
  if (Exit.isSuccess(exit)) {
    counts.ok++
    return
  }
  const failure = Cause.failureOption(exit.cause)
  if (failure._tag === "None") throw new Error(`not a typed failure: ${Cause.pretty(exit.cause)}`)
  const error = failure.value
  if (!HelloAssoError.isHelloAssoError(error)) throw new Error(`not a HelloAssoError: ${String(error)}`)
  expect(allowed).toContain(error._tag)
  if (error._tag === "DecodeError") counts.decodeErrors++
  else counts.otherTypedErrors++
}

const json = (body: string, contentType = "application/json; charset=utf-8", status = 200) => () =>
  new Response(body, { status, headers: { "content-type": contentType } })

// The refund maps an unreadable answer to RefundOutcomeUnknown: the refund may have been made.
const readable = ["DecodeError", "RefundOutcomeUnknown"]

const validPages = Effect.runSync(Effect.gen(function*() {
  const simulator = yield* HelloAssoSimulator.make({ payments: 40, seed: 9 })
  const all = yield* simulator.listPayments()
  return [0, 10, 20, 30].map((start) => ({
    data: all.slice(start, start + 10),
    pagination: { pageSize: 10, totalCount: -1, pageIndex: 1, totalPages: -1, continuationToken: "t" }
  }))
}))

type Json = null | boolean | number | string | Array<Json> | { [key: string]: Json }

/** The paths of every value in a JSON document. */
const paths = (value: Json, prefix: Array<string | number> = []): Array<Array<string | number>> => {
  const here = [prefix]
  if (Array.isArray(value)) return here.concat(...value.map((v, i) => paths(v, [...prefix, i])))
  if (value !== null && typeof value === "object") {
    return here.concat(...Object.entries(value).map(([k, v]) => paths(v, [...prefix, k])))
  }
  return here
}

const mutate = (document: Json, path: ReadonlyArray<string | number>, replacement: Json | undefined): Json => {
  if (path.length === 0) return replacement ?? null
  const [head, ...rest] = path
  if (Array.isArray(document)) {
    const copy = [...document]
    if (replacement === undefined && rest.length === 0) copy.splice(head as number, 1)
    else copy[head as number] = mutate(copy[head as number]!, rest, replacement)
    return copy
  }
  const copy = { ...(document as Record<string, Json>) }
  if (replacement === undefined && rest.length === 0) delete copy[head as string]
  else copy[head as string] = mutate(copy[head as string]!, rest, replacement)
  return copy
}

const deep = (depth: number): Json => {
  let value: Json = 1
  for (let i = 0; i < depth; i++) value = [value]
  return value
}

const replacementArb: fc.Arbitrary<Json | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue() as fc.Arbitrary<Json>,
  fc.constantFrom<Json>(
    1e308,
    -1e308,
    2 ** 53 + 1,
    2 ** 31,
    -(2 ** 31) - 1,
    0.5,
    "",
    "2024-02-30T10:00:00Z",
    "2024-13-01T00:00:00+02:00",
    "not a date",
    "2024-06-07T25:61:00.1234567+02:00",
    "1e3",
    [],
    {}
  ),
  // deep nesting, built inside the property so that fast-check never prints it
  fc.integer({ min: 50, max: 3000 }).map((depth) => ({ deepNesting: depth }))
)

const materialize = (replacement: Json | undefined): Json | undefined =>
  replacement !== null && typeof replacement === "object" && !Array.isArray(replacement) &&
    typeof replacement["deepNesting"] === "number" && Object.keys(replacement).length === 1
    ? deep(replacement["deepNesting"])
    : replacement

describe("decoding fuzz", () => {
  it("arbitrary JSON never breaks the client", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 4 }), fc.jsonValue(), async (operation, value) => {
        await probe(operation, json(JSON.stringify(value)), readable)
      }),
      { numRuns: 3000, seed: 1 }
    )
  }, 120_000)

  it("mutated valid pages never break the client", async () => {
    const cases = validPages.map((page) => [page, paths(page as unknown as Json)] as const)
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: cases.length - 1 }),
        fc.nat(),
        replacementArb,
        fc.integer({ min: 0, max: 1 }),
        async (which, pick, replacement, operation) => {
          const [page, all] = cases[which]!
          const mutated = mutate(page as unknown as Json, all[pick % all.length]!, materialize(replacement))
          await probe(operation, json(JSON.stringify(mutated)), readable)
        }
      ),
      { numRuns: 4000, seed: 2 }
    )
  }, 120_000)

  it("cash-out exports: arbitrary JSON and mutated rows never break the client", async () => {
    const exported = await Effect.runPromise(
      Effect.gen(function*() {
        const [payments, simulator] = yield* Effect.all([Payments.Payments, HelloAssoSimulator.HelloAssoSimulator])
        return yield* payments.exportCashOut({
          organizationSlug: simulator.organization.slug,
          cashOutId: 900001,
          format: "json"
        }).pipe(Stream.decodeText(), Stream.mkString)
      }).pipe(Effect.provide(HelloAssoSimulator.layerHelloAsso({ payments: 200, seed: 9 })))
    )
    const rows = JSON.parse(exported) as Json
    const all = paths(rows)
    expect(all.length).toBeGreaterThan(100)
    await fc.assert(
      fc.asyncProperty(fc.nat(), replacementArb, fc.jsonValue(), fc.boolean(), async (pick, replacement, any, raw) => {
        const body = raw ? any as Json : mutate(rows, all[pick % all.length]!, materialize(replacement))
        await probe(CASH_OUT, json(JSON.stringify(body)), ["DecodeError"])
      }),
      { numRuns: 2000, seed: 5 }
    )
  }, 120_000)

  it("truncated bodies and other content types never break the client", async () => {
    const bodies = validPages.map((page) => JSON.stringify(page))
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: bodies.length - 1 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        fc.constantFrom("application/json", "text/html", "text/plain", "application/octet-stream", "text/csv"),
        fc.boolean(),
        async (which, cut, contentType, html) => {
          const body = bodies[which]!
          const text = html
            ? `<html><body>Maintenance ${cut}</body></html>`
            : body.slice(0, Math.floor(body.length * cut))
          await probe(0, json(text, contentType), readable)
        }
      ),
      { numRuns: 2000, seed: 3 }
    )
  }, 120_000)

  it("error statuses with any body give typed errors", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 4 }),
        fc.constantFrom(301, 302, 400, 401, 403, 404, 405, 406, 409, 410, 418, 422, 429, 500, 502, 503, 504),
        fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v))),
        async (operation, status, body) => {
          await probe(operation, json(body, "application/json", status), [
            "HttpError",
            "AuthError",
            "ValidationError",
            "RefundRejected",
            "RefundOutcomeUnknown"
          ])
        }
      ),
      { numRuns: 1500, seed: 4 }
    )
  }, 120_000)
})
