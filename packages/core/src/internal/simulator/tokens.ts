/**
 * The OAuth side of HelloAsso: client credentials, authorization code (partners) and refresh token grants, access
 * tokens that live 30 minutes, refresh tokens that live 30 days and rotate on every refresh (the one used stops
 * working), and a cap on live access tokens per client and organization (beyond it the oldest one stops working).
 */
import * as Effect from "effect/Effect"

/** @internal */
export interface Client {
  readonly clientId: string
  readonly clientSecret: string
  /** The organization its client credentials act for; `""` for a partner, whose own tokens reach no organization. */
  readonly organization: string
  /** A partner's client: it may take associations through the authorization code flow. */
  readonly partner?: boolean | undefined
}

interface AccessToken {
  readonly clientId: string
  readonly organization: string
  readonly expiresAt: number
  revoked: boolean
}

interface RefreshToken {
  readonly clientId: string
  readonly organization: string
  readonly expiresAt: number
}

/** @internal */
export interface TokenResponse {
  readonly access_token: string
  readonly refresh_token: string
  readonly token_type: "bearer"
  readonly expires_in: number
  /** Tokens of the authorization code flow name the organization they act for. */
  readonly organization_slug?: string
}

/** @internal */
export interface OAuthError {
  readonly error: string
  readonly error_description: string
}

/** @internal */
export interface GrantCounts {
  readonly clientCredentials: number
  readonly refreshToken: number
  readonly refused: number
}

/** @internal */
export type Authentication =
  | { readonly _tag: "Authenticated"; readonly clientId: string; readonly organization: string }
  | { readonly _tag: "Unauthenticated"; readonly reason: "missing" | "unknown" | "expired" | "revoked" }

/** @internal */
export type Grant = { readonly _tag: "Granted"; readonly body: TokenResponse } | {
  readonly _tag: "Refused"
  readonly status: number
  readonly body: OAuthError
}

/**
 * Redeems an authorization code for a partner's client: the organization it was granted for, or why not.
 *
 * @internal
 */
export type RedeemCode = (
  form: URLSearchParams,
  clientId: string,
  now: number
) => Effect.Effect<
  { readonly _tag: "Redeemed"; readonly organization: string } | {
    readonly _tag: "Refused"
    readonly error: string
    readonly description: string
  }
>

/** @internal */
export interface TokenStore {
  readonly grant: (form: URLSearchParams, now: number) => Effect.Effect<Grant>
  readonly authenticate: (authorization: string | undefined, now: number) => Authentication
  /** Revokes every live access token (refresh tokens keep working). */
  readonly revokeAccessTokens: () => void
  /** Revokes every token, access and refresh, a client holds for an organization (`/oauth2/disconnect`). */
  readonly revokeOrganization: (clientId: string, organization: string) => void
  /** Whether a client holds a live access token for an organization. */
  readonly hasLiveToken: (clientId: string, organization: string, now: number) => boolean
  readonly grants: () => GrantCounts
  /** Refresh token grants of a partner's client, by organization (lower case). */
  readonly partnerRefreshes: () => ReadonlyMap<string, number>
  readonly issued: () => ReadonlyArray<string>
  readonly liveAccessTokens: (clientId: string, now: number) => number
}

/** @internal */
export interface TokenStoreOptions {
  readonly clients: ReadonlyArray<Client>
  readonly accessTokenTtlSeconds: number
  readonly refreshTokenTtlSeconds: number
  readonly maxLiveTokensPerClient: number
  readonly random: () => number
  readonly redeemCode: RedeemCode
}

/** @internal */
export const tokenText = (prefix: string, random: () => number): string => {
  let text = prefix
  for (let i = 0; i < 40; i++) text += "abcdefghijklmnopqrstuvwxyz0123456789"[Math.floor(random() * 36)]
  return text
}

