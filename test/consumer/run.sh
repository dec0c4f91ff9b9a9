#!/usr/bin/env bash
# A user's first hour, in CI: pack both packages, install the tarballs with npm into a new app outside the
# workspace (with the Effect 3 versions the packages ask for), type-check the package READMEs' examples under
# moduleResolution NodeNext and Bundler, then run them: one against the simulator in memory, one against the
# simulator served over loopback HTTP. Needs `pnpm build` first (the tarballs carry dist/).
# Reaches only the npm registry. Keep the temporary app with KEEP_CONSUMER_APP=1.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

fail() { echo "consumer: $*" >&2; exit 1; }

for pkg in core node; do
  [ -f "$root/packages/$pkg/dist/index.js" ] && [ -f "$root/packages/$pkg/dist/index.d.ts" ] ||
    fail "packages/$pkg/dist is missing: run pnpm build first"
done

# Each package README shows its example file as it is.
node -e '
  const fs = require("fs"), path = require("path")
  const [root, ...pairs] = process.argv.slice(1)
  for (const pair of pairs) {
    const [readme, file] = pair.split("=")
    const text = fs.readFileSync(path.join(root, readme), "utf8")
    const block = new RegExp("<!-- file: " + file + " -->\\n```ts\\n([\\s\\S]*?)\\n```").exec(text)
    const expected = fs.readFileSync(path.join(root, file), "utf8").trimEnd()
    if (!block) throw new Error(readme + " does not show " + file)
    if (block[1] !== expected) throw new Error(readme + " does not show " + file + " as it is")
  }
' "$root" packages/core/README.md=test/consumer/coreExample.ts packages/node/README.md=test/consumer/nodeExample.ts

work="$(mktemp -d)"
if [ "${KEEP_CONSUMER_APP:-}" = "1" ]; then echo "consumer: app kept in $work"; else trap 'rm -rf "$work"' EXIT; fi
mkdir -p "$work/tarballs" "$work/app"

for pkg in core node; do
  (cd "$root/packages/$pkg" && npx -y pnpm@10 pack --pack-destination "$work/tarballs" >/dev/null)
done
core_tgz="$(ls "$work"/tarballs/helloasso-effect-core-*.tgz)"
node_tgz="$(ls "$work"/tarballs/helloasso-effect-node-*.tgz)"

# The versions a user is told to install: the packages' peer ranges, TypeScript and @types/node as in the workspace.
version() { node -p 'const [file, field, name] = process.argv.slice(1); require(file)[field][name]' "$@"; }
node_pkg="$root/packages/node/package.json"
deps=(
  "$core_tgz"
  "$node_tgz"
  "effect@$(version "$node_pkg" peerDependencies effect)"
  "@effect/platform@$(version "$node_pkg" peerDependencies @effect/platform)"
  "@effect/platform-node@$(version "$node_pkg" peerDependencies @effect/platform-node)"
  "typescript@$(version "$root/package.json" devDependencies typescript)"
  "@types/node@$(version "$root/package.json" devDependencies @types/node)"
)

cd "$work/app"
cp "$here"/coreExample.ts "$here"/nodeExample.ts "$here"/tsconfig.nodenext.json "$here"/tsconfig.bundler.json .
echo '{ "name": "helloasso-effect-consumer", "private": true, "type": "module" }' > package.json
echo "consumer: npm install $(basename "$core_tgz") $(basename "$node_tgz") ${deps[*]:2}"
npm install --no-audit --no-fund --loglevel=error "${deps[@]}"

# What npm installed: the packed manifests, README and LICENSE in each package, one copy of core and of effect.
node -e '
  const fs = require("fs"), path = require("path")
  for (const name of ["@helloasso-effect/core", "@helloasso-effect/node"]) {
    const dir = path.join("node_modules", name)
    const manifest = fs.readFileSync(path.join(dir, "package.json"), "utf8")
    if (manifest.includes("workspace:")) throw new Error(name + ": the packed package.json keeps a workspace: range")
    for (const file of ["README.md", "LICENSE", "dist/index.js", "dist/index.d.ts"]) {
      if (!fs.existsSync(path.join(dir, file))) throw new Error(name + ": " + file + " is not in the tarball")
    }
  }
  const copies = (name, dir = "node_modules", found = []) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue
      const sub = path.join(dir, entry.name)
      if (sub.endsWith(path.join("node_modules", name)) && fs.existsSync(path.join(sub, "package.json"))) found.push(sub)
      copies(name, sub, found)
    }
    return found
  }
  for (const name of ["effect", "@helloasso-effect/core"]) {
    const found = copies(name)
    if (found.length !== 1) throw new Error(name + " installed " + found.length + " times: " + found.join(", "))
  }
