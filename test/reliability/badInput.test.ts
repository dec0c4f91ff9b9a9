import { afterAll, describe, expect, it } from "@effect/vitest"
import { HelloAssoError, Payments } from "@helloasso-effect/core"
import { HelloAssoSimulator } from "@helloasso-effect/core/testing"
import { NodeHelloAsso, NodeSimulatorServer } from "@helloasso-effect/node"
import { DateTime, Effect, Redacted, Stream } from "effect"
import { figures } from "../support/figures.js"

/**
 * The bad input catalogue: every input is checked before anything is sent. Each bad input gives a
 * ValidationError naming the field, and the simulator's log shows no request at all.
 */

const stats = figures()
afterAll(() => stats.print("bad input catalogue"))

type Call = (payments: Payments.Service) => Effect.Effect<unknown, unknown>

const org = "les-amis-du-lavoir"
const any = <A>(value: unknown) => value as A
const drain = <A, E>(stream: Stream.Stream<A, E>) => Stream.runDrain(stream)

const slugs: ReadonlyArray<readonly [string, string]> = [
  ["..", "dot-dot"],
  [".", "dot"],
  ["%2e%2e", "encoded dot-dot"],
  ["%2F", "encoded slash"],
  ["a/b", "slash"],
  ["a\\b", "backslash"],
  ["a?b=c", "question mark"],
  ["a#b", "hash"],
  ["a\u0000b", "NUL"],
  ["a\nb", "new line"],
  ["a\u007fb", "DEL"],
  ["a b", "space"],
  ["", "empty"],
  ["x".repeat(1_000_000), "1 MB long"]
]

/**
 * Lone UTF-16 surrogates: no UTF-8 for them, so no URL either (encodeURIComponent throws, URLSearchParams swaps
 * in U+FFFD).
 */
const loneSurrogates: ReadonlyArray<readonly [string, string]> = [
  ["a\ud800", "lone high surrogate"],
  ["\udc00x", "lone low surrogate"]
]

const form = { organizationSlug: org, formType: "Event", formSlug: "fete-du-lavoir-2025" } as const

/** Every operation that takes a string param, with that param set to `value`. */
const stringParams: ReadonlyArray<readonly [field: string, operation: string, call: (value: string) => Call]> = [
  ...(["listByOrganization", "pagesByOrganization", "streamByOrganization"] as const).flatMap((operation) =>
    (["organizationSlug", "userSearchKey", "continuationToken"] as const).map((field) =>
      [field, operation, (value: string): Call => (p) => {
        const params = { organizationSlug: org, [field]: value }
        return operation === "listByOrganization"
          ? p.listByOrganization(params)
          : drain<unknown, unknown>(p[operation](params))
      }] as const
    )
  ),
  ...(["listByForm", "pagesByForm", "streamByForm"] as const).flatMap((operation) =>
    (["organizationSlug", "formSlug", "userSearchKey", "continuationToken"] as const).map((field) =>
      [field, operation, (value: string): Call => (p) => {
        const params = { ...form, [field]: value }
        return operation === "listByForm" ? p.listByForm(params) : drain<unknown, unknown>(p[operation](params))
      }] as const
    )
  ),
  ...(["search", "pagesSearch", "streamSearch"] as const).flatMap((operation) =>
    (["organizationSlug", "searchKey", "continuationToken"] as const).map((field) =>
      [field, operation, (value: string): Call => (p) => {
        const params = { organizationSlug: org, [field]: value }
        return operation === "search" ? p.search(params) : drain<unknown, unknown>(p[operation](params))
      }] as const
    )
  ),
  ...(["organizationSlug", "userSearchKey"] as const).map((field) =>
    [
      field,
      "exportByOrganization",
      (value: string): Call => (p) =>
        drain(p.exportByOrganization({ organizationSlug: org, format: "csv", [field]: value }))
    ] as const
  ),
  ["comment", "refund", (value: string): Call => (p) => p.refund(20_000_001, { amount: 100, comment: value })]
]

/** Would split or end the MFA header it is sent in. */
const mfaControls: ReadonlyArray<readonly [string, string]> = [
  ["\n", "LF"],
  ["\r", "CR"],
  ["\r\nX-Injected: 1", "CR LF"],
  ["\u0000", "NUL"],
  ["\u0007", "BEL"],
  ["\u001b", "ESC"],
  ["\u007f", "DEL"]
]

