/**
 * Notification URLs, as `PUT /partners/me/api-notifications[/organizations/{organizationSlug}]` registers them: per
 * client, a main URL (every event type) and one URL per event type, for the client's own organizations (partner
 * level) or for one organization. Each registration has a `signatureKey` that signs what is delivered there; it
 * stays the same while the same URL is registered again, and changes with the URL.
 *
 * An event goes, for each client and level that applies, to the URL registered for its type or else to the main
 * URL; a URL reached twice that way gets it once.
 */

/** @internal */
export const NOTIFICATION_TYPES = ["Payment", "Order", "Form", "Organization"] as const

/** @internal */
export type NotificationType = typeof NOTIFICATION_TYPES[number]

/** @internal */
export interface Subscription {
  readonly clientId: string
  /** The organization of the client: what a partner-level URL receives events of. */
  readonly clientOrganization: string
  /** Lower-case slug; `undefined` for the partner-level URL. */
  readonly organization: string | undefined
  /** `undefined`: the main URL, every event type. */
  readonly notificationType: NotificationType | undefined
  readonly url: string
  readonly signatureKey: string
}

/** @internal */
export interface Subscriptions {
  readonly set: (
    subscription: Omit<Subscription, "signatureKey">
  ) => Subscription
  readonly remove: (
    clientId: string,
    organization: string | undefined,
    notificationType: NotificationType | undefined
  ) => void
  readonly list: () => ReadonlyArray<Subscription>
  /** Where an event of an organization goes. */
  readonly targets: (organization: string, eventType: string) => ReadonlyArray<Subscription>
  readonly isEmpty: () => boolean
}

const keyOf = (clientId: string, organization: string | undefined, type: string | undefined) =>
  JSON.stringify([clientId, organization ?? null, type ?? null])

const hexKey = (random: () => number): string => {
  let text = ""
  for (let i = 0; i < 64; i++) text += "0123456789abcdef"[Math.floor(random() * 16)]
  return text
}

/** @internal */
export const make = (random: () => number): Subscriptions => {
  const byKey = new Map<string, Subscription>()
  return {
    set: (input) => {
      const key = keyOf(input.clientId, input.organization, input.notificationType)
      const existing = byKey.get(key)
      const subscription: Subscription = {
        ...input,
        signatureKey: existing !== undefined && existing.url === input.url ? existing.signatureKey : hexKey(random)
      }
      byKey.set(key, subscription)
      return subscription
    },
    remove: (clientId, organization, notificationType) => {
      byKey.delete(keyOf(clientId, organization, notificationType))
    },
    list: () => [...byKey.values()],
    targets: (organization, eventType) => {
      const slug = organization.toLowerCase()
      const chosen = new Map<string, Subscription>()
      for (const subscription of byKey.values()) {
        const applies = subscription.organization === undefined
          ? subscription.clientOrganization.toLowerCase() === slug
          : subscription.organization === slug
        if (!applies) continue
        if (subscription.notificationType !== undefined && subscription.notificationType !== eventType) continue
        const level = keyOf(subscription.clientId, subscription.organization, undefined)
        const current = chosen.get(level)
        // the URL of the event's type wins over the main URL of the same level
        if (current === undefined || current.notificationType === undefined) chosen.set(level, subscription)
      }
      const byUrl = new Map<string, Subscription>()
      for (const subscription of chosen.values()) {
        if (!byUrl.has(subscription.url)) byUrl.set(subscription.url, subscription)
      }
      return [...byUrl.values()]
    },
    isEmpty: () => byKey.size === 0
  }
}

/** @internal */
export const parseNotificationType = (text: string): NotificationType | undefined =>
  NOTIFICATION_TYPES.find((type) => type.toLowerCase() === text.trim().toLowerCase())

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(["127.0.0.1", "[::1]", "localhost"])

/** A URL HelloAsso can POST to: https, or plain http on loopback (the simulator's allowance for tests). @internal */
export const checkUrl = (text: string): string | undefined => {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return "The Url field is not a valid absolute URL."
  }
  if (url.protocol === "https:") return undefined
  if (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname.toLowerCase())) return undefined
  return "The Url must use https (plain http is accepted for a loopback host only)."
}

/** @internal */
export type ParsedBody =
  | { readonly _tag: "Body"; readonly url: string; readonly notificationType: NotificationType | undefined }
  | { readonly _tag: "Invalid"; readonly errors: Record<string, Array<string>> }
  | { readonly _tag: "UnsupportedMediaType" }

const JSON_TYPES = /^(application\/json|text\/json|application\/[^;\s]*\+json)\s*(;|$)/i

/**
 * `PostApiUrlNotificationBody` as ASP.NET reads it: a JSON content type (415 otherwise), `url` required and not
 * empty, `notificationType` one of the enum's names (any case), unknown fields ignored.
 *
 * @internal
 */
export const parseBody = (contentType: string | undefined, text: string): ParsedBody => {
  if (contentType === undefined || !JSON_TYPES.test(contentType.trim())) return { _tag: "UnsupportedMediaType" }
  if (text.trim() === "") return { _tag: "Invalid", errors: { "": ["A non-empty request body is required."] } }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return {
      _tag: "Invalid",
      errors: { "$": ["The JSON value could not be read."], body: ["The body field is required."] }
    }
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return {
      _tag: "Invalid",
      errors: { "$": ["The JSON value could not be converted to PostApiUrlNotificationBody."] }
    }
  }
  const fields = json as Record<string, unknown>
  const errors: Record<string, Array<string>> = {}
  // System.Text.Json in ASP.NET matches property names case-insensitively
  const field = (name: string) => {
    for (const [key, value] of Object.entries(fields)) if (key.toLowerCase() === name.toLowerCase()) return value
    return undefined
  }
  const url = field("url")
  const rawType = field("notificationType")
  let notificationType: NotificationType | undefined
  if (rawType !== undefined && rawType !== null) {
    notificationType = typeof rawType === "string" ? parseNotificationType(rawType) : undefined
    if (notificationType === undefined) {
      errors["$.notificationType"] = ["The JSON value could not be converted to ApiNotificationType."]
    }
  }
  if (url !== undefined && url !== null && typeof url !== "string") {
    errors["$.url"] = ["The JSON value could not be converted to System.String."]
  } else if (url === undefined || url === null || url === "") {
    errors["Url"] = ["The Url field is required."]
  } else {
    const problem = checkUrl(url)
    if (problem !== undefined) errors["Url"] = [problem]
  }
  if (Object.keys(errors).length > 0) return { _tag: "Invalid", errors }
  return { _tag: "Body", url: url as string, notificationType }
}
