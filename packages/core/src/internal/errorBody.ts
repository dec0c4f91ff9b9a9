/**
 * HelloAsso error bodies come in several shapes:
 * - `{"errors":[{"code":"Error","message":"Code : 113 - ..."}]}` (API errors, refund refusals, MFA);
 * - ASP.NET validation problems `{"title":"...","errors":{"Field":["..."]}}`;
 * - OAuth `{"error":"invalid_client","error_description":"..."}` (token endpoint);
 * - plain text (a 403 of another organization), or an empty body.
 *
 * @internal
 */
export interface ErrorBody {
  readonly shape: "Errors" | "Validation" | "OAuth" | "Json" | "Text" | "Empty"
  /** The first error code (`errors[0].code`, or the OAuth `error`). */
  readonly code: string | undefined
  /** The error messages joined, the validation title, the OAuth description or the text. */
  readonly message: string | undefined
  /** ASP.NET validation errors by field. */
  readonly fieldErrors: Readonly<Record<string, ReadonlyArray<string>>> | undefined
}

const MAX_DETAIL = 500

const clip = (text: string): string => text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const stringOf = (u: unknown): string | undefined =>
  typeof u === "string" ? u : typeof u === "number" || typeof u === "boolean" ? String(u) : undefined

const field = (record: Record<string, unknown>, name: string): unknown =>
  name in record ? record[name] : record[name.charAt(0).toUpperCase() + name.slice(1)]

const empty: ErrorBody = { shape: "Empty", code: undefined, message: undefined, fieldErrors: undefined }

const fromErrorList = (list: ReadonlyArray<unknown>): ErrorBody => {
  const entries = list.filter(isRecord)
  const messages = entries.map((entry) => stringOf(field(entry, "message"))).filter((m) => m !== undefined)
  return {
    shape: "Errors",
    code: entries.length > 0 ? stringOf(field(entries[0]!, "code")) : undefined,
    message: messages.length > 0 ? clip(messages.join("; ")) : undefined,
    fieldErrors: undefined
  }
}

const fromValidation = (json: Record<string, unknown>, errors: Record<string, unknown>): ErrorBody => {
  const fieldErrors: Record<string, Array<string>> = {}
  for (const [name, value] of Object.entries(errors)) {
    const list = Array.isArray(value) ? value : [value]
    fieldErrors[name] = list.map((m) => stringOf(m) ?? JSON.stringify(m)).map(clip)
  }
  const title = stringOf(field(json, "title"))
  return {
    shape: "Validation",
    code: stringOf(field(json, "type")),
    message: title === undefined ? undefined : clip(title),
    fieldErrors
  }
}

const fromJson = (json: unknown): ErrorBody => {
  if (Array.isArray(json)) return fromErrorList(json)
  if (!isRecord(json)) {
    const text = stringOf(json)
    return {
      shape: "Json",
      code: undefined,
      message: text === undefined ? undefined : clip(text),
      fieldErrors: undefined
    }
  }
  const errors = field(json, "errors")
  if (Array.isArray(errors)) return fromErrorList(errors)
  if (isRecord(errors)) return fromValidation(json, errors)
  const oauthError = stringOf(json["error"])
  if (oauthError !== undefined) {
    const description = stringOf(json["error_description"])
    return {
      shape: "OAuth",
      code: oauthError,
      message: description === undefined ? undefined : clip(description),
      fieldErrors: undefined
    }
  }
  const code = stringOf(field(json, "code"))
  const message = stringOf(field(json, "message")) ?? stringOf(field(json, "title")) ?? stringOf(field(json, "detail"))
  if (code !== undefined && message !== undefined) return fromErrorList([json])
  return { shape: "Json", code, message: message === undefined ? undefined : clip(message), fieldErrors: undefined }
}

/**
 * Reads an error body of any HelloAsso shape. Never throws.
 *
 * @internal
 */
export const parse = (text: string): ErrorBody => {
  const trimmed = text.replace(/^\uFEFF/, "").trim()
  if (trimmed === "") return empty
  if (trimmed.startsWith("{") || trimmed.startsWith("[") || trimmed.startsWith("\"")) {
    try {
      return fromJson(JSON.parse(trimmed))
    } catch {
      // not JSON after all: fall through to plain text
    }
  }
  return { shape: "Text", code: undefined, message: clip(trimmed), fieldErrors: undefined }
}

/**
 * A refund refusal message reads `Code : 113 - The transfer operation cannot be processed, ...` (codes 101-122).
 *
 * @internal
 */
export const refundCode = (
  message: string | undefined
): { readonly code: number; readonly text: string } | undefined => {
  if (message === undefined) return undefined
  const match = /Code\s*:\s*(\d+)\s*-\s*([\s\S]*)$/i.exec(message)
  return match === null ? undefined : { code: Number(match[1]), text: match[2]!.trim() }
}
