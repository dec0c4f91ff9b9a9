/**
 * `pnpm bench`: every benchmark, a table, and one JSON line `{"bench": {...}}` to compare across commits.
 * Figures are ratios against a baseline taken in the same run (except memory and grants).
 */
import { decodeOverhead } from "./decodeOverhead.js"
import { prefetch, tokenGrants, windows } from "./latency.js"
import { loopbackVsRaw } from "./loopbackVsRaw.js"
import { memory } from "./memory.js"
import { planning } from "./windows.js"

const rows: Array<[name: string, value: number, target: string, detail: string]> = []
const figures: Record<string, number | boolean> = {}

const record = (name: string, value: number, target: string, detail: string) => {
  rows.push([name, value, target, detail])
  figures[name] = Math.round(value * 1000) / 1000
  process.stderr.write(`${name}: ${value.toFixed(3)} (${detail})\n`)
}

const only = process.argv.slice(2)
const wanted = (name: string) => only.length === 0 || only.some((o) => name.startsWith(o))

if (wanted("decode")) {
  const r = await decodeOverhead()
  record(
    "decode_overhead",
    r.perPage.ratio,
    "<= 2.0",
    `${r.perPage.subjectMs.toFixed(3)} ms a page of a 50-page listing vs JSON.parse ${
      r.perPage.baselineMs.toFixed(3)
    } ms, ${r.bytes} bytes`
  )
  record(
    "decode_overhead_single_page",
    r.singlePage.ratio,
    "-",
    `${r.singlePage.subjectMs.toFixed(3)} ms for a stream of one page, started afresh`
  )
  record(
    "decode_floor",
    r.textAndParse.ratio,
    "-",
    `${r.textAndParse.subjectMs.toFixed(3)} ms to read the same body as text and JSON.parse it, no client`
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
  record("memory_mb_1m", r.memoryMb1m, "< 64", `peak heap growth, 1,000,000 payments`)
  record(
    "memory_growth_ratio",
    r.growthRatio,
    "< 1.5",
    `${r.memoryMb1m.toFixed(1)} MB / ${r.memoryMb100k.toFixed(1)} MB (100,000)`
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
