/**
 * The partner side of HelloAsso: the authorization page (`/authorize`: the association consents at once, unless
 * a hook decides otherwise), authorization codes that live 5 minutes and work once, bound to the client, the
 * `redirect_uri` and a PKCE challenge (S256 only), the redirect domain registered with
 * `PUT /partners/me/api-clients`, and `GET /partners/me/organizations`.
 */
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import * as Encoding from "effect/Encoding"
import type { Organization } from "./records.js"
import type { RedeemCode, TokenStore } from "./tokens.js"
import { tokenText } from "./tokens.js"

/** What the association's administrator is asked to approve. @internal */
export interface AuthorizeRequest {
  readonly clientId: string
  readonly redirectUri: string
  readonly state: string | undefined
}

/**
 * What the administrator answers: consent for an organization they manage (by default the simulated association),
 * or a refusal (`access_denied` by default) sent back to the `redirect_uri` as `error`.
 *
 * @internal
 */
export type Consent =
  | { readonly _tag: "Grant"; readonly organizationSlug?: string | undefined }
  | { readonly _tag: "Refuse"; readonly error?: string | undefined }

/** @internal */
export interface PartnerStats {
  /** Codes handed out by the authorization page. */
  readonly codesIssued: number
  /** Codes exchanged for tokens. */
  readonly codesRedeemed: number
  /** Refresh token grants, by organization (lower case). */
  readonly refreshes: ReadonlyMap<string, number>
  readonly disconnects: number
}

interface Code {
  readonly clientId: string
  readonly organization: string
  readonly redirectUri: string
  readonly challenge: string
  readonly expiresAt: number
  used: boolean
}

interface Connection {
  readonly organization: Organization
  readonly connectedAt: number
}

/** @internal */
export interface Partner {
  readonly authorize: (url: URL, now: number) => HttpServerResponse.HttpServerResponse
  readonly redeemCode: RedeemCode
  readonly disconnect: (clientId: string, organization: string) => HttpServerResponse.HttpServerResponse
  readonly organizations: (clientId: string, url: URL, now: number) => HttpServerResponse.HttpServerResponse
  readonly setDomain: (
    clientId: string,
    contentType: string | undefined,
    body: string
  ) => HttpServerResponse.HttpServerResponse
  readonly setConsent: (consent: (request: AuthorizeRequest) => Consent) => void
  readonly stats: () => Omit<PartnerStats, "refreshes">
}

/** @internal */
export interface PartnerOptions {
  readonly clientId: string
  /** The organizations an administrator can connect, the simulated association first. */
  readonly organizations: ReadonlyArray<Organization>
  readonly domain: string | undefined
  readonly consent: ((request: AuthorizeRequest) => Consent) | undefined
  readonly random: () => number
  /** Set once the token store exists (it takes `redeemCode`). */
  readonly tokens: () => TokenStore
}

/** An authorization code lives 5 minutes. */
const CODE_LIFETIME_MILLIS = 5 * 60 * 1000

const MAX_STATE = 500

const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/

const CHALLENGE = /^[A-Za-z0-9\-_]{43}$/

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(["127.0.0.1", "[::1]", "localhost"])

const JSON_TYPE = "application/json; charset=utf-8"

const json = (status: number, body: unknown) =>
  HttpServerResponse.text(JSON.stringify(body), { status, contentType: JSON_TYPE })

/** The page HelloAsso shows instead of redirecting, when the request cannot be trusted with a redirect. */
const errorPage = (message: string) =>
  HttpServerResponse.text(`HelloAsso cannot start this authorization: ${message}`, {
    status: 400,
    contentType: "text/plain; charset=utf-8"
  })

const redirect = (redirectUri: string, params: Record<string, string | undefined>) => {
  const location = new URL(redirectUri)
  for (const [name, value] of Object.entries(params)) if (value !== undefined) location.searchParams.set(name, value)
  return HttpServerResponse.empty({ status: 302, headers: { location: location.href, "cache-control": "no-store" } })
}

