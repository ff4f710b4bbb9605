// What the ledger's parts share of it: its storage, its seams, the two steps every change ends with (telling people,
// setting the alarm), and how a failed job backs off. The Ledger is the one implementation; the parts take it as
// this interface.
import type { Notifier } from './deliveries.ts'
import type { NewEvent } from './events.ts'
import type { EdgeCache } from './purges.ts'
import type { LedgerKV } from './reconcile.ts'

export interface LedgerContext {
  readonly sql: SqlStorage
  /** Runs `work` as one SQLite transaction (all or nothing). */
  transact<T>(work: () => T): T
  now(): number
  kv: LedgerKV
  edge: EdgeCache
  notifier: Notifier
  env: Env
  /**
   * Records an event and its deliveries in the caller's step, and sets the alarm that sends them; `named` are the
   * editors a decision concerns (events.ts).
   */
  tell(event: NewEvent, now: number, named?: readonly string[]): void
  /** Sets the alarm for the earliest job waiting; called in the step that adds a job. */
  arm(): void
}

/** How long to wait after `failed` failed attempts: that entry of `delays`, the last repeating once they run out. */
export function retryDelay(delays: readonly number[], failed: number): number {
  return delays[Math.min(failed, delays.length - 1)] as number
}

/** Who the ledger's own trouble (a stuck write, a failing purge, the import's problems) is reported as. */
export const THE_LEDGER = 'the ledger'
