// What every console page shares: the shell (the site's layout with the console bar), notices, form field help, and
// how versions, times and targets are named. Every stored string is rendered as escaped text.
import type { Child } from 'hono/jsx'
import type { LedgerVersion, LiveState } from '../../core/ledger-types.ts'
import type { PageDisclaimers } from '../../site/reader.ts'
import { Layout } from '../../site/views/layout.tsx'
import { CONSOLE_STYLES } from '../../site/views/styles.ts'

export { targetLabel } from '../../core/site-map.ts'

export function when(iso: string | null): string {
  return iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : ''
}

export function versionName(version: LedgerVersion | null): string {
  return version ? `v${version.version}` : 'no version yet'
}

/** A form field's label, its hint and (after a refused submission) its error, each with an id the control cites. */
export function FieldHelp({ id, label, hint, error }: { id: string; label: string; hint: Child; error?: string }) {
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
export function describedBy(id: string, error?: string) {
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
  /** What is wrong with the site's settings (core/settings.ts): said on every page until an operator fixes it. */
  settingsProblems?: readonly string[]
  children?: Child
}

/** The site's settings that need an operator, above every console page while there are any. */
function SettingsProblems({ problems }: { problems: readonly string[] }) {
  return (
    <section class="notice" role="alert" aria-labelledby="settings-problems">
      <h2 id="settings-problems">The site's settings need an operator</h2>
      <p>Pages are still served. Until these are fixed in wrangler.toml or the secrets and deployed again:</p>
      <ul>
        {problems.map((problem) => (
          <li>{problem}</li>
        ))}
      </ul>
    </section>
  )
}

/** Every console page: the site's layout and stylesheet, plus the console's, with a bar naming who is signed in. */
export function ConsoleShell({
  path,
  title,
  editor,
  disclaimers,
  canSignOut,
  settingsProblems = [],
  children,
}: ShellProps) {
  const bar = editor && (
    <nav class="console-bar" aria-label="Editor console">
      <a href="/console">All disclaimers</a>
      <a href="/console/proposals">Proposals</a>
      <a href="/console/notifications">Who was told</a>
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
      {settingsProblems.length > 0 && <SettingsProblems problems={settingsProblems} />}
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

export interface Draft {
  text: string
  note: string
}

export interface FieldErrors {
  text?: string
  note?: string
}

/** A draft carried from one form to the next, with the base it was started from. */
export function DraftFields({ draft, base }: { draft: Draft; base: string }) {
  return (
    <>
      <input type="hidden" name="base" value={base} />
      <input type="hidden" name="text" value={draft.text} />
      <input type="hidden" name="note" value={draft.note} />
    </>
  )
}

/** What an editor reads and edits: the ledger's version, or a text found in KV that it has not recorded yet. */
export interface Edited {
  /** `v12`, or a phrase for an unrecorded text. */
  name: string
  text: string | null
  /** Who made it and when, for a recorded version. */
  made?: string
}

export function editedOf(live: Pick<LiveState, 'current' | 'unrecorded'>): Edited {
  if (live.unrecorded) return { name: 'the text in KV, changed outside the ledger', text: live.unrecorded.text }
  return versionEdited(live.current)
}

export function versionEdited(version: LedgerVersion | null): Edited {
  if (!version) return { name: versionName(null), text: null }
  return { name: versionName(version), text: version.text, made: `made ${when(version.at)} by ${version.by}` }
}
