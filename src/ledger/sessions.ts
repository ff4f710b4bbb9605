// Console sessions end server-side: signing out sets the editor's cut-off, and a session issued before it is refused.

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
