/**
 * Raw HTTP access to the simulator, through plain `HttpClient` requests and not through our client, so that
 * the simulator and the client are tested independently. The same requests run in memory and over loopback.
 */
import { FetchHttpClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import { NodeSimulatorServer } from "@helloasso-effect/node"
import { Effect, Redacted } from "effect"
import type { Scope } from "effect"

export type Params = Record<string, string | number | boolean | ReadonlyArray<string> | undefined>

export interface RawResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  /** The body as sent: a byte order mark is kept. */
  readonly text: string
  readonly json: any
}

export interface RawApi {
  readonly transport: "in-memory" | "loopback"
  readonly sim: HelloAssoSimulator.Service
  readonly apiUrl: string
  readonly tokenUrl: string
  readonly request: (
    method: "GET" | "POST",
    path: string,
    options?: {
      readonly params?: Params
      readonly token?: string | undefined
      readonly headers?: Record<string, string>
    }
  ) => Effect.Effect<RawResponse, unknown>
  readonly grant: (form: Record<string, string>) => Effect.Effect<RawResponse, unknown>
  /** A fresh access token of the simulated association. */
  readonly token: Effect.Effect<string, unknown>
  readonly client: HttpClient.HttpClient
}

const query = (params: Params = {}): string => {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue
    if (Array.isArray(value)) { for (const item of value) search.append(key, item) }
    else search.append(key, String(value))
  }
  const text = search.toString()
  return text === "" ? "" : `?${text}`
}

const decoder = new TextDecoder("utf-8", { ignoreBOM: true })

const read = (
  response: { status: number; headers: Record<string, string>; arrayBuffer: Effect.Effect<ArrayBuffer, unknown> }
) =>
  Effect.map(response.arrayBuffer, (buffer): RawResponse => {
    const text = decoder.decode(buffer)
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
    return { status: response.status, headers: response.headers, text, json }
  })

const makeApi = (
  transport: RawApi["transport"],
  sim: HelloAssoSimulator.Service,
  client: HttpClient.HttpClient,
  apiUrl: string,
  tokenUrl: string
): RawApi => {
  const grant = (form: Record<string, string>) =>
    client.execute(HttpClientRequest.post(tokenUrl).pipe(HttpClientRequest.bodyUrlParams(form))).pipe(
      Effect.flatMap(read),
      Effect.scoped
    )
  return {
    transport,
    sim,
    apiUrl,
    tokenUrl,
    client,
    grant,
    token: Effect.map(
      grant({
        grant_type: "client_credentials",
        client_id: sim.credentials.clientId,
        client_secret: Redacted.value(sim.credentials.clientSecret)
      }),
      (response) => response.json.access_token as string
    ),
    request: (method, path, options = {}) => {
      let request = HttpClientRequest.make(method)(`${apiUrl}${path}${query(options.params)}`)
      if (options.token !== undefined) request = HttpClientRequest.bearerToken(request, options.token)
      if (options.headers !== undefined) request = HttpClientRequest.setHeaders(request, options.headers)
      return client.execute(request).pipe(Effect.flatMap(read), Effect.scoped)
    }
  }
}

/** The simulator in memory. */
export const inMemory = (options?: HelloAssoSimulator.Options): Effect.Effect<RawApi> =>
  Effect.map(
    HelloAssoSimulator.make(options),
    (sim) => makeApi("in-memory", sim, HelloAssoSimulator.httpClient(sim), sim.apiUrl, sim.tokenUrl)
  )

/** The simulator over loopback HTTP, requested with the platform's fetch. */
export const loopback = (options?: HelloAssoSimulator.Options): Effect.Effect<RawApi, unknown, Scope.Scope> =>
  Effect.gen(function*() {
    const server = yield* NodeSimulatorServer.make(options)
    const client = yield* HttpClient.HttpClient.pipe(Effect.provide(FetchHttpClient.layer))
    return makeApi("loopback", server.simulator, client, server.apiUrl, server.tokenUrl)
  })

export const transports = [
  { name: "in-memory", make: inMemory },
  { name: "loopback", make: loopback }
] as const
