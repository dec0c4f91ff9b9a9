/**
 * `helloasso payments list | search | get | refund | export`
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Prompt from "@effect/cli/Prompt"
import { ValidationError } from "@helloasso-effect/core/HelloAssoError"
import type { HelloAssoError } from "@helloasso-effect/core/HelloAssoError"
import * as Payment from "@helloasso-effect/core/Payment"
import * as Payments from "@helloasso-effect/core/Payments"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Connection from "./connection.js"
import * as Formats from "./formats.js"
import * as Output from "./output.js"
import * as Progress from "./progress.js"

const SORT_FIELDS = { date: "Date", "update-date": "UpdateDate", "creation-date": "CreationDate" } as const
const SORT_ORDERS = { asc: "Asc", desc: "Desc" } as const

const filters = {
  from: Options.text("from").pipe(Options.withDescription("payments on or after this ISO date"), Options.optional),
  to: Options.text("to").pipe(Options.withDescription("payments before this ISO date (exclusive)"), Options.optional),
  state: Options.choice("state", Payment.PaymentState.known).pipe(
    Options.withDescription("only payments in this state (repeat for several)"),
    Options.repeated
  ),
  search: Options.text("search").pipe(Options.withDescription("payer or user name or email"), Options.optional),
  sort: Options.choice("sort", ["date", "update-date", "creation-date"]).pipe(Options.optional),
  order: Options.choice("order", ["asc", "desc"]).pipe(Options.optional)
}

const listing = {
  limit: Options.integer("limit").pipe(Options.withDescription("stop after this many payments"), Options.optional),
  format: Options.choice("format", ["table", "jsonl", "csv"]).pipe(Options.withDefault("table" as const)),
  output: Options.text("output").pipe(
    Options.withDescription("write to this file instead of stdout"),
    Options.optional
  ),
  resume: Options.text("resume").pipe(
    Options.withDescription("continuation token printed by an interrupted listing"),
    Options.optional
  ),
  pageSize: Options.integer("page-size").pipe(Options.withDefault(100))
}

const badInput = (operation: string, field: string, detail: string) =>
  new ValidationError({ operation, source: "client", field, detail })

const dates = (args: { readonly from: Option.Option<string>; readonly to: Option.Option<string> }) => ({
  from: Option.getOrUndefined(args.from),
  to: Option.getOrUndefined(args.to)
})

const sorting = (args: {
  readonly sort: Option.Option<keyof typeof SORT_FIELDS>
  readonly order: Option.Option<keyof typeof SORT_ORDERS>
}) => ({
  sortField: Option.getOrUndefined(Option.map(args.sort, (s) => SORT_FIELDS[s])),
  sortOrder: Option.getOrUndefined(Option.map(args.order, (o) => SORT_ORDERS[o]))
})

/** Writes pages of payments as they come; an interrupted listing says how to resume. */
const writePages = <A>(
  pages: Stream.Stream<Payment.Page<A>, HelloAssoError>,
  columns: Parameters<typeof Formats.render<A>>[1],
  args: {
    readonly format: Formats.Format
    readonly output: Option.Option<string>
    readonly limit: Option.Option<number>
  }
) =>
  Effect.scoped(Effect.gen(function*() {
    const output = yield* Output.open(Option.getOrUndefined(args.output))
    const progress = yield* Progress.make()
    const limit = Option.getOrElse(args.limit, () => Number.POSITIVE_INFINITY)
    let written = 0
    let resumeToken: string | undefined
    yield* Stream.runForEachWhile(pages, (page) =>
      Effect.gen(function*() {
        const rows = page.data.slice(0, Math.max(0, limit - written))
        yield* output.write(Formats.render(args.format, columns, rows, written === 0))
        written += rows.length
        // a page fully written: its token resumes after it
        if (rows.length === page.data.length) resumeToken = Option.getOrUndefined(page.pagination.continuationToken)
        yield* progress.page(rows.length)
        return written < limit
      })).pipe(
        Effect.onInterrupt(() =>
          Effect.zipRight(
            progress.done,
            Console.error(
              resumeToken === undefined
                ? `interrupted after ${written} payments`
                : `interrupted after ${written} payments; resume with: --resume ${resumeToken}`
            )
          )
        )
      )
    const summary = yield* progress.done
    if (output.target !== "stdout") yield* Console.error(`${written} payments written to ${output.target} (${summary})`)
  }))

