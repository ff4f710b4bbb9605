// The editor console's pages: server-rendered forms and links on the site's layout, no script. Every stored string
// is rendered as escaped text.
import type { Child } from 'hono/jsx'
import { SITE_PAGES } from '../article/index.ts'
import type { PageDisclaimers } from '../disclaimer/read.ts'
import type { LedgerVersion, Proposal } from '../disclaimer/records.ts'
import { MAX_DISCLAIMER_LENGTH, MAX_NOTE_LENGTH } from '../disclaimer/validate.ts'
import { Diff } from './diff.tsx'
import { Layout } from './layout.tsx'
import { CONSOLE_STYLES } from './styles.ts'

export function targetLabel(target: string): string {
  if (target === 'global') return 'The global disclaimer (on every page)'
  const page = SITE_PAGES.find((entry) => entry.slug === target)
  return `The note on “${page?.navLabel ?? target}”`
}

function when(iso: string | null): string {
  return iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : ''
}

function versionName(version: LedgerVersion | null): string {
  return version ? `v${version.version}` : 'no version yet'
}

/** A form field's label, its hint and (after a refused submission) its error, each with an id the control cites. */
function FieldHelp({ id, label, hint, error }: { id: string; label: string; hint: Child; error?: string }) {
  return (
    <>
      <label for={id}>{label}</label>
      <p class="hint" id={`${id}-hint`}>
        {hint}
      </p>
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </>
  )
}

/** The attributes that tie a control to its FieldHelp, so a screen reader reads the hint and the error with it. */
function describedBy(id: string, error?: string) {
  return {
    'aria-describedby': error ? `${id}-hint ${id}-error` : `${id}-hint`,
    'aria-invalid': error ? ('true' as const) : undefined,
  }
}

interface ShellProps {
  path: string
  title: string
  editor?: string
  disclaimers: PageDisclaimers
  /** The editor signs out with a form; under Access, Access signs them out. */
  canSignOut?: boolean
  children?: Child
}

/** Every console page: the site's layout and stylesheet, plus the console's, with a bar naming who is signed in. */
export function ConsoleShell({ path, title, editor, disclaimers, canSignOut, children }: ShellProps) {
  const bar = editor && (
    <nav class="console-bar" aria-label="Editor console">
      <a href="/console">All disclaimers</a>
      <a href="/console/proposals">Proposals</a>
      <span>Signed in as {editor}</span>
      {canSignOut && (
        <form method="post" action="/console/sign-out">
          <button type="submit" class="secondary">
            Sign out
          </button>
        </form>
      )}
    </nav>
  )
  return (
    <Layout
      meta={{ path, title, heading: title, description: 'The editor console', lastReviewed: '2026-11-24' }}
      disclaimers={disclaimers}
      banner={bar}
      extraStyles={CONSOLE_STYLES}
    >
      {children}
    </Layout>
  )
}

export function Notice({ children, ok }: { children?: Child; ok?: boolean }) {
  return (
    <p class={ok ? 'notice ok' : 'notice'} role="status">
      {children}
    </p>
  )
}

export function SignInForm({ error }: { error?: string }) {
  return (
    <form method="post" action="/console/sign-in">
      <FieldHelp
        id="token"
        label="Your editor token"
        hint="The token you were given for the disclaimers (locally: .wrangler/state/editors/<name>.token)."
        error={error}
      />
      <input
        type="password"
        id="token"
        name="token"
        autocomplete="current-password"
        required
        {...describedBy('token', error)}
      />
      <button type="submit">Sign in</button>
    </form>
  )
}

export interface OverviewRow {
  target: string
  current: LedgerVersion | null
  pending: boolean
  openProposals: number
  hasDefault: boolean
}

/** What visitors see for a target, and why. */
function shownOnPages(row: OverviewRow): string {
  const fallback = row.hasDefault ? 'the bundled default' : 'no note'
  if (!row.current) return `${fallback}: the ledger has no version yet`
  if (row.current.text === null) return `${fallback}: the text was deleted from KV outside the ledger`
  if (!row.current.valid) return `${fallback}: the live text breaks the rule (${row.current.problem})`
  if (row.pending) return `the previous text: KV has not taken ${versionName(row.current)} yet; the ledger keeps trying`
  return `${versionName(row.current)}, the text below`
}

