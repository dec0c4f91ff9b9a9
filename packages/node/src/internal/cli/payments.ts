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
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Connection from "./connection.js"
import * as Formats from "./formats.js"
import * as Output from "./output.js"
import * as Progress from "./progress.js"

const SORT_FIELDS = { date: "Date", "update-date": "UpdateDate", "creation-date": "CreationDate" } as const
const SORT_ORDERS = { asc: "Asc", desc: "Desc" } as const

const DATE_FORMS = "YYYY-MM-DD (midnight Europe/Paris) or an ISO date-time; without an offset, Europe/Paris"

const filters = {
  from: Options.text("from").pipe(
    Options.withDescription(`payments on or after this date: ${DATE_FORMS} (default: no lower bound)`),
    Options.optional
  ),
  to: Options.text("to").pipe(
    Options.withDescription(`payments before this date, exclusive: ${DATE_FORMS} (default: no upper bound)`),
    Options.optional
  ),
  state: Options.choice("state", Payment.PaymentState.known).pipe(
    Options.withDescription("only payments in this state; repeat for several (default: every state)"),
    Options.repeated,
    // an empty list when absent: shown as optional in the usage line
    Options.withDefault([])
  ),
  search: Options.text("search").pipe(
    Options.withDescription("payer or user name or email (default: every payer)"),
    Options.optional
  ),
  sort: Options.choice("sort", ["date", "update-date", "creation-date"]).pipe(
    Options.withDescription("the date to sort by: payment, last update or creation (default: date)"),
    Options.optional
  ),
  order: Options.choice("order", ["asc", "desc"]).pipe(
    Options.withDescription("asc for oldest first, desc for newest first (default: desc)"),
    Options.optional
  )
}

const output = Output.option

