/**
 * The `helloasso` executable.
 *
 * @since 0.1.0
 */
import { run } from "./internal/cli/main.js"

run(process.argv).then((code) => {
  process.exitCode = code
})