const list = Command.make("list", {
  ...Connection.connection,
  org: Connection.organization,
  formType: Options.choice("form-type", Payment.FormType.known).pipe(Options.optional),
  formSlug: Options.text("form-slug").pipe(Options.optional),
  ...filters,
  ...listing
}, (args) =>
  Effect.gen(function*() {
    const payments = yield* Payments.Payments
    const params: Payments.ListParams = {
      organizationSlug: args.org,
      ...dates(args),
      states: args.state,
      userSearchKey: Option.getOrUndefined(args.search),
      ...sorting(args),
      pageSize: args.pageSize,
      continuationToken: Option.getOrUndefined(args.resume)
    }
    if (Option.isSome(args.formType) !== Option.isSome(args.formSlug)) {
      return yield* badInput("payments list", "form-slug", "--form-type and --form-slug go together")
    }
    const pages = Option.isSome(args.formType) && Option.isSome(args.formSlug)
      ? payments.pagesByForm({ ...params, formType: args.formType.value, formSlug: args.formSlug.value })
      : payments.pagesByOrganization(params)
    yield* writePages(pages, Formats.paymentColumns, args)
  }).pipe(Effect.provide(Connection.layer(args)))).pipe(
    Command.withDescription("List the payments of an organization, or of one of its forms")
  )

const search = Command.make("search", {
  ...Connection.connection,
  org: Connection.organization,
  formType: Options.choice("form-type", Payment.FormType.known).pipe(Options.repeated),
  userId: Options.integer("user-id").pipe(Options.optional),
  amount: Options.integer("amount").pipe(
    Options.withDescription("exact amount in cents, with or without the tip"),
    Options.optional
  ),
  ...filters,
  ...listing
}, (args) =>
  Effect.gen(function*() {
    const payments = yield* Payments.Payments
    const pages = payments.pagesSearch({
      organizationSlug: args.org,
      ...dates(args),
      states: args.state,
      formTypes: args.formType,
      userId: Option.getOrUndefined(args.userId),
      searchKey: Option.getOrUndefined(args.search),
      amount: Option.getOrUndefined(args.amount),
      ...sorting(args),
      pageSize: args.pageSize,
      continuationToken: Option.getOrUndefined(args.resume)
    })
    yield* writePages(pages, Formats.publicPaymentColumns, args)
  }).pipe(Effect.provide(Connection.layer(args)))).pipe(
    Command.withDescription("Search the payments of an organization (payer, amount, user, form types)")
  )

const encodeDetail = Schema.encodeSync(Payment.PaymentDetail)

/** A payment's detail, for people. */
export const describePayment = (payment: Payment.PaymentDetail): string => {
  const order = Option.getOrUndefined(payment.order)
  const payer = Option.getOrUndefined(payment.payer)
  const lines = [
    `Payment ${payment.id}: ${payment.state}`,
    `  date        ${Formats.isoDate(payment.date)}`,
    `  amount      ${Formats.euros(payment.amount)}${
      Option.match(payment.amountTip, { onNone: () => "", onSome: (tip) => ` (tip ${Formats.euros(tip)})` })
    }`,
    `  means       ${Formats.text(Option.orElse(payment.paymentOffLineMean, () => payment.paymentMeans))}`,
    `  form        ${
      order === undefined ? "" : `${Formats.text(order.formType)} / ${Formats.text(order.formSlug)} (order ${order.id})`
    }`,
    `  payer       ${Formats.payerName(payment.payer)}${
      payer === undefined ? "" : Option.match(payer.email, { onNone: () => "", onSome: (e) => ` <${e}>` })
    }`,
    `  cash-out    ${Formats.text(payment.cashOutState)}`,
    ...payment.items.map((item) =>
      `  item        ${Formats.text(item.name)}: ${Formats.euros(item.shareAmount)} (${Formats.text(item.state)})`
    ),
    ...payment.refundOperations.map((op) =>
      `  refund      #${op.id} ${Formats.euros(op.amount)} ${op.status}${
        Option.match(op.meta, { onNone: () => "", onSome: (m) => ` on ${Formats.shortDate(m.createdAt)}` })
      }`
    )
  ]
  return `${lines.join("\n")}\n`
}

const paymentId = Args.integer({ name: "id" }).pipe(Args.withDescription("the payment id"))

const get = Command.make("get", {
  ...Connection.connection,
  id: paymentId,
  withFailedRefunds: Options.boolean("with-failed-refunds"),
  format: Options.choice("format", ["table", "json"]).pipe(Options.withDefault("table" as const))
}, (args) =>
  Effect.gen(function*() {
    const payments = yield* Payments.Payments
    const payment = yield* payments.get(args.id, { withFailedRefundOperation: args.withFailedRefunds })
    yield* Effect.sync(() =>
      process.stdout.write(
        args.format === "json" ? `${JSON.stringify(encodeDetail(payment), null, 2)}\n` : describePayment(payment)
      )
    )
  }).pipe(Effect.provide(Connection.layer(args)))).pipe(Command.withDescription("Show one payment"))

