// "What was live at T", said as pages showed it: a version's text, the bundled default where that version's text
// could not show (or KV held none), no note for a page without a default, and what the record cannot know.
import { DEFAULT_DISCLAIMERS } from '../core/defaults.ts'
import type { LedgerVersion, ShownAt } from '../core/ledger-types.ts'
import { printable } from '../core/validate.ts'
import { versionAt } from './queries.ts'
import { toVersion, VERSION_SELECT, type VersionRow } from './rows.ts'

/** What pages showed in place of a text they could not show: the bundled default, or no note. */
function fallback(key: string, version: LedgerVersion | null, why: string): ShownAt {
  const bundled = DEFAULT_DISCLAIMERS.get(key)
  if (!bundled) return { shows: 'none', version, text: null, reason: `${why}: the page showed no note` }
  return { shows: 'default', version, text: bundled.text, reason: `${why}: pages showed the bundled default` }
}

function name(version: LedgerVersion): string {
  if (version.how === 'external') return `v${version.version} (changed outside the ledger)`
  if (version.how === 'import') return `v${version.version} (the old store's history)`
  return `v${version.version} (${version.how} by ${version.by})`
}

/** What pages showed while `version` was what KV held: its text, unless it had none pages could show. */
function fromVersion(key: string, version: LedgerVersion, why: string): ShownAt {
  if (version.text === null) return fallback(key, version, `${name(version)}: the key was deleted from KV`)
  if (!version.valid) {
    return fallback(key, version, `${name(version)} breaks the rule (${printable(version.problem ?? 'invalid')})`)
  }
  return { shows: 'version', version, text: version.text, reason: `${name(version)} ${why}` }
}

/** The key's row right after `version` in the order "live at" reads them (time, then row), if any. */
function rowAfter(sql: SqlStorage, version: LedgerVersion): LedgerVersion | null {
  const row = sql
    .exec<VersionRow>(
      `${VERSION_SELECT} WHERE v.key = ?1 AND (v.at > ?2 OR (v.at = ?2 AND v.seq > ?3)) ORDER BY v.at, v.seq LIMIT 1`,
      version.key,
      version.at,
      version.version,
    )
    .toArray()[0]
  return row ? toVersion(row) : null
}

/** The key's first row by time, if any. */
function firstRow(sql: SqlStorage, key: string): LedgerVersion | null {
  const row = sql.exec<VersionRow>(`${VERSION_SELECT} WHERE v.key = ? ORDER BY v.at, v.seq LIMIT 1`, key).toArray()[0]
  return row ? toVersion(row) : null
}

function importedAt(sql: SqlStorage): string | null {
  return sql.exec<{ at: string }>('SELECT at FROM imports ORDER BY id LIMIT 1').toArray()[0]?.at ?? null
}

/**
 * What pages showed for `key` at `at` (ISO 8601). From the ledger's first look at the key on, the version live then
 * (versionAt). Before it, the old store's history where it holds the text, never the text of its last write when
 * that was read from KV after the ledger had written the key (it is then the ledger's text, not that write's); with
 * no history, the text the ledger found in KV on its first look, or (if its first row was its own write, made where
 * KV held nothing) the bundled default. Imports are clamped before the ledger's first row, so every step reads a
 * row or two (the first-row lookup passes the key's imports, a number fixed once).
 */
export function shownAt(sql: SqlStorage, key: string, at: string): ShownAt {
  const live = versionAt(sql, key, at)
  if (live && live.how !== 'import') return fromVersion(key, live, 'was live')
  if (live) {
    const next = rowAfter(sql, live)
    const ledgerFirst = next && next.how !== 'import' ? next : null
    const importAt = importedAt(sql)
    const readLate = ledgerFirst !== null && importAt !== null && importAt > ledgerFirst.at
    if (readLate && !(ledgerFirst.how === 'external' && ledgerFirst.text === live.text)) {
      return {
        shows: 'unknown',
        version: live,
        text: null,
        reason: `${name(live)} is the old store's last write, imported after the ledger had changed this disclaimer, so its text was read from KV too late: what pages showed then is not known`,
      }
    }
    if (live.text === null) {
      return {
        shows: 'unknown',
        version: live,
        text: null,
        reason: `${name(live)}: ${printable(live.problem ?? 'its text was not kept')}; what pages showed then is not known`,
      }
    }
    return fromVersion(key, live, 'was live, by the old store\u2019s history')
  }
  const first = firstRow(sql, key)
  if (first?.how === 'external') {
    return fromVersion(
      key,
      first,
      `is what KV held when the ledger first read it, at ${first.at}; the ledger has no record of it before then`,
    )
  }
  return fallback(key, null, 'KV held no text the ledger knows of then')
}
