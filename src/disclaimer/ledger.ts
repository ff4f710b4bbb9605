// The disclaimer ledger: one SQLite-backed Durable Object, the only audited way to change a disclaimer. It orders
// every write (compare-and-swap on the version it replaces), keeps every version for good, writes each accepted
// version through to KV until KV holds it, and records edits made to KV around it.
import { DurableObject } from 'cloudflare:workers'
import { disclaimerTag } from '../http/caching.ts'
import { DEFAULT_DISCLAIMERS, TARGET_KEYS } from './defaults.ts'
import { editorsFrom } from './editors.ts'
import { contentHash, LEGACY_HISTORY_PREFIX, legacyHistoryPrefix, targetOf } from './keys.ts'
import type { LedgerMetadata } from './read.ts'
import { KV_CACHE_TTL_SECONDS } from './read.ts'
import type {
  How,
  LedgerError,
  LedgerErrorCode,
  LedgerVersion,
  Proposal,
  ProposalResult,
  ProposalStatus,
  PublishResult,
  WriteRequest,
} from './records.ts'
import { SECOND_PURGE_AFTER_MS } from './staleness.ts'
import { printable, validateDisclaimer, validateField } from './validate.ts'

export type * from './records.ts'

/** What the ledger needs of KV; tests hand in one that fails. */
export type LedgerKV = Pick<KVNamespace, 'get' | 'put' | 'list' | 'getWithMetadata'>

/** Cloudflare's cache in front of the Worker; the default entrypoint purges it (purges are scoped per entrypoint). */
export interface EdgeCache {
  purge(tags: string[]): Promise<void>
}

/** The one ledger: a single Durable Object orders every write, wherever it comes from. */
export const LEDGER_NAME = 'ledger'

export function ledgerOf(env: Env) {
  return env.LEDGER.getByName(LEDGER_NAME)
}

export const EXTERNAL_EDITOR = 'outside the ledger'
const RETRY_DELAYS_MS = [1_000, 2_000, 5_000, 15_000, 60_000]

const SCHEMA = `
CREATE TABLE IF NOT EXISTS versions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL,
  text TEXT,
  hash TEXT,
  at TEXT NOT NULL,
  by TEXT NOT NULL,
  how TEXT NOT NULL CHECK (how IN ('publish', 'rollback', 'seed', 'import', 'external')),
  note TEXT,
  approved_by TEXT,
  proposal_id INTEGER,
  rollback_of INTEGER,
  valid INTEGER NOT NULL,
  problem TEXT,
  import_id TEXT UNIQUE
);
CREATE INDEX IF NOT EXISTS versions_by_key ON versions (key, at, seq);
CREATE TRIGGER IF NOT EXISTS versions_no_update BEFORE UPDATE ON versions
  BEGIN SELECT RAISE(ABORT, 'ledger versions are append-only'); END;
CREATE TRIGGER IF NOT EXISTS versions_no_delete BEFORE DELETE ON versions
  BEGIN SELECT RAISE(ABORT, 'ledger versions are append-only'); END;
CREATE TABLE IF NOT EXISTS landings (seq INTEGER PRIMARY KEY, at TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS landings_no_update BEFORE UPDATE ON landings
  BEGIN SELECT RAISE(ABORT, 'ledger landings are append-only'); END;
CREATE TRIGGER IF NOT EXISTS landings_no_delete BEFORE DELETE ON landings
  BEGIN SELECT RAISE(ABORT, 'ledger landings are append-only'); END;
CREATE TABLE IF NOT EXISTS proposals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL,
  text TEXT NOT NULL,
  hash TEXT NOT NULL,
  base INTEGER NOT NULL,
  by TEXT NOT NULL,
  at TEXT NOT NULL,
  note TEXT
);
CREATE TRIGGER IF NOT EXISTS proposals_no_update BEFORE UPDATE ON proposals
  BEGIN SELECT RAISE(ABORT, 'ledger proposals are append-only'); END;
CREATE TRIGGER IF NOT EXISTS proposals_no_delete BEFORE DELETE ON proposals
  BEGIN SELECT RAISE(ABORT, 'ledger proposals are append-only'); END;
CREATE TABLE IF NOT EXISTS decisions (
  proposal_id INTEGER PRIMARY KEY,
  decision TEXT NOT NULL CHECK (decision IN ('approved', 'rejected')),
  by TEXT NOT NULL,
  at TEXT NOT NULL,
  reason TEXT,
  published_seq INTEGER
);
CREATE TRIGGER IF NOT EXISTS decisions_no_update BEFORE UPDATE ON decisions
  BEGIN SELECT RAISE(ABORT, 'ledger decisions are append-only'); END;
CREATE TRIGGER IF NOT EXISTS decisions_no_delete BEFORE DELETE ON decisions
  BEGIN SELECT RAISE(ABORT, 'ledger decisions are append-only'); END;
CREATE TABLE IF NOT EXISTS outbox (
  key TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  next_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS purges (id INTEGER PRIMARY KEY AUTOINCREMENT, tags TEXT NOT NULL, due INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
`

