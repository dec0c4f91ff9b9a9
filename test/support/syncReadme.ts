/**
 * `pnpm readme`: rewrites each README code block tagged `<!-- file: PATH -->` with the file's current content,
 * so the README shows the examples as they are (test/readme.test.ts checks it).
 */
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../..")
const readmePath = Path.join(root, "README.md")
const readme = Fs.readFileSync(readmePath, "utf8")
const synced = readme.replace(
  /<!-- file: (\S+) -->\n```ts\n[\s\S]*?\n```/g,
  (_, file: string) =>
    `<!-- file: ${file} -->\n\`\`\`ts\n${Fs.readFileSync(Path.join(root, file), "utf8").trimEnd()}\n\`\`\``
)
Fs.writeFileSync(readmePath, synced)
