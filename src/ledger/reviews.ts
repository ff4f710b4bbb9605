// Reviews of the article's own words: a reviewer's attestation of the words a page serves now, appended and chained
// in one step with the KV write that tells pages of it; the write retried by the alarm until KV takes it, then the
// page purged from the edge. Every read here is one indexed row (or one page of rows) per page of the site.
import { pageTag, sha256Hex } from '../core/keys.ts'
import { signMetadata } from '../core/kv-contract.ts'
import type { Page } from '../core/ledger-types.ts'
import { reviewDueAt, reviewReminderAt } from '../core/review-rules.ts'
import type { PageReviewState, ReviewRecord, ReviewResult, ReviewStatus } from '../core/review-types.ts'
import { reviewKey, reviewValue } from '../core/reviews.ts'
import { SITE_PAGES, type SitePage, sitePage } from '../core/site-map.ts'
import { dateInZone, siteZone } from '../core/time.ts'
import { printable, validateField } from '../core/validate.ts'
import { checkpointOf } from './chaining.ts'
import { fail, type LedgerContext, retryDelay } from './context.ts'
import { leafOf } from './log-tree.ts'
import { WRITE_RETRY_DELAYS_MS } from './outbox.ts'
import { enqueuePurges } from './purges.ts'
import { pageOf, pageSize } from './queries.ts'
import { isEditor, unknownEditor } from './requests.ts'
import { reviewerOf, whoCanApprove } from './reviewer-rule.ts'

/** A review as stored: its due time as `due_at`; every other column as the record names it. */
export type ReviewRow = Omit<ReviewRecord, 'dueAt'> & { due_at: string }

export function toReview(row: ReviewRow): ReviewRecord {
  const { due_at, ...rest } = row
  return { ...rest, dueAt: due_at }
}

export function review(sql: SqlStorage, id: number): ReviewRecord | null {
  const row = sql.exec<ReviewRow>('SELECT * FROM reviews WHERE id = ?', id).toArray()[0]
  return row ? toReview(row) : null
}

/** The page's newest review; with `hash`, its newest review of exactly those words. */
export function latestReview(sql: SqlStorage, page: string, hash?: string): ReviewRecord | null {
  const row = (
    hash === undefined
      ? sql.exec<ReviewRow>('SELECT * FROM reviews WHERE page = ? ORDER BY id DESC LIMIT 1', page)
      : sql.exec<ReviewRow>('SELECT * FROM reviews WHERE page = ? AND hash = ? ORDER BY id DESC LIMIT 1', page, hash)
  ).toArray()[0]
  return row ? toReview(row) : null
}

/** A page's reviews, newest first, a page of them at a time. */
export function reviewsOf(sql: SqlStorage, page: string, { before, limit }: Page = {}) {
  const size = pageSize(limit)
  const rows = sql
    .exec<ReviewRow>(
      'SELECT * FROM reviews WHERE page = ? AND id < ? ORDER BY id DESC LIMIT ?',
      page,
      before ?? Number.MAX_SAFE_INTEGER,
      size + 1,
    )
    .toArray()
  const { page: found, next } = pageOf(rows, size, (row) => row.id)
  return { reviews: found.map(toReview), next }
}

/** The page's latest serving: which words it serves, and since when (as the ledger first saw them served). */
export function lastServing(sql: SqlStorage, page: string): { hash: string; at: string } | null {
  return (
    sql
      .exec<{ hash: string; at: string }>(
        'SELECT hash, at FROM page_servings WHERE page = ? ORDER BY id DESC LIMIT 1',
        page,
      )
      .toArray()[0] ?? null
  )
}

/** Where a review of the words a page serves stands at `now`. */
export function statusOf(
  ledger: Pick<LedgerContext, 'reviewRules'>,
  current: ReviewRecord | null,
  last: ReviewRecord | null,
  now: number,
): ReviewStatus {
  if (!current) return last ? 'lapsed' : 'never_reviewed'
  const due = Date.parse(current.dueAt)
  if (now >= due) return 'overdue'
  return now >= reviewReminderAt(due, ledger.reviewRules) ? 'due_soon' : 'reviewed'
}

