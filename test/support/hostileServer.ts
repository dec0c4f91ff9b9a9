/**
 * A small HelloAsso-like server that misbehaves on purpose, over loopback HTTP. It is separate from the simulator
 * (which stays faithful): each test gives the handler that answers every request, and reads what reached it.
 */
import { Effect } from "effect"
import type { Scope } from "effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"

/** A request as the server received it, body included. */
export interface Received {
  readonly method: string
  readonly url: string
  readonly headers: Http.IncomingHttpHeaders
  readonly body: string
}

export interface Hostile {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string
  /** `http://127.0.0.1:PORT/v5` */
  readonly apiUrl: string
  /** `http://127.0.0.1:PORT/oauth2/token` */
  readonly tokenUrl: string
  /** `127.0.0.1:PORT`, as a `Location` host would name it. */
  readonly host: string
  /** Everything that reached the server, in order. */
  readonly received: Array<Received>
  /** The requests to the token endpoint. */
  readonly grants: () => number
}

/**
 * Answers every request with `handler` (the request's body already read). The server and its connections are
 * closed with the scope.
 */
export const make = (
  handler: (request: Received, response: Http.ServerResponse, index: number) => void
): Effect.Effect<Hostile, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<{ readonly server: Http.Server; readonly hostile: Hostile }>((resume) => {
      const received: Array<Received> = []
      const server = Http.createServer((request, response) => {
        const chunks: Array<Buffer> = []
        request.on("data", (chunk: Buffer) => chunks.push(chunk))
        request.on("end", () => {
          const entry: Received = {
            method: request.method ?? "",
            url: request.url ?? "",
            headers: request.headers,
            body: Buffer.concat(chunks).toString("utf8")
          }
          received.push(entry)
          response.on("error", () => {})
          handler(entry, response, received.length - 1)
        })
      })
      server.listen(0, "127.0.0.1", () => {
        const port = (server.address() as AddressInfo).port
        const origin = `http://127.0.0.1:${port}`
        resume(Effect.succeed({
          server,
          hostile: {
            origin,
            apiUrl: `${origin}/v5`,
            tokenUrl: `${origin}/oauth2/token`,
            host: `127.0.0.1:${port}`,
            received,
            grants: () => received.filter((r) => r.url.startsWith("/oauth2/token")).length
          }
        }))
      })
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map(({ hostile }) => hostile))

/** Answers with a JSON body. */
export const json = (
  response: Http.ServerResponse,
  status: number,
  body: unknown,
  headers: Http.OutgoingHttpHeaders = {}
) => {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers })
  response.end(JSON.stringify(body))
}

/** A token endpoint's answer: a fresh access token each time (`access-<n>`), with a refresh token. */
export const grant = (response: Http.ServerResponse, n: number) =>
  json(response, 200, {
    access_token: `access-token-${n}-Hk3Lm9`,
    refresh_token: `refresh-token-${n}-Pq7Zx2`,
    token_type: "bearer",
    expires_in: 1800
  })

/** Whether the request is for the token endpoint. */
export const isToken = (request: Received): boolean => request.url.startsWith("/oauth2/token")
