/**
 * A reproduction, outside this library, of what the README's performance section calls "page bodies outlive young
 * collections in Effect programs". A local HTTP server answers 300 requests with the same 137 KB JSON page (names
 * with accents: a 275 KB string once decoded, a large object for V8); the client reads and parses each body, then
 * drops it. Printed: the most the large-object space held after a collection, and its size at the end.
 *
 * `node test/bench/youngGcRepro.mjs plain`: `await request()`, then `await body.text()`: stays flat.
 * `node test/bench/youngGcRepro.mjs effect`: the same two awaits as `Effect.promise`s in one fiber: grows until a
 * full collection.
 * `node test/bench/youngGcRepro.mjs effect-bytes`: the same, the body read as bytes through Effect and made text
 * only where it is parsed: stays flat. This is what the library does (`Transport.readBoundedBytes`). Its
 * `ArrayBuffer`s, outside V8's heap and not counted here, outlive young collections as the text did.
 * `node test/bench/youngGcRepro.mjs property`: plain awaits, each response also captured by a function literal
 * assigned straight to a property, as Effect's `async` does for every `Effect.promise`: grows as `effect` does.
 *
 * The cause: V8's parser allocates a function literal assigned straight to a property (`op.f = () => ...`) in the
 * old generation, taking it for a method meant to last. Such a closure dies young, but only a full collection frees
 * it, and until then young collections keep alive whatever it reaches. Effect's `async` assigns one per operation
 * (`effect_instruction_i0 = resume => ...`): it reaches the operation, hence the function given to `Effect.promise`
 * and the response that function captured, whose body stream keeps listeners that reach the promise of its text.
 */
import * as Effect from "effect/Effect"
import * as Http from "node:http"
import process from "node:process"
import { TextDecoder } from "node:util"
import * as V8 from "node:v8"
import { request } from "undici"

const mode = process.argv[2] ?? "plain"
const payment = (id) => ({
  id,
  amount: 3700,
  date: "2024-06-07T14:11:15.7442115+02:00",
  payer: { firstName: "Océane", lastName: "Hélène" },
  note: "é".repeat(1200)
})
const body = JSON.stringify({
  data: Array.from({ length: 100 }, (_, i) => payment(i)),
  pagination: { continuationToken: "x" }
})
const server = Http.createServer((_, res) => res.writeHead(200, { "content-type": "application/json" }).end(body))
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve))
const url = `http://127.0.0.1:${server.address().port}/`

let most = 0
const largeObjects = () =>
  V8.getHeapSpaceStatistics().find((space) => space.space_name === "large_object_space").space_used_size
const sample = () => (most = Math.max(most, largeObjects()))

const plain = async () => {
  for (let i = 0; i < 300; i++) {
    const response = await request(url)
    JSON.parse(await response.body.text())
    sample()
  }
}

const effect = () =>
  Effect.runPromise(Effect.gen(function*() {
    for (let i = 0; i < 300; i++) {
      const response = yield* Effect.promise(() => request(url))
      JSON.parse(yield* Effect.promise(() => response.body.text()))
      sample()
    }
  }))

const property = async () => {
  for (let i = 0; i < 300; i++) {
    const response = await request(url)
    const holder = {}
    holder.body = () => response.body
    JSON.parse(await holder.body().text())
    sample()
  }
}

const utf8 = new TextDecoder()

const effectBytes = () =>
  Effect.runPromise(Effect.gen(function*() {
    for (let i = 0; i < 300; i++) {
      const response = yield* Effect.promise(() => request(url))
      const bytes = yield* Effect.promise(() => response.body.arrayBuffer())
      JSON.parse(utf8.decode(bytes))
      sample()
    }
  }))

const modes = { plain, effect, "effect-bytes": effectBytes, property }
await (modes[mode] ?? plain)()
server.close()
process.stdout.write(
  `${mode}: large-object space at most ${(most / 2 ** 20).toFixed(1)} MB, at the end ${
    (largeObjects() / 2 ** 20).toFixed(1)
  } MB (${body.length} characters a body)\n`
)
