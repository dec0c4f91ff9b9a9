import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { DecodeError } from "../../HelloAssoError.js"
import * as Codec from "../codec.js"
import * as ParseIssue from "../parseIssue.js"
import * as models from "./models.js"

const operation = "HelloAssoNotifications.decode"

const utf8 = new TextDecoder("utf-8", { fatal: true })

const slow: Record<
  models.KnownEventType,
  (input: unknown) => Either.Either<models.Notification, ParseResult.ParseError>
> = {
  Payment: Schema.decodeUnknownEither(models.PaymentNotification),
  Order: Schema.decodeUnknownEither(models.OrderNotification),
  Form: Schema.decodeUnknownEither(models.FormNotification),
  Organization: Schema.decodeUnknownEither(models.OrganizationNotification)
}

const fast: Record<models.KnownEventType, (input: unknown) => models.Notification | Codec.FAIL> = {
  Payment: Codec.decoderFor(models.PaymentNotification)!,
  Order: Codec.decoderFor(models.OrderNotification)!,
  Form: Codec.decoderFor(models.FormNotification)!,
  Organization: Codec.decoderFor(models.OrganizationNotification)!
}

const fail = (reason: "InvalidJson" | "Schema", path: string, detail: string) =>
  Effect.fail(new DecodeError({ operation, reason, path, detail }))

/**
 * Why a body is not JSON, without quoting it (V8's messages carry a fragment of the body, which holds personal
 * data): only the position is kept.
 */
const invalidJson = (cause: unknown) => {
  const position = cause instanceof Error ? /position (\d+)/.exec(cause.message)?.[1] : undefined
  const at = position === undefined ? "" : ` (at character ${position})`
  return fail("InvalidJson", "", `the body is not JSON${at}`)
}

/**
 * Decodes a notification body: a known event type with its model (the fast decoder, else the Schema to say what is
 * wrong), any other event type as an `UnknownNotification` holding the parsed JSON.
 *
 * @internal
 */
export const decode = (body: string | Uint8Array): Effect.Effect<models.Notification, DecodeError> => {
  let text: string
  if (typeof body === "string") {
    text = body
  } else {
    try {
      text = utf8.decode(body)
    } catch {
      return fail("InvalidJson", "", "the body is not UTF-8 text")
    }
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (cause) {
    return invalidJson(cause)
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return fail("Schema", "", "Expected an object with an eventType")
  }
  const eventType: unknown = (parsed as Record<string, unknown>)["eventType"]
  if (eventType === undefined || eventType === null) return fail("Schema", "eventType", "is missing")
  if (typeof eventType !== "string") return fail("Schema", "eventType", "Expected string")
  if (!models.isKnownEventType(eventType)) {
    return Effect.succeed<models.UnknownNotification>({ eventType, raw: parsed })
  }
  const decoded = fast[eventType](parsed)
  if (decoded !== Codec.FAIL) return Effect.succeed(decoded)
  const checked = slow[eventType](parsed)
  if (Either.isRight(checked)) return Effect.succeed(checked.right)
  const { message, path } = ParseIssue.describe(checked.left)
  return fail("Schema", path, message)
}
