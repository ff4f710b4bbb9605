// How ledger rows are read from SQLite and turned into the records the API, console and CLI show.
import { targetOf } from '../core/keys.ts'
import type { Change, LedgerVersion, Proposal, ProposalStatus } from '../core/ledger-types.ts'

/**
 * Every row of a statement, as `toArray()` answers them (an object per row, its columns in order), built here from
 * the cursor's arrays: the runtime builds each row object column by column, which costs several µs a row (issue 23).
 */
export function allRows<T extends Record<string, SqlStorageValue>>(cursor: SqlStorageCursor<T>): T[] {
  const names = cursor.columnNames
  const rows: T[] = []
  for (const values of cursor.raw()) {
    const row: Record<string, SqlStorageValue> = {}
    for (let index = 0; index < names.length; index++) row[names[index] as string] = values[index] as SqlStorageValue
    rows.push(row as T)
  }
  return rows
}

/** A version as SQLite holds it: the API's fields, in the columns' names and types. */
export type VersionRow = Pick<
  LedgerVersion,
  'key' | 'text' | 'hash' | 'at' | 'by' | 'how' | 'note' | 'problem' | 'chain' | 'log'
> & {
  seq: number
  approved_by: string | null
  proposal_id: number | null
  rollback_of: number | null
  valid: number
  landed_at: string | null
}

/** The columns a proposal's row and a schedule's row share. */
export type ChangeRow = Omit<Change, 'target'>

export function toChange(row: ChangeRow): Change {
  const { id, key, text, hash, base, by, at, note } = row
  return { id, key, target: targetOf(key), text, hash, base, by, at, note }
}

export type ProposalRow = ChangeRow & {
  decision: 'approved' | 'rejected' | null
  status: ProposalStatus
  decided_by: string | null
  decided_at: string | null
  reason: string | null
  published_seq: number | null
  effective_at: string | null
  schedule_id: number | null
}

export const VERSION_SELECT = `SELECT v.*, l.at AS landed_at, c.hash AS chain, c.pos - 1 AS log FROM versions v
  LEFT JOIN landings l ON l.seq = v.seq LEFT JOIN chain c ON c.kind = 'versions' AND c.row_id = v.seq`
/**
 * A proposal's status is how it ended: rejected; else, for one scheduled for a time, how its schedule ended without
 * going live (cancelled, expired, superseded), approved or not; else approved (live, or waiting for its time); else
 * open.
 */
export const PROPOSAL_STATUS = `CASE WHEN d.decision = 'rejected' THEN 'rejected'
  WHEN o.outcome IN ('cancelled', 'expired', 'superseded') THEN o.outcome
  ELSE COALESCE(d.decision, 'open') END`

/** The proposals with what decided or ended them; their status as PROPOSAL_STATUS says. */
export const PROPOSAL_FROM = `FROM proposals p LEFT JOIN decisions d ON d.proposal_id = p.id
  LEFT JOIN schedules s ON s.proposal_id = p.id LEFT JOIN schedule_outcomes o ON o.schedule_id = s.id`

export const PROPOSAL_SELECT = `SELECT p.*, d.decision, d.by AS decided_by, d.at AS decided_at, d.reason,
  COALESCE(d.published_seq, (SELECT seq FROM versions WHERE proposal_id = p.id)) AS published_seq,
  s.effective_at, s.id AS schedule_id, ${PROPOSAL_STATUS} AS status ${PROPOSAL_FROM}`

/**
 * The row that is "current" for the key bound as `?1`: the newest version the ledger wrote or saw; imported rows (the
 * history from before the ledger, recorded after it) only when the key has nothing else, the newest by clamped time.
 * A key's rows are stamped after its latest (record.ts), so the index's (at, seq) order is row order for the ledger's
 * own, and each lookup reads a row or two however long the history is.
 */
export const CURRENT_SEQ = `COALESCE(
  (SELECT seq FROM versions WHERE key = ?1 AND how <> 'import' ORDER BY at DESC, seq DESC LIMIT 1),
  (SELECT seq FROM versions WHERE key = ?1 ORDER BY at DESC, seq DESC LIMIT 1))`

/**
 * When a version started to show on pages: when KV first held it, for one the ledger wrote; when it was seen
 * (or, for imports, written), for one made around the ledger, even once the ledger has written it again to sign it.
 * Null for one that never reached KV.
 */
export const LIVE_FROM = `CASE WHEN v.how IN ('external', 'import') THEN v.at ELSE l.at END`

export function toVersion(row: VersionRow): LedgerVersion {
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
    chain: row.chain,
    log: row.log,
  }
}

export function toProposal(row: ProposalRow): Proposal {
  return {
    ...toChange(row),
    status: row.status,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    reason: row.reason,
    publishedVersion: row.published_seq,
    effectiveAt: row.effective_at,
    scheduleId: row.schedule_id,
  }
}
