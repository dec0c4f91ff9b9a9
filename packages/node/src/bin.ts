/**
 * The `helloasso` executable.
 *
 * @since 0.1.0
 */
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
  // Node's on-disk compile cache (22.1+) is left off: by default it lives under the shared temporary directory, and
  // V8 runs cached bytecode whose payload it does not verify, so another local user could plant code run with the
  // HelloAsso credentials in this process
  import("./internal/cli/main.js").then(({ run }) => run(process.argv)).then((code) => {
    process.exitCode = code
  })
}
