/**
 * Whole processes, as a user meets them: each client is a fresh `node` process spawned against the same
 * `NodeSimulatorServer` (served from this process over loopback), its wall time taken from spawn to exit, its CPU
 * time (user + system) and peak RSS reported by the process itself at exit (`usage.mjs`). Clients run interleaved,
 * round after round, the order reversed every other round; figures are medians over the rounds, and each ratio is
 * the median of the rounds' ratios.
 *
 * - listing: 30,000 payments, pageSize 100: the raw floor (`rawFloor.mjs`), the Effect floor (`effectFloor.mjs`:
 *   the same loop on Effect and the platform's HttpClient), this library as built (`listLibrary.mjs`, prefetch 1)
 *   and with `{ concurrency: 8 }`.
 * - latency: the same listing with 20 ms of server latency per page: raw floor, Effect floor and library, each
 *   with its pages' timeline (`pageTimeline.mjs`): the client's own share of every page's round.
 * - cli start: `helloasso --version` (the bundled CLI, `pnpm build`) against `node -e 0`; and `helloasso payments
 *   list --help`, which loads every command.
 * - cli 3k: `helloasso payments list --format jsonl` of 3,000 payments against the raw floor printing the same lines.
 */
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import { NodeSimulatorServer } from "@helloasso-effect/node"
import { Effect, Exit, Redacted, Scope } from "effect"
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import * as Harness from "./harness.js"

const here = Path.dirname(fileURLToPath(import.meta.url))
const root = Path.join(here, "../..")
const usage = Path.join(here, "usage.mjs")
const rawFloor = Path.join(here, "rawFloor.mjs")
const effectFloor = Path.join(here, "effectFloor.mjs")
const listLibrary = Path.join(here, "listLibrary.mjs")
const pageTimeline = Path.join(here, "pageTimeline.mjs")
export const cliBundle = Path.join(root, "packages/node/dist/helloasso.js")

export interface Run {
  readonly wallMs: number
  /** The listing alone, as the process timed it (its start excluded), when it says. */
  readonly phaseMs?: number | undefined
  readonly cpuMs: number
  readonly rssMb: number
  readonly stdout: string
  /** Where each page's time went on the client's side (`pageTimeline.mjs`), when asked for. */
  readonly timeline?: Timeline | undefined
}

/** Medians over a listing's pages, in milliseconds (see `pageTimeline.mjs`). */
export interface Timeline {
  /** From a page's response headers to the end of its body. */
  readonly afterHeadersMs: number
  /** From the end of a page's body to the next request's headers being written. */
  readonly turnaroundMs: number
  /** From a request's headers being written to its answer's headers: the network and the server. */
  readonly serverMs: number
}

let runs = 0

/**
 * One `node` process: `args` after node's own, until it exits; fails unless it exits with 0. With `timeline`, its
 * pages' timeline is taken too.
 */
export const spawnNode = (
  args: ReadonlyArray<string>,
  env: Record<string, string> = {},
  timeline = false
): Promise<Run> => {
  const run = runs++
  const usageFile = Path.join(Os.tmpdir(), `helloasso-bench-${process.pid}-${run}.json`)
  const timelineFile = Path.join(Os.tmpdir(), `helloasso-bench-${process.pid}-${run}-timeline.json`)
  const preloads = timeline ? ["--import", usage, "--import", pageTimeline] : ["--import", usage]
  const { NODE_OPTIONS: _, ...inherited } = process.env
  return new Promise((resolve, reject) => {
    const start = Harness.now()
    const child = spawn(process.execPath, [...preloads, ...args], {
      env: {
        ...inherited,
        ...env,
        BENCH_USAGE_FILE: usageFile,
        ...(timeline ? { BENCH_TIMELINE_FILE: timelineFile } : {})
      },
      stdio: ["ignore", "pipe", "pipe"]
    })
    const out: Array<Buffer> = []
    const err: Array<Buffer> = []
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk))
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk))
    child.on("error", reject)
    child.on("close", (code) => {
      const wallMs = Harness.now() - start
      if (code !== 0) {
        return reject(new Error(`node ${args.join(" ")} exited with ${code}: ${Buffer.concat(err).toString()}`))
      }
      const { cpuMicros, maxRssKb } = JSON.parse(Fs.readFileSync(usageFile, "utf8")) as {
        cpuMicros: number
        maxRssKb: number
      }
      Fs.rmSync(usageFile, { force: true })
      const pages = timeline ? JSON.parse(Fs.readFileSync(timelineFile, "utf8")) as Timeline : undefined
      Fs.rmSync(timelineFile, { force: true })
      resolve({
        wallMs,
        cpuMs: cpuMicros / 1000,
        rssMb: maxRssKb / 1024,
        stdout: Buffer.concat(out).toString(),
        timeline: pages
      })
    })
  })
}

