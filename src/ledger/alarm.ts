// The object's alarm: every job that is due, each step on its own so that one that fails never stops the others;
// the ledger then sets the alarm again for the earliest job left, whatever failed. Every job is a row, and each
// "next job" below reads one row of an index, however long the history.
import { backfillStep, backfillWaiting } from './backfills.ts'
import { type LedgerContext, THE_LEDGER } from './context.ts'
import { deliverDue, nextDeliveryAt } from './deliveries.ts'
import { askLogWitnesses, signLog } from './log-jobs.ts'
import { dueWrites, nextWriteAt, takeStuckWrites } from './outbox.ts'
import { duePurges, nextPurgeAt } from './purges.ts'
import { flushReview, nextReminderAt, sendDueReminders } from './reviews.ts'
import { nextScheduleAt } from './schedules.ts'
import { runDueSchedules } from './scheduling.ts'
import type { WriteThrough } from './write-through.ts'

/** After a step failed, the alarm comes back no sooner than this, so a job that keeps failing is not run in a loop. */
export const ALARM_RETRY_MS = 10_000

/** When the earliest job waiting is due (ms), or null when nothing waits; a backfill with work left is due now. */
export function nextJobAt(sql: SqlStorage, now: number): number | null {
  const due = [
    nextWriteAt(sql, 'outbox'),
    nextWriteAt(sql, 'review_writes'),
    nextPurgeAt(sql),
    nextDeliveryAt(sql),
    nextScheduleAt(sql),
    nextReminderAt(sql),
  ]
  if (backfillWaiting(sql)) due.push(now)
  const next = due.filter((at) => at !== null)
  return next.length > 0 ? Math.min(...next) : null
}

/**
 * Runs every job that is due: KV writes (disclaimers', reviews'), stuck writes reported, purges, schedules, review
 * reminders, the log's checkpoint and its witnesses, messages, one backfill step. A step
 * that throws is logged and the others still run. Answers the steps that failed.
 */
export async function runDueJobs(ledger: LedgerContext, through: WriteThrough): Promise<string[]> {
  const failed: string[] = []
  const step = async (name: string, work: () => unknown) => {
    try {
      await work()
    } catch (error) {
      failed.push(name)
      console.error(`ledger: the alarm's ${name} step failed; the other steps ran, and it is tried again`, error)
    }
  }
  const now = ledger.now()
  await step('KV writes', async () => {
    const results = await Promise.allSettled(dueWrites(ledger.sql, 'outbox', now).map((key) => through.flush(key)))
    const refused = results.find((result) => result.status === 'rejected')
    if (refused) throw refused.reason
  })
  await step('review writes', async () => {
    for (const page of dueWrites(ledger.sql, 'review_writes', now)) await flushReview(ledger, page)
  })
  await step('stuck writes', () =>
    ledger.transact(() => {
      for (const stuck of takeStuckWrites(ledger.sql, ledger.now())) {
        const { key, seq, ...detail } = stuck
        ledger.tell({ kind: 'write_stuck', key, version: seq, actor: THE_LEDGER, detail }, ledger.now())
      }
    }),
  )
  await step('purges', async () => {
    for (const job of duePurges(ledger.sql, now)) await through.purge(job.id)
  })
  await step('schedules', () => runDueSchedules(ledger, through))
  await step('review reminders', () => sendDueReminders(ledger))
  // The checkpoint is signed before messages go, so each message carries one that covers its event.
  await step('checkpoint', () => signLog(ledger))
  await step('witnesses', () => askLogWitnesses(ledger))
  await step('messages', () => deliverDue(ledger))
  await step('backfill', () => ledger.transact(() => backfillStep(ledger.sql, ledger.now())))
  return failed
}
