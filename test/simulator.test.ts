import { describe, expect, it } from "@effect/vitest"
import { Payment } from "@helloasso-effect/core"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import { Duration, Effect, Fiber, Option, Redacted, Schema, TestClock } from "effect"
import type { RawApi } from "./support/rawApi.js"
import { inMemory, transports } from "./support/rawApi.js"

const decodePage = Schema.decodeUnknownSync(Payment.PaymentPage)
const decodePublicPage = Schema.decodeUnknownSync(Payment.PublicPaymentPage)

const org = (api: RawApi) => `/organizations/${api.sim.organization.slug}`

/** Every page of a listing, following continuation tokens until the empty page. */
const allPages = (api: RawApi, path: string, params: Record<string, any>, token: string) =>
  Effect.gen(function*() {
    const pages: Array<any> = []
    let continuationToken: string | undefined
    for (let guard = 0; guard < 10_000; guard++) {
      const response = yield* api.request("GET", path, { params: { ...params, continuationToken }, token })
      expect(response.status).toBe(200)
      pages.push(response.json)
      if (response.json.data.length === 0) return pages
      continuationToken = response.json.pagination.continuationToken
    }
    throw new Error("pagination did not end")
  })

const ids = (pages: ReadonlyArray<any>): Array<number> => pages.flatMap((page) => page.data.map((p: any) => p.id))

