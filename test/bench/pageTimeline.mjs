/**
 * Preloaded (`node --import`) into the latency benchmark's processes: where each page's time goes on the client's
 * side, from undici's diagnostics channels (every client measured is built on undici). For each request for
 * payments, the times its headers were written, its answer's headers arrived and its body ended; at exit, the
 * medians go to the file named by BENCH_TIMELINE_FILE, in milliseconds:
 *
 * - `afterHeadersMs`: from a page's response headers to the end of its body;
 * - `turnaroundMs`: from the end of a page's body to the next request's headers being written;
 * - `serverMs`: from a request's headers being written to its answer's headers: the network and the server.
 *
 * The first two are the client's share of every page's round, the third the rest.
 */
import { subscribe } from "node:diagnostics_channel"
import { writeFileSync } from "node:fs"
import { performance } from "node:perf_hooks"
import process from "node:process"

const file = process.env.BENCH_TIMELINE_FILE
if (file !== undefined) {
  /** Per request for payments, in the order they were created. */
  const requests = []
  const timesOf = new WeakMap()
  const isListing = (request) => request.method === "GET" && request.path.includes("/payments")
  const at = (name) => ({ request }) => {
    const times = timesOf.get(request)
    if (times !== undefined) times[name] = performance.now()
  }
  subscribe("undici:request:create", ({ request }) => {
    if (!isListing(request)) return
    const times = {}
    timesOf.set(request, times)
    requests.push(times)
  })
  subscribe("undici:client:sendHeaders", at("sent"))
  subscribe("undici:request:headers", at("headers"))
  subscribe("undici:request:trailers", at("end"))

  // a plain script, preloaded without the TypeScript loader: the harness's median is not importable here
  const median = (values) => {
    const sorted = values.filter(Number.isFinite).sort((a, b) => a - b)
    return sorted.length === 0 ? Number.NaN : sorted[sorted.length >> 1]
  }
  process.on("exit", () => {
    // the requests that were sent and answered in full, in the order they were sent
    const answered = requests.filter((t) => t.sent !== undefined && t.end !== undefined).sort((a, b) => a.sent - b.sent)
    const afterHeaders = answered.map((t) => t.end - t.headers)
    const turnaround = answered.slice(1).map((t, i) => t.sent - answered[i].end)
    const server = answered.map((t) => t.headers - t.sent)
    writeFileSync(
      file,
      JSON.stringify({
        afterHeadersMs: median(afterHeaders),
        turnaroundMs: median(turnaround),
        serverMs: median(server),
        pages: answered.length
      })
    )
  })
}
