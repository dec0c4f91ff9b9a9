/**
 * One clear line per failure, on stderr, and an exit code per kind. Never a stack trace; the errors hold no
 * secret.
 */
import type { HelloAssoError } from "@helloasso-effect/core/HelloAssoError"

export const ExitCode = {
  ok: 0,
  unexpected: 1,
  /** Bad input or configuration: nothing was sent. */
  badInput: 2,
  /** Credentials refused, token endpoint down, or no access. */
  auth: 3,
  notFound: 4,
  /** HelloAsso refused the refund (nothing was refunded). */
  refundRejected: 5,
  /** The refund may or may not have been made: reconcile before trying again. */
  refundUnknown: 6,
  /** Network, timeout, server error or an unreadable answer. */
  network: 7,
  interrupted: 130
} as const

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

export const exitCodeOf = (error: HelloAssoError): ExitCode => {
  switch (error._tag) {
    case "ValidationError":
      return ExitCode.badInput
    case "AuthError":
      // the token endpoint could not be reached or failed: a network problem, not the credentials
      return error.reason === "TokenEndpointFailure" ? ExitCode.network : ExitCode.auth
    case "HttpError":
      return error.reason === "NotFound" ? ExitCode.notFound : ExitCode.network
    case "RefundRejected":
      return ExitCode.refundRejected
    case "RefundOutcomeUnknown":
      return ExitCode.refundUnknown
    case "TransportError":
    case "DecodeError":
      return ExitCode.network
  }
}

const KIND: Record<HelloAssoError["_tag"], string> = {
  ValidationError: "bad input",
  AuthError: "authentication",
  HttpError: "HelloAsso",
  RefundRejected: "refund refused",
  RefundOutcomeUnknown: "refund outcome unknown",
  TransportError: "network",
  DecodeError: "unexpected answer"
}

/** The library's parameter names, as the command line spells them. */
const FLAGS: Record<string, string> = {
  organizationSlug: "--org",
  formType: "--form-type",
  formTypes: "--form-type",
  formSlug: "--form-slug",
  states: "--state",
  userSearchKey: "--search",
  searchKey: "--search",
  sortField: "--sort",
  sortOrder: "--order",
  continuationToken: "--resume",
  paymentId: "the payment id",
  cashOutId: "--id",
  id: "the payment id",
  params: "the parameters",
  "mfa.accessToken": "--mfa-access-token",
  "mfa.smsAccessToken": "--mfa-sms-token",
  "mfa.passwordToken": "--mfa-password-token"
}

/** `pageSize` is `--page-size`, `states[1]` is `--state`: what the user has to change. */
const flagOf = (field: string): string => {
  const name = field.replace(/\[\d+\]/g, "")
  return FLAGS[name] ?? `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`
}

/** The message without the library's operation name (`Payments.get: `): the command line says what ran. */
const withoutOperation = (error: HelloAssoError): string => {
  const prefix = error.operation === undefined ? "" : `${error.operation}: `
  const message = prefix !== "" && error.message.startsWith(prefix)
    ? error.message.slice(prefix.length)
    : error.message
  // the CLI prints `resume with: --resume TOKEN` on the next line
  return message.replace(LIBRARY_RESUME_HINT, "")
}

const LIBRARY_RESUME_HINT = " (resume with the continuationToken carried by this error)"

export const describe = (error: HelloAssoError): string => {
  if (error._tag === "ValidationError" && error.source === "client") {
    // the detail may name the flags itself (`--form-type and --form-slug go together`)
    return error.detail.includes("--") ? error.detail : `${flagOf(error.field)} ${error.detail}`
  }
  const kind = error._tag === "HttpError" && error.reason === "NotFound"
    ? "not found"
    : error._tag === "AuthError" && error.reason === "TokenEndpointFailure"
    ? "network"
    : KIND[error._tag]
  return `${kind}: ${withoutOperation(error)}`
}
