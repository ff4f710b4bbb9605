// Changes set to go live later: listed with their time in the site's zone and their approval, named on every page
// of a change to the same disclaimer with what that change will do to them, and cancelled with a reason.
import type { Schedule } from '../../core/ledger-types.ts'
import { inZone } from '../../core/time.ts'
import { describedBy, FieldHelp, Notice } from './shell.tsx'

function approval(schedule: Schedule): string {
  if (schedule.proposalId === null) return 'no approval needed here'
  return schedule.approvedBy
    ? `approved by ${schedule.approvedBy}`
    : 'waiting for approval (it expires if not approved by then)'
}

function at(schedule: Schedule, zone: string): string {
  return inZone(Date.parse(schedule.effectiveAt), zone)
}

/** The base a schedule names, as LiveState's `base` spells it. */
function baseOf(schedule: Schedule): string {
  return schedule.base === 0 ? 'none' : String(schedule.base)
}

function replaces(schedule: Schedule): string {
  return schedule.base === 0 ? 'the bundled default (nothing had been published)' : `v${schedule.base}`
}

/** A target's pending schedules, soonest first, each with a way to cancel it. */
export function ScheduledList({ schedules, zone }: { schedules: Schedule[]; zone: string }) {
  if (schedules.length === 0) return <>none</>
  return (
    <ul>
      {schedules.map((schedule) => (
        <li>
          {at(schedule, zone)}, by {schedule.by}
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

/**
 * The change an editor is making, as it meets a scheduled one: published now, proposed (live once approved), set
 * for a time, not decided yet (the time is chosen on the review), or already made (a result page).
 */
export type Making =
  | { kind: 'now' }
  | { kind: 'on-approval' }
  | { kind: 'at'; instant: number }
  | { kind: 'undecided' }
  | { kind: 'made' }

/**
 * What a change does to a scheduled one, by the ledger's rule: a change goes live only if the version it replaces
 * is still live then (docs/ledger.md, Scheduled changes). Whichever of the two goes live first stops the other.
 */
export function effectOn(schedule: Schedule, liveBase: string, making: Making, zone: string): string {
  const time = at(schedule, zone)
  const stopped = `it replaces ${replaces(schedule)}, which would no longer be live at ${time}, so the ledger would not make it live (it would end superseded, and ${schedule.by} would be told)`
  if (baseOf(schedule) !== liveBase) {
    return `It will not go live whatever you do: it replaces ${replaces(schedule)}, which is no longer live, so at ${time} the ledger will record it as superseded.`
  }
  switch (making.kind) {
    case 'made':
      return `Nothing has stopped it yet: it goes live at ${time} if ${replaces(schedule)} is still live then.`
    case 'now':
      return `Made live now, this change stops it: ${stopped}. Cancel it first if this change is meant to replace it; if not, do not send this one yet.`
    case 'on-approval':
      return `If yours is approved before ${time}, it stops this one: ${stopped}. If this one goes live first, yours can no longer be approved.`
    case 'at':
      return `Yours cannot be scheduled while this one is pending: both would replace the same text, so whichever came second could never go live. Send yours without a time, cancel this one first, or schedule yours after this one has gone live.`
    case 'undecided':
      return `Sent to go live at once, yours stops it: ${stopped}. Yours cannot be given a time while this one is pending (the ledger refuses a second schedule for one disclaimer); cancel this one first, or wait until it has gone live.`
  }
}

/**
 * The changes already scheduled for the disclaimer an editor is changing: when, by whom, their text, and what the
 * editor's change will do to each. Nothing when none is pending.
 */
export function AlreadyScheduled({
  schedules,
  liveBase,
  making,
  zone,
}: {
  schedules: Schedule[]
  /** What pages show now (LiveState's `base`). */
  liveBase: string
  making: Making
  zone: string
}) {
  if (schedules.length === 0) return null
  return (
    <section class="already-scheduled" aria-labelledby="already-scheduled">
      <h2 id="already-scheduled">
        {schedules.length === 1 ? 'A change is already scheduled' : `${schedules.length} changes are already scheduled`}{' '}
        for this disclaimer
      </h2>
      <ul>
        {schedules.map((schedule) => (
          <li>
            <p>
              At {at(schedule, zone)}, by {schedule.by}
              {schedule.proposalId ? (
                <>
                  {' '}
                  (<a href={`/console/proposals/${schedule.proposalId}`}>proposal {schedule.proposalId}</a>)
                </>
              ) : (
                ''
              )}
              , {approval(schedule)}. Its text:
            </p>
            <p class="text">{schedule.text}</p>
            <p class="effect">{effectOn(schedule, liveBase, making, zone)}</p>
            <p>
              <a href={`/console/schedules/${schedule.id}/cancel`}>
                Cancel the change scheduled for {at(schedule, zone)}
              </a>
            </p>
          </li>
        ))}
      </ul>
    </section>
  )
}

export function CancelConfirm({ schedule, zone, error }: { schedule: Schedule; zone: string; error?: string }) {
  return (
    <>
      <p>
        This change was set by {schedule.by} to go live at {at(schedule, zone)}, {approval(schedule)}. Cancelling it is
        recorded with your reason, and the other editors are told.
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
        Cancelled: the change set for {at(schedule, zone)} will not go live. The other editors are told.
      </Notice>
      <p>
        <a href="/console">All disclaimers</a>
      </p>
    </>
  )
}
