// What the ledger tells people: each event is appended in the same transaction as the change that caused it, with
// one delivery per recipient, so nothing is lost if the object stops and nothing is told that did not happen.
import { EMAIL_ADDRESS, editorsFrom } from '../core/editors.ts'
import { targetOf } from '../core/keys.ts'
import type { Channel, Delivery, EventDetail, EventKind, LedgerEvent, Page } from '../core/ledger-types.ts'
import { pageOf, pageSize } from './queries.ts'
import { allRows } from './rows.ts'

/** Who can be told: each editor's address by name, the operators' addresses, and whether a webhook is set. */
export interface Audience {
  editors: ReadonlyMap<string, string>
  /** The reviewers' addresses (EDITORS entries with "reviewer": true). */
  reviewers?: readonly string[]
  operators: readonly string[]
  webhook: boolean
}

const warned = new Set<string>()

/** Logs a configuration problem once per isolate: it would otherwise repeat with every event. */
function warnOnce(problem: string): void {
  if (warned.has(problem)) return
  warned.add(problem)
  console.error(`ledger: ${problem}`)
}

/**
 * Who may be told, from the Worker's configuration: EDITORS, OPERATORS_EMAIL (addresses, comma-separated) and
 * ALERT_WEBHOOK_URL with ALERT_WEBHOOK_SECRET. What cannot be used is left out and logged, never guessed at.
 */
export function audienceOf(
  env: Pick<Env, 'EDITORS'> & { OPERATORS_EMAIL?: string; ALERT_WEBHOOK_URL?: string; ALERT_WEBHOOK_SECRET?: string },
): Audience {
  const config = editorsFrom(env.EDITORS)
  const listed = (env.OPERATORS_EMAIL ?? '')
    .split(',')
    .map((address) => address.trim())
    .filter(Boolean)
  const operators = listed.filter((address) => EMAIL_ADDRESS.test(address))
  if (operators.length < listed.length) {
    warnOnce(
      `OPERATORS_EMAIL holds ${listed.length - operators.length} entry(ies) that are not addresses; they are not told`,
    )
  }
  const url = env.ALERT_WEBHOOK_URL ?? ''
  const webhook = url.startsWith('https://') && (env.ALERT_WEBHOOK_SECRET ?? '') !== ''
  if (url !== '' && !webhook) {
    warnOnce('ALERT_WEBHOOK_URL is set, but is not https or ALERT_WEBHOOK_SECRET is not set; nothing is sent to it')
  }
  const emails = config.ok ? config.editors.emails : new Map<string, string>()
  const reviewers = config.ok ? [...config.editors.reviewers.keys()].flatMap((name) => emails.get(name) ?? []) : []
  return { editors: emails, ...(reviewers.length > 0 && { reviewers }), operators, webhook }
}

export interface NewEvent {
  kind: EventKind
  key?: string | null
  version?: number | null
  proposalId?: number | null
  actor?: string | null
  detail?: EventDetail
}

/**
 * Who is told of an event, by email: a proposal goes to every other editor, a decision or a schedule's end to the
 * people it concerns (`named`: its proposer, and its approver), a version made live to every editor, an edit made
 * around the ledger to every editor and the operators, the ledger's own trouble to the operators; a review that lapsed
 * or falls due to the reviewers (overdue: the operators too). Each address once.
 */
export function recipientsOf(event: NewEvent, audience: Audience, named: readonly string[] = []): string[] {
  const editors = [...audience.editors]
  const addresses = (() => {
    switch (event.kind) {
      case 'proposal_opened':
      case 'schedule_cancelled':
        return editors.filter(([name]) => name !== event.actor).map(([, email]) => email)
      case 'proposal_approved':
      case 'proposal_rejected':
      case 'schedule_expired':
      case 'schedule_superseded':
        return named.map((name) => audience.editors.get(name)).filter((email) => email !== undefined)
      case 'version_live':
        return editors.map(([, email]) => email)
      case 'external_edit':
        return [...editors.map(([, email]) => email), ...audience.operators]
      case 'review_lapsed':
      case 'review_due_soon':
        return [...(audience.reviewers ?? [])]
      case 'review_overdue':
        return [...(audience.reviewers ?? []), ...audience.operators]
      case 'write_stuck':
      case 'purge_failed':
      case 'import_problems':
      case 'delivery_gave_up':
      case 'witness_refused':
      case 'witness_gave_up':
        return [...audience.operators]
    }
  })()
  return [...new Set(addresses)]
}

