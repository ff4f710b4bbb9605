// The ledger's state, as every operation and read sees it (context.ts): the object's storage, the seams tests
// replace, transactions that chain what they append, and the alarm that does the work left waiting.
import type { LedgerError } from '../core/ledger-types.ts'
import type { ReviewRules } from '../core/review-rules.ts'
import { ALARM_RETRY_MS, nextJobAt, runDueJobs } from './alarm.ts'
import { chainPending } from './chaining.ts'
import type { EdgeCache, LedgerContext, LedgerKV, Notifier } from './context.ts'
import { audienceOf, type NewEvent, recordEvent } from './events.ts'
import { nextLogJobAt } from './log-jobs.ts'
import { extendLog } from './log-tree.ts'
import { migrate, schemaAhead } from './schema.ts'
import { WriteThrough } from './write-through.ts'

export type { EdgeCache, LedgerKV, Notifier }

/** What the Durable Object gives the ledger: its storage, and the seams tests replace. */
export interface LedgerPorts {
  sql: SqlStorage
  /** Runs `work` as one SQLite transaction (all or nothing). */
  transact<T>(work: () => T): T
  /** Sets the object's one alarm; called in the same step as the rows that need it. */
  setAlarm(at: number): void
  kv: LedgerKV
  edge: EdgeCache
  /** Sends what events tell: the Email Service binding and the webhook. */
  notifier: Notifier
  env: Env
  /** The reviewer rule and review period the ledger enforces: the bundled content/review-rules.json. */
  reviewRules: ReviewRules
  now?: () => number
}

export class Ledger implements LedgerContext {
  /** The object's SQLite storage; a seam for the benchmark, which counts the rows each statement reads. */
  sql: SqlStorage
  readonly transact: LedgerPorts['transact']
  private readonly setAlarm: LedgerPorts['setAlarm']
  /** Where versions are written through; a seam for tests that need KV to fail. */
  kv: LedgerKV
  /** Purges the pages of a key from Cloudflare's cache in front of the Worker; a seam, since workerd has none. */
  edge: EdgeCache
  /** Sends messages; a seam for tests that record them or make the email service fail. */
  notifier: Notifier
  /** The Worker's configuration (EDITORS, REQUIRE_APPROVAL); a seam for tests that switch the two-person rule on. */
  env: Env
  /** The reviewer rule (content/review-rules.json); a seam for tests that switch it on or off. */
  reviewRules: ReviewRules
  /** The clock; a seam for tests. */
  now: () => number
  /** Sends a request to a witness (log-witnesses.ts); a seam, so tests answer with a witness in the same process. */
  witnessFetch: (request: Request) => Promise<Response> = (request) => fetch(request)
  /** Writes accepted versions through to KV and purges their pages, one write at a time per key. */
  readonly through = new WriteThrough(this)
  /** Set when the record is at a schema version newer than this code's: every write is refused with it. */
  ahead: LedgerError | undefined
  private readonly rawTransact: LedgerPorts['transact']

  constructor(ports: LedgerPorts) {
    this.sql = ports.sql
    this.rawTransact = ports.transact
    // Every transaction ends by chaining the rows it appended (the triggers queue them, nothing can skip it) and
    // appending them to the log's tree. None runs on a record this code is too old for.
    this.transact = (work) => {
      if (this.ahead) throw new Error(`${this.ahead.code}: ${this.ahead.message}`)
      return ports.transact(() => {
        const result = work()
        chainPending(this.sql)
        extendLog(this.sql)
        return result
      })
    }
    this.setAlarm = ports.setAlarm
    this.kv = ports.kv
    this.edge = ports.edge
    this.notifier = ports.notifier
    this.env = ports.env
    this.reviewRules = ports.reviewRules
    this.now = ports.now ?? Date.now
  }

  /**
   * Brings the schema up to date and, if work is waiting (a write, a purge, a backfill), makes sure the alarm will do
   * it. A record migrated by newer code is left as it is: reads go on, writes are refused (`schemaAhead`).
   */
  start(): void {
    // Without it, an INSERT OR REPLACE deletes the row it conflicts with and no delete trigger fires (SQLite).
    this.sql.exec('PRAGMA recursive_triggers = ON')
    const schema = migrate(this.sql, { transact: this.rawTransact, now: new Date(this.now()) })
    if (schema.ahead !== undefined) {
      this.ahead = schemaAhead(schema.ahead)
      console.error(`ledger: ${this.ahead.message}`)
      return
    }
    this.transact(() => this.arm())
  }

  /**
   * Runs every job that is due, each step on its own (alarm.ts), then sets the alarm for the earliest job left,
   * whatever failed: no sooner than ALARM_RETRY_MS when a step failed, so a job that keeps failing is not run in a
   * loop. On a record this code is too old for it does nothing: the newer code, deployed again, arms it on its start.
   */
  async alarm(): Promise<void> {
    if (this.ahead) {
      console.error(`ledger: the alarm did nothing: ${this.ahead.message}`)
      return
    }
    let failed: string[] = ['the alarm']
    try {
      failed = await runDueJobs(this, this.through)
    } finally {
      const now = this.now()
      try {
        this.transact(() => this.arm(failed.length > 0 ? now + ALARM_RETRY_MS : undefined))
      } catch (error) {
        console.error('ledger: the next job could not be read; the alarm comes back shortly', error)
        this.setAlarm(now + ALARM_RETRY_MS)
      }
    }
  }

  /**
   * Sets the alarm for the earliest job waiting, if any (not before `notBefore` when given): every job is a row, so
   * this is always the right time.
   */
  arm(notBefore?: number): void {
    const now = this.now()
    const due = [nextJobAt(this.sql, now), nextLogJobAt(this.sql, this.env, now)].filter((at) => at !== null)
    const next = due.length > 0 ? Math.min(...due) : null
    if (next !== null) this.setAlarm(Math.max(next, notBefore ?? next))
  }

  /** Records an event and its deliveries in the caller's step, and sets the alarm that will send them now. */
  tell(event: NewEvent, now: number, named?: readonly string[]): void {
    recordEvent(this.sql, event, audienceOf(this.env), now, named)
    this.arm()
  }
}
