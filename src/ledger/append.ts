// Appending versions, landings, proposals and decisions to the record, each in the caller's step (events, schedules
// and the outbox append in their own modules).
import type { How, LedgerVersion } from '../core/ledger-types.ts'
import { latestAt, version } from './queries.ts'

export interface NewVersion {
  key: string
  text: string | null
  hash: string | null
  by: string
  how: How
  note?: string | null
  approvedBy?: string | null
  proposalId?: number | null
  rollbackOf?: number | null
  valid: boolean
  problem?: string | null
  importId?: string | null
  /** When it happened (ms); a key's rows are stamped after its latest, so "current" and "live at" agree. */
  now: number
  /** An imported row's own time, already clamped (ISO 8601): kept as given. */
  at?: string
}

/** The time a new row of `key` is stamped with: now, or just after the key's latest row if that is later. */
export function stampFor(sql: SqlStorage, key: string, now: number): string {
  const latest = latestAt(sql, key)
  const at = latest === null ? now : Math.max(now, Date.parse(latest) + 1)
  return new Date(at).toISOString()
}

export function insertVersion(sql: SqlStorage, row: NewVersion): LedgerVersion {
  const { seq } = sql
    .exec<{ seq: number }>(
      `INSERT INTO versions (key, text, hash, at, by, how, note, approved_by, proposal_id, rollback_of, valid, problem, import_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
      row.key,
      row.text,
      row.hash,
      row.at ?? stampFor(sql, row.key, row.now),
      row.by,
      row.how,
      row.note ?? null,
      row.approvedBy ?? null,
      row.proposalId ?? null,
      row.rollbackOf ?? null,
      row.valid ? 1 : 0,
      row.problem ?? null,
      row.importId ?? null,
    )
    .one()
  return version(sql, seq) as LedgerVersion
}

/** Records that KV holds version `seq` (once: a second landing of the same version keeps the first time). */
export function insertLanding(sql: SqlStorage, seq: number, now: number): void {
  if (sql.exec('SELECT 1 FROM landings WHERE seq = ?', seq).toArray().length > 0) return
  sql.exec('INSERT INTO landings (seq, at) VALUES (?, ?)', seq, new Date(now).toISOString())
}

export function insertProposal(
  sql: SqlStorage,
  row: { key: string; text: string; hash: string; base: number; by: string; note: string | null; now: number },
): number {
  return sql
    .exec<{ id: number }>(
      'INSERT INTO proposals (key, text, hash, base, by, at, note) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id',
      row.key,
      row.text,
      row.hash,
      row.base,
      row.by,
      new Date(row.now).toISOString(),
      row.note,
    )
    .one().id
}

export function insertDecision(
  sql: SqlStorage,
  row: {
    proposalId: number
    decision: 'approved' | 'rejected'
    by: string
    at: string
    reason: string | null
    publishedSeq: number | null
  },
): void {
  sql.exec(
    'INSERT INTO decisions (proposal_id, decision, by, at, reason, published_seq) VALUES (?, ?, ?, ?, ?, ?)',
    row.proposalId,
    row.decision,
    row.by,
    row.at,
    row.reason,
    row.publishedSeq,
  )
}
