// What the ledger benchmark's Worker (ledger-worker.ts) and the benchmark (scripts/bench-ledger.ts) both need to know.

/** Paths only the benchmark's Worker has; each answers JSON. */
export const LEDGER_BENCH_PATH = '/__bench/ledger'

/**
 * `POST <path>/fill` (with the size, its end and the step as JSON) writes one step of the record; `POST <path>/kv` puts each key's
 * current text in KV; `POST <path>/count` starts counting rows; `GET <path>/rows` answers the rows read since;
 * `POST <path>/alarm` and `POST <path>/cron` run the alarm and the cron; `GET <path>/ping` answers at once.
 */
export type LedgerBenchAction = 'fill' | 'kv' | 'count' | 'rows' | 'alarm' | 'cron' | 'ping'

/** Rows SQLite read and wrote for the ledger, summed over every statement since counting started. */
export interface RowsCounted {
  read: number
  written: number
  statements: number
}

/** How many rows of each kind the record holds. Every event has an email delivery; every other one a webhook's too. */
export interface RecordSize {
  versions: number
  proposals: number
  schedules: number
  events: number
}

/** Ten years of heavy use (issue 23): about 27 changes, proposals and schedules a day, and 137 events. */
export const DECADE: RecordSize = { versions: 100_000, proposals: 100_000, schedules: 100_000, events: 500_000 }

/** Events per step: a step is one transaction, its rows chained before it ends. */
export const EVENTS_PER_STEP = 5_000

export function stepsOf(size: RecordSize): number {
  return Math.max(1, Math.ceil(size.events / EVENTS_PER_STEP))
}
