/**
 * The tokens of partner access in files, on Node: one file per organization, in a directory that outlives the
 * process, so the associations connected to your application stay connected across restarts.
 *
 * `@effect/platform`'s own `KeyValueStore.layerFileSystem` is not used for tokens: it writes a value in place (a
 * crash in the middle leaves a truncated file, and with it the only copy of a refresh token HelloAsso has just
 * rotated), and with the default mode (0644 under the usual umask: any user of the machine can read the tokens).
 * This store writes each value to a new file (created 0600: readable and writable by its owner only), flushes it
 * to disk, then renames it over the previous one: a reader, or the next process after a crash, finds the previous
 * value or the new one, whole. The directory is created 0700 when it does not exist.
 *
 * @since 0.3.0
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as PlatformError from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as KeyValueStore from "@effect/platform/KeyValueStore"
import * as Path from "@effect/platform/Path"
import * as TokenStore from "@helloasso-effect/core/TokenStore"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"

/** Files only their owner reads and writes; a directory only its owner lists and enters. */
const FILE_MODE = 0o600
const DIRECTORY_MODE = 0o700

/**
 * Temporary files start with `%t`, which no key's file name can (keys are percent-encoded: `%` is always followed
 * by two hexadecimal digits there).
 */
const TEMPORARY_PREFIX = "%tmp."

const isNotFound = (error: PlatformError.PlatformError): boolean =>
  error._tag === "SystemError" && error.reason === "NotFound"

const make = (directory: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    if (!(yield* fs.exists(directory))) yield* fs.makeDirectory(directory, { recursive: true, mode: DIRECTORY_MODE })
    let written = 0

    const withFile = <A>(
      method: string,
      key: string,
      f: (file: string) => Effect.Effect<A, PlatformError.PlatformError>
    ): Effect.Effect<A, PlatformError.PlatformError> =>
      key === "" || key === "." || key === ".."
        ? Effect.fail(
          new PlatformError.BadArgument({
            module: "KeyValueStore",
            method,
            description: "a key must not be empty, . or .."
          })
        )
        : f(path.join(directory, encodeURIComponent(key)))

    const orNone = <A>(self: Effect.Effect<A, PlatformError.PlatformError>) =>
      Effect.catchIf(Effect.map(self, Option.some), isNotFound, () => Effect.succeedNone)

    /** The rename reaches the disk with the directory's entry; not every platform can flush a directory. */
    const syncDirectory = Effect.scoped(Effect.flatMap(fs.open(directory, { flag: "r" }), (handle) => handle.sync))
      .pipe(Effect.ignore)

    const write = (file: string, bytes: Uint8Array) =>
      Effect.suspend(() => {
        const temporary = path.join(directory, `${TEMPORARY_PREFIX}${process.pid}.${written++}.${path.basename(file)}`)
        const filled = Effect.scoped(
          Effect.flatMap(
            fs.open(temporary, { flag: "wx", mode: FILE_MODE }),
            (handle) => Effect.zipRight(handle.writeAll(bytes), handle.sync)
          )
        )
        return Effect.zipRight(filled, fs.rename(temporary, file)).pipe(
          Effect.onError(() => Effect.ignore(fs.remove(temporary))),
          Effect.zipRight(syncDirectory)
        )
      })

    const keyFiles = Effect.map(
      fs.readDirectory(directory),
      (names) => names.filter((name) => !name.startsWith(TEMPORARY_PREFIX))
    )

    return KeyValueStore.make({
      get: (key) => withFile("get", key, (file) => orNone(fs.readFileString(file))),
      getUint8Array: (key) => withFile("getUint8Array", key, (file) => orNone(fs.readFile(file))),
      set: (key, value) =>
        withFile(
          "set",
          key,
          (file) => write(file, typeof value === "string" ? new TextEncoder().encode(value) : value)
        ),
      remove: (key) =>
        withFile("remove", key, (file) => Effect.catchIf(fs.remove(file), isNotFound, () => Effect.void)),
      clear: Effect.flatMap(
        keyFiles,
        Effect.forEach((name) => Effect.catchIf(fs.remove(path.join(directory, name)), isNotFound, () => Effect.void), {
          discard: true
        })
      ),
      size: Effect.map(keyFiles, (names) => names.length)
    })
  })

/**
 * A `KeyValueStore` in `directory` whose writes are atomic and whose files only their owner can read.
 *
 * @since 0.3.0
 * @category layers
 */
export const layerKeyValueStore = (
  directory: string
): Layer.Layer<KeyValueStore.KeyValueStore, PlatformError.PlatformError> =>
  Layer.effect(KeyValueStore.KeyValueStore, make(directory)).pipe(
    Layer.provide(Layer.merge(NodeFileSystem.layer, NodePath.layer))
  )

/**
 * The `TokenStore` of partner access in `directory`: one file per organization, written atomically, readable by
 * its owner only.
 *
 * @since 0.3.0
 * @category layers
 */
export const layerFileSystem = (directory: string): Layer.Layer<TokenStore.TokenStore, PlatformError.PlatformError> =>
  TokenStore.layerKeyValueStore.pipe(Layer.provide(layerKeyValueStore(directory)))
