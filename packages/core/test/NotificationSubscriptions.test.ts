import { describe, expect, it } from "@effect/vitest"
import { NotificationSubscriptions } from "@helloasso-effect/core"
import { Effect, Option, Redacted } from "effect"
import * as Scripted from "./support/scripted.js"

const KEY = "signature-key-Zq81Lm"

describe("NotificationSubscriptions", () => {
  it.effect("set PUTs the URL (and type) on the partner's or the organization's path; the key comes back Redacted", () => {
    const bodies: Array<unknown> = []
    const scripted = Scripted.layer(async (request) => {
      const body = await request.json() as { url: string; notificationType?: string }
      bodies.push(body)
      return Scripted.json({ url: body.url, apiNotificationType: body.notificationType ?? null, signatureKey: KEY })
    })
    return Effect.gen(function*() {
      const subscriptions = yield* NotificationSubscriptions.NotificationSubscriptions
      const main = yield* subscriptions.set({ url: "https://example.org/helloasso" })
      const one = yield* subscriptions.set({
        url: "https://example.org/asso",
        notificationType: "Payment",
        organizationSlug: "les-amis-é"
      })
      expect(scripted.seen.map((r) => [r.method, new URL(r.url).pathname])).toEqual([
        ["PUT", "/v5/partners/me/api-notifications"],
        ["PUT", "/v5/partners/me/api-notifications/organizations/les-amis-%C3%A9"]
      ])
      expect(bodies).toEqual([
        { url: "https://example.org/helloasso" },
        { url: "https://example.org/asso", notificationType: "Payment" }
      ])
      expect(main.notificationType).toEqual(Option.none())
      expect(one.notificationType).toEqual(Option.some("Payment"))
      expect(Option.map(one.signatureKey, Redacted.value)).toEqual(Option.some(KEY))
      // the key is a secret: never printed
      expect(JSON.stringify(one)).not.toContain(KEY)
      expect(String(Option.getOrThrow(one.signatureKey))).not.toContain(KEY)
    }).pipe(Effect.provide(scripted.layer))
  })

  it.effect("remove DELETEs, with the type as a query parameter", () => {
    const scripted = Scripted.layer(() => new Response(null, { status: 200 }))
    return Effect.gen(function*() {
      const subscriptions = yield* NotificationSubscriptions.NotificationSubscriptions
      yield* subscriptions.remove()
      yield* subscriptions.remove({ organizationSlug: "asso", notificationType: "Order" })
      expect(scripted.seen.map((r) => [r.method, new URL(r.url).pathname + new URL(r.url).search])).toEqual([
        ["DELETE", "/v5/partners/me/api-notifications"],
        ["DELETE", "/v5/partners/me/api-notifications/organizations/asso?notificationType=Order"]
      ])
    }).pipe(Effect.provide(scripted.layer))
  })

  it.effect("a URL HelloAsso would refuse, a bad type or slug: ValidationError, nothing sent", () => {
    const scripted = Scripted.layer(() => Scripted.json({}))
    return Effect.gen(function*() {
      const subscriptions = yield* NotificationSubscriptions.NotificationSubscriptions
      for (
        const [params, field] of [
          [{ url: "http://example.org/hook" }, "url"],
          [{ url: "not a url" }, "url"],
          [{ url: "https://example.org/hook", notificationType: "Refund" as never }, "notificationType"],
          [{ url: "https://example.org/hook", organizationSlug: "../x" }, "organizationSlug"]
        ] as const
      ) {
        expect(yield* Effect.flip(subscriptions.set(params))).toMatchObject({
          _tag: "ValidationError",
          source: "client",
          field
        })
      }
      expect(scripted.seen).toEqual([])
    }).pipe(Effect.provide(scripted.layer))
  })
})
