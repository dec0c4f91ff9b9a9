import { describe, expect, it } from "@effect/vitest"
import { HelloAssoError } from "@helloasso-effect/core"
import * as ErrorBody from "../src/internal/errorBody.js"
import * as ResponseError from "../src/internal/responseError.js"

const response = (status: number, body: string) => ({
  operation: "Payments.listByOrganization",
  method: "GET",
  path: "/v5/organizations/les-amis/payments",
  status,
  body
})

describe("error bodies", () => {
  it("reads the errors array shape", () => {
    const body = ErrorBody.parse(
      JSON.stringify({
        errors: [{ code: "Error", message: "Code : 113 - The transfer operation cannot be processed" }]
      })
    )
    expect(body).toMatchObject({ shape: "Errors", code: "Error" })
    expect(ErrorBody.refundCode(body.message)).toEqual({
      code: 113,
      text: "The transfer operation cannot be processed"
    })
  })

  it("reads the ASP.NET validation shape", () => {
    const body = ErrorBody.parse(JSON.stringify({
      type: "https://tools.ietf.org/html/rfc7231#section-6.5.1",
      title: "One or more validation errors occurred.",
      status: 400,
      errors: { PageSize: ["The field PageSize must be between 1 and 100."] }
    }))
    expect(body.shape).toBe("Validation")
    expect(body.message).toBe("One or more validation errors occurred.")
    expect(body.fieldErrors).toEqual({ PageSize: ["The field PageSize must be between 1 and 100."] })
  })

  it("reads the OAuth shape", () => {
    const body = ErrorBody.parse(JSON.stringify({ error: "invalid_client", error_description: "Invalid client" }))
    expect(body).toEqual({ shape: "OAuth", code: "invalid_client", message: "Invalid client", fieldErrors: undefined })
  })

  it("reads plain text and empty bodies", () => {
    expect(ErrorBody.parse("Access denied to this organization")).toMatchObject({
      shape: "Text",
      message: "Access denied to this organization"
    })
    expect(ErrorBody.parse("")).toMatchObject({ shape: "Empty", message: undefined })
    expect(ErrorBody.parse("  \n")).toMatchObject({ shape: "Empty" })
  })

  it("reads truncated JSON as text and never throws", () => {
    expect(ErrorBody.parse("{\"errors\":[{\"code\":")).toMatchObject({ shape: "Text" })
    expect(ErrorBody.parse("null")).toMatchObject({ shape: "Text", message: "null" })
    expect(ErrorBody.parse("[1,2]")).toMatchObject({ shape: "Errors", message: undefined })
  })

  it("clips very long messages", () => {
    const body = ErrorBody.parse("x".repeat(10_000))
    expect(body.message!.length).toBeLessThan(600)
  })
})

describe("errors from responses", () => {
  it("maps 401 and 403 to AuthError", () => {
    const unauthorized = ResponseError.apiError(response(401, ""))
    expect(unauthorized).toBeInstanceOf(HelloAssoError.AuthError)
    expect(unauthorized).toMatchObject({ reason: "Unauthorized", status: 401 })
    const forbidden = ResponseError.apiError(response(403, "You don't have access to this organization"))
    expect(forbidden).toMatchObject({ _tag: "AuthError", reason: "Forbidden" })
    expect(forbidden.message).toContain("You don't have access to this organization")
  })

  it("maps a 400 in the validation shape to ValidationError naming the field", () => {
    const error = ResponseError.apiError(response(
      400,
      JSON.stringify({
        title: "One or more validation errors occurred.",
        errors: { pageSize: ["The field pageSize must be between 1 and 100."] }
      })
    ))
    expect(error).toMatchObject({ _tag: "ValidationError", source: "api", field: "pageSize" })
    expect(error.message).toContain("must be between 1 and 100")
  })

  it.each(
    [
      [400, "BadRequest"],
      [404, "NotFound"],
      [406, "NotAcceptable"],
      [409, "Conflict"],
      [429, "RateLimited"],
      [500, "ServerError"],
      [503, "ServerError"],
      [418, "Unexpected"]
    ] as const
  )("maps %i to HttpError %s", (status, reason) => {
    const error = ResponseError.apiError(
      response(status, JSON.stringify({ errors: [{ code: "Error", message: "no" }] }))
    )
    expect(error).toMatchObject({ _tag: "HttpError", reason, status, code: "Error", detail: "no" })
    expect(error.message).toContain(`answered ${status}`)
  })

  it("maps refund refusals with HelloAsso's numeric code", () => {
    for (const status of [400, 409]) {
      const error = ResponseError.refundError({
        ...response(
          status,
          JSON.stringify({
            errors: [{
              code: "Error",
              message: "Code : 113 - The transfer operation cannot be processed, the payment is not authorized"
            }]
          })
        ),
        paymentId: 42
      })
      expect(error).toMatchObject({ _tag: "RefundRejected", reason: "Refused", code: 113, status, paymentId: 42 })
      expect(error.message).toContain("code 113")
    }
  })

  it("maps the MFA codes to RefundRejected MfaRequired", () => {
    for (
      const code of [
        "AuthorizationErrors.MFA.AccessTokenRequired",
        "AuthorizationErrors.MFA.AccessOtpSmsRequired",
        "AuthorizationErrors.MFA.AccessPasswordTokenRequired",
        "AuthorizationErrors.UserNotEnrolled"
      ]
    ) {
      const error = ResponseError.refundError({
        ...response(409, JSON.stringify({ errors: [{ code, message: "MFA token not found" }] })),
        paymentId: 42
      })
      expect(error).toMatchObject({ _tag: "RefundRejected", reason: "MfaRequired", mfaCode: code })
    }
  })

  it("maps a refund 5xx to RefundOutcomeUnknown", () => {
    const error = ResponseError.refundError({ ...response(502, "Bad gateway"), paymentId: 42 })
    expect(error).toBeInstanceOf(HelloAssoError.RefundOutcomeUnknown)
    expect(error.message).toContain("withFailedRefundOperation: true")
  })

  it("maps token endpoint answers to AuthError with the right reason", () => {
    const refused = ResponseError.tokenError(response(400, JSON.stringify({ error: "invalid_client" })))
    expect(refused).toMatchObject({ reason: "InvalidCredentials", detail: "invalid_client" })
    const grant = ResponseError.tokenError(
      response(400, JSON.stringify({ error: "invalid_grant", error_description: "expired" }))
    )
    expect(grant).toMatchObject({ reason: "InvalidCredentials", detail: "invalid_grant: expired" })
    const down = ResponseError.tokenError(response(503, "<html>Service Unavailable</html>"))
    expect(down).toMatchObject({ reason: "TokenEndpointFailure", status: 503 })
  })

  it("keeps _tag equal to the class name and serialises without surprises", () => {
    const error = new HelloAssoError.TransportError({ reason: "Timeout", method: "GET", path: "/v5/payments/1" })
    expect(error._tag).toBe("TransportError")
    expect(HelloAssoError.isHelloAssoError(error)).toBe(true)
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ _tag: "TransportError", reason: "Timeout" })
    expect(String(error)).toContain("timed out")
  })
})
