// The one-time import of the pre-ledger history: `history/<key>/<time>-<id>` KV entries, each holding the text a
// write replaced. Run once, by the cron, and recorded as done; the old keys are left as they are.

import { contentHash, LEGACY_HISTORY_PREFIX, legacyHistoryPrefix } from '../core/keys.ts'
import type { ImportRecord } from '../core/ledger-types.ts'
import { TARGET_KEYS } from '../core/site-map.ts'
import { printable, validateDisclaimer } from '../core/validate.ts'
import { insertVersion } from './append.ts'
import type { LedgerKV } from './context.ts'
import { type LedgerContext, THE_LEDGER } from './context.ts'

/** One entry of the old store, as the import will record it. */
export interface LegacyRow {
  importId: string
  text: string | null
  /** Of the text as the rule normalises it, which is how it is recorded. */
  hash: string | null
  /** The time the old store gave it, read as ISO 8601; null when none could be read. */
  at: string | null
  by: string
  note: string | null
  /** Why the row's text is not known, if it is not. */
  lost?: string
}

type LegacyMetadata = { at?: unknown; by?: unknown; action?: unknown; note?: unknown; version?: unknown }

/** The hash the pre-ledger store recorded for a text it wrote: that of the text as the rule normalises it. */
async function legacyHash(text: string): Promise<string> {
  const checked = validateDisclaimer(text)
  return contentHash(checked.ok ? checked.text : text)
}

function readTime(...candidates: unknown[]): string | null {
  for (const candidate of candidates) {
    const time = typeof candidate === 'string' ? Date.parse(candidate) : Number.NaN
    if (Number.isFinite(time)) return new Date(time).toISOString()
  }
  return null
}

async function listAll(kv: LedgerKV, prefix: string) {
  const keys: { name: string; metadata?: unknown }[] = []
  let cursor: string | undefined
  do {
    const page: KVNamespaceListResult<unknown, string> = await kv.list({ prefix, cursor })
    keys.push(...page.keys)
    cursor = page.list_complete ? undefined : page.cursor
  } while (cursor)
  return keys.filter((entry) => entry.name.startsWith(LEGACY_HISTORY_PREFIX))
}

/**
 * Reads the old store's history of each key: the text before its first recorded write, then the text each write
 * made (the next entry's replaced text, or KV's current one), checked against the hash the old store kept.
 */
export async function readLegacyHistory(kv: LedgerKV, keys: readonly string[]): Promise<Map<string, LegacyRow[]>> {
  const history = new Map<string, LegacyRow[]>()
  for (const key of keys) {
    const prefix = legacyHistoryPrefix(key)
    const entries = await listAll(kv, prefix)
    if (entries.length === 0) continue
    entries.sort((a, b) => a.name.localeCompare(b.name))
    const texts = await Promise.all(entries.map((entry) => kv.get(entry.name, 'text')))
    const currentText = await kv.get(key, 'text')
    const rows: LegacyRow[] = []
    const first = texts[0]
    if (first) {
      rows.push({
        importId: `${prefix}#before`,
        text: first,
        hash: await legacyHash(first),
        at: new Date(0).toISOString(),
        by: 'legacy:unknown',
        note: 'the text before the first recorded write; when it was set is not known',
      })
    }
    for (const [index, entry] of entries.entries()) {
      const metadata = (entry.metadata ?? {}) as LegacyMetadata
      const next = (index + 1 < entries.length ? texts[index + 1] : currentText) ?? null
      // A text that no longer hashes to what the old store recorded was replaced without a history entry: what this
      // write made is lost, and only its hash is known.
      const lost =
        next !== null && typeof metadata.version === 'string' && (await legacyHash(next)) !== metadata.version
      const text = lost ? null : next
      rows.push({
        importId: entry.name,
        text,
        hash: text === null ? null : await legacyHash(text),
        at: readTime(metadata.at, entry.name.slice(prefix.length, prefix.length + 24)),
        by: `legacy:${printable(String(metadata.by ?? 'unknown')).slice(0, 80)}`,
        note:
          [metadata.action, metadata.note]
            .filter(Boolean)
            .map((part) => printable(String(part)))
            .join(': ') || null,
        ...(lost && {
          lost: `the text this write made is no longer in KV; only its hash, ${printable(String(metadata.version))}, is known`,
        }),
      })
    }
    history.set(key, rows)
  }
  return history
}

export function importRecord(sql: SqlStorage): ImportRecord | null {
  const row = sql
    .exec<{ at: string; by: string; imported: number; problems: string }>('SELECT * FROM imports ORDER BY id LIMIT 1')
    .toArray()[0]
  return row ? { at: row.at, by: row.by, imported: row.imported, problems: JSON.parse(row.problems) } : null
}

/**
 * Records the history read by `readLegacyHistory` as `import` versions and marks the import done, in one step; a
 * second call records nothing. Times from KV are clamped: never after the import itself or after the key's first
 * version in the ledger, and never before the entry imported ahead of them.
 */
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
    const { first } = sql
      .exec<{ first: string | null }>("SELECT MIN(at) AS first FROM versions WHERE key = ? AND how <> 'import'", key)
      .one()
    const ceiling = Math.min(now, first === null ? now : Date.parse(first) - 1)
    let floor = 0
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
      imported++
    }
  }
  sql.exec(
    'INSERT INTO imports (at, by, imported, problems) VALUES (?, ?, ?, ?)',
    new Date(now).toISOString(),
    by,
    imported,
    JSON.stringify(problems),
  )
  return importRecord(sql) as ImportRecord
}

/** The cron's first step: imports the old store's history if that was never done, and reports what it found. */
export async function importOnce(ledger: LedgerContext): Promise<void> {
  if (importRecord(ledger.sql)) return
  const history = await readLegacyHistory(ledger.kv, TARGET_KEYS)
  const now = ledger.now()
  const record = ledger.transact(() => {
    const recorded = recordImport(ledger.sql, history, 'the cron', now)
    if (recorded.problems.length > 0) {
      const detail = { imported: recorded.imported, problems: recorded.problems }
      ledger.tell({ kind: 'import_problems', actor: THE_LEDGER, detail }, now)
    }
    return recorded
  })
  if (record.problems.length > 0) {
    console.error('ledger: the legacy import found problems', { imported: record.imported, problems: record.problems })
  }
}
