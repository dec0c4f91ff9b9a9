/**
 * The HelloAsso simulator served over loopback HTTP by Node: the same application as the in-memory transport,
 * on a real socket (127.0.0.1, ephemeral port by default), where connection faults are real resets. Its
 * notifications are delivered over HTTP with undici (unless `deliverWith` is given) until the scope closes.
 *
 * @since 0.1.0
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as NodeHttpServerRequest from "@effect/platform-node/NodeHttpServerRequest"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpServer from "@effect/platform/HttpServer"
import type { ServeError } from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import type * as HelloAsso from "@helloasso-effect/core/HelloAsso"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as Http from "node:http"
import * as NodeHelloAsso from "./NodeHelloAsso.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Connections {
  readonly opened: number
  readonly closed: number
  readonly open: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  /** `http://127.0.0.1:<port>/v5` */
  readonly apiUrl: string
  /** `http://127.0.0.1:<port>/oauth2/token` */
  readonly tokenUrl: string
  /**
   * `http://127.0.0.1:<port>/authorize`: the authorization page of the partner flow.
   *
   * @since 0.3.0
   */
  readonly authorizeUrl: string
  readonly port: number
  /** TCP connections the server saw opened and closed. */
  readonly connections: Effect.Effect<Connections>
  readonly simulator: HelloAssoSimulator.Service
  /** The simulated association's base URLs (loopback) and credentials, for `NodeHelloAsso.layer`. */
  readonly clientOptions: ReturnType<typeof HelloAssoSimulator.clientOptions>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class NodeSimulatorServer extends Context.Tag("@helloasso-effect/node/NodeSimulatorServer")<
  NodeSimulatorServer,
  Service
>() {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options extends HelloAssoSimulator.Options {
  /** Default: 0, an ephemeral port. */
  readonly port?: number | undefined
  /** Default: `127.0.0.1`. */
  readonly host?: string | undefined
}

/**
 * Serves a new simulator until the scope closes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<Service, ServeError, Scope.Scope> =>
  Effect.gen(function*() {
    const deliverWith = options.deliverWith ??
      Context.get(yield* Layer.build(NodeHttpClient.layerUndici), HttpClient.HttpClient)
    const simulator = yield* HelloAssoSimulator.makeScoped({ ...options, deliverWith })
    const counts = { opened: 0, closed: 0 }
    const server = Http.createServer({ keepAliveTimeout: 5_000 })
    server.on("connection", (socket) => {
      counts.opened++
      socket.once("close", () => counts.closed++)
    })
    const httpServer = yield* NodeHttpServer.make(() => server, {
      port: options.port ?? 0,
      host: options.host ?? "127.0.0.1"
    })
    // runs before the server's own close: stalled answers must not hold the shutdown
    yield* Effect.addFinalizer(() => Effect.sync(() => server.closeAllConnections()))
    const app = Effect.flatMap(simulator.app, (response) => {
      const fault = HelloAssoSimulator.connectionFault(response)
      if (fault === undefined) return Effect.succeed(response)
      // a connection refused or reset: the client gets ECONNRESET and no answer
      return Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
        NodeHttpServerRequest.toIncomingMessage(request).socket.resetAndDestroy()
        return Effect.never
      })
    })
    // the server's spans record request headers: MFA tokens are secrets too
    yield* httpServer.serve(app).pipe(
      Effect.locallyWith(Headers.currentRedactedNames, (names) => [...names, /^x-mfa-/])
    )
    const address = httpServer.address as HttpServer.TcpAddress
    const host = address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname
    const url = `http://${host}:${address.port}`
    const apiUrl = `${url}/v5`
    const tokenUrl = `${url}/oauth2/token`
    return {
      url,
      apiUrl,
      tokenUrl,
      authorizeUrl: `${url}/authorize`,
      port: address.port,
      connections: Effect.sync(() => ({ ...counts, open: counts.opened - counts.closed })),
      simulator,
      clientOptions: HelloAssoSimulator.clientOptions({ apiUrl, tokenUrl, credentials: simulator.credentials })
    }
  })

/**
 * The server, and its simulator as `HelloAssoSimulator`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options = {}
): Layer.Layer<NodeSimulatorServer | HelloAssoSimulator.HelloAssoSimulator, ServeError> =>
  Layer.scopedContext(
    Effect.map(make(options), (service) =>
      Context.make(NodeSimulatorServer, service).pipe(
        Context.add(HelloAssoSimulator.HelloAssoSimulator, service.simulator)
      ))
  )

/**
 * A ready client over loopback: a new server, and `NodeHelloAsso.layer` connected to it as the simulated
 * association (`client` options are added, e.g. `retry` or `timeout`). What a test of code that uses `Payments`
 * over real HTTP needs.
 *
 * @since 0.3.0
 * @category layers
 */
export const layerHelloAsso = (
  options: Options & { readonly client?: HelloAsso.Options | undefined } = {}
): Layer.Layer<
  HelloAsso.HelloAsso | NodeSimulatorServer | HelloAssoSimulator.HelloAssoSimulator,
  ServeError | ConfigError.ConfigError
> =>
  Layer.unwrapEffect(
    Effect.map(NodeSimulatorServer, (server) => NodeHelloAsso.layer({ ...server.clientOptions, ...options.client }))
  ).pipe(Layer.provideMerge(layer(options)))
