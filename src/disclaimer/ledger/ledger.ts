// The ledger's operations, in order: read KV where a step needs it, then judge and record in one synchronous
// transaction, then write through to KV and purge. The Durable Object (object.ts) hands it its storage and seams.
import { DEFAULT_DISCLAIMERS, TARGET_KEYS } from '../defaults.ts'
import { editorsFrom } from '../editors.ts'
import { contentHash, disclaimerTag, targetOf } from '../keys.ts'
import type {
  How,
  ImportRecord,
  LedgerError,
  LedgerVersion,
  LiveState,
  OverviewRow,
  ProposalResult,
  ProposalStatus,
  PublishResult,
  WriteRequest,
} from '../records.ts'
import { printable, validateDisclaimer, validateField } from '../validate.ts'
import { commit, fail, parseBase } from './commit.ts'
import { importRecord, readLegacyHistory, recordImport } from './legacy-import.ts'
import { MIGRATIONS, migrate } from './schema.ts'
import { deliverDue, nextDeliveryAt, type Notifier } from './deliveries.ts'
import { audienceOf, events, type NewEvent, recordEvent } from './events.ts'
import {
  dueWrites,
  kvEntry,
  nextWriteAt,
  putVersion,
  takeStuckWrites,
  writeFailed,
  writeJob,
  writeLanded,
} from './outbox.ts'
import { decisionProblem, openProposal, rejectProposal, unknownProposal } from './proposals.ts'
import {
  duePurges,
  type EdgeCache,
  enqueuePurges,
  nextPurgeAt,
  PURGE_ALERT_AFTER,
  purgeDone,
  purgeFailed,
  purgeJob,
} from './purges.ts'
import * as queries from './queries.ts'
import { EXTERNAL_EDITOR, judge, type LedgerKV, type Observation, observe, recordObservation, unrecordedBase } from './reconcile.ts'
import { endSessions, sessionCutoff } from './sessions.ts'

export { EXTERNAL_EDITOR, MIGRATIONS }
export type { EdgeCache, LedgerKV, Notifier }

/** Who the ledger's own trouble (a stuck write, a failing purge, the import's problems) is reported as. */
const THE_LEDGER = 'the ledger'

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

function keyOf(target: string): string | undefined {
  return TARGET_KEYS.find((key) => targetOf(key) === target)
}

export class Ledger {
  private readonly sql: SqlStorage
  private readonly transact: LedgerPorts['transact']
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
  private readonly flushing = new Map<string, Promise<void>>()
  private readonly purging = new Set<number>()

  constructor(ports: LedgerPorts) {
    this.sql = ports.sql
    this.transact = ports.transact
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
    const key = keyOf(target)
    if (!key) return null
    const [observation] = await observe(this.kv, [key], this.now())
    return this.liveOf(observation as Observation)
  }

  /** Every target's live state, with its open proposals: the console's overview and the API's list. */
  async overview(): Promise<OverviewRow[]> {
    const observations = await observe(this.kv, TARGET_KEYS, this.now())
    const open = queries.openProposalCounts(this.sql)
    return observations.map((observation) => ({
      ...this.liveOf(observation),
      openProposals: open.get(observation.key) ?? 0,
      hasDefault: DEFAULT_DISCLAIMERS.has(observation.key),
    }))
  }

  current(target: string): LedgerVersion | null {
    return queries.current(this.sql, keyOf(target) ?? '')
  }

  history(target: string, page: queries.Page = {}) {
    return queries.history(this.sql, keyOf(target) ?? '', page)
  }

  versionAt(target: string, at: string): LedgerVersion | null {
    // Thrown in here, an unreadable time would reach the caller as an opaque RPC error; callers check it first.
    if (Number.isNaN(Date.parse(at))) return null
    return queries.versionAt(this.sql, keyOf(target) ?? '', new Date(at).toISOString())
  }

  version(seq: number): LedgerVersion | null {
    return queries.version(this.sql, seq)
  }

  audit(page: queries.Page = {}) {
    return queries.audit(this.sql, page)
  }