export interface Figures {
  readonly wallMs: number
  readonly phaseMs: number
  readonly cpuMs: number
  readonly rssMb: number
  /** Medians of the runs' timelines, when taken (`NaN` otherwise). */
  readonly afterHeadersMs: number
  readonly turnaroundMs: number
  readonly serverMs: number
}

export interface Compared {
  /** Medians over the rounds, per client. */
  readonly clients: Record<string, Figures>
  /** Per client but the baseline: the medians of the rounds' ratios to the baseline. */
  readonly ratios: Record<string, Figures>
}

/**
 * Every client once per round, the first named being the baseline; the order is reversed every other round so
 * that no client always runs on the warmer (or busier) machine.
 */
export const compare = async (
  rounds: number,
  clients: ReadonlyArray<Client>
): Promise<Compared> => {
  const results: Record<string, Array<Run>> = Object.fromEntries(clients.map(([name]) => [name, []]))
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? clients : [...clients].reverse()
    for (const [name, run] of order) results[name]!.push(await run())
  }
  const figures = (list: ReadonlyArray<Run>): Figures => ({
    wallMs: Harness.median(list.map((r) => r.wallMs)),
    phaseMs: Harness.median(list.map((r) => r.phaseMs ?? Number.NaN)),
    cpuMs: Harness.median(list.map((r) => r.cpuMs)),
    rssMb: Harness.median(list.map((r) => r.rssMb)),
    afterHeadersMs: Harness.median(list.map((r) => r.timeline?.afterHeadersMs ?? Number.NaN)),
    turnaroundMs: Harness.median(list.map((r) => r.timeline?.turnaroundMs ?? Number.NaN)),
    serverMs: Harness.median(list.map((r) => r.timeline?.serverMs ?? Number.NaN))
  })
  const [baseline] = clients[0]!
  const base = results[baseline]!
  return {
    clients: Object.fromEntries(Object.entries(results).map(([name, list]) => [name, figures(list)])),
    ratios: Object.fromEntries(
      Object.entries(results).filter(([name]) => name !== baseline).map(([name, list]) => [
        name,
        figures(list.map((r, i) => ({
          wallMs: r.wallMs / base[i]!.wallMs,
          phaseMs: (r.phaseMs ?? Number.NaN) / (base[i]!.phaseMs ?? Number.NaN),
          cpuMs: r.cpuMs / base[i]!.cpuMs,
          rssMb: r.rssMb / base[i]!.rssMb,
          stdout: ""
        })))
      ])
    )
  }
}

/** A simulator served over loopback for the duration of `f`. */
const withServer = async <A>(
  options: NodeSimulatorServer.Options,
  f: (server: NodeSimulatorServer.Service) => Promise<A>
): Promise<A> => {
  const scope = Effect.runSync(Scope.make())
  try {
    const server = await Effect.runPromise(Scope.extend(NodeSimulatorServer.make(options), scope))
    return await f(server)
  } finally {
    await Effect.runPromise(Scope.close(scope, Exit.void))
  }
}

