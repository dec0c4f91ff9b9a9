/**
 * Inputs are checked before any request is sent, with a `ValidationError` naming the field. Path segments are
 * checked here and percent-encoded by the client.
 */
import * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { ValidationError } from "../HelloAssoError.js"
import * as Payment from "../Payment.js"
import { INT32_MAX } from "./int32.js"
import * as IsoDateTime from "./isoDateTime.js"
import * as ParseIssue from "./parseIssue.js"

/** C0 and C1 control characters, DEL included. */
const hasControl = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true
  }
  return false
}

/** A UTF-16 surrogate without its pair: it cannot be percent-encoded (`encodeURIComponent` throws) or sent. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

const NOT_UNICODE = "must be valid Unicode text (it holds half of a surrogate pair)"

const FORBIDDEN_IN_SEGMENT: ReadonlyArray<readonly [RegExp, string]> = [
  [/\//, "must not contain '/'"],
  [/\\/, "must not contain '\\'"],
  [/\?/, "must not contain '?'"],
  [/#/, "must not contain '#'"],
  [/%/, "must not contain '%' (it is percent-encoded for you)"],
  [/\s/, "must not contain spaces"]
]

const MAX_SLUG = 250

/** A slug that is safe as one path segment: no separator, no dot segment, nothing a URL would normalise. */
/** @internal */
export const Slug = Schema.String.pipe(Schema.filter((slug) => {
  if (slug.length === 0) return "must not be empty"
  if (slug.length > MAX_SLUG) return `is too long (${slug.length} characters, at most ${MAX_SLUG})`
  if (slug === "." || slug === "..") return "must not be '.' or '..'"
  for (const [pattern, message] of FORBIDDEN_IN_SEGMENT) if (pattern.test(slug)) return message
  if (LONE_SURROGATE.test(slug)) return NOT_UNICODE
  return !hasControl(slug) || "must not contain control characters"
}))

const isInteger = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n)

/** @internal */
export const PositiveInt32 = Schema.Number.pipe(
  Schema.filter((n) => isInteger(n) && n >= 1 && n <= INT32_MAX || `must be an integer from 1 to ${INT32_MAX}`)
)

/** @internal */
export const Cents = Schema.Number.pipe(
  Schema.filter((n) =>
    isInteger(n) && n >= 0 && n <= INT32_MAX || `must be a whole number of cents from 0 to ${INT32_MAX}`
  )
)

/** @internal */
export const PageSize = Schema.Number.pipe(
  Schema.filter((n) => isInteger(n) && n >= 1 && n <= 100 || "must be an integer from 1 to 100")
)

/** @internal */
export const Text = (max: number, allowNewLines = false) =>
  Schema.String.pipe(Schema.filter((text) => {
    if (text.length > max) return `is too long (${text.length} characters, at most ${max})`
    if (LONE_SURROGATE.test(text)) return NOT_UNICODE
    const control = allowNewLines ? text.replace(/\r?\n/g, "") : text
    return !hasControl(control) || "must not contain control characters"
  }))

/** @internal */
export const ContinuationToken = Schema.String.pipe(Schema.filter((token) => {
  if (token.length === 0) return "must not be empty"
  if (token.length > 4096) return "is too long (at most 4096 characters)"
  if (LONE_SURROGATE.test(token)) return NOT_UNICODE
  return !(/\s/.test(token) || hasControl(token)) || "must not contain spaces or control characters"
}))

const oneOf = <L extends string>(name: string, known: ReadonlyArray<L>) =>
  Schema.String.pipe(
    Schema.filter((value) => known.includes(value as L) || `is not a known ${name} (one of ${known.join(", ")})`)
  ) as unknown as Schema.Schema<L, string>

/** @internal */
export const FormType = oneOf("form type", Payment.FormType.known)
/** @internal */
export const PaymentState = oneOf("payment state", Payment.PaymentState.known)
/** @internal */
export const SortField = oneOf("sort field", Payment.SortField.known)
/** @internal */
export const SortOrder = oneOf("sort order", Payment.SortOrder.known)

const PLAIN_DATE = /^\d{4}-\d{2}-\d{2}$/

const HAS_OFFSET = /(?:[Zz]|[+-]\d{2}:?\d{2})$/

