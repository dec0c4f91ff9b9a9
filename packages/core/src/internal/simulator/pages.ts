/**
 * Pagination as HelloAsso does it: an opaque continuation token that points after the last payment delivered,
 * returned on every page (the last one included); the page after the last is empty and carries the token it
 * was asked with. Without a token, `pageIndex` selects a page by offset.
 */
import type { Query, SortField } from "./query.js"
import { matches, sortKey } from "./query.js"
import type { Dataset, PaymentRecord } from "./records.js"

/** The position after which the next page starts. @internal */
interface Cursor {
  readonly key: number
  readonly index: number
  /** The page number of the page that ended at this position. */
  readonly page: number
}

const checksum = (text: string): string => {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return (h >>> 0).toString(36)
}

const toBase64Url = (text: string): string => btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")

const fromBase64Url = (text: string): string | undefined => {
  try {
    return atob(text.replace(/-/g, "+").replace(/_/g, "/"))
  } catch {
    return undefined
  }
}

const SORT_CODES: Record<SortField, string> = { Date: "d", UpdateDate: "u", CreationDate: "c" }

const encodeToken = (query: Query, cursor: Cursor): string => {
  const body = `${SORT_CODES[query.sortField]}${
    query.descending ? "-" : "+"
  }:${cursor.key}:${cursor.index}:${cursor.page}`
  return toBase64Url(`${body}:${checksum(body)}`)
}

const decodeToken = (query: Query, token: string): Cursor | undefined => {
  const text = fromBase64Url(token)
  if (text === undefined) return undefined
  const parts = text.split(":")
  if (parts.length !== 5) return undefined
  const [mode, key, index, page, sum] = parts as [string, string, string, string, string]
  const body = `${mode}:${key}:${index}:${page}`
  if (checksum(body) !== sum) return undefined
  // a token of another sort order cannot continue this listing
  if (mode !== `${SORT_CODES[query.sortField]}${query.descending ? "-" : "+"}`) return undefined
  const cursor = { key: Number(key), index: Number(index), page: Number(page) }
  return Number.isFinite(cursor.key) && Number.isInteger(cursor.index) && Number.isInteger(cursor.page)
    ? cursor
    : undefined
}

/** @internal */
export interface PageResult {
  readonly records: ReadonlyArray<PaymentRecord>
  readonly continuationToken: string
  readonly pageIndex: number
  /** -1 unless the query asked for counts. */
  readonly totalCount: number
  readonly totalPages: number
}

/** @internal */
export interface Pager {
  readonly page: (query: Query) => PageResult | { readonly invalidToken: string }
  /** Every matching payment in order, for exports. */
  readonly all: (query: Query) => Iterable<PaymentRecord>
}

/** The first index whose date is at least (or, `after`, greater than) a bound. */
const lowerBound = (dataset: Dataset, ticks: number, after: boolean): number => {
  let lo = 0
  let hi = dataset.size
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    const t = dataset.ticksAt(mid)
    if (t < ticks || (after && t === ticks)) lo = mid + 1
    else hi = mid
  }
  return lo
}

const indexRange = (dataset: Dataset, query: Query): readonly [number, number] => [
  query.from === undefined ? 0 : lowerBound(dataset, query.from, false),
  query.to === undefined ? dataset.size : lowerBound(dataset, query.to, query.toInclusive)
]

/** @internal */
export const make = (
  dataset: Dataset,
  recordAt: (index: number) => PaymentRecord,
  /** Changes whenever a payment changes (refunds), to drop cached orderings. */
  version: () => number
): Pager => {
  // Orderings other than by date are materialised once per filter set and data version.
  const orderings = new Map<string, ReadonlyArray<readonly [key: number, index: number]>>()

  const ordering = (query: Query, lo: number, hi: number) => {
    const cacheKey = JSON.stringify([
      version(),
      query.endpoint,
      query.sortField,
      lo,
      hi,
      query.form?.id,
      [...(query.formTypes ?? [])],
      query.formId,
      [...(query.states ?? [])],
      query.userId,
      query.amount,
      query.words
    ])
    let entries = orderings.get(cacheKey)
    if (entries === undefined) {
      const list: Array<readonly [number, number]> = []
      for (let i = lo; i < hi; i++) {
        const record = recordAt(i)
        if (matches(query, record)) list.push([sortKey(query.sortField, record), i])
      }
      list.sort((a, b) => a[0] - b[0] || a[1] - b[1])
      if (orderings.size >= 16) orderings.clear()
      orderings.set(cacheKey, list)
      entries = list
    }
    return entries
  }

  /** Walks the matching payments in order, after a cursor. */
  function* walk(query: Query, after: Cursor | undefined): Generator<readonly [PaymentRecord, Cursor["key"], number]> {
    const [lo, hi] = indexRange(dataset, query)
    if (query.sortField === "Date") {
      if (query.descending) {
        const start = after === undefined ? hi - 1 : Math.min(after.index - 1, hi - 1)
        for (let i = start; i >= lo; i--) {
          const record = recordAt(i)
          if (matches(query, record)) yield [record, record.ticks, i]
        }
      } else {
        const start = after === undefined ? lo : Math.max(after.index + 1, lo)
        for (let i = start; i < hi; i++) {
          const record = recordAt(i)
          if (matches(query, record)) yield [record, record.ticks, i]
        }
      }
      return
    }
    const entries = ordering(query, lo, hi)
    const isAfter = ([key, index]: readonly [number, number]) =>
      after === undefined ||
      (query.descending
        ? key < after.key || (key === after.key && index < after.index)
        : key > after.key || (key === after.key && index > after.index))
    // binary search for the first entry after the cursor, in walking order
    let left = 0
    let right = entries.length
    while (left < right) {
      const mid = (left + right) >>> 1
      const entry = query.descending ? entries[entries.length - 1 - mid]! : entries[mid]!
      if (isAfter(entry)) right = mid
      else left = mid + 1
    }
    for (let k = left; k < entries.length; k++) {
      const [key, index] = query.descending ? entries[entries.length - 1 - k]! : entries[k]!
      yield [recordAt(index), key, index]
    }
  }

  const count = (query: Query): number => {
    let n = 0
    for (const _ of walk(query, undefined)) n++
    return n
  }

  return {
    page: (query) => {
      let after: Cursor | undefined
      let skip = 0
      let pageIndex = query.pageIndex
      if (query.continuationToken !== undefined) {
        after = decodeToken(query, query.continuationToken)
        if (after === undefined) return { invalidToken: query.continuationToken }
        pageIndex = after.page + 1
        if (after.index < 0) after = undefined
      } else {
        skip = (query.pageIndex - 1) * query.pageSize
      }
      const records: Array<PaymentRecord> = []
      let last: Cursor | undefined
      for (const [record, key, index] of walk(query, after)) {
        if (skip > 0) {
          skip--
          continue
        }
        records.push(record)
        last = { key, index, page: pageIndex }
        if (records.length === query.pageSize) break
      }
      const continuationToken = last !== undefined
        ? encodeToken(query, last)
        : query.continuationToken ?? encodeToken(query, { key: 0, index: -1, page: pageIndex - 1 })
      const totalCount = query.withCount ? count(query) : -1
      return {
        records,
        continuationToken,
        pageIndex,
        totalCount,
        totalPages: query.withCount ? Math.ceil(totalCount / query.pageSize) : -1
      }
    },
    *all(query) {
      for (const [record] of walk(query, undefined)) yield record
    }
  }
}
