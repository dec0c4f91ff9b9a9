/**
 * `helloasso simulator serve`: the HelloAsso simulator on loopback HTTP, for demos, rehearsals and other tools'
 * tests. Its first line on stdout is one JSON object with what a client needs to talk to it; faults, latency and
 * MFA are set from flags, and `--notify URL` registers a URL its notifications are delivered to.
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { ValidationError } from "@helloasso-effect/core/HelloAssoError"
import type { MfaCode } from "@helloasso-effect/core/HelloAssoError"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as NodeSimulatorServer from "../../NodeSimulatorServer.js"
import * as Formats from "./formats.js"

const OPERATION = "simulator serve"

const invalid = (field: string, detail: string) =>
  new ValidationError({ operation: OPERATION, source: "client", field, detail })

const check = (field: string, ok: boolean, detail: string) => ok ? Effect.void : Effect.fail(invalid(field, detail))

const ENDPOINTS: ReadonlyArray<HelloAssoSimulator.Endpoint> = [
  "token",
  "listByForm",
  "listByOrganization",
  "search",
  "get",
  "refund",
  "exportCashOut",
  "setNotificationUrl",
  "deleteNotificationUrl",
  "authorize",
  "disconnect",
  "partnerOrganizations",
  "setApiClientDomain"
]

/** Faults without a parameter, by their name on the command line. */
const SIMPLE_FAULTS: Record<string, HelloAssoSimulator.Fault> = {
  "validation": HelloAssoSimulator.fault.validation(),
  "malformed-json": HelloAssoSimulator.fault.malformedJson,
  "truncated-json": HelloAssoSimulator.fault.truncatedJson,
  "revoke-token": HelloAssoSimulator.fault.revokeToken,
  "stall-body": HelloAssoSimulator.fault.stallBody,
  "refuse-connection": HelloAssoSimulator.fault.refuseConnection,
  "reset-before-read": HelloAssoSimulator.fault.resetBeforeRead,
  "reset-after-read": HelloAssoSimulator.fault.resetAfterRead
}

const KINDS = `a status from 400 to 599, 429=SECONDS (Retry-After), latency=MS, ${
  Object.keys(SIMPLE_FAULTS).join(", ")
}`

const FAULT_SYNTAX = "ENDPOINT:KIND[:WHEN]"

const wholeNumber = (text: string): number | undefined => /^\d{1,9}$/.test(text) ? Number(text) : undefined

const parseKind = (kind: string): Either.Either<HelloAssoSimulator.Fault, string> => {
  const simple = SIMPLE_FAULTS[kind]
  if (simple !== undefined) return Either.right(simple)
  const [name = "", value] = kind.split("=", 2)
  const status = wholeNumber(name)
  if (status !== undefined && status >= 400 && status <= 599) {
    if (value === undefined) return Either.right(HelloAssoSimulator.fault.status(status))
    const seconds = wholeNumber(value)
    if (seconds === undefined) return Either.left(`'${kind}': write ${name}=SECONDS, e.g. 429=2 (Retry-After)`)
    return Either.right({ ...HelloAssoSimulator.fault.status(status), retryAfter: seconds } as HelloAssoSimulator.Fault)
  }
  if (name === "latency") {
    const millis = value === undefined ? undefined : wholeNumber(value)
    if (millis === undefined) return Either.left(`'${kind}': write latency=MS, e.g. latency=500`)
    return Either.right(HelloAssoSimulator.fault.latency(millis))
  }
  return Either.left(`'${kind}' is no fault: use ${KINDS}`)
}

const parseWhen = (when: string): Either.Either<Pick<HelloAssoSimulator.FaultRule, "on" | "probability">, string> => {
  const percent = /^(\d{1,3}(?:\.\d+)?)%$/.exec(when)
  if (percent !== null) {
    const value = Number(percent[1])
    return value > 0 && value <= 100
      ? Either.right({ probability: value / 100 })
      : Either.left(`'${when}': a probability is above 0% and at most 100%`)
  }
  const on = when.split(",").map(wholeNumber)
  if (on.length > 0 && on.every((n) => n !== undefined && n >= 1)) return Either.right({ on: on as Array<number> })
  return Either.left(
    `'${when}' is no WHEN: give the matching requests to fail, counted from 1 (e.g. 1,2), or a probability (e.g. 20%)`
  )
}

