/**
 * Notifications as HelloAsso delivers them: `{ eventType, data, metadata? }` POSTed as JSON to every URL
 * registered for the event, signed with that URL's key (`x-ha-signature`: lowercase hex HMAC-SHA256 of the raw
 * body), redelivered with backoff until a 2xx answers, each delivery in its own fiber so that a slow receiver
 * holds nothing. Every attempt is recorded. Delivery faults make the simulator deliver twice, late, or never.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberSet from "effect/FiberSet"
import * as Stream from "effect/Stream"
import * as Faults from "./faults.js"
import type { Subscription, Subscriptions } from "./subscriptions.js"
import { NOTIFICATION_TYPES } from "./subscriptions.js"

/** @internal */
export type DeliveryFault =
  | { readonly _tag: "Duplicate" }
  | { readonly _tag: "Delay"; readonly millis: number }
  | { readonly _tag: "Drop" }

/** @internal */
export interface DeliveryFaultRule {
  readonly fault: DeliveryFault
  /** The notifications the rule looks at, by event type; all of them by default. */
  readonly eventType?: string | ReadonlyArray<string> | undefined
  /** Fire on these matching deliveries (one notification to one URL), counted from 1 for this rule. */
  readonly on?: ReadonlyArray<number> | undefined
  readonly probability?: number | undefined
  readonly times?: number | undefined
}

/** One attempt to deliver a notification to a URL. @internal */
export interface Delivery {
  /** The notification's number (from 1): the same on each attempt and on a duplicate. */
  readonly notification: number
  readonly at: number
  readonly url: string
  readonly eventType: string
  /** From 1; 0 for a delivery dropped by a fault (nothing was sent). */
  readonly attempt: number
  /** The receiver's answer, when there was one. */
  readonly status: number | undefined
  /** Why there was no answer (connection refused, timeout, ...). */
  readonly error: string | undefined
  readonly body: string
  /** The `x-ha-signature` header sent. */
  readonly signature: string
  /** The delivery fault that applied: this is a duplicate, it was delayed, or it was dropped. */
  readonly fault: "duplicate" | "delay" | "drop" | undefined
}

/** @internal */
export interface Event {
  readonly eventType: string
  readonly data: unknown
  /** Left out of the body when `undefined`. */
  readonly metadata?: unknown
}

/** @internal */
export interface DeliveryOptions {
  readonly attempts: number
  /** Before the second attempt; doubled before each next one. */
  readonly backoffMillis: number
  /** How long an attempt waits for the answer. */
  readonly timeoutMillis: number
}

/** @internal */
export interface Deliveries {
  /** Forks the deliveries of events of an organization; nothing when no URL is registered for them. */
  readonly emit: (organization: string, events: ReadonlyArray<Event>) => Effect.Effect<void>
  /** Runs an effect in the background, with the deliveries (a later event). */
  readonly background: (effect: Effect.Effect<void>) => Effect.Effect<void>
  readonly hasTargets: (organization: string) => boolean
  readonly log: () => ReadonlyArray<Delivery>
  readonly clear: () => void
  readonly setFaults: (rules: ReadonlyArray<DeliveryFaultRule>) => void
  readonly addFault: (rule: DeliveryFaultRule) => void
  /** Waits until no delivery is under way (redeliveries included). */
  readonly idle: Effect.Effect<void>
}

const encoder = new TextEncoder()

const hex = (bytes: ArrayBuffer): string => {
  let text = ""
  for (const byte of new Uint8Array(bytes)) text += byte.toString(16).padStart(2, "0")
  return text
}

/** Lowercase hex HMAC-SHA256 of the body's UTF-8 bytes, keyed with the key's UTF-8 bytes (Web Crypto). @internal */
export const sign = (body: string, key: string): Effect.Effect<string> =>
  Effect.promise(async () => {
    const cryptoKey = await globalThis.crypto.subtle.importKey(
      "raw",
      encoder.encode(key),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"]
    )
    return hex(await globalThis.crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(body)))
  })

interface RuleState {
  readonly rule: DeliveryFaultRule
  seen: number
  fired: number
}

interface Decision {
  readonly drop: boolean
  readonly duplicate: boolean
  readonly delayMillis: number
}

const matchesEvent = (rule: DeliveryFaultRule, eventType: string): boolean =>
  rule.eventType === undefined ||
  (typeof rule.eventType === "string" ? rule.eventType === eventType : rule.eventType.includes(eventType))

const faultDecider = (random: () => number, initial: ReadonlyArray<DeliveryFaultRule>) => {
  let rules: Array<RuleState> = initial.map((rule) => ({ rule, seen: 0, fired: 0 }))
  return {
    set: (next: ReadonlyArray<DeliveryFaultRule>) => {
      rules = next.map((rule) => ({ rule, seen: 0, fired: 0 }))
    },
    add: (rule: DeliveryFaultRule) => {
      rules.push({ rule, seen: 0, fired: 0 })
    },
    decide: (eventType: string): Decision => {
      let drop = false
      let duplicate = false
      let delayMillis = 0
      for (const state of rules) {
        if (!matchesEvent(state.rule, eventType)) continue
        if (!Faults.fires(state, random)) continue
        state.fired++
        const fault = state.rule.fault
        if (fault._tag === "Drop") drop = true
        else if (fault._tag === "Duplicate") duplicate = true
        else delayMillis += fault.millis
      }
      return { drop, duplicate, delayMillis }
    }
  }
}

