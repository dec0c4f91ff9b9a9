/**
 * An `HttpClient` that hands each request to the simulator's HTTP application in the same fiber: real HTTP
 * semantics (methods, headers, status codes, streamed bodies, aborts) without sockets. It runs with the
 * caller's services, so `TestClock` drives the simulator's clock too.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type { ConnectionFault } from "./app.js"
import { FAULT_HEADER } from "./app.js"

const webBody = (request: HttpClientRequest.HttpClientRequest): BodyInit | undefined => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return undefined
    case "Uint8Array":
      return body.body as BodyInit
    case "Raw":
      return body.body as BodyInit
    case "FormData":
      return body.formData
    case "Stream":
      return Stream.toReadableStream(body.stream as Stream.Stream<Uint8Array>)
  }
}

/** What the Node transport reports for each connection fault (undici wraps it in a `TypeError`). */
const networkError = (fault: ConnectionFault): Error => {
  const code = fault === "refuse" ? "ECONNREFUSED" : "ECONNRESET"
  const cause = Object.assign(new Error(fault === "refuse" ? "connect ECONNREFUSED" : "socket hang up"), { code })
  return new TypeError("fetch failed", { cause })
}

/** @internal */
export const make = (
  app: Effect.Effect<HttpServerResponse.HttpServerResponse, never, HttpServerRequest.HttpServerRequest>
): HttpClient.HttpClient =>
  HttpClient.make((request, url) =>
    Effect.gen(function*() {
      const body = webBody(request)
      // no abort signal: the application runs in this fiber, and interrupting the fiber interrupts it (a web
      // Request that follows a signal also keeps listeners alive long after it is gone)
      const init: RequestInit & { duplex?: "half" } = {
        method: request.method,
        headers: request.headers,
        ...(body === undefined ? {} : { body, duplex: "half" })
      }
      const serverRequest = HttpServerRequest.fromWeb(new Request(url, init))
      const response = yield* Effect.provideService(app, HttpServerRequest.HttpServerRequest, serverRequest)
      const fault = response.headers[FAULT_HEADER] as ConnectionFault | undefined
      if (fault !== undefined) {
        return yield* new HttpClientError.RequestError({ request, reason: "Transport", cause: networkError(fault) })
      }
      const runtime = yield* Effect.runtime<never>()
      return HttpClientResponse.fromWeb(request, HttpServerResponse.toWeb(response, { runtime }))
    })
  )

/**
 * Any `HttpApp` as an application the in-memory client can run: a failure answers as a server would (500, or
 * the status of an `HttpServerError`), and the request's scope closes once the answer is produced.
 *
 * @internal
 */
export const serve = (
  app: Effect.Effect<HttpServerResponse.HttpServerResponse, unknown, HttpServerRequest.HttpServerRequest | Scope.Scope>
): Effect.Effect<HttpServerResponse.HttpServerResponse, never, HttpServerRequest.HttpServerRequest> =>
  app.pipe(
    Effect.scoped,
    Effect.catchAllCause((cause) => Effect.map(HttpServerError.causeResponse(cause), ([response]) => response))
  )
