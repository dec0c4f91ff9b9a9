/**
 * Where the CLI writes data: stdout (so pipes stay clean: progress and messages go to stderr) or a file.
 *
 * A file's path is checked when the output is opened, before any request (bad input, exit 2, naming the path and
 * the reason). The data goes to a temporary file in the same directory, renamed to the final name on success: the
 * final name never holds a partial or empty file, and a file it held before stays as it was after a failure.
 * Writes wait for the data to be handed over, so a large listing never piles up in memory.
 */
import * as Options from "@effect/cli/Options"
import { ValidationError } from "@helloasso-effect/core/HelloAssoError"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import * as Path from "node:path"
import type { Writable } from "node:stream"

/** The reader of stdout went away (`helloasso ... | head`): stop quietly. */
export class OutputClosed extends Data.TaggedError("OutputClosed")<{}> {}

/** Writing or finishing the output failed; `message` names the path and the reason. */
export class OutputError extends Data.TaggedError("OutputError")<{ readonly message: string }> {}

export interface Output {
  readonly write: (chunk: string | Uint8Array) => Effect.Effect<void, OutputClosed | OutputError>
  /** Where the data goes, for messages: the path as given, or `stdout`. */
  readonly target: string
  readonly isFile: boolean
  /** Puts the file under its final name (nothing to do for stdout). Without it, the file is discarded. */
  readonly commit: Effect.Effect<void, OutputError>
  /** Keeps what was written under `path` rather than the final name (the first part of a failed listing). */
  readonly keepAs: (path: string) => Effect.Effect<void, OutputError>
}

/** `--output FILE|-`, as every command that writes data takes it. */
export const option = Options.text("output").pipe(
  Options.withDescription(
    "the file to write (checked before any request, written whole or not at all); - for stdout (default: -)"
  ),
  Options.optional
)

/** `-` and no path mean stdout. */
export const isStdout = (path: string | undefined): path is undefined | "-" => path === undefined || path === "-"

const REASONS: Record<string, string> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EISDIR: "it is a directory",
  ENOTDIR: "a part of the path is not a directory",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EFBIG: "file too large",
  ENAMETOOLONG: "file name too long",
  ELOOP: "too many symbolic links",
  EMFILE: "too many open files",
  EIO: "input/output error"
}

const codeOf = (error: unknown): string | undefined => {
  const code = (error as { readonly code?: unknown } | null)?.code
  return typeof code === "string" ? code : undefined
}

/** A file-system failure in words, without a stack. */
const reasonOf = (error: unknown): string => {
  const code = codeOf(error)
  if (code !== undefined && REASONS[code] !== undefined) return REASONS[code]
  if (code !== undefined) return code
  return error instanceof Error ? error.message : String(error)
}

const writeFailure = (error: unknown, target: string) =>
  codeOf(error) === "EPIPE"
    ? new OutputClosed()
    : new OutputError({ message: `cannot write to ${target}: ${reasonOf(error)}` })

/** An error stdout emitted between two writes (EPIPE): it must not crash the process, the next write reports it. */
let stdoutFailure: unknown = undefined
let stdoutWatched = false

const writeStdout: Output["write"] = (chunk) =>
  Effect.async<void, OutputClosed | OutputError>((resume) => {
    const stream: Writable = process.stdout
    if (!stdoutWatched) {
      stdoutWatched = true
      stream.on("error", (error) => {
        stdoutFailure ??= error
      })
    }
    if (stdoutFailure !== undefined) return resume(Effect.fail(writeFailure(stdoutFailure, "stdout")))
    if (stream.destroyed || stream.writableEnded) return resume(Effect.fail(new OutputClosed()))
    const onError = (error: unknown) => resume(Effect.fail(writeFailure(error, "stdout")))
    stream.once("error", onError)
    const done = () => {
      stream.off("error", onError)
      resume(Effect.void)
    }
    if (stream.write(chunk)) done()
    else stream.once("drain", done)
  })

const stdout = (): Output => ({
  write: writeStdout,
  target: "stdout",
  isFile: false,
  commit: Effect.void,
  keepAs: () => Effect.void
})

/** Writes all of `data` at the file's position (a write may take only part of it). */
const writeAll = (fd: number, data: Uint8Array): Effect.Effect<void, unknown> =>
  // uninterruptible: the descriptor is closed after an interruption, never while a write is using it
  Effect.uninterruptible(Effect.async<void, unknown>((resume) => {
    const step = (offset: number) =>
      Fs.write(fd, data, offset, data.length - offset, null, (error, written) => {
        if (error !== null) resume(Effect.fail(error))
        else if (offset + written < data.length) step(offset + written)
        else resume(Effect.void)
      })
    step(0)
  }))

const attempt = (f: () => void): unknown => {
  try {
    f()
    return undefined
  } catch (error) {
    return error
  }
}

interface Prepared {
  readonly fd: number
  /** Where the data is written until the commit; undefined when it goes straight to `target` (a device, a pipe). */
  readonly temporary: string | undefined
  /** The final file (symbolic links resolved). */
  readonly final: string
}