const catalogue: ReadonlyArray<readonly [name: string, call: Call, field: string]> = [
  // organization slugs, on every operation that takes one
  ...slugs.map(([slug, name]) =>
    [
      `organizationSlug ${name}`,
      (p: Payments.Service) => p.listByOrganization({ organizationSlug: slug }),
      "organizationSlug"
    ] as const
  ),
  ["organizationSlug .. on search", (p) => p.search({ organizationSlug: ".." }), "organizationSlug"],
  [
    "organizationSlug / on the search stream",
    (p) => drain(p.streamSearch({ organizationSlug: "a/b" })),
    "organizationSlug"
  ],
  [
    "organizationSlug ? on export",
    (p) => drain(p.exportByOrganization({ organizationSlug: "a?b", format: "csv" })),
    "organizationSlug"
  ],
  [
    "organizationSlug # on form pages",
    (p) => drain(p.pagesByForm({ organizationSlug: "#", formType: "Event", formSlug: "f" })),
    "organizationSlug"
  ],
  // form slugs and types
  ["formSlug ..", (p) => p.listByForm({ organizationSlug: org, formType: "Event", formSlug: ".." }), "formSlug"],
  [
    "formSlug ../payments",
    (p) => p.listByForm({ organizationSlug: org, formType: "Event", formSlug: "../payments" }),
    "formSlug"
  ],
  [
    "formSlug %2e%2e",
    (p) => drain(p.streamByForm({ organizationSlug: org, formType: "Event", formSlug: "%2e%2e" })),
    "formSlug"
  ],
  ["formSlug empty", (p) => p.listByForm({ organizationSlug: org, formType: "Event", formSlug: "" }), "formSlug"],
  [
    "formSlug control character",
    (p) => p.listByForm({ organizationSlug: org, formType: "Event", formSlug: "a\tb" }),
    "formSlug"
  ],
  [
    "formType unknown",
    (p) => p.listByForm({ organizationSlug: org, formType: any("Party"), formSlug: "f" }),
    "formType"
  ],
  [
    "formType lower case",
    (p) => p.listByForm({ organizationSlug: org, formType: any("event"), formSlug: "f" }),
    "formType"
  ],
  ["formTypes unknown", (p) => p.search({ organizationSlug: org, formTypes: [any("Raffle")] }), "formTypes[0]"],
  ["formType unknown on search", (p) => p.search({ organizationSlug: org, formType: any("Raffle") }), "formType"],
  // ids
  ...[0, -1, 1.5, 2 ** 31, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53].map((id) =>
    [`paymentId ${id} on get`, (p: Payments.Service) => p.get(id), "paymentId"] as const
  ),
  ...[0, -7, 2.5, 2 ** 31, Number.NaN].map((id) =>
    [`paymentId ${id} on refund`, (p: Payments.Service) => p.refund(id), "paymentId"] as const
  ),
  ["paymentId as a string", (p) => p.get(any("12")), "paymentId"],
  ["userId 0", (p) => p.search({ organizationSlug: org, userId: 0 }), "userId"],
  ["userId negative", (p) => p.search({ organizationSlug: org, userId: -5 }), "userId"],
  ["userId fractional", (p) => drain(p.streamSearch({ organizationSlug: org, userId: 1.5 })), "userId"],
  // amounts
  ...[-1, 1.5, 2 ** 31, Number.NaN, Number.POSITIVE_INFINITY].map((amount) =>
    [`refund amount ${amount}`, (p: Payments.Service) => p.refund(20_000_001, { amount }), "amount"] as const
  ),
  ["search amount negative", (p) => p.search({ organizationSlug: org, amount: -100 }), "amount"],
  ["search amount fractional", (p) => p.search({ organizationSlug: org, amount: 10.5 }), "amount"],
  ["search amount above int32", (p) => p.search({ organizationSlug: org, amount: 2 ** 31 }), "amount"],
  // page sizes and indexes
  ...[0, 101, -1, 1.5, Number.NaN].map((pageSize) =>
    [
      `pageSize ${pageSize}`,
      (p: Payments.Service) => p.listByOrganization({ organizationSlug: org, pageSize }),
      "pageSize"
    ] as const
  ),
  ["pageSize 101 on search pages", (p) => drain(p.pagesSearch({ organizationSlug: org, pageSize: 101 })), "pageSize"],
  ["pageIndex 0", (p) => p.listByOrganization({ organizationSlug: org, pageIndex: 0 }), "pageIndex"],
  ["pageIndex fractional", (p) => p.listByOrganization({ organizationSlug: org, pageIndex: 1.5 }), "pageIndex"],
  // dates
  ["from not a date", (p) => p.listByOrganization({ organizationSlug: org, from: "yesterday" }), "from"],
  ["from month 13", (p) => p.listByOrganization({ organizationSlug: org, from: "2024-13-01T00:00:00Z" }), "from"],
  ["to February 30", (p) => p.listByOrganization({ organizationSlug: org, to: "2024-02-30T00:00:00Z" }), "to"],
  ["to, a date that does not exist", (p) => p.listByOrganization({ organizationSlug: org, to: "2024-06-31" }), "to"],
  ["from invalid Date", (p) => p.listByOrganization({ organizationSlug: org, from: new Date("nope") }), "from"],
  ["from a number", (p) => p.listByOrganization({ organizationSlug: org, from: any(1717000000000) }), "from"],
  [
    "from equal to to",
    (p) => p.listByOrganization({ organizationSlug: org, from: "2024-06-01T00:00:00Z", to: "2024-06-01T00:00:00Z" }),
    "to"
  ],
  [
    "from after to (Date)",
    (p) => p.listByOrganization({ organizationSlug: org, from: new Date("2025-01-01"), to: new Date("2024-01-01") }),
    "to"
  ],
  ["from after to (DateTime)", (p) =>
    drain(p.streamByOrganization({
      organizationSlug: org,
      from: DateTime.unsafeMake("2025-01-01T00:00:00Z"),
      to: DateTime.unsafeMake("2024-01-01T00:00:00Z")
    })), "to"],
  [
    "from after to on search",
    (p) => p.search({ organizationSlug: org, from: "2025-01-01T00:00:00Z", to: "2024-01-01T00:00:00Z" }),
    "to"
  ],
  ["from after to on export", (p) =>
    drain(p.exportByOrganization({
      organizationSlug: org,
      format: "csv",
      from: "2025-01-01T00:00:00Z",
      to: "2024-01-01T00:00:00Z"
    })), "to"],
  // states, sorting, formats
  ["unknown state", (p) => p.listByOrganization({ organizationSlug: org, states: [any("Paid")] }), "states[0]"],
  [
    "state in lower case",
    (p) => p.listByOrganization({ organizationSlug: org, states: ["Authorized", any("refunded")] }),
    "states[1]"
  ],
  ["unknown state on search", (p) => p.search({ organizationSlug: org, states: [any("")] }), "states[0]"],
  ["unknown sortField", (p) => p.listByOrganization({ organizationSlug: org, sortField: any("Amount") }), "sortField"],
  ["unknown sortOrder", (p) => p.search({ organizationSlug: org, sortOrder: any("Up") }), "sortOrder"],
  ["export format pdf", (p) => drain(p.exportByOrganization({ organizationSlug: org, format: any("pdf") })), "format"],
  ["prefetch negative", (p) => drain(p.streamByOrganization({ organizationSlug: org }, { prefetch: -1 })), "prefetch"],
  ["prefetch too large", (p) => drain(p.pagesByOrganization({ organizationSlug: org }, { prefetch: 17 })), "prefetch"],
  // tokens and texts
  [
    "continuationToken empty",
    (p) => p.listByOrganization({ organizationSlug: org, continuationToken: "" }),
    "continuationToken"
  ],
  [
    "continuationToken with a space",
    (p) => p.search({ organizationSlug: org, continuationToken: "a b" }),
    "continuationToken"
  ],
  [
    "continuationToken 5,000 characters",
    (p) => p.listByOrganization({ organizationSlug: org, continuationToken: "t".repeat(5000) }),
    "continuationToken"
  ],
  [
    "userSearchKey 201 characters",
    (p) => p.listByOrganization({ organizationSlug: org, userSearchKey: "a".repeat(201) }),
    "userSearchKey"
  ],
  [
    "userSearchKey control character",
    (p) => p.listByOrganization({ organizationSlug: org, userSearchKey: "dupr\u0000e" }),
    "userSearchKey"
  ],
  ["searchKey control character", (p) => p.search({ organizationSlug: org, searchKey: "\u001b[31m" }), "searchKey"],
  ["comment 1,001 characters", (p) => p.refund(20_000_001, { comment: "x".repeat(1001) }), "comment"],
  ["comment control character", (p) => p.refund(20_000_001, { comment: "bell\u0007" }), "comment"],
  [
    "withFailedRefundOperation not a boolean",
    (p) => p.get(20_000_001, { withFailedRefundOperation: any("yes") }),
    "withFailedRefundOperation"
  ],
  ["cancelOrder not a boolean", (p) => p.refund(20_000_001, { cancelOrder: any(1) }), "cancelOrder"],
  // MFA tokens
  [
    "empty MFA access token",
    (p) => p.refund(20_000_001, { mfa: { accessToken: Redacted.make("") } }),
    "mfa.accessToken"
  ],
  [
    "blank MFA SMS token",
    (p) => p.refund(20_000_001, { mfa: { smsAccessToken: Redacted.make("   ") } }),
    "mfa.smsAccessToken"
  ],
  [
    "MFA password token not Redacted",
    (p) => p.refund(20_000_001, { mfa: { passwordToken: any("plain-secret-123") } }),
    "mfa.passwordToken"
  ],
  // MFA tokens with a control character (the token itself never in the message)
  ...(["accessToken", "smsAccessToken", "passwordToken"] as const).flatMap((option) =>
    mfaControls.map(([control, name]) =>
      [
        `MFA ${option} with ${name}`,
        (p: Payments.Service) =>
          p.refund(20_000_001, { mfa: { [option]: Redacted.make(`plain-secret-123${control}tail`) } }),
        `mfa.${option}`
      ] as const
    )
  ),
  // lone surrogates, in every string param of every operation
  ...stringParams.flatMap(([field, operation, call]) =>
    loneSurrogates.map(([value, name]) => [`${field} with a ${name} on ${operation}`, call(value), field] as const)
  )
]

