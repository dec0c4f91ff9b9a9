/**
 * The CLI as a new user meets it: the help (plain text when piped, one line per command, full command lines), the
 * error lines (each names what to change), and `simulator serve` (the JSON line first, faults and MFA from flags).
 */
import { describe, expect, it, layer } from "@effect/vitest"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import { NodeSimulatorServer } from "@helloasso-effect/node"
import { Effect, Redacted } from "effect"
import * as Fs from "node:fs"
import * as Net from "node:net"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import * as Cli from "./support/cli.js"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")

const LEAVES = [
  ["payments", "list"],
  ["payments", "search"],
  ["payments", "get"],
  ["payments", "refund"],
  ["payments", "export"],
  ["cash-outs", "export"],
  ["notifications", "listen"],
  ["simulator", "serve"],
  ["demo"]
] as const

/** Colors are allowed by the environment (NO_COLOR unset): only the pipe may turn them off. */
const COLORS_ALLOWED = { NO_COLOR: "" }

const ESCAPE = "\u001b"

/** The house width: no line of help is wider. */
const WIDTH = 120

const lines = (text: string) => text.split("\n").filter((line) => line !== "")

const envOf = (server: NodeSimulatorServer.Service) => ({
  HELLOASSO_API_URL: server.apiUrl,
  HELLOASSO_CLIENT_ID: server.simulator.credentials.clientId,
  HELLOASSO_CLIENT_SECRET: Redacted.value(server.simulator.credentials.clientSecret),
  HELLOASSO_ORGANIZATION: server.simulator.organization.slug
})

/** One line on stderr, starting with `helloasso:`, and exit 2: nothing was run. */
const expectBadInput = (result: Cli.CliResult) => {
  expect(result.code).toBe(2)
  expect(lines(result.stderr)).toHaveLength(1)
  expect(result.stderr).toMatch(/^helloasso: /)
  expect(result.stdout).toBe("")
}

describe("help", () => {
  it.effect("is plain text when piped, even with NO_COLOR unset; never padded; one line per command", () =>
    Effect.gen(function*() {
      const [top, group] = yield* Effect.all([
        Cli.run(["--help"], COLORS_ALLOWED),
        Cli.run(["payments", "--help"], COLORS_ALLOWED)
      ], { concurrency: "unbounded" })
      for (const result of [top, group]) {
        expect(result.code).toBe(0)
        expect(result.stdout).not.toContain(ESCAPE)
        for (const line of result.stdout.split("\n")) {
          expect(line.length).toBeLessThanOrEqual(WIDTH)
          expect(line).toBe(line.trimEnd())
        }
      }
      // every command on one line: its full name, then its description
      for (const leaf of LEAVES) {
        const name = leaf.join(" ")
        const line = lines(top.stdout).filter((line) => new RegExp(`^\\s+${name}\\s{2,}\\S`).test(line))
        expect(line, name).toHaveLength(1)
      }
      expect(top.stdout).toContain("$ helloasso <command>")
      expect(group.stdout).toMatch(/^\s+payments refund\s{2,}\S/m)
      expect(group.stdout).not.toMatch(/^\s+simulator serve/m)
    }))

  it.effect("of a command: USAGE gives the full command, every option has a description", () =>
    Effect.gen(function*() {
      const results = yield* Effect.forEach(LEAVES, (leaf) => Cli.run([...leaf, "--help"], COLORS_ALLOWED), {
        concurrency: "unbounded"
      })
      LEAVES.forEach((leaf, i) => {
        const result = results[i]!
        const name = leaf.join(" ")
        expect(result.code, name).toBe(0)
        expect(result.stdout, name).not.toContain(ESCAPE)
        expect(result.stdout, name).toContain(`$ helloasso ${name}`)
        expect(result.stdout, name).not.toMatch(new RegExp(`\\$ ${leaf[leaf.length - 1]}\\b`))
        const text = result.stdout.split("\n")
        text.forEach((line, n) => {
          expect(line.length, `${name}: ${line}`).toBeLessThanOrEqual(WIDTH)
          expect(line, name).toBe(line.trimEnd())
          // an option's heading is followed by its description, indented under it
          if (/^ {2}-/.test(line)) expect(text[n + 1] ?? "", `${name}: ${line}`).toMatch(/^ {6}\S/)
        })
      })
      expect(results[2]!.stdout).toContain("$ helloasso payments get [options] <id>")
      // a repeatable option is not shown as required
      expect(results[0]!.stdout).not.toMatch(/\$ helloasso payments list .*--state/)
    }), 60_000)
})