/** @internal */
export const DateInput = Schema.transformOrFail(
  Schema.Unknown,
  Schema.Struct({ iso: Schema.String, millis: Schema.Number }),
  {
    strict: true,
    decode: (input, _, ast) => {
      if (input instanceof Date) {
        return Number.isNaN(input.getTime())
          ? ParseResult.fail(new ParseResult.Type(ast, input, "is an invalid Date"))
          : ParseResult.succeed({ iso: input.toISOString(), millis: input.getTime() })
      }
      if (DateTime.isDateTime(input)) {
        return ParseResult.succeed({ iso: IsoDateTime.format(input), millis: DateTime.toEpochMillis(input) })
      }
      if (typeof input === "string") {
        // a plain date is midnight in HelloAsso's time zone, Europe/Paris
        const plainDate = PLAIN_DATE.test(input)
        const parsed = IsoDateTime.parse(plainDate ? `${input}T00:00:00` : input)
        if (parsed === undefined) {
          return ParseResult.fail(
            new ParseResult.Type(ast, input, "is not a date (YYYY-MM-DD) or an ISO 8601 date-time")
          )
        }
        // a date-time with its offset is sent as given (7 fractional digits kept); without one, it is Paris time,
        // sent with the Paris offset so that what is sent and what is meant cannot differ
        const iso = plainDate || !HAS_OFFSET.test(input) ? IsoDateTime.format(parsed) : input
        return ParseResult.succeed({ iso, millis: DateTime.toEpochMillis(parsed) })
      }
      return ParseResult.fail(new ParseResult.Type(ast, input, "must be a Date, a DateTime or an ISO 8601 string"))
    },
    encode: (param) => ParseResult.succeed(param.iso)
  }
)

/** What an MFA token may hold: it is sent as a header value, where a line break or NUL would be refused. */
const HEADER_TOKEN = /^[\x20-\x7e]+$/

/** An MFA token: a non-empty `Redacted` string of printable ASCII. Messages never show the value. */
/** @internal */
export const MfaToken = Schema.declare(
  (u): u is Redacted.Redacted<string> => {
    if (!Redacted.isRedacted(u)) return false
    const value = Redacted.value(u)
    return typeof value === "string" && value.trim() !== "" && HEADER_TOKEN.test(value)
  },
  { message: () => "must be a non-empty Redacted string of printable ASCII (no line break or control character)" }
)

/** @internal */
export const dateRange = <
  A extends {
    readonly from?: { readonly millis: number } | undefined
    readonly to?: { readonly millis: number } | undefined
  }
>(params: A) =>
  params.from === undefined || params.to === undefined || params.from.millis < params.to.millis ||
  { path: ["to"], message: "must be after from" }

/** The MFA tokens a refund may carry, and the header each is sent as (HelloAsso's names). @internal */
export const MFA_HEADERS = {
  accessToken: "x-mfa-access-authorization",
  smsAccessToken: "x-mfa-sms-access-authorization",
  passwordToken: "x-mfa-password-authorization"
} as const

/** @internal */
export const MfaTokens = Schema.Struct({
  accessToken: Schema.optional(MfaToken),
  smsAccessToken: Schema.optional(MfaToken),
  passwordToken: Schema.optional(MfaToken)
})

/** @internal */
export const StreamOptions = Schema.Struct({
  prefetch: Schema.optional(
    Schema.Number.pipe(Schema.filter((n) => isInteger(n) && n >= 0 && n <= 16 || "must be an integer from 0 to 16"))
  ),
  concurrency: Schema.optional(
    Schema.Number.pipe(Schema.filter((n) => isInteger(n) && n >= 1 && n <= 32 || "must be an integer from 1 to 32"))
  ),
  ordered: Schema.optional(Schema.Boolean)
})

const decoders = new WeakMap<Schema.Schema.Any, (u: unknown) => Either.Either<unknown, ParseResult.ParseError>>()

/**
 * Checks inputs against a schema; the first problem becomes a `ValidationError` naming the field.
 *
 * @internal
 */
export const validate = <A, I>(
  schema: Schema.Schema<A, I>,
  input: unknown,
  operation: string
): Either.Either<A, ValidationError> => {
  let decode = decoders.get(schema)
  if (decode === undefined) {
    decode = Schema.decodeUnknownEither(schema, { errors: "first", onExcessProperty: "ignore" })
    decoders.set(schema, decode)
  }
  const result = decode(input) as Either.Either<A, ParseResult.ParseError>
  return Either.mapLeft(result, (error) => {
    const { message, path } = ParseIssue.describe(error)
    return new ValidationError({ operation, source: "client", field: path === "" ? "params" : path, detail: message })
  })
}
