/**
 * loopback_vs_raw: streaming 100,000 payments from `NodeSimulatorServer` through `NodeHelloAsso`, divided by a
 * raw `undici.request` + `JSON.parse` loop over the same pages from the same server.
 */
import { Payments } from "@helloasso-effect/core"
import { NodeHelloAsso, NodeSimulatorServer } from "@helloasso-effect/node"
import { Effect, Redacted, Scope, Stream } from "effect"
import { Agent, request } from "undici"
import * as Harness from "./harness.js"

export const loopbackVsRaw = async (payments = 100_000, rounds = 3) => {
  const scope = Effect.runSync(Scope.make())
  const server = await Effect.runPromise(Scope.extend(NodeSimulatorServer.make({ payments, seed: 3 }), scope))
  const organization = server.simulator.organization.slug
  const agent = new Agent({ keepAliveTimeout: 10_000 })
  const token = await request(server.tokenUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: server.simulator.credentials.clientId,
      client_secret: Redacted.value(server.simulator.credentials.clientSecret)
    }).toString(),
    dispatcher: agent
  }).then((response) => response.body.json() as Promise<{ access_token: string }>)

  /** The floor: the same pages, one after the other, read and parsed, nothing else. */
  const raw = async () => {
    let count = 0
    let continuationToken: string | undefined
    for (;;) {
      const query = new URLSearchParams({ pageSize: "100" })
      if (continuationToken !== undefined) query.set("continuationToken", continuationToken)
      const response = await request(`${server.apiUrl}/organizations/${organization}/payments?${query}`, {
        headers: { authorization: `Bearer ${token.access_token}`, accept: "application/json" },
        dispatcher: agent
      })
      const page = JSON.parse(await response.body.text())
      if (page.data.length === 0) break
      count += page.data.length
      continuationToken = page.pagination.continuationToken
    }
    return count
  }

  const client = NodeHelloAsso.layer({
    apiUrl: server.apiUrl,
    tokenUrl: server.tokenUrl,
    clientId: server.simulator.credentials.clientId,
    clientSecret: server.simulator.credentials.clientSecret
  })
  const streamed = Effect.flatMap(
    Payments.Payments,
    (p) => Stream.runCount(p.streamByOrganization({ organizationSlug: organization, pageSize: 100 }))
  ).pipe(
    Effect.provide(client)
  )

  const time = async (f: () => Promise<number>) => {
    const start = Harness.now()
    const count = await f()
    if (count !== payments) throw new Error(`expected ${payments} payments, got ${count}`)
    return Harness.now() - start
  }
  await time(raw)
  await time(() => Effect.runPromise(streamed))
  const result = await Harness.ratio({
    rounds,
    subject: () => time(() => Effect.runPromise(streamed)),
    baseline: () => time(raw)
  })
  await agent.close()
  await Effect.runPromise(Scope.close(scope, Effect.runSync(Effect.exit(Effect.void))))
  return result
}
