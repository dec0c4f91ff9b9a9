/**
 * `pnpm build`'s second step: the `helloasso` executable as one ES module with everything it imports (Effect,
 * @effect/cli, undici, this repository's packages) bundled and tree-shaken, so that starting the CLI reads and
 * compiles one file instead of resolving several hundred modules.
 */
import * as esbuild from "esbuild"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const here = Path.dirname(fileURLToPath(import.meta.url))
const pkg = Path.join(here, "..")

await esbuild.build({
  entryPoints: [Path.join(pkg, "src/bin.ts")],
  outfile: Path.join(pkg, "dist/helloasso.js"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // the workspace's TypeScript sources, as the tests and `pnpm helloasso` run them
  conditions: ["@helloasso-effect/source"],
  // the CommonJS packages inside (undici, csv-stringify) call require for Node's own modules
  banner: {
    js: [
      "#!/usr/bin/env node",
      "import { createRequire as __helloassoCreateRequire } from \"node:module\"",
      "const require = __helloassoCreateRequire(import.meta.url)"
    ].join("\n")
  },
  logLevel: "warning"
})
