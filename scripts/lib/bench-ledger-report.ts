// The ledger benchmark's Markdown: every operation's rows read and time at a new record and at a decade, with the
// ratios and whether each meets issue 23's goals (scripts/lib/budgets.ts).
import type { RecordSize } from '../bench/ledger-bench.ts'
import { LEDGER_ROWS_READ_BUDGET, LEDGER_STARTUP_BUDGET_MS, LEDGER_TIME_RATIO_TARGET } from './budgets.ts'

export interface Measured {
  name: string
  group: string
  /** Per record: the median over the runs of the rows read and of the milliseconds. */
  fresh: { rows: number; ms: number }
  year: { rows: number; ms: number }
  decade: { rows: number; ms: number }
}

export interface LedgerReport {
  quick: boolean
  runs: number
  sizes: { fresh: RecordSize; year: RecordSize; decade: RecordSize }
  chained: { fresh: number; year: number; decade: number }
  buildSeconds: number
  /** The store the filled records were kept in and taken from (`--store`), when they were not filled by this run. */
  keptIn?: string
  startup: { fresh: number; year: number; decade: number }
  measured: Measured[]
  seconds: number
  /** The machine's one-minute load average when measuring began and when it ended, and its cores. */
  load: { start: number; end: number; cores: number }
}

const count = (value: number) => Math.round(value).toLocaleString('en-US')
const ms = (value: number) => value.toFixed(value < 10 ? 2 : 1)

function sizeOf(size: RecordSize): string {
  return `${count(size.versions)} versions, ${count(size.proposals)} proposals with their decisions, ${count(size.schedules)} schedules, ${count(size.events)} events with their deliveries`
}

/** Rows read within the budget, and the decade's time within the target ratio of `baseline`'s. */
function verdict(row: Measured, baseline: 'fresh' | 'year'): string {
  const misses: string[] = []
  if (row.decade.rows > LEDGER_ROWS_READ_BUDGET) misses.push(`rows over ${count(LEDGER_ROWS_READ_BUDGET)}`)
  if (row.decade.ms > LEDGER_TIME_RATIO_TARGET * row[baseline].ms) misses.push(`over ${LEDGER_TIME_RATIO_TARGET}×`)
  return misses.length === 0 ? 'met' : `missed: ${misses.join(', ')}`
}

export function renderLedgerReport(report: LedgerReport): string {
  const { sizes, chained, startup, measured } = report
  const judged = measured
  const met = (baseline: 'fresh' | 'year') => judged.filter((row) => verdict(row, baseline) === 'met').length
  const rows = measured.map((row) =>
    [
      row.group,
      `\`${row.name}\``,
      count(row.fresh.rows),
      count(row.year.rows),
      count(row.decade.rows),
      ms(row.fresh.ms),
      ms(row.year.ms),
      ms(row.decade.ms),
      (row.decade.ms / row.fresh.ms).toFixed(2),
      (row.decade.ms / row.year.ms).toFixed(2),
      verdict(row, 'fresh'),
      verdict(row, 'year'),
    ].join(' | '),
  )
  const startupMet = startup.decade < LEDGER_STARTUP_BUDGET_MS ? 'met' : 'missed'
  return `## The ledger at a decade of heavy use (issue 23)

Measured ${new Date().toISOString().slice(0, 10)} by \`npm run bench:ledger${report.quick ? ':quick' : ''}\` in ${Math.round(report.seconds)} s: the Worker built by \`wrangler deploy --dry-run\` (scripts/bench/ledger-worker.ts: the site as deployed, plus paths that fill, count and drive its ledger), three copies served by Miniflare's workerd on 127.0.0.1, each with its storage on disk so its object can be started again on its history.

- **New**: ${sizeOf(sizes.fresh)}; ${count(chained.fresh)} rows in the chain. Its pages hold a row or a few.
- **A year**: ${sizeOf(sizes.year)}; ${count(chained.year)} rows in the chain. Every page it serves is full.
- **A decade**: ${sizeOf(sizes.decade)}; ${count(chained.decade)} rows in the chain. The three were written in bounded steps (one transaction of about ${count(12_000)} chained rows each, chained by the ledger's own code as each ends) in ${Math.round(report.buildSeconds)} s${report.keptIn ? ` by an earlier run, which kept them in ${report.keptIn} (\`--store\`); this run started each again on its stored record, its migrations since applied first` : ''}.
- **Rows read**: the sum of \`rowsRead\` over every SQL statement the ledger ran for the operation (a counting wrapper at the ledger's \`sql\` seam). **Time**: the request's wall time from Node, through the Worker and the object; the median of ${report.runs} run(s) after a warm-up, the records taken in turn. The machine's load average (one minute) was ${report.load.start.toFixed(1)} when measuring began and ${report.load.end.toFixed(1)} when it ended, on ${report.load.cores} cores: other work shares them, and a median is steadier than any one run.
- **Goals** (scripts/lib/budgets.ts): rows read at most ${count(LEDGER_ROWS_READ_BUDGET)} (bounded by the page, never by the history); time at a decade within ${LEDGER_TIME_RATIO_TARGET}× of the new record's (issue 23's wording: this also counts a full page against a near-empty one) and of a year's (the same pages, ten times the history); the object started with a decade's history in under ${count(LEDGER_STARTUP_BUDGET_MS)} ms.

**Start-up** of the ledger object (its first request after workerd starts again on the stored record, less a request to the running object): new ${ms(startup.fresh)} ms, a year ${ms(startup.year)} ms, a decade ${ms(startup.decade)} ms: ${startupMet}.

Against the new record **${met('fresh')} of ${judged.length}** routes, pages and operations meet both goals; against a year, **${met('year')} of ${judged.length}**.

| group | operation | rows read, new | rows read, a year | rows read, a decade | ms, new | ms, a year | ms, a decade | decade ÷ new | decade ÷ year | goals against new | goals against a year |
|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|
${rows.map((row) => `| ${row} |`).join('\n')}
`
}