describe.each(transports)("simulator over $name", ({ make }) => {
  describe("OAuth", () => {
    it.scoped("grants client credentials with HelloAsso's token response", () =>
      Effect.gen(function*() {
        const api = yield* make({ payments: 10 })
        const response = yield* api.grant({
          grant_type: "client_credentials",
          client_id: "simulator-client",
          client_secret: "simulator-secret"
        })
        expect(response.status).toBe(200)
        expect(response.json).toMatchObject({ token_type: "bearer", expires_in: 1800 })
        expect(typeof response.json.access_token).toBe("string")
        expect(typeof response.json.refresh_token).toBe("string")
        expect((yield* api.sim.stats).grants).toEqual({ clientCredentials: 1, refreshToken: 0, refused: 0 })
      }))

    it.scoped("refuses wrong credentials in the OAuth error shape", () =>
      Effect.gen(function*() {
        const api = yield* make({ payments: 10 })
        const response = yield* api.grant({
          grant_type: "client_credentials",
          client_id: "simulator-client",
          client_secret: "wrong"
        })
        expect(response.status).toBe(400)
        expect(response.json).toMatchObject({ error: "invalid_client" })
        expect(typeof response.json.error_description).toBe("string")
        expect((yield* api.sim.stats).grants.refused).toBe(1)
      }))

    it.scoped("refuses a token request that is not form-urlencoded", () =>
      Effect.gen(function*() {
        const api = yield* make({ payments: 10 })
        const response = yield* api.client.post(api.tokenUrl, {
          body: undefined,
          headers: { "content-type": "application/json" }
        }).pipe(Effect.flatMap((r) => r.json), Effect.scoped)
        expect(response).toMatchObject({ error: "invalid_request" })
      }))

    it.scoped("rotates refresh tokens: the used one stops working", () =>
      Effect.gen(function*() {
        const api = yield* make({ payments: 10 })
        const first = yield* api.grant({
          grant_type: "client_credentials",
          client_id: "simulator-client",
          client_secret: "simulator-secret"
        })
        const refreshed = yield* api.grant({
          grant_type: "refresh_token",
          client_id: "simulator-client",
          refresh_token: first.json.refresh_token
        })
        expect(refreshed.status).toBe(200)
        expect(refreshed.json.refresh_token).not.toBe(first.json.refresh_token)
        const replayed = yield* api.grant({
          grant_type: "refresh_token",
          client_id: "simulator-client",
          refresh_token: first.json.refresh_token
        })
        expect(replayed.status).toBe(400)
        expect(replayed.json.error).toBe("invalid_grant")
        expect((yield* api.sim.stats).grants).toEqual({ clientCredentials: 1, refreshToken: 1, refused: 1 })
        const ok = yield* api.request("GET", `${org(api)}/payments`, { token: refreshed.json.access_token })
        expect(ok.status).toBe(200)
      }))

    it.scoped("caps live tokens per client: the oldest stops working", () =>
      Effect.gen(function*() {
        const api = yield* make({ payments: 10, maxLiveTokensPerClient: 3 })
        const first = yield* api.token
        for (let i = 0; i < 3; i++) yield* api.token
        expect((yield* api.request("GET", `${org(api)}/payments`, { token: first })).status).toBe(401)
        expect((yield* api.sim.stats).liveAccessTokens).toBe(3)
      }))
  })

  describe("auth on every endpoint", () => {
    it.scoped("401 without a token, with an unknown one, or a revoked one", () =>
      Effect.gen(function*() {
        const api = yield* make({ payments: 10 })
        const paths = [
          `${org(api)}/payments`,
          `${org(api)}/payments/search`,
          `${org(api)}/forms/Membership/adhesion-2024-2025/payments`,
          "/payments/20000001"
        ]
        for (const path of paths) {
          expect((yield* api.request("GET", path)).status).toBe(401)
          expect((yield* api.request("GET", path, { token: "not-a-token" })).status).toBe(401)
        }
        expect((yield* api.request("POST", "/payments/20000001/refund")).status).toBe(401)
        const token = yield* api.token
        expect((yield* api.request("GET", paths[0]!, { token })).status).toBe(200)
        yield* api.sim.revokeAccessTokens
        expect((yield* api.request("GET", paths[0]!, { token })).status).toBe(401)
        expect((yield* api.sim.stats).refunds.total).toBe(0)
      }))

    it.scoped("403 in plain text for a token of another organization", () =>
      Effect.gen(function*() {
        const api = yield* make({ payments: 10 })
        const other = yield* api.grant({
          grant_type: "client_credentials",
          client_id: api.sim.otherClient.clientId,
          client_secret: Redacted.value(api.sim.otherClient.clientSecret)
        })
        const token = other.json.access_token
        for (const path of [`${org(api)}/payments`, `${org(api)}/payments/search`, "/payments/20000001"]) {
          const response = yield* api.request("GET", path, { token })
          expect(response.status).toBe(403)
          expect(response.headers["content-type"]).toContain("text/plain")
          expect(response.json).toBeUndefined()
        }
        const refund = yield* api.request("POST", "/payments/20000001/refund", { token })
        expect(refund.status).toBe(403)
        expect((yield* api.sim.stats).refunds.total).toBe(0)
      }))
  })

  describe("pagination", () => {
    it.scoped("follows continuation tokens to an empty page that still carries a token", () =>
      Effect.gen(function*() {
        const api = yield* make({ payments: 95 })
        const token = yield* api.token
        const pages = yield* allPages(api, `${org(api)}/payments`, { pageSize: 10 }, token)
        expect(pages.map((p) => p.data.length)).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 5, 0])
        const last = pages[pages.length - 2]
        const empty = pages[pages.length - 1]
        expect(typeof last.pagination.continuationToken).toBe("string")
        expect(empty.pagination.continuationToken).toBe(last.pagination.continuationToken)
        const all = ids(pages)
        expect(new Set(all).size).toBe(95)
        expect(all).toEqual((yield* api.sim.listPayments()).map((p) => p.id))
        for (const page of pages) {
          expect(page.pagination).toMatchObject({ pageSize: 10, totalCount: -1, totalPages: -1 })
          decodePage(page)
        }
      }))

    it.scoped("sorts by date descending by default, ascending on request", () =>
      Effect.gen(function*() {
        const api = yield* make({ payments: 40 })
        const token = yield* api.token
        const dates = (pages: ReadonlyArray<any>) =>
          pages.flatMap((page) => decodePage(page).data.map((p) => Option.getOrThrow(p.date).epochMillis))
        const desc = dates(yield* allPages(api, `${org(api)}/payments`, { pageSize: 7 }, token))
        expect(desc).toEqual([...desc].sort((a, b) => b - a))
        const asc = dates(yield* allPages(api, `${org(api)}/payments`, { pageSize: 7, sortOrder: "Asc" }, token))
        expect(asc).toEqual([...desc].reverse())
      }))

    it.scoped("sorts by update date with stable tokens", () =>
      Effect.gen(function*() {
        const api = yield* make({ payments: 60 })
        const token = yield* api.token
        const pages = yield* allPages(api, `${org(api)}/payments`, { pageSize: 9, sortField: "UpdateDate" }, token)
        const updated = pages.flatMap((page) =>
          decodePage(page).data.map((p) =>
            p.meta.pipe((m) => m._tag === "Some" ? Option.getOrThrow(m.value.updatedAt).epochMillis : 0)
          )
        )
        expect(updated).toEqual([...updated].sort((a, b) => b - a))
        expect(new Set(ids(pages)).size).toBe(60)
      }))

    it.scoped("tokens are stable: the same request gives the same page and token", () =>
      Effect.gen(function*() {
        const api = yield* make({ payments: 30 })
        const token = yield* api.token
        const first = yield* api.request("GET", `${org(api)}/payments`, { params: { pageSize: 5 }, token })
        const params = { pageSize: 5, continuationToken: first.json.pagination.continuationToken }
        const a = yield* api.request("GET", `${org(api)}/payments`, { params, token })
        const b = yield* api.request("GET", `${org(api)}/payments`, { params, token })
        expect(a.text).toBe(b.text)
        expect(a.json.pagination.pageIndex).toBe(2)
      }))

    it.scoped("pageIndex selects a page by offset, and withCount counts", () =>
      Effect.gen(function*() {
        const api = yield* make({ payments: 23 })
        const token = yield* api.token
        const third = yield* api.request("GET", `${org(api)}/payments`, {
          params: { pageSize: 5, pageIndex: 3, withCount: true },
          token
        })
        const expected = (yield* api.sim.listPayments()).slice(10, 15).map((p) => p.id)
        expect(third.json.data.map((p: any) => p.id)).toEqual(expected)
        expect(third.json.pagination).toMatchObject({ pageIndex: 3, totalCount: 23, totalPages: 5 })
      }))

    it.scoped("refuses page sizes outside 1..100 in the ASP.NET validation shape", () =>
      Effect.gen(function*() {
        const api = yield* make({ payments: 10 })
        const token = yield* api.token
        for (const pageSize of [0, 101, -1]) {
          const response = yield* api.request("GET", `${org(api)}/payments`, { params: { pageSize }, token })
          expect(response.status).toBe(400)
          expect(response.json.title).toBe("One or more validation errors occurred.")
          expect(response.json.errors.pageSize[0]).toContain("between 1 and 100")
        }
        const invalidToken = yield* api.request("GET", `${org(api)}/payments`, {
          params: { continuationToken: "garbage" },
          token
        })
        expect(invalidToken.status).toBe(400)
        expect(invalidToken.json.errors[0].code).toBe("Error")
      }))
  })

  describe("filters", () => {
    it.scoped("from is inclusive and to exclusive on the list endpoints", () =>
      Effect.gen(function*() {
        const api = yield* make({ payments: 50 })
        const token = yield* api.token
        const all = yield* api.sim.listPayments({ sortOrder: "Asc" })
        const from = all[10]!.date
        const to = all[20]!.date
        const pages = yield* allPages(api, `${org(api)}/payments`, { from, to, sortOrder: "Asc", pageSize: 4 }, token)
        expect(ids(pages)).toEqual(all.slice(10, 20).map((p) => p.id))
      }))

    it.scoped("filters by states, repeated keys", () =>
      Effect.gen(function*() {
        const api = yield* make({ payments: 300 })
        const token = yield* api.token
        const states = ["Refunded", "Refused"]
        const pages = yield* allPages(api, `${org(api)}/payments`, { states, pageSize: 100 }, token)
        const found = pages.flatMap((p) => p.data)
        expect(found.length).toBeGreaterThan(0)
        expect(found.every((p: any) => states.includes(p.state))).toBe(true)
        expect(found.map((p: any) => p.id)).toEqual((yield* api.sim.listPayments({ states })).map((p) => p.id))
        const bad = yield* api.request("GET", `${org(api)}/payments`, { params: { states: ["Nope"] }, token })
        expect(bad.status).toBe(400)
        expect(bad.json.errors.states).toBeDefined()
      }))

    it.scoped("finds payers by name or email, ignoring case and accents", () =>
      Effect.gen(function*() {
        const api = yield* make({ payments: 400 })
        const token = yield* api.token
        const someone = (yield* api.sim.listPayments())[0]!
        const lastName = someone.payer!.lastName!
        const plain = lastName.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toUpperCase()
        const pages = yield* allPages(api, `${org(api)}/payments`, { userSearchKey: plain, pageSize: 100 }, token)
        const found = pages.flatMap((p) => p.data)
        expect(found.map((p: any) => p.id)).toContain(someone.id)
        expect(found.map((p: any) => p.id)).toEqual(
          (yield* api.sim.listPayments({ userSearchKey: plain })).map((p) => p.id)
        )
      }))

    it.scoped("lists the payments of one form", () =>
      Effect.gen(function*() {
        const api = yield* make({ payments: 200 })
        const token = yield* api.token
        for (const form of api.sim.forms) {
          const pages = yield* allPages(api, `${org(api)}/forms/${form.formType}/${form.formSlug}/payments`, {
            pageSize: 50
          }, token)
          const found = pages.flatMap((p) => p.data)
          expect(found.every((p: any) => p.order.formSlug === form.formSlug)).toBe(true)
          expect(found.length).toBe(
            (yield* api.sim.listPayments({ formType: form.formType, formSlug: form.formSlug })).length
          )
        }
        const missing = yield* api.request("GET", `${org(api)}/forms/Event/no-such-form/payments`, { token })
        expect(missing.status).toBe(404)
        const badType = yield* api.request("GET", `${org(api)}/forms/Party/no-such-form/payments`, { token })
        expect(badType.status).toBe(400)
      }))

    it.scoped("search: searchKey, amount with or without tip, formTypes, userId; tokens only, no count", () =>
      Effect.gen(function*() {
        const api = yield* make({ payments: 300 })
        const token = yield* api.token
        const path = `${org(api)}/payments/search`
        const all = yield* api.sim.searchPayments()
        const tipped = all.find((p) => p.refundOperations !== undefined && p.amount! > 0)!
        const byAmount = yield* allPages(api, path, { amount: tipped.amount, pageSize: 100 }, token)
        expect(ids(byAmount)).toContain(tipped.id)
        const byTypes = yield* allPages(api, path, { formTypes: ["Donation", "Shop"], pageSize: 100 }, token)
        const typed = byTypes.flatMap((p) => p.data)
        expect(typed.length).toBeGreaterThan(0)
        expect(typed.every((p: any) => p.formType === "Donation" || p.formType === "Shop")).toBe(true)
        const user = all.find((p) => typeof p.userId === "number")!
        const byUser = yield* allPages(api, path, { userId: user.userId!, pageSize: 100 }, token)
        expect(byUser.flatMap((p) => p.data).every((p: any) => p.userId === user.userId)).toBe(true)
        const bySearch = yield* allPages(api, path, { searchKey: user.userFirstName!, pageSize: 100 }, token)
        expect(ids(bySearch)).toEqual(
          (yield* api.sim.searchPayments({ searchKey: user.userFirstName! })).map((p) => p.id)
        )
        for (const page of bySearch) {
          expect(page.pagination.totalCount).toBe(-1)
          decodePublicPage(page)
        }
      }))
  })

  describe("one payment", () => {
    it.scoped("returns the detail, 404 for an unknown id, failed refunds only on request", () =>
      Effect.gen(function*() {
        const api = yield* make({ payments: 2000 })
        const token = yield* api.token
        const all = yield* api.sim.listPayments()
        let withFailed: (typeof all)[number] | undefined
        for (const p of all) {
          if (p.refundOperations?.length !== 0 || p.state !== "Authorized") continue
          const detail = yield* api.sim.payment(p.id, { withFailedRefundOperation: true })
          if ((detail?.refundOperations?.length ?? 0) > 0) {
            withFailed = p
            break
          }
        }
        expect(withFailed).toBeDefined()
        const plain = yield* api.request("GET", `/payments/${withFailed!.id}`, { token })
        expect(plain.status).toBe(200)
        expect(plain.json.refundOperations).toEqual([])
        const failed = yield* api.request("GET", `/payments/${withFailed!.id}`, {
          params: { withFailedRefundOperation: true },
          token
        })
        expect(failed.json.refundOperations.length).toBe(1)
        Schema.decodeUnknownSync(Payment.PaymentDetail)(failed.json)
        expect((yield* api.request("GET", "/payments/999", { token })).status).toBe(404)
        expect((yield* api.request("GET", "/payments/abc", { token })).status).toBe(400)
      }))
  })

  describe("refunds", () => {
    const authorized = (api: RawApi) =>
      Effect.map(api.sim.listPayments({ states: ["Authorized"] }), (list) => list.filter((p) => p.type === "Credit"))

    it.scoped("refunds in part then in full; the state moves to Refunded", () =>
      Effect.gen(function*() {
        const api = yield* make({ payments: 100 })
        const token = yield* api.token
        const payment = (yield* authorized(api)).find((p) => p.amount! >= 1000)!
        const partial = yield* api.request("POST", `/payments/${payment.id}/refund`, {
          params: { amount: 500, comment: "Trop-perçu", sendRefundMail: false },
          token
        })
        expect(partial.status).toBe(200)
        const operation = Schema.decodeUnknownSync(Payment.RefundOperation)(partial.json)
        expect(operation).toMatchObject({ amount: Option.some(500), paymentId: Option.some(payment.id) })
        expect(partial.json.sendRefundMail).toBe(false)
        const afterPartial = yield* api.request("GET", `/payments/${payment.id}`, { token })
        expect(afterPartial.json.state).toBe("Authorized")
        expect(afterPartial.json.refundOperations.map((op: any) => op.amount)).toEqual([500])
        const rest = yield* api.request("POST", `/payments/${payment.id}/refund`, {
          params: { cancelOrder: true },
          token
        })
        expect(rest.status).toBe(200)
        expect(rest.json.amount).toBe(payment.amount! - 500)
        const after = yield* api.request("GET", `/payments/${payment.id}`, { token })
        expect(after.json.state).toBe("Refunded")
        expect(after.json.cashOutState).toBe("Refunded")
        expect((yield* api.sim.stats).refunds.byPayment.get(payment.id)).toBe(2)
      }))

    it.scoped("shows Refunding while a refund is processed", () =>
      Effect.gen(function*() {
        const api = yield* make({ payments: 100, refundProcessing: "1 hour" })
        const token = yield* api.token
        const payment = (yield* authorized(api))[0]!
        const refund = yield* api.request("POST", `/payments/${payment.id}/refund`, { token })
        expect(refund.json.state).toBe("Processing")
        expect((yield* api.request("GET", `/payments/${payment.id}`, { token })).json.state).toBe("Refunding")
        const again = yield* api.request("POST", `/payments/${payment.id}/refund`, { token })
        expect(again.status).toBe(409)
        expect(again.json.errors[0].message).toMatch(/^Code : 116 - /)
      }))

    it.scoped("refuses in HelloAsso's shape: not authorized, above remaining, already refunded, offline, cancelOrder", () =>
      Effect.gen(function*() {
        const api = yield* make({ payments: 600 })
        const token = yield* api.token
        const all = yield* api.sim.listPayments()
        const refund = (id: number, params: Record<string, any> = {}) =>
          api.request("POST", `/payments/${id}/refund`, { params, token })
        const refused = all.find((p) => p.state === "Refused")!
        const offline = all.find((p) => p.type === "Offline")!
        const ok = (yield* authorized(api)).find((p) => p.amount! >= 1000)!
        const cases = [
          [yield* refund(refused.id), 409, 113],
          [yield* refund(offline.id), 400, 108],
          [yield* refund(ok.id, { amount: ok.amount! + 1 }), 400, 111],
          [yield* refund(ok.id, { amount: 100, cancelOrder: true }), 400, 117]
        ] as const
        for (const [response, status, code] of cases) {
          expect(response.status).toBe(status)
          expect(response.json.errors[0].code).toBe("Error")
          expect(response.json.errors[0].message).toMatch(new RegExp(`^Code : ${code} - `))
        }
        expect((yield* refund(ok.id)).status).toBe(200)
        const again = yield* refund(ok.id)
        expect(again.status).toBe(409)
        expect(again.json.errors[0].message).toMatch(/^Code : 115 - /)
        expect((yield* api.sim.stats).refunds.total).toBe(1)
        const badAmount = yield* refund(ok.id, { amount: -5 })
        expect(badAmount.status).toBe(400)
        expect(badAmount.json.errors.amount).toBeDefined()
      }))

    it.scoped("asks for MFA with 409 and the code unless the x-mfa-* header is there", () =>
      Effect.gen(function*() {
        const api = yield* make({ payments: 100, mfa: "AuthorizationErrors.MFA.AccessOtpSmsRequired" })
        const token = yield* api.token
        const payment = (yield* authorized(api))[0]!
        const missing = yield* api.request("POST", `/payments/${payment.id}/refund`, { token })
        expect(missing.status).toBe(409)
        expect(missing.json.errors[0].code).toBe("AuthorizationErrors.MFA.AccessOtpSmsRequired")
        const wrongHeader = yield* api.request("POST", `/payments/${payment.id}/refund`, {
          token,
          headers: { "x-mfa-access-authorization": "123456" }
        })
        expect(wrongHeader.status).toBe(409)
        expect((yield* api.sim.stats).refunds.total).toBe(0)
        const ok = yield* api.request("POST", `/payments/${payment.id}/refund`, {
          token,
          headers: { "x-mfa-sms-access-authorization": "654321" }
        })
        expect(ok.status).toBe(200)
        const log = yield* api.sim.requests
        expect(log.at(-1)!.headers["x-mfa-sms-access-authorization"]).toBe("***")
        expect(JSON.stringify(log)).not.toContain("654321")
        expect(JSON.stringify(log)).not.toContain(token)
      }))
  })

  describe("export", () => {
    it.scoped("exports the filtered payments as UTF-8 CSV with a BOM; XLSX is 406", () =>
      Effect.gen(function*() {
        const api = yield* make({ payments: 1234 })
        const token = yield* api.token
        const csv = yield* api.request("GET", `${org(api)}/payments`, {
          params: { states: ["Authorized"] },
          token,
          headers: { accept: "text/csv" }
        })
        expect(csv.status).toBe(200)
        expect(csv.headers["content-type"]).toContain("text/csv")
        expect(csv.text.charCodeAt(0)).toBe(0xfeff)
        const lines = csv.text.slice(1).split("\r\n").filter((line) => line !== "")
        expect(lines[0]).toContain("Numéro de paiement;Date du paiement;Montant (€)")
        const expected = yield* api.sim.listPayments({ states: ["Authorized"] })
        expect(lines.length - 1).toBe(expected.length)
        expect(lines.slice(1).map((line) => Number(line.split(";")[0]))).toEqual(expected.map((p) => p.id))
        const xlsx = yield* api.request("GET", `${org(api)}/payments`, {
          token,
          headers: { accept: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }
        })
        expect(xlsx.status).toBe(406)
        expect(xlsx.text).toContain("text/csv")
      }))

    it.scoped("exports a cash-out as JSON or CSV; 404 unknown, 400 not an id, 403 another organization, XLSX 406", () =>
      Effect.gen(function*() {
        const api = yield* make({ payments: 500 })
        const token = yield* api.token
        const paidOut = (yield* api.sim.listPayments()).filter((p) => p.idCashOut != null)
        const cashOutId = paidOut[0]!.idCashOut!
        const path = (id: string | number, slug = api.sim.organization.slug) =>
          `/organizations/${slug}/cash-out/${id}/export`
        const json = yield* api.request("GET", path(cashOutId), { token, headers: { accept: "application/json" } })
        expect(json.status).toBe(200)
        expect(json.headers["content-type"]).toContain("application/json")
        expect(json.json.map((row: any) => row.paymentId).sort()).toEqual(
          paidOut.filter((p) => p.idCashOut === cashOutId).map((p) => p.id).sort()
        )
        // the spec's row, every field of CashoutExportRowModel (the payer's company only when there is one)
        const fields = json.json.map((row: object) => Object.keys(row).filter((key) => key !== "payerCompany").sort())
        expect(new Set(fields.map(String)).size).toBe(1)
        expect(fields[0]).toEqual([
          "campaignName",
          "campaignType",
          "cashOutDate",
          "cashOutId",
          "credit",
          "debit",
          "designation",
          "operationType",
          "orderId",
          "payerEmail",
          "payerFirstName",
          "payerLastName",
          "payerSiren",
          "paymentDate",
          "paymentId",
          "paymentMethod",
          "paymentStatus"
        ])
        // amounts in euros
        const payment = paidOut.find((p) => p.id === json.json[0].paymentId)!
        expect(json.json[0].credit).toBe((payment.amount! - (payment.amountTip ?? 0)) / 100)
        const csv = yield* api.request("GET", path(cashOutId), { token, headers: { accept: "text/csv" } })
        expect(csv.status).toBe(200)
        expect(csv.headers["content-type"]).toContain("text/csv")
        expect(csv.text.charCodeAt(0)).toBe(0xfeff)
        expect(csv.text.split("\r\n").filter((line) => line !== "").length).toBe(json.json.length + 1)
        const unknown = yield* api.request("GET", path(1), { token })
        expect(unknown.status).toBe(404)
        expect(unknown.json.errors[0].code).toBe("NotFound")
        const notAnId = yield* api.request("GET", path("abc"), { token })
        expect(notAnId.status).toBe(400)
        expect(Object.keys(notAnId.json.errors)).toEqual(["cashOutId"])
        const other = yield* api.request("GET", path(cashOutId, api.sim.otherClient.organization), { token })
        expect(other.status).toBe(403)
        const xlsx = yield* api.request("GET", path(cashOutId), {
          token,
          headers: { accept: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }
        })
        expect(xlsx.status).toBe(406)
        expect((yield* api.request("GET", path(cashOutId))).status).toBe(401)
        expect((yield* api.sim.requests).at(-1)!.endpoint).toBe("exportCashOut")
      }))
  })

  describe("faults", () => {
    it.scoped("429 with Retry-After in seconds and as an HTTP date, on schedule", () =>
      Effect.gen(function*() {
        const api = yield* make({ payments: 10 })
        const token = yield* api.token
        yield* api.sim.setFaults([
          { endpoint: "listByOrganization", on: [2], fault: HelloAssoSimulator.fault.rateLimited(3) },
          { endpoint: "listByOrganization", on: [3], fault: HelloAssoSimulator.fault.rateLimited(5, "http-date") }
        ])
        const statuses: Array<number> = []
        const retryAfter: Array<string | undefined> = []
        for (let i = 0; i < 4; i++) {
          const response = yield* api.request("GET", `${org(api)}/payments`, { token })
          statuses.push(response.status)
          retryAfter.push(response.headers["retry-after"])
        }
        expect(statuses).toEqual([200, 429, 429, 200])
        expect(retryAfter[1]).toBe("3")
        expect(Number.isNaN(Date.parse(retryAfter[2]!))).toBe(false)
        expect((yield* api.sim.stats).faultsInjected).toBe(2)
      }))

    it.scoped("5xx by probability is deterministic from the seed", () =>
      Effect.gen(function*() {
        const run = Effect.gen(function*() {
          const api = yield* make({
            payments: 10,
            seed: 7,
            faults: [{ endpoint: "get", probability: 0.5, fault: HelloAssoSimulator.fault.status(503) }]
          })
          const token = yield* api.token
          const statuses: Array<number> = []
          for (let i = 0; i < 20; i++) {
            statuses.push((yield* api.request("GET", "/payments/20000001", { token })).status)
          }
          return statuses
        })
        const first = yield* run
        expect(new Set(first)).toEqual(new Set([200, 503]))
        expect(yield* run).toEqual(first)
      }))

    it.scoped("malformed and truncated JSON", () =>
      Effect.gen(function*() {
        const api = yield* make({ payments: 10 })
        const token = yield* api.token
        yield* api.sim.setFaults([
          { endpoint: "get", on: [1], fault: HelloAssoSimulator.fault.malformedJson },
          { endpoint: "get", on: [2], fault: HelloAssoSimulator.fault.truncatedJson }
        ])
        const malformed = yield* api.request("GET", "/payments/20000001", { token })
        const truncated = yield* api.request("GET", "/payments/20000001", { token })
        expect(malformed.status).toBe(200)
        expect(malformed.json).toBeUndefined()
        expect(truncated.status).toBe(200)
        expect(truncated.json).toBeUndefined()
        expect(truncated.text.length).toBeGreaterThan(10)
      }))

    it.scoped("a token revoked mid-stream gives 401, and a new token works", () =>
      Effect.gen(function*() {
        const api = yield* make({ payments: 10 })
        const token = yield* api.token
        yield* api.sim.setFaults([{
          endpoint: "listByOrganization",
          on: [2],
          fault: HelloAssoSimulator.fault.revokeToken
        }])
        expect((yield* api.request("GET", `${org(api)}/payments`, { token })).status).toBe(200)
        expect((yield* api.request("GET", `${org(api)}/payments`, { token })).status).toBe(401)
        expect((yield* api.request("GET", `${org(api)}/payments`, { token: yield* api.token })).status).toBe(200)
      }))

    it.scopedLive("a stalled body never completes", () =>
      Effect.gen(function*() {
        const api = yield* make({ payments: 10 })
        const token = yield* api.token
        yield* api.sim.setFaults([{ endpoint: "get", on: [1], fault: HelloAssoSimulator.fault.stallBody }])
        const result = yield* api.request("GET", "/payments/20000001", { token }).pipe(
          Effect.timeoutOption("300 millis")
        )
        expect(result._tag).toBe("None")
        expect((yield* api.request("GET", "/payments/20000001", { token })).status).toBe(200)
      }))

    it.scoped("connection reset before the request is read: nothing is processed", () =>
      Effect.gen(function*() {
        const api = yield* make({ payments: 50 })
        const token = yield* api.token
        const payment = (yield* api.sim.listPayments({ states: ["Authorized"] })).find((p) => p.type === "Credit")!
        yield* api.sim.setFaults([{ endpoint: "refund", on: [1], fault: HelloAssoSimulator.fault.resetBeforeRead }])
        const failed = yield* Effect.either(api.request("POST", `/payments/${payment.id}/refund`, { token }))
        expect(failed._tag).toBe("Left")
        expect((yield* api.sim.stats).refunds.total).toBe(0)
      }))

    it.scoped("connection reset after the request was read: the refund was made", () =>
      Effect.gen(function*() {
        const api = yield* make({ payments: 50 })
        const token = yield* api.token
        const payment = (yield* api.sim.listPayments({ states: ["Authorized"] })).find((p) => p.type === "Credit")!
        yield* api.sim.setFaults([{ endpoint: "refund", on: [1], fault: HelloAssoSimulator.fault.resetAfterRead }])
        const failed = yield* Effect.either(api.request("POST", `/payments/${payment.id}/refund`, { token }))
        expect(failed._tag).toBe("Left")
        expect((yield* api.sim.stats).refunds.byPayment.get(payment.id)).toBe(1)
        const detail = yield* api.request("GET", `/payments/${payment.id}`, { token })
        expect(detail.json.state).toBe("Refunded")
      }))
  })

  describe("request log", () => {
    it.scoped("records method, path, query and headers with secrets masked", () =>
      Effect.gen(function*() {
        const api = yield* make({ payments: 10 })
        const token = yield* api.token
        yield* api.request("GET", `${org(api)}/payments`, {
          params: { pageSize: 3, states: ["Authorized", "Refunded"] },
          token
        })
        const log = yield* api.sim.requests
        expect(log.map((entry) => entry.endpoint)).toEqual(["token", "listByOrganization"])
        expect(log[0]!.form).toMatchObject({ grant_type: "client_credentials", client_secret: "***" })
        expect(log[1]!.query).toEqual({ pagesize: ["3"], states: ["Authorized", "Refunded"] })
        expect(log[1]!.headers["authorization"]).toBe("Bearer ***")
        expect(log[1]!.status).toBe(200)
        expect(JSON.stringify(log)).not.toContain(token)
        expect(JSON.stringify(log)).not.toContain("simulator-secret")
      }))
  })
})

