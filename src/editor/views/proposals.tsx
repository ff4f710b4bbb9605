// Proposals waiting for a second editor: the list, and one proposal with its diff, previews and the decision.
import type { LedgerEvent, LedgerVersion, LiveState, Proposal, Schedule } from '../../core/ledger-types.ts'
import { inZone } from '../../core/time.ts'
import { Diff } from './diff.tsx'
import { Told } from './notifications.tsx'
import { editedOf, Notice, targetLabel, versionName, when } from './shell.tsx'

export function ProposalList({ proposals }: { proposals: Proposal[] }) {
  if (proposals.length === 0) return <p>No proposal is waiting for approval.</p>
  return (
    <ul>
      {proposals.map((proposal) => (
        <li>
          <a href={`/console/proposals/${proposal.id}`}>
            Proposal {proposal.id}: {targetLabel(proposal.target)}
          </a>{' '}
          by {proposal.by}, {when(proposal.at)}
        </li>
      ))}
    </ul>
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
  zone,
}: {
  proposal: Proposal
  /** Its schedule, when it is to go live at a set time. */
  schedule: Schedule | null
  zone: string
  /** The events about this proposal: who was told it waits, and of its decision. */
  told: LedgerEvent[]
  base: LedgerVersion | null
  /** What pages show now: approving is possible only while that is still the proposal's base. */
  live: LiveState
  editor: string
  previews: { path: string; title: string }[]
  error?: string
}) {
  const stale = live.unrecorded !== null || (live.current?.version ?? 0) !== proposal.base
  return (
    <>
      <p>
        {targetLabel(proposal.target)}, proposed by {proposal.by} at {when(proposal.at)} to replace {versionName(base)}.
        {proposal.note ? ` Their note: “${proposal.note}”.` : ''}
      </p>
      {proposal.status !== 'open' && proposal.decidedBy !== null && (
        <Notice>
          {/* Only an approval can come before a schedule that ends without going live; a rejection ends it. */}
          This proposal was {proposal.status === 'rejected' ? 'rejected' : 'approved'} by {proposal.decidedBy} at{' '}
          {when(proposal.decidedAt)}
          {proposal.reason ? `: “${proposal.reason}”` : ''}
          {proposal.publishedVersion ? ` and published as v${proposal.publishedVersion}` : ''}.
        </Notice>
      )}
      {stale && proposal.status === 'open' && (
        <Notice>
          The live text changed since this was proposed (it is now {editedOf(live).name}), so it can no longer be
          approved; the proposer can start again from the live text.
        </Notice>
      )}
      {schedule && (
        <Notice ok={schedule.status === 'pending'}>
          {schedule.status === 'pending'
            ? `Set to go live at ${inZone(Date.parse(schedule.effectiveAt), zone)}${schedule.approvedBy ? `, approved by ${schedule.approvedBy}` : ', once approved; if nobody approves it by then it expires'}.`
            : `It was set to go live at ${inZone(Date.parse(schedule.effectiveAt), zone)}; the schedule ended: ${schedule.status}${schedule.reason ? ` (${schedule.reason})` : ''}${schedule.version ? `, as v${schedule.version}` : ''}.`}
        </Notice>
      )}
      {error && <Notice>{error}</Notice>}
      <Diff before={base?.text ?? ''} after={proposal.text} label={`${versionName(base)} → proposal ${proposal.id}`} />
      <h2>Who was told</h2>
      <Told events={told} />
      <h2>See it on the pages</h2>
      <ul>
        {previews.map((page) => (
          <li>
            <a href={`/console/proposals/${proposal.id}/preview?page=${encodeURIComponent(page.path)}`}>
              Preview {page.title}
            </a>
          </li>
        ))}
      </ul>
      {proposal.status === 'open' &&
        (!schedule || schedule.status === 'pending') &&
        (proposal.by === editor ? (
          <p>You proposed this, so another editor must approve it.</p>
        ) : (
          !stale && (
            <>
              <h2>Decide</h2>
              <div class="actions">
                <form method="post" action={`/console/proposals/${proposal.id}/approve`}>
                  {/* A scheduled proposal goes live at its time, not on approval: the button says which. */}
                  <button type="submit">
                    {schedule ? 'Approve to go live at the set time' : 'Approve and publish'}
                  </button>
                </form>
              </div>
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
