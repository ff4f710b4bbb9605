// Changing a disclaimer in the console: edit → review (diff, previews) → publish or propose. A draft keeps the base it
// was started from, so a change made meanwhile is a conflict at review or at the write, never overwritten.
import { type Context, Hono } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { DEFAULT_DISCLAIMERS } from '../../../core/defaults.ts'
import { contentHash, keyOf } from '../../../core/keys.ts'
import { ledgerOf } from '../../../core/ledger-address.ts'
import type { LedgerError, LiveState, PublishResult } from '../../../core/ledger-types.ts'
import { LEDGER_EDIT_BOUND_MINUTES } from '../../../core/staleness.ts'
import { siteZone, wallTimeIn } from '../../../core/time.ts'
import { validateDisclaimer, validateField } from '../../../core/validate.ts'
import type { PageDisclaimers, ReadDisclaimers } from '../../../site/reader.ts'
import { backgroundOf, toHtml, viewsShowing } from '../../../site/routes/pages.tsx'
import { CONSOLE_STYLES } from '../../../site/views/styles.ts'
import type { ConsoleEnv } from '../../http/console-auth.ts'
import { Conflict, EditForm, PreviewBanner, Published, Review, Scheduled } from '../../views/editing.tsx'
import { type Draft, type Edited, editedOf, type FieldErrors, Notice, versionEdited } from '../../views/shell.tsx'
import { NO_QUERY } from '../schemas.ts'
import { pageQuery, type RenderPage } from './page.tsx'

export function previewsOf(target: string) {
  return viewsShowing(target).map((page) => ({
    path: page.path,
    title: page.path === '/' ? 'the home page' : page.path,
  }))
}

/** The real page, with `paragraphs` as the target's disclaimer, marked as a preview. */
export async function previewPage(
  c: Context<ConsoleEnv>,
  readDisclaimers: ReadDisclaimers,
  target: string,
  path: string,
  paragraphs: string[],
  back: string,
) {
  const site = viewsShowing(target).find((entry) => entry.path === path)
  if (!site) return c.notFound()
  const read = await readDisclaimers(c.env, site.notes, backgroundOf(c))
  const draft = {
    key: keyOf(target),
    source: 'kv' as const,
    paragraphs,
    hash: await contentHash(paragraphs.join('\n\n')),
    version: 'preview',
  }
  const pages = new Map(read.pages)
  if (target !== 'global') pages.set(target, draft)
  const disclaimers: PageDisclaimers = { ...read, pages, global: target === 'global' ? draft : read.global }
  return c.html(
    await toHtml(
      site.view({ origin: undefined, disclaimers, banner: <PreviewBanner back={back} />, extraStyles: CONSOLE_STYLES }),
    ),
  )
}

/** The site's time zone, in which editors give and read go-live times. */
export function zoneOf(env: Env): string {
  return siteZone(env.SITE_TIME_ZONE)
}

/** The page for a ledger answer: published (shown at once by this server), scheduled, or why not. */
export async function outcome(
  c: Context<ConsoleEnv>,
  page: RenderPage,
  readDisclaimers: ReadDisclaimers,
  result: PublishResult,
  refused: (error: LedgerError) => Promise<Response>,
) {
  if (!result.ok) return refused(result)
  if (result.status === 'scheduled')
    return page(c, 'Scheduled', <Scheduled schedule={result.schedule} zone={zoneOf(c.env)} />)
  if (result.status === 'live') await readDisclaimers.remember(result.version)
  return page(
    c,
    'Published',
    <Published version={result.version} status={result.status} boundMinutes={LEDGER_EDIT_BOUND_MINUTES} />,
  )
}