/** Checks `path` and opens its temporary file; the error says what is wrong with the path, in words. */
const prepare = (path: string): Prepared | string => {
  const resolved = Path.resolve(path)
  let existing: Fs.Stats | undefined
  try {
    existing = Fs.statSync(resolved)
  } catch (error) {
    const code = codeOf(error)
    if (code !== "ENOENT") return reasonOf(error)
    const directory = Path.dirname(resolved)
    try {
      if (!Fs.statSync(directory).isDirectory()) return `${directory} is not a directory`
    } catch (error) {
      return codeOf(error) === "ENOENT" ? `the directory ${directory} does not exist` : reasonOf(error)
    }
  }
  if (existing !== undefined) {
    if (existing.isDirectory()) return "it is a directory"
    const denied = attempt(() => Fs.accessSync(resolved, Fs.constants.W_OK))
    if (denied !== undefined) return reasonOf(denied)
    if (!existing.isFile()) {
      // a device or a pipe (/dev/null, a FIFO): written in place, there is nothing to rename
      try {
        return { fd: Fs.openSync(resolved, "w"), temporary: undefined, final: resolved }
      } catch (error) {
        return reasonOf(error)
      }
    }
  }
  let final = resolved
  try {
    if (existing !== undefined) final = Fs.realpathSync(resolved)
  } catch (error) {
    return reasonOf(error)
  }
  const temporary = Path.join(
    Path.dirname(final),
    `.${Path.basename(final)}.${process.pid}-${Crypto.randomBytes(4).toString("hex")}.tmp`
  )
  try {
    const fd = Fs.openSync(temporary, "wx", 0o666)
    // the replaced file's permissions are kept (payments hold personal data)
    if (existing !== undefined) attempt(() => Fs.fchmodSync(fd, existing.mode & 0o7777))
    return { fd, temporary, final }
  } catch (error) {
    const code = codeOf(error)
    return code === "EACCES" || code === "EPERM"
      ? `permission denied: cannot create a file in ${Path.dirname(final)}`
      : reasonOf(error)
  }
}

const file = (
  path: string,
  operation: string
): Effect.Effect<Output, ValidationError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.suspend(() => {
      const prepared = prepare(path)
      return typeof prepared === "string"
        ? Effect.fail(
          new ValidationError({ operation, source: "client", field: "output", detail: `--output ${path}: ${prepared}` })
        )
        : Effect.succeed({ ...prepared, open: true, settled: false })
    }),
    (state, exit) =>
      Effect.sync(() => {
        if (state.open) attempt(() => Fs.closeSync(state.fd))
        state.open = false
        if (state.settled || state.temporary === undefined) return
        state.settled = true
        // success without a commit (a caller that only writes): the file takes its name; otherwise it goes
        if (Exit.isSuccess(exit) && attempt(() => Fs.renameSync(state.temporary!, state.final)) === undefined) return
        attempt(() => Fs.unlinkSync(state.temporary!))
      })
  ).pipe(Effect.map((state): Output => {
    const finish = (to: string) =>
      Effect.suspend(() => {
        if (state.settled) return Effect.void
        state.settled = true
        const failure = attempt(() => {
          if (state.open) {
            // the data is on disk before it takes the name
            if (state.temporary !== undefined) Fs.fsyncSync(state.fd)
            state.open = false
            Fs.closeSync(state.fd)
          }
          if (state.temporary !== undefined) Fs.renameSync(state.temporary, to)
        })
        if (failure === undefined) return Effect.void
        if (state.temporary !== undefined) attempt(() => Fs.unlinkSync(state.temporary!))
        return Effect.fail(new OutputError({ message: `cannot write to ${to}: ${reasonOf(failure)}` }))
      })
    return {
      write: (chunk) =>
        Effect.suspend(() =>
          state.open
            ? writeAll(state.fd, typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk).pipe(
              Effect.mapError((error) => new OutputError({ message: `cannot write to ${path}: ${reasonOf(error)}` }))
            )
            : Effect.fail(new OutputError({ message: `cannot write to ${path}: the file is closed` }))
        ),
      target: path,
      isFile: true,
      commit: finish(state.final),
      keepAs: (to) => finish(Path.resolve(to))
    }
  }))

/**
 * Opens the output: stdout for no path or `-`, else the file at `path`, checked at once (a `ValidationError`
 * naming the path and the reason: nothing was sent). The file takes its name on `commit` (or when the scope ends in
 * success); when the scope ends otherwise, the final name is left untouched.
 */
export const open = (
  path: string | undefined,
  operation: string = "output"
): Effect.Effect<Output, ValidationError, Scope.Scope> => isStdout(path) ? Effect.sync(stdout) : file(path, operation)

/**
 * Writes a stream of bytes (an export) to the output opened at `path`, whole or not at all, and says how many bytes
 * were written where.
 */
export const writeStream = <E, R>(
  path: string | undefined,
  operation: string,
  bytes: Stream.Stream<Uint8Array, E, R>
): Effect.Effect<
  { readonly bytes: number; readonly output: Output },
  E | ValidationError | OutputClosed | OutputError,
  R
> =>
  Effect.scoped(Effect.gen(function*() {
    const output = yield* open(path, operation)
    let count = 0
    yield* Stream.runForEach(bytes, (chunk) => {
      count += chunk.length
      return output.write(chunk)
    })
    yield* output.commit
    return { bytes: count, output }
  }))
