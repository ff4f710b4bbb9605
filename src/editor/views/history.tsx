// A disclaimer's history: every version, what was live at a time, and rolling back to an earlier version.
import type { HistoryPage, LedgerEvent, LedgerVersion, ShownAtAnswer } from '../../core/ledger-types.ts'
import { inZone } from '../../core/time.ts'
import { Diff } from './diff.tsx'
import { Told } from './notifications.tsx'
import { ColumnHeads, type Edited, Notice, Pager, targetName, versionName, when } from './shell.tsx'

/**
 * The answer to "what was live at": for a past time, what pages showed then (a version's text, the bundled default,
 * no note, or a text the record does not hold), and why; for a time to come, what they show now and what is scheduled.
 */
function AtNotice({ at, zone }: { at: NonNullable<Parameters<typeof History>[0]['at']>; zone: string }) {
  if (at.scheduled === undefined) {
    return (
      <Notice ok>
        At {inZone(at.instant, zone)}: {at.reason}.
      </Notice>
    )
  }
  return (
    <Notice ok>
      {inZone(at.instant, zone)} is a time to come. Now: {at.reason}
      {at.scheduled
        ? `; by then the change scheduled for ${inZone(Date.parse(at.scheduled.effectiveAt), zone)} by ${at.scheduled.by} goes live, if ${at.scheduled.proposalId === null || at.scheduled.approvedBy ? '' : 'it is approved and '}the text it replaces is still live then (below)`
        : ', and nothing is scheduled to change it by then'}
      .
    </Notice>
  )
}

export function History({
  target,
  page: { versions, next },
  older,
  currentVersion,
  at,
  told,
  zone,
}: {
  target: string
  page: HistoryPage
  /** The events about the versions on this page, by version. */
  told: ReadonlyMap<number, LedgerEvent[]>
  /** True when this page starts below the newest version. */
  older: boolean
  currentVersion: number | undefined
  /**
   * A "what was live at" lookup: the time asked as typed (a wall time in `zone`), the instant it names, and what
   * pages showed then (shown-at.ts); for a time to come, what they show now and what is scheduled by then.
   */
  at?: { wall: string; instant: number } & ShownAtAnswer
  zone: string
}) {
  return (
    <>
      <form method="get" action={`/console/disclaimers/${target}/history`}>
        <label for="at">What was live at ({zone} time)</label>
        <input type="datetime-local" id="at" name="at" step="1" value={at?.wall ?? ''} />
        <button type="submit" class="secondary">
          Look it up
        </button>
      </form>
      {at && <AtNotice at={at} zone={zone} />}
      {at?.scheduled ? <p class="text">{at.scheduled.text}</p> : at?.text && <p class="text">{at.text}</p>}
      {/* The table's name is a heading outside the scroll region: a caption scrolls with the table and is cut off
          on a phone. */}
      <h2 id="versions-heading">Every version of {targetName(target)}, newest first</h2>
      {/* biome-ignore lint/a11y/useSemanticElements: a <section> here draws the Nu checker's "section lacks heading" warning; the heading above names it */}
      <div class="table-wrap" tabindex={0} role="region" aria-labelledby="versions-heading">
        <table aria-labelledby="versions-heading">
          <ColumnHeads names={['Version', `When (${zone})`, 'Who', 'How', 'Note', 'Text']} />
          <tbody>
            {versions.map((version) => (
              <tr>
                <th scope="row">{versionName(version)}</th>
                <td>{when(version.at, zone)}</td>
                <td>
                  {version.by}
                  {version.approvedBy ? `, approved by ${version.approvedBy}` : ''}
                </td>
                <td>
                  {version.how}
                  {version.rollbackOf ? ` (back to v${version.rollbackOf})` : ''}
                  {version.valid ? '' : `, breaks the rule: ${version.problem}`}
                  {version.landedAt || version.how === 'import' || version.how === 'external' ? '' : ', not yet in KV'}
                </td>
                <td>{version.note ?? ''}</td>
                <td>
                  <details>
                    <summary>Show text</summary>
                    <p class="text">{version.text ?? '(deleted from KV)'}</p>
                  </details>
                  <details>
                    <summary>Who was told</summary>
                    <Told events={told.get(version.version) ?? []} zone={zone} />
                  </details>
                  {version.version !== currentVersion && version.valid && version.text !== null && (
                    <a href={`/console/disclaimers/${target}/rollback/${version.version}`}>
                      Roll back to {versionName(version)}
                    </a>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager
        label="More versions"
        path={`/console/disclaimers/${target}/history`}
        older={older}
        next={next}
        names={['Newest versions', 'Older versions']}
      />
    </>
  )
}

export function RollbackConfirm({
  target,
  current,
  base,
  version,
  zone,
}: {
  target: string
  current: Edited
  /** What the editor sees live now: the rollback is refused if it changes before they confirm. */
  base: string
  version: LedgerVersion
  zone: string
}) {
  return (
    <>
      <p>
        Rolling back makes the text of {versionName(version)} (by {version.by}, {when(version.at, zone)}) live again, as
        a new version. One editor may do this alone, even where changes need approval: it is the emergency path, and the
        history records it. Where changes need approval, it is open only to a text a second editor approved (or one
        published while approval was off); a text written around the ledger, imported or seeded must be proposed.
      </p>
      <Diff
        before={current.text ?? ''}
        after={version.text ?? ''}
        label={`${current.name} → ${versionName(version)}`}
      />
      <form method="post" action={`/console/disclaimers/${target}/rollback/${version.version}`}>
        <input type="hidden" name="base" value={base} />
        <label for="note">Why you roll back</label>
        <input type="text" id="note" name="note" />
        <button type="submit">Yes, roll back to {versionName(version)}</button>
      </form>
      <p>
        <a href={`/console/disclaimers/${target}/history`}>No, back to the history</a>
      </p>
    </>
  )
}
