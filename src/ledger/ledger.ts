// The ledger's operations, in order: read KV where a step needs it, then judge and record in one synchronous
// transaction, then write through to KV and purge. The Durable Object (object.ts) hands it its storage and seams.
import { DEFAULT_DISCLAIMERS } from '../core/defaults.ts'
import type { Grants } from '../core/editors.ts'
import type {
  ImportRecord,
  LedgerError,
  LedgerVersion,
  LiveState,
  OverviewRow,
  Page,
  ProposalResult,
  ProposalStatus,
  PublishResult,
  ShownAtAnswer,
  WriteRequest,
} from '../core/ledger-types.ts'
import type { ReviewRules } from '../core/review-rules.ts'
import { approvalRequired } from '../core/settings.ts'
import { TARGET_KEYS } from '../core/site-map.ts'
import { printable, validateField } from '../core/validate.ts'
import { ALARM_RETRY_MS, nextJobAt, runDueJobs } from './alarm.ts'
import { chainPending, exportPage, head } from './chaining.ts'
import { type EdgeCache, fail, type LedgerContext, type LedgerKV, type Notifier } from './context.ts'
import { deliveryTrouble } from './deliveries.ts'
import { audienceOf, events, type NewEvent, recordEvent } from './events.ts'
import { importOnce, importRecord } from './legacy-import.ts'
import { nextLogJobAt } from './log-jobs.ts'
import { extendLog } from './log-tree.ts'
import { MIGRATIONS } from './migrations.ts'
import {
  decisionProblem,
  proposeChange,
  proposerGone,
  rejectChange,
  rollbackProblem,
  unknownProposal,
} from './proposals.ts'
import { type Write, writeVersion } from './publishing.ts'
import * as queries from './queries.ts'
import { EXTERNAL_EDITOR, liveState, type Observation, observe } from './reconcile.ts'
import { isEditor, knownKeyOf, unknownEditor } from './requests.ts'
import { reviewerProblem, rollbackReviewerProblem } from './reviewer-rule.ts'
import { schedule as scheduleById, scheduledBy, schedules } from './schedules.ts'
import { approveScheduled, cancelSchedule, goLiveProblem, schedulePublish } from './scheduling.ts'
import { migrate, schemaAhead } from './schema.ts'
import { endSessions, isGrants, observeGrants, sessionCutoff } from './sessions.ts'
import { shownAt } from './shown-at.ts'
import { recordSideDoors } from './side-doors.ts'
import { WriteThrough } from './write-through.ts'

