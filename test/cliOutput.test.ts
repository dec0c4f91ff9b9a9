/**
 * The CLI's outputs and refunds as a treasurer meets them (issue 15, points 1, 2, 4 per option, 6): output paths
 * checked before any request, no partial file under the final name, `-` for stdout, `--no-header` to append a
 * resumed listing, `refund --full` instead of `--amount 0`, and every option of the `payments` commands described
 * with its default.
 */
import { afterAll, describe, expect, layer } from "@effect/vitest"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import { NodeSimulatorServer } from "@helloasso-effect/node"
import { parse } from "csv-parse/sync"
import { Effect, Redacted } from "effect"
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import * as Cli from "./support/cli.js"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")

const Server = NodeSimulatorServer.NodeSimulatorServer

const envOf = (server: NodeSimulatorServer.Service) => ({
  HELLOASSO_API_URL: server.apiUrl,
  HELLOASSO_TOKEN_URL: server.tokenUrl,
  HELLOASSO_CLIENT_ID: server.simulator.credentials.clientId,
  HELLOASSO_CLIENT_SECRET: Redacted.value(server.simulator.credentials.clientSecret),
  HELLOASSO_ORGANIZATION: server.simulator.organization.slug
})

const cli = (args: ReadonlyArray<string>) => Effect.flatMap(Server, (server) => Cli.run(args, envOf(server)))

/** Several CLI runs at once (each is a process that mostly waits for tsx to start). */
const cliAll = <const Runs extends ReadonlyArray<ReadonlyArray<string>>>(runs: Runs) =>
  Effect.all(runs.map(cli), { concurrency: 4 }) as Effect.Effect<
    { -readonly [K in keyof Runs]: Cli.CliResult },
    never,
    NodeSimulatorServer.NodeSimulatorServer
  >

const requests = Effect.flatMap(Server, (server) => server.simulator.requests)
const resetLog = Effect.flatMap(Server, (server) => server.simulator.clearRequests)

const tmp = Fs.mkdtempSync(Path.join(Os.tmpdir(), "helloasso-cli-output-"))
afterAll(() => Fs.rmSync(tmp, { recursive: true, force: true }))

const fresh = () => Fs.mkdtempSync(Path.join(tmp, "case-"))

/** One line on stderr, starting with `helloasso:`, no stack. */
const expectCleanError = (stderr: string) => {
  expect(stderr).toMatch(/^helloasso: /)
  expect(stderr.trim().split("\n").length, stderr).toBe(1)
  expect(stderr).not.toMatch(/\n\s+at |node:events|Unhandled/)
}

const refundable = (simulator: HelloAssoSimulator.Service) =>
  Effect.map(
    simulator.listPayments({ states: ["Authorized"] }),
    (payments) =>
      payments.filter((p) =>
        p.type === "Credit" && p.amount! >= 1000 && (p.refundOperations ?? []).length === 0 &&
        (p.amountTip ?? 0) === 0
      )
  )

// \u001b[...m: the help may be coloured (another point of the issue); what is checked here is its text
// eslint-disable-next-line no-control-regex
const plain = (text: string) => text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "")

