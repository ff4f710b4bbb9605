// Purges of Cloudflare's cache in front of the Worker, as jobs: one when KV takes a version and one once every
// location's reads have caught up (staleness.ts). A purge that fails is retried like a KV write, never dropped.
import { SECOND_PURGE_AFTER_MS } from '../core/staleness.ts'
import { retryDelay } from './context.ts'

export const PURGE_RETRY_DELAYS_MS = [2_000, 10_000, 30_000, 60_000]
/** A purge that has failed this many times is reported to the operators (it keeps being retried). */
export const PURGE_ALERT_AFTER = 3

export interface PurgeJob {
  id: number
  tags: string[]
  due: number
  attempts: number
  lastError: string | null
}

type PurgeRow = { id: number; tags: string; due: number; attempts: number; last_error: string | null }

function toJob(row: PurgeRow): PurgeJob {
  return { id: row.id, tags: JSON.parse(row.tags), due: row.due, attempts: row.attempts, lastError: row.last_error }
}

/** Queues the two purges of `tags`: now, and once every location's reads have caught up. Returns the first's id. */
export function enqueuePurges(sql: SqlStorage, tags: readonly string[], now: number): number {
  const json = JSON.stringify(tags)
  const { id } = sql
    .exec<{ id: number }>('INSERT INTO purge_jobs (tags, due) VALUES (?, ?) RETURNING id', json, now)
    .one()
  sql.exec('INSERT INTO purge_jobs (tags, due) VALUES (?, ?)', json, now + SECOND_PURGE_AFTER_MS)
  return id
}

export function purgeJob(sql: SqlStorage, id: number): PurgeJob | undefined {
  const row = sql.exec<PurgeRow>('SELECT * FROM purge_jobs WHERE id = ?', id).toArray()[0]
  return row && toJob(row)
}

/** At most this many purges per alarm, soonest due first; the rest are due at once after it. */
export const PURGES_PER_ALARM = 25

export function duePurges(sql: SqlStorage, now: number, limit = PURGES_PER_ALARM): PurgeJob[] {
  return sql
    .exec<PurgeRow>('SELECT * FROM purge_jobs WHERE due <= ? ORDER BY due, id LIMIT ?', now, limit)
    .toArray()
    .map(toJob)
}

/** Every purge still to do, failing ones first. */
export function pendingPurges(sql: SqlStorage): PurgeJob[] {
  return sql.exec<PurgeRow>('SELECT * FROM purge_jobs ORDER BY attempts DESC, due').toArray().map(toJob)
}

export function nextPurgeAt(sql: SqlStorage): number | null {
  return sql.exec<{ next: number | null }>('SELECT MIN(due) AS next FROM purge_jobs').one().next
}

export function purgeDone(sql: SqlStorage, id: number): void {
  sql.exec('DELETE FROM purge_jobs WHERE id = ?', id)
}

/** Counts a failed attempt and reschedules it; returns the attempts so far. */
export function purgeFailed(sql: SqlStorage, id: number, reason: string, now: number): number {
  const job = purgeJob(sql, id)
  const attempts = (job?.attempts ?? 0) + 1
  const delay = retryDelay(PURGE_RETRY_DELAYS_MS, attempts - 1)
  sql.exec(
    'UPDATE purge_jobs SET attempts = ?, last_error = ?, due = ? WHERE id = ?',
    attempts,
    reason,
    now + delay,
    id,
  )
  return attempts
}
