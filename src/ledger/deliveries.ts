// Delivering events: each pending delivery is tried by the object's alarm, retried on a growing delay while the
// email service or the webhook fails, and marked sent once it answers. Nothing else waits for it.
import type { DeliveryTrouble } from '../core/ledger-types.ts'
import { LEDGER_EDIT_BOUND_MINUTES } from '../core/staleness.ts'
import { siteZone } from '../core/time.ts'
import { checkpointOf } from './chaining.ts'
import { type LedgerContext, retryDelay, THE_LEDGER } from './context.ts'
import { event } from './events.ts'
import { checkpointCovering } from './log-checkpoints.ts'
import { compose } from './notify/messages.ts'
import * as queries from './queries.ts'

/** After a failure, the next attempt comes this long later; the last delay repeats until it is sent or given up. */
export const DELIVERY_RETRY_DELAYS_MS = [10_000, 30_000, 60_000, 300_000, 900_000, 1_800_000]
/** At most this many first attempts per alarm, so one alarm stays short; the rest are due at once after it. */
export const DELIVERIES_PER_ALARM = 25
/** At most this many retries per alarm, on a budget of their own: old failures never hold up fresh messages. */
export const RETRIES_PER_ALARM = 10
/** A message still failing this long after its event is given up (`gave_up`), and the operators are told once. */
export const GIVE_UP_AFTER_MS = 3 * 24 * 60 * 60_000
/** A delivery that has failed this many times (about 20 minutes of retries) counts as failing on the console. */
export const FAILING_AFTER_ATTEMPTS = 5

export interface DeliveryJob {
  id: number
  eventId: number
  channel: 'email' | 'webhook'
  recipient: string
  messageId: string
  attempts: number
}

type DeliveryJobRow = {
  id: number
  event_id: number
  channel: 'email' | 'webhook'
  recipient: string
  message_id: string
  attempts: number
}

/**
 * Deliveries due now: first attempts and retries each from an index of their own, so however many old failures are
 * due, fresh messages are sent first and each kind is read a page at a time.
 */
export function dueDeliveries(
  sql: SqlStorage,
  now: number,
  { fresh = DELIVERIES_PER_ALARM, retried = RETRIES_PER_ALARM } = {},
): DeliveryJob[] {
  const due = (attempts: string, limit: number) =>
    sql
      .exec<DeliveryJobRow>(
        `SELECT id, event_id, channel, recipient, message_id, attempts FROM deliveries
         WHERE status = 'pending' AND ${attempts} AND next_at <= ? ORDER BY next_at, id LIMIT ?`,
        now,
        limit,
      )
      .toArray()
  return [...due('attempts = 0', fresh), ...due('attempts > 0', retried)].map((row) => ({
    id: row.id,
    eventId: row.event_id,
    channel: row.channel,
    recipient: row.recipient,
    messageId: row.message_id,
    attempts: row.attempts,
  }))
}

/** When the next delivery is due (ms): one row from each of the two indexes. */
export function nextDeliveryAt(sql: SqlStorage): number | null {
  const next = (attempts: string) =>
    sql
      .exec<{ next: number | null }>(
        `SELECT MIN(next_at) AS next FROM deliveries WHERE status = 'pending' AND ${attempts} AND next_at IS NOT NULL`,
      )
      .one().next
  const due = [next('attempts = 0'), next('attempts > 0')].filter((at) => at !== null)
  return due.length > 0 ? Math.min(...due) : null
}

export function deliverySent(sql: SqlStorage, id: number, now: number, providerId?: string): void {
  sql.exec(
    "UPDATE deliveries SET status = 'sent', attempts = attempts + 1, sent_at = ?, next_at = NULL, provider_id = ? WHERE id = ?",
    new Date(now).toISOString(),
    providerId ?? null,
    id,
  )
}

/**
 * When a job of the outbox's (a message, or a request to a witness) that has failed `attempts` times, and has been
 * failing since `since`, is tried next: on the messages' growing delays, or null once that is GIVE_UP_AFTER_MS ago.
 */
export function nextAttemptAt(attempts: number, since: number, now: number): number | null {
  return now - since >= GIVE_UP_AFTER_MS ? null : now + retryDelay(DELIVERY_RETRY_DELAYS_MS, attempts)
}

/**
 * Counts a failed attempt and sets the next; returns when it is due, or null when the delivery is given up: it has
 * been failing GIVE_UP_AFTER_MS since its event. A given-up delivery keeps its last error and is never tried again.
 */
export function deliveryFailed(sql: SqlStorage, id: number, reason: string, now: number): number | null {
  const { attempts, at } = sql
    .exec<{ attempts: number; at: string }>(
      'SELECT d.attempts, e.at FROM deliveries d JOIN events e ON e.id = d.event_id WHERE d.id = ?',
      id,
    )
    .one()
  const nextAt = nextAttemptAt(attempts, Date.parse(at), now)
  const giveUp = nextAt === null
  sql.exec(
    'UPDATE deliveries SET attempts = attempts + 1, last_error = ?, next_at = ?, gave_up_at = ? WHERE id = ?',
    reason.slice(0, 500),
    nextAt,
    giveUp ? new Date(now).toISOString() : null,
    id,
  )
  return nextAt
}

/** Counts stop here, so the warning reads a bounded number of rows however bad things are. */
const TROUBLE_COUNT_CAP = 1000
const TROUBLE_WINDOW_MS = 7 * 24 * 60 * 60_000