const listing = {
  limit: Options.integer("limit").pipe(
    Options.withDescription("stop after this many payments (default: no limit)"),
    Options.optional
  ),
  format: Options.choice("format", ["table", "jsonl", "csv"]).pipe(
    Options.withDescription(
      "table for people; jsonl (the API's JSON, one payment a line) or csv for programs (default: table)"
    ),
    Options.withDefault("table" as const)
  ),
  output,
  noHeader: Options.boolean("no-header").pipe(
    Options.withDescription(
      "no header line (csv, table), to append a resumed listing to its first part as one file (default: a header)"
    )
  ),
  resume: Options.text("resume").pipe(
    Options.withDescription("continuation token printed by an interrupted or failed listing (default: from the start)"),
    Options.optional
  ),
  pageSize: Options.integer("page-size").pipe(
    Options.withDescription("payments per request, 1 to 100 (default: 100)"),
    Options.withDefault(100)
  )
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

/**
 * Runs a listing with its connection. `--limit` counts payments: one below 1 is refused first, before the connection
 * is set up (bad input, nothing sent).
 */
const runListing = <E>(
  operation: string,
  args: Connection.Connection & { readonly limit: Option.Option<number> },
  body: Effect.Effect<void, E, Payments.Payments>
) =>
  Effect.zipRight(
    Option.isSome(args.limit) && args.limit.value < 1
      ? Effect.fail(badInput(operation, "limit", "--limit must be a number of payments, at least 1"))
      : Effect.void,
    Effect.provide(body, Connection.layer(args))
  )

/**
 * Writes pages of payments as they come. A listing that stops early (failure, Ctrl-C) says how to resume; its
 * file never takes the final name: what was written is kept as `FILE.partial`, to which the resumed listing
 * (`--no-header`) appends.
 */
const writePages = <A>(
  operation: string,
  pages: Stream.Stream<Payment.Page<A>, HelloAssoError>,
  columns: Parameters<typeof Formats.render<A>>[1],
  args: {
    readonly format: Formats.Format
    readonly output: Option.Option<string>
    readonly limit: Option.Option<number>
    readonly noHeader: boolean
  }
) =>
  Effect.scoped(Effect.gen(function*() {
    const output = yield* Output.open(Option.getOrUndefined(args.output), operation)
    const progress = yield* Progress.make()
    const limit = Option.getOrElse(args.limit, () => Number.POSITIVE_INFINITY)
    let written = 0
    let header = !args.noHeader
    let resumeToken: string | undefined
    const payments = () => Formats.count(written, "payment")
    const keepPartial = Effect.gen(function*() {
      if (!output.isFile || written === 0 || resumeToken === undefined) return
      const partial = `${output.target}.partial`
      yield* output.keepAs(partial)
      yield* Console.error(
        `the ${payments()} listed so far are in ${partial}; resume with --resume ${resumeToken} --no-header ` +
          `and append to it`
      )
    }).pipe(Effect.catchAll((error) => Console.error(`helloasso: ${error.message}`)))
    yield* Stream.runForEachWhile(pages, (page) =>
      Effect.gen(function*() {
        const rows = page.data.slice(0, Math.max(0, limit - written))
        // the header goes once, before the first page (even an empty one: an empty listing is a valid CSV)
        yield* output.write(Formats.render(args.format, columns, rows, header))
        header = false
        written += rows.length
        // a page fully written: its token resumes after it
        if (rows.length === page.data.length) {
          resumeToken = Option.getOrUndefined(Option.flatMap(page.pagination, (p) => p.continuationToken))
        }
        yield* progress.page(rows.length)
        return written < limit
      })).pipe(
        Effect.onInterrupt(() =>
          Effect.zipRight(
            progress.done,
            Console.error(
              resumeToken === undefined
                ? `interrupted after ${payments()}`
                : `interrupted after ${payments()}; resume with: --resume ${resumeToken}`
            )
          ).pipe(Effect.zipRight(keepPartial))
        ),
        Effect.tapErrorCause((cause) =>
          // a failed output is not worth keeping; a failed request leaves a good first part
          Cause.failureOption(cause).pipe(
            Option.filter((error) => !(error instanceof Output.OutputError || error instanceof Output.OutputClosed)),
            Option.match({ onNone: () => Effect.void, onSome: () => Effect.zipRight(progress.done, keepPartial) })
          )
        )
      )
    yield* output.commit
    const summary = yield* progress.done
    if (output.isFile) yield* Console.error(`${payments()} written to ${output.target} (${summary})`)
  }))

const list = Command.make("list", {
  ...Connection.connection,
  org: Connection.organization,
  formType: Options.choice("form-type", Payment.FormType.known).pipe(
    Options.withDescription("with --form-slug: the payments of this form only (default: every form)"),
    Options.optional
  ),
  formSlug: Options.text("form-slug").pipe(
    Options.withDescription("with --form-type: the slug of the form (default: every form)"),
    Options.optional
  ),
  ...filters,
  ...listing
}, (args) =>
  runListing(
    "payments list",
    args,
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
      yield* writePages("payments list", pages, Formats.paymentColumns, args)
    })
  )).pipe(
    Command.withDescription("List the payments of an organization, or of one of its forms")
  )

const search = Command.make("search", {
  ...Connection.connection,
  org: Connection.organization,
  formType: Options.choice("form-type", Payment.FormType.known).pipe(
    Options.withDescription("only payments of forms of this type; repeat for several (default: every type)"),
    Options.repeated,
    Options.withDefault([])
  ),
  userId: Options.integer("user-id").pipe(
    Options.withDescription("only the payments of this HelloAsso user id (default: every user)"),
    Options.optional
  ),
  amount: Options.integer("amount").pipe(
    Options.withDescription("exact amount in cents, with or without the tip (default: every amount)"),
    Options.optional
  ),
  ...filters,
  ...listing
}, (args) =>
  runListing(
    "payments search",
    args,
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
      yield* writePages("payments search", pages, Formats.publicPaymentColumns, args)
    })
  )).pipe(
    Command.withDescription("Search the payments of an organization (payer, amount, user, form types)")
  )

const encodeDetail = Payment.encoder(Payment.PaymentDetail)

