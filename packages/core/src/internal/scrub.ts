/**
 * Removes secrets a server echoes back (in an error body, a description, a message) from text that goes into an
 * error: raw, percent-encoded (a query string), form-encoded (the token request's body) and JSON-escaped.
 */
import * as Redacted from "effect/Redacted"

/** Shorter values are not searched: replacing them would garble the text and hide nothing worth hiding. */
const MIN_LENGTH = 4

const MASK = "***"

const encodings = (secret: string): Array<string> => {
  const forms = [secret, JSON.stringify(secret).slice(1, -1)]
  try {
    forms.push(encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2))
  } catch {
    // a lone surrogate cannot be percent-encoded: it was never sent that way
  }
  return forms
}

/**
 * Every form of every secret, longest first (so that a form containing another is masked whole).
 *
 * @internal
 */
export const forms = (secrets: ReadonlyArray<Redacted.Redacted<string> | string>): ReadonlyArray<string> => {
  const all = new Set<string>()
  for (const secret of secrets) {
    const value = Redacted.isRedacted(secret) ? Redacted.value(secret) : secret
    if (value.length < MIN_LENGTH) continue
    for (const form of encodings(value)) all.add(form)
  }
  return [...all].sort((a, b) => b.length - a.length)
}

/** @internal */
export const text = (value: string, secretForms: ReadonlyArray<string>): string => {
  let out = value
  for (const form of secretForms) if (out.includes(form)) out = out.split(form).join(MASK)
  return out
}

/**
 * The same value with every string in it scrubbed (an error's fields: details, codes, field errors). Returns
 * the value itself when there was nothing to remove.
 *
 * @internal
 */
export const deep = <A>(value: A, secretForms: ReadonlyArray<string>): A => {
  if (secretForms.length === 0) return value
  if (typeof value === "string") return text(value, secretForms) as A
  if (Array.isArray(value)) {
    const items = value.map((item) => deep(item, secretForms))
    return items.every((item, i) => item === value[i]) ? value : items as A
  }
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    let changed = false
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) {
      out[key] = deep(item, secretForms)
      if (out[key] !== item) changed = true
    }
    return changed ? out as A : value
  }
  return value
}

/**
 * The same error with its fields scrubbed, rebuilt with its own class; the error itself when it held no secret.
 *
 * @internal
 */
export const error = <E>(self: E, secretForms: ReadonlyArray<string>): E => {
  if (secretForms.length === 0 || typeof self !== "object" || self === null || !("_tag" in self)) return self
  const { _tag, ...fields } = self as E & { readonly _tag: string }
  const cleaned = deep(fields as Record<string, unknown>, secretForms)
  if (cleaned === fields) return self
  const Class = (self as object).constructor as new(fields: object) => E
  return new Class(cleaned)
}
