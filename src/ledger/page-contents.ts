// What each page said: the cron reports the content hash of every page its deploy serves; the ledger records each
// distinct content once (its words, checked against the hash) and each time a page started serving other words, and
// a page whose reviewed words changed lapses: its reviewers are told. Each read is one indexed row per page.
import { pageHash } from '../core/article/page-hash.ts'
import type { PageWords } from '../core/article/words.ts'
import { GLOBAL_TARGET } from '../core/keys.ts'
import type { PageAt, PageContentRecord } from '../core/review-types.ts'
import type { SitePage } from '../core/site-map.ts'
import { printable } from '../core/validate.ts'
import type { LedgerContext } from './context.ts'
import { knownKeyOf } from './requests.ts'
import { lastServing, latestReview, type ReviewRow, toReview } from './reviews.ts'
import { shownAt } from './shown-at.ts'

/** What a deploy serves on one page: its content hash, and its words when the ledger asked for them. */
export interface ServedPage {
  page: string
  hash: string
  words?: PageWords
}

export interface PagesReport {
  pages: ServedPage[]
  /** The Worker version serving them (the version metadata binding), where there is one. */
  workerVersion?: string | null
}

/** The most pages one report may name: a site has a handful; a report is never a way to write rows in bulk. */
export const MAX_REPORTED_PAGES = 50
const SLUG = /^[a-z0-9][a-z0-9-]{0,79}$/
const HASH = /^[0-9a-f]{64}$/

type ContentRow = { id: number; page: string; hash: string; words: string; at: string; worker_version: string | null }

export function toContent(row: ContentRow): PageContentRecord {
  return {
    page: row.page,
    hash: row.hash,
    words: JSON.parse(row.words),
    firstServedAt: row.at,
    workerVersion: row.worker_version,
  }
}

export function content(sql: SqlStorage, page: string, hash: string): PageContentRecord | null {
  const row = sql.exec<ContentRow>('SELECT * FROM page_contents WHERE page = ? AND hash = ?', page, hash).toArray()[0]
  return row ? toContent(row) : null
}

/** The serving in force at `at` (ISO 8601 UTC): the latest that began by then. */
export function servingAt(sql: SqlStorage, page: string, at: string): { hash: string; at: string } | null {
  return (
    sql
      .exec<{ hash: string; at: string }>(
        'SELECT hash, at FROM page_servings WHERE page = ? AND at <= ? ORDER BY at DESC, id DESC LIMIT 1',
        page,
        at,
      )
      .toArray()[0] ?? null
  )
}

/**
 * Records what a deploy serves: for each page whose words differ from the last recorded, a serving, and the content
 * if it is new (which needs its words: pages whose words the ledger lacks are answered in `needWords`, for the cron to
 * send). Words that do not hash to the hash given are refused. A page with a review of other words lapses: its
 * reviewers are told, in the step that records it.
 */
export async function observePages(
  ledger: LedgerContext,
  report: PagesReport,
): Promise<{ recorded: string[]; needWords: string[]; refused: string[] }> {
  const pages = Array.isArray(report.pages) ? report.pages.slice(0, MAX_REPORTED_PAGES) : []
  const workerVersion = typeof report.workerVersion === 'string' ? report.workerVersion.slice(0, 100) : null
  const needWords: string[] = []
  const refused: string[] = []
  const checked: ServedPage[] = []
  for (const served of pages) {
    if (typeof served?.page !== 'string' || !SLUG.test(served.page) || !HASH.test(String(served.hash))) {
      refused.push(printable(String(served?.page)))
      continue
    }
    if (lastServing(ledger.sql, served.page)?.hash === served.hash) continue
    if (content(ledger.sql, served.page, served.hash)) {
      checked.push({ page: served.page, hash: served.hash })
    } else if (!served.words) {
      needWords.push(served.page)
    } else if ((await pageHash(served.words)) !== served.hash) {
      refused.push(served.page)
    } else {
      checked.push(served)
    }
  }
  if (refused.length > 0) console.error('ledger: a page report was refused in part', { pages: refused })
  const now = ledger.now()
  const at = new Date(now).toISOString()
  const recorded = ledger.transact(() =>
    checked.flatMap((served) => {
      // Another report may have recorded it meanwhile.
      if (lastServing(ledger.sql, served.page)?.hash === served.hash) return []
      if (served.words && !content(ledger.sql, served.page, served.hash)) {
        ledger.sql.exec(
          'INSERT INTO page_contents (page, hash, words, at, worker_version) VALUES (?, ?, ?, ?, ?)',
          served.page,
          served.hash,
          JSON.stringify(served.words),
          at,
          workerVersion,
        )
      }
      ledger.sql.exec(
        'INSERT INTO page_servings (page, hash, at, worker_version) VALUES (?, ?, ?, ?)',
        served.page,
        served.hash,
        at,
        workerVersion,
      )
      const reviewed = latestReview(ledger.sql, served.page)
      if (reviewed && reviewed.hash !== served.hash) {
        const { name, credentials, at: reviewedAt, dueAt, hash: reviewedHash } = reviewed
        const detail = { page: served.page, hash: served.hash, reviewedHash, name, credentials, reviewedAt, dueAt }
        ledger.tell({ kind: 'review_lapsed', detail: { ...detail, workerVersion } }, now)
      }
      return [served.page]
    }),
  )
  return { recorded, needWords, refused }
}

/**
 * What a page said at `at` (ISO 8601 UTC): the words it served then (null before the ledger first recorded its
 * words), each disclaimer it showed (the version live then, if pages showed one), and the newest review of exactly
 * those words made by then.
 */
export function pageAt(sql: SqlStorage, page: SitePage, at: string): PageAt {
  const serving = servingAt(sql, page.slug, at)
  const found = serving && content(sql, page.slug, serving.hash)
  const disclaimers = [GLOBAL_TARGET, ...page.notes].map((target) => {
    const shown = shownAt(sql, knownKeyOf(target) ?? '', at)
    return { target, ...shown, version: shown.shows === 'version' ? shown.version : null }
  })
  const row =
    serving &&
    sql
      .exec<ReviewRow>(
        'SELECT * FROM reviews WHERE page = ? AND hash = ? AND at <= ? ORDER BY id DESC LIMIT 1',
        page.slug,
        serving.hash,
        at,
      )
      .toArray()[0]
  return {
    page: page.slug,
    at,
    content: found ? { ...found, servedFrom: (serving as { at: string }).at } : null,
    disclaimers,
    review: row ? toReview(row) : null,
  }
}