/** `ENDPOINT:KIND[:WHEN]`, e.g. `get:503:1,2`, `listByOrganization:429=2:20%`, `all:latency=300`. */
export const parseFault = (spec: string): Either.Either<HelloAssoSimulator.FaultRule, string> => {
  const [endpoint = "", kind, when, ...rest] = spec.split(":")
  if (kind === undefined || kind === "" || rest.length > 0 || when === "") {
    return Either.left(`'${spec}' is not ${FAULT_SYNTAX} (e.g. get:503:1,2)`)
  }
  if (endpoint !== "all" && !(ENDPOINTS as ReadonlyArray<string>).includes(endpoint)) {
    return Either.left(`'${spec}': '${endpoint}' is no endpoint: use all, ${ENDPOINTS.join(", ")}`)
  }
  return Either.flatMap(
    parseKind(kind),
    (fault) =>
      Either.map(when === undefined ? Either.right({}) : parseWhen(when), (schedule) => ({
        ...(endpoint === "all" ? {} : { endpoint: endpoint as HelloAssoSimulator.Endpoint }),
        fault,
        ...schedule
      }))
  ).pipe(Either.mapLeft((detail) => detail.startsWith(`'${spec}'`) ? detail : `'${spec}': ${detail}`))
}

const MFA: Record<string, { readonly code: MfaCode; readonly header: string | undefined }> = {
  "access": { code: "AuthorizationErrors.MFA.AccessTokenRequired", header: "x-mfa-access-authorization" },
  "sms": { code: "AuthorizationErrors.MFA.AccessOtpSmsRequired", header: "x-mfa-sms-access-authorization" },
  "password": { code: "AuthorizationErrors.MFA.AccessPasswordTokenRequired", header: "x-mfa-password-authorization" },
  "not-enrolled": { code: "AuthorizationErrors.UserNotEnrolled", header: undefined }
}

