// Changing a disclaimer: the edit form of the editor's draft, its review (the diff, previews, the go-live time), the
// page for what became of it, and the conflict page for a draft whose base is no longer live.
import type { Child } from 'hono/jsx'
import type { LedgerVersion, LiveState, Schedule } from '../../core/ledger-types.ts'
import { inZone, offsetMinutes, offsetText } from '../../core/time.ts'
import { MAX_DISCLAIMER_LENGTH, MAX_NOTE_LENGTH } from '../../core/validate.ts'
import type { ConsoleDraft } from '../../ledger/drafts.ts'
import { Diff } from './diff.tsx'
import {
  describedBy,
  type Edited,
  editedOf,
  type FieldErrors,
  FieldHelp,
  Links,
  Notice,
  versionName,
  when,
} from './shell.tsx'

/** Where a target's drafts live in the console. */
export function draftPath(target: string, id?: string, page = ''): string {
  return `/console/disclaimers/${target}/${id ? `drafts/${id}${page}` : 'drafts'}`
}

export function EditForm({
  target,
  base,
  edited,
  draft,
  text,
  note,
  errors = {},
  zone,
  scheduled,
}: {
  target: string
  /** What a new draft starts from: what pages show now (LiveState's `base`). */
  base: string
  /** What the draft was started from (its base). */
  edited: Edited
  /** The editor's saved draft of this target, if they have one: the form saves into it. */
  draft: ConsoleDraft | null
  text: string
  note: string
  errors?: FieldErrors
  zone: string
  /** The changes already scheduled for this disclaimer, and what this one will do to them. */
  scheduled?: Child
}) {
  return (
    <>
      {draft && (
        <>
          <p>
            This is your draft, last saved {when(new Date(draft.savedAt).toISOString(), zone)}. It is kept for you alone
            until you publish or propose it, for a week at most.
          </p>
          <form method="post" action={draftPath(target, draft.id, '/discard')}>
            <button type="submit" class="secondary">
              Throw this draft away and start from the live text
            </button>
          </form>
        </>
      )}
      <p>
        You are editing {edited.name}
        {edited.made ? `, ${edited.made}` : ''}. If someone changes it before you publish, you will see both texts and
        nothing will be overwritten.
      </p>
      {scheduled}
      <form method="post" action={draft ? draftPath(target, draft.id) : draftPath(target)}>
        {!draft && <input type="hidden" name="base" value={base} />}
        <FieldHelp
          id="text"
          label="Disclaimer text"
          hint={`At most ${MAX_DISCLAIMER_LENGTH.toLocaleString('en-US')} characters. Leave a blank line between paragraphs. No invisible or control characters, and at most 30 accents on one letter.`}
          error={errors.text}
        />
        <textarea id="text" name="text" rows={12} required {...describedBy('text', errors.text)}>
          {text}
        </textarea>
        <FieldHelp
          id="note"
          label="Why you are changing it"
          hint={`One line, at most ${MAX_NOTE_LENGTH} characters; it goes in the history.`}
          error={errors.note}
        />
        <input type="text" id="note" name="note" value={note} {...describedBy('note', errors.note)} />
        {draft?.earlier !== null && draft?.earlier !== undefined && (
          <section aria-labelledby="yours">
            <h2 id="yours">Your earlier text (not saved), to copy from</h2>
            <p class="text">{draft.earlier}</p>
          </section>
        )}
        <button type="submit">Review the change</button>
      </form>
    </>
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
  draft,
  edited,
  previews,
  proposeOnly,
  zone,
  scheduled,
  seen,
}: {
  target: string
  draft: ConsoleDraft
  edited: Edited
  previews: { path: string; title: string }[]
  /** Why this editor can only propose it; null where they may publish it. */
  proposeOnly: string | null
  /** SITE_TIME_ZONE, in which a go-live time is given. */
  zone: string
  scheduled?: Child
  /** The ids of the pending schedules this page names: sending it says the editor has seen them. */
  seen: number[]
}) {
  return (
    <>
      <Diff before={edited.text ?? ''} after={draft.text} label={`${edited.name} → your draft`} />
      {draft.note && <p>Your note: “{draft.note}”.</p>}
      <h2>See it on the pages</h2>
      <p>Each preview is the real page with your draft, marked “Preview, not live”; Back returns here.</p>
      <ul class="actions">
        {previews.map((page) => (
          <li>
            <a
              class="button secondary"
              href={`${draftPath(target, draft.id, '/preview')}?page=${encodeURIComponent(page.path)}`}
            >
              Preview {page.title}
            </a>
          </li>
        ))}
      </ul>
      {scheduled}
      <h2>{proposeOnly ? 'Ask another editor to approve it' : 'Publish it'}</h2>
      <p>
        {proposeOnly ??
          'Publishing makes it live at once, or at the time you give below; the history keeps the text it replaces.'}
      </p>
      <form method="post" action={draftPath(target, draft.id, proposeOnly ? '/propose' : '/publish')}>
        <input type="hidden" name="seen" value={seen.join(',')} />
        <WhenField zone={zone} value={draft.effective} error={draft.problem ?? undefined} />
        <button type="submit">{proposeOnly ? 'Propose this text' : 'Publish this text'}</button>
      </form>
      <p>
        <a href={`/console/disclaimers/${target}/edit`}>Keep editing</a>
      </p>
    </>
  )
}

