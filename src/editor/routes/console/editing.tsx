// Changing a disclaimer in the console: the edit form saves the editor's draft in the ledger's object, then every
// page of the flow (review, previews, what became of it) is a GET of that draft by its id, so Back and reload never
// lose it. A draft keeps the base it was started from: a change made meanwhile is a conflict, never overwritten.
import { type Context, Hono } from 'hono'
import { contentHash, keyOf } from '../../../core/keys.ts'
import { ledgerOf } from '../../../core/ledger-address.ts'
import type { LedgerError, LiveState, Schedule } from '../../../core/ledger-types.ts'
import { LEDGER_EDIT_BOUND_MINUTES } from '../../../core/staleness.ts'
import { inZone, scheduleProblem, siteZone, wallTimeIn } from '../../../core/time.ts'
import { validateDisclaimer, validateField } from '../../../core/validate.ts'
import type { ConsoleDraft, DraftOutcome } from '../../../ledger/drafts.ts'
import type { PageDisclaimers, ReadDisclaimers } from '../../../site/reader.ts'
import { backgroundOf, toHtml, viewsShowing } from '../../../site/routes/pages.tsx'
import { CONSOLE_STYLES } from '../../../site/views/styles.ts'
import type { ConsoleEnv } from '../../http/console-auth.ts'
import { Conflict, draftPath, EditForm, PreviewBanner, Published, Review, Scheduled } from '../../views/editing.tsx'
import { AlreadyScheduled, type Making } from '../../views/schedules.tsx'
import {
  type Edited,
  editedOf,
  type FieldErrors,
  Notice,
  nothingYet,
  targetName,
  versionEdited,
} from '../../views/shell.tsx'
import { CONSOLE_PREVIEW_QUERY, NO_QUERY } from '../schemas.ts'
import { pageQuery, type RenderPage } from './page.tsx'

/** The pages that show a target's disclaimer, each named by its title in the site's navigation. */
export function previewsOf(target: string) {
  return viewsShowing(target).map((page) => ({ path: page.path, title: `the page “${page.navLabel}”` }))
}

/** The page a preview of `target` draws: the one asked for, else the first that shows it; why not, for any other. */
export function previewPath(target: string, asked: string | undefined): { path: string } | { problem: string } {
  const shows = previewsOf(target).map((preview) => preview.path)
  const path = asked ?? (shows[0] as string)
  if (shows.includes(path)) return { path }
  return { problem: `page: ${path} does not show this disclaimer; preview one of ${shows.join(', ')}` }
}

/** The real page, with `paragraphs` as the target's disclaimer, under a banner that marks it as a preview. */
export async function previewPage(
  c: Context<ConsoleEnv>,
  readDisclaimers: ReadDisclaimers,
  target: string,
  path: string,
  paragraphs: string[],
  banner: { of: string; back: { href: string; label: string }[] },
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
  const of = `the page “${site.navLabel}” with ${banner.of}`
  return c.html(
    await toHtml(
      site.view({
        origin: undefined,
        disclaimers,
        banner: <PreviewBanner of={of} back={banner.back} />,
        extraStyles: CONSOLE_STYLES,
      }),
    ),
  )
}

/** The site's time zone, in which editors give and read go-live times. */
export function zoneOf(env: Env): string {
  return siteZone(env.SITE_TIME_ZONE)
}

/** The changes already scheduled for a target, named with what the change being made will do to each. */
export function scheduledFor(live: LiveState, making: Making, zone: string, except?: number | null) {
  const others = live.scheduled.filter((schedule: Schedule) => schedule.id !== except)
  return <AlreadyScheduled schedules={others} liveBase={live.base} making={making} zone={zone} />
}

/** A draft checked by the one text rule: what is wrong with each field, or the values to send. */
function checked(draft: Pick<ConsoleDraft, 'text' | 'note'>) {
  const text = validateDisclaimer(draft.text)
  const note = validateField(draft.note, 'note')
  const errors: FieldErrors = { text: text.ok ? undefined : text.reason, note: note.ok ? undefined : note.reason }
  const valid = text.ok && note.ok ? { text: text.text, note: note.value, paragraphs: text.paragraphs } : undefined
  return { errors, valid }
}

