import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Payments } from "@helloasso-effect/core"
import { NodeHelloAsso, NodeSimulatorServer } from "@helloasso-effect/node"
import { Console, Effect, Layer, Stream } from "effect"

// The simulator on a loopback port, and the Node client (undici) pointed at it.
// For the real API: NodeHelloAsso.layerConfig() reads HELLOASSO_CLIENT_ID and HELLOASSO_CLIENT_SECRET.
const Simulator = NodeSimulatorServer.layer({ payments: 300 })
const Client = Layer.unwrapEffect(
  Effect.map(NodeSimulatorServer.NodeSimulatorServer, (server) =>
    NodeHelloAsso.layer({
      apiUrl: server.apiUrl,
      tokenUrl: server.tokenUrl,
      clientId: server.simulator.credentials.clientId,
      clientSecret: server.simulator.credentials.clientSecret
    }))
)

Effect.gen(function*() {
  const server = yield* NodeSimulatorServer.NodeSimulatorServer
  const payments = yield* Payments.Payments
  const count = yield* payments.streamByOrganization({ organizationSlug: server.simulator.organization.slug }).pipe(
    Stream.runCount
  )
  yield* Console.log(`listed ${count} payments`)
}).pipe(
  Effect.provide(Client.pipe(Layer.provideMerge(Simulator))),
  NodeRuntime.runMain
)
