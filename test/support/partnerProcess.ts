/**
 * A partner application as its own Node process, for tests of what survives a restart or a crash:
 *
 * - `list DIRECTORY ORGANIZATION`: one page of the organization's payments with the tokens stored in DIRECTORY
 *   (`NodeTokenStore`), configured by the `HELLOASSO_*` variables; prints `{"ids":[...]}` or `{"error":{...}}`.
 * - `write-forever DIRECTORY`: rewrites one key of the token directory's store with large values until killed;
 *   prints `ready` after the first write.
 */
import { KeyValueStore } from "@effect/platform"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { HelloAsso, HelloAssoConfig, Payments } from "@helloasso-effect/core"
import { NodeTokenStore } from "@helloasso-effect/node"
import { Effect, Layer } from "effect"

const [mode, directory = "", organizationSlug = ""] = process.argv.slice(2)

/** A value whose every character says which write it came from: a torn value mixes them or is cut short. */
const valueOf = (n: number): string => String(n % 10).repeat(256 * 1024)

const list = Effect.flatMap(
  Payments.Payments,
  (payments) => payments.listByOrganization({ organizationSlug, pageSize: 5 })
)
  .pipe(
    Effect.map((page) => ({ ids: page.data.map((p) => p.id) })),
    Effect.catchAll((error) =>
      Effect.succeed({ error: { _tag: error._tag, reason: (error as { reason?: string }).reason } })
    ),
    Effect.provide(HelloAsso.layerOrganization({ organizationSlug })),
    Effect.provide(
      Layer.mergeAll(
        HelloAssoConfig.layerConfig(),
        NodeHttpClient.layerUndici,
        NodeTokenStore.layerFileSystem(directory)
      )
    ),
    Effect.flatMap((result) => Effect.sync(() => console.log(JSON.stringify(result))))
  )

const writeForever = Effect.gen(function*() {
  const store = yield* KeyValueStore.KeyValueStore
  yield* store.set("helloasso-tokens/torn", valueOf(0))
  console.log("ready")
  for (let n = 1;; n++) yield* store.set("helloasso-tokens/torn", valueOf(n))
}).pipe(Effect.provide(NodeTokenStore.layerKeyValueStore(directory)))

const program = mode === "list" ? list : mode === "write-forever" ? writeForever : Effect.die(`unknown mode ${mode}`)

Effect.runPromise(program).catch((error) => {
  console.error(error)
  process.exit(1)
})