const mfaOption = (name: string, variable: string, description: string) =>
  Options.redacted(name).pipe(
    Options.withDescription(`${description} (or ${variable})`),
    Options.withFallbackConfig(Config.redacted(variable)),
    Options.optional
  )

const refund = Command.make("refund", {
  ...Connection.connection,
  id: paymentId,
  amount: Options.integer("amount").pipe(
    Options.withDescription("amount to refund in cents (default: what remains)"),
    Options.optional
  ),
  comment: Options.text("comment").pipe(Options.optional),
  noMail: Options.boolean("no-mail").pipe(Options.withDescription("do not send the refund mail")),
  cancelOrder: Options.boolean("cancel-order").pipe(
    Options.withDescription("cancel the order's future payments (full refunds only)")
  ),
  yes: Options.boolean("yes").pipe(Options.withDescription("refund without asking for confirmation")),
  mfaAccessToken: mfaOption("mfa-access-token", "HELLOASSO_MFA_ACCESS_TOKEN", "MFA access token"),
  mfaSmsToken: mfaOption("mfa-sms-token", "HELLOASSO_MFA_SMS_TOKEN", "MFA SMS code token"),
  mfaPasswordToken: mfaOption("mfa-password-token", "HELLOASSO_MFA_PASSWORD_TOKEN", "MFA password token")
}, (args) =>
  Effect.gen(function*() {
    const operation = "payments refund"
    if (!Number.isInteger(args.id) || args.id < 1 || args.id > 2_147_483_647) {
      return yield* badInput(operation, "id", "must be an integer from 1 to 2147483647")
    }
    if (Option.isSome(args.amount) && (args.amount.value < 0 || args.amount.value > 2_147_483_647)) {
      return yield* badInput(operation, "amount", "must be a whole number of cents from 0 to 2147483647")
    }
    if (!args.yes && !process.stdin.isTTY) {
      return yield* badInput(operation, "yes", "not confirmed: pass --yes to refund without a prompt")
    }
    const payments = yield* Payments.Payments
    const payment = yield* payments.get(args.id)
    const amount = Option.getOrElse(args.amount, () => 0)
    const what = amount === 0 ? "what remains of" : `${Formats.euros(amount)} of`
    const summary = `refund ${what} payment ${payment.id} (${Formats.euros(payment.amount)}, ${
      Formats.shortDate(payment.date)
    }, ${Formats.payerName(payment.payer)})`
    if (!args.yes) {
      const confirmed = yield* Prompt.confirm({ message: `${summary[0]!.toUpperCase()}${summary.slice(1)}?` })
      if (!confirmed) {
        yield* Console.error("nothing was refunded")
        return
      }
    }
    const refunded = yield* payments.refund(payment.id, {
      amount,
      comment: Option.getOrUndefined(args.comment),
      cancelOrder: args.cancelOrder || undefined,
      sendRefundMail: args.noMail ? false : undefined,
      mfa: {
        accessToken: Option.getOrUndefined(args.mfaAccessToken),
        smsAccessToken: Option.getOrUndefined(args.mfaSmsToken),
        passwordToken: Option.getOrUndefined(args.mfaPasswordToken)
      }
    })
    yield* Console.log(
      `refund #${refunded.id}: ${Formats.euros(refunded.amount)} of payment ${refunded.paymentId}, ${refunded.state}`
    )
  }).pipe(Effect.provide(Connection.layer(args)))).pipe(
    Command.withDescription("Refund a payment, in full or in part (asks for confirmation)")
  )

const exportCommand = Command.make("export", {
  ...Connection.connection,
  org: Connection.organization,
  format: Options.choice("format", ["csv", "xlsx"]),
  output: Options.text("output").pipe(Options.withDescription("the file to write")),
  ...filters
}, (args) =>
  Effect.gen(function*() {
    const payments = yield* Payments.Payments
    const bytes = yield* Effect.scoped(Effect.gen(function*() {
      const output = yield* Output.open(args.output)
      let total = 0
      yield* payments.exportByOrganization({
        organizationSlug: args.org,
        format: args.format,
        ...dates(args),
        states: args.state,
        userSearchKey: Option.getOrUndefined(args.search),
        ...sorting(args)
      }).pipe(Stream.runForEach((chunk) => {
        total += chunk.length
        return output.write(chunk)
      }))
      return total
    }))
    yield* Console.error(`HelloAsso's ${args.format.toUpperCase()} export (${bytes} bytes) written to ${args.output}`)
  }).pipe(Effect.provide(Connection.layer(args)))).pipe(
    Command.withDescription("Write HelloAsso's own CSV or XLSX export of the organization's payments to a file")
  )

export const command = Command.make("payments").pipe(
  Command.withDescription("Payments of an organization"),
  Command.withSubcommands([list, search, get, refund, exportCommand])
)
