/**
 * `helloasso notifications listen`: a local receiver of HelloAsso's notifications, driven as a subprocess. It prints
 * each verified event once, refuses a bad signature (nothing printed), and drops a redelivery.
 */
import { describe, expect, it } from "@effect/vitest"
import { HelloAssoNotifications } from "@helloasso-effect/core"
import { Effect, Redacted } from "effect"
import * as Cli from "./support/cli.js"

const KEY = "listen-signature-key-Wq2"

const payment = {
  eventType: "Payment",
  data: {
    id: 20000042,
    amount: 1500,
    date: "2025-03-02T10:11:12.1234567+01:00",
    state: "Refunded",
    payer: { email: "jane.doe@example.com", firstName: "Jane", lastName: "Doe" }
  }
}

/** Starts the listener and resolves with its URL (its stderr line), the child and what it printed so far. */
const listen = (args: ReadonlyArray<string>, env: Record<string, string>) =>
  Effect.acquireRelease(
    Effect.async<{ readonly url: string; readonly stdout: () => string; readonly child: ReturnType<typeof Cli.start> }>(
      (resume) => {
        const child = Cli.start(["notifications", "listen", "--port", "0", ...args], env)
        let stdout = ""
        let stderr = ""
        child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
        child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
          stderr += chunk
          const url = /listening for notifications on (\S+)/.exec(stderr)?.[1]
          if (url !== undefined) resume(Effect.succeed({ url, stdout: () => stdout, child }))
        })
      }
    ),
    ({ child }) => Effect.sync(() => child.kill("SIGTERM"))
  )

const post = (url: string, body: string, signature?: string) =>
  Effect.promise(() =>
    fetch(url, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        ...(signature === undefined ? {} : { "x-ha-signature": signature })
      }
    }).then((response) => response.status)
  )

const waitFor = (condition: () => boolean) =>
  Effect.gen(function*() {
    for (let i = 0; i < 100 && !condition(); i++) yield* Effect.sleep("50 millis")
  })

describe("helloasso notifications listen", () => {
  it.live(
    "prints each signed event once, refuses a bad signature, drops a redelivery",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const listener = yield* listen(["--signature-key-env", "HA_KEY"], { HA_KEY: KEY })
        const body = JSON.stringify(payment)
        const signature = yield* HelloAssoNotifications.sign(body, Redacted.make(KEY))
        expect(yield* post(listener.url, body, "0".repeat(64))).toBe(401)
        expect(yield* post(listener.url, body)).toBe(401)
        expect(yield* post(listener.url, body, signature)).toBe(200)
        expect(yield* post(listener.url, body, signature)).toBe(200)
        yield* waitFor(() => listener.stdout().includes("20000042"))
        const lines = listener.stdout().split("\n").filter((line) => line !== "")
        expect(lines).toEqual(["Payment  20000042  Refunded  15,00 €"])
        // the readable line carries no payer data
        expect(listener.stdout()).not.toContain("Doe")
      })),
    30_000
  )

  it.live(
    "--format jsonl prints the notification as JSON; without a key nothing is checked",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const listener = yield* listen(["--format", "jsonl"], {})
        expect(yield* post(listener.url, JSON.stringify(payment))).toBe(200)
        expect(yield* post(listener.url, "{not json")).toBe(400)
        yield* waitFor(() => listener.stdout().includes("\n"))
        const line = JSON.parse(listener.stdout().trim()) as { eventType: string; data: { id: number } }
        expect(line).toMatchObject({ eventType: "Payment", data: { id: 20000042, state: "Refunded" } })
      })),
    30_000
  )

  it.effect("a signature key variable that is not set is a configuration error (exit 2)", () =>
    Effect.gen(function*() {
      const result = yield* Cli.run(["notifications", "listen", "--signature-key-env", "HA_MISSING_KEY"])
      expect(result.code).toBe(2)
      expect(result.stderr).toMatch(/^helloasso: .*HA_MISSING_KEY/m)
    }), 30_000)
})
