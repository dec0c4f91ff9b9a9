import * as DateTime from "effect/DateTime"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

/**
 * HelloAsso dates are ISO 8601 with a Paris offset and up to 7 fractional digits
 * (`2024-06-07T14:11:15.7442115+02:00`); generated mocks send `1962-04-17T16:08:49.0Z`. A date without an offset
 * is HelloAsso's local time, Europe/Paris. Accepted: `YYYY-MM-DD[T ]hh:mm[:ss[.fffffffff]][Z|±hh[:]mm]`.
 *
 * Parsed by hand, character by character: a page of payments holds hundreds of dates.
 */
const digit = (input: string, at: number): number => {
  const code = input.charCodeAt(at) - 48
  return code >= 0 && code <= 9 ? code : -1
}

const number = (input: string, at: number, length: number): number => {
  let n = 0
  for (let i = at; i < at + length; i++) {
    const d = digit(input, i)
    if (d < 0) return -1
    n = n * 10 + d
  }
  return n
}

const daysInMonth = (year: number, month: number): number =>
  month === 2 ?
    (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) :
    month === 4 || month === 6 || month === 9 || month === 11 ?
    30 :
    31

// `Date.UTC` reads years 0-99 as 1900-1999; ASP.NET's `DateTime.MinValue` is year 1.
const utcMillis = (
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millis: number
): number => {
  if (year >= 100) return Date.UTC(year, month - 1, day, hour, minute, second, millis)
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  date.setUTCHours(hour, minute, second, millis)
  return date.getTime()
}

const offsetZones = new Map<number, DateTime.TimeZone.Offset>()

const offsetZone = (offsetMillis: number): DateTime.TimeZone.Offset => {
  let zone = offsetZones.get(offsetMillis)
  if (zone === undefined) {
    zone = DateTime.zoneMakeOffset(offsetMillis)
    offsetZones.set(offsetMillis, zone)
  }
  return zone
}

let paris: DateTime.TimeZone.Named | undefined

const parisZone = (): DateTime.TimeZone.Named => (paris ??= DateTime.zoneUnsafeMakeNamed("Europe/Paris"))

/**
 * Parses a HelloAsso date. Digits past milliseconds are dropped: `DateTime` holds milliseconds.
 *
 * @internal
 */
export const parse = (input: string): DateTime.Zoned | undefined => {
  const length = input.length
  if (length < 16 || input.charCodeAt(4) !== 45 || input.charCodeAt(7) !== 45 || input.charCodeAt(13) !== 58) {
    return undefined
  }
  const separator = input.charCodeAt(10)
  if (separator !== 84 && separator !== 116 && separator !== 32) return undefined // T, t or a space
  const year = number(input, 0, 4)
  const month = number(input, 5, 2)
  const day = number(input, 8, 2)
  const hour = number(input, 11, 2)
  const minute = number(input, 14, 2)
  let at = 16
  let second = 0
  let millis = 0
  if (at < length && input.charCodeAt(at) === 58) {
    second = number(input, at + 1, 2)
    at += 3
    if (at < length && (input.charCodeAt(at) === 46 || input.charCodeAt(at) === 44)) {
      let digits = 0
      at++
      while (at < length && digit(input, at) >= 0) {
        if (digits < 3) millis = millis * 10 + digit(input, at)
        digits++
        at++
      }
      if (digits === 0 || digits > 9) return undefined
      for (let i = digits; i < 3; i++) millis *= 10
    }
  }
  if (
    year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour < 0 || hour > 23 ||
    minute < 0 || minute > 59 || second < 0 || second > 59
  ) return undefined
  const wallClock = utcMillis(year, month, day, hour, minute, second, millis)
  if (at === length) {
    return Option.getOrUndefined(DateTime.makeZoned(wallClock, { timeZone: parisZone(), adjustForTimeZone: true }))
  }
  const sign = input.charCodeAt(at)
  if ((sign === 90 || sign === 122) && at + 1 === length) { // Z or z
    return DateTime.unsafeMakeZoned(wallClock, { timeZone: offsetZone(0) })
  }
  if (sign !== 43 && sign !== 45) return undefined // + or -
  const offsetHours = number(input, at + 1, 2)
  const colon = input.charCodeAt(at + 3) === 58 ? 1 : 0
  const offsetMinutes = number(input, at + 3 + colon, 2)
  if (at + 5 + colon !== length || offsetHours < 0 || offsetHours > 18 || offsetMinutes < 0 || offsetMinutes > 59) {
    return undefined
  }
  const offset = (sign === 45 ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000
  return DateTime.unsafeMakeZoned(wallClock - offset, { timeZone: offsetZone(offset) })
}

// a page's decoded dates share their values (a payment's date is often its order's): each is formatted once
const formatted = new WeakMap<DateTime.DateTime, string>()

/**
 * Formats a date the way HelloAsso sends them: ISO 8601 with the offset of its zone.
 *
 * @internal
 */
export const format = (self: DateTime.DateTime): string => {
  let text = formatted.get(self)
  if (text === undefined) {
    text = DateTime.isZoned(self) ? DateTime.formatIsoOffset(self) : DateTime.formatIso(self)
    formatted.set(self, text)
  }
  return text
}

const ZonedFromSelf = Schema.DateTimeZonedFromSelf.annotations({
  arbitrary: () => (fc) =>
    fc.tuple(
      fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) }),
      fc.constantFrom(0, 60, 120, -300, 330, 840)
    ).map(([millis, minutes]) => DateTime.unsafeMakeZoned(millis, { timeZone: offsetZone(minutes * 60_000) }))
})

/**
 * A HelloAsso date string decoded to a `DateTime.Zoned` that keeps the offset the API sent.
 *
 * @internal
 */
export const IsoDateTime: Schema.Schema<DateTime.Zoned, string> = Schema.transformOrFail(
  Schema.String,
  ZonedFromSelf,
  {
    strict: true,
    decode: (input, _, ast) => {
      const date = parse(input)
      return date === undefined
        // never the value: a date may be a payer's date of birth
        ? ParseResult.fail(new ParseResult.Type(ast, input, "Expected an ISO 8601 date-time with its UTC offset"))
        : ParseResult.succeed(date)
    },
    encode: (date) => ParseResult.succeed(format(date))
  }
).annotations({ identifier: "IsoDateTime", description: "an ISO 8601 date-time with its UTC offset" })
