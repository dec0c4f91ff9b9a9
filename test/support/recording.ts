/**
 * A tracer and a logger that record everything, to check that no secret ever reaches them.
 */
import { Cause, Effect, Exit, Layer, List, Logger, LogLevel, Option, Tracer } from "effect"
import type { Context } from "effect"
import { inspect } from "node:util"

export interface Recorded {
  readonly spans: Array<{ name: string; attributes: Map<string, unknown>; events: Array<unknown>; exit?: unknown }>
  readonly logs: Array<string>
  /** Everything, as text. */
  readonly dump: () => string
}

export const make = () => {
  const recorded: Recorded = {
    spans: [],
    logs: [],
    dump: () =>
      [
        ...recorded.logs,
        ...recorded.spans.map((span) =>
          inspect({ name: span.name, attributes: [...span.attributes], events: span.events, exit: span.exit }, {
            depth: 20
          })
        )
      ].join("\n")
  }
  let ids = 0
  const tracer = Tracer.make({
    span: (name, parent, context, links, startTime, kind) => {
      const entry = {
        name,
        attributes: new Map<string, unknown>(),
        events: [] as Array<unknown>,
        exit: undefined as unknown
      }
      recorded.spans.push(entry)
      const id = String(++ids)
      const span: Tracer.Span = {
        _tag: "Span",
        name,
        spanId: id,
        traceId: "trace",
        parent,
        context: context as Context.Context<never>,
        status: { _tag: "Started", startTime },
        attributes: entry.attributes,
        links,
        sampled: true,
        kind,
        // what an exporter records of the end of a span: its status, and the failure as text
        end: (_endTime: bigint, exit: Exit.Exit<unknown, unknown>) => {
          entry.exit = Exit.isSuccess(exit) ? "ok" : Cause.pretty(exit.cause)
        },
        attribute: (key, value) => {
          entry.attributes.set(key, value)
        },
        event: (eventName, _time, attributes) => {
          entry.events.push({ eventName, attributes })
        },
        addLinks: () => {}
      }
      return span
    },
    context: (f) => f()
  })
  const logger = Logger.make(({ annotations, cause, date: _date, logLevel, message, spans }) => {
    recorded.logs.push(
      inspect({ logLevel: logLevel.label, message, cause, annotations, spans: List.toArray(spans) }, { depth: 20 })
    )
  })
  const layer = Layer.mergeAll(
    Layer.setTracer(tracer),
    Logger.replace(Logger.defaultLogger, logger),
    Logger.minimumLogLevel(LogLevel.All)
  )
  return { recorded, layer, enabled: Effect.map(Effect.currentSpan.pipe(Effect.option), Option.isSome) }
}