type VersionRow = {
  seq: number
  key: string
  text: string | null
  hash: string | null
  at: string
  by: string
  how: How
  note: string | null
  approved_by: string | null
  proposal_id: number | null
  rollback_of: number | null
  valid: number
  problem: string | null
  landed_at: string | null
}

type ProposalRow = {
  id: number
  key: string
  text: string
  hash: string
  base: number
  by: string
  at: string
  note: string | null
  decision: 'approved' | 'rejected' | null
  decided_by: string | null
  decided_at: string | null
  reason: string | null
  published_seq: number | null
}

const VERSION_SELECT = 'SELECT v.*, l.at AS landed_at FROM versions v LEFT JOIN landings l ON l.seq = v.seq'
const PROPOSAL_SELECT = `SELECT p.*, d.decision, d.by AS decided_by, d.at AS decided_at, d.reason, d.published_seq
  FROM proposals p LEFT JOIN decisions d ON d.proposal_id = p.id`

function toVersion(row: VersionRow): LedgerVersion {
  return {
    version: row.seq,
    key: row.key,
    target: targetOf(row.key),
    text: row.text,
    hash: row.hash,
    at: row.at,
    by: row.by,
    how: row.how,
    note: row.note,
    approvedBy: row.approved_by,
    proposalId: row.proposal_id,
    rollbackOf: row.rollback_of,
    valid: row.valid === 1,
    problem: row.problem,
    landedAt: row.landed_at,
  }
}

function toProposal(row: ProposalRow): Proposal {
  return {
    id: row.id,
    key: row.key,
    target: targetOf(row.key),
    text: row.text,
    hash: row.hash,
    base: row.base,
    by: row.by,
    at: row.at,
    note: row.note,
    status: row.decision ?? 'open',
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    reason: row.reason,
    publishedVersion: row.published_seq,
  }
}

function fail(code: LedgerErrorCode, message: string, extra: Partial<LedgerError> = {}): LedgerError {
  return { ok: false, code, message, ...extra }
}

function isLedgerMetadata(metadata: unknown): metadata is LedgerMetadata {
  const candidate = metadata as Partial<LedgerMetadata> | null
  return typeof candidate?.seq === 'number' && typeof candidate.hash === 'string'
}

/** One `history/<key>/…` entry of the pre-ledger store, as the import records it. */
interface LegacyRow {
  importId: string
  text: string | null
  at: string
  by: string
  note: string | null
  problem?: string
}
type LegacyMetadata = { at?: unknown; by?: unknown; action?: unknown; note?: unknown; version?: unknown }

/** The hash the pre-ledger store recorded for a text it wrote: that of the text as the rule normalises it. */
async function legacyHash(text: string): Promise<string> {
  const checked = validateDisclaimer(text)
  return contentHash(checked.ok ? checked.text : text)
}

