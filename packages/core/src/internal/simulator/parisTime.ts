/**
 * HelloAsso's clock is Europe/Paris: dates carry +01:00 in winter and +02:00 in summer (from the last Sunday of
 * March, 01:00 UTC, to the last Sunday of October, 01:00 UTC), with 7 fractional digits (.NET ticks of 100 ns).
 * The simulator keeps times as ticks from 2025-01-01T00:00:00Z: a float64 holds every tick exactly within about
 * 28 years of that epoch (1996 to 2053), and milliseconds beyond.
 */

/** 100 ns ticks per millisecond. @internal */
export const TICKS_PER_MS = 10_000

const EPOCH_MS = Date.UTC(2025, 0, 1)

/** @internal */
export const fromMillis = (millis: number): number => (millis - EPOCH_MS) * TICKS_PER_MS

/** @internal */
export const toMillis = (ticks: number): number => Math.floor(ticks / TICKS_PER_MS) + EPOCH_MS

const HOUR_MS = 3_600_000

const lastSundayUtc = (year: number, month: number): number => {
  const lastDay = new Date(Date.UTC(year, month + 1, 0))
  return Date.UTC(year, month, lastDay.getUTCDate() - lastDay.getUTCDay(), 1)
}

/** The Paris offset in minutes at an instant. @internal */
export const parisOffsetMinutes = (epochMillis: number): number => {
  const year = new Date(epochMillis).getUTCFullYear()
  return epochMillis >= lastSundayUtc(year, 2) && epochMillis < lastSundayUtc(year, 9) ? 120 : 60
}

const pad = (n: number, width: number): string => String(n).padStart(width, "0")

/** Formats ticks as HelloAsso does: `2024-06-07T14:11:15.7442115+02:00`. @internal */
export const format = (ticks: number): string => {
  const millis = toMillis(ticks)
  const offset = parisOffsetMinutes(millis)
  const local = new Date(millis + offset * 60_000)
  const fraction = ticks - Math.floor(ticks / 10_000_000) * 10_000_000
  return `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1, 2)}-${pad(local.getUTCDate(), 2)}T${
    pad(local.getUTCHours(), 2)
  }:${pad(local.getUTCMinutes(), 2)}:${pad(local.getUTCSeconds(), 2)}.${pad(fraction, 7)}+${pad(offset / 60, 2)}:00`
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/

/**
 * Parses a date-time query parameter to ticks, keeping every fractional digit up to 100 ns. A date without an
 * offset is Paris time, like HelloAsso reads it. Returns `undefined` when the text is not a valid date.
 *
 * @internal
 */
export const parse = (text: string): number | undefined => {
  const m = ISO.exec(text.trim())
  if (m === null) return undefined
  const [year, month, day] = [+m[1]!, +m[2]!, +m[3]!]
  const [hour, minute, second] = [+(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)]
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  date.setUTCHours(hour, minute, second, 0)
  if (
    date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day ||
    hour > 23 || minute > 59 || second > 59
  ) return undefined
  const fraction = m[7] === undefined ? 0 : Math.floor(+m[7].slice(0, 7).padEnd(7, "0"))
  let offsetMs: number
  if (m[8] !== undefined) offsetMs = 0
  else if (m[9] !== undefined) offsetMs = (m[9] === "-" ? -1 : 1) * (+m[10]! * 60 + +m[11]!) * 60_000
  else {
    // Paris wall clock: the offset in force at that wall time (the hour skipped in March reads as summer time)
    const guess = date.getTime() - HOUR_MS
    offsetMs = parisOffsetMinutes(date.getTime() - parisOffsetMinutes(guess) * 60_000) * 60_000
  }
  return fromMillis(date.getTime() - offsetMs) + fraction
}
