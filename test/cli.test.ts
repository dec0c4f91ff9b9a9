import { describe, expect, it, layer } from "@effect/vitest"
import { CashOut, HelloAssoAuth, HelloAssoConfig } from "@helloasso-effect/core"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import { NodeSimulatorServer } from "@helloasso-effect/node"
import { parse } from "csv-parse/sync"
import { Effect, Option, Redacted } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Cli from "./support/cli.js"

const tmp = Fs.mkdtempSync(Path.join(Os.tmpdir(), "helloasso-cli-"))

const envOf = (server: NodeSimulatorServer.Service) => ({
  HELLOASSO_API_URL: server.apiUrl,
  HELLOASSO_TOKEN_URL: server.tokenUrl,
  HELLOASSO_CLIENT_ID: server.simulator.credentials.clientId,
  HELLOASSO_CLIENT_SECRET: Redacted.value(server.simulator.credentials.clientSecret),
  HELLOASSO_ORGANIZATION: server.simulator.organization.slug
})

const Server = NodeSimulatorServer.NodeSimulatorServer

const cli = (args: ReadonlyArray<string>, extra: Record<string, string> = {}) =>
  Effect.flatMap(Server, (server) => Cli.run(args, { ...envOf(server), ...extra }))

const jsonl = (stdout: string) => stdout.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line))

const resetLog = Effect.flatMap(Server, (server) => server.simulator.clearRequests)

const requests = Effect.flatMap(Server, (server) => server.simulator.requests)

