// The editor console: the disclaimers' owners change them in a browser, through the same ledger as the API and CLI.
import { type Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { csrf } from 'hono/csrf'
import { HTTPException } from 'hono/http-exception'
import type { Child } from 'hono/jsx'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { DEFAULT_DISCLAIMERS, isTarget, TARGETS } from '../disclaimer/defaults.ts'
import { editorForToken, editorsFrom } from '../disclaimer/editors.ts'
import { contentHash, keyOf } from '../disclaimer/keys.ts'
import { ledgerOf } from '../disclaimer/ledger.ts'
import type { PageDisclaimers, ReadDisclaimers } from '../disclaimer/read.ts'
import type { LedgerError, PublishResult } from '../disclaimer/records.ts'
import { LEDGER_EDIT_BOUND_MS } from '../disclaimer/staleness.ts'
import { validateDisclaimer, validateField } from '../disclaimer/validate.ts'
import { NO_STORE } from '../http/caching.ts'
import {
  type AccessKeys,
  type ConsoleEnv,
  consoleAuth,
  endSession,
  signInMethod,
  startSession,
} from '../http/console-auth.ts'
import { clientAddress } from '../http/editor-auth.ts'
import { MAX_BODY_BYTES } from '../http/json-body.ts'
import { withinLimit } from '../http/rate-limit.ts'
import { consoleSecurityHeaders } from '../http/security-headers.ts'
import {
  Conflict,
  ConsoleShell,
  type Draft,
  EditForm,
  type FieldErrors,
  History,
  Notice,
  Overview,
  PreviewBanner,
  ProposalList,
  ProposalView,
  Published,
  Review,
  RollbackConfirm,
  SignInForm,
} from '../views/console.tsx'
import { CONSOLE_STYLES } from '../views/styles.ts'
import { backgroundOf, pagesShowing, SITE_VIEWS, toHtml } from './pages.tsx'

const BOUND_MINUTES = Math.ceil(LEDGER_EDIT_BOUND_MS / 60_000)

function previewsOf(target: string) {
  return pagesShowing(target).map((page) => ({
    path: page.path,
    title: page.path === '/' ? 'the home page' : page.path,
  }))
}

export interface ConsoleOptions {
  /** Where the Access team's signing keys come from; tests serve keys they made. */
  accessKeys: AccessKeys
}

export function consoleRoutes(readDisclaimers: ReadDisclaimers, { accessKeys }: ConsoleOptions) {
  const app = new Hono<ConsoleEnv>()

  async function page(c: Context<ConsoleEnv>, title: string, body: Child, status: ContentfulStatusCode = 200) {
    const disclaimers = await readDisclaimers(c.env.DISCLAIMERS, [], backgroundOf(c))
    const html = await toHtml(
      <ConsoleShell
        path={c.req.path}
        title={title}
        editor={c.get('editor')}
        disclaimers={disclaimers}
        canSignOut={signInMethod(c.env) === 'token'}
      >
        {body}
      </ConsoleShell>,
    )
    return c.html(html, status)
  }

  app.use(async (c, next) => {
    await next()
    c.header('Cache-Control', NO_STORE)
    c.header('X-Robots-Tag', 'noindex')
  })
  app.use(consoleSecurityHeaders)
  app.use(csrf())
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => page(c, 'Too much text', <Notice>The form sent more than {MAX_BODY_BYTES} bytes.</Notice>, 413),
    }),
  )
  app.use(consoleAuth(accessKeys, (c, status, why) => page(c, 'Not signed in', <Notice>{why}</Notice>, status)))
  app.use(async (c, next) => {
    const editor = c.get('editor')
    if (c.req.method === 'POST' && editor && !c.req.path.startsWith('/console/sign-')) {
      if (!(await withinLimit(c.env.EDITOR_WRITES, editor))) {
        return page(
          c,
          'Too many changes',
          <Notice>{editor} made too many changes in the last minute; wait one.</Notice>,
          429,
        )
      }
    }
    return next()
  })
  app.use('/disclaimers/:target/*', async (c, next) => (isTarget(c.req.param('target') ?? '') ? next() : c.notFound()))

  // Signing in and out (locally; under Access, Access does it)

  app.get('/sign-in', (c) => (signInMethod(c.env) === 'token' ? page(c, 'Sign in', <SignInForm />) : c.notFound()))

  app.post('/sign-in', async (c) => {
    if (signInMethod(c.env) !== 'token') return c.notFound()
    const { token } = await c.req.parseBody()
    const config = editorsFrom(c.env.EDITORS)
    const editor =
      config.ok && typeof token === 'string' ? await editorForToken(config.editors, token.trim()) : undefined
    if (!editor) {
      if (!(await withinLimit(c.env.AUTH_FAILURES, clientAddress(c.req.raw.headers)))) {
        return page(
          c,
          'Sign in',
          <SignInForm error="Too many failed sign-ins from your address; wait a minute." />,
          429,
        )
      }
      return page(
        c,
        'Sign in',
        <SignInForm error="That token does not belong to an editor. Check it and try again." />,
        401,
      )
    }
    await startSession(c, editor)
    return c.redirect('/console', 303)
  })

  app.post('/sign-out', (c) => {
    endSession(c)
    return c.redirect('/console/sign-in', 303)
  })

  // Reading

  app.get('/', async (c) => {
    const ledger = ledgerOf(c.env)
    // An edit made around the ledger since the last cron run is recorded first, so the overview says what pages show.
    await ledger.reconcile()
    const [pending, proposals] = await Promise.all([ledger.pending(), ledger.proposals('open')])
    const rows = await Promise.all(
      TARGETS.map(async (target) => ({
        target,
        current: await ledger.current(target),
        pending: pending.some((entry) => entry.key === keyOf(target)),
        openProposals: proposals.filter((proposal) => proposal.target === target).length,
        hasDefault: DEFAULT_DISCLAIMERS.has(keyOf(target)),
      })),
    )
    return page(c, 'Disclaimers', <Overview rows={rows} />)
  })

  app.get('/proposals', async (c) => {
    const target = c.req.query('target')
    const proposals = await ledgerOf(c.env).proposals('open', target && isTarget(target) ? target : undefined)
    return page(c, 'Proposals waiting for approval', <ProposalList proposals={proposals} />)
  })

  app.get('/disclaimers/:target/history', async (c) => {
    const target = c.req.param('target')
    const ledger = ledgerOf(c.env)
    const time = c.req.query('at')
    const at = time && !Number.isNaN(Date.parse(`${time}Z`)) ? new Date(`${time}Z`).toISOString() : undefined
    const [versions, version] = await Promise.all([
      ledger.history(target),
      at ? ledger.versionAt(target, at) : Promise.resolve(null),
    ])
    return page(
      c,
      'History',
      <History target={target} versions={versions} at={at ? { time: at, version } : undefined} />,
    )
  })

  // Editing: edit → review (diff, previews) → publish or propose

  /**
   * The edit form. A fresh edit first records any edit made around the ledger (so the version it starts from is
   * what pages show) and starts from the live text; a draft keeps the version it was started from, so a change
   * made meanwhile is a conflict at review, never overwritten. `yours`: an editor's earlier text, shown to copy from.
   */
  async function editPage(
    c: Context<ConsoleEnv>,
    target: string,
    options: { draft?: Draft; base?: number; yours?: string; errors?: FieldErrors; status?: ContentfulStatusCode } = {},
  ) {
    const ledger = ledgerOf(c.env)
    if (!options.draft) await ledger.reconcile()
    const current = await ledger.current(target)
    const base = options.base ?? current?.version ?? 0
    const edited = base === (current?.version ?? 0) ? current : await ledger.version(base)
    const text = options.draft?.text ?? current?.text ?? DEFAULT_DISCLAIMERS.get(keyOf(target))?.text ?? ''
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
    const base = Number(body.base ?? 0)
    const text = validateDisclaimer(draft.text)
    const note = validateField(draft.note, 'note')
    const errors: FieldErrors = { text: text.ok ? undefined : text.reason, note: note.ok ? undefined : note.reason }
    const valid = text.ok && note.ok ? { text: text.text, note: note.value, paragraphs: text.paragraphs } : undefined
    return { draft, base: Number.isInteger(base) && base >= 0 ? base : 0, errors, valid }
  }

  app.get('/disclaimers/:target/edit', (c) => editPage(c, c.req.param('target')))
  app.post('/disclaimers/:target/edit', async (c) => {
    const { draft, base } = await draftOf(c)
    // "Start again" after a conflict: the live text in the field, the editor's own beside it to copy from.
    if ((await c.req.parseBody()).restart === '1') return editPage(c, c.req.param('target'), { yours: draft.text })
    return editPage(c, c.req.param('target'), { draft, base })
  })

  app.post('/disclaimers/:target/review', async (c) => {
    const target = c.req.param('target')
    const { draft, base, errors, valid } = await draftOf(c)
    if (!valid) return editPage(c, target, { draft, base, errors, status: 422 })
    const ledger = ledgerOf(c.env)
    const [current, requiresApproval] = await Promise.all([ledger.current(target), ledger.requiresApproval()])
    if ((current?.version ?? 0) !== base)
      return page(c, 'Someone changed it', <Conflict target={target} draft={draft} current={current} />, 409)
    return page(
      c,
      `Review: ${target}`,
      <Review
        target={target}
        current={current}
        draft={{ text: valid.text, note: valid.note }}
        base={base}
        previews={previewsOf(target)}
        requiresApproval={requiresApproval}
      />,
    )
  })

  /** The real page, with `paragraphs` as the target's disclaimer, marked as a preview. */
  async function preview(c: Context<ConsoleEnv>, target: string, path: string, paragraphs: string[], back: string) {
    const site = SITE_VIEWS.find((entry) => entry.path === path)
    if (!site || !pagesShowing(target).includes(site)) return c.notFound()
    const read = await readDisclaimers(c.env.DISCLAIMERS, site.slugs, backgroundOf(c))
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
        site.view({
          origin: undefined,
          disclaimers,
          banner: <PreviewBanner back={back} />,
          extraStyles: CONSOLE_STYLES,
        }),
      ),
    )
  }

  app.post('/disclaimers/:target/preview', async (c) => {
    const target = c.req.param('target')
    const { draft, base, errors, valid } = await draftOf(c)
    const body = await c.req.parseBody()
    if (!valid) return editPage(c, target, { draft, base, errors, status: 422 })
    return preview(c, target, String(body.page ?? '/'), valid.paragraphs, `/console/disclaimers/${target}/edit`)
  })

  /** The page for a ledger answer: published, a conflict with both texts, or what was wrong. */
  async function outcome(c: Context<ConsoleEnv>, target: string, draft: Draft, result: PublishResult, base?: number) {
    if (result.ok)
      return page(
        c,
        'Published',
        <Published version={result.version} status={result.status} boundMinutes={BOUND_MINUTES} />,
      )
    return refused(c, target, draft, result, base)
  }

  async function refused(c: Context<ConsoleEnv>, target: string, draft: Draft, error: LedgerError, base?: number) {
    if (error.code === 'version_mismatch') {
      return page(
        c,
        'Someone changed it',
        <Conflict target={target} draft={draft} current={error.current ?? null} />,
        409,
      )
    }
    if (error.code === 'invalid_text') {
      return editPage(c, target, { draft, base, errors: { [error.field ?? 'text']: error.message }, status: 422 })
    }
    const status = error.code === 'unknown_proposal' || error.code === 'unknown_version' ? 404 : 403
    return page(c, 'Not done', <Notice>{error.message}</Notice>, status)
  }

  app.post('/disclaimers/:target/publish', async (c) => {
    const target = c.req.param('target')
    const { draft, base, errors, valid } = await draftOf(c)
    if (!valid) return editPage(c, target, { draft, base, errors, status: 422 })
    const result = await ledgerOf(c.env).publish({
      target,
      text: valid.text,
      note: valid.note,
      base,
      by: c.get('editor'),
    })
    return outcome(c, target, draft, result, base)
  })

  app.post('/disclaimers/:target/propose', async (c) => {
    const target = c.req.param('target')
    const { draft, base, errors, valid } = await draftOf(c)
    if (!valid) return editPage(c, target, { draft, base, errors, status: 422 })
    const result = await ledgerOf(c.env).propose({
      target,
      text: valid.text,
      note: valid.note,
      base,
      by: c.get('editor'),
    })
    if (!result.ok) return refused(c, target, draft, result, base)
    return c.redirect(`/console/proposals/${result.proposal.id}`, 303)
  })

  // Proposals: a different editor approves or rejects

  async function proposalPage(c: Context<ConsoleEnv>, id: number, error?: string, status?: ContentfulStatusCode) {
    const ledger = ledgerOf(c.env)
    const proposal = await ledger.proposal(id)
    if (!proposal) return c.notFound()
    const [base, current] = await Promise.all([
      proposal.base ? ledger.version(proposal.base) : Promise.resolve(null),
      ledger.current(proposal.target),
    ])
    return page(
      c,
      `Proposal ${id}`,
      <ProposalView
        proposal={proposal}
        base={base}
        current={current}
        editor={c.get('editor')}
        previews={previewsOf(proposal.target)}
        error={error}
      />,
      status,
    )
  }

  app.get('/proposals/:id{[0-9]+}', (c) => proposalPage(c, Number(c.req.param('id'))))

  app.get('/proposals/:id{[0-9]+}/preview', async (c) => {
    const proposal = await ledgerOf(c.env).proposal(Number(c.req.param('id')))
    if (!proposal) return c.notFound()
    const checked = validateDisclaimer(proposal.text)
    if (!checked.ok) return c.notFound()
    return preview(
      c,
      proposal.target,
      c.req.query('page') ?? '/',
      checked.paragraphs,
      `/console/proposals/${proposal.id}`,
    )
  })

  app.post('/proposals/:id{[0-9]+}/approve', async (c) => {
    const id = Number(c.req.param('id'))
    const result = await ledgerOf(c.env).approve({ id, by: c.get('editor') })
    if (result.ok) return outcome(c, result.version.target, { text: result.version.text ?? '', note: '' }, result)
    if (result.code === 'version_mismatch') {
      return proposalPage(
        c,
        id,
        'The live text changed since this was proposed, so approving it would overwrite that change. It was not approved.',
        409,
      )
    }
    return proposalPage(c, id, result.message, result.code === 'unknown_proposal' ? 404 : 403)
  })

  app.post('/proposals/:id{[0-9]+}/reject', async (c) => {
    const id = Number(c.req.param('id'))
    const { reason } = await c.req.parseBody()
    const result = await ledgerOf(c.env).reject({ id, by: c.get('editor'), reason: String(reason ?? '') })
    return result.ok
      ? proposalPage(c, id)
      : proposalPage(c, id, result.message, result.code === 'invalid_text' ? 422 : 403)
  })

  // Rollback, with a confirmation step

  app.get('/disclaimers/:target/rollback/:version{[0-9]+}', async (c) => {
    const target = c.req.param('target')
    const ledger = ledgerOf(c.env)
    const [current, version] = await Promise.all([
      ledger.current(target),
      ledger.version(Number(c.req.param('version'))),
    ])
    if (!version || version.target !== target) return c.notFound()
    return page(
      c,
      `Roll back to v${version.version}?`,
      <RollbackConfirm target={target} current={current} version={version} />,
    )
  })

  app.post('/disclaimers/:target/rollback/:version{[0-9]+}', async (c) => {
    const target = c.req.param('target')
    const body = await c.req.parseBody()
    const note = validateField(String(body.note ?? ''), 'note')
    const ledger = ledgerOf(c.env)
    const to = Number(c.req.param('version'))
    const draft = { text: (await ledger.version(to))?.text ?? '', note: String(body.note ?? '') }
    if (!note.ok) return page(c, 'Not done', <Notice>{note.reason}</Notice>, 422)
    const result = await ledger.rollback({
      target,
      to,
      base: Number(body.base ?? 0),
      note: note.value,
      by: c.get('editor'),
    })
    return outcome(c, target, draft, result)
  })

  app.onError((error, c) => {
    if (error instanceof HTTPException && error.status === 403) {
      return page(c, 'Refused', <Notice>This form was sent from another site, so nothing was changed.</Notice>, 403)
    }
    console.error('console request failed', {
      path: c.req.path,
      error: error instanceof Error ? error.message : String(error),
    })
    return page(
      c,
      'Something went wrong',
      <Notice>The request failed; nothing was changed unless the history shows it.</Notice>,
      500,
    )
  })
  return app
}
