// Console sessions end server-side: signing out sets the editor's cut-off, and a session issued before it is refused;
// so does any change in an editor's grant (first seen, removed, another token), for good.
import { EDITOR_NAME, type Grants } from '../core/editors.ts'

/** Every session `editor` was issued before `now` ends (their own sign-out, or an operator's). */
export function endSessions(sql: SqlStorage, editor: string, now: number): void {
  sql.exec(
    `INSERT INTO session_cutoffs (editor, not_before) VALUES (?1, ?2)
     ON CONFLICT (editor) DO UPDATE SET not_before = MAX(not_before, ?2)`,
    editor,
    now,
  )
}

/** Sessions of `editor` issued before this time (ms) are no longer valid; null when none was ended. */
export function sessionCutoff(sql: SqlStorage, editor: string): number | null {
  return (
    sql.exec<{ not_before: number }>('SELECT not_before FROM session_cutoffs WHERE editor = ?', editor).toArray()[0]
      ?.not_before ?? null
  )
}

/**
 * Compares the grants the Worker holds now (EDITORS: editor → fingerprint of their token) with those last seen. An
 * editor seen for the first time, removed, or holding another token has every session issued until `now` ended:
 * re-added later with the same token, their old sessions stay over.
 */
export function observeGrants(sql: SqlStorage, grants: Grants, now: number): void {
  const seen = new Set<string>()
  for (const { editor, fingerprint } of sql
    .exec<{ editor: string; fingerprint: string | null }>('SELECT editor, fingerprint FROM session_grants')
    .toArray()) {
    seen.add(editor)
    const current = Object.hasOwn(grants, editor) ? (grants[editor] as string) : null
    if (current === fingerprint) continue
    sql.exec('UPDATE session_grants SET fingerprint = ? WHERE editor = ?', current, editor)
    endSessions(sql, editor, now)
  }
  for (const [editor, fingerprint] of Object.entries(grants)) {
    if (seen.has(editor)) continue
    sql.exec('INSERT INTO session_grants (editor, fingerprint) VALUES (?, ?)', editor, fingerprint)
    endSessions(sql, editor, now)
  }
}

/** Grants as the Worker sends them: editor names and 16 hex digits, nothing else, so a bad call observes nothing. */
export function isGrants(value: unknown): value is Grants {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  return Object.entries(value).every(
    ([editor, fingerprint]) =>
      EDITOR_NAME.test(editor) && typeof fingerprint === 'string' && /^[0-9a-f]{16}$/.test(fingerprint),
  )
}
