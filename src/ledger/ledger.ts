// The ledger's operations, in order: read KV where a step needs it, then judge and record in one synchronous
// transaction, then write through to KV and purge. The Durable Object (object.ts) hands it its storage and seams.
import { DEFAULT_DISCLAIMERS } from '../core/defaults.ts'
import type { Grants } from '../core/editors.ts'
import { contentHash } from '../core/keys.ts'
import type {
  How,
  ImportRecord,
  LedgerVersion,
  LiveState,
  OverviewRow,
  Page,
  ProposalResult,
  ProposalStatus,
  PublishResult,
  Schedule,
  WriteRequest,
} from '../core/ledger-types.ts'
import { TARGET_KEYS } from '../core/site-map.ts'
import { printable, validateField } from '../core/validate.ts'
import { chainPending, exportPage, head } from './chaining.ts'
import { commit } from './commit.ts'
import { type EdgeCache, fail, type LedgerContext, type LedgerKV, type Notifier, THE_LEDGER } from './context.ts'
import { deliverDue, nextDeliveryAt } from './deliveries.ts'
import { audienceOf, events, type NewEvent, recordEvent } from './events.ts'
import { importOnce, importRecord } from './legacy-import.ts'
import { dueWrites, nextWriteAt, takeStuckWrites } from './outbox.ts'
import { decisionProblem, proposeChange, rejectChange, unknownProposal } from './proposals.ts'
import { duePurges, nextPurgeAt } from './purges.ts'
import * as queries from './queries.ts'
import { EXTERNAL_EDITOR, liveState, type Observation, observe, recordObservation } from './reconcile.ts'
import { checkWrite, isEditor, knownKeyOf, unknownEditor } from './requests.ts'
import { nextScheduleAt, schedule as scheduleById, scheduledAt, schedules } from './schedules.ts'
import { approveScheduled, cancelSchedule, runDueSchedules, schedulePublish } from './scheduling.ts'
import { MIGRATIONS, migrate } from './schema.ts'
import { endSessions, isGrants, observeGrants, sessionCutoff } from './sessions.ts'
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
  now?: () => number
}

type Write = WriteRequest & {
  text: string
  how: How
  rollbackOf?: number
  approval?: { proposalId: number; by: string; note: string | null }
}

export class Ledger implements LedgerContext {
  readonly sql: SqlStorage
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
  /** The clock; a seam for tests. */
  now: () => number
  private readonly through = new WriteThrough(this)

  constructor(ports: LedgerPorts) {
    this.sql = ports.sql
    // Every transaction ends by chaining the rows it appended: the triggers queue them, nothing can skip it.
    this.transact = (work) =>
      ports.transact(() => {
        const result = work()
        chainPending(this.sql)
        return result
      })
    this.setAlarm = ports.setAlarm
    this.kv = ports.kv
    this.edge = ports.edge
    this.notifier = ports.notifier
    this.env = ports.env
    this.now = ports.now ?? Date.now
  }

  /** Brings the schema up to date and, if work is waiting (a write, a purge), makes sure the alarm will do it. */
  start(): void {
    // Without it, an INSERT OR REPLACE deletes the row it conflicts with and no delete trigger fires (SQLite).
    this.sql.exec('PRAGMA recursive_triggers = ON')
    this.transact(() => {
      migrate(this.sql, new Date(this.now()))
      this.arm()
    })
  }

  // Reads

  requiresApproval(): boolean {
    return this.env.REQUIRE_APPROVAL === 'true'
  }

  /** What an editor reads before a change: the record, and what KV holds where that differs. Writes nothing. */
  async live(target: string): Promise<LiveState | null> {
    const key = knownKeyOf(target)
    if (!key) return null
    const [observation] = await observe(this.kv, [key], this.now())
    return liveState(this.sql, observation as Observation)
  }