/** Where a page's review stands: the words this deploy serves, reviewed or not, and when it falls due. */
export function reviewState(
  ledger: Pick<LedgerContext, 'sql' | 'reviewRules'>,
  page: SitePage,
  now: number,
): PageReviewState {
  const current = latestReview(ledger.sql, page.slug, page.hash)
  const last = current ?? latestReview(ledger.sql, page.slug)
  const serving = lastServing(ledger.sql, page.slug)
  return {
    page: page.slug,
    hash: page.hash,
    servedSince: serving?.hash === page.hash ? serving.at : null,
    status: statusOf(ledger, current, last, now),
    review: current,
    lastReview: last,
  }
}

/** Every page's review state, in the site map's order. */
export function reviewStates(ledger: Pick<LedgerContext, 'sql' | 'reviewRules'>, now: number): PageReviewState[] {
  return SITE_PAGES.map((page) => reviewState(ledger, page, now))
}

export interface Attestation {
  page: string
  /** The content hash the reviewer read: it must be the words the page serves now. */
  hash: string
  by: string
  note?: string
}

/**
 * Records a reviewer's "I reviewed this page as it reads now" and queues the KV write that tells pages. Refused for a
 * page the site does not have, an editor who is not a reviewer, and words the page no longer serves.
 */
export function attest(ledger: LedgerContext, request: Attestation): ReviewResult {
  const page = sitePage(request.page)
  if (!page) {
    const pages = SITE_PAGES.map((entry) => entry.slug).join(', ')
    return fail('unknown_page', `there is no page "${printable(request.page)}"; use one of: ${pages}`)
  }
  if (!isEditor(ledger.env, request.by)) return unknownEditor(request.by)
  const reviewer = reviewerOf(ledger.env, request.by)
  if (!reviewer) {
    return fail(
      'reviewer_required',
      `only a reviewer may attest that a page was reviewed, and ${printable(request.by)} is not one; ${whoCanApprove(ledger.env, 'review')}`,
    )
  }
  if (request.hash !== page.hash) {
    return fail(
      'words_changed',
      `${page.slug} does not serve the words of content hash ${printable(request.hash)}: it serves ${page.hash} now. Nothing was recorded: read the page as it reads now, and review those words`,
    )
  }
  const note = validateField(request.note ?? '', 'note')
  if (!note.ok) return fail('invalid_text', note.reason, { field: 'note' })
  const now = ledger.now()
  return ledger.transact(() => {
    const { id } = ledger.sql
      .exec<{ id: number }>(
        `INSERT INTO reviews (page, hash, reviewer, name, credentials, note, at, due_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        page.slug,
        page.hash,
        reviewer.editor,
        reviewer.name,
        reviewer.credentials,
        note.value || null,
        new Date(now).toISOString(),
        new Date(reviewDueAt(now, ledger.reviewRules)).toISOString(),
      )
      .one()
    const due = reviewDueAt(now, ledger.reviewRules)
    for (const [kind, at] of [
      ['review_due_soon', reviewReminderAt(due, ledger.reviewRules)],
      ['review_overdue', due],
    ] as const) {
      ledger.sql.exec('INSERT INTO review_reminders (review_id, kind, due) VALUES (?, ?, ?)', id, kind, at)
    }
    ledger.sql.exec(
      `INSERT INTO review_writes (page, review_id, attempts, last_error, next_at) VALUES (?1, ?2, 0, NULL, ?3)
       ON CONFLICT (page) DO UPDATE SET review_id = ?2, attempts = 0, last_error = NULL, next_at = ?3`,
      page.slug,
      id,
      now + (WRITE_RETRY_DELAYS_MS[0] as number),
    )
    ledger.arm()
    return { ok: true as const, review: review(ledger.sql, id) as ReviewRecord }
  })
}

/** The KV value and signed metadata pages read for a review (core/reviews.ts, core/kv-contract.ts). */
export async function reviewEntry(ledger: Pick<LedgerContext, 'sql' | 'env'>, found: ReviewRecord) {
  const date = dateInZone(Date.parse(found.at), siteZone(ledger.env.SITE_TIME_ZONE))
  const { page, hash, name, credentials, at } = found
  const value = reviewValue({ page, hash, name, credentials, at, date })
  const chain = checkpointOf(ledger.sql, 'reviews', found.id)?.hash ?? null
  const metadata = await signMetadata(ledger.env.LEDGER_SECRET, {
    key: reviewKey(page),
    seq: found.id,
    sha256: await sha256Hex(value),
    chain,
    log: leafOf(ledger.sql, 'reviews', found.id),
  })
  return { value, metadata }
}

// One write per page at a time, so an older review's put never lands after a newer one's.
const flushing = new Map<string, Promise<void>>()

/** Writes the page's newest review to KV (after any write of it under way); a failure is retried by the alarm. */
export function flushReview(ledger: LedgerContext, page: string): Promise<void> {
  const next = (flushing.get(page) ?? Promise.resolve()).then(() => flushNow(ledger, page))
  flushing.set(
    page,
    next.catch(() => {}),
  )
  return next
}

async function flushNow(ledger: LedgerContext, page: string): Promise<void> {
  const job = ledger.sql
    .exec<{ review_id: number; attempts: number }>('SELECT review_id, attempts FROM review_writes WHERE page = ?', page)
    .toArray()[0]
  if (!job) return
  const { value, metadata } = await reviewEntry(ledger, review(ledger.sql, job.review_id) as ReviewRecord)
  let error: string | undefined
  try {
    await ledger.kv.put(reviewKey(page), value, { metadata })
  } catch (thrown) {
    error = thrown instanceof Error ? thrown.message : String(thrown)
  }
  const now = ledger.now()
  ledger.transact(() => {
    if (error !== undefined) {
      ledger.sql.exec(
        'UPDATE review_writes SET attempts = attempts + 1, last_error = ?, next_at = ? WHERE page = ? AND review_id = ?',
        error,
        now + retryDelay(WRITE_RETRY_DELAYS_MS, job.attempts),
        page,
        job.review_id,
      )
    } else if (
      ledger.sql.exec('DELETE FROM review_writes WHERE page = ? AND review_id = ?', page, job.review_id).rowsWritten > 0
    ) {
      // The alarm set below runs the purge at once: the page stops serving a copy without the review.
      enqueuePurges(ledger.sql, [pageTag(page)], now)
    }
    ledger.arm()
  })
  if (error !== undefined) console.warn('ledger: KV refused a review; retrying', { page, reason: error })
}

/** At most this many reminders are sent per alarm; the rest are due at once after. */
export const REMINDERS_PER_ALARM = 10

export function nextReminderAt(sql: SqlStorage): number | null {
  return sql.exec<{ next: number | null }>('SELECT MIN(due) AS next FROM review_reminders').one().next
}

/**
 * Tells the reviewers of each review that falls due soon or is overdue (the operators too), while it is still the
 * page's newest review and of the words the page serves; a reminder of one superseded or lapsed is dropped.
 */
export function sendDueReminders(ledger: LedgerContext): void {
  const now = ledger.now()
  ledger.transact(() => {
    const due = ledger.sql
      .exec<{ review_id: number; kind: 'review_due_soon' | 'review_overdue' }>(
        'SELECT review_id, kind FROM review_reminders WHERE due <= ? ORDER BY due LIMIT ?',
        now,
        REMINDERS_PER_ALARM,
      )
      .toArray()
    for (const { review_id, kind } of due) {
      ledger.sql.exec('DELETE FROM review_reminders WHERE review_id = ? AND kind = ?', review_id, kind)
      const found = review(ledger.sql, review_id) as ReviewRecord
      const newest = latestReview(ledger.sql, found.page)
      const serving = lastServing(ledger.sql, found.page)
      if (newest?.id !== found.id || (serving && serving.hash !== found.hash)) continue
      const { page, hash, name, credentials, at: reviewedAt, dueAt } = found
      ledger.tell({ kind, detail: { page, hash, name, credentials, reviewedAt, dueAt } }, now)
    }
  })
}
