/**
 * Where the CLI writes data: stdout (so pipes stay clean: progress and messages go to stderr) or a file.
 * Writes wait for the stream to drain, so a large listing never piles up in memory.
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Fs from "node:fs"
import type { Writable } from "node:stream"

/** The reader of stdout went away (`helloasso ... | head`): stop quietly. */
export class OutputClosed extends Data.TaggedError("OutputClosed")<{}> {}

export class OutputError extends Data.TaggedError("OutputError")<{ readonly message: string }> {}

export interface Output {
  readonly write: (chunk: string | Uint8Array) => Effect.Effect<void, OutputClosed | OutputError>
  /** Where the data goes, for messages: a path, or `stdout`. */
  readonly target: string
}

const failure = (error: unknown, target: string) =>
  (error as { code?: string }).code === "EPIPE"
    ? new OutputClosed()
    : new OutputError({
      message: `cannot write to ${target}: ${error instanceof Error ? error.message : String(error)}`
    })

const writer = (stream: Writable, target: string): Output["write"] => (chunk) =>
  Effect.async<void, OutputClosed | OutputError>((resume) => {
    if (stream.destroyed || stream.writableEnded) return resume(Effect.fail(new OutputClosed()))
    const onError = (error: unknown) => resume(Effect.fail(failure(error, target)))
    stream.once("error", onError)
    const done = () => {
      stream.off("error", onError)
      resume(Effect.void)
    }
    if (stream.write(chunk)) done()
    else stream.once("drain", done)
  })

/** Opens the output: the file at `path` (created or replaced), or stdout. The file is closed with the scope. */
export const open = (path: string | undefined): Effect.Effect<Output, OutputError, Scope.Scope> => {
  if (path === undefined) return Effect.succeed({ write: writer(process.stdout, "stdout"), target: "stdout" })
  return Effect.acquireRelease(
    Effect.try({
      try: () => Fs.createWriteStream(path),
      catch: (error) => failure(error, path) as OutputError
    }),
    (stream) =>
      Effect.async<void>((resume) => {
        if (stream.destroyed) return resume(Effect.void)
        stream.end(() => resume(Effect.void))
      })
  ).pipe(Effect.map((stream) => ({ write: writer(stream, path), target: path })))
}
