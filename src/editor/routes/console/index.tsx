// The editor console: the disclaimers' owners change them in a browser, through the same ledger as the API and CLI.
// This file signs editors in and out, shows the overview, and mounts the page groups: editing, proposals, history.
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { csrf } from 'hono/csrf'
import { HTTPException } from 'hono/http-exception'
import { exportStream } from '../../../core/chain.ts'
import { editorForToken, editorsFrom } from '../../../core/editors.ts'
import { ledgerOf } from '../../../core/ledger-address.ts'
import { isTarget } from '../../../core/site-map.ts'
import { NO_STORE } from '../../../site/http/caching.ts'
import { consoleSecurityHeaders } from '../../../site/http/security-headers.ts'
import type { ReadDisclaimers } from '../../../site/reader.ts'
import {
  type AccessKeys,
  type ConsoleEnv,
  consoleAuth,
  endSession,
  signInMethod,
  startSession,
} from '../../http/console-auth.ts'
import { clientAddress, NO_CLIENT_ADDRESS } from '../../http/editor-auth.ts'
import { MAX_BODY_BYTES } from '../../http/json-body.ts'
import { RATE_LIMIT_PERIOD_SECONDS, signInAllowed, signInFailed, withinLimit } from '../../http/rate-limit.ts'
import { NotificationList } from '../../views/notifications.tsx'
import { Overview } from '../../views/overview.tsx'
import { Notice } from '../../views/shell.tsx'
import { SignInForm } from '../../views/sign-in.tsx'
import { CONSOLE_PAGE_QUERY, consoleRequestProblem, NO_QUERY } from '../schemas.ts'
import { editingRoutes, zoneOf } from './editing.tsx'
import { historyRoutes } from './history.tsx'
import { CONSOLE_PAGE, consolePages, pageQuery } from './page.tsx'
import { proposalRoutes } from './proposals.tsx'
import { reviewRoutes } from './reviews.tsx'
import { scheduleRoutes } from './schedules.tsx'

export interface ConsoleOptions {
  /** Where the Access team's signing keys come from; tests serve keys they made. */
  accessKeys: AccessKeys
}

export function consoleRoutes(readDisclaimers: ReadDisclaimers, { accessKeys }: ConsoleOptions) {
  const app = new Hono<ConsoleEnv>()
  const page = consolePages()

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
  app.use(
    consoleAuth(accessKeys, (c, status, why) =>
      page(c, status === 503 ? 'The console is not set up' : 'Not signed in', <Notice>{why}</Notice>, status),
    ),
  )
  app.use(async (c, next) => {
    const problem = await consoleRequestProblem(c.req.raw, c.req.path, () => c.req.formData())
    return problem ? page(c, 'Not a page of the console', <Notice>{problem}</Notice>, 400) : next()
  })
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

  // Signing in and out (locally; under Access, Access does it)

  app.get('/sign-in', pageQuery(page, NO_QUERY), (c) =>
    signInMethod(c.env) === 'token' ? page(c, 'Sign in', <SignInForm />) : c.notFound(),
  )

  app.post('/sign-in', async (c) => {
    if (signInMethod(c.env) !== 'token') return c.notFound()
    const address = clientAddress(c.req.raw.headers)
    if (address === undefined) return page(c, 'Sign in', <SignInForm error={`Refused: ${NO_CLIENT_ADDRESS}.`} />, 400)
    if (!(await signInAllowed(c.env.AUTH_FAILURES, address))) {
      c.header('Retry-After', String(RATE_LIMIT_PERIOD_SECONDS))
      const error = 'Too many failed sign-ins from your address: every sign-in from it waits a minute.'
      return page(c, 'Sign in', <SignInForm error={error} />, 429)
    }
    const { token } = await c.req.parseBody()
    const config = editorsFrom(c.env.EDITORS)
    const editor =
      config.ok && typeof token === 'string' ? await editorForToken(config.editors, token.trim()) : undefined
    if (!config.ok || !editor) {
      await signInFailed(c.env.AUTH_FAILURES, address)
      return page(
        c,
        'Sign in',
        <SignInForm error="That token does not belong to an editor. Check it and try again." />,
        401,
      )
    }
    await startSession(c, editor, config.editors)
    return c.redirect('/console', 303)
  })

  app.post('/sign-out', async (c) => {
    await endSession(c, c.get('editor'))
    return c.redirect('/console/sign-in', 303)
  })

  // What pages show, for every disclaimer: read from KV and the ledger, recording nothing.

  app.get('/', pageQuery(page, NO_QUERY), async (c) => {
    const ledger = ledgerOf(c.env)
    const [rows, trouble] = await Promise.all([ledger.read('overview'), ledger.read('deliveryTrouble')])
    return page(c, 'Disclaimers', <Overview rows={rows} zone={zoneOf(c.env)} trouble={trouble} />)
  })

  app.get('/notifications', pageQuery(page, CONSOLE_PAGE_QUERY), async (c) => {
    const { before } = c.req.valid('query')
    const { events, next } = await ledgerOf(c.env).read('events', { before, limit: CONSOLE_PAGE })
    return page(
      c,
      'Who was told',
      <NotificationList events={events} next={next} older={before !== undefined} zone={zoneOf(c.env)} />,
    )
  })

  /**
   * The whole record as JSON Lines, to keep and to check offline (`npm run disclaimer -- verify <file>`). It streams,
   * so its status is sent before its end: its end line is what shows it is whole, and a failure midway cuts the
   * download (the browser reports it failed) instead of ending it as if complete.
   */
  app.get('/export', pageQuery(page, NO_QUERY), (c) => {
    const ledger = ledgerOf(c.env)
    const name = `disclaimer-ledger-${new Date().toISOString().slice(0, 10)}.jsonl`
    return c.body(
      // Pages of 200 rows: each one chunk, small enough that the response never waits long on the next page's read.
      exportStream((after) => ledger.read('exportText', { after, limit: 200 })),
      200,
      {
        'Content-Type': 'application/jsonl; charset=utf-8',
        'Content-Disposition': `attachment; filename="${name}"`,
      },
    )
  })

  app.use('/disclaimers/:target/*', async (c, next) => (isTarget(c.req.param('target') ?? '') ? next() : c.notFound()))
  app.route('/', editingRoutes(readDisclaimers, page))
  app.route('/', proposalRoutes(readDisclaimers, page))
  app.route('/', historyRoutes(readDisclaimers, page))
  app.route('/', scheduleRoutes(page))
  app.route('/', reviewRoutes(page))

  app.onError((error, c) => {
    if (error instanceof HTTPException && error.status === 403) {
      return page(c, 'Refused', <Notice>This form was sent from another site, so nothing was changed.</Notice>, 403)
    }
    // The ledger refusing every write (its record is ahead of this code) says so, even where a write answers nothing.
    const ahead = error instanceof Error && /^schema_ahead: /.test(error.message)
    if (ahead) return page(c, 'Not done', <Notice>{error.message.slice('schema_ahead: '.length)}</Notice>, 503)
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
