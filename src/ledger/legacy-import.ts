// The one-time import of the pre-ledger history (`history/<key>/<time>-<id>` KV entries, read by legacy-read.ts),
// run by the cron a bounded batch per run and recorded as done once every key is in; the old keys are left as they
// are. Between runs the import keeps its place, and a key part-imported is left alone by the side-door check.
import type { ImportRecord } from '../core/ledger-types.ts'
import { TARGET_KEYS } from '../core/site-map.ts'
import { printable, validateDisclaimer } from '../core/validate.ts'
import { insertVersion } from './append.ts'
import { type LedgerContext, THE_LEDGER } from './context.ts'
import { LEGACY_START, type LegacyCursor, type LegacyRow, readLegacyBatch } from './legacy-read.ts'

export { type LegacyRow, readLegacyHistory } from './legacy-read.ts'

/** KV requests one cron run spends on the import at most; a longer history goes on at the next run. */
export const LEGACY_READS_PER_RUN = 400

export function importRecord(sql: SqlStorage): ImportRecord | null {
  const row = sql
    .exec<{ at: string; by: string; imported: number; problems: string }>('SELECT * FROM imports ORDER BY id LIMIT 1')
    .toArray()[0]
  return row ? { at: row.at, by: row.by, imported: row.imported, problems: JSON.parse(row.problems) } : null
}

/**
 * Records part of a key's history, in order, as `import` versions; answers the problems found. Times from KV are
 * clamped: never after `now` or after the key's first version in the ledger, and never before the entry imported
 * ahead of them (the key's latest import so far).
 */
export function recordImportRows(sql: SqlStorage, key: string, rows: LegacyRow[], now: number): string[] {
  const { first, latest } = sql
    .exec<{ first: string | null; latest: string | null }>(
      `SELECT (SELECT MIN(at) FROM versions WHERE key = ?1 AND how <> 'import') AS first,
         (SELECT MAX(at) FROM versions WHERE key = ?1 AND how = 'import') AS latest`,
      key,
    )
    .one()
  const ceiling = Math.min(now, first === null ? now : Date.parse(first) - 1)
  let floor = latest === null ? 0 : Date.parse(latest)
  const problems: string[] = []
  for (const row of rows) {
    const read = row.at === null ? null : Date.parse(row.at)
    if (read === null) problems.push(`${printable(row.importId)}: no readable time; recorded at the entry before it`)
    else if (read > ceiling)
      problems.push(
        `${printable(row.importId)}: its time ${row.at} is later than the ledger's record; recorded as ${new Date(ceiling).toISOString()}`,
      )
    const at = Math.min(Math.max(read ?? floor, floor), ceiling)
    floor = at
    const checked = row.text === null ? undefined : validateDisclaimer(row.text)
    const text = checked?.ok ? checked.text : row.text
    const problem = checked?.ok ? null : (row.lost ?? checked?.reason ?? 'no text')
    if (row.lost) problems.push(`${printable(row.importId)}: ${row.lost}`)
    else if (checked && !checked.ok) problems.push(`${printable(row.importId)}: ${checked.reason}`)
    insertVersion(sql, {
      key,
      text,
      hash: row.hash,
      by: row.by,
      how: 'import',
      note: row.note,
      valid: checked?.ok === true,
      problem,
      importId: row.importId,
      now,
      at: new Date(at).toISOString(),
    })
  }
  return problems
}

function finishImport(sql: SqlStorage, by: string, imported: number, problems: string[], now: number): ImportRecord {
  sql.exec(
    'INSERT INTO imports (at, by, imported, problems) VALUES (?, ?, ?, ?)',
    new Date(now).toISOString(),
    by,
    imported,
    JSON.stringify(problems),
  )
  return importRecord(sql) as ImportRecord
}

/** Records a whole history read at once (`readLegacyHistory`) and marks the import done; a second call records nothing. */
export function recordImport(
  sql: SqlStorage,
  history: Map<string, LegacyRow[]>,
  by: string,
  now: number,
): ImportRecord {
  const done = importRecord(sql)
  if (done) return done
  const problems: string[] = []
  let imported = 0
  for (const [key, rows] of history) {
    problems.push(...recordImportRows(sql, key, rows, now))
    imported += rows.length
  }
  return finishImport(sql, by, imported, problems, now)
}

type Progress = { cursor: LegacyCursor; imported: number; problems: string[] }

function progressOf(sql: SqlStorage): Progress {
  const row = sql.exec<{ state: string }>('SELECT state FROM import_progress WHERE id = 1').toArray()[0]
  return row ? (JSON.parse(row.state) as Progress) : { cursor: LEGACY_START, imported: 0, problems: [] }
}

/**
 * The cron's first step: imports the old store's history if that was never done, at most LEGACY_READS_PER_RUN KV
 * requests' worth per run, each batch recorded with the place reached in one step. The run that ends it records the
 * import as done and reports its problems.
 */
export async function importOnce(ledger: LedgerContext): Promise<void> {
  const { sql } = ledger
  if (importRecord(sql)) return
  let budget = LEGACY_READS_PER_RUN
  let progress = progressOf(sql)
  while (budget > 0) {
    const batch = await readLegacyBatch(ledger.kv, TARGET_KEYS, progress.cursor, budget)
    budget -= Math.max(batch.reads, 1)
    const now = ledger.now()
    const record = ledger.transact(() => {
      const found = batch.key === undefined ? [] : recordImportRows(sql, batch.key, batch.rows, now)
      progress = {
        cursor: batch.cursor,
        imported: progress.imported + batch.rows.length,
        problems: [...progress.problems, ...found],
      }
      if (progress.cursor.key >= TARGET_KEYS.length) {
        sql.exec('DELETE FROM import_progress')
        const done = finishImport(sql, 'the cron', progress.imported, progress.problems, now)
        if (done.problems.length > 0) {
          const detail = { imported: done.imported, problems: done.problems }
          ledger.tell({ kind: 'import_problems', actor: THE_LEDGER, detail }, now)
        }
        return done
      }
      // The key part-imported, if any: the side-door check leaves it alone until its history is all in.
      const partKey = batch.keyDone || batch.rows.length === 0 ? null : (batch.key ?? null)
      sql.exec(
        `INSERT INTO import_progress (id, key, state) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET key = COALESCE(?1, CASE WHEN ?3 THEN NULL ELSE key END), state = ?2`,
        partKey,
        JSON.stringify(progress),
        batch.keyDone ? 1 : 0,
      )
      return undefined
    })
    if (record) {
      if (record.problems.length > 0) {
        console.error('ledger: the legacy import found problems', {
          imported: record.imported,
          problems: record.problems,
        })
      }
      return
    }
  }
}
