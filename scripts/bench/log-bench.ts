// What the log benchmark's Worker (log-worker.ts) and the benchmark (scripts/bench-log.ts) both need to know.

/**
 * Paths only the benchmark's Worker has; each answers JSON and takes `?ledger=<name>` (the site's ledger by default):
 * `POST <path>/grow?count=N` adds N leaves to the log in one transaction, `POST <path>/append?count=N` makes N
 * appends through the ledger and answers their rows, `POST <path>/alarm` runs the ledger's alarm (signing).
 */
export const LOG_BENCH_PATH = '/__bench/log'

/** The entry the benchmark gives leaf `index` when it grows the log: short, and its own. */
export function benchEntry(index: number): Uint8Array {
  return new TextEncoder().encode(`{"bench":${index}}`)
}

export type LogBenchAction = 'grow' | 'append' | 'alarm'

/** Rows SQLite read and wrote per append: all of the transaction's, and the tree's tables' alone. */
export interface LogRows {
  read: number
  written: number
  treeRead: number
  treeWritten: number
  statements: number
  /** The tree's size after the appends. */
  size: number
}
