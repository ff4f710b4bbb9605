// Console drafts: an editor's unpublished text for one disclaimer, kept between the pages of the edit flow so each
// page is a GET that survives Back and reload. Not part of the record: not chained, only ever read by its owner,
// bounded in number per editor and in age.

/** An editor keeps at most this many drafts; saving one more removes their least recently saved. */
export const MAX_DRAFTS_PER_EDITOR = 20
/** A draft nobody has saved for this long is removed. */
export const DRAFT_MAX_AGE_MS = 7 * 86_400_000

/** What became of a draft once it was sent: a version (or none needed), a schedule, or a proposal. */
export type DraftOutcome =
  | { kind: 'published'; status: 'live' | 'pending' | 'unchanged'; version: number }
  | { kind: 'scheduled'; schedule: number }
  | { kind: 'proposed'; proposal: number }

export interface ConsoleDraft {
  /** 24 hex digits, random: the draft's address in the console. */
  id: string
  editor: string
  target: string
  /** The base it was started from (LiveState's `base`): sending it is refused unless that is still live. */
  base: string
  text: string
  note: string
  /** The go-live time as typed, a wall time in the site's zone; empty for "at once". */
  effective: string
  /** Why the go-live time was refused when last sent, shown next to the field. */
  problem: string | null
  /** After a conflict: the editor's own earlier text, shown beside the live one to copy from. */
  earlier: string | null
  outcome: DraftOutcome | null
  savedAt: number
}

/** What a form changes in a draft; anything left out keeps its value. */
export type DraftChange = Partial<
  Pick<ConsoleDraft, 'base' | 'text' | 'note' | 'effective' | 'problem' | 'earlier' | 'outcome'>
>

/** A draft as stored: its outcome as JSON, its time as `saved_at`; every other column as the draft names it. */
type DraftRow = Omit<ConsoleDraft, 'outcome' | 'savedAt'> & { outcome: string | null; saved_at: number }

function toDraft({ outcome, saved_at, ...row }: DraftRow): ConsoleDraft {
  return { ...row, outcome: outcome === null ? null : (JSON.parse(outcome) as DraftOutcome), savedAt: saved_at }
}

function newId(): string {
  return [...crypto.getRandomValues(new Uint8Array(12))].map((byte) => byte.toString(16).padStart(2, '0')).join('')
}

/** Removes drafts past their age, and an editor's oldest beyond the number kept. */
function prune(sql: SqlStorage, editor: string, now: number): void {
  sql.exec('DELETE FROM drafts WHERE saved_at < ?', now - DRAFT_MAX_AGE_MS)
  sql.exec(
    `DELETE FROM drafts WHERE editor = ?1 AND id NOT IN
       (SELECT id FROM drafts WHERE editor = ?1 ORDER BY saved_at DESC, rowid DESC LIMIT ?2)`,
    editor,
    MAX_DRAFTS_PER_EDITOR,
  )
}

/** The editor's draft with this id, unless it is another editor's or has aged out. */
export function draft(sql: SqlStorage, editor: string, id: string, now: number): ConsoleDraft | null {
  const row = sql
    .exec<DraftRow>(
      'SELECT * FROM drafts WHERE id = ? AND editor = ? AND saved_at >= ?',
      id,
      editor,
      now - DRAFT_MAX_AGE_MS,
    )
    .toArray()[0]
  return row ? toDraft(row) : null
}

/** The editor's draft of a target that has not been sent yet, the most recently saved; null when there is none. */
export function openDraft(sql: SqlStorage, editor: string, target: string, now: number): ConsoleDraft | null {
  const row = sql
    .exec<DraftRow>(
      `SELECT * FROM drafts WHERE editor = ? AND target = ? AND outcome IS NULL AND saved_at >= ?
       ORDER BY saved_at DESC, rowid DESC LIMIT 1`,
      editor,
      target,
      now - DRAFT_MAX_AGE_MS,
    )
    .toArray()[0]
  return row ? toDraft(row) : null
}

/** Starts a draft of `target` for `editor`; the number and age bounds hold once it is saved. */
export function startDraft(
  sql: SqlStorage,
  editor: string,
  start: { target: string; base: string; text: string; note: string },
  now: number,
): ConsoleDraft {
  const id = newId()
  sql.exec(
    `INSERT INTO drafts (id, editor, target, base, text, note, effective, saved_at)
     VALUES (?, ?, ?, ?, ?, ?, '', ?)`,
    id,
    editor,
    start.target,
    start.base,
    start.text,
    start.note,
    now,
  )
  prune(sql, editor, now)
  return draft(sql, editor, id, now) as ConsoleDraft
}

/** Saves a change to the editor's own draft; null when there is no such draft of theirs. */
export function changeDraft(
  sql: SqlStorage,
  editor: string,
  id: string,
  change: DraftChange,
  now: number,
): ConsoleDraft | null {
  const found = draft(sql, editor, id, now)
  if (!found) return null
  const next = { ...found, ...change }
  sql.exec(
    `UPDATE drafts SET base = ?, text = ?, note = ?, effective = ?, problem = ?, earlier = ?, outcome = ?,
       saved_at = ? WHERE id = ? AND editor = ?`,
    next.base,
    next.text,
    next.note,
    next.effective,
    next.problem,
    next.earlier,
    next.outcome === null ? null : JSON.stringify(next.outcome),
    now,
    id,
    editor,
  )
  prune(sql, editor, now)
  return draft(sql, editor, id, now)
}

/** Removes the editor's own draft; false when there was none. */
export function discardDraft(sql: SqlStorage, editor: string, id: string): boolean {
  return sql.exec('DELETE FROM drafts WHERE id = ? AND editor = ?', id, editor).rowsWritten > 0
}