const serve = Command.make("serve", {
  port: Options.integer("port").pipe(
    Options.withDescription("port on 127.0.0.1, 0 for any free port (default: 0)"),
    Options.withDefault(0)
  ),
  payments: Options.integer("payments").pipe(
    Options.withDescription("how many payments the simulated association has (default: 2000)"),
    Options.withDefault(2000)
  ),
  seed: Options.integer("seed").pipe(
    Options.withDescription("seed of the generated data and of the faults drawn by probability (default: 1)"),
    Options.withDefault(1)
  ),
  organization: Options.text("organization").pipe(
    Options.withDescription("organization slug (default: les-amis-du-lavoir)"),
    Options.optional
  ),
  fault: Options.text("fault").pipe(
    Options.withDescription(
      `inject a fault, as ${FAULT_SYNTAX} (repeat for several). ENDPOINT: all, ${ENDPOINTS.join(", ")}. ` +
        `KIND: ${KINDS}. WHEN: the matching requests to fail, counted from 1 (1,2), or a probability (20%); ` +
        "every matching request without it. E.g. --fault get:503:1,2 --fault listByOrganization:429=2:20% " +
        "(default: no fault)"
    ),
    Options.repeated
  ),
  latency: Options.integer("latency").pipe(
    Options.withDescription("delay every answer by this many milliseconds (default: 0)"),
    Options.optional
  ),
  rateLimit: Options.text("rate-limit").pipe(
    Options.withDescription(
      "answer 429 with Retry-After beyond R requests a second per client, in bursts of up to BURST (R[:BURST], " +
        "e.g. 10:20; BURST defaults to R) (default: no limit)"
    ),
    Options.optional
  ),
  mfa: Options.choice("mfa", Object.keys(MFA) as ["access", "sms", "password", "not-enrolled"]).pipe(
    Options.withDescription(
      "refunds require multi-factor authentication: access (--mfa-access-token), sms (--mfa-sms-token), " +
        "password (--mfa-password-token), or not-enrolled (always refused) (default: no MFA)"
    ),
    Options.optional
  ),
  mfaToken: Options.text("mfa-token").pipe(
    Options.withDescription("the MFA token refunds must carry with --mfa (default: any non-empty token)"),
    Options.optional
  ),
  notify: Options.text("notify").pipe(
    Options.withDescription(
      "deliver the simulator's notifications (refunds, added payments) to this URL, https or http on 127.0.0.1 or " +
        "localhost, signed with the signatureKey of the JSON line (repeat for several) (default: none)"
    ),
    Options.repeated
  )
}, (args) =>
  Effect.gen(function*() {
    yield* check("port", Number.isInteger(args.port) && args.port >= 0 && args.port <= 65535, "must be 0 to 65535")
    yield* check("payments", args.payments >= 0 && args.payments <= 10_000_000, "must be 0 to 10000000")
    yield* check("seed", Number.isSafeInteger(args.seed), "must be a whole number")
    yield* check(
      "latency",
      !Option.exists(args.latency, (ms) => ms < 0 || ms > 600_000),
      "must be 0 to 600000 milliseconds"
    )
    yield* check(
      "mfa-token",
      Option.isNone(args.mfaToken) || Option.isSome(args.mfa),
      "--mfa-token goes with --mfa (the MFA that refunds require)"
    )
    const faults: Array<HelloAssoSimulator.FaultRule> = []
    for (const spec of args.fault) {
      const rule = parseFault(spec)
      if (Either.isLeft(rule)) return yield* invalid("fault", rule.left)
      faults.push(rule.right)
    }
    if (Option.isSome(args.latency) && args.latency.value > 0) {
      faults.push({ fault: HelloAssoSimulator.fault.latency(args.latency.value) })
    }
    const rateLimit = Option.getOrUndefined(args.rateLimit)
    const limit = rateLimit === undefined ? undefined : /^(\d+(?:\.\d+)?)(?::(\d+))?$/.exec(rateLimit)
    yield* check(
      "rate-limit",
      rateLimit === undefined || (limit != null && Number(limit[1]) > 0 && limit[2] !== "0"),
      "write R[:BURST], a rate above 0 requests a second and a whole burst above 0, e.g. 10:20"
    )
    const mfa = Option.map(args.mfa, (name) => MFA[name]!)
    const server = yield* NodeSimulatorServer.make({
      port: args.port,
      payments: args.payments,
      seed: args.seed,
      organization: Option.match(args.organization, { onNone: () => undefined, onSome: (slug) => ({ slug }) }),
      faults,
      rateLimit: limit == null
        ? undefined
        : { perSecond: Number(limit[1]), burst: limit[2] === undefined ? undefined : Number(limit[2]) }
    }).pipe(Effect.catchTag("ServeError", (error) => Effect.fail(serveFailure(args.port, error.cause))))
    const simulator = server.simulator
    if (Option.isSome(mfa)) yield* simulator.requireMfa(mfa.value.code, Option.getOrUndefined(args.mfaToken))
    const notify: Array<{ readonly url: string; readonly signatureKey: string }> = []
    for (const url of args.notify) {
      const registered = yield* simulator.setNotificationUrl({ url }).pipe(
        Effect.mapError((error) => invalid("notify", `'${url}': ${error.detail}`))
      )
      // the simulator's own key, printed like its client secret
      notify.push({ url: registered.url, signatureKey: Redacted.value(registered.signatureKey) })
    }
    yield* Console.log(JSON.stringify({
      apiUrl: server.apiUrl,
      tokenUrl: server.tokenUrl,
      authorizeUrl: server.authorizeUrl,
      clientId: simulator.credentials.clientId,
      // the simulator's own credentials, not a secret of anyone's
      clientSecret: Redacted.value(simulator.credentials.clientSecret),
      organization: simulator.organization.slug,
      // the simulated partner's client, for the authorization code flow
      partner: {
        clientId: simulator.partner.clientId,
        clientSecret: Redacted.value(simulator.partner.clientSecret)
      },
      ...Option.match(mfa, {
        onNone: () => ({}),
        onSome: ({ code, header }) => ({
          mfa: { code, header: header ?? null, token: Option.getOrNull(args.mfaToken) }
        })
      }),
      ...(notify.length === 0 ? {} : { notify })
    }))
    yield* Console.error(
      `HelloAsso simulator on ${server.url}: ${simulator.paymentCount} payments of "${simulator.organization.slug}"` +
        (faults.length === 0 ? "" : `, ${Formats.count(faults.length, "fault rule")}`) +
        (limit == null ? "" : `, ${limit[1]} requests a second per client`) +
        Option.match(mfa, { onNone: () => "", onSome: ({ code }) => `, refunds require MFA (${code})` }) +
        (notify.length === 0 ? "" : `, notifications to ${notify.map((n) => n.url).join(", ")}`) +
        "; stop with Ctrl-C"
    )
    return yield* Effect.never
  }).pipe(Effect.scoped)).pipe(
    Command.withDescription("Serve the HelloAsso simulator on 127.0.0.1 until stopped; the first line is JSON")
  )

/** Why the server could not listen, naming the port. */
const serveFailure = (port: number, cause: unknown) => {
  const code = (cause as { readonly code?: unknown } | undefined)?.code
  const detail = code === "EADDRINUSE"
    ? `${port} is in use: choose another port, or 0 for any free port`
    : code === "EACCES"
    ? `${port} needs privileges: choose a port above 1023, or 0 for any free port`
    : `cannot listen on 127.0.0.1:${port} (${cause instanceof Error ? cause.message : String(cause)})`
  return invalid("port", detail)
}

export const command = Command.make("simulator").pipe(
  Command.withDescription("The HelloAsso simulator, for rehearsals and tests"),
  Command.withSubcommands([serve])
)