/** @internal */
export const make = (options: TokenStoreOptions): TokenStore => {
  const clients = new Map(options.clients.map((client) => [client.clientId, client]))
  const access = new Map<string, AccessToken>()
  const refresh = new Map<string, RefreshToken>()
  /** Live access tokens by client and organization, oldest first. */
  const liveOrder = new Map<string, Array<string>>()
  const issued: Array<string> = []
  const counts = { clientCredentials: 0, refreshToken: 0, refused: 0 }
  const partnerRefreshes = new Map<string, number>()

  const refuse = (status: number, error: string, description: string): Grant => {
    counts.refused++
    return { _tag: "Refused" as const, status, body: { error, error_description: description } }
  }

  const issue = (client: Client, organization: string, now: number): Grant => {
    const accessToken = tokenText("sim_at_", options.random)
    const refreshToken = tokenText("sim_rt_", options.random)
    access.set(accessToken, {
      clientId: client.clientId,
      organization,
      expiresAt: now + options.accessTokenTtlSeconds * 1000,
      revoked: false
    })
    refresh.set(refreshToken, {
      clientId: client.clientId,
      organization,
      expiresAt: now + options.refreshTokenTtlSeconds * 1000
    })
    issued.push(accessToken, refreshToken)
    // the number of live tokens is limited (per client, and per organization for a partner): the oldest stops
    const key = `${client.clientId}\u0000${organization.toLowerCase()}`
    const order = liveOrder.get(key) ?? []
    const live = order.filter((token) => {
      const entry = access.get(token)
      return entry !== undefined && !entry.revoked && entry.expiresAt > now
    })
    live.push(accessToken)
    while (live.length > options.maxLiveTokensPerClient) {
      const oldest = live.shift()!
      access.get(oldest)!.revoked = true
    }
    liveOrder.set(key, live)
    return {
      _tag: "Granted" as const,
      body: {
        access_token: accessToken,
        refresh_token: refreshToken,
        token_type: "bearer" as const,
        expires_in: options.accessTokenTtlSeconds,
        // a partner's own token (client credentials) acts for no organization
        ...(client.partner === true && organization !== "" ? { organization_slug: organization } : {})
      }
    }
  }

  return {
    grant: (form, now) => {
      const grantType = form.get("grant_type")
      const client = clients.get(form.get("client_id") ?? "")
      if (grantType === "client_credentials") {
        if (client === undefined || client.clientSecret !== form.get("client_secret")) {
          return Effect.succeed(refuse(400, "invalid_client", "The client credentials are invalid"))
        }
        counts.clientCredentials++
        return Effect.succeed(issue(client, client.organization, now))
      }
      if (grantType === "refresh_token") {
        const token = form.get("refresh_token") ?? ""
        const entry = refresh.get(token)
        if (client === undefined) return Effect.succeed(refuse(400, "invalid_client", "The client_id is invalid"))
        if (entry === undefined || entry.clientId !== client.clientId || entry.expiresAt <= now) {
          return Effect.succeed(refuse(400, "invalid_grant", "The refresh token is invalid or expired"))
        }
        // refresh tokens rotate: the one just used stops working
        refresh.delete(token)
        counts.refreshToken++
        if (client.partner === true) {
          const organization = entry.organization.toLowerCase()
          partnerRefreshes.set(organization, (partnerRefreshes.get(organization) ?? 0) + 1)
        }
        return Effect.succeed(issue(client, entry.organization, now))
      }
      if (grantType === "authorization_code") {
        if (client === undefined || client.clientSecret !== form.get("client_secret")) {
          return Effect.succeed(refuse(400, "invalid_client", "The client credentials are invalid"))
        }
        if (client.partner !== true) {
          return Effect.succeed(
            refuse(400, "unauthorized_client", "This client may not use the authorization code flow")
          )
        }
        return Effect.map(options.redeemCode(form, client.clientId, now), (redeemed) =>
          redeemed._tag === "Refused"
            ? refuse(400, redeemed.error, redeemed.description)
            : issue(client, redeemed.organization, now))
      }
      return Effect.succeed(
        refuse(
          400,
          "unsupported_grant_type",
          "grant_type must be client_credentials, authorization_code or refresh_token"
        )
      )
    },
    authenticate: (authorization, now) => {
      const match = authorization === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(authorization)
      if (match === null) return { _tag: "Unauthenticated", reason: "missing" }
      const entry = access.get(match[1]!)
      if (entry === undefined) return { _tag: "Unauthenticated", reason: "unknown" }
      if (entry.revoked) return { _tag: "Unauthenticated", reason: "revoked" }
      if (entry.expiresAt <= now) return { _tag: "Unauthenticated", reason: "expired" }
      return { _tag: "Authenticated", clientId: entry.clientId, organization: entry.organization }
    },
    revokeAccessTokens: () => {
      for (const entry of access.values()) entry.revoked = true
    },
    revokeOrganization: (clientId, organization) => {
      const folded = organization.toLowerCase()
      for (const entry of access.values()) {
        if (entry.clientId === clientId && entry.organization.toLowerCase() === folded) entry.revoked = true
      }
      for (const [token, entry] of refresh) {
        if (entry.clientId === clientId && entry.organization.toLowerCase() === folded) refresh.delete(token)
      }
    },
    hasLiveToken: (clientId, organization, now) => {
      const folded = organization.toLowerCase()
      for (const entry of access.values()) {
        if (
          entry.clientId === clientId && entry.organization.toLowerCase() === folded && !entry.revoked &&
          entry.expiresAt > now
        ) return true
      }
      return false
    },
    grants: () => ({ ...counts }),
    partnerRefreshes: () => new Map(partnerRefreshes),
    issued: () => [...issued],
    liveAccessTokens: (clientId, now) => {
      let n = 0
      for (const entry of access.values()) {
        if (entry.clientId === clientId && !entry.revoked && entry.expiresAt > now) n++
      }
      return n
    }
  }
}
