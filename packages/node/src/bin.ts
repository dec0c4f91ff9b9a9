/**
 * The `helloasso` executable.
 *
 * @since 0.1.0
 */
import * as Module from "node:module"
import { VERSION } from "./internal/cli/version.js"

// a reader of stdout that went away (`helloasso simulator serve | head -1`) is no crash: the listings stop on their
// own, the simulator keeps serving
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") return
  process.stderr.write(`helloasso: cannot write to stdout: ${error.message}\n`)
  process.exitCode = 1
})

// `--version` alone prints what @effect/cli would (the version, then an empty line) without loading the commands
// and all they import; anything else loads them
if (process.argv.length === 3 && process.argv[2] === "--version") {
  process.stdout.write(`${VERSION}\n\n`)
} else {
  // Node 22.1+ keeps the compiled code of the modules loaded below in a cache on disk, reused by the next runs;
  // Node 20 has no such cache (the call is skipped)
  const { enableCompileCache } = Module as { readonly enableCompileCache?: () => unknown }
  enableCompileCache?.()
  import("./internal/cli/main.js").then(({ run }) => run(process.argv)).then((code) => {
    process.exitCode = code
  })
}
