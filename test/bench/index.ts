/**
 * `pnpm bench`: every benchmark, a table, and one JSON line `{"bench": {...}}` to compare across commits.
 * Figures are ratios against a baseline taken in the same run (except memory and grants). The whole-process
 * figures (listing, latency, cli) run what `pnpm build` made (`pnpm bench` builds first). `pnpm bench listing cli` runs the
 * benchmarks whose names start with those words; the listing writes docs/bench.svg.
 */
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import * as Chart from "./chart.js"
import { decodeFloor } from "./decodeFloor.js"
import { prefetch, tokenGrants, windows } from "./latency.js"
import { loopbackVsRaw } from "./loopbackVsRaw.js"
import { memory } from "./memory.js"
import * as Processes from "./processes.js"
import { planning } from "./windows.js"

const chartFile = Path.join(Path.dirname(fileURLToPath(import.meta.url)), "../../docs/bench.svg")

const rows: Array<[name: string, value: number, target: string, detail: string]> = []
const figures: Record<string, number | boolean> = {}

const record = (name: string, value: number, target: string, detail: string) => {
  rows.push([name, value, target, detail])
  figures[name] = Math.round(value * 1000) / 1000
  process.stderr.write(`${name}: ${value.toFixed(3)} (${detail})\n`)
}

