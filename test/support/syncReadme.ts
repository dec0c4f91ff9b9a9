/**
 * `pnpm readme`: rewrites each code block tagged `<!-- file: PATH -->` in the READMEs (the repository's and each
 * package's) with the file's current content, so they show the examples as they are (test/readme.test.ts and
 * test/consumer/run.sh check it).
 */
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../..")

for (const readme of ["README.md", "packages/core/README.md", "packages/node/README.md"]) {
  const readmePath = Path.join(root, readme)
  const synced = Fs.readFileSync(readmePath, "utf8").replace(
    /<!-- file: (\S+) -->\n```ts\n[\s\S]*?\n```/g,
    (_, file: string) =>
      `<!-- file: ${file} -->\n\`\`\`ts\n${Fs.readFileSync(Path.join(root, file), "utf8").trimEnd()}\n\`\`\``
  )
  Fs.writeFileSync(readmePath, synced)
}
