import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Payment } from "@helloasso-effect/core"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import { Effect, Option, Schema, Stream } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { cashOutOf } from "./examples/cashOut.js"
import { exportToFile } from "./examples/exportCsv.js"
import { jsonLines } from "./examples/jsonLines.js"
import { membershipsPage, refundsOfJune } from "./examples/list.js"
import { refundPart } from "./examples/refund.js"
import { syncPayments } from "./examples/resume.js"
import { paymentsOf } from "./examples/search.js"

// The README's examples, run against the simulator.
const Simulated = HelloAssoSimulator.layerHelloAsso({ payments: 1500, seed: 5 })

const Simulator = HelloAssoSimulator.HelloAssoSimulator

describe("README examples", () => {
  it.effect("jsonLines: every payment once, each line what Schema.encodeSync writes", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator
      const lines = yield* Stream.runCollect(jsonLines(simulator.organization.slug))
      const expected = yield* simulator.listPayments({})
      expect(lines.length).toBe(expected.length)
      const parsed = [...lines].map((line) => JSON.parse(line) as { readonly id: number })
      expect(parsed.map((payment) => payment.id).sort((a, b) => a - b)).toEqual(
        expected.map((payment) => payment.id).sort((a, b) => a - b)
      )
      const decode = Schema.decodeUnknownSync(Payment.Payment)
      const encode = Schema.encodeSync(Payment.Payment)
      for (const line of lines) expect(line).toBe(`${JSON.stringify(encode(decode(JSON.parse(line))))}\n`)
    }).pipe(Effect.provide(Simulated)))

  it.effect("list: one page with filters, one page of a form", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator
      const refunds = yield* refundsOfJune(simulator.organization.slug)
      const expected = yield* simulator.listPayments({
        from: "2024-06-01T00:00:00+02:00",
        to: "2024-07-01T00:00:00+02:00",
        states: ["Refunded", "Refunding"],
        sortOrder: "Asc"
      })
      expect(refunds.map((p) => p.id)).toEqual(expected.map((p) => p.id))
      const form = simulator.forms.find((f) => f.formType === "Membership")!
      const page = yield* membershipsPage(simulator.organization.slug, form.formSlug)
      expect(page.data.length).toBe(50)
      expect(Option.flatMap(page.pagination, (p) => p.continuationToken)._tag).toBe("Some")
    }).pipe(Effect.provide(Simulated)))

  it.effect("resume: a failed sync resumes from the error's token, nothing lost or doubled", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator
      yield* simulator.setFaults([{
        endpoint: "listByOrganization",
        on: [6],
        fault: HelloAssoSimulator.fault.status(500)
      }])
      const saved: Array<number> = []
      const save = (payment: { readonly id: number }) => Effect.sync(() => void saved.push(payment.id))
      const first = yield* syncPayments(simulator.organization.slug, save)
      expect(first.done).toBe(false)
      const second = yield* syncPayments(simulator.organization.slug, save, first.done ? undefined : first.resumeFrom)
      expect(second.done).toBe(true)
      expect(saved).toEqual((yield* simulator.listPayments()).map((p) => p.id))
    }).pipe(Effect.provide(Simulated)))

  it.effect("export: HelloAsso's CSV export written to a file", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator
      const path = Path.join(Fs.mkdtempSync(Path.join(Os.tmpdir(), "export-")), "payments.csv")
      yield* exportToFile(simulator.organization.slug, path)
      const lines = Fs.readFileSync(path, "utf8").split("\r\n").filter((line) => line !== "")
      expect(lines.length - 1).toBe((yield* simulator.listPayments({ states: ["Authorized"] })).length)
    }).pipe(Effect.provide(Simulated), Effect.provide(NodeFileSystem.layer)))

  it.effect("cash-out: the bank transfer a payment was part of, its total and its payments", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator
      const all = yield* simulator.listPayments()
      const paid = all.find((p) => p.cashOutState === "CashedOut")!
      const found = Option.getOrThrow(yield* cashOutOf(simulator.organization.slug, paid.id))
      const same = all.filter((p) => p.idCashOut === paid.idCashOut)
      expect(found.cashOutId).toBe(paid.idCashOut)
      expect([...found.paymentIds].sort()).toEqual(same.map((p) => p.id).sort())
      // the tips go to HelloAsso
      expect(found.total).toBe(same.reduce((sum, p) => sum + p.amount! - (p.amountTip ?? 0), 0))
      const notYet = all.find((p) => p.cashOutState === "MoneyIn")!
      expect(yield* cashOutOf(simulator.organization.slug, notYet.id)).toEqual(Option.none())
    }).pipe(Effect.provide(Simulated)))

  it.effect("search: every payment of a payer", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator
      const someone = (yield* simulator.searchPayments())[0]!
      const found = yield* paymentsOf(simulator.organization.slug, someone.payerLastName!)
      expect(found.map((p) => p.id)).toContain(someone.id)
    }).pipe(Effect.provide(Simulated)))

  it.effect("refund: done, refused, MFA, unknown outcome", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator
      const all = yield* simulator.listPayments()
      const ok = all.filter((p) => p.state === "Authorized" && p.type === "Credit" && p.amount! >= 1000)
      expect(yield* refundPart(ok[0]!.id, 500)).toMatch(/^refund #\d+: 500 cents, Processed$/)
      const offline = all.find((p) => p.type === "Offline")!
      expect(yield* refundPart(offline.id, 500)).toMatch(/^refused by HelloAsso \(code 108\)/)
      expect(yield* refundPart(1, 500)).toBe("no payment 1")
      yield* simulator.requireMfa("AuthorizationErrors.MFA.AccessTokenRequired")
      expect(yield* refundPart(ok[1]!.id, 500)).toMatch(/^MFA required/)
      expect(yield* refundPart(ok[1]!.id, 500, "123456")).toMatch(/^refund #/)
      yield* simulator.requireMfa(undefined)
      yield* simulator.setFaults([{ endpoint: "refund", on: [1], fault: HelloAssoSimulator.fault.resetAfterRead }])
      expect(yield* refundPart(ok[2]!.id, 700)).toBe("outcome unknown; refund operations now: 700 Processed")
    }).pipe(Effect.provide(Simulated)))
})