/** The option blocks of a command's help: a `--name ...` heading (the least indented), then its description lines. */
const optionBlocks = (help: string): Map<string, string> => {
  const lines = plain(help).split("\n")
  const option = /^(\s*)(?:\(?-\w, )?(--[\w-]+)/
  const indents = lines.flatMap((line) => {
    const match = option.exec(line)
    return match === null ? [] : [match[1]!.length]
  })
  const headingIndent = Math.min(...indents)
  const blocks = new Map<string, string>()
  let current: string | undefined
  for (const line of lines) {
    const heading = option.exec(line)
    if (heading !== null && heading[1]!.length === headingIndent) {
      current = heading[2]!
      blocks.set(current, "")
    } else if (/^\s*[A-Z]+$/.test(line) || line.trim().startsWith("$ ")) {
      current = undefined
    } else if (current !== undefined && line.trim() !== "") {
      blocks.set(current, `${blocks.get(current)}${line.trim()}\n`)
    }
  }
  return blocks
}

/** Options that are not the `payments` commands' own: connection (shared) and @effect/cli built-ins. */
const NOT_OWN = new Set([
  "--client-id",
  "--client-secret",
  "--environment",
  "--api-url",
  "--token-url",
  "--org",
  "--completions",
  "--log-level",
  "--help",
  "--wizard",
  "--version"
])

describe("helloasso CLI: outputs and refunds", () => {
  layer(NodeSimulatorServer.layer({ payments: 250, seed: 11 }), { timeout: "120 seconds", excludeTestServices: true })(
    (it) => {
      it.effect(
        "an output path that cannot be written exits 2 before any request, naming the path and why",
        () =>
          Effect.gen(function*() {
            const dir = fresh()
            const aFile = Path.join(dir, "plain.txt")
            Fs.writeFileSync(aFile, "not a directory")
            yield* resetLog
            const [missingDir, isDir, underFile] = yield* cliAll([
              ["payments", "export", "--format", "csv", "--output", "/nonexistent/dir/x.csv"],
              ["payments", "list", "--format", "csv", "--output", dir],
              ["payments", "search", "--output", Path.join(aFile, "x.csv")]
            ])
            expect(yield* requests).toEqual([])
            for (const result of [missingDir, isDir, underFile]) {
              expect(result.code, result.stderr).toBe(2)
              expectCleanError(result.stderr)
            }
            expect(missingDir.stderr).toContain("/nonexistent/dir/x.csv")
            expect(missingDir.stderr).toMatch(/does not exist/)
            expect(isDir.stderr).toContain(dir)
            expect(isDir.stderr).toMatch(/is a directory/)
            expect(underFile.stderr).toContain(Path.join(aFile, "x.csv"))
            expect(underFile.stderr).toMatch(/not a directory/)
            expect(Fs.readdirSync(dir)).toEqual(["plain.txt"])
          }),
        60_000
      )

      it.effect(
        "a failed export (406 for XLSX) leaves no file, and a file already there as it was",
        () =>
          Effect.gen(function*() {
            const dir = fresh()
            const created = Path.join(dir, "new.xlsx")
            const replaced = Path.join(dir, "old.xlsx")
            Fs.writeFileSync(replaced, "last month's export")
            const results = yield* cliAll([
              ["payments", "export", "--format", "xlsx", "--output", created],
              ["payments", "export", "--format", "xlsx", "--output", replaced]
            ])
            for (const result of results) {
              expect(result.code).toBe(7)
              expectCleanError(result.stderr)
              expect(result.stderr).toMatch(/406/)
            }
            // neither the final name nor a temporary file is left behind
            expect(Fs.readdirSync(dir)).toEqual(["old.xlsx"])
            expect(Fs.readFileSync(replaced, "utf8")).toBe("last month's export")
          }),
        60_000
      )

      it.effect(
        "cash-outs export: --output and --id checked before any request; a failed export leaves no file",
        () =>
          Effect.gen(function*() {
            const { simulator } = yield* Server
            const cashOutId = (yield* simulator.listPayments()).find((p) => p.idCashOut != null)!.idCashOut!
            const dir = fresh()
            const created = Path.join(dir, "new.xlsx")
            const replaced = Path.join(dir, "old.xlsx")
            Fs.writeFileSync(replaced, "last month's cash-out")
            yield* resetLog
            const [missingDir, badId] = yield* cliAll([
              ["cash-outs", "export", "--id", String(cashOutId), "--output", "/nonexistent/dir/x.csv"],
              ["cash-outs", "export", "--id", "0", "--output", Path.join(dir, "zero.csv")]
            ])
            expect(yield* requests).toEqual([])
            for (const result of [missingDir, badId]) {
              expect(result.code, result.stderr).toBe(2)
              expectCleanError(result.stderr)
            }
            expect(missingDir.stderr).toContain("--output /nonexistent/dir/x.csv")
            expect(missingDir.stderr).toMatch(/does not exist/)
            expect(badId.stderr).toBe("helloasso: cash-outs export: --id must be an integer from 1 to 2147483647\n")
            const results = yield* cliAll([
              ["cash-outs", "export", "--id", String(cashOutId), "--format", "xlsx", "--output", created],
              ["cash-outs", "export", "--id", String(cashOutId), "--format", "xlsx", "--output", replaced]
            ])
            for (const result of results) {
              expect(result.code).toBe(7)
              expectCleanError(result.stderr)
              expect(result.stderr).toMatch(/406/)
            }
            // neither the final name nor a temporary file is left behind
            expect(Fs.readdirSync(dir)).toEqual(["old.xlsx"])
            expect(Fs.readFileSync(replaced, "utf8")).toBe("last month's cash-out")
          }),
        60_000
      )

      it.effect(
        "a file-system failure while writing is one clean line (ENOSPC on /dev/full)",
        () =>
          Effect.gen(function*() {
            // Linux (CI): a device that is always full
            expect(Fs.existsSync("/dev/full")).toBe(true)
            const result = yield* cli(["payments", "list", "--format", "jsonl", "--output", "/dev/full"])
            expect(result.code).not.toBe(0)
            expectCleanError(result.stderr)
            expect(result.stderr).toContain("/dev/full")
            expect(result.stderr).toMatch(/no space/i)
          }),
        30_000
      )

      it.effect(
        "a failed CSV listing keeps its first part aside, and the resumed part (--no-header) appends to one CSV",
        () =>
          Effect.gen(function*() {
            const { simulator } = yield* Server
            const dir = fresh()
            const file = Path.join(dir, "payments.csv")
            yield* simulator.setFaults([{
              endpoint: "listByOrganization",
              on: [3],
              fault: HelloAssoSimulator.fault.status(500)
            }])
            const failed = yield* cli(["payments", "list", "--format", "csv", "--page-size", "40", "--output", file])
            yield* simulator.setFaults([])
            expect(failed.code, failed.stderr).toBe(7)
            expect(failed.stderr).not.toMatch(/\n\s+at /)
            // nothing under the final name; the first part where the message says
            expect(Fs.existsSync(file)).toBe(false)
            expect(failed.stderr).toContain(`${file}.partial`)
            const token = /--resume (\S+)/.exec(failed.stderr)![1]!
            const rest = Path.join(dir, "rest.csv")
            const resumed = yield* cli([
              "payments",
              "list",
              "--format",
              "csv",
              "--page-size",
              "40",
              "--resume",
              token,
              "--no-header",
              "--output",
              rest
            ])
            expect(resumed.code, resumed.stderr).toBe(0)
            expect(Fs.readFileSync(rest, "utf8")).not.toMatch(/^id,/)
            const whole = Fs.readFileSync(`${file}.partial`, "utf8") + Fs.readFileSync(rest, "utf8")
            const rows = parse(whole, { columns: true }) as Array<Record<string, string>>
            expect(rows.map((row) => Number(row["id"]))).toEqual((yield* simulator.listPayments()).map((p) => p.id))
          }),
        60_000
      )

      it.effect(
        "export with --output - or without --output writes to stdout, like list; 1 page is '1 page'",
        () =>
          Effect.gen(function*() {
            const dir = fresh()
            const one = Path.join(dir, "one.csv")
            const [dash, none, listDash, single] = yield* cliAll([
              ["payments", "export", "--format", "csv", "--output", "-", "--state", "Refunded"],
              ["payments", "export", "--state", "Refunded"],
              ["payments", "list", "--format", "jsonl", "--output", "-", "--limit", "3"],
              ["payments", "list", "--format", "csv", "--output", one, "--limit", "1", "--no-header"]
            ])
            expect(Fs.existsSync(Path.join(root, "-"))).toBe(false)
            // HelloAsso's CSV export: a BOM, a header, a line per refunded payment
            const { simulator } = yield* Server
            const refunded = (yield* simulator.listPayments({ states: ["Refunded"] })).map((p) => p.id)
            for (const result of [dash, none]) {
              expect(result.code, result.stderr).toBe(0)
              expect(result.stdout.startsWith("\uFEFF")).toBe(true)
              const ids = result.stdout.split("\r\n").filter((l) => l !== "").slice(1).map((row) =>
                Number(row.split(";")[0])
              )
              expect(ids).toEqual(refunded)
            }
            expect(listDash.stdout.trim().split("\n").length).toBe(3)
            expect(single.code).toBe(0)
            expect(single.stderr).toMatch(/^1 payment written to .*one\.csv \(1 payment, 1 page, /m)
            expect(single.stderr).not.toMatch(/1 pages|1 payments/)
            const lines = Fs.readFileSync(one, "utf8").trim().split("\n")
            expect(lines.length).toBe(1)
            expect(lines[0]).toMatch(/^\d+,/)
          }),
        60_000
      )

      it.effect(
        "refund: --amount 0 is refused (exit 2, nothing sent), --full or --amount is required, not both",
        () =>
          Effect.gen(function*() {
            const { simulator } = yield* Server
            const payment = (yield* refundable(simulator))[0]!
            const id = String(payment.id)
            yield* resetLog
            const [zero, neither, both] = yield* cliAll([
              ["payments", "refund", id, "--amount", "0", "--yes"],
              ["payments", "refund", id, "--yes"],
              ["payments", "refund", id, "--amount", "100", "--full", "--yes"]
            ])
            expect(yield* requests).toEqual([])
            for (const result of [zero, neither, both]) {
              expect(result.code, result.stderr).toBe(2)
              expectCleanError(result.stderr)
              expect(result.stderr).toContain("--full")
            }
            expect((yield* simulator.stats).refunds.byPayment.get(payment.id)).toBeUndefined()
          }),
        60_000
      )

      it.effect("refund states the amount and what remains; --full refunds what remains", () =>
        Effect.gen(function*() {
          const { simulator } = yield* Server
          const payment = (yield* refundable(simulator))[1]!
          const id = String(payment.id)
          const euros = (cents: number) =>
            `${(cents / 100).toLocaleString("fr-FR", { minimumFractionDigits: 2, maximumFractionDigits: 2 })} €`
          const part = yield* cli(["payments", "refund", id, "--amount", "300", "--yes"])
          expect(part.code, part.stderr).toBe(0)
          expect(part.stderr).toContain(`3,00 € of payment ${id}`)
          expect(part.stderr).toContain(`${euros(payment.amount!)} not refunded yet`)
          expect(part.stderr).toContain(`${euros(payment.amount! - 300)} will remain`)
          yield* resetLog
          const full = yield* cli(["payments", "refund", id, "--full", "--yes"])
          expect(full.code, full.stderr).toBe(0)
          expect(full.stderr).toContain(`all that remains, ${euros(payment.amount! - 300)}, of payment ${id}`)
          expect(full.stdout).toContain(`${euros(payment.amount! - 300)} of payment ${id}, Processed`)
          // the payment was read first, then refunded without an amount: HelloAsso's full refund
          const log = (yield* requests).filter((e) => e.endpoint === "get" || e.endpoint === "refund")
          expect(log.map((e) => e.endpoint)).toEqual(["get", "refund"])
          expect(log[1]!.query["amount"]).toBeUndefined()
          expect((yield* simulator.payment(payment.id))?.state).toBe("Refunded")
        }), 60_000)

      it.effect(
        "the refund prompt on a terminal states the amount and what remains; 'n' refunds nothing",
        () =>
          Effect.gen(function*() {
            // util-linux, on every Linux machine this project runs on (CI included)
            expect(Fs.existsSync("/usr/bin/script")).toBe(true)
            const server = yield* Server
            const payment = (yield* refundable(server.simulator))[2]!
            const env: Record<string, string> = { NO_COLOR: "1", ...envOf(server) }
            for (const [key, value] of Object.entries(process.env)) {
              if (value !== undefined && !key.startsWith("HELLOASSO_") && !(key in env)) env[key] = value
            }
            const command = [
              Path.join(root, "node_modules/.bin/tsx"),
              "--conditions=@helloasso-effect/source",
              Path.join(root, "packages/node/src/bin.ts"),
              "payments",
              "refund",
              String(payment.id),
              "--amount",
              "100"
            ].map((arg) => `'${arg}'`).join(" ")
            // util-linux script gives the CLI a terminal
            const child = spawn("script", ["-qec", command, "/dev/null"], { cwd: root, env, stdio: "pipe" })
            const output = yield* Effect.promise(() =>
              new Promise<string>((resolve) => {
                let out = ""
                let answered = false
                const timer = setTimeout(() => child.kill("SIGKILL"), 25_000)
                child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
                  out += chunk
                  if (!answered && out.includes("(y/N)")) {
                    answered = true
                    child.stdin.write("n")
                  }
                })
                child.on("close", () => {
                  clearTimeout(timer)
                  resolve(plain(out))
                })
              })
            )
            const remaining = `${(payment.amount! / 100).toFixed(2).replace(".", ",")} €`
            expect(output).toContain(`Refund 1,00 € of payment ${payment.id} (`)
            expect(output).toContain(`${remaining} not refunded yet`)
            expect(output).toContain("will remain")
            expect(output).toContain("nothing was refunded")
            expect((yield* server.simulator.stats).refunds.byPayment.get(payment.id)).toBeUndefined()
          }),
        40_000
      )

      it.effect(
        "every option of the payments commands and the demo has a description and its default; --state is optional",
        () =>
          Effect.gen(function*() {
            const commands = [
              ...["list", "search", "get", "refund", "export"].map((command) => ["payments", command]),
              ["cash-outs", "export"],
              ["demo"]
            ]
            const helps = yield* cliAll(commands.map((command) => [...command, "--help"]))
            const dates = "YYYY-MM-DD (midnight Europe/Paris) or an ISO date-time; without an offset, Europe/Paris"
            helps.forEach((help, i) => {
              const command = commands[i]!.join(" ")
              expect(help.code, command).toBe(0)
              const text = plain(help.stdout)
              const usage = text.split("\n").find((line) => line.trim().startsWith("$ "))!
              // a repeatable option is optional: in brackets like the others (when the usage lists the options)
              expect(usage, command).not.toMatch(/(^|[^[])--state/)
              expect(usage, command).not.toMatch(/(^|[^[])--form-type/)
              const blocks = optionBlocks(text)
              const own = [...blocks.keys()].filter((name) => !NOT_OWN.has(name))
              expect(own.length, command).toBeGreaterThan(1)
              for (const name of own) {
                const body = blocks.get(name)!
                const description = body.split("\n").filter((line) =>
                  line !== "" &&
                  !/^(One of|An integer|A user-defined|A true or false|This setting|This option)/
                    .test(line)
                )
                expect(description.length, `${command} ${name}: ${body}`).toBeGreaterThan(0)
                expect(description.join(" "), `${command} ${name}`).toMatch(/default/)
              }
              for (const name of ["--from", "--to"]) {
                if (blocks.has(name)) {
                  expect(blocks.get(name)!.replace(/\n/g, " "), `${command} ${name}`).toContain(dates)
                }
              }
            })
          }),
        60_000
      )
    }
  )
})