  /** Every target's live state, with its open proposals: the console's overview and the API's list. */
  async overview(): Promise<OverviewRow[]> {
    const observations = await observe(this.kv, TARGET_KEYS, this.now())
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

  /** What is set to go live for a target by `at` (a time to come): the last of its pending schedules due by then. */
  scheduledAt(target: string, at: string) {
    // As in versionAt: thrown in here, an unreadable time would reach the caller as an opaque RPC error.
    if (Number.isNaN(Date.parse(at))) return null
    return scheduledAt(this.sql, knownKeyOf(target) ?? '', new Date(at).toISOString())
  }

  /**
   * What pages showed at `at`; for a time after `now` (the caller's clock), what they show now and what is scheduled
   * to show by then.
   */
  shownAt(target: string, at: string, now: number): { version: LedgerVersion | null; scheduled?: Schedule | null } {
    if (!(Date.parse(at) > now)) return { version: this.versionAt(target, at) }
    return { version: this.versionAt(target, new Date(now).toISOString()), scheduled: this.scheduledAt(target, at) }
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
    if (this.requiresApproval()) {
      return fail(
        'approval_required',
        'this environment requires a second editor to approve each change: propose the text, then ask another editor to approve it',
      )
    }
    if (request.effectiveAt !== undefined) return schedulePublish(this, this.through, request)
    return this.write({ ...request, how: 'publish' })
  }

  /** Asks another editor to approve `text`; with `effectiveAt`, it goes live at that time once approved. */
  propose(request: WriteRequest & { text: string }): Promise<ProposalResult> {
    return proposeChange(this, this.through, request)
  }

  /**
   * A second editor's approval publishes the proposal, as long as the version it was written against is still
   * what pages show. The proposer cannot approve their own.
   */
  async approve({ id, by, note }: { id: number; by: string; note?: string }): Promise<PublishResult> {
    const proposal = queries.proposal(this.sql, id)
    if (!proposal) return unknownProposal(id)
    if (!isEditor(this.env, by)) return unknownEditor(by)
    const problem = decisionProblem(proposal, id, by, true)
    if (problem) return problem
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
    return rejectChange(this, request)
  }

  /**
   * Makes an earlier version's text current again, as a new version. One editor may do this alone, even where the
   * two-person rule is on (the emergency path), but only to a text pages really showed: one KV took from the
   * ledger, or one found in KV. An imported text counts only where the ledger saw the same text live; otherwise,
   * where approval is required, it must be proposed. Rolling back to the current text records nothing.
   */
  async rollback(request: WriteRequest & { to: number }): Promise<PublishResult> {
    const key = knownKeyOf(request.target)
    const earlier = queries.version(this.sql, request.to)
    if (!key || !earlier || earlier.key !== key) {
      return fail('unknown_version', `version ${request.to} is not in the history of ${printable(request.target)}`)
    }
    if (!earlier.valid || earlier.text === null || !queries.wasShown(this.sql, earlier)) {
      const imported = earlier.how === 'import' && earlier.valid && earlier.text !== null
      if (!imported || this.requiresApproval()) {
        return fail(
          'never_live',
          imported
            ? `version ${request.to} was imported from the old store, and the ledger never saw its text on the site; propose it instead, so a second editor approves it`
            : `version ${request.to} was never shown on the site${earlier.problem ? ` (${printable(earlier.problem)})` : ''}; roll back to a version that was live`,
        )
      }
    }
    return this.write({ ...request, text: earlier.text as string, how: 'rollback', rollbackOf: earlier.version })
  }

  /** Writes each bundled default whose key has no version and no text in KV. */
  async seed(by: string): Promise<PublishResult[]> {
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
   * external text is logged as an error; pages keep showing the bundled default for it.
   */
  async reconcile(): Promise<LedgerVersion[]> {
    await importOnce(this)
    const observations = await observe(this.kv, TARGET_KEYS, this.now())
    const now = this.now()
    const { recorded, purges } = this.transact(() => {
      const found = observations
        .map((observation) => recordObservation(this.sql, observation, now))
        .filter((version) => version !== null)
      return { recorded: found, purges: found.map((version) => this.through.purgeLater(version, now)) }
    })
    await this.through.afterRecording(recorded, purges)
    return recorded
  }

  /** Cancels a scheduled change before its time; the reason is recorded and every other editor told. */
  cancel({ id, by, reason }: { id: number; by: string; reason: string }) {
    if (!isEditor(this.env, by)) return unknownEditor(by)
    const checked = validateField(reason, 'reason', { required: true })
    if (!checked.ok) return fail('invalid_text', checked.reason, { field: 'reason' })
    return cancelSchedule(this, id, by, checked.value)
  }

  /** Ends every console session `editor` was issued until now. */
  endSessions(editor: string): void {
    const now = this.now()
    this.transact(() => endSessions(this.sql, editor, now))
  }

  /** Writes what is due to KV and purges what is due, then sets the alarm for the next thing waiting. */
  async alarm(): Promise<void> {
    const now = this.now()
    await Promise.all(dueWrites(this.sql, now).map((key) => this.through.flush(key)))
    this.transact(() => {
      for (const stuck of takeStuckWrites(this.sql, this.now())) {
        const { key, seq, ...detail } = stuck
        this.tell({ kind: 'write_stuck', key, version: seq, actor: THE_LEDGER, detail }, this.now())
      }
    })
    for (const job of duePurges(this.sql, now)) await this.through.purge(job.id)
    await runDueSchedules(this, this.through)
    await deliverDue(this)
    this.transact(() => this.arm())
  }

  // Internals

  private async write(request: Write): Promise<PublishResult> {
    const checked = checkWrite(this.env, request)
    if (!checked.ok) return checked
    const hash = await contentHash(checked.text)
    const [observation] = await observe(this.kv, [checked.key], this.now())
    const now = this.now()
    const { result, purge } = this.transact(() => {
      const committed = commit(this.sql, {
        ...checked,
        observation: observation as Observation,
        hash,
        how: request.how,
        approval: request.approval,
        rollbackOf: request.rollbackOf,
        now,
      })
      const purge = this.through.purgeLater(committed.external, now)
      if (committed.ok && committed.status === 'accepted' && request.approval) {
        const { version } = committed
        const event = { kind: 'proposal_approved' as const, key: version.key, version: version.version }
        const detail = { note: request.approval.note }
        this.tell({ ...event, proposalId: request.approval.proposalId, actor: request.approval.by, detail }, now, [
          request.by,
        ])
      }
      // The outbox row and the alarm that will retry it are set in one step: an object stopped mid-put still lands it.
      this.arm()
      return { result: committed, purge }
    })
    await this.through.afterRecording([result.external], [purge])
    if (!result.ok) {
      const { external: _, ...error } = result
      return error
    }
    if (result.status === 'unchanged') return { ok: true, status: 'unchanged', version: result.version }
    await this.through.flush(checked.key)
    const version = queries.version(this.sql, result.version.version) as LedgerVersion
    return { ok: true, status: version.landedAt ? 'live' : 'pending', version }
  }

  /** Sets the alarm for the earliest job waiting, if any: every job is a row, so this is always the right time. */
  arm(): void {
    const due = [nextWriteAt(this.sql), nextPurgeAt(this.sql), nextDeliveryAt(this.sql), nextScheduleAt(this.sql)]
    const next = due.filter((at) => at !== null)
    if (next.length > 0) this.setAlarm(Math.min(...next))
  }

  /** Records an event and its deliveries in the caller's step, and sets the alarm that will send them now. */
  tell(event: NewEvent, now: number, named?: readonly string[]): void {
    recordEvent(this.sql, event, audienceOf(this.env), now, named)
    this.arm()
  }
}
