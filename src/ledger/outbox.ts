// The outbox: each key's newest accepted version until KV holds it. A failed write stays and is retried on a
// growing delay by the object's alarm, so an accepted version always lands.
import { sha256Hex } from '../core/keys.ts'
import { type LedgerMetadata, signMetadata } from '../core/kv-contract.ts'
import type { LedgerVersion } from '../core/ledger-types.ts'
import { insertLanding } from './append.ts'
import type { LedgerKV } from './context.ts'
import { retryDelay } from './context.ts'
import { version } from './queries.ts'

export const WRITE_RETRY_DELAYS_MS = [1_000, 2_000, 5_000, 15_000, 60_000]

/**
 * Queues `seq` as the key's write, replacing an older one not yet written (only the newest text need reach KV).
 * Due one retry delay from now: the caller writes at once, and the alarm set in the same step is the safety net
 * should the object stop before that write answers.
 */
export function enqueueWrite(sql: SqlStorage, key: string, seq: number, now: number): void {
  // A newer version replacing one KV has not taken keeps the time the key started waiting.
  sql.exec(
    `INSERT INTO outbox (key, seq, attempts, last_error, next_at, queued_at) VALUES (?1, ?2, 0, NULL, ?3, ?4)
     ON CONFLICT (key) DO UPDATE SET seq = ?2, attempts = 0, last_error = NULL, next_at = ?3`,
    key,
    seq,
    now + (WRITE_RETRY_DELAYS_MS[0] as number),
    now,
  )
}

/** A KV write still waiting this long is reported to the operators, once. */
export const STUCK_WRITE_MS = 5 * 60_000

/** Writes waiting longer than STUCK_WRITE_MS that nobody was told of yet; each is marked as told. */
export function takeStuckWrites(
  sql: SqlStorage,
  now: number,
): { key: string; seq: number; attempts: number; lastError: string | null; minutes: number }[] {
  const stuck = sql
    .exec<{ key: string; seq: number; attempts: number; last_error: string | null; queued_at: number }>(
      'SELECT key, seq, attempts, last_error, queued_at FROM outbox WHERE alerted = 0 AND queued_at <= ?',
      now - STUCK_WRITE_MS,
    )
    .toArray()
  for (const row of stuck) sql.exec('UPDATE outbox SET alerted = 1 WHERE key = ?', row.key)
  return stuck.map((row) => ({
    key: row.key,
    seq: row.seq,
    attempts: row.attempts,
    lastError: row.last_error,
    minutes: Math.floor((now - row.queued_at) / 60_000),
  }))
}

export function writeJob(sql: SqlStorage, key: string): { seq: number; attempts: number } | undefined {
  return sql.exec<{ seq: number; attempts: number }>('SELECT seq, attempts FROM outbox WHERE key = ?', key).toArray()[0]
}

/** The queues of KV writes the alarm retries, each with what a job writes: versions by key, reviews by page. */
const WRITE_QUEUES = { outbox: 'key', review_writes: 'page' } as const

/** What the queue's jobs due by `now` write (keys, or pages), in that order. */
export function dueWrites(sql: SqlStorage, queue: keyof typeof WRITE_QUEUES, now: number): string[] {
  const target = WRITE_QUEUES[queue]
  return sql
    .exec<{ target: string }>(`SELECT ${target} AS target FROM ${queue} WHERE next_at <= ? ORDER BY ${target}`, now)
    .toArray()
    .map((row) => row.target)
}

export function nextWriteAt(sql: SqlStorage, queue: keyof typeof WRITE_QUEUES): number | null {
  return sql.exec<{ next: number | null }>(`SELECT MIN(next_at) AS next FROM ${queue}`).one().next
}

/**
 * The value and metadata KV is given for a version: the metadata names the ledger row, signed under `secret`
 * (LEDGER_SECRET), so pages can cite it and nobody without the secret can make it name another text.
 */
export async function kvEntry(
  sql: SqlStorage,
  seq: number,
  secret: string | undefined,
): Promise<{ version: LedgerVersion; metadata: LedgerMetadata }> {
  const row = version(sql, seq) as LedgerVersion
  const sha256 = await sha256Hex(row.text as string)
  const metadata = await signMetadata(secret, {
    key: row.key,
    seq: row.version,
    sha256,
    chain: row.chain,
    log: row.log,
  })
  return { version: row, metadata }
}

/** Drops a queued write that must not go ahead (it is looked at again by the next cron run). */
export function dropWrite(sql: SqlStorage, key: string, seq: number): void {
  sql.exec('DELETE FROM outbox WHERE key = ? AND seq = ?', key, seq)
}

/** After a failed put: counts the attempt and says when the next is due. */
export function writeFailed(sql: SqlStorage, key: string, seq: number, reason: string, now: number): number {
  const job = writeJob(sql, key)
  const delay = retryDelay(WRITE_RETRY_DELAYS_MS, job?.attempts ?? 0)
  sql.exec(
    'UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_at = ? WHERE key = ? AND seq = ?',
    reason,
    now + delay,
    key,
    seq,
  )
  return now + delay
}

/**
 * After KV took version `seq`: records the landing, and clears the key's job unless a newer version replaced it
 * meanwhile. True when `seq` is still the newest, so its pages are to be purged.
 */
export function writeLanded(sql: SqlStorage, key: string, seq: number, now: number): boolean {
  insertLanding(sql, seq, now)
  return sql.exec('DELETE FROM outbox WHERE key = ? AND seq = ?', key, seq).rowsWritten > 0
}

/** Puts one version into KV; the error's message when KV refused it. */
export async function putVersion(kv: LedgerKV, key: string, text: string, metadata: LedgerMetadata) {
  try {
    await kv.put(key, text, { metadata })
    return undefined
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}