const only = process.argv.slice(2)
const wanted = (name: string) => only.length === 0 || only.some((o) => name.startsWith(o))

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`
const client = (f: Processes.Figures) => `${seconds(f.wallMs)} wall, ${seconds(f.cpuMs)} CPU, ${f.rssMb.toFixed(0)} MB`

if (wanted("listing")) {
  const r = await Processes.listing()
  const raw = r.clients["raw"]!
  const library = r.clients["library"]!
  const c8 = r.clients["concurrency8"]!
  const effect = r.clients["effect"]!
  const vs = `30,000 payments, whole processes; raw floor ${client(raw)}`
  record("listing_wall_vs_raw", r.ratios["library"]!.wallMs, "<= 1.25", `library ${client(library)}; ${vs}`)
  record("listing_cpu_vs_raw", r.ratios["library"]!.cpuMs, "<= 1.6", "CPU time (user + system), the same runs")
  record("listing_rss_vs_raw", r.ratios["library"]!.rssMb, "<= 1.5", "peak RSS, the same runs")
  // what Effect and the platform's HttpClient cost before this library adds anything, and what it adds
  record("effect_floor_wall_vs_raw", r.ratios["effect"]!.wallMs, "-", `Effect floor ${client(effect)}`)
  record("effect_floor_cpu_vs_raw", r.ratios["effect"]!.cpuMs, "-", "CPU time, the same runs")
  record("effect_floor_rss_vs_raw", r.ratios["effect"]!.rssMb, "-", "peak RSS, the same runs")
  record(
    "listing_wall_vs_effect_floor",
    r.ratios["library"]!.wallMs / r.ratios["effect"]!.wallMs,
    "-",
    "library against the Effect floor: the two medians of ratios to raw, divided"
  )
  record("listing_cpu_vs_effect_floor", r.ratios["library"]!.cpuMs / r.ratios["effect"]!.cpuMs, "-", "CPU time")
  record("listing_rss_vs_effect_floor", r.ratios["library"]!.rssMb / r.ratios["effect"]!.rssMb, "-", "peak RSS")
  record("listing_c8_wall_vs_raw", r.ratios["concurrency8"]!.wallMs, "-", `{ concurrency: 8 } ${client(c8)}`)
  record("listing_c8_cpu_vs_raw", r.ratios["concurrency8"]!.cpuMs, "-", "CPU time, the same runs")
  record("listing_c8_rss_vs_raw", r.ratios["concurrency8"]!.rssMb, "-", "peak RSS, the same runs")
  const load = Os.loadavg()[0]!.toFixed(1)
  const note = `medians of 5 interleaved rounds, whole processes; load average ${load} (${Os.cpus().length} cores)`
  Chart.write(chartFile, "Listing 30,000 payments over loopback, pageSize 100 (pnpm bench)", note, [
    { label: "raw floor (undici + JSON.parse)", ...raw },
    { label: "Effect floor (HttpClient + JSON.parse)", ...effect },
    { label: "library, streamByOrganization", ...library },
    { label: "library, { concurrency: 8 }", ...c8 }
  ])
  process.stderr.write(`chart: ${chartFile}\n`)
}
if (wanted("latency")) {
  const r = await Processes.latencyListing()
  const raw = r.clients["raw"]!
  const library = r.clients["library"]!
  record(
    "latency_listing_vs_raw",
    r.ratios["library"]!.phaseMs,
    "<= 1.05",
    `20 ms a page: listing ${seconds(library.phaseMs)} vs raw ${seconds(raw.phaseMs)}, each process's start excluded`
  )
  record(
    "effect_floor_latency_vs_raw",
    r.ratios["effect"]!.phaseMs,
    "-",
    `the Effect floor, the same: listing ${seconds(r.clients["effect"]!.phaseMs)}`
  )
  // the client's own share of each page's round, which prefetch cannot hide: what it does between the answer's
  // headers and the next request on the wire (the body's end included, as the client reads it)
  const share = (f: Processes.Figures) => f.afterHeadersMs + f.turnaroundMs
  const shares = (f: Processes.Figures) =>
    `${share(f).toFixed(2)} ms (${f.afterHeadersMs.toFixed(2)} headers to body's end, ${
      f.turnaroundMs.toFixed(2)
    } body's end to the next request written; the server ${f.serverMs.toFixed(2)})`
  record(
    "latency_client_share_ms",
    share(library),
    "-",
    `a page's headers to the next request written, medians: library ${shares(library)}; raw ${shares(raw)}; ` +
      `Effect floor ${shares(r.clients["effect"]!)}`
  )
  record(
    "latency_process_vs_raw",
    r.ratios["library"]!.wallMs,
    "-",
    `the same, whole processes: ${seconds(library.wallMs)} vs ${seconds(raw.wallMs)}`
  )
}
if (wanted("cli_start")) {
  const r = await Processes.cliStart()
  record(
    "cli_start_vs_node",
    r.ratios["helloasso"]!.wallMs,
    "<= 4",
    `helloasso --version ${r.clients["helloasso"]!.wallMs.toFixed(0)} ms vs node -e 0 ${
      r.clients["node"]!.wallMs.toFixed(0)
    } ms, ${r.clients["helloasso"]!.rssMb.toFixed(0)} MB`
  )
  record(
    "cli_help_vs_node",
    r.ratios["help"]!.wallMs,
    "-",
    `helloasso payments list --help (the payments commands loaded) ${r.clients["help"]!.wallMs.toFixed(0)} ms, ${
      r.clients["help"]!.rssMb.toFixed(0)
    } MB`
  )
}
if (wanted("cli_3k")) {
  const r = await Processes.cli3k()
  record(
    "cli_3k_vs_raw",
    r.ratios["helloasso"]!.wallMs,
    "<= 1.6",
    `payments list --format jsonl, 3,000 payments: ${client(r.clients["helloasso"]!)} vs raw ${
      client(r.clients["raw"]!)
    }`
  )
}
if (wanted("decode")) {
  const r = await decodeFloor()
  record(
    "decode_floor",
    r.ratio,
    "-",
    `${r.subjectMs.toFixed(3)} ms to read a page (${r.bytes} bytes) as text and JSON.parse it, no client, vs ${
      r.baselineMs.toFixed(3)
    } ms JSON.parse`
  )
}
if (wanted("loopback")) {
  const r = await loopbackVsRaw()
  record(
    "loopback_vs_raw",
    r.ratio,
    "<= 1.3",
    `${r.subjectMs.toFixed(0)} ms vs raw ${r.baselineMs.toFixed(0)} ms, 100,000 payments`
  )
}
if (wanted("memory")) {
  const r = await memory()
  record(
    "memory_mb_1m",
    r.memoryMb1m,
    "< 64",
    "peak growth of live memory (heap without compiled code, plus array buffers), 1,000,000 payments"
  )
  record(
    "memory_growth_ratio",
    r.growthRatio,
    "< 1.5",
    `${r.memoryMb1m.toFixed(2)} MB / ${r.memoryMb100k.toFixed(2)} MB (100,000), both after a warm-up listing, ` +
      "sampled as often"
  )
}
if (wanted("prefetch")) {
  const r = await prefetch()
  record(
    "prefetch_ratio",
    r.ratio,
    "<= 0.6",
    `${r.subjectMs.toFixed(0)} ms vs ${r.baselineMs.toFixed(0)} ms without, 20 pages`
  )
}
if (wanted("windows")) {
  const r = await windows()
  record(
    "windows_ratio",
    r.ratio,
    "<= 0.25",
    `${r.subjectMs.toFixed(0)} ms vs ${r.baselineMs.toFixed(0)} ms sequential`
  )
  figures["windows_same_payments"] = r.samePayments
  if (!r.samePayments) process.exitCode = 1
}
if (wanted("windows_extra") || wanted("rate_limit")) {
  for (const r of await planning()) {
    record(r.name, r.value, r.target, r.detail)
    if (!r.ok) process.exitCode = 1
  }
}
if (wanted("token")) {
  const grants = await tokenGrants()
  record("token_grants_1000", grants.clientCredentials + grants.refreshToken, "1", "1,000 concurrent get, cold client")
}

const table = [
  ["benchmark", "value", "target", "measured"],
  ...rows.map(([name, value, target, detail]) => [name, value.toFixed(3), target, detail])
]
const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)))
for (const row of table) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd())
console.log(JSON.stringify({ bench: figures }))