  proposals(filter: { status?: ProposalStatus; target?: string } & queries.Page = {}) {
    const key = filter.target === undefined ? undefined : (keyOf(filter.target) ?? '')
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

  sessionCutoff(editor: string): number | null {
    return sessionCutoff(this.sql, editor)
  }

  /** Events and who was told of each, newest first, a page at a time; optionally only those about some rows. */
  events(filter: queries.Page & { versions?: number[]; proposals?: number[] } = {}) {
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
    return this.write({ ...request, how: 'publish' })
  }

  async propose(request: WriteRequest & { text: string }): Promise<ProposalResult> {
    const checked = this.checkWrite(request)
    if (!checked.ok) return checked
    const hash = await contentHash(checked.text)
    const [observation] = await observe(this.kv, [checked.key], this.now())
    const now = this.now()
    const { result, purge } = this.transact(() => {
      const opened = openProposal(this.sql, { ...checked, hash, observation: observation as Observation, now })
      if (opened.ok) {
        const { proposal } = opened
        this.tell({ kind: 'proposal_opened', key: proposal.key, proposalId: proposal.id, actor: proposal.by }, now)
      }
      return { result: opened, purge: this.purgeLater(opened.external, now) }
    })
    await this.afterRecording([result.external], [purge])
    if (!result.ok) {
      const { external: _, ...error } = result
      return error
    }
    return { ok: true, proposal: result.proposal }
  }

  /**
   * A second editor's approval publishes the proposal, as long as the version it was written against is still
   * what pages show. The proposer cannot approve their own.
   */
  async approve({ id, by, note }: { id: number; by: string; note?: string }): Promise<PublishResult> {
    const proposal = queries.proposal(this.sql, id)
    if (!proposal) return unknownProposal(id)
    if (!this.isEditor(by)) return this.unknownEditor(by)
    const problem = decisionProblem(proposal, id, by, true)
    if (problem) return problem
    const checked = validateField(note ?? '', 'note')
    if (!checked.ok) return fail('invalid_text', checked.reason, { field: 'note' })
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

  async reject({ id, by, reason }: { id: number; by: string; reason: string }): Promise<ProposalResult> {
    if (!queries.proposal(this.sql, id)) return unknownProposal(id)
    if (!this.isEditor(by)) return this.unknownEditor(by)
    const checked = validateField(reason, 'reason', { required: true })
    if (!checked.ok) return fail('invalid_text', checked.reason, { field: 'reason' })
    const now = this.now()
    return this.transact(() => {
      const rejected = rejectProposal(this.sql, { id, by, reason: checked.value, now })
      if (rejected.ok) {
        const { proposal } = rejected
        const event = { kind: 'proposal_rejected' as const, key: proposal.key, proposalId: id, actor: by }
        this.tell({ ...event, detail: { reason: checked.value } }, now, proposal.by)
      }
      return rejected
    })
  }

  /**
   * Makes an earlier version's text current again, as a new version. One editor may do this alone, even where the
   * two-person rule is on (the emergency path), but only to a text pages really showed: one KV took from the
   * ledger, or one found in KV. An imported text counts only where the ledger saw the same text live; otherwise,
   * where approval is required, it must be proposed. Rolling back to the current text records nothing.
   */
  async rollback(request: WriteRequest & { to: number }): Promise<PublishResult> {
    const key = keyOf(request.target)
    const earlier = queries.version(this.sql, request.to)
    if (!key || !earlier || earlier.key !== key) {
      return fail('unknown_version', `version ${request.to} is not in the history of ${printable(request.target)}`)
    }
    if (!earlier.valid || earlier.text === null || !this.wasShown(earlier)) {
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
    if (!this.isEditor(by)) return [this.unknownEditor(by)]
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
    await this.importOnce()
    const observations = await observe(this.kv, TARGET_KEYS, this.now())
    const now = this.now()
    const { recorded, purges } = this.transact(() => {
      const found = observations
        .map((observation) => recordObservation(this.sql, observation, now))
        .filter((version) => version !== null)
      return { recorded: found, purges: found.map((version) => this.purgeLater(version, now)) }
    })
    await this.afterRecording(recorded, purges)
    return recorded
  }

  /** Ends every console session `editor` was issued until now. */
  endSessions(editor: string): void {
    const now = this.now()
    this.transact(() => endSessions(this.sql, editor, now))
  }

  /** Writes what is due to KV and purges what is due, then sets the alarm for the next thing waiting. */
  async alarm(): Promise<void> {
    const now = this.now()
    await Promise.all(dueWrites(this.sql, now).map((key) => this.flush(key)))
    this.transact(() => {
      for (const stuck of takeStuckWrites(this.sql, this.now())) {
        const { key, seq, ...detail } = stuck
        this.tell({ kind: 'write_stuck', key, version: seq, actor: THE_LEDGER, detail }, this.now())
      }
    })
    for (const job of duePurges(this.sql, now)) await this.runPurge(job.id)
    await deliverDue({
      sql: this.sql,
      transact: this.transact,
      notifier: this.notifier,
      env: this.env,
      now: this.now,
    })
    this.transact(() => this.arm())
  }

  // Internals

  private liveOf(observation: Observation): LiveState {
    const { key } = observation
    const now = queries.current(this.sql, key)
    const finding = judge(this.sql, observation)
    const unrecorded = finding.kind === 'external' ? finding.unrecorded : null
    return {
      target: targetOf(key),
      key,
      current: now,
      unrecorded,
      base: unrecorded ? unrecordedBase(observation) : now ? String(now.version) : 'none',
      pending: queries.pending(this.sql).find((entry) => entry.key === key) ?? null,
    }
  }

  private isEditor(name: string): boolean {
    const config = editorsFrom(this.env.EDITORS)
    return config.ok && config.editors.names.has(name)
  }

  private unknownEditor(name: string): LedgerError {
    return fail('unknown_editor', `"${printable(name)}" is not one of the editors named in EDITORS`)
  }

  private checkWrite(request: WriteRequest & { text: string }) {
    const key = keyOf(request.target)
    if (!key) return fail('unknown_target', `there is no disclaimer "${printable(request.target)}"`)
    if (!this.isEditor(request.by)) return this.unknownEditor(request.by)
    const base = parseBase(request.base)
    if (!base) {
      return fail(
        'invalid_base',
        `"${printable(String(request.base))}" does not name a version; send the base (ETag) you read, e.g. "12"`,
      )
    }
    const text = validateDisclaimer(request.text)
    if (!text.ok) return fail('invalid_text', text.reason, { field: 'text' })
    const note = validateField(request.note ?? '', 'note')
    if (!note.ok) return fail('invalid_text', note.reason, { field: 'note' })
    return { ok: true as const, key, base, text: text.text, by: request.by, note: note.value || null }
  }

  /** True when pages really showed the version's text (see rollback). */
  private wasShown(version: LedgerVersion): boolean {
    if (version.landedAt !== null || version.how === 'external') return true
    if (version.how !== 'import') return false
    return (
      this.sql
        .exec(
          `SELECT 1 FROM versions v LEFT JOIN landings l ON l.seq = v.seq WHERE v.key = ? AND v.text = ? AND v.valid = 1
           AND (l.seq IS NOT NULL OR v.how = 'external') LIMIT 1`,
          version.key,
          version.text,
        )
        .toArray().length > 0
    )
  }

  private async write(request: Write): Promise<PublishResult> {
    const checked = this.checkWrite(request)
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
      const purge = this.purgeLater(committed.external, now)
      if (committed.ok && committed.status === 'accepted' && request.approval) {
        const { version } = committed
        const event = { kind: 'proposal_approved' as const, key: version.key, version: version.version }
        const detail = { note: request.approval.note }
        this.tell({ ...event, proposalId: request.approval.proposalId, actor: request.approval.by, detail }, now, request.by)
      }
      // The outbox row and the alarm that will retry it are set in one step: an object stopped mid-put still lands it.
      this.arm()
      return { result: committed, purge }
    })
    await this.afterRecording([result.external], [purge])
    if (!result.ok) {
      const { external: _, ...error } = result
      return error
    }
    if (result.status === 'unchanged') return { ok: true, status: 'unchanged', version: result.version }
    await this.flush(checked.key)
    const version = queries.version(this.sql, result.version.version) as LedgerVersion
    return { ok: true, status: version.landedAt ? 'live' : 'pending', version }
  }

  /** Sets the alarm for the earliest job waiting, if any: every job is a row, so this is always the right time. */
  private arm(): void {
    const due = [nextWriteAt(this.sql), nextPurgeAt(this.sql), nextDeliveryAt(this.sql)].filter((at) => at !== null)
    if (due.length > 0) this.setAlarm(Math.min(...due))
  }

  /**
   * For an edit found around the ledger, in the step that records it: tells the editors and operators (once per
   * recorded version), and queues its pages' purges; the first purge's id.
   */
  private purgeLater(version: LedgerVersion | null | undefined, now: number): number | undefined {
    if (!version) return undefined
    this.tell({ kind: 'external_edit', key: version.key, version: version.version, actor: version.by }, now)
    const id = enqueuePurges(this.sql, [disclaimerTag(targetOf(version.key))], now)
    this.arm()
    return id
  }

  /** Records an event and its deliveries in the caller's step, and sets the alarm that will send them now. */
  private tell(event: NewEvent, now: number, proposer?: string): void {
    recordEvent(this.sql, event, audienceOf(this.env), now, proposer)
    this.arm()
  }

  /** After recording edits made around the ledger: says so in the log, and runs their first purge now. */
  private async afterRecording(
    versions: (LedgerVersion | null | undefined)[],
    purges: (number | undefined)[],
  ): Promise<void> {
    for (const version of versions) {
      if (version && !version.valid) {
        console.error('ledger: a disclaimer was changed outside the ledger to a text that breaks the rule', {
          key: version.key,
          version: version.version,
          problem: version.problem,
          shown: 'bundled default',
        })
      }
    }
    for (const id of purges) if (id !== undefined) await this.runPurge(id)
  }

  private async importOnce(): Promise<void> {
    if (importRecord(this.sql)) return
    const history = await readLegacyHistory(this.kv, TARGET_KEYS)
    const now = this.now()
    const record = this.transact(() => {
      const recorded = recordImport(this.sql, history, 'the cron', now)
      if (recorded.problems.length > 0) {
        const detail = { imported: recorded.imported, problems: recorded.problems }
        this.tell({ kind: 'import_problems', actor: THE_LEDGER, detail }, now)
      }
      return recorded
    })
    if (record.problems.length > 0) {
      console.error('ledger: the legacy import found problems', { imported: record.imported, problems: record.problems })
    }
  }

  /** Writes the key's newest accepted version to KV, one write at a time per key. */
  private flush(key: string): Promise<void> {
    const previous = this.flushing.get(key) ?? Promise.resolve()
    const next = previous.then(() => this.flushNow(key))
    this.flushing.set(
      key,
      next.catch(() => {}),
    )
    return next
  }

  private async flushNow(key: string): Promise<void> {
    for (;;) {
      const job = writeJob(this.sql, key)
      if (!job) return
      const { version, metadata } = kvEntry(this.sql, job.seq)
      const error = await putVersion(this.kv, key, version.text as string, metadata)
      const now = this.now()
      if (error !== undefined) {
        const nextAt = this.transact(() => {
          const at = writeFailed(this.sql, key, job.seq, error, now)
          this.arm()
          return at
        })
        console.warn('ledger: KV refused a write; retrying', { key, version: job.seq, reason: error, inMs: nextAt - now })
        return
      }
      const purge = this.transact(() => {
        if (!writeLanded(this.sql, key, job.seq, now)) return undefined
        this.tell({ kind: 'version_live', key, version: version.version, actor: version.by }, now)
        const id = enqueuePurges(this.sql, [disclaimerTag(targetOf(key))], now)
        this.arm()
        return id
      })
      if (purge !== undefined) {
        await this.runPurge(purge)
        return
      }
    }
  }

  private async runPurge(id: number): Promise<void> {
    const job = purgeJob(this.sql, id)
    if (!job || this.purging.has(id)) return
    this.purging.add(id)
    try {
      await this.edge.purge(job.tags)
      this.transact(() => purgeDone(this.sql, id))
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      const attempts = this.transact(() => {
        const now = this.now()
        const count = purgeFailed(this.sql, id, reason, now)
        if (count === PURGE_ALERT_AFTER) {
          const detail = { tags: job.tags.join(', '), attempts: count, lastError: reason }
          this.tell({ kind: 'purge_failed', actor: THE_LEDGER, detail }, now)
        }
        this.arm()
        return count
      })
      const log = attempts >= PURGE_ALERT_AFTER ? console.error : console.warn
      log('ledger: purging the edge cache failed; retrying', { tags: job.tags, attempts, reason })
    } finally {
      this.purging.delete(id)
    }
  }
}
