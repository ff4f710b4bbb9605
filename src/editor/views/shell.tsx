// What every console page shares: its frame (header, navigation), notices, form field help, and how versions, times
// and targets are named. Every stored string is rendered as escaped text.
import type { Child } from 'hono/jsx'
import { DEFAULT_DISCLAIMERS } from '../../core/defaults.ts'
import type { LedgerVersion, LiveState } from '../../core/ledger-types.ts'
import { targetLabel } from '../../core/site-map.ts'
import { inZone } from '../../core/time.ts'
import { CONSOLE_STYLES, STYLES } from '../../site/views/styles.ts'

export { targetLabel }

/** A stored time as the site's zone shows it, with the offset: `2026-11-28 04:30 (UTC-05:00, America/New_York)`. */
export function when(iso: string | null, zone: string): string {
  return iso ? inZone(Date.parse(iso), zone) : ''
}

/** A target named inside a sentence: “the global disclaimer (on every page)”, “the note on “Conclusion””. */
export function targetName(target: string): string {
  const label = targetLabel(target)
  return `${label.charAt(0).toLowerCase()}${label.slice(1)}`
}

export function versionName(version: Pick<LedgerVersion, 'version'>): string {
  return `v${version.version}`
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

/** The console's page groups, in the order its navigation lists them: a new group is one more entry here. */
export const CONSOLE_NAV: readonly { href: string; label: string; owns: readonly string[] }[] = [
  { href: '/console', label: 'Disclaimers', owns: ['/console/disclaimers/', '/console/schedules/'] },
  { href: '/console/proposals', label: 'Proposals', owns: ['/console/proposals/'] },
  { href: '/console/reviews', label: 'Reviews', owns: ['/console/reviews/'] },
  { href: '/console/notifications', label: 'Who was told', owns: [] },
]

/** `page` on the group's own page, `true` anywhere inside the group, else nothing. */
function currentOf(item: (typeof CONSOLE_NAV)[number], path: string) {
  if (path === item.href) return 'page' as const
  return item.owns.some((prefix) => path.startsWith(prefix)) ? ('true' as const) : undefined
}

interface FrameProps {
  path: string
  title: string
  editor?: string
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

/**
 * Every console page: the console's own header and navigation (not the site's), then the page. The site's pages
 * appear only inside previews, marked as such.
 */
export function ConsoleFrame({ path, title, editor, canSignOut, settingsProblems = [], children }: FrameProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} | Disclaimer console`}</title>
        <meta name="description" content="The editor console of the site's disclaimers" />
        <meta name="color-scheme" content="light dark" />
        <meta name="robots" content="noindex" />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <style dangerouslySetInnerHTML={{ __html: STYLES }} />
        <style dangerouslySetInnerHTML={{ __html: CONSOLE_STYLES }} />
      </head>
      <body class="console">
        <div>
          <a class="skip-link" href="#main">
            Skip to “{title}”
          </a>
        </div>
        <header class="console-header">
          <p class="console-name">Disclaimer console</p>
          {editor && (
            <>
              <nav class="console-nav" aria-label="Console">
                <ul>
                  {CONSOLE_NAV.map((item) => (
                    <li>
                      <a href={item.href} aria-current={currentOf(item, path)}>
                        {item.label}
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
              <div class="console-user">
                <p>Signed in as {editor}</p>
                {canSignOut && (
                  <form method="post" action="/console/sign-out">
                    <button type="submit" class="secondary">
                      Sign out
                    </button>
                  </form>
                )}
              </div>
            </>
          )}
        </header>
        <main id="main">
          <h1>{title}</h1>
          {settingsProblems.length > 0 && <SettingsProblems problems={settingsProblems} />}
          {children}
        </main>
      </body>
    </html>
  )
}

export function Notice({ children, ok }: { children?: Child; ok?: boolean }) {
  return (
    <p class={ok ? 'notice ok' : 'notice'} role="status">
      {children}
    </p>
  )
}

/** A row of links; a link given as `false` is left out. */
export function Links({ links }: { links: ([href: string, label: Child] | false)[] }) {
  return (
    <ul class="actions">
      {links
        .filter((link) => link !== false)
        .map(([href, label]) => (
          <li>
            <a href={href}>{label}</a>
          </li>
        ))}
    </ul>
  )
}

/**
 * The links of a list shown newest first, a page at a time: back to the newest page from an older one, and on from
 * `next` (the list's cursor) to older entries. Nothing when the list fits on one page.
 */
export function Pager({
  label,
  path,
  older,
  next,
  names,
}: {
  label: string
  path: string
  older: boolean
  next: number | null
  names: [newest: string, older: string]
}) {
  if (!older && next === null) return null
  return (
    <nav aria-label={label}>
      <Links links={[older && [path, names[0]], next !== null && [`${path}?before=${next}`, names[1]]]} />
    </nav>
  )
}

/** A table's head: one column header a name. */
export function ColumnHeads({ names }: { names: string[] }) {
  return (
    <thead>
      <tr>
        {names.map((name) => (
          <th scope="col">{name}</th>
        ))}
      </tr>
    </thead>
  )
}

export interface FieldErrors {
  text?: string
  note?: string
}

/** What an editor reads and edits: the ledger's version, or a text found in KV that it has not recorded yet. */
export interface Edited {
  /** `v12`, or a phrase for an unrecorded text. */
  name: string
  text: string | null
  /** Who made it and when, for a recorded version. */
  made?: string
}

export function editedOf(live: Pick<LiveState, 'key' | 'current' | 'unrecorded'>, zone: string): Edited {
  if (live.unrecorded) return { name: 'the text in KV, changed outside the ledger', text: live.unrecorded.text }
  return live.current ? versionEdited(live.current, zone) : nothingYet(live.key)
}

export function versionEdited(version: LedgerVersion, zone: string): Edited {
  return { name: versionName(version), text: version.text, made: `made ${when(version.at, zone)} by ${version.by}` }
}

/** A disclaimer with no version yet: pages show its bundled default, or no note at all. */
export function nothingYet(key: string): Edited {
  const fallback = DEFAULT_DISCLAIMERS.get(key)
  return fallback
    ? { name: 'the bundled default (nothing published yet)', text: fallback.text }
    : { name: 'no note (nothing published yet)', text: null }
}
