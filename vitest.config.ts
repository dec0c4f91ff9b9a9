import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

const root = path.dirname(fileURLToPath(import.meta.url))
const source = (file: string) => path.join(root, file)

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@helloasso-effect\/core\/testing$/, replacement: source("packages/core/src/testing.ts") },
      { find: /^@helloasso-effect\/core$/, replacement: source("packages/core/src/index.ts") },
      { find: /^@helloasso-effect\/core\/(.*)$/, replacement: source("packages/core/src/$1.ts") },
      { find: /^@helloasso-effect\/node$/, replacement: source("packages/node/src/index.ts") },
      { find: /^@helloasso-effect\/node\/(.*)$/, replacement: source("packages/node/src/$1.ts") }
    ]
  },
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**", "**/build/**"],
    reporters: ["default", "json"],
    outputFile: { json: ".vitest/results.json" },
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
})
