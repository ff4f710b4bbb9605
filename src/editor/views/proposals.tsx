// Proposals waiting for a second editor: the list, and one proposal with its diff, previews, the changes already
// scheduled for its disclaimer, and the decision.
import type { Child } from 'hono/jsx'
import type { LedgerEvent, LedgerVersion, LiveState, Proposal, Schedule } from '../../core/ledger-types.ts'
import { LEDGER_EDIT_BOUND_MINUTES } from '../../core/staleness.ts'
import { inZone } from '../../core/time.ts'
import { Diff } from './diff.tsx'
import { PublishedNotice, WhenVisible } from './editing.tsx'
import { Told } from './notifications.tsx'
import { type Edited, editedOf, Notice, targetLabel, versionEdited, when } from './shell.tsx'

export function ProposalList({ proposals, zone }: { proposals: Proposal[]; zone: string }) {
  if (proposals.length === 0) return <p>No proposal is waiting for approval.</p>
  return (
    <ul>
      {proposals.map((proposal) => (
        <li>
          <a href={`/console/proposals/${proposal.id}`}>
            Proposal {proposal.id}: {targetLabel(proposal.target)}
          </a>{' '}
          by {proposal.by}, {when(proposal.at, zone)}
        </li>
      ))}
    </ul>
  )
}

function ScheduleNotice({ schedule, zone }: { schedule: Schedule; zone: string }) {
  const time = inZone(Date.parse(schedule.effectiveAt), zone)
  if (schedule.status !== 'pending') {
    return (
      <Notice>
        It was set to go live at {time}; the schedule ended: {schedule.status}
        {schedule.reason ? ` (${schedule.reason})` : ''}
        {schedule.version ? `, as v${schedule.version}` : ''}.
      </Notice>
    )
  }
  const condition =
    schedule.base === 0
      ? 'if nothing has been published for this disclaimer by then'
      : `if v${schedule.base}, the text it replaces, is still live then`
  return (
    <>
      <Notice ok>
        {schedule.approvedBy
          ? `Scheduled: this text goes live at ${time}, approved by ${schedule.approvedBy}, ${condition}.`
          : `Set to go live at ${time}, once approved; if nobody approves it by then it expires.`}
      </Notice>
      <p>
        <a href={`/console/schedules/${schedule.id}/cancel`}>Cancel this schedule</a>
      </p>
    </>
  )
}

export function ProposalView({
  proposal,
  base,
  live,
  editor,
  previews,
  error,
  told,
  schedule,
  published,
  scheduled,
  zone,
}: {
  proposal: Proposal
  /** Its schedule, when it is to go live at a set time. */
  schedule: Schedule | null
  zone: string
  /** The events about this proposal: who was told it waits, and of its decision. */
  told: LedgerEvent[]
  /** What it replaces: the version it was written against, or what pages showed with none. */
  base: LedgerVersion | Edited
  /** What pages show now: approving is possible only while that is still the proposal's base. */
  live: LiveState
  editor: string
  previews: { path: string; title: string }[]
  /** The version its approval published, with whether KV holds it yet. */
  published: { version: LedgerVersion; status: 'live' | 'pending' } | null
  /** The other changes scheduled for its disclaimer, and what approving this one does to them. */
  scheduled: Child
  error?: string
}) {
  const stale = live.unrecorded !== null || (live.current?.version ?? 0) !== proposal.base
  const replaced = 'version' in base ? versionEdited(base, zone) : base
  return (
    <>
      <p>
        {targetLabel(proposal.target)}, proposed by {proposal.by} at {when(proposal.at, zone)} to replace{' '}
        {replaced.name}.{proposal.note ? ` Their note: “${proposal.note}”.` : ''}
      </p>
      {published ? (
        <>
          <PublishedNotice version={published.version} status={published.status} />
          <p>
            Approved by {proposal.decidedBy} at {when(proposal.decidedAt, zone)}.
          </p>
          {published.status === 'live' && <WhenVisible boundMinutes={LEDGER_EDIT_BOUND_MINUTES} />}
        </>
      ) : (
        proposal.status !== 'open' &&
        proposal.decidedBy !== null &&
        // An approval for later is said by the schedule's own notice below.
        schedule?.status !== 'pending' && (
          <Notice>
            {/* Only an approval can come before a schedule that ends without going live; a rejection ends it. */}
            This proposal was {proposal.status === 'rejected' ? 'rejected' : 'approved'} by {proposal.decidedBy} at{' '}
            {when(proposal.decidedAt, zone)}
            {proposal.reason ? `: “${proposal.reason}”` : ''}
            {proposal.publishedVersion ? ` and published as v${proposal.publishedVersion}` : ''}.
          </Notice>
        )
      )}
      {stale && proposal.status === 'open' && (
        <Notice>
          The live text changed since this was proposed (it is now {editedOf(live, zone).name}), so it can no longer be
          approved; the proposer can start again from the live text.
        </Notice>
      )}
      {schedule && <ScheduleNotice schedule={schedule} zone={zone} />}
      {error && <Notice>{error}</Notice>}
      <Diff before={replaced.text ?? ''} after={proposal.text} label={`${replaced.name} → proposal ${proposal.id}`} />
      <h2>Who was told</h2>
      <Told events={told} zone={zone} />
      <h2>See it on the pages</h2>
      <ul class="actions">
        {previews.map((page) => (
          <li>
            <a
              class="button secondary"
              href={`/console/proposals/${proposal.id}/preview?page=${encodeURIComponent(page.path)}`}
            >
              Preview {page.title}
            </a>
          </li>
        ))}
      </ul>
      {scheduled}
      {proposal.status === 'open' &&
        (!schedule || schedule.status === 'pending') &&
        (proposal.by === editor ? (
          <p>You proposed this, so another editor must approve it.</p>
        ) : (
          !stale && (
            <>
              <h2>Decide</h2>
              <form method="post" action={`/console/proposals/${proposal.id}/approve`}>
                <input type="hidden" name="seen" value={live.scheduled.map((pending) => pending.id).join(',')} />
                {/* A scheduled proposal goes live at its time, not on approval: the button says which. */}
                <button type="submit">{schedule ? 'Approve to go live at the set time' : 'Approve and publish'}</button>
              </form>
              <form method="post" action={`/console/proposals/${proposal.id}/reject`}>
                <label for="reason">Why you reject it</label>
                <input type="text" id="reason" name="reason" required />
                <button type="submit" class="secondary">
                  Reject
                </button>
              </form>
            </>
          )
        ))}
    </>
  )
}
