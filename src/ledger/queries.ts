// Reads of the ledger's record: plain SQL over SqlStorage, no writes.
import {
  DEFAULT_PAGE,
  type HistoryPage,
  type LedgerVersion,
  MAX_PAGE,
  type Page,
  type PendingWrite,
  type Proposal,
  type ProposalStatus,
} from '../core/ledger-types.ts'
import {
  allRows,
  CURRENT_SEQ,
  LIVE_FROM,
  PROPOSAL_SELECT,
  PROPOSAL_STATUS,
  type ProposalRow,
  toProposal,
  toVersion,
  VERSION_SELECT,
  type VersionRow,
} from './rows.ts'

/** A page's size: `limit` held between 1 and `max`; `fallback` where it is missing or not a number. */
export function pageSize(limit: number | undefined, fallback = DEFAULT_PAGE, max = MAX_PAGE): number {
  return Math.min(Math.max(Math.trunc(limit ?? fallback) || fallback, 1), max)
}

/**
 * The first `size` rows and where the next page starts (the last row's id), or null when there is no more: every
 * paged read asks for one row more than `size` to know.
 */
export function pageOf<T>(rows: T[], size: number, idOf: (row: T) => number): { page: T[]; next: number | null } {
  const page = rows.slice(0, size)
  return { page, next: rows.length > size ? idOf(page.at(-1) as T) : null }
}

/**
 * A page of `select`'s rows, newest first by `id` (a column's name, never input), below `before`; with where the
 * next page starts.
 */
export function pageBelow<T extends Record<string, SqlStorageValue>>(
  sql: SqlStorage,
  select: string,
  id: string,
  { limit, before }: Page,
  idOf: (row: T) => number,
): { page: T[]; next: number | null } {
  const size = pageSize(limit)
  const rows = allRows(
    sql.exec<T>(`${select} WHERE ${id} < ? ORDER BY ${id} DESC LIMIT ?`, before ?? Number.MAX_SAFE_INTEGER, size + 1),
  )
  return pageOf(rows, size, idOf)
}

function paged(rows: VersionRow[], size: number): HistoryPage {
  const { page, next } = pageOf(rows, size, (row) => row.seq)
  return { versions: page.map(toVersion), next }
}

export function version(sql: SqlStorage, seq: number): LedgerVersion | null {
  const row = sql.exec<VersionRow>(`${VERSION_SELECT} WHERE v.seq = ?`, seq).toArray()[0]
  return row ? toVersion(row) : null
}

/** The version pages should show for a key, by the ledger's own record (KV is compared with it elsewhere). */
export function current(sql: SqlStorage, key: string): LedgerVersion | null {
  const row = sql.exec<VersionRow>(`${VERSION_SELECT} WHERE v.seq = ${CURRENT_SEQ}`, key).toArray()[0]
  return row ? toVersion(row) : null
}

/** The time the key's latest row carries: new rows for the key are stamped after it, so times never run back. */
export function latestAt(sql: SqlStorage, key: string): string | null {
  return sql.exec<{ at: string | null }>('SELECT MAX(at) AS at FROM versions WHERE key = ?', key).one().at
}

/**
 * When KV last took a version of this key from the ledger (ms), or null if it never did. Versions land in row order,
 * so this is the landing of the newest landed one, found from the newest row down.
 */
export function lastLandingAt(sql: SqlStorage, key: string): number | null {
  const row = sql
    .exec<{ at: string }>(
      'SELECT l.at FROM versions v JOIN landings l ON l.seq = v.seq WHERE v.key = ? ORDER BY v.at DESC, v.seq DESC LIMIT 1',
      key,
    )
    .toArray()[0]
  return row ? Date.parse(row.at) : null
}

/** How far back, in a key's rows, the landings KV's cache may still answer are looked for. */
const RECENT_ROWS = 20

/**
 * The key's two newest versions KV took from the ledger, newest first: the texts KV's cache may still answer just
 * after a landing. Looked for among the key's newest RECENT_ROWS rows only, so the read is bounded however long the
 * history is (one further back is not among them).
 */
export function recentLandings(sql: SqlStorage, key: string): number[] {
  return sql
    .exec<{ seq: number }>(
      `SELECT r.seq FROM (SELECT seq, at FROM versions WHERE key = ? ORDER BY at DESC, seq DESC LIMIT ${RECENT_ROWS}) r
       JOIN landings l ON l.seq = r.seq ORDER BY r.at DESC, r.seq DESC LIMIT 2`,
      key,
    )
    .toArray()
    .map((row) => row.seq)
}

/** A key's versions, newest first, a page at a time. */
export function history(sql: SqlStorage, key: string, { limit, before }: Page = {}): HistoryPage {
  const size = pageSize(limit)
  const anchor = before === undefined ? undefined : version(sql, before)
  // Older than the anchor in the key's index order (at, seq): a range of the index from the anchor down, so a page
  // deep in the history reads its own rows, not every row newer than it.
  const older = anchor ? 'AND v.at <= ?2 AND (v.at < ?2 OR v.seq < ?3)' : 'AND ?2 IS NULL AND ?3 IS NULL'
  const rows = allRows(
    sql.exec<VersionRow>(
      `${VERSION_SELECT} WHERE v.key = ?1 ${older} ORDER BY v.at DESC, v.seq DESC LIMIT ?4`,
      key,
      anchor?.at ?? null,
      anchor?.version ?? null,
      size + 1,
    ),
  )
  return paged(before !== undefined && !anchor ? [] : rows, size)
}

/**
 * The version pages showed at `at` (ISO 8601): the newest that had reached KV by then, written by the ledger (from
 * when KV held it) or found there (from when it was seen). A version that never reached KV never counts.
 */
