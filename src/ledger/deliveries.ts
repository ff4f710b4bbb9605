// Delivering events: each pending delivery is tried by the object's alarm, retried on a growing delay while the
// email service or the webhook fails, and marked sent once it answers. Nothing else waits for it.
import { LEDGER_EDIT_BOUND_MINUTES } from '../core/staleness.ts'
import { siteZone } from '../core/time.ts'
import { checkpointOf } from './chaining.ts'
import { type Notifier, retryDelay } from './context.ts'
import { event } from './events.ts'
import { compose } from './notify/messages.ts'
import * as queries from './queries.ts'

/** After a failure, the next attempt comes this long later; the last delay repeats until it is delivered. */
export const DELIVERY_RETRY_DELAYS_MS = [10_000, 30_000, 60_000, 300_000, 900_000, 1_800_000]
/** At most this many deliveries per alarm, so one alarm stays short; the rest are due at once after it. */
export const DELIVERIES_PER_ALARM = 25

export interface DeliveryJob {
  id: number
  eventId: number
  channel: 'email' | 'webhook'
  recipient: string
  messageId: string
  attempts: number
}

export function dueDeliveries(sql: SqlStorage, now: number, limit = DELIVERIES_PER_ALARM): DeliveryJob[] {
  return sql
    .exec<{
      id: number
      event_id: number
      channel: 'email' | 'webhook'
      recipient: string
      message_id: string
      attempts: number
    }>(
      `SELECT id, event_id, channel, recipient, message_id, attempts FROM deliveries
       WHERE status = 'pending' AND next_at <= ? ORDER BY next_at, id LIMIT ?`,
      now,
      limit,
    )
    .toArray()
    .map((row) => ({
      id: row.id,
      eventId: row.event_id,
      channel: row.channel,
      recipient: row.recipient,
      messageId: row.message_id,
      attempts: row.attempts,
    }))
}

export function nextDeliveryAt(sql: SqlStorage): number | null {
  return sql.exec<{ next: number | null }>("SELECT MIN(next_at) AS next FROM deliveries WHERE status = 'pending'").one()
    .next
}

export function deliverySent(sql: SqlStorage, id: number, now: number, providerId?: string): void {
  sql.exec(
    "UPDATE deliveries SET status = 'sent', attempts = attempts + 1, sent_at = ?, next_at = NULL, provider_id = ? WHERE id = ?",
    new Date(now).toISOString(),
    providerId ?? null,
    id,
  )
}

/** Counts a failed attempt and sets the next; returns when it is due. */
export function deliveryFailed(sql: SqlStorage, id: number, reason: string, now: number): number {
  const { attempts } = sql.exec<{ attempts: number }>('SELECT attempts FROM deliveries WHERE id = ?', id).one()
  const delay = retryDelay(DELIVERY_RETRY_DELAYS_MS, attempts)
  sql.exec(
    'UPDATE deliveries SET attempts = attempts + 1, last_error = ?, next_at = ? WHERE id = ?',
    reason.slice(0, 500),
    now + delay,
    id,
  )
  return now + delay
}

/** The address messages come from (EMAIL_FROM), and its domain for Message-IDs. */
export function senderOf(env: { EMAIL_FROM?: string }): { from: string; domain: string } {
  const from = env.EMAIL_FROM ?? ''
  return { from, domain: from.split('@')[1] ?? 'localhost' }
}

/**
 * Sends every delivery that is due, up to DELIVERIES_PER_ALARM, each composed from the ledger's rows as they are
 * now; a failure is counted and retried later, and never stops the others.
 */
export async function deliverDue(context: {
  sql: SqlStorage
  transact<T>(work: () => T): T
  notifier: Notifier
  env: Pick<Env, 'SITE_ORIGIN'> & { EMAIL_FROM?: string; SITE_TIME_ZONE?: string }
  now: () => number
}): Promise<void> {
  const { sql, transact, notifier, env, now } = context
  const { from, domain } = senderOf(env)
  const site = {
    origin: env.SITE_ORIGIN,
    boundMinutes: LEDGER_EDIT_BOUND_MINUTES,
    zone: siteZone(env.SITE_TIME_ZONE),
  }
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
      const message = compose(found, rows, site, checkpointOf(sql, 'events', found.id))
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
      const nextAt = transact(() => deliveryFailed(sql, job.id, reason, now()))
      console.warn('ledger: a message could not be delivered; retrying', {
        event: job.eventId,
        channel: job.channel,
        reason,
        inMs: nextAt - now(),
      })
    }
  }
}
