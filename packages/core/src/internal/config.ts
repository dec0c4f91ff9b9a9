import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type * as HelloAssoConfig from "../HelloAssoConfig.js"

/** The name each option has for the user in the errors of `make`: the option's own name unless listed. @internal */
export type OptionNames = Readonly<Record<string, string>>

/** @internal */
export const optionNames: OptionNames = {}

/** @internal */
export const envNames: OptionNames = {
  environment: "HELLOASSO_ENVIRONMENT",
  apiUrl: "HELLOASSO_API_URL",
  tokenUrl: "HELLOASSO_TOKEN_URL",
  authorizeUrl: "HELLOASSO_AUTHORIZE_URL",
  clientId: "HELLOASSO_CLIENT_ID",
  clientSecret: "HELLOASSO_CLIENT_SECRET"
}

const endpoints: Record<HelloAssoConfig.Environment, HelloAssoConfig.Endpoints> = {
  production: {
    apiUrl: "https://api.helloasso.com/v5",
    tokenUrl: "https://api.helloasso.com/oauth2/token",
    authorizeUrl: "https://auth.helloasso.com/authorize"
  },
  sandbox: {
    apiUrl: "https://api.helloasso-sandbox.com/v5",
    tokenUrl: "https://api.helloasso-sandbox.com/oauth2/token",
    authorizeUrl: "https://auth.helloasso-sandbox.com/authorize"
  }
}

/** @internal */
export const environmentEndpoints = (environment: HelloAssoConfig.Environment): HelloAssoConfig.Endpoints =>
  endpoints[environment]

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(["127.0.0.1", "[::1]", "localhost"])

/** A URL's `hostname` that is a loopback host (tests, simulators). @internal */
export const isLoopbackHost = (hostname: string): boolean => LOOPBACK_HOSTS.has(hostname)

/**
 * Base URLs must be https; plain http is allowed for loopback hosts only (tests and the simulator).
 *
 * @internal
 */
export const checkBaseUrl = (url: string): Either.Either<string, string> => {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return Either.left(`${JSON.stringify(url)} is not an absolute URL`)
  }
  if (parsed.username !== "" || parsed.password !== "") {
    return Either.left("the URL must not carry credentials")
  }
  if (parsed.search !== "" || parsed.hash !== "") {
    return Either.left("the URL must not have a query string or a fragment")
  }
  if (parsed.protocol === "https:") return Either.right(parsed.href.replace(/\/+$/, ""))
  if (parsed.protocol === "http:" && LOOPBACK_HOSTS.has(parsed.hostname)) {
    return Either.right(parsed.href.replace(/\/+$/, ""))
  }
  return Either.left(`${parsed.protocol}//${parsed.host} is refused: use https (plain http only on a loopback host)`)
}

/** `{origin of apiUrl}/oauth2/token`: HelloAsso's token endpoint is at the root of the API's host, not under /v5. */
const tokenUrlNextTo = (apiUrl: string): string => new URL("/oauth2/token", apiUrl).href

/**
 * The authorization page next to a loopback `apiUrl` (a simulator serves both); HelloAsso's own page is on another
 * host (`auth.helloasso.com`), so any other `apiUrl` keeps the environment's.
 */
const authorizeUrlNextTo = (apiUrl: string): string | undefined =>
  LOOPBACK_HOSTS.has(new URL(apiUrl).hostname) ? new URL("/authorize", apiUrl).href : undefined

/** What a header value may hold: printable ASCII (a line break would inject a header or fail every request). */
const HEADER_TEXT = /^[\x20-\x7e]*$/

/** Why a value is refused, or `undefined` when it is accepted. */
type Check = (value: unknown) => string | undefined

const url: Check = (value) => {
  if (typeof value !== "string") return "must be a URL"
  const checked = checkBaseUrl(value)
  return Either.isLeft(checked) ? checked.left : undefined
}

const bytes: Check = (value) =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= 1024
    ? undefined
    : "must be a whole number of bytes, at least 1024"

const duration: Check = (value) =>
  Option.isSome(Duration.decodeUnknown(value)) ? undefined : "must be a duration (e.g. \"30 seconds\")"

/**
 * The checks each option passes on its own, in the order they are made. Checks involving two options (a client id
 * needs its secret) come after, once every option is known.
 */
const checks: ReadonlyArray<readonly [string, Check]> = [
  [
    "environment",
    (value) => value === "production" || value === "sandbox" ? undefined : "must be production or sandbox"
  ],
  ["apiUrl", url],
  ["tokenUrl", url],
  ["authorizeUrl", url],
  ["userAgent", (value) =>
    typeof value === "string" && HEADER_TEXT.test(value)
      ? undefined
      : "must be printable ASCII (no line breaks or control characters)"],
  ["clientId", (value) => typeof value === "string" && value.trim() !== "" ? undefined : "must not be empty"],
  ["maxBodyBytes", bytes],
  ["maxErrorBodyBytes", bytes],
  ["retry.maxRetries", (value) =>
    typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 20
      ? undefined
      : "must be an integer from 0 to 20"],
  ["retry.baseDelay", duration],
  ["retry.maxDelay", duration],
  ["retry.maxRetryAfter", duration],
  ["timeout", duration],
  ["deadline", duration],
  ["exportDeadline", duration],
  ["grantHoldOff", duration],
  ["tokenRefreshMargin", duration]
]

