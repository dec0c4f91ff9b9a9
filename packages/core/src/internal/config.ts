import * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type * as HelloAssoConfig from "../HelloAssoConfig.js"

/** The name each option has for the user, in error messages. @internal */
export interface OptionNames {
  readonly apiUrl: string
  readonly tokenUrl: string
  readonly clientId: string
  readonly clientSecret: string
  readonly userAgent: string
  readonly maxBodyBytes: string
  readonly maxErrorBodyBytes: string
}

/** @internal */
export const optionNames: OptionNames = {
  apiUrl: "apiUrl",
  tokenUrl: "tokenUrl",
  clientId: "clientId",
  clientSecret: "clientSecret",
  userAgent: "userAgent",
  maxBodyBytes: "maxBodyBytes",
  maxErrorBodyBytes: "maxErrorBodyBytes"
}

/** @internal */
export const envNames: OptionNames = {
  apiUrl: "HELLOASSO_API_URL",
  tokenUrl: "HELLOASSO_TOKEN_URL",
  clientId: "HELLOASSO_CLIENT_ID",
  clientSecret: "HELLOASSO_CLIENT_SECRET",
  userAgent: "userAgent",
  maxBodyBytes: "maxBodyBytes",
  maxErrorBodyBytes: "maxErrorBodyBytes"
}

const endpoints: Record<HelloAssoConfig.Environment, HelloAssoConfig.Endpoints> = {
  production: {
    apiUrl: "https://api.helloasso.com/v5",
    tokenUrl: "https://api.helloasso.com/oauth2/token"
  },
  sandbox: {
    apiUrl: "https://api.helloasso-sandbox.com/v5",
    tokenUrl: "https://api.helloasso-sandbox.com/oauth2/token"
  }
}

/** @internal */
export const environmentEndpoints = (environment: HelloAssoConfig.Environment): HelloAssoConfig.Endpoints =>
  endpoints[environment]

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(["127.0.0.1", "[::1]", "localhost"])

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

/** What a header value may hold: printable ASCII (a line break would inject a header or fail every request). */
const HEADER_TEXT = /^[\x20-\x7e]*$/

/** Drops the keys whose value is `undefined`. @internal */
export const defined = <A extends object>(options: A): Partial<A> =>
  Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<A>

const duration = (input: Duration.DurationInput | undefined, fallback: Duration.DurationInput) =>
  Duration.decode(input ?? fallback)

/** @internal */
export const make = (
  options: HelloAssoConfig.Options,
  names: OptionNames
): Either.Either<HelloAssoConfig.Service, ConfigError.ConfigError> => {
  const base = endpoints[options.environment ?? "production"]
  const invalid = (name: string, message: string) => Either.left(ConfigError.InvalidData([name], `${name}: ${message}`))
  const apiUrl = checkBaseUrl(options.apiUrl ?? base.apiUrl)
  if (Either.isLeft(apiUrl)) return invalid(names.apiUrl, apiUrl.left)
  // the token endpoint sits next to the API it serves: credentials never go to a host the user did not name
  const tokenUrl = checkBaseUrl(
    options.tokenUrl ?? (options.apiUrl === undefined ? base.tokenUrl : tokenUrlNextTo(apiUrl.right))
  )
  if (Either.isLeft(tokenUrl)) return invalid(names.tokenUrl, tokenUrl.left)
  if (options.userAgent !== undefined && !HEADER_TEXT.test(options.userAgent)) {
    return invalid(names.userAgent, "must be printable ASCII (no line breaks or control characters)")
  }
  if (options.clientId !== undefined && options.clientSecret === undefined) {
    return invalid(names.clientSecret, "missing: a client id needs its client secret")
  }
  if (options.clientId === undefined && options.clientSecret !== undefined) {
    return invalid(names.clientId, "missing: a client secret needs its client id")
  }
  if (options.clientId !== undefined && options.clientId.trim() === "") {
    return invalid(names.clientId, "must not be empty")
  }
  const bytes = (
    name: string,
    value: number | undefined,
    fallback: number
  ): Either.Either<number, ConfigError.ConfigError> =>
    value === undefined
      ? Either.right(fallback)
      : Number.isSafeInteger(value) && value >= 1024
      ? Either.right(value)
      : invalid(name, "must be a whole number of bytes, at least 1024")
  const maxBodyBytes = bytes(names.maxBodyBytes, options.maxBodyBytes, 32 * 1024 * 1024)
  if (Either.isLeft(maxBodyBytes)) return Either.left(maxBodyBytes.left)
  const maxErrorBodyBytes = bytes(names.maxErrorBodyBytes, options.maxErrorBodyBytes, 64 * 1024)
  if (Either.isLeft(maxErrorBodyBytes)) return Either.left(maxErrorBodyBytes.left)
  const retry = options.retry ?? {}
  const maxRetries = retry.maxRetries ?? 4
  if (!Number.isInteger(maxRetries) || maxRetries < 0 || maxRetries > 20) {
    return invalid("retry.maxRetries", "must be an integer from 0 to 20")
  }
  return Either.right({
    apiUrl: apiUrl.right,
    tokenUrl: tokenUrl.right,
    credentials: options.clientId !== undefined && options.clientSecret !== undefined
      ? Option.some({ clientId: options.clientId, clientSecret: options.clientSecret })
      : Option.none(),
    userAgent: Option.fromNullable(options.userAgent),
    timeout: duration(options.timeout, "30 seconds"),
    deadline: duration(options.deadline, "2 minutes"),
    exportDeadline: duration(options.exportDeadline, "1 hour"),
    maxBodyBytes: maxBodyBytes.right,
    maxErrorBodyBytes: maxErrorBodyBytes.right,
    grantHoldOff: duration(options.grantHoldOff, "60 seconds"),
    retry: {
      maxRetries,
      baseDelay: duration(retry.baseDelay, "250 millis"),
      maxDelay: duration(retry.maxDelay, "10 seconds"),
      maxRetryAfter: duration(retry.maxRetryAfter, "60 seconds")
    },
    tokenRefreshMargin: duration(options.tokenRefreshMargin, "60 seconds")
  })
}