export function Overview({ rows }: { rows: OverviewRow[] }) {
  return (
    <>
      <p>Every disclaimer on the site, its live text, and what visitors see. Choose one to change it.</p>
      {rows.map((row) => (
        <section aria-labelledby={`t-${row.target}`}>
          <h2 id={`t-${row.target}`}>{targetLabel(row.target)}</h2>
          <dl>
            <dt>Pages show</dt>
            <dd>{shownOnPages(row)}</dd>
            {row.current && (
              <>
                <dt>Last changed</dt>
                <dd>
                  {when(row.current.at)} by {row.current.by} ({row.current.how}
                  {row.current.approvedBy ? `, approved by ${row.current.approvedBy}` : ''})
                </dd>
              </>
            )}
            <dt>Waiting for approval</dt>
            <dd>
              {row.openProposals ? (
                <a href={`/console/proposals?target=${row.target}`}>{row.openProposals} proposal(s)</a>
              ) : (
                'none'
              )}
            </dd>
          </dl>
          {row.current?.text && <p class="text">{row.current.text}</p>}
          <p class="actions">
            <a href={`/console/disclaimers/${row.target}/edit`}>Edit {targetLabel(row.target).toLowerCase()}</a>
            <a href={`/console/disclaimers/${row.target}/history`}>History</a>
          </p>
        </section>
      ))}
    </>
  )
}

export interface Draft {
  text: string
  note: string
}

export interface FieldErrors {
  text?: string
  note?: string
}

function DraftFields({ draft, base }: { draft: Draft; base: number }) {
  return (
    <>
      <input type="hidden" name="base" value={String(base)} />
      <input type="hidden" name="text" value={draft.text} />
      <input type="hidden" name="note" value={draft.note} />
    </>
  )
}

export function EditForm({
  target,
  edited,
  base,
  draft,
  yours,
  errors = {},
}: {
  target: string
  /** The version the draft was started from (its base). */
  edited: LedgerVersion | null
  base: number
  draft: Draft
  /** The editor's own earlier text, after a conflict: shown to copy from, not saved. */
  yours?: string
  errors?: FieldErrors
}) {
  return (
    <form method="post" action={`/console/disclaimers/${target}/review`}>
      <p>
        You are editing {versionName(edited)}
        {edited ? `, made ${when(edited.at)} by ${edited.by}` : ''}. If someone changes it before you publish, you will
        see both texts and nothing will be overwritten.
      </p>
      <input type="hidden" name="base" value={String(base)} />
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

export function Review({
  target,
  current,
  draft,
  base,
  previews,
  requiresApproval,
}: {
  target: string
  current: LedgerVersion | null
  draft: Draft
  base: number
  previews: { path: string; title: string }[]
  requiresApproval: boolean
}) {
  return (
    <>
      <Diff before={current?.text ?? ''} after={draft.text} label={`${versionName(current)} → your draft`} />
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
          : 'Publishing makes it live at once; the history keeps the text it replaces.'}
      </p>
      <div class="actions">
        <form method="post" action={`/console/disclaimers/${target}/${requiresApproval ? 'propose' : 'publish'}`}>
          <DraftFields draft={draft} base={base} />
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
            ? `${versionName(version)} is live: KV holds it, and Cloudflare's cache of the pages that show it was purged.`
            : `${versionName(version)} is accepted and recorded. KV has not taken it yet; the ledger keeps trying and it will go live.`}
      </Notice>
      <p>
        Visitors at every Cloudflare location see it within {boundMinutes} minutes of KV holding it (the README explains
        the bound, term by term); where it was published, usually within seconds.
      </p>
      <p class="text">{version.text}</p>
      <p class="actions">
        <a href={`/console/disclaimers/${version.target}/history`}>History</a>
        <a href="/console">All disclaimers</a>
      </p>
    </>
  )
}