describe("simulator in memory", () => {
  it.effect("expires tokens after expires_in on the simulator's clock (TestClock)", () =>
    Effect.gen(function*() {
      const api = yield* inMemory({ payments: 10 })
      const token = yield* api.token
      yield* TestClock.adjust(Duration.seconds(1799))
      expect((yield* api.request("GET", `${org(api)}/payments`, { token })).status).toBe(200)
      yield* TestClock.adjust(Duration.seconds(1))
      expect((yield* api.request("GET", `${org(api)}/payments`, { token })).status).toBe(401)
    }))

  it.effect("adds latency on the simulator's clock", () =>
    Effect.gen(function*() {
      const api = yield* inMemory({
        payments: 10,
        faults: [{ endpoint: "get", fault: HelloAssoSimulator.fault.latency(5000) }]
      })
      const token = yield* api.token
      const fiber = yield* Effect.fork(api.request("GET", "/payments/20000001", { token }))
      yield* TestClock.adjust(Duration.millis(4999))
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust(Duration.millis(1))
      expect((yield* Fiber.join(fiber)).status).toBe(200)
    }))

  it.effect("refuses connections without processing them", () =>
    Effect.gen(function*() {
      const api = yield* inMemory({
        payments: 10,
        faults: [{ endpoint: "refund", fault: HelloAssoSimulator.fault.refuseConnection }]
      })
      const token = yield* api.token
      const result = yield* Effect.either(api.request("POST", "/payments/20000001/refund", { token }))
      expect(result._tag).toBe("Left")
      expect((yield* api.sim.stats).refunds.total).toBe(0)
    }))

  it.effect("generates the same association from the same seed, another from another seed", () =>
    Effect.gen(function*() {
      const a = yield* HelloAssoSimulator.make({ seed: 42, payments: 100 })
      const b = yield* HelloAssoSimulator.make({ seed: 42, payments: 100 })
      const c = yield* HelloAssoSimulator.make({ seed: 43, payments: 100 })
      expect(yield* a.listPayments()).toEqual(yield* b.listPayments())
      expect(yield* a.listPayments()).not.toEqual(yield* c.listPayments())
    }))

  it.effect("generates realistic data: every form type and payment state, accents, Paris offsets, 7 digits", () =>
    Effect.gen(function*() {
      const sim = yield* HelloAssoSimulator.make({ payments: 20_000 })
      const all = yield* sim.listPayments()
      expect(new Set(all.map((p) => p.order!.formType))).toEqual(new Set(Payment.FormType.known))
      const states = new Set(all.map((p) => p.state))
      for (const state of Payment.PaymentState.known) expect(states).toContain(state)
      expect(all.some((p) => /[éèêëïîôüç]/i.test(`${p.payer!.firstName}${p.payer!.lastName}`))).toBe(true)
      expect(all.some((p) => p.payer!.lastName!.includes("'"))).toBe(true)
      expect(all.some((p) => p.date!.endsWith("+01:00"))).toBe(true)
      expect(all.some((p) => p.date!.endsWith("+02:00"))).toBe(true)
      expect(all.every((p) => /\.\d{7}\+0[12]:00$/.test(p.date!))).toBe(true)
      expect(all.some((p) => (p.amountTip ?? 0) > 0)).toBe(true)
      expect(all.some((p) => (p.installmentNumber ?? 0) > 1)).toBe(true)
      expect(all.some((p) => p.type === "Offline" && p.paymentOffLineMean !== undefined)).toBe(true)
      expect(new Set(all.map((p) => p.cashOutState))).toEqual(
        new Set([undefined, "MoneyIn", "CashedOut", "Refunded", "Refunding", "Contested", "Unknown"])
      )
      for (const payment of all.slice(0, 500)) Schema.decodeUnknownSync(Payment.Payment)(payment)
    }))

  it.effect("computes payments from their index: a million cost nothing until asked for", () =>
    Effect.gen(function*() {
      const api = yield* inMemory({ payments: 1_000_000 })
      const token = yield* api.token
      const first = yield* api.request("GET", `${org(api)}/payments`, { params: { pageSize: 100 }, token })
      expect(first.json.data[0].id).toBe(20_000_000 + 1_000_000)
      const oldest = yield* api.request("GET", `${org(api)}/payments`, {
        params: { pageSize: 1, sortOrder: "Asc" },
        token
      })
      expect(oldest.json.data[0].id).toBe(20_000_001)
    }))

  it.effect("serves explicit fixtures", () =>
    Effect.gen(function*() {
      const fixtures = [
        {
          id: 7,
          amount: 1200,
          date: "2024-06-07T14:11:15.7442115+02:00",
          state: "Authorized",
          type: "Credit",
          order: { id: 70, date: "2024-06-07T14:11:15.7442115+02:00", formType: "Donation", formSlug: "don" },
          payer: { firstName: "Zoé", lastName: "L'Hôte", email: "zoe@example.org" }
        },
        {
          id: 8,
          amount: 3000,
          date: "2024-06-08T09:00:00.0000001+02:00",
          state: "Refused",
          order: { id: 80, date: "2024-06-08T09:00:00.0000001+02:00", formType: "Membership", formSlug: "adhesion" }
        }
      ]
      const api = yield* inMemory({ fixtures })
      const token = yield* api.token
      const page = yield* api.request("GET", `${org(api)}/payments`, { token })
      expect(page.json.data.map((p: any) => [p.id, p.date])).toEqual([
        [8, "2024-06-08T09:00:00.0000001+02:00"],
        [7, "2024-06-07T14:11:15.7442115+02:00"]
      ])
      const found = yield* api.request("GET", `${org(api)}/payments`, {
        params: { userSearchKey: "zoe l'hote" },
        token
      })
      expect(found.json.data.map((p: any) => p.id)).toEqual([7])
    }))
})