const connection = (server: NodeSimulatorServer.Service) => [
  server.apiUrl,
  server.tokenUrl,
  server.simulator.credentials.clientId,
  Redacted.value(server.simulator.credentials.clientSecret),
  server.simulator.organization.slug
]

/** A client that prints the number of payments it listed: checked against what the simulator holds. */
const counting = (expected: number, run: () => Promise<Run>) => async () => {
  const result = await run()
  const [count, phaseMs] = result.stdout.trim().split(" ").map(Number)
  if (count !== expected) throw new Error(`expected ${expected} payments, got ${result.stdout.trim()}`)
  return { ...result, phaseMs }
}

type Client = readonly [name: string, run: () => Promise<Run>]

/** With `timeline`, each client's pages' timeline is taken (the same few subscribers in every client). */
const listingClients = (
  server: NodeSimulatorServer.Service,
  payments: number,
  options: { readonly concurrency8: boolean; readonly timeline: boolean }
): ReadonlyArray<Client> => {
  const args = [...connection(server), "100"]
  const node = (script: string, ...rest: ReadonlyArray<string>) => () =>
    spawnNode([script, ...args, ...rest], {}, options.timeline)
  const clients: Array<Client> = [
    ["raw", counting(payments, node(rawFloor))],
    ["effect", counting(payments, node(effectFloor))],
    ["library", counting(payments, node(listLibrary, "1"))]
  ]
  if (options.concurrency8) clients.push(["concurrency8", counting(payments, node(listLibrary, "8"))])
  return clients
}

// a short request log: the server's memory is not what is measured
const serverOptions = (payments: number, seed: number): NodeSimulatorServer.Options => ({
  payments,
  seed,
  logCapacity: 10
})

export const listing = (payments = 30_000, rounds = 5) =>
  withServer(
    serverOptions(payments, 16),
    (server) => compare(rounds, listingClients(server, payments, { concurrency8: true, timeline: false }))
  )

export const latencyListing = (payments = 30_000, rounds = 3, millis = 20) =>
  withServer(
    {
      ...serverOptions(payments, 16),
      faults: [{ endpoint: "listByOrganization", fault: HelloAssoSimulator.fault.latency(millis) }]
    },
    (server) => compare(rounds, listingClients(server, payments, { concurrency8: false, timeline: true }))
  )

const requireBundle = () => {
  if (!Fs.existsSync(cliBundle)) throw new Error(`${cliBundle} is missing: run pnpm build first`)
}

export const cliStart = (rounds = 10) => {
  requireBundle()
  return compare(rounds, [
    ["node", () => spawnNode(["-e", "0"])],
    ["helloasso", () => spawnNode([cliBundle, "--version"])],
    // the payments commands loaded: what a payments command pays before its first request
    ["help", () => spawnNode([cliBundle, "payments", "list", "--help"])]
  ])
}

export const cli3k = (payments = 3_000, rounds = 7) => {
  requireBundle()
  return withServer(serverOptions(payments, 17), (server) => {
    const [apiUrl, tokenUrl, clientId, clientSecret, organization] = connection(server)
    const lines = (run: () => Promise<Run>) => async () => {
      const result = await run()
      const count = result.stdout.split("\n").filter((line) => line.startsWith("{")).length
      if (count !== payments) throw new Error(`expected ${payments} lines, got ${count}`)
      return result
    }
    const env = {
      HELLOASSO_API_URL: apiUrl!,
      HELLOASSO_TOKEN_URL: tokenUrl!,
      HELLOASSO_CLIENT_ID: clientId!,
      HELLOASSO_CLIENT_SECRET: clientSecret!,
      HELLOASSO_ORGANIZATION: organization!
    }
    return compare(rounds, [
      [
        "raw",
        lines(() => spawnNode([rawFloor, apiUrl!, tokenUrl!, clientId!, clientSecret!, organization!, "100", "jsonl"]))
      ],
      ["helloasso", lines(() => spawnNode([cliBundle, "payments", "list", "--format", "jsonl"], env))]
    ])
  })
}