describe("bad input catalogue", () => {
  it("has at least 60 bad inputs", () => {
    expect(catalogue.length).toBeGreaterThanOrEqual(60)
  })

  it.effect.each(catalogue.map(([name, call, field]) => [name, call, field] as const))(
    "%s gives a ValidationError naming the field, and sends nothing",
    ([, call, field]) =>
      Effect.gen(function*() {
        const payments = yield* Payments.Payments
        const simulator = yield* HelloAssoSimulator.HelloAssoSimulator
        const error = yield* Effect.flip(call(payments))
        expect(error).toBeInstanceOf(HelloAssoError.ValidationError)
        expect(error).toMatchObject({ source: "client", field })
        const message = (error as HelloAssoError.ValidationError).message
        expect(message).toContain(field)
        expect(message.length).toBeLessThan(500)
        expect(message).not.toContain("plain-secret-123")
        expect(yield* simulator.requests).toEqual([])
        stats.add("bad inputs")
        stats.add("requests sent", (yield* simulator.requests).length)
      }).pipe(Effect.provide(HelloAssoSimulator.layerHelloAsso({ payments: 10 })))
  )
})

describe("bad input over loopback HTTP (undici)", () => {
  it.live(
    "MFA tokens with line breaks or NUL and lone surrogates: a ValidationError, and the server sees nothing",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const server = yield* NodeSimulatorServer.make({ payments: 10 })
        const client = NodeHelloAsso.layer({
          ...server.clientOptions,
          timeout: "3 seconds",
          retry: { maxRetries: 0 }
        })
        const cases: ReadonlyArray<readonly [Call, string]> = [
          [
            (p) => p.refund(20_000_001, { mfa: { accessToken: Redacted.make("plain-secret-123\r\nX-Injected: 1") } }),
            "mfa.accessToken"
          ],
          [
            (p) => p.refund(20_000_001, { mfa: { smsAccessToken: Redacted.make("plain-secret-123\n") } }),
            "mfa.smsAccessToken"
          ],
          [
            (p) => p.refund(20_000_001, { mfa: { passwordToken: Redacted.make("plain-secret-123\u0000") } }),
            "mfa.passwordToken"
          ],
          [(p) => p.refund(20_000_001, { comment: "merci \ud83d" }), "comment"],
          [(p) => p.listByOrganization({ organizationSlug: org, userSearchKey: "dupr\udce9" }), "userSearchKey"],
          [(p) => drain(p.streamByOrganization({ organizationSlug: "les-amis-\ud800" })), "organizationSlug"]
        ]
        for (const [call, field] of cases) {
          const error = yield* Effect.flip(Effect.flatMap(Payments.Payments, call).pipe(Effect.provide(client)))
          expect(error).toBeInstanceOf(HelloAssoError.ValidationError)
          expect(error).toMatchObject({ source: "client", field })
          expect((error as HelloAssoError.ValidationError).message).not.toContain("plain-secret-123")
          stats.add("bad inputs")
        }
        expect(yield* server.simulator.requests).toEqual([])
        expect((yield* server.connections).opened).toBe(0)
        stats.add("requests sent", (yield* server.simulator.requests).length)
      })),
    10_000
  )
})
