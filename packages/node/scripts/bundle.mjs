/**
 * `pnpm build`'s second step: the `helloasso` executable as ES modules with everything they import (Effect,
 * @effect/cli, undici, this repository's packages) bundled and tree-shaken, minified, and split where the CLI loads
 * code on demand: `dist/helloasso.js` is the entry (it loads nothing more for `--version`), its chunks are in
 * `dist/bundle/`, and each group of commands (`payments`, `simulator`...) is a chunk loaded only when the command
 * line names it. Starting the CLI reads and compiles a few files instead of resolving several hundred modules.
 *
 * `node scripts/bundle.mjs --analyze` also prints what the chunks hold (esbuild's analysis of its metafile).
 */
import * as esbuild from "esbuild"
import * as Fs from "node:fs"
import * as Path from "node:path"
import process from "node:process"
import { fileURLToPath } from "node:url"

const here = Path.dirname(fileURLToPath(import.meta.url))
const pkg = Path.join(here, "..")
const dist = Path.join(pkg, "dist")
const chunks = Path.join(dist, "bundle")

/**
 * What @effect/platform-node's undici client takes from undici: `Agent`, the global dispatcher, and the request
 * API that undici's index puts on `Dispatcher.prototype`. undici's index also loads fetch, WebSocket, EventSource,
 * the cache and cookie APIs and the mock agents, and reading `globalThis.Headers` on the way makes Node load its
 * own copy of undici: all that for code the CLI never calls.
 */
const UNDICI_SUBSET = ["Agent", "Dispatcher", "getGlobalDispatcher", "setGlobalDispatcher"]

const undiciSubsetSource = `"use strict"
const Dispatcher = require("./lib/dispatcher/dispatcher.js")
Object.assign(Dispatcher.prototype, require("./lib/api/index.js"))
const { getGlobalDispatcher, setGlobalDispatcher } = require("./lib/global.js")
module.exports = { Agent: require("./lib/dispatcher/agent.js"), Dispatcher, getGlobalDispatcher, setGlobalDispatcher }
`

/** `undici` as the subset above, read from the undici that would have been bundled. */
const undiciSubset = {
  name: "undici-subset",
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, async (args) => {
      if (args.pluginData === "undici-subset") return undefined
      const real = await build.resolve("undici", {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: "undici-subset"
      })
      if (real.errors.length > 0) return { errors: real.errors }
      return { path: Path.dirname(real.path), namespace: "undici-subset" }
    })
    build.onLoad({ filter: /.*/, namespace: "undici-subset" }, (args) => ({
      contents: undiciSubsetSource,
      loader: "js",
      resolveDir: args.path
    }))
  }
}

/**
 * Fails the build when the bundled code takes from undici more than the subset: a module importing `undici` other
 * than @effect/platform-node's `Undici`, or a module using a name of `Undici` out of the subset.
 */
const checkUndiciSubset = (metafile) => {
  const problems = []
  for (const [file, input] of Object.entries(metafile.inputs)) {
    for (const imported of input.imports) {
      if (imported.original === "undici" && !/@effect\/platform-node\/dist\/esm\/Undici\.js$/.test(file)) {
        problems.push(`${file} imports undici`)
      }
      if (/@effect\/platform-node\/dist\/esm\/Undici\.js$/.test(imported.path)) {
        const source = Fs.readFileSync(Path.resolve(file.replace(/^[a-z-]+:/, "")), "utf8")
        // `Undici.Agent`, not the module's own name in `from "../Undici.js"`
        for (const [, name] of source.matchAll(/(?<![/\w])Undici\.(\w+)\b(?!["'])/g)) {
          if (!UNDICI_SUBSET.includes(name)) problems.push(`${file} uses Undici.${name}`)
        }
      }
    }
  }
  if (problems.length > 0) {
    throw new Error(`the CLI bundles a subset of undici (${UNDICI_SUBSET.join(", ")}):\n${problems.join("\n")}`)
  }
}

Fs.rmSync(chunks, { recursive: true, force: true })
Fs.rmSync(Path.join(dist, "helloasso.js"), { force: true })

const result = await esbuild.build({
  entryPoints: { helloasso: Path.join(pkg, "src/bin.ts") },
  outdir: dist,
  chunkNames: "bundle/[name]-[hash]",
  bundle: true,
  splitting: true,
  minify: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // the workspace's TypeScript sources, as the tests and `pnpm helloasso` run them
  conditions: ["@helloasso-effect/source"],
  plugins: [undiciSubset],
  metafile: true,
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

checkUndiciSubset(result.metafile)
Fs.chmodSync(Path.join(dist, "helloasso.js"), 0o755)

if (process.argv.includes("--analyze")) process.stdout.write(await esbuild.analyzeMetafile(result.metafile))
