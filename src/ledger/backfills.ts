// Long work over the existing record (a migration's backfill), done a bounded step at a time by the object's alarm,
// so no start and no step is long and the object keeps answering between steps. A migration that needs one adds its
// row to `backfills`, in the migration itself; the step that does its work is named here.
import { chainBacklog } from './chaining.ts'
import { logBackfillStep } from './log-tree.ts'
import { CHAIN_BACKLOG, LOG_BACKLOG } from './migrations.ts'

/** Rows of work one step does at most: a few hundred milliseconds of chaining at the most. */
export const BACKFILL_ROWS_PER_STEP = 500

/**
 * Does at most `budget` rows of work from `cursor` (the backfill's own bookmark, as it stored it); answers the next
 * cursor, or null once there is nothing left. Runs inside the transaction that records the new cursor.
 */
type Step = (sql: SqlStorage, cursor: string, budget: number) => string | null

const STEPS: Record<string, Step> = {
  // The cursor is the last queue entry of the backlog; the step takes the oldest entries left up to it.
  [CHAIN_BACKLOG]: (sql, cursor, budget) => (chainBacklog(sql, Number(cursor), budget) < budget ? null : cursor),
  // The tree's size is its own bookmark: the step appends the next rows of the chain.
  [LOG_BACKLOG]: (sql, cursor, budget) => (logBackfillStep(sql, budget) ? null : cursor),
}

/** True while a backfill has work left: the alarm is then due at once. */
export function backfillWaiting(sql: SqlStorage): boolean {
  return sql.exec('SELECT 1 FROM backfills WHERE done_at IS NULL LIMIT 1').toArray().length > 0
}

/**
 * One bounded step of the oldest backfill with work left, recorded with its new cursor; run inside one transaction,
 * so a step is done and recorded or not at all. Answers what it did, or undefined when nothing waits.
 */
export function backfillStep(
  sql: SqlStorage,
  now: number,
  budget = BACKFILL_ROWS_PER_STEP,
): { name: string; done: boolean } | undefined {
  const waiting = sql
    .exec<{ name: string; cursor: string }>(
      'SELECT name, cursor FROM backfills WHERE done_at IS NULL ORDER BY rowid LIMIT 1',
    )
    .toArray()[0]
  if (!waiting) return undefined
  const step = STEPS[waiting.name]
  if (!step) throw new Error(`backfill "${waiting.name}" has no step in this code; deploy the code that added it`)
  const next = step(sql, waiting.cursor, budget)
  sql.exec(
    'UPDATE backfills SET cursor = ?, steps = steps + 1, done_at = ? WHERE name = ?',
    next ?? waiting.cursor,
    next === null ? new Date(now).toISOString() : null,
    waiting.name,
  )
  return { name: waiting.name, done: next === null }
}
