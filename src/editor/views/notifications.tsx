// Who the ledger told of what, and when; or that a message is still being retried, and why.
import type { Delivery, LedgerEvent } from '../../core/ledger-types.ts'
import { Pager, targetName, when } from './shell.tsx'

const KIND: Record<LedgerEvent['kind'], string> = {
  proposal_opened: 'Proposal opened',
  proposal_approved: 'Proposal approved',
  proposal_rejected: 'Proposal rejected',
  version_live: 'Version live',
  external_edit: 'Changed outside the ledger',
  write_stuck: 'KV write stuck',
  purge_failed: 'Cache purge failing',
  import_problems: 'Import found problems',
  delivery_gave_up: 'Messages given up',
  witness_refused: 'A witness refused the log',
  witness_gave_up: 'A witness given up',
  schedule_expired: 'Schedule expired unapproved',
  schedule_superseded: 'Schedule superseded',
  schedule_cancelled: 'Schedule cancelled',
  review_lapsed: 'Review lapsed: the words changed',
  review_due_soon: 'Review due soon',
  review_overdue: 'Review overdue',
}

function deliveryState(delivery: Delivery, zone: string): string {
  const who = delivery.channel === 'webhook' ? 'the webhook' : delivery.recipient
  if (delivery.status === 'sent') return `${who}: told at ${when(delivery.sentAt, zone)}`
  if (delivery.status === 'gave_up') {
    return `${who}: never told: given up after ${delivery.attempts} attempt(s) (last error: ${delivery.lastError ?? 'none'})`
  }
  if (delivery.attempts === 0) return `${who}: being sent now`
  return `${who}: not yet, still retrying (${delivery.attempts} attempt(s); last error: ${delivery.lastError ?? 'none'}; next at ${when(delivery.nextAt, zone)})`
}

/** Who was told of one event, and how each delivery stands; without the event's kind and time. */
function Deliveries({ event, zone }: { event: LedgerEvent; zone: string }) {
  return (
    <>
      {event.deliveries.length === 0
        ? 'nobody to tell'
        : event.deliveries.map((delivery) => deliveryState(delivery, zone)).join('; ')}
    </>
  )
}

/** The people told of each event, one line each. */
export function Told({ events, zone }: { events: LedgerEvent[]; zone: string }) {
  if (events.length === 0) return <p class="hint">Nobody was told of this (no event, or nobody had an address).</p>
  return (
    <ul class="told">
      {events.map((event) => (
        <li>
          {KIND[event.kind]} ({when(event.at, zone)}): <Deliveries event={event} zone={zone} />
        </li>
      ))}
    </ul>
  )
}

/** Every event, newest first, a page at a time: the operators' view of what the ledger told. */
export function NotificationList({
  events,
  next,
  older,
  zone,
}: {
  events: LedgerEvent[]
  next: number | null
  older: boolean
  zone: string
}) {
  return (
    <>
      {events.length === 0 ? (
        <p>The ledger has told nobody of anything yet.</p>
      ) : (
        <ul>
          {events.map((event) => (
            <li>
              <strong>{KIND[event.kind]}</strong>
              {event.target ? `, ${targetName(event.target)}` : ''}
              {event.version ? `, v${event.version}` : ''}
              {event.proposalId ? `, proposal ${event.proposalId}` : ''} ({when(event.at, zone)}
              {event.actor ? `, ${event.actor}` : ''}).
              <p class="delivered">
                Told: <Deliveries event={event} zone={zone} />
              </p>
            </li>
          ))}
        </ul>
      )}
      <Pager
        label="More notifications"
        path="/console/notifications"
        older={older}
        next={next}
        names={['Newest', 'Older']}
      />
    </>
  )
}
