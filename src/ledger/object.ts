// The ledger's Durable Object: one SQLite-backed object, the only audited way to change a disclaimer, and its one
// face. Every read is `read(name, ...args)` over reads.ts; every operation is one method here that calls the module
// doing the work (through code.ts, loaded on the object's first start); only this class touches the object's state.
import { DurableObject } from 'cloudflare:workers'
import type { Grants } from '../core/editors.ts'
import type { ProposalResult, PublishResult, WriteRequest } from '../core/ledger-types.ts'
import type { ReviewResult } from '../core/review-types.ts'
import type * as Code from './code.ts'
import type { DraftChange } from './drafts.ts'
import type { Ledger } from './ledger.ts'
import type { PagesReport } from './page-contents.ts'
import type { ReadArgs, ReadName, ReadResult } from './reads.ts'
import { type PointInTimeRecovery, storageRecovery } from './recovery.ts'

export class DisclaimerLedger extends DurableObject<Env> {
  /** The ledger's state; tests reach its seams (kv, edge, notifier, env, now, sql) through it. */
  ledger!: Ledger
  /** The storage's history, for point-in-time recovery; a seam, since local workerd keeps none. */
  recovery: PointInTimeRecovery
  private code!: typeof Code

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.recovery = storageRecovery(ctx)
    void ctx.blockConcurrencyWhile(async () => {
      this.code = await import('./code.ts')
      this.ledger = new this.code.Ledger({
        sql: ctx.storage.sql,
        transact: (work) => ctx.storage.transactionSync(work),
        setAlarm: (at) => {
          ctx.storage.setAlarm(at).catch((error: unknown) => console.error('ledger: the alarm could not be set', error))
        },
        kv: env.DISCLAIMERS,
        edge: { purge: (tags) => ctx.exports.default.purgeEdgeCache(tags) },
        notifier: this.code.sendingNotifier(env),
        env,
        reviewRules: this.code.ENFORCED_REVIEW_RULES,
      })
      this.ledger.start()
    })
  }

  /** Any read in reads.ts, by name: `read('history', 'global', { limit: 10 })`. Writes nothing. */
  async read<N extends ReadName>(name: N, ...args: ReadArgs<N>): Promise<ReadResult<N>> {
    // TypeScript cannot tie READS[name] to N's arguments; callers see the table's own types (ReadArgs, ReadResult).
    const read = this.code.READS[name] as (ledger: Ledger, ...args: unknown[]) => unknown
    return (await read(this.ledger, ...args)) as ReadResult<N>
  }

  /**
   * A read as the admin API answers it: JSON of `fields` followed by the read's own fields (an object's). One string
   * crosses to the Worker, rather than a page of rows copied across and encoded there again.
   */
  async readJson<N extends ReadName>(fields: Record<string, unknown>, name: N, ...args: ReadArgs<N>): Promise<string> {
    return JSON.stringify({ ...fields, ...((await this.read(name, ...args)) as object) })
  }

  // Operations: each refused whole, saying why, on a record migrated by newer code (ledger.ts, `ahead`).

  async publish(request: WriteRequest & { text: string }): Promise<PublishResult> {
    return this.ledger.ahead ?? this.code.publish(this.ledger, this.ledger.through, request)
  }

  /** Asks another editor to approve `text`; with `effectiveAt`, it goes live at that time once approved. */
  async propose(request: WriteRequest & { text: string }): Promise<ProposalResult> {
    return this.ledger.ahead ?? this.code.proposeChange(this.ledger, this.ledger.through, request)
  }

  async approve(request: { id: number; by: string; note?: string }): Promise<PublishResult> {
    return this.ledger.ahead ?? this.code.approve(this.ledger, this.ledger.through, request)
  }

  reject(request: { id: number; by: string; reason: string }): ProposalResult {
    return this.ledger.ahead ?? this.code.rejectChange(this.ledger, request)
  }

  async rollback(request: WriteRequest & { to: number }): Promise<PublishResult> {
    return this.ledger.ahead ?? this.code.rollback(this.ledger, this.ledger.through, request)
  }

  async seed(by: string): Promise<PublishResult[]> {
    return this.ledger.ahead ? [this.ledger.ahead] : this.code.seed(this.ledger, this.ledger.through, by)
  }

  /** Cancels a scheduled change before its time; the reason is recorded and every other editor told. */
  cancel(request: { id: number; by: string; reason: string }) {
    return this.ledger.ahead ?? this.code.cancelSchedule(this.ledger, request)
  }

  /** The cron's call: the one-time legacy import, then edits made around the ledger are recorded. */
  async reconcile() {
    refuseAhead(this.ledger)
    return this.code.reconcile(this.ledger, this.ledger.through)
  }

  /**
   * Sessions of `editor` issued before this time (ms) are over; null when none was ended. With `grants`, the editors'
   * grants as the Worker holds them now are compared first with those last seen (sessions.ts).
   */
  sessionCutoff(editor: string, grants?: Grants): number | null {
    if (grants) this.observeGrants(grants)
    return this.code.sessionCutoff(this.ledger.sql, editor)
  }

  /** Ends the sessions of every editor whose grant changed since last seen: first seen, removed, another token. */
  observeGrants(grants: Grants): void {
    if (!this.code.isGrants(grants)) return
    const now = this.ledger.now()
    this.ledger.transact(() => this.code.observeGrants(this.ledger.sql, grants, now))
  }

  /** Ends every console session `editor` was issued until now. */
  endSessions(editor: string): void {
    refuseAhead(this.ledger)
    const now = this.ledger.now()
    this.ledger.transact(() => this.code.endSessions(this.ledger.sql, editor, now))
  }

  // Console drafts (drafts.ts): work in progress, kept beside the record, never in it; each read only by its editor.

  startDraft(editor: string, start: { target: string; base: string; text: string; note: string }) {
    const now = this.ledger.now()
    return this.ctx.storage.transactionSync(() => this.code.startDraft(this.ledger.sql, editor, start, now))
  }

  changeDraft(editor: string, id: string, change: DraftChange) {
    const now = this.ledger.now()
    return this.ctx.storage.transactionSync(() => this.code.changeDraft(this.ledger.sql, editor, id, change, now))
  }

  discardDraft(editor: string, id: string): boolean {
    return this.code.discardDraft(this.ledger.sql, editor, id)
  }

  /** A reviewer's attestation of the words a page serves now; KV is told at once, and again by the alarm if it fails. */
  async attest(request: { page: string; hash: string; by: string; note?: string }): Promise<ReviewResult> {
    const result = this.code.attest(this.ledger, request)
    if (result.ok) await this.code.flushReview(this.ledger, result.review.page)
    return result
  }

  /** The cron's call: the content hash of every page its deploy serves, and the words of those asked for. */
  observePages(report: PagesReport) {
    return this.code.observePages(this.ledger, report)
  }

  override alarm(): Promise<void> {
    return this.ledger.alarm()
  }

  // Point-in-time recovery (docs/operations.md, "Backups and restoring"): an operator's, through the admin API.

  /** The bookmark for a moment, and the one for now (to come back to). Writes nothing. */
  async recoveryPoint(at: string): Promise<{ bookmark: string; current: string }> {
    return { bookmark: await this.recovery.bookmarkFor(new Date(at)), current: await this.recovery.current() }
  }

  /** Sets the storage to come back at `bookmark` when the object next starts; answers the bookmark to undo it. */
  async restoreOnNextStart(bookmark: string): Promise<{ undo: string }> {
    return { undo: await this.recovery.restoreOnNextStart(bookmark) }
  }

  /** Ends the object so that its next request starts it again, restored; this call itself fails. */
  restart(reason: string): void {
    this.recovery.restart(reason)
  }
}

/** Throws the refusal where the record is at a schema newer than this code's (for calls that answer no error). */
function refuseAhead({ ahead }: Ledger): void {
  if (ahead) throw new Error(`${ahead.code}: ${ahead.message}`)
}