describe("helloasso CLI over loopback HTTP", () => {
  // live services: the server sleeps on the real clock (latency faults)
  layer(NodeSimulatorServer.layer({ payments: 600, seed: 7 }), { timeout: "120 seconds", excludeTestServices: true })(
    (it) => {
      it.effect(
        "payments list --format jsonl gives the simulator's payments, for several filters",
        () =>
          Effect.gen(function*() {
            const { simulator } = yield* Server
            const cases: Array<[ReadonlyArray<string>, HelloAssoSimulator.ListFilter]> = [
              [[], {}],
              [["--state", "Authorized", "--state", "Refunded"], { states: ["Authorized", "Refunded"] }],
              [["--from", "2024-03-01T00:00:00+01:00", "--to", "2024-09-01T00:00:00+02:00", "--order", "asc"], {
                from: "2024-03-01T00:00:00+01:00",
                to: "2024-09-01T00:00:00+02:00",
                sortOrder: "Asc"
              }],
              [["--search", "dupre"], { userSearchKey: "dupre" }],
              [["--form-type", "Event", "--form-slug", "fete-du-lavoir-2025"], {
                formType: "Event",
                formSlug: "fete-du-lavoir-2025"
              }]
            ]
            for (const [args, filter] of cases) {
              const result = yield* cli(["payments", "list", "--format", "jsonl", "--page-size", "50", ...args])
              expect(result.stderr).toBe("")
              expect(result.code).toBe(0)
              const expected = yield* simulator.listPayments(filter)
              expect(
                jsonl(result.stdout).map((p) => p.id)
              ).toEqual(expected.map((p) => p.id))
            }
          }),
        60_000
      )

      it.effect("payments list --format csv --output parses back to the same payments", () =>
        Effect.gen(function*() {
          const { simulator } = yield* Server
          const file = Path.join(tmp, "list.csv")
          const result = yield* cli(["payments", "list", "--format", "csv", "--output", file])
          expect(result.code).toBe(0)
          expect(result.stdout).toBe("")
          expect(result.stderr).toContain(`600 payments written to ${file}`)
          const rows = parse(Fs.readFileSync(file, "utf8"), { columns: true }) as Array<Record<string, string>>
          const expected = yield* simulator.listPayments()
          expect(rows.map((row) => [Number(row["id"]), Number(row["amount_cents"]), row["payer_last_name"]])).toEqual(
            expected.map((p) => [p.id, p.amount, p.payer?.lastName ?? ""])
          )
          expect(rows.map((row) => Date.parse(row["date"]!))).toEqual(expected.map((p) => Date.parse(p.date!)))
        }), 30_000)

      it.effect("payments list --limit and the table format", () =>
        Effect.gen(function*() {
          const limited = yield* cli(["payments", "list", "--format", "jsonl", "--limit", "7"])
          expect(jsonl(limited.stdout).length).toBe(7)
          const table = yield* cli(["payments", "list", "--limit", "3"])
          const lines = table.stdout.trimEnd().split("\n")
          expect(lines[0]).toMatch(/^ID\s+DATE\s+AMOUNT\s+STATE\s+FORM\s+PAYER$/)
          expect(lines.length).toBe(4)
          expect(lines[1]).toMatch(/€/)
        }), 30_000)

      it.effect("payments search finds a payer", () =>
        Effect.gen(function*() {
          const { simulator } = yield* Server
          const target = (yield* simulator.searchPayments())[0]!
          const result = yield* cli(["payments", "search", "--search", target.payerLastName!, "--format", "jsonl"])
          expect(result.code).toBe(0)
          const expected = yield* simulator.searchPayments({ searchKey: target.payerLastName! })
          expect(jsonl(result.stdout).map((p) => p.id)).toEqual(expected.map((p) => p.id))
        }), 30_000)

      it.effect("payments export writes the simulator's CSV export to a file", () =>
        Effect.gen(function*() {
          const { simulator } = yield* Server
          const file = Path.join(tmp, "export.csv")
          const result = yield* cli([
            "payments",
            "export",
            "--format",
            "csv",
            "--output",
            file,
            "--state",
            "Authorized"
          ])
          expect(result.code).toBe(0)
          const bytes = Fs.readFileSync(file)
          expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
          const rows = bytes.toString("utf8").slice(1).split("\r\n").filter((l) => l !== "").slice(1)
          expect(rows.map((row) => Number(row.split(";")[0]))).toEqual(
            (yield* simulator.listPayments({ states: ["Authorized"] })).map((p) => p.id)
          )
        }), 30_000)

      it.effect(
        "cash-outs export writes a cash-out's JSON to a file and its CSV to stdout; an unknown one exits 4",
        () =>
          Effect.gen(function*() {
            const { simulator } = yield* Server
            const paidOut = (yield* simulator.listPayments()).filter((p) => p.idCashOut != null)
            const cashOutId = paidOut[paidOut.length - 1]!.idCashOut!
            const expected = paidOut.filter((p) => p.idCashOut === cashOutId).map((p) => p.id).sort()
            const file = Path.join(tmp, "cash-out.json")
            const [json, csv, missing] = yield* Effect.all([
              cli(["cash-outs", "export", "--id", String(cashOutId), "--format", "json", "--output", file]),
              cli(["cash-outs", "export", "--id", String(cashOutId)]),
              cli(["cash-outs", "export", "--id", "1", "--format", "json"])
            ], { concurrency: "unbounded" })
            expect(json.code, json.stderr).toBe(0)
            expect(json.stdout).toBe("")
            expect(json.stderr).toMatch(
              new RegExp(`^HelloAsso's JSON export of cash-out ${cashOutId} \\(\\d+ bytes\\) written to ${file}\n$`)
            )
            // the file is HelloAsso's JSON as received: the library's schema decodes it
            const rows = yield* CashOut.decodeExport(Fs.readFileSync(file))
            expect(rows.map((row) => Option.getOrThrow(row.paymentId)).sort()).toEqual(expected)
            // csv to stdout by default: a BOM, a header, a line per payment
            expect(csv.code, csv.stderr).toBe(0)
            expect(csv.stderr).toBe("")
            expect(csv.stdout.charCodeAt(0)).toBe(0xfeff)
            const lines = csv.stdout.slice(1).split("\r\n").filter((line) => line !== "").map((line) => line.split(";"))
            const idColumn = lines[0]!.indexOf("Numéro de paiement")
            expect(lines.slice(1).map((line) => Number(line[idColumn])).sort()).toEqual(expected)
            expect(missing.code).toBe(4)
            expect(missing.stdout).toBe("")
            expect(missing.stderr).toMatch(/^helloasso: not found: .*cash-out\/1\/export answered 404/)
          }),
        30_000
      )

      it.effect("payments get shows a payment; an unknown one exits 4", () =>
        Effect.gen(function*() {
          const { simulator } = yield* Server
          const payment = (yield* simulator.listPayments())[0]!
          const found = yield* cli(["payments", "get", String(payment.id)])
          expect(found.code).toBe(0)
          expect(found.stdout).toContain(`Payment ${payment.id}: ${payment.state}`)
          const json = yield* cli(["payments", "get", String(payment.id), "--format", "json"])
          expect(JSON.parse(json.stdout).id).toBe(payment.id)
          const missing = yield* cli(["payments", "get", "12345"])
          expect(missing.code).toBe(4)
          expect(missing.stderr).toMatch(/^helloasso: not found: /)
        }), 30_000)

      it.effect("payments refund without --yes does nothing; with --yes it refunds once", () =>
        Effect.gen(function*() {
          const { simulator } = yield* Server
          const payment = (yield* simulator.listPayments({ states: ["Authorized"] }))
            .find((p) => p.type === "Credit" && p.amount! >= 1000)!
          yield* resetLog
          const refused = yield* cli(["payments", "refund", String(payment.id), "--amount", "500"])
          expect(refused.code).toBe(2)
          expect(refused.stderr).toContain("--yes")
          expect(yield* requests).toEqual([])
          const done = yield* cli(["payments", "refund", String(payment.id), "--amount", "500", "--yes", "--no-mail"])
          expect(done.code).toBe(0)
          expect(done.stdout).toMatch(/^refund #\d+: 5,00 € of payment \d+, Processed/)
          const refund = (yield* requests).filter((e) => e.endpoint === "refund")
          expect(refund.map((e) => e.query)).toEqual([{ amount: ["500"], sendrefundmail: ["false"] }])
          expect((yield* simulator.stats).refunds.byPayment.get(payment.id)).toBe(1)
        }), 30_000)

      it.effect("a refused refund exits 5 with HelloAsso's code", () =>
        Effect.gen(function*() {
          const { simulator } = yield* Server
          const offline = (yield* simulator.listPayments()).find((p) => p.type === "Offline")!
          const result = yield* cli(["payments", "refund", String(offline.id), "--full", "--yes"])
          expect(result.code).toBe(5)
          expect(result.stderr).toMatch(/^helloasso: refund refused: .*code 108/m)
        }), 30_000)

      it.effect("bad input exits 2 before any request", () =>
        Effect.gen(function*() {
          for (
            const args of [
              ["payments", "list", "--org", "../admin"],
              ["payments", "list", "--page-size", "0"],
              ["payments", "list", "--from", "yesterday"],
              ["payments", "list", "--state", "Paid"],
              ["payments", "get", "0"],
              ["payments", "refund", "1", "--amount", "-5", "--yes"],
              ["payments", "list", "--form-type", "Event"]
            ]
          ) {
            yield* resetLog
            const result = yield* cli(args)
            expect(result.code, args.join(" ")).toBe(2)
            expect(yield* requests).toEqual([])
          }
        }), 60_000)

      it.effect(
        "bad credentials exit 3, network failures exit 7, without a stack or a secret",
        () =>
          Effect.gen(function*() {
            const auth = yield* cli(["payments", "list"], { HELLOASSO_CLIENT_SECRET: "not-the-secret-0123" })
            expect(auth.code).toBe(3)
            expect(auth.stderr).toMatch(/^helloasso: authentication: /)
            expect(auth.stderr).not.toContain("not-the-secret-0123")
            expect(auth.stderr.trim().split("\n").length).toBe(1)
            const network = yield* cli(["payments", "list"], {
              HELLOASSO_API_URL: "http://127.0.0.1:9/v5",
              HELLOASSO_TOKEN_URL: "http://127.0.0.1:9/oauth2/token"
            })
            expect(network.code).toBe(7)
            expect(network.stderr).toMatch(/^helloasso: network: /)
            expect(network.stderr).toMatch(/connect|ECONNREFUSED/i)
            expect(network.stderr).not.toMatch(/\n\s+at /)
          }),
        60_000
      )

      it.effect(
        "the demo with HELLOASSO_* set runs against the server they name (not production), token request included",
        () =>
          Effect.gen(function*() {
            const full = envOf(yield* Server)
            // without HELLOASSO_TOKEN_URL: the token endpoint next to HELLOASSO_API_URL
            const { HELLOASSO_TOKEN_URL: _, ...withoutTokenUrl } = full
            for (const env of [full, withoutTokenUrl]) {
              yield* resetLog
              const result = yield* Cli.run(["demo", "--output-dir", tmp], env)
              const output = result.stdout + result.stderr
              expect(output).not.toMatch(/production/i)
              expect(output).not.toContain("api.helloasso.com")
              expect(result.code, output).toBe(0)
              const log = yield* requests
              expect(log.filter((e) => e.endpoint === "token").length).toBeGreaterThanOrEqual(1)
              expect(log.some((e) => e.endpoint === "listByOrganization")).toBe(true)
              // read-only against a server that is not the demo's own simulator: no refund
              expect(log.some((e) => e.endpoint === "refund")).toBe(false)
            }
          }),
        30_000
      )

      it.effect(
        "a listing that fails prints the token to resume with, and --resume finishes it",
        () =>
          Effect.gen(function*() {
            const { simulator } = yield* Server
            yield* simulator.setFaults([{
              endpoint: "listByOrganization",
              on: [3],
              fault: HelloAssoSimulator.fault.status(500)
            }])
            const failed = yield* cli(["payments", "list", "--format", "jsonl", "--page-size", "40"])
            yield* simulator.setFaults([])
            expect(failed.code).toBe(7)
            const token = /--resume (\S+)/.exec(failed.stderr)![1]!
            const rest = yield* cli(["payments", "list", "--format", "jsonl", "--page-size", "40", "--resume", token])
            expect(rest.code).toBe(0)
            const all = [...jsonl(failed.stdout), ...jsonl(rest.stdout)].map((p) => p.id)
            expect(all).toEqual((yield* simulator.listPayments()).map((p) => p.id))
          }),
        30_000
      )

      it.effect("an interrupted listing prints the token to resume with", () =>
        Effect.gen(function*() {
          const server = yield* Server
          const { simulator } = server
          yield* simulator.setFaults([{ endpoint: "listByOrganization", fault: HelloAssoSimulator.fault.latency(150) }])
          const child = Cli.start(["payments", "list", "--format", "jsonl", "--page-size", "20"], envOf(server))
          child.stdin!.end()
          const result = yield* Effect.promise(() => {
            let lines = 0
            child.stdout!.on("data", (chunk: Buffer) => {
              lines += chunk.toString().split("\n").length - 1
              if (lines >= 40) child.kill("SIGINT")
            })
            return Cli.collect(child)
          })
          yield* simulator.setFaults([])
          expect(result.code).toBe(130)
          const token = /resume with: --resume (\S+)/.exec(result.stderr)![1]!
          const rest = yield* cli(["payments", "list", "--format", "jsonl", "--page-size", "20", "--resume", token])
          const all = [...jsonl(result.stdout), ...jsonl(rest.stdout)].map((p) => p.id)
          expect(all).toEqual((yield* simulator.listPayments()).map((p) => p.id))
        }), 60_000)
    }
  )

  layer(NodeSimulatorServer.layer({ payments: 5 }), { excludeTestServices: true })((it) => {
    it.effect("payments list with no credentials exits 2 naming the variables", () =>
      Effect.gen(function*() {
        const result = yield* Cli.run(["payments", "list", "--org", "x"])
        expect(result.code).toBe(2)
        expect(result.stderr).toContain("HELLOASSO_CLIENT_ID")
      }), 30_000)
  })

  it.effect("simulator serve prints the JSON that works against it", () =>
    Effect.gen(function*() {
      const child = Cli.start(["simulator", "serve", "--payments", "25", "--seed", "3", "--organization", "mon-asso"])
      const first = yield* Cli.firstLine(child)
      const info = JSON.parse(first)
      expect(Object.keys(info).sort()).toEqual([
        "apiUrl",
        "authorizeUrl",
        "clientId",
        "clientSecret",
        "organization",
        "partner",
        "tokenUrl"
      ])
      expect(info.organization).toBe("mon-asso")
      // the authorization page answers the partner's request with a code for the simulated association
      const request = yield* HelloAssoAuth.authorizationRequest({ redirectUri: "https://partner.example/callback" })
        .pipe(
          Effect.provide(HelloAssoConfig.layer({
            apiUrl: info.apiUrl,
            clientId: info.partner.clientId,
            clientSecret: Redacted.make(info.partner.clientSecret)
          }))
        )
      expect(request.url.startsWith(`${info.authorizeUrl}?`)).toBe(true)
      const consent = yield* Effect.promise(() => fetch(request.url, { redirect: "manual" }))
      expect(new URL(consent.headers.get("location")!).searchParams.get("code")).toMatch(/^sim_ac_/)
      const listed = yield* Cli.run(["payments", "list", "--format", "jsonl"], {
        HELLOASSO_API_URL: info.apiUrl,
        HELLOASSO_TOKEN_URL: info.tokenUrl,
        HELLOASSO_CLIENT_ID: info.clientId,
        HELLOASSO_CLIENT_SECRET: info.clientSecret,
        HELLOASSO_ORGANIZATION: info.organization
      })
      child.kill("SIGINT")
      const stopped = yield* Effect.promise(() => Cli.collect(child))
      expect(jsonl(listed.stdout).length).toBe(25)
      expect(stopped.code).toBe(130)
    }), 30_000)

  it.effect("the demo (pnpm start) runs to completion on the simulator", () =>
    Effect.gen(function*() {
      const result = yield* Cli.run(["demo", "--payments", "400", "--output-dir", tmp])
      expect(result.code).toBe(0)
      for (
        const step of ["1. Streaming", "2. Totals", "3. Payments of payers named", "4. Detail", "5. Partial refund"]
      ) {
        expect(result.stdout).toContain(step)
      }
      expect(result.stdout).toMatch(/refund #\d+: 5,00 €/)
      expect(result.stdout).toContain(`bytes written to ${Path.join(tmp, "payments-les-amis-du-lavoir.csv")}`)
      expect(Fs.existsSync(Path.join(tmp, "payments-les-amis-du-lavoir.csv"))).toBe(true)
    }), 60_000)
})
