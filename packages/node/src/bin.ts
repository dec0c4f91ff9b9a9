/**
 * The `helloasso` executable.
 *
 * @since 0.1.0
 */
import { run } from "./internal/cli/main.js"

// a reader of stdout that went away (`helloasso simulator serve | head -1`) is no crash: the listings stop on their
// own, the simulator keeps serving
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") return
  process.stderr.write(`helloasso: cannot write to stdout: ${error.message}\n`)
  process.exitCode = 1
})

run(process.argv).then((code) => {
  process.exitCode = code
})
