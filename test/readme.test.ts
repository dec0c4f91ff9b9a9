import { describe, expect, it } from "@effect/vitest"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const readme = Fs.readFileSync(Path.join(root, "README.md"), "utf8")

describe("README", () => {
  it("opens with the two commands: install and run the demo, install and run the tests", () => {
    const first = /```sh\n([\s\S]*?)```/.exec(readme)![1]!.split("\n")
    expect(first[0]).toMatch(/^npx -y pnpm@10 install && npx -y pnpm@10 start\b/)
    expect(first[1]).toMatch(/^npx -y pnpm@10 install && npx -y pnpm@10 test\b/)
    const scripts = JSON.parse(Fs.readFileSync(Path.join(root, "package.json"), "utf8")).scripts
    expect(scripts.start).toContain("demo")
    expect(Fs.readFileSync(Path.join(root, ".ci/run"), "utf8")).toContain("pnpm test")
  })

  const blocks = [...readme.matchAll(/<!-- file: (\S+) -->\n```ts\n([\s\S]*?)\n```/g)]

  it("shows its examples", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(8)
  })

  it.each(blocks.map((match) => [match[1]!, match[2]!] as const))("shows %s as it is", (file, shown) => {
    expect(shown).toBe(Fs.readFileSync(Path.join(root, file), "utf8").trimEnd())
  })
})