const describe = (error: unknown): string => {
  if (typeof error === "object" && error !== null) {
    const tagged = error as { readonly _tag?: unknown; readonly reason?: unknown; readonly cause?: unknown }
    if (tagged._tag === "TimeoutException") return "timed out"
    const cause = tagged.cause as { readonly message?: unknown; readonly cause?: { readonly code?: unknown } }
    const code = cause?.cause?.code ?? (cause as { readonly code?: unknown } | undefined)?.code
    const parts = [String(tagged._tag ?? "Error")]
    if (typeof tagged.reason === "string") parts.push(tagged.reason)
    if (typeof code === "string") parts.push(code)
    else if (typeof cause?.message === "string") parts.push(cause.message)
    return parts.join(": ")
  }
  return String(error)
}

/** @internal */
export const make = (options: {
  readonly subscriptions: Subscriptions
  readonly client: HttpClient.HttpClient
  readonly fibers: FiberSet.FiberSet
  readonly random: () => number
  readonly faults: ReadonlyArray<DeliveryFaultRule>
  readonly delivery: DeliveryOptions
  readonly capacity: number
}): Deliveries => {
  const { delivery, fibers, subscriptions } = options
  // HelloAsso sends no trace headers
  const client = HttpClient.withTracerPropagation(options.client, false)
  const faults = faultDecider(options.random, options.faults)
  let log: Array<Delivery> = []
  let notifications = 0

  const record = (entry: Delivery) => {
    log.push(entry)
    if (log.length >= 2 * options.capacity) log = log.slice(log.length - options.capacity)
  }

  const post = (url: string, body: string, signature: string): Effect.Effect<number, unknown> =>
    client.execute(
      HttpClientRequest.post(url).pipe(
        HttpClientRequest.setHeader("x-ha-signature", signature),
        HttpClientRequest.bodyText(body, "application/json")
      )
    ).pipe(
      Effect.flatMap((response) => response.stream.pipe(Stream.runDrain, Effect.ignore, Effect.as(response.status))),
      Effect.scoped,
      Effect.timeout(Duration.millis(delivery.timeoutMillis)),
      // HelloAsso does not follow a redirect: on fetch, neither does the simulator
      Effect.provideService(FetchHttpClient.RequestInit, { redirect: "manual" })
    )

  /** Attempts until a 2xx answers or the attempts run out. */
  const attempts = (
    notification: number,
    eventType: string,
    target: Subscription,
    body: string,
    signature: string,
    firstFault: Delivery["fault"],
    fault: Delivery["fault"]
  ) =>
    Effect.gen(function*() {
      for (let attempt = 1; attempt <= delivery.attempts; attempt++) {
        const at = yield* Clock.currentTimeMillis
        const outcome = yield* Effect.either(post(target.url, body, signature))
        const status = outcome._tag === "Right" ? outcome.right : undefined
        record({
          notification,
          at,
          url: target.url,
          eventType,
          attempt,
          status,
          error: outcome._tag === "Left" ? describe(outcome.left) : undefined,
          body,
          signature,
          fault: attempt === 1 ? firstFault : fault
        })
        if (status !== undefined && status >= 200 && status < 300) return
        if (attempt < delivery.attempts) {
          yield* Effect.sleep(Duration.millis(delivery.backoffMillis * 2 ** (attempt - 1)))
        }
      }
    })

  const deliver = (notification: number, event: Event, body: string, target: Subscription, decision: Decision) =>
    Effect.gen(function*() {
      const signature = yield* sign(body, target.signatureKey)
      if (decision.drop) {
        record({
          notification,
          at: yield* Clock.currentTimeMillis,
          url: target.url,
          eventType: event.eventType,
          attempt: 0,
          status: undefined,
          error: undefined,
          body,
          signature,
          fault: "drop"
        })
        return
      }
      if (decision.delayMillis > 0) yield* Effect.sleep(Duration.millis(decision.delayMillis))
      const delayed = decision.delayMillis > 0 ? "delay" : undefined
      yield* attempts(notification, event.eventType, target, body, signature, delayed, undefined)
      // a duplicate arrives after the delivery ended, as HelloAsso's redeliveries do
      if (decision.duplicate) {
        yield* attempts(notification, event.eventType, target, body, signature, "duplicate", "duplicate")
      }
    }).pipe(
      // a delivery outlives the request that caused it
      Effect.withSpan("HelloAssoSimulator.deliver", {
        root: true,
        attributes: { "helloasso.eventType": event.eventType, "helloasso.notification": notification }
      })
    )

  const background = (effect: Effect.Effect<void>) => Effect.asVoid(FiberSet.run(fibers, effect))

  return {
    emit: (organization, events) =>
      Effect.suspend(() => {
        const runs: Array<Effect.Effect<void>> = []
        for (const event of events) {
          const targets = subscriptions.targets(organization, event.eventType)
          if (targets.length === 0) continue
          const notification = ++notifications
          const body = JSON.stringify(
            event.metadata === undefined
              ? { data: event.data, eventType: event.eventType }
              : { data: event.data, eventType: event.eventType, metadata: event.metadata }
          )
          for (const target of targets) {
            // decided in the order of the events, not in the order the fibers run
            const decision = faults.decide(event.eventType)
            runs.push(background(deliver(notification, event, body, target, decision)))
          }
        }
        return Effect.all(runs, { discard: true })
      }),
    background,
    hasTargets: (organization) =>
      !subscriptions.isEmpty() &&
      NOTIFICATION_TYPES.some((type) => subscriptions.targets(organization, type).length > 0),
    log: () => log.slice(Math.max(0, log.length - options.capacity)),
    clear: () => {
      log = []
    },
    setFaults: faults.set,
    addFault: faults.add,
    idle: FiberSet.awaitEmpty(fibers)
  }
}