/** A payment's detail, for people. */
export const describePayment = (payment: Payment.PaymentDetail): string => {
  const order = Option.getOrUndefined(payment.order)
  const payer = Option.getOrUndefined(payment.payer)
  const lines = [
    `Payment ${payment.id}: ${Formats.text(payment.state)}`,
    `  date        ${Formats.dateText(payment.date)}`,
    `  amount      ${Formats.money(payment.amount)}${
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
      `  item        ${Formats.text(item.name)}: ${Formats.money(item.shareAmount)} (${Formats.text(item.state)})`
    ),
    ...payment.refundOperations.map((op) =>
      `  refund      #${op.id} ${Formats.money(op.amount)} ${Formats.text(op.state)}${
        Option.match(Option.flatMap(op.meta, (m) => m.createdAt), {
          onNone: () => "",
          onSome: (date) => ` on ${Formats.shortDate(date)}`
        })
      }`
    )
  ]
  return `${lines.join("\n")}\n`
}

const paymentId = Args.integer({ name: "id" }).pipe(Args.withDescription("the payment id"))

const get = Command.make("get", {
  ...Connection.connection,
  id: paymentId,
  withFailedRefunds: Options.boolean("with-failed-refunds").pipe(
    Options.withDescription("also show the refund operations that failed (default: only those that did not)")
  ),
  format: Options.choice("format", ["table", "json"]).pipe(
    Options.withDescription("table for people, json (the API's payment) for programs (default: table)"),
    Options.withDefault("table" as const)
  )
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
    Options.withDescription(`${description} (or ${variable}; default: none)`),
    Options.withFallbackConfig(Config.redacted(variable)),
    Options.optional
  )

const INT32_MAX = 2_147_483_647

/** What a refund will do, in words: the amount, the payment, and what remains of it. */
const refundSummary = (payment: Payment.PaymentDetail, amount: number | "full") => {
  const described = [
    Formats.money(payment.amount),
    Formats.shortDateText(payment.date),
    Formats.payerName(payment.payer)
  ]
    .filter((part) => part !== "").join(", ")
  if (Option.isNone(payment.amount)) {
    // HelloAsso left the amount out: what remains is HelloAsso's to say
    const what = amount === "full" ? "all that remains" : Formats.euros(amount)
    return `${what} of payment ${payment.id} (${described}; its amount is not given, HelloAsso checks what remains)`
  }
  const remaining = Math.max(0, payment.amount.value - Formats.refunded(payment))
  const refunding = amount === "full" ? remaining : amount
  const what = amount === "full"
    ? `all that remains, ${Formats.euros(refunding)},`
    : Formats.euros(refunding)
  const after = refunding > remaining
    ? `only ${Formats.euros(remaining)} remains to refund`
    : `${Formats.euros(remaining)} not refunded yet, ${Formats.euros(remaining - refunding)} will remain`
  return `${what} of payment ${payment.id} (${described}; ${after})`
}

const refund = Command.make("refund", {
  ...Connection.connection,
  id: paymentId,
  amount: Options.integer("amount").pipe(
    Options.withDescription("the amount to refund, in cents, at least 1 (no default: --amount or --full is required)"),
    Options.optional
  ),
  full: Options.boolean("full").pipe(
    Options.withDescription("refund all that remains of the payment, instead of --amount (default: off)")
  ),
  comment: Options.text("comment").pipe(
    Options.withDescription("a comment kept with the refund (default: none)"),
    Options.optional
  ),
  noMail: Options.boolean("no-mail").pipe(
    Options.withDescription("do not send the refund mail (default: HelloAsso mails the payer)")
  ),
  cancelOrder: Options.boolean("cancel-order").pipe(
    Options.withDescription("cancel the order's future payments, full refunds only (default: off)")
  ),
  yes: Options.boolean("yes").pipe(
    Options.withDescription("refund without asking (default: ask on a terminal, refuse without one)")
  ),
  mfaAccessToken: mfaOption("mfa-access-token", "HELLOASSO_MFA_ACCESS_TOKEN", "MFA access token"),
  mfaSmsToken: mfaOption("mfa-sms-token", "HELLOASSO_MFA_SMS_TOKEN", "MFA SMS code token"),
  mfaPasswordToken: mfaOption("mfa-password-token", "HELLOASSO_MFA_PASSWORD_TOKEN", "MFA password token")
}, (args) =>
  Effect.gen(function*() {
    const operation = "payments refund"
    if (!Number.isInteger(args.id) || args.id < 1 || args.id > INT32_MAX) {
      return yield* badInput(operation, "id", "must be an integer from 1 to 2147483647")
    }
    if (Option.isSome(args.amount) && args.full) {
      return yield* badInput(operation, "amount", "--amount and --full exclude each other: pass one of them")
    }
    if (Option.isNone(args.amount) && !args.full) {
      return yield* badInput(
        operation,
        "amount",
        "--amount or --full is required: --amount CENTS refunds part of the payment, --full all that remains"
      )
    }
    // HelloAsso reads an amount of 0 as "everything that remains": on a command line that is a typo more often
    if (Option.isSome(args.amount) && args.amount.value === 0) {
      return yield* badInput(
        operation,
        "amount",
        "--amount 0 is not an amount to refund: pass --full to refund all that remains, or at least 1 cent"
      )
    }
    if (Option.isSome(args.amount) && (args.amount.value < 1 || args.amount.value > INT32_MAX)) {
      return yield* badInput(operation, "amount", "--amount must be a whole number of cents from 1 to 2147483647")
    }
    if (!args.yes && !process.stdin.isTTY) {
      return yield* badInput(operation, "yes", "not confirmed: pass --yes to refund without a prompt")
    }
    const payments = yield* Payments.Payments
    const payment = yield* payments.get(args.id)
    const summary = refundSummary(payment, Option.getOrElse(args.amount, () => "full" as const))
    if (args.yes) {
      yield* Console.error(`refunding ${summary}`)
    } else {
      const confirmed = yield* Prompt.confirm({ message: `Refund ${summary}?` })
      if (!confirmed) {
        yield* Console.error("nothing was refunded")
        return
      }
    }
    const refunded = yield* payments.refund(payment.id, {
      // absent: a full refund
      amount: Option.getOrUndefined(args.amount),
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
      `refund #${refunded.id}: ${Formats.money(refunded.amount)} of payment ${
        Formats.text(Option.orElse(refunded.paymentId, () => Option.some(payment.id)))
      }, ${Formats.text(refunded.state)}`
    )
  }).pipe(Effect.provide(Connection.layer(args)))).pipe(
    Command.withDescription("Refund a payment, in part (--amount) or all that remains (--full); asks first")
  )

const exportCommand = Command.make("export", {
  ...Connection.connection,
  org: Connection.organization,
  format: Options.choice("format", ["csv", "xlsx"]).pipe(
    Options.withDescription("the export's format (default: csv)"),
    Options.withDefault("csv" as const)
  ),
  output,
  ...filters
}, (args) =>
  Effect.gen(function*() {
    const operation = "payments export"
    const path = Option.getOrUndefined(args.output)
    if (args.format === "xlsx" && Output.isStdout(path) && process.stdout.isTTY) {
      return yield* badInput(operation, "output", "an XLSX file is binary: pass --output FILE or redirect stdout")
    }
    const payments = yield* Payments.Payments
    const { bytes, output } = yield* Output.writeStream(
      path,
      operation,
      payments.exportByOrganization({
        organizationSlug: args.org,
        format: args.format,
        ...dates(args),
        states: args.state,
        userSearchKey: Option.getOrUndefined(args.search),
        ...sorting(args)
      })
    )
    if (output.isFile) {
      yield* Console.error(
        `HelloAsso's ${args.format.toUpperCase()} export (${bytes} bytes) written to ${output.target}`
      )
    }
  }).pipe(Effect.provide(Connection.layer(args)))).pipe(
    Command.withDescription("HelloAsso's own CSV or XLSX export of the organization's payments, to stdout or a file")
  )

export const command = Command.make("payments").pipe(
  Command.withDescription("Payments of an organization"),
  Command.withSubcommands([list, search, get, refund, exportCommand])
)
