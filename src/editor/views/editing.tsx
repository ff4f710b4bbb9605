// Changing a disclaimer: edit, review (the diff and previews), then publish or propose; the published page and the
// conflict page for a stale draft.
import type { LedgerVersion, LiveState, Schedule } from '../../core/ledger-types.ts'
import { inZone, offsetMinutes, offsetText } from '../../core/time.ts'
import { MAX_DISCLAIMER_LENGTH, MAX_NOTE_LENGTH } from '../../core/validate.ts'
import { Diff } from './diff.tsx'
import {
  type Draft,
  DraftFields,
  describedBy,
  type Edited,
  editedOf,
  type FieldErrors,
  FieldHelp,
  Notice,
  versionName,
} from './shell.tsx'

export function EditForm({
  target,
  edited,
  base,
  draft,
  yours,
  errors = {},
}: {
  target: string
  /** What the draft was started from (its base). */
  edited: Edited
  base: string
  draft: Draft
  /** The editor's own earlier text, after a conflict: shown to copy from, not saved. */
  yours?: string
  errors?: FieldErrors
}) {
  return (
    <form method="post" action={`/console/disclaimers/${target}/review`}>
      <p>
        You are editing {edited.name}
        {edited.made ? `, ${edited.made}` : ''}. If someone changes it before you publish, you will see both texts and
        nothing will be overwritten.
      </p>
      <input type="hidden" name="base" value={base} />
      <FieldHelp
        id="text"
        label="Disclaimer text"
        hint={`At most ${MAX_DISCLAIMER_LENGTH.toLocaleString('en-US')} characters. Leave a blank line between paragraphs. No invisible or control characters, and at most 30 accents on one letter.`}
        error={errors.text}
      />
      <textarea id="text" name="text" rows={12} required {...describedBy('text', errors.text)}>
        {draft.text}
      </textarea>
      <FieldHelp
        id="note"
        label="Why you are changing it"
        hint={`One line, at most ${MAX_NOTE_LENGTH} characters; it goes in the history.`}
        error={errors.note}
      />
      <input type="text" id="note" name="note" value={draft.note} {...describedBy('note', errors.note)} />
      {yours !== undefined && (
        <section aria-labelledby="yours">
          <h2 id="yours">Your earlier text (not saved), to copy from</h2>
          <p class="text">{yours}</p>
        </section>
      )}
      <button type="submit">Review the change</button>
    </form>
  )
}

/** When a change should go live: empty for at once (or once approved), else a date and time in the site's zone. */
function WhenField({ zone, value, error }: { zone: string; value?: string; error?: string }) {
  const offset = offsetText(offsetMinutes(Date.now(), zone))
  return (
    <>
      <FieldHelp
        id="effective"
        label={`Go live at (${zone} time)`}
        hint={`Leave it empty to go live as soon as it is published or approved. A time is read in ${zone} (UTC${offset} today, changing with daylight saving), any time from now to a year ahead; a proposal not approved by then expires.`}
        error={error}
      />
      <input
        type="datetime-local"
        id="effective"
        name="effective"
        value={value ?? ''}
        {...describedBy('effective', error)}
      />
    </>
  )
}

export function Review({
  target,
  edited,
  draft,
  base,
  previews,
  requiresApproval,
  zone,
  effective,
  effectiveError,
  pending,
}: {
  target: string
  edited: Edited
  draft: Draft
  base: string
  previews: { path: string; title: string }[]
  requiresApproval: boolean
  /** SITE_TIME_ZONE, in which a go-live time is given. */
  zone: string
  effective?: string
  effectiveError?: string
  /** A change already scheduled for this disclaimer: while it is pending, no second one can be scheduled. */
  pending?: Schedule
}) {
  return (
    <>
      <Diff before={edited.text ?? ''} after={draft.text} label={`${edited.name} → your draft`} />
      <h2>See it on the pages</h2>
      <p>Each preview is the real page with your draft, marked “Preview, not live”.</p>
      <ul class="actions">
        {previews.map((page) => (
          <li>
            <form method="post" action={`/console/disclaimers/${target}/preview`}>
              <DraftFields draft={draft} base={base} />
              <input type="hidden" name="page" value={page.path} />
              <button type="submit" class="secondary">
                Preview {page.title}
              </button>
            </form>
          </li>
        ))}
      </ul>
      <h2>{requiresApproval ? 'Ask another editor to approve it' : 'Publish it'}</h2>
      <p>
        {requiresApproval
          ? 'Here a second editor must approve every change before it goes live.'
          : 'Publishing makes it live at once, or at the time you give below; the history keeps the text it replaces.'}
      </p>
      <div class="actions">
        <form method="post" action={`/console/disclaimers/${target}/${requiresApproval ? 'propose' : 'publish'}`}>
          <DraftFields draft={draft} base={base} />
          {pending && (
            <p>
              Schedule {pending.id}, by {pending.by}, already changes this text at{' '}
              {inZone(Date.parse(pending.effectiveAt), zone)}. A second change cannot be scheduled while it is pending:
              it would replace the same text, so it could never go live after that one. Leave the time empty for now, or
              cancel that schedule first.
            </p>
          )}
          <WhenField zone={zone} value={effective} error={effectiveError} />
          <button type="submit">{requiresApproval ? 'Propose this text' : 'Publish this text'}</button>
        </form>
        <form method="post" action={`/console/disclaimers/${target}/edit`}>
          <DraftFields draft={draft} base={base} />
          <button type="submit" class="secondary">
            Keep editing
          </button>
        </form>
      </div>
    </>
  )
}