const checkOf: ReadonlyMap<string, Check> = new Map(checks)

const valueAt = (options: HelloAssoConfig.Options, key: string): unknown => {
  const [head, tail] = key.split(".") as [string, string | undefined]
  const value = (options as Record<string, unknown>)[head]
  return tail === undefined ? value : (value as Record<string, unknown> | undefined)?.[tail]
}

/** Drops the keys whose value is `undefined`. @internal */
export const defined = <A extends object>(options: A): Partial<A> =>
  Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<A>

/** The parts of `effect/Config`'s structure that lead from a wrapped `Config` to the key it reads. */
interface ConfigNode {
  readonly _tag?: unknown
  readonly name?: unknown
  readonly config?: unknown
  readonly first?: unknown
  readonly original?: unknown
}

/**
 * The part of the path of the key `config` reads that `Config.mapOrFail` does not already put in its errors: it
 * names the keys of the `Config` it maps only up to the first wrapper (`Config.withDefault`, `Config.map`,
 * `Config.redacted`). Follows the first branch of each wrapper down to the value; `[]` for any other shape
 * (the message still names the option).
 */
const pathBelowWrappers = (config: Config.Config<unknown>): Array<string> => {
  const names: Array<string> = []
  let leading = 0
  let wrapped = false
  let node = config as unknown as ConfigNode | undefined
  for (let depth = 0; depth < 64 && node !== undefined; depth++) {
    switch (node._tag) {
      case "Nested":
        if (typeof node.name !== "string") return []
        names.push(node.name)
        if (!wrapped) leading++
        node = node.config as ConfigNode | undefined
        break
      case "Fallback":
        wrapped = true
        node = node.first as ConfigNode | undefined
        break
      case "MapOrFail":
      case "Redacted":
        wrapped = true
        node = node.original as ConfigNode | undefined
        break
      case "Described":
        wrapped = true
        node = node.config as ConfigNode | undefined
        break
      case "Primitive":
        return names.slice(leading)
      default:
        return []
    }
  }
  return []
}

/**
 * The option `key` read by `config`, checked inside `Config`: a refused value fails with `InvalidData` at the path
 * of the key `config` reads (`HELLOASSO_API_URL`), the message naming the option (`apiUrl: ...`).
 *
 * @internal
 */
export const checked = <A>(key: string, config: Config.Config<A>): Config.Config<A> => {
  const check = checkOf.get(key)
  if (check === undefined) return config
  const path = pathBelowWrappers(config)
  return Config.mapOrFail(config, (value) => {
    const reason = value === undefined ? undefined : check(value)
    return reason === undefined ? Either.right(value) : Either.left(ConfigError.InvalidData(path, `${key}: ${reason}`))
  })
}

/** Options read by `Config` that are unset when their variable is missing. */
const optional = <A>(config: Config.Config<A>): Config.Config<A | undefined> =>
  Config.map(Config.option(config), Option.getOrUndefined)

/** `HelloAssoConfig.fromEnv` as a record, each variable checked where it is read. @internal */
export const envConfigs = {
  environment: Config.literal("production", "sandbox")("HELLOASSO_ENVIRONMENT").pipe(
    Config.withDefault("production" as const)
  ),
  apiUrl: optional(checked("apiUrl", Config.string("HELLOASSO_API_URL"))),
  tokenUrl: optional(checked("tokenUrl", Config.string("HELLOASSO_TOKEN_URL"))),
  authorizeUrl: optional(checked("authorizeUrl", Config.string("HELLOASSO_AUTHORIZE_URL"))),
  clientId: optional(checked("clientId", Config.string("HELLOASSO_CLIENT_ID"))),
  clientSecret: optional(Config.redacted("HELLOASSO_CLIENT_SECRET"))
} satisfies HelloAssoConfig.ConfigOptions

const notConfigured = new Set(["transformClient", "retrySchedule"])

/**
 * The options from a record of `Config`s, each checked inside its own `Config`; the options `overrides` sets are
 * not read at all. `checkedAlready`: the record's `Config`s check their values themselves (`envConfigs`).
 *
 * @internal
 */
export const fromRecord = (
  record: HelloAssoConfig.ConfigOptions,
  overrides: HelloAssoConfig.Options,
  checkedAlready: boolean
): Config.Config<HelloAssoConfig.Options> => {
  const given = defined(overrides)
  const check = <A>(key: string, config: Config.Config<A>) => checkedAlready ? config : checked(key, config)
  const configs: Record<string, Config.Config<unknown>> = {}
  const plain: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined || key in given) continue
    if (notConfigured.has(key)) {
      plain[key] = value
    } else if (key === "retry" && !Config.isConfig(value)) {
      const retry: Record<string, Config.Config<unknown>> = {}
      for (const [field, config] of Object.entries(value as Record<string, Config.Config<unknown> | undefined>)) {
        if (config !== undefined) retry[field] = check(`retry.${field}`, config)
      }
      configs[key] = allOf(retry)
    } else if (key === "retry") {
      configs[key] = Config.mapOrFail(
        value as Config.Config<HelloAssoConfig.Options["retry"]>,
        (retry) => Either.map(checkAll({ retry }, optionNames, (key) => key.startsWith("retry.")), () => retry)
      )
    } else {
      configs[key] = check(key, value as Config.Config<unknown>)
    }
  }
  return Config.map(allOf(configs), (options) => ({ ...plain, ...options }))
}

