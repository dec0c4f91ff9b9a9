/**
 * The options every command that talks to HelloAsso shares: credentials and environment, from options or the
 * `HELLOASSO_*` variables (prefer the variables for secrets: command lines are visible to other users).
 */
import * as Options from "@effect/cli/Options"
import type * as HelloAsso from "@helloasso-effect/core/HelloAsso"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as NodeHelloAsso from "../../NodeHelloAsso.js"

const ENVIRONMENTS = ["production", "sandbox"] as const

/** HELLOASSO_ENVIRONMENT; a value out of the list names the variable, the valid values and the flag. */
const environmentVariable = Config.string("HELLOASSO_ENVIRONMENT").pipe(
  Config.mapOrFail((value) =>
    (ENVIRONMENTS as ReadonlyArray<string>).includes(value)
      ? Either.right(value as (typeof ENVIRONMENTS)[number])
      : Either.left(ConfigError.InvalidData(
        [],
        `HELLOASSO_ENVIRONMENT=${value} is not an environment: set it to ${ENVIRONMENTS.join(" or ")} ` +
          "(or pass --environment)"
      ))
  )
)

export const connection = {
  clientId: Options.text("client-id").pipe(
    Options.withDescription("OAuth client id (or HELLOASSO_CLIENT_ID)"),
    Options.withFallbackConfig(Config.string("HELLOASSO_CLIENT_ID")),
    Options.optional
  ),
  clientSecret: Options.redacted("client-secret").pipe(
    Options.withDescription("OAuth client secret (prefer HELLOASSO_CLIENT_SECRET)"),
    Options.withFallbackConfig(Config.redacted("HELLOASSO_CLIENT_SECRET")),
    Options.optional
  ),
  environment: Options.choice("environment", ENVIRONMENTS).pipe(
    Options.withDescription("HelloAsso environment (or HELLOASSO_ENVIRONMENT)"),
    Options.withFallbackConfig(environmentVariable),
    Options.withDefault("production" as const)
  ),
  apiUrl: Options.text("api-url").pipe(
    Options.withDescription("API base URL, e.g. a simulator's (or HELLOASSO_API_URL)"),
    Options.withFallbackConfig(Config.string("HELLOASSO_API_URL")),
    Options.optional
  ),
  tokenUrl: Options.text("token-url").pipe(
    Options.withDescription("token endpoint URL (or HELLOASSO_TOKEN_URL); defaults next to --api-url"),
    Options.withFallbackConfig(Config.string("HELLOASSO_TOKEN_URL")),
    Options.optional
  )
}

export interface Connection {
  readonly clientId: Option.Option<string>
  readonly clientSecret: Option.Option<Redacted.Redacted<string>>
  readonly environment: "production" | "sandbox"
  readonly apiUrl: Option.Option<string>
  readonly tokenUrl: Option.Option<string>
}

/** The organization: `--org` or HELLOASSO_ORGANIZATION. */
export const organization = Options.text("org").pipe(
  Options.withDescription("organization slug (or HELLOASSO_ORGANIZATION)"),
  Options.withFallbackConfig(Config.string("HELLOASSO_ORGANIZATION"))
)

/** The client for these options; missing credentials are a configuration error naming what to set. */
export const layer = (connection: Connection) =>
  Layer.unwrapEffect(Effect.gen(function*() {
    if (Option.isNone(connection.clientId) || Option.isNone(connection.clientSecret)) {
      return yield* Effect.fail(
        ConfigError.MissingData(
          [Option.isNone(connection.clientId) ? "HELLOASSO_CLIENT_ID" : "HELLOASSO_CLIENT_SECRET"],
          "client credentials are missing: set HELLOASSO_CLIENT_ID and HELLOASSO_CLIENT_SECRET " +
            "(or pass --client-id / --client-secret)"
        )
      )
    }
    // without a token URL, the library takes the one next to the API URL
    const options: HelloAsso.Options = {
      environment: connection.environment,
      apiUrl: Option.getOrUndefined(connection.apiUrl),
      tokenUrl: Option.getOrUndefined(connection.tokenUrl),
      clientId: connection.clientId.value,
      clientSecret: connection.clientSecret.value,
      userAgent: "helloasso-cli"
    }
    return NodeHelloAsso.layer(options)
  }))