/** How soon visitors see a change that KV holds: at once from this server, everywhere within the bound. */
function WhenVisible({ boundMinutes }: { boundMinutes: number }) {
  return (
    <p>
      Pages served by the server that answered you show it already. Every other visitor, at every Cloudflare location,
      sees it within {boundMinutes} minutes: KV's propagation, its cache at each location and each server's own cache
      add up to that, and Cloudflare's cache of the pages is purged at once and again at the end of it (the bound, term
      by term, is in docs/delivery.md).
    </p>
  )
}

export function Published({
  version,
  status,
  boundMinutes,
}: {
  version: LedgerVersion
  status: string
  boundMinutes: number
}) {
  return (
    <>
      <Notice ok>
        {status === 'unchanged'
          ? `Nothing changed: ${versionName(version)} already has this text.`
          : status === 'live'
            ? `${versionName(version)} is live: KV holds it. Cloudflare's cache of the pages that show it is purged now and again at the end of the bound; a purge that fails is retried.`
            : `${versionName(version)} is accepted and recorded. KV has not taken it yet; the ledger keeps trying and it will go live.`}
      </Notice>
      {status === 'pending' ? (
        <p>Pages keep showing the previous text until KV takes it; the overview says when it has.</p>
      ) : (
        <WhenVisible boundMinutes={boundMinutes} />
      )}
      <p class="text">{version.text}</p>
      <p class="actions">
        <a href={`/console/disclaimers/${version.target}/history`}>History</a>
        <a href="/console">All disclaimers</a>
      </p>
    </>
  )
}

/** A change set to go live later: when, in the site's zone, and how it can still be stopped. */
export function Scheduled({ schedule, zone }: { schedule: Schedule; zone: string }) {
  const when = inZone(Date.parse(schedule.effectiveAt), zone)
  return (
    <>
      <Notice ok>
        Scheduled: this text goes live at {when}
        {schedule.proposalId && !schedule.approvedBy
          ? ', once another editor approves it (unapproved by then, it expires)'
          : ''}
        {schedule.approvedBy ? `, approved by ${schedule.approvedBy}` : ''}, if the text it replaces (v{schedule.base})
        is still live then.
      </Notice>
      <p class="text">{schedule.text}</p>
      <p class="actions">
        <a href={`/console/schedules/${schedule.id}/cancel`}>Cancel this schedule</a>
        <a href="/console">All disclaimers</a>
      </p>
    </>
  )
}

/** A stale edit: both texts side by side, the editor's kept in full, and a way to start again from the live one. */
export function Conflict({ target, draft, live }: { target: string; draft: Draft; live: LiveState }) {
  const now = editedOf(live)
  return (
    <>
      <Notice>
        Someone changed this disclaimer after you started: it is now {now.name}
        {now.made ? `, ${now.made}` : ''}. Nothing of yours was written, and nothing was overwritten.
      </Notice>
      <div class="side-by-side">
        <section aria-labelledby="yours">
          <h2 id="yours">Your text (not saved)</h2>
          <p class="text">{draft.text}</p>
        </section>
        <section aria-labelledby="live">
          <h2 id="live">The live text, {now.name}</h2>
          <p class="text">{now.text ?? '(none)'}</p>
        </section>
      </div>
      <Diff before={now.text ?? ''} after={draft.text} label={`${now.name} → your text`} />
      <form method="post" action={`/console/disclaimers/${target}/edit`}>
        <DraftFields draft={draft} base={live.base} />
        <input type="hidden" name="restart" value="1" />
        <button type="submit">Start again from the live text, with your text to copy from</button>
      </form>
    </>
  )
}

/** The banner over a preview: the page below is the real page with a draft, not what visitors see. */
export function PreviewBanner({ back }: { back: string }) {
  return (
    <p class="preview-banner" role="status">
      Preview, not live. <a href={back}>Back to the console</a>
    </p>
  )
}
