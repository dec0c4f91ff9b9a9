/**
 * The floor of any client written with Effect, as a process of its own: the raw floor's loop (`rawFloor.mjs`), as
 * an Effect program on `@effect/platform`'s `HttpClient` over undici (`NodeHttpClient.layerUndici`), the client
 * this library is built on. A client-credentials grant, then the organization's payments page after page with
 * `response.text` and `JSON.parse`, following the continuation token until an empty page. Nothing else: no
 * retries, no timeouts, no validation. It measures what Effect's runtime and the platform client cost before this
 * library adds anything. Prints the number of payments and the milliseconds the listing took (from the token
 * request on, the process's start excluded).
 *
 * `node effectFloor.mjs API_URL TOKEN_URL CLIENT_ID CLIENT_SECRET ORGANIZATION PAGE_SIZE`
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import { performance } from "node:perf_hooks"
import process from "node:process"

const [apiUrl, tokenUrl, clientId, clientSecret, organization, pageSize] = process.argv.slice(2)

const start = performance.now()
const count = await Effect.gen(function*() {
  const client = yield* HttpClient.HttpClient
  const grant = yield* client.execute(
    HttpClientRequest.post(tokenUrl).pipe(
      HttpClientRequest.bodyUrlParams({
        grant_type: "client_credentials",
        client_id: clientId,
        client_secret: clientSecret
      })
    )
  )
  if (grant.status !== 200) return yield* Effect.die(new Error(`token: ${grant.status}`))
  const { access_token } = JSON.parse(yield* grant.text)
  let count = 0
  let continuationToken
  for (;;) {
    const response = yield* client.execute(
      HttpClientRequest.get(`${apiUrl}/organizations/${organization}/payments`).pipe(
        HttpClientRequest.setUrlParams(
          continuationToken === undefined ? { pageSize } : { pageSize, continuationToken }
        ),
        HttpClientRequest.bearerToken(access_token),
        HttpClientRequest.acceptJson
      )
    )
    if (response.status !== 200) return yield* Effect.die(new Error(`payments: ${response.status}`))
    const page = JSON.parse(yield* response.text)
    if (page.data.length === 0) return count
    count += page.data.length
    continuationToken = page.pagination.continuationToken
  }
}).pipe(Effect.provide(NodeHttpClient.layerUndici), Effect.runPromise)
process.stdout.write(`${count} ${performance.now() - start}\n`)
