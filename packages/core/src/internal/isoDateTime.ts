import * as DateTime from "effect/DateTime"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

/**
 * HelloAsso dates are ISO 8601 with a Paris offset and up to 7 fractional digits
 * (`2024-06-07T14:11:15.7442115+02:00`); generated mocks send `1962-04-17T16:08:49.0Z`. A date without an offset
 * is HelloAsso's local time, Europe/Paris.
 */
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/

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
  const m = ISO_DATE_TIME.exec(input)
  if (m === null) return undefined
  const year = +m[1]!
  const month = +m[2]!
  const day = +m[3]!
  const hour = +m[4]!
  const minute = +m[5]!
  const second = m[6] === undefined ? 0 : +m[6]
  const fraction = m[7]
  const millis = fraction === undefined ? 0 : +(fraction.length >= 3 ? fraction.slice(0, 3) : fraction.padEnd(3, "0"))
  if (
    month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59
  ) {
    return undefined
  }
  const wallClock = utcMillis(year, month, day, hour, minute, second, millis)
  if (m[8] !== undefined) {
    return DateTime.unsafeMakeZoned(wallClock, { timeZone: offsetZone(0) })
  }
  if (m[9] !== undefined) {
    const offsetHours = +m[10]!
    const offsetMinutes = +m[11]!
    if (offsetHours > 18 || offsetMinutes > 59) return undefined
    const offset = (m[9] === "-" ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000
    return DateTime.unsafeMakeZoned(wallClock - offset, { timeZone: offsetZone(offset) })
  }
  return Option.getOrUndefined(
    DateTime.makeZoned(wallClock, { timeZone: parisZone(), adjustForTimeZone: true })
  )
}

/**
 * Formats a date the way HelloAsso sends them: ISO 8601 with the offset of its zone.
 *
 * @internal
 */
export const format = (self: DateTime.DateTime): string =>
  DateTime.isZoned(self) ? DateTime.formatIsoOffset(self) : DateTime.formatIso(self)

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
        ? ParseResult.fail(
          new ParseResult.Type(ast, input, `Expected an ISO 8601 date-time, got ${JSON.stringify(input)}`)
        )
        : ParseResult.succeed(date)
    },
    encode: (date) => ParseResult.succeed(format(date))
  }
).annotations({ identifier: "IsoDateTime", description: "an ISO 8601 date-time with its UTC offset" })