export type { EdgeCache, LedgerKV, Notifier }
export { EXTERNAL_EDITOR, MIGRATIONS }

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
  private readonly through = new WriteThrough(this)
  /** Set when the record is at a schema version newer than this code's: every write is refused with it. */
  private ahead: LedgerError | undefined
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

  // Reads

  /** Only REQUIRE_APPROVAL = "false" turns the two-person rule off: a mistyped value keeps it on (core/settings.ts). */
  requiresApproval(): boolean {
    return approvalRequired(this.env.REQUIRE_APPROVAL)
  }

  /** What an editor reads before a change: the record, and what KV holds where that differs. Writes nothing. */
  async live(target: string): Promise<LiveState | null> {
    const key = knownKeyOf(target)
    if (!key) return null
    const [observation] = await observe(this.kv, [key], this.now(), this.env.LEDGER_SECRET)
    return liveState(this.sql, observation as Observation)
  }

  /** Every target's live state, with its open proposals: the console's overview and the API's list. */
  async overview(): Promise<OverviewRow[]> {
    const observations = await observe(this.kv, TARGET_KEYS, this.now(), this.env.LEDGER_SECRET)
    const open = queries.openProposalCounts(this.sql)
    return observations.map((observation) => ({
      ...liveState(this.sql, observation),
      openProposals: open.get(observation.key) ?? 0,
      hasDefault: DEFAULT_DISCLAIMERS.has(observation.key),
    }))
  }

  current(target: string): LedgerVersion | null {
    return queries.current(this.sql, knownKeyOf(target) ?? '')
  }

  history(target: string, page: Page = {}) {
    return queries.history(this.sql, knownKeyOf(target) ?? '', page)
  }

  versionAt(target: string, at: string): LedgerVersion | null {
    // Thrown in here, an unreadable time would reach the caller as an opaque RPC error; callers check it first.
    if (Number.isNaN(Date.parse(at))) return null
    return queries.versionAt(this.sql, knownKeyOf(target) ?? '', new Date(at).toISOString())
  }

  version(seq: number): LedgerVersion | null {
    return queries.version(this.sql, seq)
  }

  audit(page: Page = {}) {
    return queries.audit(this.sql, page)
  }

  proposals(filter: { status?: ProposalStatus; target?: string } & Page = {}) {
    const key = filter.target === undefined ? undefined : (knownKeyOf(filter.target) ?? '')
    return queries.proposals(this.sql, { ...filter, key })
  }

  proposal(id: number) {
    return queries.proposal(this.sql, id)
  }

  pending() {
    return queries.pending(this.sql)
  }

  importRecord(): ImportRecord | null {
    return importRecord(this.sql)
  }

  /**
   * Sessions of `editor` issued before this time (ms) are over; null when none was ended. With `grants`, the editors'
   * grants as the Worker holds them now are compared first with those last seen (sessions.ts).
   */
  sessionCutoff(editor: string, grants?: Grants): number | null {
    if (grants) this.observeGrants(grants)
    return sessionCutoff(this.sql, editor)
  }

  /** Ends the sessions of every editor whose grant changed since last seen: first seen, removed, another token. */
  observeGrants(grants: Grants): void {
    if (!isGrants(grants)) return
    const now = this.now()
    this.transact(() => observeGrants(this.sql, grants, now))
  }

  schedule(id: number) {
    return scheduleById(this.sql, id)
  }

  /** Scheduled changes, newest first, a page at a time. */
  schedules(page: Page = {}) {
    return schedules(this.sql, page)
  }

  /**
   * What is set to go live for a target by `at` (a time to come): the soonest of its pending schedules due by then
   * that may still go live (approved in time, if it is a proposal); null when none.
   */
  scheduledAt(target: string, at: string) {
    // As in versionAt: thrown in here, an unreadable time would reach the caller as an opaque RPC error.
    if (Number.isNaN(Date.parse(at))) return null
    const due = scheduledBy(this.sql, knownKeyOf(target) ?? '', new Date(at).toISOString())
    return due.find((entry) => goLiveProblem(this, entry) === undefined) ?? null
  }

  /**
   * What pages showed at `at` (shown-at.ts); for a time after `now` (the caller's clock), what they show now and what
   * is scheduled to show by then. Null for a target or a time it cannot read.
   */
  shownAt(target: string, at: string, now: number): ShownAtAnswer | null {
    const key = knownKeyOf(target)
    // As in versionAt: thrown in here, an unreadable time would reach the caller as an opaque RPC error.
    if (!key || Number.isNaN(Date.parse(at)) || Number.isNaN(now)) return null
    if (!(Date.parse(at) > now)) return shownAt(this.sql, key, new Date(at).toISOString())
    return { ...shownAt(this.sql, key, new Date(now).toISOString()), scheduled: this.scheduledAt(target, at) }
  }

  /** The record in chain order, a page at a time, for an export that verifies offline; with the head now. */
  exportPage(page: { after?: number; limit?: number } = {}) {
    return exportPage(this.sql, page)
  }

  /** The chain's last row now: what a message carries as its checkpoint. */
  head() {
    return head(this.sql)
  }

  /** Events and who was told of each, newest first, a page at a time; optionally only those about some rows. */
  events(filter: Page & { versions?: number[]; proposals?: number[] } = {}) {
    return events(this.sql, filter)
  }

  // Writes

  /** Makes `text` the new version at once: refused where the two-person rule is on (propose instead). */
  async publish(request: WriteRequest & { text: string }): Promise<PublishResult> {
    if (this.ahead) return this.ahead
    if (this.requiresApproval()) {
      return fail(
        'approval_required',
        'this environment requires a second editor to approve each change: propose the text, then ask another editor to approve it',
      )
    }
    const key = knownKeyOf(request.target)
    const instead = 'propose the text, and a reviewer approves it'
    const problem = key && isEditor(this.env, request.by) && reviewerProblem(this, key, request.by, instead)
    if (problem) return problem
    if (request.effectiveAt !== undefined) return schedulePublish(this, this.through, request)
    return this.write({ ...request, how: 'publish' })
  }

  /** Asks another editor to approve `text`; with `effectiveAt`, it goes live at that time once approved. */
  async propose(request: WriteRequest & { text: string }): Promise<ProposalResult> {
    if (this.ahead) return this.ahead
    return proposeChange(this, this.through, request)
  }

  /**
   * A second editor's approval publishes the proposal, as long as the version it was written against is still
   * what pages show. The proposer cannot approve their own.
   */
  async approve({ id, by, note }: { id: number; by: string; note?: string }): Promise<PublishResult> {
    if (this.ahead) return this.ahead
    const proposal = queries.proposal(this.sql, id)
    if (!proposal) return unknownProposal(id)
    if (!isEditor(this.env, by)) return unknownEditor(by)
    const problem =
      decisionProblem(proposal, id, by, true) ??
      reviewerProblem(this, proposal.key, by, `ask a reviewer to approve proposal ${id}`)
    if (problem) return problem
    // Scheduled or not, a proposal goes live only while the editor who proposed it is still one.
    if (!isEditor(this.env, proposal.by)) return proposerGone(proposal)
    const checked = validateField(note ?? '', 'note')
    if (!checked.ok) return fail('invalid_text', checked.reason, { field: 'note' })
    if (proposal.scheduleId !== null) return approveScheduled(this, proposal, by, checked.value || null)
    return this.write({
      target: proposal.target,
      text: proposal.text,
      base: proposal.base,
      by: proposal.by,
      note: proposal.note ?? undefined,
      how: 'publish',
      approval: { proposalId: id, by, note: checked.value || null },
    })
  }

  reject(request: { id: number; by: string; reason: string }): ProposalResult {
    return this.ahead ?? rejectChange(this, request)
  }

  /**
   * Makes an earlier version's text current again, as a new version. One editor may do this alone (the emergency
   * path), but only to a text pages really showed; and where the two-person rule is on, only to a text a second
   * editor approved or the ledger itself published while approval was off (a publish or a rollback that KV took). A
   * text written around the ledger, imported or seeded must be proposed there. Rolling back to the current text
   * records nothing.
   */
  async rollback(request: WriteRequest & { to: number }): Promise<PublishResult> {
    if (this.ahead) return this.ahead
    const key = knownKeyOf(request.target)
    const earlier = queries.version(this.sql, request.to)
    if (!key || !earlier || earlier.key !== key) {
      return fail('unknown_version', `version ${request.to} is not in the history of ${printable(request.target)}`)
    }
    const problem =
      rollbackProblem(this.sql, earlier, this.requiresApproval()) ??
      (isEditor(this.env, request.by) ? rollbackReviewerProblem(this, earlier, request.by) : undefined)
    if (problem) return problem
    return this.write({ ...request, text: earlier.text as string, how: 'rollback', rollbackOf: earlier.version })
  }

  /** Writes each bundled default whose key has no version and no text in KV. */
  async seed(by: string): Promise<PublishResult[]> {
    if (this.ahead) return [this.ahead]
    if (!isEditor(this.env, by)) return [unknownEditor(by)]
    const results: PublishResult[] = []
    for (const entry of DEFAULT_DISCLAIMERS.values()) {
      if (queries.current(this.sql, entry.key)) continue
      const result = await this.write({
        target: entry.target,
        text: entry.text,
        base: 0,
        by,
        note: `seeded from ${entry.file}`,
        how: 'seed',
      })
      // A text found in KV was recorded instead: that key is not seeded.
      if (result.ok || result.code !== 'version_mismatch') results.push(result)
    }
    return results
  }

  /**
   * The cron's work: the one-time legacy import (if it has not run), then every key whose KV text differs from the
   * record is recorded as an `external` version with the rule's verdict, and its pages are purged. An invalid
   * external text is logged as an error; pages keep showing the bundled default for it. A current text KV holds
   * without the ledger's signature (one recorded from a side door, or signed under a rotated LEDGER_SECRET) is
   * written again, signed, so pages name its version.
   */
  async reconcile(): Promise<LedgerVersion[]> {
    if (this.ahead) throw new Error(`${this.ahead.code}: ${this.ahead.message}`)
    // The import going wrong (KV failing, a history too long for one run) never stops the side-door check below.
    try {
      await importOnce(this)
    } catch (error) {
      console.error('ledger: the legacy import could not go on; the next cron run tries again', error)
    }
    return recordSideDoors(this, this.through)
  }

  /** Cancels a scheduled change before its time; the reason is recorded and every other editor told. */
  cancel({ id, by, reason }: { id: number; by: string; reason: string }) {
    if (this.ahead) return this.ahead
    if (!isEditor(this.env, by)) return unknownEditor(by)
    const checked = validateField(reason, 'reason', { required: true })
    if (!checked.ok) return fail('invalid_text', checked.reason, { field: 'reason' })
    return cancelSchedule(this, id, by, checked.value)
  }

  /** Ends every console session `editor` was issued until now. */
  endSessions(editor: string): void {
    if (this.ahead) throw new Error(`${this.ahead.code}: ${this.ahead.message}`)
    const now = this.now()
    this.transact(() => endSessions(this.sql, editor, now))
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

  /** What is wrong with sending messages, for the console's overview: given up, or failing still. */
  deliveryTrouble() {
    return deliveryTrouble(this.sql, this.now())
  }

  // Internals

  private write(request: Write): Promise<PublishResult> {
    return writeVersion(this, this.through, request)
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