export function editingRoutes(readDisclaimers: ReadDisclaimers, page: RenderPage) {
  const app = new Hono<ConsoleEnv>()

  /** What a draft's base names: what pages show now when it still is, else the ledger version it names. */
  async function editedFor(c: Context<ConsoleEnv>, live: LiveState, base: string): Promise<Edited> {
    const zone = zoneOf(c.env)
    if (base === live.base) return editedOf(live, zone)
    if (base === 'none') return nothingYet(live.key)
    const version = /^[0-9]+$/.test(base) ? await ledgerOf(c.env).read('version', Number(base)) : null
    return version ? versionEdited(version, zone) : { name: 'a text that is no longer live', text: null }
  }

  /** The editor's own draft at this address; null when there is none (another editor's included). */
  async function draftAt(c: Context<ConsoleEnv>): Promise<ConsoleDraft | null> {
    const found = await ledgerOf(c.env).read('draft', c.get('editor'), c.req.param('id') as string)
    return found && found.target === c.req.param('target') ? found : null
  }

  function noDraft(c: Context<ConsoleEnv>) {
    const target = c.req.param('target') as string
    return page(
      c,
      'No such draft',
      <>
        <Notice>
          There is no draft of yours at this address. A draft is kept for the editor who wrote it alone, until it is
          published or proposed, and for a week after it was last saved.
        </Notice>
        <p>
          <a href={`/console/disclaimers/${target}/edit`}>Edit {targetName(target)}</a>
        </p>
      </>,
      404,
    )
  }

  /** Where a saved draft goes next: its review when it passes the rule, else its edit form with what is wrong. */
  function next(c: Context<ConsoleEnv>, draft: ConsoleDraft) {
    if (draft.outcome) return c.redirect(draftPath(draft.target, draft.id, '/done'), 303)
    if (checked(draft).valid) return c.redirect(draftPath(draft.target, draft.id, '/review'), 303)
    return c.redirect(`/console/disclaimers/${draft.target}/edit`, 303)
  }

  async function formOf(c: Context<ConsoleEnv>) {
    const body = await c.req.parseBody()
    return { text: String(body.text ?? ''), note: String(body.note ?? ''), body }
  }

  /**
   * The edit form: the editor's draft of this disclaimer if they have one (with what breaks the rule, if anything),
   * else what pages show now, a text found in KV included (recorded only when the change is written).
   */
  app.get('/disclaimers/:target/edit', pageQuery(page, NO_QUERY), async (c) => {
    const target = c.req.param('target')
    const zone = zoneOf(c.env)
    const ledger = ledgerOf(c.env)
    const [live, draft] = await Promise.all([
      ledger.read('live', target),
      ledger.read('openDraft', c.get('editor'), target),
    ])
    const state = live as LiveState
    const edited = await editedFor(c, state, draft?.base ?? state.base)
    return page(
      c,
      `Edit ${targetName(target)}`,
      <EditForm
        target={target}
        base={state.base}
        edited={edited}
        draft={draft}
        text={draft?.text ?? edited.text ?? ''}
        note={draft?.note ?? ''}
        errors={draft ? checked(draft).errors : {}}
        zone={zone}
        scheduled={scheduledFor(state, { kind: 'undecided' }, zone)}
      />,
    )
  })

  app.post('/disclaimers/:target/drafts', async (c) => {
    const { text, note, body } = await formOf(c)
    const start = { target: c.req.param('target'), base: String(body.base ?? 'none'), text, note }
    return next(c, await ledgerOf(c.env).startDraft(c.get('editor'), start))
  })

  app.post('/disclaimers/:target/drafts/:id', async (c) => {
    const found = await draftAt(c)
    if (!found) return noDraft(c)
    if (found.outcome) return next(c, found)
    const { text, note } = await formOf(c)
    const saved = await ledgerOf(c.env).changeDraft(c.get('editor'), found.id, { text, note, problem: null })
    return saved ? next(c, saved) : noDraft(c)
  })

  /** The diff, previews, the changes already scheduled, and the form that sends it; a conflict once it is stale. */
  app.get('/disclaimers/:target/drafts/:id/review', pageQuery(page, NO_QUERY), async (c) => {
    const draft = await draftAt(c)
    if (!draft) return noDraft(c)
    if (draft.outcome || !checked(draft).valid) return next(c, draft)
    const zone = zoneOf(c.env)
    const ledger = ledgerOf(c.env)
    const [live, proposeOnly] = await Promise.all([
      ledger.read('live', draft.target),
      ledger.read('proposeOnly', draft.target, c.get('editor')),
    ])
    const state = live as LiveState
    if (state.base !== draft.base) {
      return page(c, 'Someone changed it', <Conflict draft={draft} live={state} zone={zone} />, 409)
    }
    const wall = draft.effective ? wallTimeIn(draft.effective, zone) : undefined
    const making: Making = wall?.ok ? { kind: 'at', instant: wall.instant } : { kind: 'undecided' }
    return page(
      c,
      `Review your change to ${targetName(draft.target)}`,
      <Review
        target={draft.target}
        draft={draft}
        edited={editedOf(state, zone)}
        previews={previewsOf(draft.target)}
        proposeOnly={proposeOnly}
        zone={zone}
        scheduled={scheduledFor(state, making, zone)}
        seen={state.scheduled.map((schedule) => schedule.id)}
      />,
    )
  })

  app.get('/disclaimers/:target/drafts/:id/preview', pageQuery(page, CONSOLE_PREVIEW_QUERY), async (c) => {
    const draft = await draftAt(c)
    if (!draft) return noDraft(c)
    const valid = checked(draft).valid
    if (draft.outcome || !valid) return next(c, draft)
    const shown = previewPath(draft.target, c.req.valid('query').page)
    if ('problem' in shown) return page(c, 'Not a page of the console', <Notice>{shown.problem}</Notice>, 400)
    return previewPage(c, readDisclaimers, draft.target, shown.path, valid.paragraphs, {
      of: 'your draft',
      back: [
        { href: draftPath(draft.target, draft.id, '/review'), label: 'Back to the review' },
        { href: `/console/disclaimers/${draft.target}/edit`, label: 'Back to editing' },
      ],
    })
  })

  /**
   * The review's form: the draft as saved, with its go-live time read in the site's zone, goes to the ledger's
   * publish or propose. Refused (a time that cannot be used, a change scheduled meanwhile that the editor has not
   * seen, a conflict), the editor is sent back to the review, which says why.
   */
  async function send(c: Context<ConsoleEnv>, kind: 'publish' | 'propose') {
    const draft = await draftAt(c)
    if (!draft) return noDraft(c)
    const valid = checked(draft).valid
    if (draft.outcome || !valid) return next(c, draft)
    const ledger = ledgerOf(c.env)
    const editor = c.get('editor')
    const body = await c.req.parseBody()
    const effective = String(body.effective ?? '').trim()
    const seen = String(body.seen ?? '').split(',')
    const review = async (problem: string | null) => {
      await ledger.changeDraft(editor, draft.id, { effective, problem })
      return c.redirect(draftPath(draft.target, draft.id, '/review'), 303)
    }
    const zone = zoneOf(c.env)
    const wall = effective === '' ? undefined : wallTimeIn(effective, zone)
    if (wall && !wall.ok) return review(wall.reason)
    // Said in the site's zone, as the field is read; the ledger checks the time again as it writes.
    const early = wall?.ok ? scheduleProblem(wall.instant, Date.now(), (ms) => inZone(ms, zone)) : undefined
    if (early) return review(early)
    const live = (await ledger.read('live', draft.target)) as LiveState
    const unseen = live.scheduled.filter((schedule) => !seen.includes(String(schedule.id)))
    if (unseen.length > 0) {
      return review(
        `A change to this disclaimer was scheduled while you reviewed yours (by ${unseen.map((schedule) => schedule.by).join(', ')}); it is named above with what yours would do to it. Read it, then send yours again.`,
      )
    }
    const request = {
      target: draft.target,
      text: valid.text,
      note: valid.note,
      base: draft.base,
      by: editor,
      effectiveAt: wall?.ok ? new Date(wall.instant).toISOString() : undefined,
    }
    const done = async (outcome: DraftOutcome, to: string) => {
      await ledger.changeDraft(editor, draft.id, { effective, problem: null, outcome })
      return c.redirect(to, 303)
    }
    const refused = (error: LedgerError) => {
      if (error.code === 'invalid_time' || error.code === 'schedule_conflict') return review(error.message)
      if (error.code === 'version_mismatch' || error.code === 'invalid_base') return review(null)
      return page(c, 'Not done', <Notice>{error.message}</Notice>, error.code === 'schema_ahead' ? 503 : 403)
    }
    const doneAt = draftPath(draft.target, draft.id, '/done')
    if (kind === 'propose') {
      const result = await ledger.propose(request)
      if (!result.ok) return refused(result)
      return done({ kind: 'proposed', proposal: result.proposal.id }, `/console/proposals/${result.proposal.id}`)
    }
    const result = await ledger.publish(request)
    if (!result.ok) return refused(result)
    if (result.status === 'scheduled') return done({ kind: 'scheduled', schedule: result.schedule.id }, doneAt)
    if (result.status === 'live') await readDisclaimers.remember(result.version)
    return done({ kind: 'published', status: result.status, version: result.version.version }, doneAt)
  }

  app.post('/disclaimers/:target/drafts/:id/publish', (c) => send(c, 'publish'))
  app.post('/disclaimers/:target/drafts/:id/propose', (c) => send(c, 'propose'))

  /** What became of a sent draft: published (live, or waiting for KV), or scheduled; a proposal has its own page. */
  app.get('/disclaimers/:target/drafts/:id/done', pageQuery(page, NO_QUERY), async (c) => {
    const draft = await draftAt(c)
    if (!draft) return noDraft(c)
    const { outcome } = draft
    if (!outcome) return c.redirect(draftPath(draft.target, draft.id, '/review'), 303)
    if (outcome.kind === 'proposed') return c.redirect(`/console/proposals/${outcome.proposal}`, 303)
    const zone = zoneOf(c.env)
    const ledger = ledgerOf(c.env)
    const live = (await ledger.read('live', draft.target)) as LiveState
    if (outcome.kind === 'scheduled') {
      const schedule = (await ledger.read('schedule', outcome.schedule)) as Schedule
      const making: Making = { kind: 'at', instant: Date.parse(schedule.effectiveAt) }
      return page(
        c,
        `Scheduled: ${targetName(draft.target)}`,
        <Scheduled schedule={schedule} zone={zone} scheduled={scheduledFor(live, making, zone, schedule.id)} />,
      )
    }
    const version = await ledger.read('version', outcome.version)
    if (!version) return c.notFound()
    const status = outcome.status === 'unchanged' ? 'unchanged' : version.landedAt ? 'live' : 'pending'
    return page(
      c,
      `Published: ${targetName(draft.target)}`,
      <Published
        version={version}
        status={status}
        boundMinutes={LEDGER_EDIT_BOUND_MINUTES}
        scheduled={scheduledFor(live, { kind: 'made' }, zone)}
      />,
    )
  })

  /** After a conflict: the live text in the field and the editor's own beside it to copy from. */
  app.post('/disclaimers/:target/drafts/:id/restart', async (c) => {
    const draft = await draftAt(c)
    if (!draft) return noDraft(c)
    if (draft.outcome) return next(c, draft)
    const live = (await ledgerOf(c.env).read('live', draft.target)) as LiveState
    const text = editedOf(live, zoneOf(c.env)).text ?? ''
    const change = { base: live.base, text, earlier: draft.text, problem: null }
    await ledgerOf(c.env).changeDraft(c.get('editor'), draft.id, change)
    return c.redirect(`/console/disclaimers/${draft.target}/edit`, 303)
  })

  app.post('/disclaimers/:target/drafts/:id/discard', async (c) => {
    await ledgerOf(c.env).discardDraft(c.get('editor'), c.req.param('id'))
    return c.redirect(`/console/disclaimers/${c.req.param('target')}/edit`, 303)
  })

  return app
}
