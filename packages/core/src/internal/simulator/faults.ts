/**
 * Fault injection: rules match requests by endpoint and fire by schedule (the n-th matching request) or by
 * probability (from the simulator's seed, so a run can be replayed).
 */
import type { Endpoint } from "./query.js"

/** @internal */
export type Fault =
  | {
    readonly _tag: "Status"
    readonly status: number
    /** `Retry-After` to send, in seconds. */
    readonly retryAfter?: number | undefined
    /** Send `Retry-After` as seconds (default) or as an HTTP date. */
    readonly retryAfterFormat?: "seconds" | "http-date" | undefined
  }
  | {
    readonly _tag: "Validation"
    /** The field errors of an ASP.NET validation problem (400), by field. */
    readonly errors: Readonly<Record<string, ReadonlyArray<string>>>
  }
  | { readonly _tag: "Latency"; readonly millis: number }
  | { readonly _tag: "MalformedJson" }
  | { readonly _tag: "TruncatedJson" }
  | { readonly _tag: "RevokeToken" }
  | { readonly _tag: "StallBody" }
  | { readonly _tag: "RefuseConnection" }
  | { readonly _tag: "ResetBeforeRead" }
  | { readonly _tag: "ResetAfterRead" }

/** @internal */
export interface FaultRule {
  /** Which requests the rule looks at; all of them by default. */
  readonly endpoint?: Endpoint | ReadonlyArray<Endpoint> | undefined
  readonly fault: Fault
  /** Fire on these matching requests, counted from 1 for this rule. */
  readonly on?: ReadonlyArray<number> | undefined
  /** Fire on each matching request with this probability. */
  readonly probability?: number | undefined
  /** Fire at most this many times. */
  readonly times?: number | undefined
}

/** What happens to one request. @internal */
export interface Decision {
  readonly latencyMillis: number
  /** The fault that replaces or breaks the answer, if any. */
  readonly fault: Exclude<Fault, { readonly _tag: "Latency" }> | undefined
  /** How many rules fired. */
  readonly fired: number
}

/**
 * Counts a matching request (or event) for a rule and says whether the rule fires on it: on its n-th ones (`on`),
 * with its probability, or on every one when it has neither; never past `times`.
 *
 * @internal
 */
export const fires = (
  state: {
    seen: number
    readonly fired: number
    readonly rule: {
      readonly on?: ReadonlyArray<number> | undefined
      readonly probability?: number | undefined
      readonly times?: number | undefined
    }
  },
  random: () => number
): boolean => {
  state.seen++
  const { on, probability, times } = state.rule
  if (times !== undefined && state.fired >= times) return false
  const scheduled = on === undefined ? probability === undefined : on.includes(state.seen)
  const drawn = probability !== undefined && random() < probability
  return scheduled || drawn
}

interface RuleState {
  readonly rule: FaultRule
  seen: number
  fired: number
}

/** @internal */
export interface Faults {
  readonly set: (rules: ReadonlyArray<FaultRule>) => void
  readonly add: (rule: FaultRule) => void
  readonly decide: (endpoint: Endpoint) => Decision
  readonly injected: () => number
}

const matchesEndpoint = (rule: FaultRule, endpoint: Endpoint): boolean =>
  rule.endpoint === undefined ||
  (typeof rule.endpoint === "string" ? rule.endpoint === endpoint : rule.endpoint.includes(endpoint))

/** @internal */
export const make = (random: () => number, initial: ReadonlyArray<FaultRule>): Faults => {
  let rules: Array<RuleState> = initial.map((rule) => ({ rule, seen: 0, fired: 0 }))
  let injected = 0
  return {
    set: (next) => {
      rules = next.map((rule) => ({ rule, seen: 0, fired: 0 }))
    },
    add: (rule) => {
      rules.push({ rule, seen: 0, fired: 0 })
    },
    decide: (endpoint) => {
      let latencyMillis = 0
      let fault: Decision["fault"]
      let fired = 0
      for (const state of rules) {
        if (!matchesEndpoint(state.rule, endpoint)) continue
        if (!fires(state, random)) continue
        if (state.rule.fault._tag === "Latency") {
          latencyMillis += state.rule.fault.millis
        } else if (fault === undefined) {
          fault = state.rule.fault
        } else {
          continue
        }
        state.fired++
        fired++
      }
      injected += fired
      return { latencyMillis, fault, fired }
    },
    injected: () => injected
  }
}
