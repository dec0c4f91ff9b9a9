import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { NodeHelloAsso } from "@helloasso-effect/node"
import { Console, Effect } from "effect"
import { totalCollected } from "./quickStart.js"

// HELLOASSO_CLIENT_ID and HELLOASSO_CLIENT_SECRET come from the environment
totalCollected("my-association").pipe(
  Effect.flatMap((cents) => Console.log(`collected ${(cents / 100).toFixed(2)} €`)),
  Effect.provide(NodeHelloAsso.layerConfig()),
  NodeRuntime.runMain
)
