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

export const describe = (error: HelloAssoError): string => {
  const kind = error._tag === "HttpError" && error.reason === "NotFound"
    ? "not found"
    : error._tag === "AuthError" && error.reason === "TokenEndpointFailure"
    ? "network"
    : KIND[error._tag]
  return `${kind}: ${error.message}`
}