/** `Config.all` of a record, which may be empty. */
const allOf = (configs: Record<string, Config.Config<unknown>>): Config.Config<Record<string, unknown>> =>
  Object.keys(configs).length === 0 ? Config.succeed({}) : Config.all(configs)

/** The checks of single options whose key `which` selects, naming them through `names`. */
const checkAll = (
  options: HelloAssoConfig.Options,
  names: OptionNames,
  which: (key: string) => boolean
): Either.Either<void, ConfigError.ConfigError> => {
  for (const [key, check] of checks) {
    if (!which(key)) continue
    const value = valueAt(options, key)
    const reason = value === undefined ? undefined : check(value)
    if (reason !== undefined) return Either.left(invalid(names, key, reason))
  }
  return Either.void
}

/** Checked before a client id and its secret are paired; the others after. */
const FIRST: ReadonlySet<string> = new Set(["environment", "apiUrl", "tokenUrl", "authorizeUrl", "userAgent"])

const invalid = (names: OptionNames, key: string, reason: string): ConfigError.ConfigError =>
  ConfigError.InvalidData([names[key] ?? key], `${names[key] ?? key}: ${reason}`)

const durationOr = (input: Duration.DurationInput | undefined, fallback: Duration.DurationInput) =>
  Duration.decode(input ?? fallback)

/** @internal */
export const make = (
  options: HelloAssoConfig.Options,
  names: OptionNames
): Either.Either<HelloAssoConfig.Service, ConfigError.ConfigError> => {
  const first = checkAll(options, names, (key) => FIRST.has(key))
  if (Either.isLeft(first)) return Either.left(first.left)
  if (options.clientId !== undefined && options.clientSecret === undefined) {
    return Either.left(invalid(names, "clientSecret", "missing: a client id needs its client secret"))
  }
  if (options.clientId === undefined && options.clientSecret !== undefined) {
    return Either.left(invalid(names, "clientId", "missing: a client secret needs its client id"))
  }
  const rest = checkAll(options, names, (key) => !FIRST.has(key))
  if (Either.isLeft(rest)) return Either.left(rest.left)
  const base = endpoints[options.environment ?? "production"]
  const apiUrl = checkBaseUrl(options.apiUrl ?? base.apiUrl)
  if (Either.isLeft(apiUrl)) return Either.left(invalid(names, "apiUrl", apiUrl.left))
  // the token endpoint sits next to the API it serves: credentials never go to a host the user did not name
  const tokenUrl = checkBaseUrl(
    options.tokenUrl ?? (options.apiUrl === undefined ? base.tokenUrl : tokenUrlNextTo(apiUrl.right))
  )
  if (Either.isLeft(tokenUrl)) return Either.left(invalid(names, "tokenUrl", tokenUrl.left))
  const authorizeUrl = checkBaseUrl(
    options.authorizeUrl ??
      (options.apiUrl === undefined ? base.authorizeUrl : authorizeUrlNextTo(apiUrl.right) ?? base.authorizeUrl)
  )
  if (Either.isLeft(authorizeUrl)) return Either.left(invalid(names, "authorizeUrl", authorizeUrl.left))
  const retry = options.retry ?? {}
  return Either.right({
    apiUrl: apiUrl.right,
    tokenUrl: tokenUrl.right,
    authorizeUrl: authorizeUrl.right,
    credentials: options.clientId !== undefined && options.clientSecret !== undefined
      ? Option.some({ clientId: options.clientId, clientSecret: options.clientSecret })
      : Option.none(),
    userAgent: Option.fromNullable(options.userAgent),
    timeout: durationOr(options.timeout, "30 seconds"),
    deadline: durationOr(options.deadline, "2 minutes"),
    exportDeadline: durationOr(options.exportDeadline, "1 hour"),
    maxBodyBytes: options.maxBodyBytes ?? 32 * 1024 * 1024,
    maxErrorBodyBytes: options.maxErrorBodyBytes ?? 64 * 1024,
    grantHoldOff: durationOr(options.grantHoldOff, "60 seconds"),
    retry: {
      maxRetries: retry.maxRetries ?? 4,
      baseDelay: durationOr(retry.baseDelay, "250 millis"),
      maxDelay: durationOr(retry.maxDelay, "10 seconds"),
      maxRetryAfter: durationOr(retry.maxRetryAfter, "60 seconds")
    },
    tokenRefreshMargin: durationOr(options.tokenRefreshMargin, "60 seconds"),
    transformClient: Option.fromNullable(options.transformClient),
    retrySchedule: Option.fromNullable(options.retrySchedule)
  })
}
