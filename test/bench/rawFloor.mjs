/**
 * The floor of any client, as a process of its own: a client-credentials grant, then the organization's payments
 * page after page with `undici.request` and `JSON.parse`, following the continuation token until an empty page.
 * Nothing else: no retries, no validation. Prints the number of payments and the milliseconds the listing took
 * (from the token request on, the process's start excluded), or with `jsonl` each payment as one line of JSON, as
 * `helloasso payments list --format jsonl` does.
 *
 * `node rawFloor.mjs API_URL TOKEN_URL CLIENT_ID CLIENT_SECRET ORGANIZATION PAGE_SIZE [count|jsonl]`
 */
import { performance } from "node:perf_hooks"
import process from "node:process"
import { URLSearchParams } from "node:url"
import { request } from "undici"

const [apiUrl, tokenUrl, clientId, clientSecret, organization, pageSize, mode = "count"] = process.argv.slice(2)

const start = performance.now()
const grant = await request(tokenUrl, {
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret })
    .toString()
})
if (grant.statusCode !== 200) throw new Error(`token: ${grant.statusCode}`)
const { access_token } = JSON.parse(await grant.body.text())

let count = 0
let continuationToken
for (;;) {
  const query = new URLSearchParams({ pageSize })
  if (continuationToken !== undefined) query.set("continuationToken", continuationToken)
  const response = await request(`${apiUrl}/organizations/${organization}/payments?${query}`, {
    headers: { authorization: `Bearer ${access_token}`, accept: "application/json" }
  })
  if (response.statusCode !== 200) throw new Error(`payments: ${response.statusCode}`)
  const page = JSON.parse(await response.body.text())
  if (page.data.length === 0) break
  count += page.data.length
  if (mode === "jsonl") {
    let lines = ""
    for (const payment of page.data) lines += JSON.stringify(payment) + "\n"
    if (!process.stdout.write(lines)) await new Promise((resolve) => process.stdout.once("drain", resolve))
  }
  continuationToken = page.pagination.continuationToken
}
if (mode === "count") process.stdout.write(`${count} ${performance.now() - start}\n`)
