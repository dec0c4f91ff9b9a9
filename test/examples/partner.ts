import { HttpRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { HelloAsso, HelloAssoAuth, HelloAssoConfig, Payments } from "@helloasso-effect/core"
import { NodeTokenStore } from "@helloasso-effect/node"
import { Effect, Layer, Schema } from "effect"
import type { Redacted } from "effect"

// What a partner application runs on: its HelloAsso client (HELLOASSO_CLIENT_ID, HELLOASSO_CLIENT_SECRET), one HTTP
// client for every association, and their tokens in files that outlive the process (owner-only, atomic writes).
export const PartnerLive = (tokenDirectory: string) =>
  Layer.mergeAll(
    HelloAssoConfig.layerConfig(),
    NodeHttpClient.layerUndici,
    NodeTokenStore.layerFileSystem(tokenDirectory)
  )

const CallbackParams = Schema.Struct({
  state: Schema.String,
  code: Schema.optional(Schema.String),
  error: Schema.optional(Schema.String)
})

// An association's administrator opens /connect, approves on HelloAsso and comes back to /callback.
export const connectRoutes = (redirectUri: string) => {
  // the PKCE verifier of each request under way, by state: keep it in the visitor's session in a real application
  const pending = new Map<string, Redacted.Redacted<string>>()
  return HttpRouter.empty.pipe(
    HttpRouter.get(
      "/connect",
      Effect.gen(function*() {
        const { codeVerifier, state, url } = yield* HelloAssoAuth.authorizationRequest({ redirectUri })
        pending.set(state, codeVerifier)
        return HttpServerResponse.redirect(url)
      })
    ),
    HttpRouter.get(
      "/callback",
      Effect.gen(function*() {
        const { code, error, state } = yield* HttpServerRequest.schemaSearchParams(CallbackParams)
        const codeVerifier = pending.get(state)
        pending.delete(state)
        if (codeVerifier === undefined || code === undefined) {
          return HttpServerResponse.text(`not connected (${error ?? "unknown request"})`, { status: 400 })
        }
        // the tokens are in the store when connect returns: the association stays connected across restarts
        const { organizationSlug } = yield* HelloAssoAuth.connect({ code, codeVerifier, redirectUri })
        return HttpServerResponse.text(`connected ${organizationSlug}`)
      }).pipe(
        // a code refused (expired, used already): the administrator starts again from /connect
        Effect.catchTag("AuthError", (e) => HttpServerResponse.text(`not connected: ${e.message}`, { status: 400 }))
      )
    )
  )
}

// Later, in this process or the next: an association's payments, with its own tokens.
export const latestPayments = (organizationSlug: string) =>
  Effect.flatMap(Payments.Payments, (payments) => payments.listByOrganization({ organizationSlug, pageSize: 10 })).pipe(
    Effect.provide(HelloAsso.layerOrganization({ organizationSlug }))
  )
