// Changes set to go live later: listed with their time in the site's zone and their approval, and cancelled with a
// reason before their time.
import type { Schedule } from '../../core/ledger-types.ts'
import { inZone } from '../../core/time.ts'
import { describedBy, FieldHelp, Notice } from './shell.tsx'

function approval(schedule: Schedule): string {
  if (schedule.proposalId === null) return 'no approval needed here'
  return schedule.approvedBy
    ? `approved by ${schedule.approvedBy}`
    : 'waiting for approval (it expires if not approved by then)'
}

/** A target's pending schedules, soonest first, each with a way to cancel it. */
export function ScheduledList({ schedules, zone }: { schedules: Schedule[]; zone: string }) {
  if (schedules.length === 0) return <>none</>
  return (
    <ul>
      {schedules.map((schedule) => (
        <li>
          {inZone(Date.parse(schedule.effectiveAt), zone)}, by {schedule.by}
          {schedule.proposalId ? (
            <>
              {' '}
              (<a href={`/console/proposals/${schedule.proposalId}`}>proposal {schedule.proposalId}</a>)
            </>
          ) : (
            ''
          )}
          , {approval(schedule)}. <a href={`/console/schedules/${schedule.id}/cancel`}>Cancel it</a>
        </li>
      ))}
    </ul>
  )
}

export function CancelConfirm({ schedule, zone, error }: { schedule: Schedule; zone: string; error?: string }) {
  return (
    <>
      <p>
        This change was set by {schedule.by} to go live at {inZone(Date.parse(schedule.effectiveAt), zone)},{' '}
        {approval(schedule)}. Cancelling it is recorded with your reason, and the other editors are told.
      </p>
      <p class="text">{schedule.text}</p>
      <form method="post" action={`/console/schedules/${schedule.id}/cancel`}>
        <FieldHelp id="reason" label="Why you cancel it" hint="One line; it goes in the record." error={error} />
        <input type="text" id="reason" name="reason" required {...describedBy('reason', error)} />
        <button type="submit">Yes, cancel this schedule</button>
      </form>
      <p>
        <a href="/console">No, back to the disclaimers</a>
      </p>
    </>
  )
}

export function Cancelled({ schedule, zone }: { schedule: Schedule; zone: string }) {
  return (
    <>
      <Notice ok>
        Cancelled: the change set for {inZone(Date.parse(schedule.effectiveAt), zone)} will not go live. The other
        editors are told.
      </Notice>
      <p>
        <a href="/console">All disclaimers</a>
      </p>
    </>
  )
}
