// The ledger's Durable Object: one SQLite-backed object, the only audited way to change a disclaimer. A thin face:
// it owns the object's state (storage, alarm, the Worker's RPC entrypoint) and hands each call to the ledger, which
// it loads on the object's first start, so a visitor's isolate never evaluates the ledger's code.
import { DurableObject } from 'cloudflare:workers'
import type { Grants } from '../core/editors.ts'
import type {
  ImportRecord,
  LedgerVersion,
  LiveState,
  OverviewRow,
  Page,
  ProposalResult,
  ProposalStatus,
  PublishResult,
  WriteRequest,
} from '../core/ledger-types.ts'
import type { PageAt, ReviewResult } from '../core/review-types.ts'
import { sitePage } from '../core/site-map.ts'
import type { ConsoleDraft, DraftChange } from './drafts.ts'
import type { Ledger } from './ledger.ts'
import type { LogFile } from './log-files.ts'
import type { PagesReport } from './page-contents.ts'
import { type PointInTimeRecovery, storageRecovery } from './recovery.ts'

export class DisclaimerLedger extends DurableObject<Env> {
  /** The ledger behind this object; tests reach its seams (kv, edge, env, now) through it. */
  ledger!: Ledger
  /** The storage's history, for point-in-time recovery; a seam, since local workerd keeps none. */
  recovery: PointInTimeRecovery
  private drafts!: typeof import('./drafts.ts')
  private reviews!: typeof import('./reviews.ts')
  private pageContents!: typeof import('./page-contents.ts')

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.recovery = storageRecovery(ctx)
    void ctx.blockConcurrencyWhile(async () => {
      const [{ Ledger }, { sendingNotifier }, drafts, { ENFORCED_REVIEW_RULES }, reviews, pageContents] =
        await Promise.all([
          import('./ledger.ts'),
          import('./notify/send.ts'),
          import('./drafts.ts'),
          import('./enforced-review-rules.ts'),
          import('./reviews.ts'),
          import('./page-contents.ts'),
        ])
      this.drafts = drafts
      this.reviews = reviews
      this.pageContents = pageContents
      this.ledger = new Ledger({
        sql: ctx.storage.sql,
        transact: (work) => ctx.storage.transactionSync(work),
        setAlarm: (at) => {
          ctx.storage.setAlarm(at).catch((error: unknown) => console.error('ledger: the alarm could not be set', error))
        },
        kv: env.DISCLAIMERS,
        edge: { purge: (tags) => ctx.exports.default.purgeEdgeCache(tags) },
        notifier: sendingNotifier(env),
        env,
        reviewRules: ENFORCED_REVIEW_RULES,
      })
      this.ledger.start()
    })
  }

  // Reads: none of them writes anything.

  requiresApproval(): boolean {
    return this.ledger.requiresApproval()
  }

  live(target: string): Promise<LiveState | null> {
    return this.ledger.live(target)
  }

  overview(): Promise<OverviewRow[]> {
    return this.ledger.overview()
  }

  current(target: string): LedgerVersion | null {
    return this.ledger.current(target)
  }

  history(target: string, page?: Page) {
    return this.ledger.history(target, page)
  }

  versionAt(target: string, at: string): LedgerVersion | null {
    return this.ledger.versionAt(target, at)
  }

  version(version: number): LedgerVersion | null {
    return this.ledger.version(version)
  }

  audit(page?: Page) {
    return this.ledger.audit(page)
  }

  proposals(filter?: { status?: ProposalStatus; target?: string } & Page) {
    return this.ledger.proposals(filter)
  }

  proposal(id: number) {
    return this.ledger.proposal(id)
  }

  pending() {
    return this.ledger.pending()
  }

  importRecord(): ImportRecord | null {
    return this.ledger.importRecord()
  }

  sessionCutoff(editor: string, grants?: Grants): number | null {
    return this.ledger.sessionCutoff(editor, grants)
  }

  /** The cron's call: the editors' grants now, so that a removal ends sessions for good even if nobody signs in. */
  observeGrants(grants: Grants): void {
    this.ledger.observeGrants(grants)
  }

  shownAt(target: string, at: string, now: number) {
    return this.ledger.shownAt(target, at, now)
  }

  exportPage(page?: { after?: number; limit?: number }) {
    return this.ledger.exportPage(page)
  }

  head() {
    return this.ledger.head()
  }

  events(filter?: Page & { versions?: number[]; proposals?: number[] }) {
    return this.ledger.events(filter)
  }

  deliveryTrouble() {
    return this.ledger.deliveryTrouble()
  }

  // Writes

  publish(request: WriteRequest & { text: string }): Promise<PublishResult> {
    return this.ledger.publish(request)
  }

  propose(request: WriteRequest & { text: string }): Promise<ProposalResult> {
    return this.ledger.propose(request)
  }

  approve(request: { id: number; by: string; note?: string }): Promise<PublishResult> {
    return this.ledger.approve(request)
  }

  reject(request: { id: number; by: string; reason: string }): ProposalResult {
    return this.ledger.reject(request)
  }

  rollback(request: WriteRequest & { to: number }): Promise<PublishResult> {
    return this.ledger.rollback(request)
  }

  seed(by: string): Promise<PublishResult[]> {
    return this.ledger.seed(by)
  }

  schedule(id: number) {
    return this.ledger.schedule(id)
  }

  schedules(page?: Page) {
    return this.ledger.schedules(page)
  }

  scheduledAt(target: string, at: string) {
    return this.ledger.scheduledAt(target, at)
  }

  cancel(request: { id: number; by: string; reason: string }) {
    return this.ledger.cancel(request)
  }

  /** The cron's call: the one-time legacy import, then edits made around the ledger are recorded. */
  reconcile(): Promise<LedgerVersion[]> {
    return this.ledger.reconcile()
  }

  endSessions(editor: string): void {
    this.ledger.endSessions(editor)
  }

  // Console drafts (drafts.ts): work in progress, kept beside the record, never in it; each read only by its editor.

  draft(editor: string, id: string): ConsoleDraft | null {
    return this.drafts.draft(this.ledger.sql, editor, id, this.ledger.now())
  }

  openDraft(editor: string, target: string): ConsoleDraft | null {
    return this.drafts.openDraft(this.ledger.sql, editor, target, this.ledger.now())
  }

  startDraft(editor: string, start: { target: string; base: string; text: string; note: string }): ConsoleDraft {
    const now = this.ledger.now()
    return this.ctx.storage.transactionSync(() => this.drafts.startDraft(this.ledger.sql, editor, start, now))
  }

  changeDraft(editor: string, id: string, change: DraftChange): ConsoleDraft | null {
    const now = this.ledger.now()
    return this.ctx.storage.transactionSync(() => this.drafts.changeDraft(this.ledger.sql, editor, id, change, now))
  }

  discardDraft(editor: string, id: string): boolean {
    return this.drafts.discardDraft(this.ledger.sql, editor, id)
  }

  // Reviews of the article's words (reviews.ts).

  /** Where each page's review stands now, and the rules. */
  reviewStates() {
    return { pages: this.reviews.reviewStates(this.ledger, this.ledger.now()), rules: this.ledger.reviewRules }
  }

  /** Where one page's review stands, and its reviews, newest first; null for a page the site does not have. */
  pageReviews(page: string, paging?: Page) {
    const found = sitePage(page)
    if (!found) return null
    const state = this.reviews.reviewState(this.ledger, found, this.ledger.now())
    return { state, ...this.reviews.reviewsOf(this.ledger.sql, page, paging) }
  }

  /** A reviewer's attestation of the words a page serves now; KV is told at once, and again by the alarm if it fails. */
  async attest(request: { page: string; hash: string; by: string; note?: string }): Promise<ReviewResult> {
    const result = this.reviews.attest(this.ledger, request)
    if (result.ok) await this.reviews.flushReview(this.ledger, result.review.page)
    return result
  }

  /** The cron's call: the content hash of every page its deploy serves, and the words of those asked for. */
  observePages(report: PagesReport) {
    return this.pageContents.observePages(this.ledger, report)
  }

  /** What a page said at a time: its words, its disclaimers, who had reviewed those words; null for no such page. */
  pageAt(page: string, at: string): PageAt | null {
    const found = sitePage(page)
    if (!found || Number.isNaN(Date.parse(at))) return null
    return this.pageContents.pageAt(this.ledger.sql, found, new Date(at).toISOString())
  }

  /** A file of the public log (log-files.ts): read-only, for the Worker to serve under /log/. */
  async logFile(path: string): Promise<LogFile | null> {
    const { logFile } = await import('./log-files.ts')
    return logFile(this.ledger.sql, this.env, path)
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