/** Appends the event and a pending delivery for each recipient (and the webhook), all due now. */
export function recordEvent(
  sql: SqlStorage,
  event: NewEvent,
  audience: Audience,
  now: number,
  named?: readonly string[],
): number {
  const { id } = sql
    .exec<{ id: number }>(
      `INSERT INTO events (at, kind, key, version_seq, proposal_id, actor, detail)
       VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      new Date(now).toISOString(),
      event.kind,
      event.key ?? null,
      event.version ?? null,
      event.proposalId ?? null,
      event.actor ?? null,
      JSON.stringify(event.detail ?? {}),
    )
    .one()
  const deliveries: [Channel, string][] = recipientsOf(event, audience, named).map((email) => ['email', email])
  if (audience.webhook) deliveries.push(['webhook', 'webhook'])
  deliveries.forEach(([channel, recipient], index) => {
    sql.exec(
      `INSERT INTO deliveries (event_id, channel, recipient, message_id, next_at) VALUES (?, ?, ?, ?, ?)`,
      id,
      channel,
      recipient,
      `event-${id}.${channel}-${index + 1}`,
      now,
    )
  })
  return id
}

type EventRow = {
  id: number
  at: string
  kind: EventKind
  key: string | null
  version_seq: number | null
  proposal_id: number | null
  actor: string | null
  detail: string
}

type DeliveryRow = {
  id: number
  event_id: number
  channel: Channel
  recipient: string
  message_id: string
  status: 'pending' | 'sent'
  attempts: number
  next_at: number | null
  last_error: string | null
  sent_at: string | null
  provider_id: string | null
  gave_up_at: string | null
}

function withDeliveries(sql: SqlStorage, rows: EventRow[]): LedgerEvent[] {
  if (rows.length === 0) return []
  const ids = rows.map((row) => row.id)
  // Grouped once: a page of 500 events and their thousands of deliveries is read in one pass, not one per event. The
  // list drives the index (CROSS JOIN keeps it the outer loop): each delivery is read once, with its index entry.
  const found = allRows(
    sql.exec<DeliveryRow>(
      'SELECT d.* FROM json_each(?) j CROSS JOIN deliveries d ON d.event_id = j.value',
      JSON.stringify(ids),
    ),
  ).sort((a, b) => a.id - b.id)
  const deliveries = Map.groupBy(found, (delivery) => delivery.event_id)
  return rows.map((row) => ({
    id: row.id,
    at: row.at,
    kind: row.kind,
    key: row.key,
    target: row.key === null ? null : targetOf(row.key),
    version: row.version_seq,
    proposalId: row.proposal_id,
    actor: row.actor,
    detail: JSON.parse(row.detail) as EventDetail,
    deliveries: (deliveries.get(row.id) ?? []).map(
      (delivery): Delivery => ({
        channel: delivery.channel,
        recipient: delivery.recipient,
        messageId: delivery.message_id,
        status: delivery.gave_up_at === null ? delivery.status : 'gave_up',
        attempts: delivery.attempts,
        nextAt:
          delivery.status === 'pending' && delivery.next_at !== null ? new Date(delivery.next_at).toISOString() : null,
        lastError: delivery.last_error,
        sentAt: delivery.sent_at,
        providerId: delivery.provider_id,
      }),
    ),
  }))
}

export function event(sql: SqlStorage, id: number): LedgerEvent | null {
  return withDeliveries(sql, sql.exec<EventRow>('SELECT * FROM events WHERE id = ?', id).toArray())[0] ?? null
}

/**
 * Events, newest first, a page at a time, optionally only those about some versions or proposals: each page reads
 * its own rows by index, however many events there are.
 */
export function events(
  sql: SqlStorage,
  { limit, before, versions, proposals }: Page & { versions?: number[]; proposals?: number[] } = {},
): { events: LedgerEvent[]; next: number | null } {
  const size = pageSize(limit, 50)
  const below = before ?? Number.MAX_SAFE_INTEGER
  // Each list is one bound parameter driving its own index: the events about those rows, never every event.
  const rows = allRows(
    versions || proposals
      ? sql.exec<EventRow>(
          `SELECT e.* FROM json_each(?2) j CROSS JOIN events e ON e.version_seq = j.value WHERE e.id < ?1
           UNION SELECT e.* FROM json_each(?3) j CROSS JOIN events e ON e.proposal_id = j.value WHERE e.id < ?1
           ORDER BY id DESC LIMIT ?4`,
          below,
          JSON.stringify(versions ?? []),
          JSON.stringify(proposals ?? []),
          size + 1,
        )
      : sql.exec<EventRow>('SELECT * FROM events WHERE id < ? ORDER BY id DESC LIMIT ?', below, size + 1),
  )
  const { page, next } = pageOf(rows, size, (row) => row.id)
  return { events: withDeliveries(sql, page), next }
}