export function versionAt(sql: SqlStorage, key: string, at: string): LedgerVersion | null {
  // A version is live from its own time or later, and a key's versions go live in the order of their times (a newer
  // one replaces an older one that has not landed, which then never does): so the newest by time that was live by
  // `at` is found walking the key's index back from `at`, a row or two, however long the history.
  const row = sql
    .exec<VersionRow>(
      `${VERSION_SELECT} WHERE v.key = ?1 AND v.at <= ?2 AND ${LIVE_FROM} <= ?2 ORDER BY v.at DESC, v.seq DESC LIMIT 1`,
      key,
      at,
    )
    .toArray()[0]
  return row ? toVersion(row) : null
}

/** Every version of every key, newest row first: the audit trail. */
export function audit(sql: SqlStorage, page: Page = {}): HistoryPage {
  const { page: rows, next } = pageBelow<VersionRow>(sql, VERSION_SELECT, 'v.seq', page, (row) => row.seq)
  return { versions: rows.map(toVersion), next }
}

export function proposal(sql: SqlStorage, id: number): Proposal | null {
  const row = sql.exec<ProposalRow>(`${PROPOSAL_SELECT} WHERE p.id = ?`, id).toArray()[0]
  return row ? toProposal(row) : null
}

/** A page filtered by a status other than open looks at no more than this many proposals (then `next` goes on). */
export const PROPOSAL_SCAN = 1000

/**
 * Proposals, newest first, a page at a time. Open ones come from the list of open proposals the schema's triggers
 * keep, so an open one is listed however many were decided since; rejected ones (of every target) from the rejected
 * decisions, by index (migration 12). Another status is looked for among at most
 * PROPOSAL_SCAN proposals per page: a page may then hold fewer than `limit`, and `next` says where to look on.
 */
export function proposals(
  sql: SqlStorage,
  { status, key, limit, before }: { status?: ProposalStatus; key?: string } & Page = {},
): { proposals: Proposal[]; next: number | null } {
  const size = pageSize(limit)
  const below = before ?? Number.MAX_SAFE_INTEGER
  const byKey = key === undefined ? '' : 'AND key = ?2'
  // Open and rejected proposals have lists of their own (the open list, rejected decisions by index): a page of them
  // reads its own rows. A status that only a proposal's schedule tells is looked for among the newest proposals.
  const listed = status === 'open' || (status === 'rejected' && key === undefined)
  const ids =
    status === 'open'
      ? `SELECT proposal_id FROM open_proposals WHERE proposal_id < ?1 ${byKey} ORDER BY proposal_id DESC LIMIT ?3`
      : listed
        ? `SELECT proposal_id FROM decisions WHERE decision = 'rejected' AND proposal_id < ?1
           ORDER BY proposal_id DESC LIMIT ?3`
        : `SELECT id FROM proposals WHERE id < ?1 ${byKey} ORDER BY id DESC LIMIT ${status ? PROPOSAL_SCAN : '?3'}`
  const rows = allRows(
    sql.exec<ProposalRow>(
      `${PROPOSAL_SELECT} WHERE p.id IN (${ids}) ${status && status !== 'open' ? `AND ${PROPOSAL_STATUS} = ?4` : ''}
       ORDER BY p.id DESC LIMIT ?3`,
      // SQLite counts parameters up to the highest number used: ?4 is there only when a status is looked for.
      ...[below, key ?? null, size + 1, status ?? null].slice(0, status && status !== 'open' ? 4 : 3),
    ),
  )
  const found = pageOf(rows, size, (row) => row.id)
  if (!status || listed || found.next !== null) return { proposals: found.page.map(toProposal), next: found.next }
  // Fewer than a page matched among the proposals looked at: the next page starts below the last one looked at.
  const { last, more } = sql
    .exec<{ last: number | null; more: number }>(
      `WITH scanned AS (SELECT MIN(id) AS last, COUNT(*) AS count FROM (SELECT id FROM proposals WHERE id < ?1 ${byKey}
         ORDER BY id DESC LIMIT ${PROPOSAL_SCAN}))
       SELECT last, count = ${PROPOSAL_SCAN} AND EXISTS (SELECT 1 FROM proposals WHERE id < last ${byKey}) AS more
       FROM scanned`,
      ...[below, key ?? null].slice(0, key === undefined ? 1 : 2),
    )
    .one()
  return { proposals: found.page.map(toProposal), next: more ? last : null }
}

/** How many proposals wait for a decision, per key: from the list of open proposals, never every proposal. */
export function openProposalCounts(sql: SqlStorage): Map<string, number> {
  const rows = sql
    .exec<{ key: string; open: number }>('SELECT key, COUNT(*) AS open FROM open_proposals GROUP BY key')
    .toArray()
  return new Map(rows.map((row) => [row.key, row.open]))
}

/** Keys whose newest version KV does not hold yet, with the last error and the next attempt. */
export function pending(sql: SqlStorage): PendingWrite[] {
  return sql
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

/**
 * True when pages really showed the version's text: KV took it from the ledger, or it was found there; an imported
 * text only where the ledger itself saw the same text live.
 */
export function wasShown(sql: SqlStorage, shown: LedgerVersion): boolean {
  if (shown.landedAt !== null || shown.how === 'external') return true
  if (shown.how !== 'import') return false
  return (
    sql
      .exec(
        `SELECT 1 FROM versions v LEFT JOIN landings l ON l.seq = v.seq WHERE v.key = ? AND v.text = ? AND v.valid = 1
         AND (l.seq IS NOT NULL OR v.how = 'external') LIMIT 1`,
        shown.key,
        shown.text,
      )
      .toArray().length > 0
  )
}
