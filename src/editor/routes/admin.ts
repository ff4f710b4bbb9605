// The admin JSON API: every read and write of the disclaimers, through the ledger, for a signed-in editor.
import { type Context, Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { DEFAULT_DISCLAIMERS } from '../../core/defaults.ts'
import { editorsFrom } from '../../core/editors.ts'
import { ledgerOf } from '../../core/ledger-address.ts'
import type { LedgerError, LiveState, PublishResult } from '../../core/ledger-types.ts'
import { isTarget, TARGETS } from '../../core/site-map.ts'
import { matchesIfMatch, matchesIfNoneMatch, NO_STORE } from '../../site/http/caching.ts'
import { errorJson } from '../../site/http/errors.ts'
import type { ReadDisclaimers } from '../../site/reader.ts'
import { type EditorEnv, editorAuth } from '../http/editor-auth.ts'
import { jsonOnly } from '../http/json-body.ts'
import { editorWriteLimit } from '../http/rate-limit.ts'
import { ledgerError } from './ledger-errors.ts'
import { operationsRoutes } from './operations.ts'
import { reviewRoutes } from './reviews.ts'
import {
  APPROVE_BODY,
  addressProblem,
  EXPORT_QUERY,
  jsonBody,
  NO_QUERY,
  NOTIFICATIONS_QUERY,
  PAGE_QUERY,
  PROPOSALS_QUERY,
  PUBLISH_BODY,
  queryOf,
  REJECT_BODY,
  ROLLBACK_BODY,
  SEED_BODY,
  TIME_QUERY,
} from './schemas.ts'

/** The ETag of what an editor read: the token a write names in If-Match. None when there is nothing yet. */
function etagOf(live: Pick<LiveState, 'base'>): string | null {
  return live.base === 'none' ? null : `"${live.base}"`
}

function target(c: Context): string {
  return c.req.param('target') ?? ''
}

/** Who changed the text, and how, for a refused write: the ledger's version, or an edit not yet recorded. */
function changedBy(live: LiveState): string {
  if (live.unrecorded) return 'it was changed outside the ledger (external) and is not recorded yet'
  const { current } = live
  if (!current) return 'it has no text yet'
  return current.how === 'external'
    ? `it is now version ${current.version}, changed outside the ledger (external) at ${current.at}`
    : `it is now version ${current.version}, by ${current.by} (${current.how}) at ${current.at}`
}

/** A decision on the proposal or schedule in the path: its id, the signed-in editor, and their reason. */
function decision(c: Context<EditorEnv>, reason: string) {
  return { id: Number(c.req.param('id')), by: c.get('editor'), reason }
}

/** JSON the ledger wrote (its `readJson`), answered as `c.json` would answer the object it stands for. */
function jsonText(c: Context, text: string): Response {
  return c.body(text, 200, { 'Content-Type': 'application/json' })
}

/** A decision the ledger took (200 with its answer), or its refusal. */
function answered<T extends { ok: true }>(c: Context, result: T | LedgerError) {
  return result.ok ? c.json(result) : ledgerError(c, result)
}

export function adminRoutes(readDisclaimers: ReadDisclaimers) {
  const app = new Hono<EditorEnv>()
  app.use(async (c, next) => {
    await next()
    c.header('Cache-Control', NO_STORE)
  })
  app.use(editorAuth, editorWriteLimit, jsonOnly, async (c, next) => {
    const problem = addressProblem(c.req.url)
    return problem ? errorJson(c, 400, problem.code, problem.message) : next()
  })

  app.use('/disclaimers/:target/*', async (c, next) => {
    if (!isTarget(target(c))) {
      return errorJson(c, 404, 'not_found', `no disclaimer "${target(c)}"; use one of: ${TARGETS.join(', ')}`)
    }
    return next()
  })

  /**
   * Runs a write whose precondition names what the editor read (RFC 9110 13.1.1): `If-Match` with the ETag of the
   * GET (any tag of a list, strong comparison, `*` for "whatever is there"), or `If-None-Match: *` when there was
   * nothing. 428 without one, 412 (saying who changed it and how) when it no longer holds; the ledger checks again as
   * it writes.
   */
  async function withBase(c: Context<EditorEnv>, write: (base: string) => Promise<Response>) {
    const ifMatch = c.req.header('If-Match')
    const ifNoneMatch = c.req.header('If-None-Match')?.trim()
    if (ifMatch === undefined && ifNoneMatch === undefined) {
      return errorJson(
        c,
        428,
        'precondition_required',
        'send If-Match with the ETag of the text you read, or If-None-Match: * for a disclaimer that has none yet',
      )
    }
    const live = (await ledgerOf(c.env).read('live', target(c))) as LiveState
    const holds =
      ifMatch !== undefined ? matchesIfMatch(ifMatch, etagOf(live)) : ifNoneMatch === '*' && live.base === 'none'
    if (!holds) {
      return errorJson(
        c,
        412,
        'version_mismatch',
        `the text changed since you read it: ${changedBy(live)}; read it again and redo your edit`,
        {
          current: live.current,
          unrecorded: live.unrecorded,
        },
      )
    }
    return write(live.base)
  }

  /**
   * 200 when KV already holds the new version (and this isolate shows it at once), 202 while the ledger retries KV
   * or when the change is scheduled for later.
   */
  async function published(c: Context, result: PublishResult) {
    if (!result.ok) return ledgerError(c, result)
    if (result.status === 'scheduled') return c.json(result, 202)
    c.header('ETag', `"${result.version.version}"`)
    if (result.status === 'live') await readDisclaimers.remember(result.version)
    return c.json(result, result.status === 'pending' ? 202 : 200)
  }

  app.get('/whoami', queryOf(NO_QUERY), async (c) =>
    c.json({ editor: c.get('editor'), requiresApproval: await ledgerOf(c.env).read('requiresApproval') }),
  )

  app.get('/disclaimers', queryOf(NO_QUERY), async (c) =>
    c.json({ disclaimers: await ledgerOf(c.env).read('overview') }),
  )

  app.get('/disclaimers/:target', queryOf(NO_QUERY), async (c) => {
    const live = (await ledgerOf(c.env).read('live', target(c))) as LiveState
    const etag = etagOf(live)
    if (etag) {
      c.header('ETag', etag)
      // The ETag names the text pages show (its version or KV's hash): a client holding it has that text.
      if (matchesIfNoneMatch(c.req.header('If-None-Match'), etag)) return c.body(null, 304)
    }
    const fallback = DEFAULT_DISCLAIMERS.get(live.key)
    return c.json({
      ...live,
      bundledDefault: fallback ? { file: fallback.file, text: fallback.text, hash: fallback.hash } : null,
    })
  })

  app.put('/disclaimers/:target', queryOf(NO_QUERY), jsonBody(PUBLISH_BODY), (c) =>
    withBase(c, async (base) => {
      const { text, note, effectiveAt } = c.req.valid('json')
      const request = { target: target(c), text, note, base, by: c.get('editor'), effectiveAt }
      return published(c, await ledgerOf(c.env).publish(request))
    }),
  )

  app.post('/disclaimers/:target/proposals', queryOf(NO_QUERY), jsonBody(PUBLISH_BODY), (c) =>
    withBase(c, async (base) => {
      const { text, note, effectiveAt } = c.req.valid('json')
      const result = await ledgerOf(c.env).propose({
        target: target(c),
        text,
        note,
        base,
        by: c.get('editor'),
        effectiveAt,
      })
      return result.ok ? c.json(result, 201) : ledgerError(c, result)
    }),
  )

  app.post('/disclaimers/:target/rollback', queryOf(NO_QUERY), jsonBody(ROLLBACK_BODY), (c) =>
    withBase(c, async (base) => {
      const { version, note } = c.req.valid('json')
      return published(
        c,
        await ledgerOf(c.env).rollback({ target: target(c), to: version, note, base, by: c.get('editor') }),
      )
    }),
  )

  app.get('/disclaimers/:target/history', queryOf(PAGE_QUERY), async (c) => {
    return jsonText(
      c,
      await ledgerOf(c.env).readJson({ target: target(c) }, 'history', target(c), c.req.valid('query')),
    )
  })

  /** What pages showed at a time; for a time to come, what shows now and what is scheduled to show by then. */
  app.get('/disclaimers/:target/at', queryOf(TIME_QUERY), async (c) => {
    const at = new Date(c.req.valid('query').time).toISOString()
    const shown = await ledgerOf(c.env).read('shownAt', target(c), at, Date.now())
    return c.json({ target: target(c), at, ...shown })
  })

  app.get('/disclaimers/:target/versions/:version{[0-9]+}', queryOf(NO_QUERY), async (c) => {
    const version = await ledgerOf(c.env).read('version', Number(c.req.param('version')))
    if (!version || version.target !== target(c)) {
      return errorJson(c, 404, 'unknown_version', `no version ${c.req.param('version')} of ${target(c)}`)
    }
    return c.json(version)
  })

  app.get('/proposals', queryOf(PROPOSALS_QUERY), async (c) => {
    const filter = c.req.valid('query')
    if (filter.target !== undefined && !isTarget(filter.target)) {
      return errorJson(
        c,
        400,
        'invalid_query',
        `target: no disclaimer "${filter.target}"; use one of: ${TARGETS.join(', ')}`,
      )
    }
    return jsonText(c, await ledgerOf(c.env).readJson({}, 'proposals', filter))
  })

  /** How many proposals wait for a decision, per disclaimer, and how many of them another editor made. */
  app.get('/proposals/count', queryOf(NO_QUERY), async (c) =>
    c.json(await ledgerOf(c.env).read('openProposalCount', c.get('editor'))),
  )

  app.get('/proposals/:id{[0-9]+}', queryOf(NO_QUERY), async (c) => {
    const proposal = await ledgerOf(c.env).read('proposal', Number(c.req.param('id')))
    return proposal ? c.json(proposal) : errorJson(c, 404, 'unknown_proposal', `no proposal ${c.req.param('id')}`)
  })

  app.post('/proposals/:id{[0-9]+}/approve', queryOf(NO_QUERY), jsonBody(APPROVE_BODY), async (c) =>
    published(
      c,
      await ledgerOf(c.env).approve({
        id: Number(c.req.param('id')),
        by: c.get('editor'),
        note: c.req.valid('json').note,
      }),
    ),
  )

  app.post('/proposals/:id{[0-9]+}/reject', queryOf(NO_QUERY), jsonBody(REJECT_BODY), async (c) =>
    answered(c, await ledgerOf(c.env).reject(decision(c, c.req.valid('json').reason))),
  )

  /**
   * The whole record in chain order, a page at a time (`after` the last position read), each row with its chain
   * hash, and the head now: what `npm run disclaimer -- export` writes and `verify` checks offline.
   */
  app.get('/export', queryOf(EXPORT_QUERY), async (c) =>
    jsonText(c, await ledgerOf(c.env).readJson({}, 'exportPage', c.req.valid('query'))),
  )

  app.get('/schedules', queryOf(PAGE_QUERY), async (c) =>
    jsonText(c, await ledgerOf(c.env).readJson({}, 'schedules', c.req.valid('query'))),
  )

  app.post('/schedules/:id{[0-9]+}/cancel', queryOf(NO_QUERY), jsonBody(REJECT_BODY), async (c) =>
    answered(c, await ledgerOf(c.env).cancel(decision(c, c.req.valid('json').reason))),
  )

  app.get('/audit', queryOf(PAGE_QUERY), async (c) =>
    jsonText(c, await ledgerOf(c.env).readJson({}, 'audit', c.req.valid('query'))),
  )

  /** What the ledger told, to whom and when (or why it is still retrying), newest first; about one row if asked. */
  app.get('/notifications', queryOf(NOTIFICATIONS_QUERY), async (c) => {
    const { version, proposal, ...page } = c.req.valid('query')
    const about = {
      ...(version === undefined ? {} : { versions: [version] }),
      ...(proposal === undefined ? {} : { proposals: [proposal] }),
    }
    return jsonText(c, await ledgerOf(c.env).readJson({}, 'events', { ...page, ...about }))
  })

  app.post('/seed', queryOf(NO_QUERY), jsonBody(SEED_BODY), async (c) => {
    const results = await ledgerOf(c.env).seed(c.get('editor'))
    const refused = results.find((result): result is LedgerError => !result.ok)
    return refused ? ledgerError(c, refused) : c.json({ seeded: results })
  })

  /** The one-time import of the pre-ledger history: run by the cron, never by a request; this says whether and what. */
  app.get('/import', queryOf(NO_QUERY), async (c) => c.json({ import: await ledgerOf(c.env).read('importRecord') }))

  app.route('/', operationsRoutes())
  app.route('/', reviewRoutes())

  // A sub-app's notFound is not used once mounted, so the API answers its own unknown paths (in JSON).
  app.all('*', (c) => errorJson(c, 404, 'not_found', 'no such admin route; see docs/editing.md for the admin API'))
  app.onError((error, c) => {
    // Hono's JSON validator throws a 400 for a body that is not JSON at all (empty, cut short, plain text).
    if (error instanceof HTTPException && error.status === 400) {
      return errorJson(c, 400, 'invalid_json', 'the body is not valid JSON; send an object such as {"text": "…"}')
    }
    console.error('admin request failed', {
      path: c.req.path,
      error: error instanceof Error ? error.message : String(error),
    })
    return errorJson(c, 500, 'internal', 'the request failed; nothing was changed unless a later GET shows it')
  })
  return app
}

/**
 * The 405 for a method an admin route does not take. Without editors configured the API does not exist, so
 * the site's 404 (`notFound`) stands and no route or method is revealed.
 */
export function adminMethodNotAllowed(c: Context<{ Bindings: Env }>, methods: string[], notFound: Response): Response {
  if (!editorsFrom(c.env.EDITORS).ok) return notFound
  return errorJson(c, 405, 'method_not_allowed', `${c.req.method} is not allowed here; use ${methods.join(' or ')}`, {
    headers: { Allow: methods.join(', ') },
  })
}