export function deliveryTrouble(sql: SqlStorage, now: number): DeliveryTrouble {
  const since = new Date(now - TROUBLE_WINDOW_MS).toISOString()
  const gaveUp = sql
    .exec<{ count: number; lastAt: string | null; lastError: string | null }>(
      `SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM deliveries WHERE gave_up_at >= ?1 LIMIT ${TROUBLE_COUNT_CAP})) AS count,
         gave_up_at AS lastAt, last_error AS lastError
       FROM deliveries WHERE gave_up_at >= ?1 ORDER BY gave_up_at DESC LIMIT 1`,
      since,
    )
    .toArray()[0]
  const failing = sql
    .exec<{ count: number; lastError: string | null }>(
      `SELECT COUNT(*) AS count, MAX(last_error) AS lastError FROM (SELECT last_error FROM deliveries
         WHERE status = 'pending' AND attempts > 0 AND next_at IS NOT NULL AND attempts >= ? LIMIT ${TROUBLE_COUNT_CAP})`,
      FAILING_AFTER_ATTEMPTS,
    )
    .one()
  return {
    gaveUp: gaveUp?.lastAt ? { count: gaveUp.count, lastAt: gaveUp.lastAt, lastError: gaveUp.lastError } : null,
    failing: failing.count > 0 ? failing : null,
  }
}

/** The address messages come from (EMAIL_FROM), and its domain for Message-IDs. */
export function senderOf(env: { EMAIL_FROM?: string }): { from: string; domain: string } {
  const from = env.EMAIL_FROM ?? ''
  return { from, domain: from.split('@')[1] ?? 'localhost' }
}

/** How a given-up delivery is named in the operators' alert. */
function describeGivenUp(job: DeliveryJob, kind: string, reason: string): string {
  const to = job.channel === 'webhook' ? 'the webhook' : job.recipient
  return `${to}, about event ${job.eventId} (${kind}): ${reason.slice(0, 200)}`
}

/**
 * Sends the deliveries that are due (fresh ones first, retries on their own budget), each composed from the ledger's
 * rows as they are now; a failure is counted and retried later, and never stops the others. Deliveries still failing
 * GIVE_UP_AFTER_MS after their event are given up, and the operators are told of them in one alert, recorded in the
 * same step (by email and the webhook, whichever still works; the console's overview shows it too). An alert that
 * itself gives up raises no other.
 */
export async function deliverDue(
  context: Pick<LedgerContext, 'sql' | 'transact' | 'notifier' | 'now' | 'tell'> & {
    env: Pick<Env, 'SITE_ORIGIN'> & { EMAIL_FROM?: string; SITE_TIME_ZONE?: string }
  },
): Promise<void> {
  const { sql, transact, notifier, env, now } = context
  const { from, domain } = senderOf(env)
  const site = {
    origin: env.SITE_ORIGIN,
    boundMinutes: LEDGER_EDIT_BOUND_MINUTES,
    zone: siteZone(env.SITE_TIME_ZONE),
  }
  const givenUp: { job: DeliveryJob; kind: string; reason: string }[] = []
  for (const job of dueDeliveries(sql, now())) {
    const found = event(sql, job.eventId)
    if (!found) continue
    const proposal = found.proposalId === null ? null : queries.proposal(sql, found.proposalId)
    const rows = {
      version: found.version === null ? null : queries.version(sql, found.version),
      proposal,
      base: proposal?.base ? queries.version(sql, proposal.base) : null,
    }
    try {
      // Inside the try: a message that cannot be written is a failed delivery like any other, never a stalled alarm.
      const checkpoint = checkpointOf(sql, 'events', found.id)
      const signed = checkpoint && checkpointCovering(sql, checkpoint.pos)
      const message = compose(found, rows, site, checkpoint, signed)
      const providerId = await notifier.send({
        channel: job.channel,
        to: job.recipient,
        from,
        ...message,
        messageId: `<${job.messageId}@${domain}>`,
        event: found,
      })
      transact(() => deliverySent(sql, job.id, now(), providerId || undefined))
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      // Given up with the alert below, in one step: recorded together or not at all.
      if (now() - Date.parse(found.at) >= GIVE_UP_AFTER_MS) {
        givenUp.push({ job, kind: found.kind, reason })
        continue
      }
      const nextAt = transact(() => deliveryFailed(sql, job.id, reason, now()))
      console.warn('ledger: a message could not be delivered; retrying', {
        event: job.eventId,
        channel: job.channel,
        reason,
        inMs: (nextAt ?? now()) - now(),
      })
    }
  }
  if (givenUp.length === 0) return
  console.error('ledger: messages failing since their events were recorded were given up', {
    count: givenUp.length,
    afterHours: GIVE_UP_AFTER_MS / 3_600_000,
  })
  transact(() => {
    for (const { job, reason } of givenUp) deliveryFailed(sql, job.id, reason, now())
    const alerted = givenUp.filter(({ kind }) => kind !== 'delivery_gave_up')
    if (alerted.length === 0) return
    const messages = alerted.map(({ job, kind, reason }) => describeGivenUp(job, kind, reason))
    const detail = { count: alerted.length, messages, giveUpAfterHours: GIVE_UP_AFTER_MS / 3_600_000 }
    context.tell({ kind: 'delivery_gave_up', actor: THE_LEDGER, detail }, now())
  })
}