/** A stale edit: both texts side by side, the editor's kept in full, and a way to start again from the live one. */
export function Conflict({ target, draft, current }: { target: string; draft: Draft; current: LedgerVersion | null }) {
  return (
    <>
      <Notice>
        Someone changed this disclaimer after you started: it is now {versionName(current)}
        {current ? `, by ${current.by} at ${when(current.at)}` : ''}. Nothing of yours was written, and nothing was
        overwritten.
      </Notice>
      <div class="side-by-side">
        <section aria-labelledby="yours">
          <h2 id="yours">Your text (not saved)</h2>
          <p class="text">{draft.text}</p>
        </section>
        <section aria-labelledby="live">
          <h2 id="live">The live text, {versionName(current)}</h2>
          <p class="text">{current?.text ?? '(none)'}</p>
        </section>
      </div>
      <Diff before={current?.text ?? ''} after={draft.text} label={`${versionName(current)} → your text`} />
      <form method="post" action={`/console/disclaimers/${target}/edit`}>
        <DraftFields draft={draft} base={current?.version ?? 0} />
        <input type="hidden" name="restart" value="1" />
        <button type="submit">Start again from the live text, with your text to copy from</button>
      </form>
    </>
  )
}

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
  current,
  editor,
  previews,
  error,
}: {
  proposal: Proposal
  base: LedgerVersion | null
  current: LedgerVersion | null
  editor: string
  previews: { path: string; title: string }[]
  error?: string
}) {
  const stale = (current?.version ?? 0) !== proposal.base
  return (
    <>
      <p>
        {targetLabel(proposal.target)}, proposed by {proposal.by} at {when(proposal.at)} to replace {versionName(base)}.
        {proposal.note ? ` Their note: “${proposal.note}”.` : ''}
      </p>
      {proposal.status !== 'open' && (
        <Notice>
          This proposal was {proposal.status} by {proposal.decidedBy} at {when(proposal.decidedAt)}
          {proposal.reason ? `: “${proposal.reason}”` : ''}
          {proposal.publishedVersion ? ` and published as v${proposal.publishedVersion}` : ''}.
        </Notice>
      )}
      {stale && proposal.status === 'open' && (
        <Notice>
          The live text changed since this was proposed (it is now {versionName(current)}), so it can no longer be
          approved; the proposer can start again from the live text.
        </Notice>
      )}
      {error && <Notice>{error}</Notice>}
      <Diff before={base?.text ?? ''} after={proposal.text} label={`${versionName(base)} → proposal ${proposal.id}`} />
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
        (proposal.by === editor ? (
          <p>You proposed this, so another editor must approve it.</p>
        ) : (
          !stale && (
            <>
              <h2>Decide</h2>
              <div class="actions">
                <form method="post" action={`/console/proposals/${proposal.id}/approve`}>
                  <button type="submit">Approve and publish</button>
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

export function History({
  target,
  versions,
  at,
}: {
  target: string
  versions: LedgerVersion[]
  at?: { time: string; version: LedgerVersion | null }
}) {
  const currentVersion = versions[0]?.version
  return (
    <>
      <form method="get" action={`/console/disclaimers/${target}/history`}>
        <label for="at">What was live at (UTC)</label>
        <input type="datetime-local" id="at" name="at" step="1" value={at?.time.slice(0, 19) ?? ''} />
        <button type="submit" class="secondary">
          Look it up
        </button>
      </form>
      {at && (
        <Notice ok>
          At {when(at.time)}:{' '}
          {at.version
            ? `${versionName(at.version)}, by ${at.version.by}`
            : 'no version; pages showed the bundled default'}
          .
        </Notice>
      )}
      {at?.version?.text && <p class="text">{at.version.text}</p>}
      {/* The table's name is a heading outside the scroll region: a caption scrolls with the table and is cut off
          on a phone. */}
      <h2 id="versions-heading">Every version of {targetLabel(target).toLowerCase()}, newest first</h2>
      {/* biome-ignore lint/a11y/useSemanticElements: a <section> here draws the Nu checker's "section lacks heading" warning; the heading above names it */}
      <div class="table-wrap" tabindex={0} role="region" aria-labelledby="versions-heading">
        <table aria-labelledby="versions-heading">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">When (UTC)</th>
              <th scope="col">Who</th>
              <th scope="col">How</th>
              <th scope="col">Note</th>
              <th scope="col">Text</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((version) => (
              <tr>
                <th scope="row">{versionName(version)}</th>
                <td>{when(version.at)}</td>
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
    </>
  )
}

export function RollbackConfirm({
  target,
  current,
  version,
}: {
  target: string
  current: LedgerVersion | null
  version: LedgerVersion
}) {
  return (
    <>
      <p>
        Rolling back makes the text of {versionName(version)} (by {version.by}, {when(version.at)}) live again, as a new
        version. One editor may do this alone, even where changes need approval: it is the emergency path, and the
        history records it.
      </p>
      <Diff
        before={current?.text ?? ''}
        after={version.text ?? ''}
        label={`${versionName(current)} → ${versionName(version)}`}
      />
      <form method="post" action={`/console/disclaimers/${target}/rollback/${version.version}`}>
        <input type="hidden" name="base" value={String(current?.version ?? 0)} />
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

/** The banner over a preview: the page below is the real page with a draft, not what visitors see. */
export function PreviewBanner({ back }: { back: string }) {
  return (
    <p class="preview-banner" role="status">
      Preview, not live. <a href={back}>Back to the console</a>
    </p>
  )
}
