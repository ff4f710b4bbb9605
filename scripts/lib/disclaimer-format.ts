// How the disclaimer CLI prints ledger records. Every stored string goes through `printable`, so text written
// before the rule (or around it, with plain wrangler) can never move the cursor, clear the screen or set a title.
import type {
  LedgerEvent,
  LedgerVersion,
  Proposal,
  Schedule,
  ShownAt,
  Unrecorded,
} from '../../src/core/ledger-types.ts'
import { printable } from '../../src/core/validate.ts'

export function versionLine(version: LedgerVersion): string {
  const parts = [
    `v${version.version}`.padEnd(6),
    version.at,
    version.how.padEnd(8),
    `by ${printable(version.by)}`,
    version.approvedBy ? `approved by ${printable(version.approvedBy)}` : '',
    version.rollbackOf ? `(back to v${version.rollbackOf})` : '',
    version.valid ? '' : `INVALID: ${printable(version.problem ?? '')}`,
    version.landedAt || version.how === 'import' || version.how === 'external' ? '' : '(not yet in KV)',
    version.note ? `"${printable(version.note)}"` : '',
  ]
  return parts.filter(Boolean).join('  ')
}

export function versionBlock(version: LedgerVersion): string {
  const text = version.text === null ? '(deleted from KV: pages show the bundled default)' : version.text
  return `${versionLine(version)}\n${printable(text, { multiline: true })}`
}

/** What pages showed at a time, and why: the reason, then the text shown (none for no note or an unknown text). */
export function shownBlock(shown: ShownAt): string {
  const reason = printable(shown.reason)
  return shown.text === null ? reason : `${reason}\n${printable(shown.text, { multiline: true })}`
}

/** A text KV holds that the ledger has not recorded: what pages show, and that the cron will record it. */
export function unrecordedBlock(unrecorded: Unrecorded, defaultFile: string | undefined): string {
  const fallback = defaultFile ? `the bundled default (${defaultFile})` : 'no note'
  const head =
    'changed outside the ledger, not recorded yet (the cron records it within a minute; a change made now records it first)'
  if (unrecorded.text === null)
    return `${head}
the key was deleted from KV: pages show ${fallback}`
  if (!unrecorded.valid) {
    return `${head}
INVALID: ${printable(unrecorded.problem ?? '')}; pages show ${fallback}
${printable(unrecorded.text, { multiline: true })}`
  }
  return `${head}
${printable(unrecorded.text, { multiline: true })}`
}

export function proposalLine(proposal: Proposal): string {
  return [
    `proposal ${proposal.id}`,
    proposal.target,
    `replacing ${proposal.base ? `v${proposal.base}` : 'nothing'}`,
    `by ${printable(proposal.by)}`,
    proposal.at,
    proposal.note ? `"${printable(proposal.note)}"` : '',
    proposal.status === 'open' ? '' : proposal.status.toUpperCase(),
    proposal.decidedBy
      ? `${proposal.status === 'rejected' ? 'rejected' : 'approved'} by ${printable(proposal.decidedBy)}`
      : '',
  ]
    .filter(Boolean)
    .join('  ')
}

/** An event and who was told of it: one line for the event, one per recipient. */
export function eventBlock(event: LedgerEvent): string {
  const about = [
    event.target,
    event.version ? `v${event.version}` : '',
    event.proposalId ? `proposal ${event.proposalId}` : '',
    event.actor ? `by ${printable(event.actor)}` : '',
  ].filter(Boolean)
  const lines = event.deliveries.map((delivery) => {
    const who = delivery.channel === 'webhook' ? 'the webhook' : printable(delivery.recipient)
    if (delivery.status === 'sent') return `  told ${who} at ${delivery.sentAt}`
    if (delivery.status === 'gave_up') {
      return `  GAVE UP ${who}: ${delivery.attempts} attempt(s), last error ${printable(delivery.lastError ?? 'none')}`
    }
    return `  NOT YET ${who}: ${delivery.attempts} attempt(s), last error ${printable(delivery.lastError ?? 'none')}, next at ${delivery.nextAt}`
  })
  if (lines.length === 0) lines.push('  nobody to tell')
  return [`event ${event.id}  ${event.at}  ${event.kind}  ${about.join('  ')}`, ...lines].join('\n')
}

/** A scheduled change: when (UTC, as stored), what, by whom, its approval and how it ended. */
export function scheduleLine(schedule: Schedule): string {
  return [
    `schedule ${schedule.id}`,
    schedule.target.padEnd(20),
    `at ${schedule.effectiveAt}`,
    `by ${printable(schedule.by)}`,
    schedule.proposalId ? `proposal ${schedule.proposalId}` : '',
    schedule.proposalId
      ? schedule.approvedBy
        ? `approved by ${printable(schedule.approvedBy)}`
        : 'NOT YET APPROVED'
      : '',
    `replacing v${schedule.base}`,
    schedule.status === 'pending'
      ? 'pending'
      : `${schedule.status.toUpperCase()}${schedule.reason ? `: ${printable(schedule.reason)}` : ''}`,
  ]
    .filter(Boolean)
    .join('  ')
}