/** The first of these that reads as a time, as ISO 8601; the epoch (time not known) if none does. */
function legacyTime(...candidates: unknown[]): string {
  for (const candidate of candidates) {
    const time = typeof candidate === 'string' ? Date.parse(candidate) : Number.NaN
    if (Number.isFinite(time)) return new Date(time).toISOString()
  }
  return new Date(0).toISOString()
}

/** Every key's tags: the pages that show it. */
function tagsOf(key: string): string[] {
  return [disclaimerTag(targetOf(key))]
}

/**
 * The one writer. Reads are plain SQL; every write checks, in one synchronous step, that the version it
 * replaces is still current, so of any number of concurrent writers exactly one wins. No method updates or
 * deletes a version: the tables refuse it (SQLite triggers), whatever code runs.
 */
export class DisclaimerLedger extends DurableObject<Env> {
  private readonly sql: SqlStorage
  /** Where versions are written through; a seam for tests that need KV to fail. */
  kv: LedgerKV
  /** Purges the pages of a key from Cloudflare's cache in front of the Worker; a seam, since workerd has none. */
  edge: EdgeCache
  private readonly flushing = new Map<string, Promise<void>>()

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.sql = ctx.storage.sql
    this.kv = env.DISCLAIMERS
    this.edge = { purge: (tags) => ctx.exports.default.purgeEdgeCache(tags) }
    ctx.blockConcurrencyWhile(async () => {
      // Without it, an INSERT OR REPLACE deletes the row it conflicts with and no delete trigger fires (SQLite).
      this.sql.exec('PRAGMA recursive_triggers = ON')
      this.sql.exec(SCHEMA)
    })
  }

  // Reads

  current(target: string): LedgerVersion | null {
    return this.currentOf(this.keyOf(target) ?? '')
  }

  history(target: string, limit = 100): LedgerVersion[] {
    const key = this.keyOf(target) ?? ''
    return this.sql
      .exec<VersionRow>(`${VERSION_SELECT} WHERE v.key = ? ORDER BY v.at DESC, v.seq DESC LIMIT ?`, key, limit)
      .toArray()
      .map(toVersion)
  }

  /** The version of a target the ledger held at `at` (ISO 8601), or null if it had none then or `at` is no time. */
  versionAt(target: string, at: string): LedgerVersion | null {
    const key = this.keyOf(target) ?? ''
    // Thrown in here, an unreadable time would reach the caller as an opaque RPC error; callers check it first.
    if (Number.isNaN(Date.parse(at))) return null
    const row = this.sql
      .exec<VersionRow>(
        `${VERSION_SELECT} WHERE v.key = ? AND v.at <= ? ORDER BY v.at DESC, v.seq DESC LIMIT 1`,
        key,
        new Date(at).toISOString(),
      )
      .toArray()[0]
    return row ? toVersion(row) : null
  }

  version(version: number): LedgerVersion | null {
    const row = this.sql.exec<VersionRow>(`${VERSION_SELECT} WHERE v.seq = ?`, version).toArray()[0]
    return row ? toVersion(row) : null
  }

  /** Every version of every key, newest first: the audit trail. */
  audit(limit = 100, before?: number): LedgerVersion[] {
    return this.sql
      .exec<VersionRow>(
        `${VERSION_SELECT} WHERE v.seq < ? ORDER BY v.seq DESC LIMIT ?`,
        before ?? Number.MAX_SAFE_INTEGER,
        limit,
      )
      .toArray()
      .map(toVersion)
  }

  proposals(status?: ProposalStatus, target?: string): Proposal[] {
    const key = target === undefined ? null : (this.keyOf(target) ?? '')
    // Filtered before the limit, so an open proposal is listed however many were decided after it.
    return this.sql
      .exec<ProposalRow>(
        `${PROPOSAL_SELECT} WHERE (?1 IS NULL OR COALESCE(d.decision, 'open') = ?1) AND (?2 IS NULL OR p.key = ?2)
         ORDER BY p.id DESC LIMIT 200`,
        status ?? null,
        key,
      )
      .toArray()
      .map(toProposal)
  }

  proposal(id: number): Proposal | null {
    const row = this.sql.exec<ProposalRow>(`${PROPOSAL_SELECT} WHERE p.id = ?`, id).toArray()[0]
    return row ? toProposal(row) : null
  }

  /** Keys whose newest version KV does not hold yet, with the last error and the next attempt. */
  pending(): { key: string; version: number; attempts: number; lastError: string | null; nextAt: string }[] {
    return this.sql
      .exec<{ key: string; seq: number; attempts: number; last_error: string | null; next_at: number }>(
        'SELECT * FROM outbox ORDER BY key',
      )
      .toArray()
      .map((row) => ({
        key: row.key,
        version: row.seq,
        attempts: row.attempts,
        lastError: row.last_error,
        nextAt: new Date(row.next_at).toISOString(),
      }))
  }

  requiresApproval(): boolean {
    return this.env.REQUIRE_APPROVAL === 'true'
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
    const checked = this.checkWrite(request, request.text)
    if (!checked.ok) return checked
    await this.recordExternalEdits([checked.key])
    const current = this.currentOf(checked.key)
    const stale = this.staleBase(current, request.base)
    if (stale) return stale
    const at = new Date().toISOString()
    const hash = await contentHash(checked.text)
    const { id } = this.sql
      .exec<{ id: number }>(
        'INSERT INTO proposals (key, text, hash, base, by, at, note) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id',
        checked.key,
        checked.text,
        hash,
        request.base,
        request.by,
        at,
        checked.note,
      )
      .one()
    return { ok: true, proposal: this.proposal(id) as Proposal }
  }

  /**
   * A second editor's approval publishes the proposal, as long as the version it was written against is still
   * current. The proposer cannot approve their own.
   */
  async approve({ id, by, note }: { id: number; by: string; note?: string }): Promise<PublishResult> {
    const proposal = this.proposal(id)
    if (!proposal) return fail('unknown_proposal', `there is no proposal ${id}; list the proposals to see them`)
    if (!this.isEditor(by)) return this.unknownEditor(by)
    if (proposal.status !== 'open') {
      return fail('proposal_decided', `proposal ${id} was already ${proposal.status} by ${proposal.decidedBy}`)
    }
    if (proposal.by === by) {
      return fail('self_approval', `${by} proposed this text, so a different editor must approve it`)
    }
    const checked = validateField(note ?? '', 'note')
    if (!checked.ok) return fail('invalid_text', checked.reason, { field: 'note' })
    return this.write({
      target: proposal.target,
      text: proposal.text,
      base: proposal.base,
      by: proposal.by,
      note: proposal.note ?? undefined,
      how: 'publish',
      approval: { proposalId: id, by, note: checked.value || undefined },
    })
  }

  async reject({ id, by, reason }: { id: number; by: string; reason: string }): Promise<ProposalResult> {
    const proposal = this.proposal(id)
    if (!proposal) return fail('unknown_proposal', `there is no proposal ${id}; list the proposals to see them`)
    if (!this.isEditor(by)) return this.unknownEditor(by)
    const checked = validateField(reason, 'reason', { required: true })
    if (!checked.ok) return fail('invalid_text', checked.reason, { field: 'reason' })
    if (proposal.status !== 'open') {
      return fail('proposal_decided', `proposal ${id} was already ${proposal.status} by ${proposal.decidedBy}`)
    }
    this.sql.exec(
      "INSERT INTO decisions (proposal_id, decision, by, at, reason) VALUES (?, 'rejected', ?, ?, ?)",
      id,
      by,
      new Date().toISOString(),
      checked.value,
    )
    return { ok: true, proposal: this.proposal(id) as Proposal }
  }

  /**
   * Makes an earlier version's text current again, as a new version. One editor may do this alone, even where
   * the two-person rule is on (the emergency path): the text was live before. Rolling back to the current text
   * changes nothing and records nothing.
   */
  async rollback(request: WriteRequest & { to: number }): Promise<PublishResult> {
    const key = this.keyOf(request.target)
    const earlier = this.version(request.to)
    if (!key || !earlier || earlier.key !== key) {
      return fail('unknown_version', `version ${request.to} is not in the history of ${request.target}`)
    }
    const wasLive = earlier.landedAt !== null || earlier.how === 'import' || earlier.how === 'external'
    if (!earlier.valid || earlier.text === null || !wasLive) {
      return fail(
        'never_live',
        `version ${request.to} was never shown on the site${earlier.problem ? ` (${earlier.problem})` : ''}; roll back to a version that was live`,
      )
    }
    return this.write({ ...request, text: earlier.text, how: 'rollback', rollbackOf: earlier.version })
  }

  /** Writes each bundled default whose key has no version and no text in KV. */
  async seed(by: string): Promise<PublishResult[]> {
    if (!this.isEditor(by)) return [this.unknownEditor(by)]
    await this.recordExternalEdits([...DEFAULT_DISCLAIMERS.keys()])
    const results: PublishResult[] = []
    for (const entry of DEFAULT_DISCLAIMERS.values()) {
      if (this.currentOf(entry.key)) continue
      results.push(
        await this.write({
          target: entry.target,
          text: entry.text,
          base: 0,
          by,
          note: `seeded from ${entry.file}`,
          how: 'seed',
        }),
      )
    }
    return results
  }

  /**
   * Imports the pre-ledger history (`history/<key>/<time>-<id>` KV entries, each holding the text a write
   * replaced) as `import` versions, once: each entry has its own import id, so a second run adds nothing. The old
   * keys are left as they are. Names and notes sent by clients then are kept, marked `legacy:`, and escaped.
   */
  async importLegacy(by: string): Promise<{ imported: number; skipped: number } | LedgerError> {
    if (!this.isEditor(by) && by !== EXTERNAL_EDITOR) return this.unknownEditor(by)
    let imported = 0
    let skipped = 0
    for (const key of TARGET_KEYS) {
      const prefix = legacyHistoryPrefix(key)
      const entries = await this.listAll(prefix)
      if (entries.length === 0) continue
      entries.sort((a, b) => a.name.localeCompare(b.name))
      const texts = await Promise.all(entries.map((entry) => this.kv.get(entry.name, 'text')))
      const currentText = await this.kv.get(key, 'text')
      const rows: LegacyRow[] = []
      const first = texts[0]
      if (first) {
        rows.push({
          importId: `${prefix}#before`,
          text: first,
          at: new Date(0).toISOString(),
          by: 'legacy:unknown',
          note: 'the text before the first recorded write; when it was set is not known',
        })
      }
      for (const [index, entry] of entries.entries()) {
        const metadata = (entry.metadata ?? {}) as LegacyMetadata
        const next = (index + 1 < entries.length ? texts[index + 1] : currentText) ?? null
        // The old store kept the hash of the text each write made. A text that no longer hashes to it was replaced
        // without a history entry (by the ledger since, or around the old store): what this write made is lost.
        const lost =
          next !== null && typeof metadata.version === 'string' && (await legacyHash(next)) !== metadata.version
        rows.push({
          importId: entry.name,
          text: lost ? null : next,
          at: legacyTime(metadata.at, entry.name.slice(prefix.length, prefix.length + 24)),
          by: `legacy:${printable(String(metadata.by ?? 'unknown')).slice(0, 80)}`,
          note:
            [metadata.action, metadata.note]
              .filter(Boolean)
              .map((part) => printable(String(part)))
              .join(': ') || null,
          ...(lost && {
            problem: `the text this write made is no longer in KV; only its hash, ${metadata.version}, is known`,
          }),
        })
      }
      for (const row of rows) {
        const checked = row.text === null ? undefined : validateDisclaimer(row.text)
        const text = checked?.ok ? checked.text : row.text
        // RETURNING tells an insert from an ignored one: rowsWritten counts both.
        const inserted = this.sql
          .exec(
            `INSERT OR IGNORE INTO versions (key, text, hash, at, by, how, note, valid, problem, import_id)
           VALUES (?, ?, ?, ?, ?, 'import', ?, ?, ?, ?) RETURNING seq`,
            key,
            text,
            text === null ? null : await contentHash(text),
            row.at,
            row.by,
            row.note,
            checked?.ok ? 1 : 0,
            checked?.ok ? null : (row.problem ?? checked?.reason ?? 'no text'),
            row.importId,
          )
          .toArray().length
        if (inserted > 0) imported++
        else skipped++
      }
    }
    this.sql.exec(
      "INSERT OR REPLACE INTO settings (name, value) VALUES ('legacy_imported_at', ?)",
      new Date().toISOString(),
    )
    return { imported, skipped }
  }

  /**
   * The cron's check: records as an `external` version every key whose KV text differs from what the ledger
   * last made live (an edit with plain wrangler or the dashboard), with the rule's verdict, and purges its pages.
   * An invalid external text is logged as an error; pages keep showing the bundled default for it.
   */
  async reconcile(): Promise<LedgerVersion[]> {
    if (!this.sql.exec("SELECT 1 FROM settings WHERE name = 'legacy_imported_at'").toArray().length) {
      await this.importLegacy(EXTERNAL_EDITOR)
    }
    return this.recordExternalEdits(TARGET_KEYS)
  }

  override async alarm(): Promise<void> {
    const now = Date.now()
    const due = this.sql.exec<{ key: string }>('SELECT key FROM outbox WHERE next_at <= ?', now).toArray()
    await Promise.all(due.map(({ key }) => this.flush(key)))
    const purges = this.sql.exec<{ id: number; tags: string }>('SELECT * FROM purges WHERE due <= ?', now).toArray()
    for (const { id, tags } of purges) {
      await this.purge(JSON.parse(tags))
      this.sql.exec('DELETE FROM purges WHERE id = ?', id)
    }
    await this.schedule()
  }

  // Internals

  private keyOf(target: string): string | undefined {
    return TARGET_KEYS.find((key) => targetOf(key) === target)
  }

  private currentOf(key: string): LedgerVersion | null {
    const row = this.sql
      .exec<VersionRow>(`${VERSION_SELECT} WHERE v.key = ? ORDER BY v.at DESC, v.seq DESC LIMIT 1`, key)
      .toArray()[0]
    return row ? toVersion(row) : null
  }

  private isEditor(name: string): boolean {
    const config = editorsFrom(this.env.EDITORS)
    return config.ok && config.editors.names.has(name)
  }

  private unknownEditor(name: string): LedgerError {
    return fail('unknown_editor', `"${printable(name)}" is not one of the editors named in EDITORS`)
  }

  private checkWrite(
    request: WriteRequest,
    input: string,
  ): { ok: true; key: string; text: string; note: string | null } | LedgerError {
    const key = this.keyOf(request.target)
    if (!key) return fail('unknown_target', `there is no disclaimer "${printable(request.target)}"`)
    if (!this.isEditor(request.by)) return this.unknownEditor(request.by)
    const text = validateDisclaimer(input)
    if (!text.ok) return fail('invalid_text', text.reason, { field: 'text' })
    const note = validateField(request.note ?? '', 'note')
    if (!note.ok) return fail('invalid_text', note.reason, { field: 'note' })
    return { ok: true, key, text: text.text, note: note.value || null }
  }

  private staleBase(current: LedgerVersion | null, base: number): LedgerError | undefined {
    if ((current?.version ?? 0) === base) return undefined
    return fail(
      'version_mismatch',
      current
        ? `the text changed since you read it: it is at version ${current.version} (by ${current.by}), you edited version ${base || 'none'}; start again from the current text`
        : `there is no version ${base} to replace: the disclaimer has no text yet`,
      { current },
    )
  }

  private async write(
    request: WriteRequest & {
      text: string
      how: How
      rollbackOf?: number
      approval?: { proposalId: number; by: string; note?: string }
    },
  ): Promise<PublishResult> {
    const checked = this.checkWrite(request, request.text)
    if (!checked.ok) return checked
    await this.recordExternalEdits([checked.key])
    const hash = await contentHash(checked.text)
    // From here to the insert nothing is awaited: the check and the write are one step for this object.
    const current = this.currentOf(checked.key)
    const stale = this.staleBase(current, request.base)
    if (stale) return stale
    if (current && current.hash === hash && current.valid && !request.approval) {
      return { ok: true, status: 'unchanged', version: current }
    }
    const now = new Date().toISOString()
    // Times only move forward for one key, so "live at" and "current" always agree.
    const at = current && current.at >= now ? new Date(Date.parse(current.at) + 1).toISOString() : now
    const seq = this.ctx.storage.transactionSync(() => {
      const { seq } = this.sql
        .exec<{ seq: number }>(
          `INSERT INTO versions (key, text, hash, at, by, how, note, approved_by, proposal_id, rollback_of, valid)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING seq`,
          checked.key,
          checked.text,
          hash,
          at,
          request.by,
          request.how,
          checked.note,
          request.approval?.by ?? null,
          request.approval?.proposalId ?? null,
          request.rollbackOf ?? null,
        )
        .one()
      if (request.approval) {
        this.sql.exec(
          "INSERT INTO decisions (proposal_id, decision, by, at, reason, published_seq) VALUES (?, 'approved', ?, ?, ?, ?)",
          request.approval.proposalId,
          request.approval.by,
          at,
          request.approval.note ?? null,
          seq,
        )
      }
      this.sql.exec(
        'INSERT OR REPLACE INTO outbox (key, seq, attempts, last_error, next_at) VALUES (?, ?, 0, NULL, ?)',
        checked.key,
        seq,
        Date.now(),
      )
      return seq
    })
    await this.flush(checked.key)
    const version = this.version(seq) as LedgerVersion
    return { ok: true, status: version.landedAt ? 'live' : 'pending', version }
  }

  /**
   * Writes the key's newest accepted version to KV, one write at a time per key; on failure leaves it in the
   * outbox and sets the alarm to try again, so an accepted version always lands.
   */
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
      const job = this.sql
        .exec<{ seq: number; attempts: number }>('SELECT * FROM outbox WHERE key = ?', key)
        .toArray()[0]
      if (!job) return
      const version = this.version(job.seq) as LedgerVersion
      const metadata: LedgerMetadata = { seq: version.version, hash: version.hash as string }
      try {
        await this.kv.put(key, version.text as string, { metadata })
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error)
        const delay = RETRY_DELAYS_MS[Math.min(job.attempts, RETRY_DELAYS_MS.length - 1)] as number
        console.warn('ledger: KV refused a write; retrying', { key, version: job.seq, reason, inMs: delay })
        this.sql.exec(
          'UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_at = ? WHERE key = ? AND seq = ?',
          reason,
          Date.now() + delay,
          key,
          job.seq,
        )
        await this.schedule()
        return
      }
      const landedAt = new Date().toISOString()
      this.sql.exec('INSERT OR IGNORE INTO landings (seq, at) VALUES (?, ?)', job.seq, landedAt)
      const stillNewest = this.sql.exec('DELETE FROM outbox WHERE key = ? AND seq = ?', key, job.seq).rowsWritten > 0
      if (stillNewest) {
        await this.purgeTwice(tagsOf(key))
        return
      }
    }
  }

  /** Purges now, and again once every location's reads have caught up (see staleness.ts). */
  private async purgeTwice(tags: string[]): Promise<void> {
    await this.purge(tags)
    this.sql.exec(
      'INSERT INTO purges (tags, due) VALUES (?, ?)',
      JSON.stringify(tags),
      Date.now() + SECOND_PURGE_AFTER_MS,
    )
    await this.schedule()
  }

  private async purge(tags: string[]): Promise<void> {
    try {
      await this.edge.purge(tags)
    } catch (error) {
      console.error('ledger: purging the edge cache failed', {
        tags,
        error: error instanceof Error ? error.message : String(error),
      })
    }
  }

  private async schedule(): Promise<void> {
    const { next } = this.sql
      .exec<{ next: number | null }>(
        'SELECT MIN(t) AS next FROM (SELECT MIN(next_at) AS t FROM outbox UNION ALL SELECT MIN(due) FROM purges)',
      )
      .one()
    if (next === null) return
    const existing = await this.ctx.storage.getAlarm()
    if (existing === null || existing > next) await this.ctx.storage.setAlarm(next)
  }

  private async listAll(prefix: string) {
    const keys: { name: string; metadata?: unknown }[] = []
    let cursor: string | undefined
    do {
      const page: KVNamespaceListResult<unknown, string> = await this.kv.list({ prefix, cursor })
      keys.push(...page.keys)
      cursor = page.list_complete ? undefined : page.cursor
    } while (cursor)
    return keys.filter((entry) => entry.name.startsWith(LEGACY_HISTORY_PREFIX))
  }

  /**
   * Compares KV with the ledger for these keys and records what was changed around it. A KV value that carries
   * the ledger's metadata for one of this key's versions is the ledger's own write (possibly a stale read of it),
   * never an external edit; a key with a write still pending is skipped.
   */
  private async recordExternalEdits(keys: readonly string[]): Promise<LedgerVersion[]> {
    const recorded: LedgerVersion[] = []
    for (const key of keys) {
      const read = await this.kv.getWithMetadata(key, { type: 'text', cacheTtl: KV_CACHE_TTL_SECONDS })
      const text = read.value
      const checked = text === null ? undefined : validateDisclaimer(text)
      const stored = checked?.ok ? checked.text : text
      const hash = stored === null ? null : await contentHash(stored)
      // From here to the insert nothing is awaited, so two callers cannot both record the same edit.
      if (this.sql.exec('SELECT 1 FROM outbox WHERE key = ?', key).toArray().length > 0) continue
      const current = this.currentOf(key)
      if (stored === null || hash === null || checked === undefined) {
        if (!current || current.text === null) continue
        recorded.push(
          this.insertExternal(key, null, null, false, 'the key was deleted from KV; pages show the bundled default'),
        )
        continue
      }
      if (current && current.hash === hash) continue
      const metadata = read.metadata
      if (isLedgerMetadata(metadata) && metadata.hash === hash && this.version(metadata.seq)?.key === key) continue
      recorded.push(this.insertExternal(key, stored, hash, checked.ok, checked.ok ? null : checked.reason))
    }
    for (const version of recorded) {
      if (!version.valid) {
        console.error('ledger: a disclaimer was changed outside the ledger to a text that breaks the rule', {
          key: version.key,
          version: version.version,
          problem: version.problem,
          shown: 'bundled default',
        })
      }
      await this.purgeTwice(tagsOf(version.key))
    }
    return recorded
  }

  private insertExternal(
    key: string,
    text: string | null,
    hash: string | null,
    valid: boolean,
    problem: string | null,
  ): LedgerVersion {
    const { seq } = this.sql
      .exec<{ seq: number }>(
        `INSERT INTO versions (key, text, hash, at, by, how, valid, problem)
         VALUES (?, ?, ?, ?, ?, 'external', ?, ?) RETURNING seq`,
        key,
        text,
        hash,
        new Date().toISOString(),
        EXTERNAL_EDITOR,
        valid ? 1 : 0,
        problem,
      )
      .one()
    return this.version(seq) as LedgerVersion
  }
}
