import { describe, expect, it } from "@effect/vitest"
import { Payments } from "@helloasso-effect/core"
import { Chunk, Effect, Stream } from "effect"
import { peekContinuationToken } from "../src/internal/pagination.js"
import * as Scripted from "./support/scripted.js"

const ids = (payments: Iterable<{ readonly id: number }>) => Array.from(payments, (p) => p.id)

const text = (body: string) => new Response(body, { status: 200, headers: { "content-type": "application/json" } })

describe("the next page asked for before the current one is decoded", () => {
  describe("peekContinuationToken", () => {
    it("reads the token of a page as HelloAsso sends it", () => {
      const body = JSON.stringify(Scripted.page([Scripted.payment(1), Scripted.payment(2)], "ZC06MTox"))
      expect(peekContinuationToken(body)).toBe("ZC06MTox")
    })

    it("reads it through whitespace", () => {
      const body = JSON.stringify(Scripted.page([Scripted.payment(1)], "abc"), null, 2)
      expect(peekContinuationToken(body)).toBe("abc")
    })

    it("guesses nothing for the page after the last, nor for a body not shaped as a page", () => {
      expect(peekContinuationToken(JSON.stringify(Scripted.page([], "abc")))).toBeUndefined()
      expect(peekContinuationToken("{ \"data\" : [ ] , \"pagination\": { \"continuationToken\": \"abc\" } }"))
        .toBeUndefined()
      expect(peekContinuationToken(JSON.stringify(Scripted.page(null, "abc")))).toBeUndefined()
      expect(peekContinuationToken(JSON.stringify(Scripted.page([Scripted.payment(1)], null)))).toBeUndefined()
      expect(peekContinuationToken(JSON.stringify({ data: [Scripted.payment(1)] }))).toBeUndefined()
      expect(peekContinuationToken("{\"data\":[{\"id\":1}],\"pagination\":{\"continuationToken\":\"a")).toBeUndefined()
      expect(peekContinuationToken("not json")).toBeUndefined()
    })

    it("guesses nothing for a token with escapes, which only decoding reads right", () => {
      expect(peekContinuationToken(JSON.stringify(Scripted.page([Scripted.payment(1)], "a\"b")))).toBeUndefined()
    })

    it("is not fooled by the key inside a value", () => {
      const payment = { ...Scripted.payment(1), payer: { firstName: "\"continuationToken\":\"x\"" } }
      const body = JSON.stringify({ pagination: { continuationToken: "real" }, data: [payment] })
      expect(peekContinuationToken(body)).toBe("real")
    })
  })

  it.effect("the request for page 2 is sent before page 1 reaches the stream, and no request is wasted", () => {
    const scripted = Scripted.layer((_, url) => {
      const token = url.searchParams.get("continuationToken")
      if (token === null) return Scripted.json(Scripted.page([Scripted.payment(1), Scripted.payment(2)], "A"))
      if (token === "A") return Scripted.json(Scripted.page([Scripted.payment(3)], "B"))
      return Scripted.json(Scripted.page([], "C"))
    })
    return Effect.gen(function*() {
      const payments = yield* Payments.Payments
      const sentWhenFirstArrived: Array<number> = []
      const streamed = yield* payments.streamByOrganization({ organizationSlug: "asso" }).pipe(
        Stream.tap(() => Effect.sync(() => sentWhenFirstArrived.push(scripted.seen.length))),
        Stream.runCollect
      )
      expect(ids(streamed)).toEqual([1, 2, 3])
      expect(sentWhenFirstArrived[0]).toBe(2)
      // pages 1 and 2, and the empty page 3: nothing asked after it
      expect(scripted.seen.map((request) => new URL(request.url).searchParams.get("continuationToken")))
        .toEqual([null, "A", "B"])
    }).pipe(Effect.provide(scripted.layer))
  })

  it.effect("without prefetch, the next request waits for the page to be taken", () => {
    const scripted = Scripted.layer((_, url) =>
      url.searchParams.get("continuationToken") === null
        ? Scripted.json(Scripted.page([Scripted.payment(1)], "A"))
        : Scripted.json(Scripted.page([], "B"))
    )
    return Effect.gen(function*() {
      const payments = yield* Payments.Payments
      const sentWhenFirstArrived: Array<number> = []
      yield* payments.streamByOrganization({ organizationSlug: "asso" }, { prefetch: 0 }).pipe(
        Stream.tap(() => Effect.sync(() => sentWhenFirstArrived.push(scripted.seen.length))),
        Stream.runDrain
      )
      expect(sentWhenFirstArrived).toEqual([1])
    }).pipe(Effect.provide(scripted.layer))
  })

  it.effect("a wrong guess is dropped: the decoded page names the token that is followed", () => {
    // the last "continuationToken" key of the body is an unknown field of a payment, not the pagination's
    const first = JSON.stringify({
      pagination: { pageSize: 20, totalCount: -1, pageIndex: 1, totalPages: -1, continuationToken: "A" },
      data: [{ ...Scripted.payment(1), extra: { continuationToken: "WRONG" } }]
    })
    const scripted = Scripted.layer((_, url) => {
      const token = url.searchParams.get("continuationToken")
      if (token === null) return text(first)
      if (token === "A") return Scripted.json(Scripted.page([Scripted.payment(2)], "B"))
      if (token === "WRONG") return Scripted.json(Scripted.page([Scripted.payment(99)], "Z"))
      return Scripted.json(Scripted.page([], "C"))
    })
    return Effect.gen(function*() {
      const payments = yield* Payments.Payments
      const streamed = yield* Stream.runCollect(payments.streamByOrganization({ organizationSlug: "asso" }))
      expect(ids(streamed)).toEqual([1, 2])
      const asked = scripted.seen.map((request) => new URL(request.url).searchParams.get("continuationToken"))
      expect(asked.filter((token) => token !== "WRONG")).toEqual([null, "A", "B"])
    }).pipe(Effect.provide(scripted.layer))
  })

  it.effect("a page that fails to decode fails the stream with its token, whatever was asked ahead", () => {
    const scripted = Scripted.layer((_, url) => {
      const token = url.searchParams.get("continuationToken")
      if (token === null) return Scripted.json(Scripted.page([Scripted.payment(1)], "A"))
      if (token === "A") return Scripted.json(Scripted.page([{ ...Scripted.payment(2), amount: "lots" }], "B"))
      return Scripted.json(Scripted.page([Scripted.payment(3)], "C"))
    })
    return Effect.gen(function*() {
      const payments = yield* Payments.Payments
      const delivered: Array<number> = []
      const error = yield* payments.streamByOrganization({ organizationSlug: "asso" }).pipe(
        Stream.runForEach((p) => Effect.sync(() => delivered.push(p.id))),
        Effect.flip
      )
      expect(error).toMatchObject({ _tag: "DecodeError", continuationToken: "A" })
      expect(delivered).toEqual([1])
    }).pipe(Effect.provide(scripted.layer))
  })

  it.effect("pages, not only payments: the same pages with and without prefetch", () => {
    const scripted = Scripted.layer((_, url) => {
      const token = Number(url.searchParams.get("continuationToken") ?? "0")
      return Scripted.json(
        token < 5
          ? Scripted.page([Scripted.payment(2 * token + 1), Scripted.payment(2 * token + 2)], String(token + 1))
          : Scripted.page([], "end")
      )
    })
    return Effect.gen(function*() {
      const payments = yield* Payments.Payments
      const [ahead, without] = yield* Effect.all(
        [1, 0].map((prefetch) =>
          Stream.runCollect(payments.pagesByOrganization({ organizationSlug: "asso" }, { prefetch }))
        )
      )
      const summary = (pages: Chunk.Chunk<{ readonly data: ReadonlyArray<{ readonly id: number }> }>) =>
        Chunk.toReadonlyArray(pages).map((page) => ids(page.data))
      expect(summary(ahead!)).toEqual(summary(without!))
      expect(summary(ahead!).flat()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    }).pipe(Effect.provide(scripted.layer))
  })
})