export function editingRoutes(readDisclaimers: ReadDisclaimers, page: RenderPage) {
  const app = new Hono<ConsoleEnv>()

  /** What a draft's base names: what pages show now when it still is, else the ledger version it names. */
  async function editedFor(c: Context<ConsoleEnv>, live: LiveState, base: string): Promise<Edited> {
    if (base === live.base) return editedOf(live)
    const version = /^[0-9]+$/.test(base) ? await ledgerOf(c.env).version(Number(base)) : null
    return version ? versionEdited(version) : { name: 'a text that is no longer live', text: null }
  }

  /**
   * The edit form. A fresh edit starts from what pages show now (a text found in KV included, recorded only when the
   * change is written); a draft keeps the base it was started from. `yours`: an editor's earlier text, to copy from.
   */
  async function editPage(
    c: Context<ConsoleEnv>,
    target: string,
    options: { draft?: Draft; base?: string; yours?: string; errors?: FieldErrors; status?: ContentfulStatusCode } = {},
  ) {
    const live = (await ledgerOf(c.env).live(target)) as LiveState
    const base = options.base ?? live.base
    const edited = await editedFor(c, live, base)
    const text = options.draft?.text ?? edited.text ?? DEFAULT_DISCLAIMERS.get(keyOf(target))?.text ?? ''
    return page(
      c,
      `Edit: ${target}`,
      <EditForm
        target={target}
        edited={edited}
        base={base}
        draft={{ text, note: options.draft?.note ?? '' }}
        yours={options.yours}
        errors={options.errors}
      />,
      options.status,
    )
  }

  /** The draft a form sent, checked by the one text rule. */
  async function draftOf(c: Context<ConsoleEnv>) {
    const body = await c.req.parseBody()
    const draft: Draft = { text: String(body.text ?? ''), note: String(body.note ?? '') }
    const text = validateDisclaimer(draft.text)
    const note = validateField(draft.note, 'note')
    const errors: FieldErrors = { text: text.ok ? undefined : text.reason, note: note.ok ? undefined : note.reason }
    const valid = text.ok && note.ok ? { text: text.text, note: note.value, paragraphs: text.paragraphs } : undefined
    const effective = String(body.effective ?? '').trim()
    return { draft, base: String(body.base ?? 'none'), errors, valid, body, effective }
  }

  /** The go-live time a form asked for, read in the site's zone: undefined for now, else its ISO time or the problem. */
  function effectiveOf(c: Context<ConsoleEnv>, effective: string): { iso?: string; problem?: string } {
    if (effective === '') return {}
    const read = wallTimeIn(effective, zoneOf(c.env))
    return read.ok ? { iso: new Date(read.instant).toISOString() } : { problem: read.reason }
  }

  /** The review page again, with what was wrong with the go-live time (or the ledger's word on it). */
  async function reviewPage(
    c: Context<ConsoleEnv>,
    target: string,
    draft: Draft,
    base: string,
    when?: { effective: string; problem: string },
  ) {
    const ledger = ledgerOf(c.env)
    const [live, requiresApproval] = await Promise.all([ledger.live(target), ledger.requiresApproval()])
    if (!live || live.base !== base) {
      return page(c, 'Someone changed it', <Conflict target={target} draft={draft} live={live as LiveState} />, 409)
    }
    return page(
      c,
      `Review: ${target}`,
      <Review
        target={target}
        edited={editedOf(live)}
        draft={draft}
        base={base}
        previews={previewsOf(target)}
        requiresApproval={requiresApproval}
        zone={zoneOf(c.env)}
        effective={when?.effective}
        effectiveError={when?.problem}
        pending={live.scheduled[0]}
      />,
      when ? 422 : 200,
    )
  }

  async function refused(
    c: Context<ConsoleEnv>,
    target: string,
    { draft, base, effective }: { draft: Draft; base: string; effective: string },
    error: LedgerError,
  ) {
    if (error.code === 'version_mismatch' || error.code === 'invalid_base') {
      const live = (await ledgerOf(c.env).live(target)) as LiveState
      return page(c, 'Someone changed it', <Conflict target={target} draft={draft} live={live} />, 409)
    }
    if (error.code === 'invalid_text') {
      return editPage(c, target, { draft, base, errors: { [error.field ?? 'text']: error.message }, status: 422 })
    }
    if (error.code === 'invalid_time' || error.code === 'schedule_conflict') {
      return reviewPage(c, target, draft, base, { effective, problem: error.message })
    }
    return page(c, 'Not done', <Notice>{error.message}</Notice>, 403)
  }

  app.get('/disclaimers/:target/edit', pageQuery(page, NO_QUERY), (c) => editPage(c, c.req.param('target')))
  app.post('/disclaimers/:target/edit', async (c) => {
    const { draft, base, body } = await draftOf(c)
    // "Start again" after a conflict: the live text in the field, the editor's own beside it to copy from.
    if (body.restart === '1') return editPage(c, c.req.param('target'), { yours: draft.text })
    return editPage(c, c.req.param('target'), { draft, base })
  })

  app.post('/disclaimers/:target/review', async (c) => {
    const target = c.req.param('target')
    const { draft, base, errors, valid } = await draftOf(c)
    if (!valid) return editPage(c, target, { draft, base, errors, status: 422 })
    return reviewPage(c, target, { text: valid.text, note: valid.note }, base)
  })

  app.post('/disclaimers/:target/preview', async (c) => {
    const target = c.req.param('target')
    const { draft, base, errors, valid, body } = await draftOf(c)
    if (!valid) return editPage(c, target, { draft, base, errors, status: 422 })
    const path = String(body.page ?? '/')
    return previewPage(c, readDisclaimers, target, path, valid.paragraphs, `/console/disclaimers/${target}/edit`)
  })

  /**
   * The final form of a review: the draft, checked again, and its go-live time, read in the site's zone; then the
   * ledger's publish or propose with them. A time that cannot be used sends the editor back to the review page.
   */
  async function submit(c: Context<ConsoleEnv>, kind: 'publish' | 'propose') {
    const target = c.req.param('target') as string
    const { draft, base, errors, valid, effective } = await draftOf(c)
    if (!valid) return editPage(c, target, { draft, base, errors, status: 422 })
    const when = effectiveOf(c, effective)
    if (when.problem) return reviewPage(c, target, draft, base, { effective, problem: when.problem })
    const request = { target, text: valid.text, note: valid.note, base, by: c.get('editor'), effectiveAt: when.iso }
    const refuse = (error: LedgerError) => refused(c, target, { draft, base, effective }, error)
    if (kind === 'publish') return outcome(c, page, readDisclaimers, await ledgerOf(c.env).publish(request), refuse)
    const result = await ledgerOf(c.env).propose(request)
    if (!result.ok) return refuse(result)
    return c.redirect(`/console/proposals/${result.proposal.id}`, 303)
  }

  app.post('/disclaimers/:target/publish', (c) => submit(c, 'publish'))
  app.post('/disclaimers/:target/propose', (c) => submit(c, 'propose'))

  return app
}