/** A registered domain (`https://app.example`, `https://*.example`) and a redirect URI on it. */
const onDomain = (domain: string | undefined, redirectUri: URL): boolean => {
  const secure = redirectUri.protocol === "https:" ||
    (redirectUri.protocol === "http:" && LOOPBACK_HOSTS.has(redirectUri.hostname))
  if (!secure) return false
  if (domain === undefined) return true
  let registered: URL
  try {
    registered = new URL(domain.replace("://*.", "://wildcard."))
  } catch {
    return false
  }
  if (registered.protocol !== redirectUri.protocol || registered.port !== redirectUri.port) return false
  return domain.includes("://*.")
    ? redirectUri.hostname.endsWith(registered.hostname.slice("wildcard".length))
    : redirectUri.hostname === registered.hostname
}

const sha256Base64Url = (text: string): Effect.Effect<string> =>
  Effect.map(
    Effect.promise(() => globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))),
    (digest) => Encoding.encodeBase64Url(new Uint8Array(digest))
  )

/** @internal */
export const make = (options: PartnerOptions): Partner => {
  const codes = new Map<string, Code>()
  const connections = new Map<string, Connection>()
  const bySlug = new Map(options.organizations.map((organization) => [organization.slug.toLowerCase(), organization]))
  let domain = options.domain
  let consent = options.consent ?? ((): Consent => ({ _tag: "Grant" }))
  const counts = { codesIssued: 0, codesRedeemed: 0, disconnects: 0 }

  const refusal = (error: string, description: string) =>
    Effect.succeed({ _tag: "Refused" as const, error, description })

  return {
    authorize: (url, now) => {
      const param = (name: string) => url.searchParams.get(name) ?? undefined
      const clientId = param("client_id")
      if (clientId !== options.clientId) return errorPage("client_id is not a partner's client")
      const redirectUri = param("redirect_uri")
      let target: URL
      try {
        target = new URL(redirectUri ?? "")
      } catch {
        return errorPage("redirect_uri is not an absolute URL")
      }
      if (target.hash !== "" || !onDomain(domain, target)) {
        return errorPage("redirect_uri is not on the domain registered for this client")
      }
      const state = param("state")
      const back = (params: Record<string, string>) => redirect(redirectUri!, { ...params, state })
      if (state !== undefined && state.length >= MAX_STATE) {
        return back({ error: "invalid_request", error_description: `state must be under ${MAX_STATE} characters` })
      }
      const challenge = param("code_challenge")
      if (param("code_challenge_method") !== "S256") {
        return back({ error: "invalid_request", error_description: "code_challenge_method must be S256" })
      }
      if (challenge === undefined || !CHALLENGE.test(challenge)) {
        return back({ error: "invalid_request", error_description: "code_challenge is required (base64url SHA-256)" })
      }
      const decision = consent({ clientId, redirectUri: redirectUri!, state })
      if (decision._tag === "Refuse") return back({ error: decision.error ?? "access_denied" })
      const organization = decision.organizationSlug === undefined
        ? options.organizations[0]!
        : bySlug.get(decision.organizationSlug.toLowerCase())
      if (organization === undefined) return errorPage(`no organization ${decision.organizationSlug} to connect`)
      const code = tokenText("sim_ac_", options.random)
      codes.set(code, {
        clientId,
        organization: organization.slug,
        redirectUri: redirectUri!,
        challenge,
        expiresAt: now + CODE_LIFETIME_MILLIS,
        used: false
      })
      counts.codesIssued++
      return back({ code })
    },

    redeemCode: (form, clientId, now) => {
      const code = codes.get(form.get("code") ?? "")
      if (code === undefined || code.clientId !== clientId) {
        return refusal("invalid_grant", "The authorization code is invalid")
      }
      if (code.used) return refusal("invalid_grant", "The authorization code has already been used")
      if (now >= code.expiresAt) return refusal("invalid_grant", "The authorization code has expired")
      if (form.get("redirect_uri") !== code.redirectUri) {
        return refusal("invalid_grant", "The redirect_uri does not match the one of the authorization request")
      }
      const verifier = form.get("code_verifier") ?? ""
      if (!VERIFIER.test(verifier)) {
        return refusal("invalid_request", "code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~")
      }
      return Effect.map(sha256Base64Url(verifier), (challenge) => {
        if (challenge !== code.challenge) {
          return { _tag: "Refused" as const, error: "invalid_grant", description: "The code_verifier does not match" }
        }
        code.used = true
        counts.codesRedeemed++
        const organization = bySlug.get(code.organization.toLowerCase())!
        if (!connections.has(organization.slug.toLowerCase())) {
          connections.set(organization.slug.toLowerCase(), { organization, connectedAt: now })
        }
        return { _tag: "Redeemed" as const, organization: code.organization }
      })
    },

    disconnect: (clientId, organization) => {
      options.tokens().revokeOrganization(clientId, organization)
      if (organization !== "") {
        connections.delete(organization.toLowerCase())
        counts.disconnects++
      }
      return HttpServerResponse.empty({ status: 200 })
    },

    organizations: (clientId, url, now) => {
      if (clientId !== options.clientId) {
        return HttpServerResponse.text("Forbidden: this client is not a partner", {
          status: 403,
          contentType: "text/plain; charset=utf-8"
        })
      }
      const pageSizeText = url.searchParams.get("pageSize") ?? "20"
      const pageSize = /^\d{1,3}$/.test(pageSizeText) ? Number(pageSizeText) : Number.NaN
      if (!(pageSize >= 1 && pageSize <= 100)) {
        return json(400, {
          title: "One or more validation errors occurred.",
          status: 400,
          errors: { pageSize: ["The field pageSize must be between 1 and 100."] }
        })
      }
      const continuation = url.searchParams.get("continuationToken")
      const offset = continuation === null ? 0 : Number(/^\d+$/.test(continuation) ? continuation : Number.NaN)
      if (!Number.isSafeInteger(offset)) {
        return json(400, { errors: [{ code: "Error", message: "The continuation token is invalid" }] })
      }
      // in the order the organizations connected; the totals are not known (-1), as HelloAsso says
      const all = [...connections.values()].sort((a, b) => a.connectedAt - b.connectedAt)
      const page = all.slice(offset, offset + pageSize)
      return json(200, {
        data: page.map(({ organization }) => ({
          organization: {
            name: organization.name,
            organizationSlug: organization.slug,
            type: organization.type,
            url: `https://www.helloasso.com/associations/${organization.slug}`
          },
          availableAccessToken: options.tokens().hasLiveToken(clientId, organization.slug, now)
        })),
        pagination: {
          pageSize,
          totalCount: -1,
          pageIndex: -1,
          totalPages: -1,
          continuationToken: String(offset + page.length)
        }
      })
    },

    setDomain: (clientId, contentType, body) => {
      if (clientId !== options.clientId) {
        return HttpServerResponse.text("Forbidden: this client is not a partner", {
          status: 403,
          contentType: "text/plain; charset=utf-8"
        })
      }
      if (!/json/i.test(contentType ?? "")) {
        return json(415, { title: "Unsupported Media Type", status: 415 })
      }
      let parsed: unknown
      try {
        parsed = JSON.parse(body)
      } catch {
        return json(400, {
          title: "One or more validation errors occurred.",
          status: 400,
          errors: { "": ["Invalid JSON"] }
        })
      }
      const value = (parsed as { domain?: unknown } | null)?.domain
      if (typeof value !== "string" || !/^https?:\/\/[^/?#\s]+\/?$/.test(value)) {
        return json(400, {
          title: "One or more validation errors occurred.",
          status: 400,
          errors: { domain: ["The domain must be a URL such as https://app.example.org or https://*.example.org"] }
        })
      }
      domain = value.replace(/\/$/, "")
      return HttpServerResponse.empty({ status: 200 })
    },

    setConsent: (next) => {
      consent = next
    },

    stats: () => ({ ...counts })
  }
}