/** How soon visitors see a change that KV holds: at once from this server, everywhere within the bound. */
export function WhenVisible({ boundMinutes }: { boundMinutes: number }) {
  return (
    <p>
      Pages served by the server that answered you show it already. Every other visitor, at every Cloudflare location,
      sees it within {boundMinutes} minutes: KV's propagation, its cache at each location and each server's own cache
      add up to that, and Cloudflare's cache of the pages is purged at once and again at the end of it (the bound, term
      by term, is in docs/delivery.md).
    </p>
  )
}

/** What a publish did: live, accepted and waiting for KV, or nothing to change. */
export function PublishedNotice({ version, status }: { version: LedgerVersion; status: string }) {
  return (
    <Notice ok>
      {status === 'unchanged'
        ? `Nothing changed: ${versionName(version)} already has this text.`
        : status === 'live'
          ? `${versionName(version)} is live: KV holds it. Cloudflare's cache of the pages that show it is purged now and again at the end of the bound; a purge that fails is retried.`
          : `${versionName(version)} is accepted and recorded. KV has not taken it yet; the ledger keeps trying and it will go live.`}
    </Notice>
  )
}

/** The text a write recorded, what else is scheduled for its disclaimer, and where to go from here. */
function Recorded({ text, scheduled, next }: { text: Child; scheduled?: Child; next: [href: string, label: string] }) {
  return (
    <>
      <p class="text">{text}</p>
      {scheduled}
      <Links links={[next, ['/console', 'All disclaimers']]} />
    </>
  )
}

export function Published({
  version,
  status,
  boundMinutes,
  scheduled,
}: {
  version: LedgerVersion
  status: string
  boundMinutes: number
  scheduled?: Child
}) {
  return (
    <>
      <PublishedNotice version={version} status={status} />
      {status === 'pending' ? (
        <p>Pages keep showing the previous text until KV takes it; the overview says when it has.</p>
      ) : (
        <WhenVisible boundMinutes={boundMinutes} />
      )}
      <Recorded
        text={version.text}
        scheduled={scheduled}
        next={[`/console/disclaimers/${version.target}/history`, 'History of this disclaimer']}
      />
    </>
  )
}

/** The condition a scheduled change goes live on, in plain words. */
function ifStillLive(schedule: Schedule): string {
  return schedule.base === 0
    ? 'if nothing has been published for this disclaimer by then'
    : `if v${schedule.base}, the text it replaces, is still live then`
}

/** A change set to go live later: when, in the site's zone, and how it can still be stopped. */
export function Scheduled({ schedule, zone, scheduled }: { schedule: Schedule; zone: string; scheduled?: Child }) {
  return (
    <>
      <Notice ok>
        Scheduled: this text goes live at {inZone(Date.parse(schedule.effectiveAt), zone)}
        {schedule.proposalId && !schedule.approvedBy
          ? ', once another editor approves it (unapproved by then, it expires)'
          : ''}
        {schedule.approvedBy ? `, approved by ${schedule.approvedBy}` : ''}, {ifStillLive(schedule)}.
      </Notice>
      <Recorded
        text={schedule.text}
        scheduled={scheduled}
        next={[`/console/schedules/${schedule.id}/cancel`, 'Cancel this schedule']}
      />
    </>
  )
}

/** A stale draft: both texts side by side, the editor's kept in full, and a way to start again from the live one. */
export function Conflict({ draft, live, zone }: { draft: ConsoleDraft; live: LiveState; zone: string }) {
  const now = editedOf(live, zone)
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
      <form method="post" action={draftPath(draft.target, draft.id, '/restart')}>
        <button type="submit">Start again from the live text, with your text to copy from</button>
      </form>
    </>
  )
}

/** The banner over a preview: the page below is the real page with a draft, not what visitors see. */
export function PreviewBanner({ of, back }: { of: string; back: { href: string; label: string }[] }) {
  return (
    <div class="preview-banner" role="status">
      <p>Preview of {of}, not live.</p>
      <ul>
        {back.map((link) => (
          <li>
            <a href={link.href}>{link.label}</a>
          </li>
        ))}
      </ul>
    </div>
  )
}
