/**
 * A live progress line on stderr (payments, pages, rate), shown only when stderr is a terminal.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { count } from "./formats.js"

export interface Progress {
  readonly page: (payments: number) => Effect.Effect<void>
  /** Clears the line; returns the summary. */
  readonly done: Effect.Effect<string>
}

const CLEAR = "\r\u001b[2K"

export const make = (enabled: boolean = process.stderr.isTTY === true): Effect.Effect<Progress> =>
  Effect.map(Clock.currentTimeMillis, (start) => {
    let payments = 0
    let pages = 0
    let drawn = 0
    const line = (now: number) => {
      const seconds = Math.max(0.001, (now - start) / 1000)
      return `${count(payments, "payment")}, ${count(pages, "page")}, ${Math.round(payments / seconds)}/s`
    }
    const summary = Effect.map(Clock.currentTimeMillis, line)
    return {
      page: (n) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Effect.sync(() => {
            payments += n
            pages += 1
            if (enabled && now - drawn >= 100) {
              drawn = now
              process.stderr.write(`${CLEAR}${line(now)}`)
            }
          })),
      done: Effect.tap(summary, () =>
        Effect.sync(() => {
          if (enabled) process.stderr.write(CLEAR)
        }))
    }
  })
