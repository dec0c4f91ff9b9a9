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
}

/** @internal */
export const optionNames: OptionNames = {
  apiUrl: "apiUrl",
  tokenUrl: "tokenUrl",
  clientId: "clientId",
  clientSecret: "clientSecret"
}

/** @internal */
export const envNames: OptionNames = {
  apiUrl: "HELLOASSO_API_URL",
  tokenUrl: "HELLOASSO_TOKEN_URL",
  clientId: "HELLOASSO_CLIENT_ID",
  clientSecret: "HELLOASSO_CLIENT_SECRET"
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
  const tokenUrl = checkBaseUrl(options.tokenUrl ?? base.tokenUrl)
  if (Either.isLeft(tokenUrl)) return invalid(names.tokenUrl, tokenUrl.left)
  if (options.clientId !== undefined && options.clientSecret === undefined) {
    return invalid(names.clientSecret, "missing: a client id needs its client secret")
  }
  if (options.clientId === undefined && options.clientSecret !== undefined) {
    return invalid(names.clientId, "missing: a client secret needs its client id")
  }
  if (options.clientId !== undefined && options.clientId.trim() === "") {
    return invalid(names.clientId, "must not be empty")
  }
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
    retry: {
      maxRetries,
      baseDelay: duration(retry.baseDelay, "250 millis"),
      maxDelay: duration(retry.maxDelay, "10 seconds"),
      maxRetryAfter: duration(retry.maxRetryAfter, "60 seconds")
    },
    tokenRefreshMargin: duration(options.tokenRefreshMargin, "60 seconds")
  })
}
