// Who the ledger told of what, and when; or that a message is still being retried, and why.
import type { Delivery, LedgerEvent } from '../../core/ledger-types.ts'
import { targetLabel, when } from './shell.tsx'

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
  schedule_expired: 'Schedule expired unapproved',
  schedule_superseded: 'Schedule superseded',
  schedule_cancelled: 'Schedule cancelled',
}

function deliveryState(delivery: Delivery): string {
  const who = delivery.channel === 'webhook' ? 'the webhook' : delivery.recipient
  if (delivery.status === 'sent') return `${who}: told at ${when(delivery.sentAt)}`
  if (delivery.status === 'gave_up') {
    return `${who}: never told: given up after ${delivery.attempts} attempt(s) (last error: ${delivery.lastError ?? 'none'})`
  }
  if (delivery.attempts === 0) return `${who}: being sent now`
  return `${who}: not yet, still retrying (${delivery.attempts} attempt(s); last error: ${delivery.lastError ?? 'none'}; next at ${when(delivery.nextAt)})`
}

/** The people told of each event, one line each. */
export function Told({ events }: { events: LedgerEvent[] }) {
  if (events.length === 0) return <p class="hint">Nobody was told of this (no event, or nobody had an address).</p>
  return (
    <ul class="told">
      {events.map((event) => (
        <li>
          {KIND[event.kind]} ({when(event.at)}):{' '}
          {event.deliveries.length === 0 ? 'nobody to tell' : event.deliveries.map(deliveryState).join('; ')}
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
}: {
  events: LedgerEvent[]
  next: number | null
  older: boolean
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
              {event.target ? `, ${targetLabel(event.target).toLowerCase()}` : ''}
              {event.version ? `, v${event.version}` : ''}
              {event.proposalId ? `, proposal ${event.proposalId}` : ''} ({when(event.at)}, {event.actor ?? ''})
              <Told events={[event]} />
            </li>
          ))}
        </ul>
      )}
      {(older || next !== null) && (
        <nav class="actions" aria-label="More notifications">
          {older && <a href="/console/notifications">Newest</a>}
          {next !== null && <a href={`/console/notifications?before=${next}`}>Older</a>}
        </nav>
      )}
    </>
  )
}
