/**
 * A scripted HTTP server for the few answers the simulator never gives (a page with `data: null`, a token that
 * repeats with more payments, a redirect): the client is exercised end to end, through `FetchHttpClient`, on
 * web `Request` / `Response` objects.
 */
import { FetchHttpClient } from "@effect/platform"
import { HelloAsso } from "@helloasso-effect/core"
import { Layer, Redacted } from "effect"

export const TOKEN = {
  access_token: "scripted-access-token",
  refresh_token: "scripted-refresh-token",
  token_type: "bearer",
  expires_in: 1800
}

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } })

/** The client on a scripted server; the token endpoint always answers. `seen` collects the API requests. */
export const layer = (answer: (request: Request, url: URL) => Response | Promise<Response>) => {
  const seen: Array<Request> = []
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    const url = new URL(request.url)
    if (url.pathname === "/oauth2/token") return json(TOKEN)
    seen.push(request)
    return answer(request, url)
  }
  const client = HelloAsso.layer({
    apiUrl: "https://scripted.helloasso.invalid/v5",
    tokenUrl: "https://scripted.helloasso.invalid/oauth2/token",
    clientId: "scripted",
    clientSecret: Redacted.make("scripted-secret"),
    retry: { maxRetries: 0 }
  }).pipe(
    Layer.provide(FetchHttpClient.layer),
    Layer.provide(Layer.succeed(FetchHttpClient.Fetch, fetch as typeof globalThis.fetch))
  )
  return { layer: client, seen }
}

/** A minimal valid payment in the wire format. */
export const payment = (id: number) => ({
  id,
  amount: 1000 + id,
  date: `2024-06-${String(1 + (id % 28)).padStart(2, "0")}T10:00:00.1234567+02:00`,
  state: "Authorized"
})

export const page = (data: ReadonlyArray<unknown> | null, continuationToken: string | null) => ({
  data,
  pagination: { pageSize: 20, totalCount: -1, pageIndex: 1, totalPages: -1, continuationToken }
})