describe("error lines", () => {
  layer(NodeSimulatorServer.layer({ payments: 50, seed: 3 }), { timeout: "60 seconds", excludeTestServices: true })(
    (it) => {
      it.effect("start with helloasso: and name what to change", () =>
        Effect.gen(function*() {
          const server = yield* NodeSimulatorServer.NodeSimulatorServer
          const env = envOf(server)
          const { HELLOASSO_ORGANIZATION: _, ...withoutOrganization } = env
          const [notInteger, noOrganization, wrongLevel, environment, limit, pageSize, fault] = yield* Effect
            .all([
              Cli.run(["payments", "get", "abc"], env),
              Cli.run(["payments", "list"], withoutOrganization),
              Cli.run(["payments", "lst"], env),
              Cli.run(["payments", "get", "1"], { ...env, HELLOASSO_ENVIRONMENT: "staging" }),
              Cli.run(["payments", "list", "--limit", "-1"], env),
              Cli.run(["payments", "list", "--page-size", "500"], env),
              Cli.run(["simulator", "serve", "--fault", "get:teapot"])
            ], { concurrency: "unbounded" })

          expectBadInput(notInteger)
          expect(notInteger.stderr).toContain("<id>")
          expect(notInteger.stderr).toContain("'abc'")
          expect(notInteger.stderr).toContain("whole number")
          expect(notInteger.stderr).not.toContain("a integer")

          expectBadInput(noOrganization)
          expect(noOrganization.stderr).toContain("HELLOASSO_ORGANIZATION")
          expect(noOrganization.stderr).toContain("--org")

          expectBadInput(wrongLevel)
          expect(wrongLevel.stderr).toContain("'payments lst'")
          expect(wrongLevel.stderr).toMatch(/payments commands are list, search, get, refund, export/)
          expect(wrongLevel.stderr).not.toContain("simulator")

          expectBadInput(environment)
          expect(environment.stderr).toContain("HELLOASSO_ENVIRONMENT=staging")
          expect(environment.stderr).toMatch(/production or sandbox/)
          expect(environment.stderr).toContain("--environment")

          // refused before any request: no empty listing, no exit 0
          expectBadInput(limit)
          expect(limit.stderr).toMatch(/^helloasso: payments list: --limit /)

          // the command once, the flag to change, no library operation name
          expectBadInput(pageSize)
          expect(pageSize.stderr).toMatch(/^helloasso: payments list: --page-size /)
          expect(pageSize.stderr).not.toMatch(/Payments\.|pageSize/)
          expect(pageSize.stderr.match(/payments list/g)).toHaveLength(1)

          expectBadInput(fault)
          expect(fault.stderr).toMatch(/--fault 'get:teapot'.*no fault/)
        }))
    }
  )

  it.effect("a busy port for simulator serve says the port is in use", () =>
    Effect.gen(function*() {
      const busy = Net.createServer()
      yield* Effect.acquireRelease(
        Effect.async<void>((resume) => {
          busy.listen(0, "127.0.0.1", () => resume(Effect.void))
        }),
        () => Effect.async<void>((resume) => void busy.close(() => resume(Effect.void)))
      )
      const port = (busy.address() as Net.AddressInfo).port
      const result = yield* Cli.run(["simulator", "serve", "--port", String(port)])
      expectBadInput(result)
      expect(result.stderr).toContain(`--port ${port} is in use`)
    }).pipe(Effect.scoped))
})

describe("simulator serve", () => {
  it("is documented with pnpm -s, so that its first line is the JSON", () => {
    const readme = Fs.readFileSync(Path.join(root, "README.md"), "utf8")
    const start = readme.indexOf("## The `helloasso` CLI")
    const cli = readme.slice(start, readme.indexOf("\n## ", start + 1))
    expect(cli).toContain("pnpm -s helloasso simulator serve")
    // pnpm's own banner would come first on stdout
    expect(cli).not.toMatch(/pnpm helloasso/)
  })

  it.effect(
    "gives what a client needs first, and serves the faults and the MFA of its flags",
    () =>
      Effect.gen(function*() {
        const child = Cli.start([
          "simulator",
          "serve",
          "--payments",
          "20",
          "--fault",
          "get:404:1",
          "--latency",
          "5",
          "--mfa",
          "access",
          "--mfa-token",
          "mfa-123"
        ])
        yield* Effect.addFinalizer(() => Effect.sync(() => child.kill("SIGTERM")))
        const first = yield* Cli.firstLine(child)
        const info = JSON.parse(first)
        expect(Object.keys(info)).toEqual(
          expect.arrayContaining(["apiUrl", "tokenUrl", "clientId", "clientSecret", "organization", "mfa"])
        )
        expect(info.mfa).toEqual({
          code: "AuthorizationErrors.MFA.AccessTokenRequired",
          header: "x-mfa-access-authorization",
          token: "mfa-123"
        })
        const env = {
          HELLOASSO_API_URL: info.apiUrl,
          HELLOASSO_TOKEN_URL: info.tokenUrl,
          HELLOASSO_CLIENT_ID: info.clientId,
          HELLOASSO_CLIENT_SECRET: info.clientSecret,
          HELLOASSO_ORGANIZATION: info.organization
        }
        // the same generated association as the server's (same seed and size)
        const authorized = yield* HelloAssoSimulator.make({ payments: 20 }).pipe(
          Effect.flatMap((simulator) => simulator.listPayments({ states: ["Authorized"] }))
        )
        const id = String(authorized[0]!.id)
        // the fault on the first get only
        const missing = yield* Cli.run(["payments", "get", id], env)
        expect(missing.code).toBe(4)
        const [found, refused, refunded] = yield* Effect.all([
          Cli.run(["payments", "get", id], env),
          Cli.run(["payments", "refund", id, "--amount", "100", "--yes"], env),
          Cli.run(["payments", "refund", id, "--amount", "100", "--yes", "--mfa-access-token", "mfa-123"], env)
        ], { concurrency: "unbounded" })
        expect(found.code).toBe(0)
        expect(refused.code).toBe(5)
        expect(refused.stderr).toContain("AuthorizationErrors.MFA.AccessTokenRequired")
        expect(refunded.code).toBe(0)
      }).pipe(Effect.scoped),
    60_000
  )
})
