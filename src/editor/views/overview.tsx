import type { DeliveryTrouble, OverviewRow } from '../../core/ledger-types.ts'
import { RECONCILE_INTERVAL_MS } from '../../core/staleness.ts'
import { ScheduledList } from './schedules.tsx'
import { Links, Notice, targetLabel, targetName, versionName, when } from './shell.tsx'

const CRON = `within ${RECONCILE_INTERVAL_MS / 60_000} minute`

/** What visitors see for a target, and why. */
function shownOnPages(row: OverviewRow): string {
  const fallback = row.hasDefault ? 'the bundled default' : 'no note'
  const { unrecorded, current } = row
  if (unrecorded) {
    if (unrecorded.text === null) {
      return `${fallback}: the text was deleted from KV outside the ledger (the cron records it ${CRON})`
    }
    if (!unrecorded.valid) {
      return `${fallback}: KV holds a text changed outside the ledger that breaks the rule (${unrecorded.problem})`
    }
    return `the text below, changed outside the ledger and not recorded yet (the cron records it ${CRON})`
  }
  if (!current) return `${fallback}: the ledger has no version yet`
  if (current.text === null) return `${fallback}: the text was deleted from KV outside the ledger`
  if (!current.valid) return `${fallback}: the live text breaks the rule (${current.problem})`
  if (row.pending) return `the previous text: KV has not taken ${versionName(current)} yet; the ledger keeps trying`
  return `${versionName(current)}, the text below`
}

/**
 * Messages the ledger gave up on, or that keep failing: shown to everyone who opens the console, since when email is
 * what fails, an email cannot say so.
 */
function DeliveryWarning({ trouble, zone }: { trouble: DeliveryTrouble; zone: string }) {
  const { gaveUp, failing } = trouble
  if (!gaveUp && !failing) return null
  return (
    <Notice>
      {gaveUp &&
        `${gaveUp.count} message(s) could not be delivered and were given up in the last week (the last at ${when(gaveUp.lastAt, zone)}: ${gaveUp.lastError ?? 'no error given'}). `}
      {failing &&
        `${failing.count} message(s) keep failing and are still being retried (${failing.lastError ?? 'no error given'}). `}
      If email is what fails, check Email Service and EMAIL_FROM (docs/operations.md);{' '}
      <a href="/console/notifications">who was told of what</a>.
    </Notice>
  )
}

export function Overview({ rows, zone, trouble }: { rows: OverviewRow[]; zone: string; trouble: DeliveryTrouble }) {
  return (
    <>
      <DeliveryWarning trouble={trouble} zone={zone} />
      <p>Every disclaimer on the site, its live text, and what visitors see. Choose one to change it.</p>
      <p>
        <a href="/console/export">Download the whole record</a> (JSON Lines, hash-chained: anyone can check it offline
        with <code>npm run disclaimer -- verify &lt;file&gt;</code>). Its last line names the head of the chain and how
        many rows came before it: a download cut short has no such line, and <code>verify</code> says so.
      </p>
      {rows.map((row) => {
        const text = row.unrecorded ? row.unrecorded.text : row.current?.text
        return (
          <section aria-labelledby={`t-${row.target}`}>
            <h2 id={`t-${row.target}`}>{targetLabel(row.target)}</h2>
            <dl>
              <dt>Pages show</dt>
              <dd>{shownOnPages(row)}</dd>
              {row.current && (
                <>
                  <dt>Last recorded change</dt>
                  <dd>
                    {when(row.current.at, zone)} by {row.current.by} ({row.current.how}
                    {row.current.approvedBy ? `, approved by ${row.current.approvedBy}` : ''})
                  </dd>
                </>
              )}
              <dt>Scheduled</dt>
              <dd>
                <ScheduledList schedules={row.scheduled} zone={zone} />
              </dd>
              <dt>Waiting for approval</dt>
              <dd>
                {row.openProposals ? (
                  <a href={`/console/proposals?target=${row.target}`}>{row.openProposals} proposal(s)</a>
                ) : (
                  'none'
                )}
              </dd>
            </dl>
            {text && <p class="text">{text}</p>}
            <Links
              links={[
                [`/console/disclaimers/${row.target}/edit`, `Edit ${targetName(row.target)}`],
                [`/console/disclaimers/${row.target}/history`, `History of ${targetName(row.target)}`],
              ]}
            />
          </section>
        )
      })}
    </>
  )
}
