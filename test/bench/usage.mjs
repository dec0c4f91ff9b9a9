/**
 * Preloaded (`node --import`) into each process the whole-process benchmarks spawn: at exit, the process's own
 * CPU time (user + system) and peak resident set size go to the file named by BENCH_USAGE_FILE.
 */
import { writeFileSync } from "node:fs"
import process from "node:process"

const file = process.env.BENCH_USAGE_FILE
if (file !== undefined) {
  process.on("exit", () => {
    const usage = process.resourceUsage()
    // microseconds and kilobytes
    writeFileSync(file, JSON.stringify({ cpuMicros: usage.userCPUTime + usage.systemCPUTime, maxRssKb: usage.maxRSS }))
  })
}
