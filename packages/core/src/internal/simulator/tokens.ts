/**
 * The OAuth side of HelloAsso: client credentials and refresh token grants, access tokens that live 30 minutes,
 * refresh tokens that live 30 days and rotate on every refresh, and a cap on live access tokens per client
 * (beyond it the oldest one stops working).
 */

/** @internal */
export interface Client {
  readonly clientId: string
  readonly clientSecret: string
  readonly organization: string
}

interface AccessToken {
  readonly clientId: string
  readonly organization: string
  readonly expiresAt: number
  revoked: boolean
}

interface RefreshToken {
  readonly clientId: string
  readonly expiresAt: number
}

/** @internal */
export interface TokenResponse {
  readonly access_token: string
  readonly refresh_token: string
  readonly token_type: "bearer"
  readonly expires_in: number
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
export interface TokenStore {
  readonly grant: (
    form: URLSearchParams,
    now: number
  ) => { readonly _tag: "Granted"; readonly body: TokenResponse } | {
    readonly _tag: "Refused"
    readonly status: number
    readonly body: OAuthError
  }
  readonly authenticate: (authorization: string | undefined, now: number) => Authentication
  /** Revokes every live access token (refresh tokens keep working). */
  readonly revokeAccessTokens: () => void
  readonly grants: () => GrantCounts
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
}

const tokenText = (prefix: string, random: () => number): string => {
  let text = prefix
  for (let i = 0; i < 40; i++) text += "abcdefghijklmnopqrstuvwxyz0123456789"[Math.floor(random() * 36)]
  return text
}

/** @internal */
export const make = (options: TokenStoreOptions): TokenStore => {
  const clients = new Map(options.clients.map((client) => [client.clientId, client]))
  const access = new Map<string, AccessToken>()
  const refresh = new Map<string, RefreshToken>()
  const liveOrder = new Map<string, Array<string>>()
  const issued: Array<string> = []
  const counts = { clientCredentials: 0, refreshToken: 0, refused: 0 }

  const refuse = (status: number, error: string, description: string) => {
    counts.refused++
    return { _tag: "Refused" as const, status, body: { error, error_description: description } }
  }

  const issue = (client: Client, now: number) => {
    const accessToken = tokenText("sim_at_", options.random)
    const refreshToken = tokenText("sim_rt_", options.random)
    access.set(accessToken, {
      clientId: client.clientId,
      organization: client.organization,
      expiresAt: now + options.accessTokenTtlSeconds * 1000,
      revoked: false
    })
    refresh.set(refreshToken, { clientId: client.clientId, expiresAt: now + options.refreshTokenTtlSeconds * 1000 })
    issued.push(accessToken, refreshToken)
    // the number of live tokens per client is limited: the oldest one stops working
    const order = liveOrder.get(client.clientId) ?? []
    const live = order.filter((token) => {
      const entry = access.get(token)
      return entry !== undefined && !entry.revoked && entry.expiresAt > now
    })
    live.push(accessToken)
    while (live.length > options.maxLiveTokensPerClient) {
      const oldest = live.shift()!
      access.get(oldest)!.revoked = true
    }
    liveOrder.set(client.clientId, live)
    return {
      _tag: "Granted" as const,
      body: {
        access_token: accessToken,
        refresh_token: refreshToken,
        token_type: "bearer" as const,
        expires_in: options.accessTokenTtlSeconds
      }
    }
  }

  return {
    grant: (form, now) => {
      const grantType = form.get("grant_type")
      const client = clients.get(form.get("client_id") ?? "")
      if (grantType === "client_credentials") {
        if (client === undefined || client.clientSecret !== form.get("client_secret")) {
          return refuse(400, "invalid_client", "The client credentials are invalid")
        }
        counts.clientCredentials++
        return issue(client, now)
      }
      if (grantType === "refresh_token") {
        const token = form.get("refresh_token") ?? ""
        const entry = refresh.get(token)
        if (client === undefined) return refuse(400, "invalid_client", "The client_id is invalid")
        if (entry === undefined || entry.clientId !== client.clientId || entry.expiresAt <= now) {
          return refuse(400, "invalid_grant", "The refresh token is invalid or expired")
        }
        // refresh tokens rotate: the one just used stops working
        refresh.delete(token)
        counts.refreshToken++
        return issue(client, now)
      }
      return refuse(400, "unsupported_grant_type", "grant_type must be client_credentials or refresh_token")
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
    grants: () => ({ ...counts }),
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
