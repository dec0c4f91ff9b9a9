/**
 * Runs the `helloasso` CLI as a child process, from the sources (as `pnpm helloasso` does).
 */
import { Effect } from "effect"
import { spawn } from "node:child_process"
import type { ChildProcess } from "node:child_process"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../..")
const tsx = Path.join(root, "node_modules/.bin/tsx")
const bin = Path.join(root, "packages/node/src/bin.ts")

export interface CliResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Only what the test gives: no HELLOASSO_* variable of the machine leaks in. */
const environment = (env: Record<string, string>) => {
  const base: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith("HELLOASSO_")) base[key] = value
  }
  return { ...base, NO_COLOR: "1", ...env }
}

export const start = (args: ReadonlyArray<string>, env: Record<string, string> = {}): ChildProcess =>
  spawn(tsx, ["--conditions=@helloasso-effect/source", bin, ...args], {
    cwd: root,
    env: environment(env),
    stdio: ["pipe", "pipe", "pipe"]
  })

export const collect = (child: ChildProcess): Promise<CliResult> =>
  new Promise((resolve, reject) => {
    let stdout = ""
    let stderr = ""
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, stdout, stderr }))
  })

/**
 * The first line a started CLI prints (`simulator serve`'s JSON), or all it printed if it ended before a whole line
 * (a server that did not start: its output, which a JSON parse then refuses).
 */
export const firstLine = (child: ChildProcess): Effect.Effect<string> =>
  Effect.async<string>((resume) => {
    let stdout = ""
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
      if (stdout.includes("\n")) resume(Effect.succeed(stdout.slice(0, stdout.indexOf("\n"))))
    })
    child.on("close", () => resume(Effect.succeed(stdout)))
  })

export const run = (args: ReadonlyArray<string>, env: Record<string, string> = {}): Effect.Effect<CliResult> =>
  Effect.promise(() => {
    const child = start(args, env)
    child.stdin!.end()
    return collect(child)
  })
