import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Payments } from "@helloasso-effect/core"
import { NodeSimulatorServer } from "@helloasso-effect/node"
import { Console, Effect, Stream } from "effect"

// The simulator on a loopback port, and the Node client (undici) connected to it as the simulated association.
// For the real API: NodeHelloAsso.layerConfig() reads HELLOASSO_CLIENT_ID and HELLOASSO_CLIENT_SECRET.
const SimulatedHelloAsso = NodeSimulatorServer.layerHelloAsso({ payments: 300 })

Effect.gen(function*() {
  const server = yield* NodeSimulatorServer.NodeSimulatorServer
  const payments = yield* Payments.Payments
  const count = yield* payments.streamByOrganization({ organizationSlug: server.simulator.organization.slug }).pipe(
    Stream.runCount
  )
  yield* Console.log(`listed ${count} payments`)
}).pipe(
  Effect.provide(SimulatedHelloAsso),
  NodeRuntime.runMain
)