'

echo "consumer: tsc, moduleResolution NodeNext"
./node_modules/.bin/tsc -p tsconfig.nodenext.json --noEmit
echo "consumer: tsc, moduleResolution Bundler"
./node_modules/.bin/tsc -p tsconfig.bundler.json --noEmit

# ESM only: a CommonJS file cannot load the packages, and TypeScript says so instead of failing at run time.
mkdir cjs
echo 'import { Payments } from "@helloasso-effect/core"; export const payments = Payments' > cjs/require.cts
if ./node_modules/.bin/tsc --noEmit --strict --module NodeNext --moduleResolution NodeNext --types node cjs/require.cts \
  >cjs/tsc.log 2>&1; then
  fail "a CommonJS import of @helloasso-effect/core type-checks, but node cannot require it"
fi
grep -q "TS2307\|TS1479\|TS1541" cjs/tsc.log || { cat cjs/tsc.log; fail "unexpected tsc error for a CommonJS import"; }

./node_modules/.bin/tsc -p tsconfig.nodenext.json --noCheck
core_out="$(node out/coreExample.js)"
echo "consumer: core example: $core_out"
[[ "$core_out" =~ ^collected\ [0-9]+\.[0-9]{2}\ €$ ]] || fail "unexpected output from the core example"
node_out="$(node out/nodeExample.js)"
echo "consumer: node example: $node_out"
[ "$node_out" = "listed 300 payments" ] || fail "unexpected output from the node example"
./node_modules/.bin/helloasso --help >/dev/null || fail "helloasso --help failed"
# the bin is the bundled CLI: its files (the entry and the chunks it loads, static or dynamic imports) import
# Node's own modules and each other only, and every one of them is in the tarball
bin="node_modules/@helloasso-effect/node/$(node -p 'require("@helloasso-effect/node/package.json").bin.helloasso')"
node -e '
  const fs = require("fs"), path = require("path")
  const entry = path.resolve(process.argv[1])
  const root = path.dirname(entry)
  // static imports and re-exports start a statement; dynamic imports name their module in a literal
  const specifiers = /(?:^|[;}])\s*(?:import|export)\s*(?:[\w$*{},\s]*?\bfrom\s*)?"([^"\s]+)"|\bimport\(\s*"([^"\s]+)"\s*\)/gm
  const seen = new Set([entry])
  const queue = [entry]
  while (queue.length > 0) {
    const file = queue.pop()
    for (const match of fs.readFileSync(file, "utf8").matchAll(specifiers)) {
      const specifier = match[1] ?? match[2]
      if (specifier.startsWith("node:")) continue
      if (!specifier.startsWith("./") && !specifier.startsWith("../")) {
        throw new Error(path.relative(root, file) + " imports " + specifier + ": the bin bundles everything but Node")
      }
      const target = path.resolve(path.dirname(file), specifier)
      if (!target.startsWith(root + path.sep)) throw new Error(path.relative(root, file) + " imports " + specifier)
      if (!fs.existsSync(target)) throw new Error(path.relative(root, file) + " imports " + specifier + ", not in the tarball")
      if (!seen.has(target)) seen.add(target) && queue.push(target)
    }
  }
  if (seen.size < 2) throw new Error("the bin loads no chunk: did the bundle change shape?")
' "$bin" || fail "$bin is not the bundled CLI"
cli_version="$(./node_modules/.bin/helloasso --version | head -1)"
[ "$cli_version" = "$(node -p 'require("@helloasso-effect/node/package.json").version')" ] ||
  fail "helloasso --version printed '$cli_version'"
echo "consumer: ok"
