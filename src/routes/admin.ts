// The admin JSON API: every read and write of the disclaimers, through the ledger, for a signed-in editor.
import { type Context, Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { DEFAULT_DISCLAIMERS, isTarget, TARGETS } from '../disclaimer/defaults.ts'
import { editorsFrom } from '../disclaimer/editors.ts'
import { keyOf } from '../disclaimer/keys.ts'
import { ledgerOf } from '../disclaimer/ledger.ts'
import type { LedgerError, LedgerErrorCode, LedgerVersion, PublishResult } from '../disclaimer/records.ts'
import { matchesIfMatch, NO_STORE } from '../http/caching.ts'
import { type EditorEnv, editorAuth } from '../http/editor-auth.ts'
import { errorJson } from '../http/errors.ts'
import { jsonOnly } from '../http/json-body.ts'
import { editorWriteLimit } from '../http/rate-limit.ts'
import { APPROVE_BODY, jsonBody, PUBLISH_BODY, REJECT_BODY, ROLLBACK_BODY } from './admin-schemas.ts'

const ERROR_STATUS: Record<LedgerErrorCode, ContentfulStatusCode> = {
  unknown_target: 404,
  unknown_editor: 403,
  invalid_text: 422,
  version_mismatch: 412,
  approval_required: 403,
  self_approval: 403,
  unknown_proposal: 404,
  proposal_decided: 409,
  unknown_version: 404,
  never_live: 422,
}

function ledgerError(c: Context, error: LedgerError) {
  const { code, message, ok: _, ...extra } = error
  return errorJson(c, ERROR_STATUS[code], code, message, extra)
}

export function etagOf(version: LedgerVersion | null): string | null {
  return version ? `"${version.version}"` : null
}

/** 200 when KV already holds the new version, 202 when the ledger has it and keeps writing it to KV. */
function published(c: Context, result: PublishResult) {
  if (!result.ok) return ledgerError(c, result)
  c.header('ETag', etagOf(result.version) as string)
  return c.json(result, result.status === 'pending' ? 202 : 200)
}

function target(c: Context): string {
  return c.req.param('target') ?? ''
}

/**
 * The version a write replaces, from its precondition (RFC 9110 13.1.1): `If-Match` with the current ETag
 * (any tag of a list, strong comparison, `*` for "whatever is current"), or `If-None-Match: *` when there is
 * none yet. Undefined when the precondition fails; the ledger checks again as it writes.
 */
function baseFrom(c: Context, current: LedgerVersion | null): number | undefined {
  const ifMatch = c.req.header('If-Match')
  if (ifMatch !== undefined) return matchesIfMatch(ifMatch, etagOf(current)) ? (current?.version ?? 0) : undefined
  return c.req.header('If-None-Match')?.trim() === '*' && !current ? 0 : undefined
}

export function adminRoutes() {
  const app = new Hono<EditorEnv>()
  app.use(async (c, next) => {
    await next()
    c.header('Cache-Control', NO_STORE)
  })
  app.use(editorAuth, editorWriteLimit, jsonOnly)

  app.use('/disclaimers/:target/*', async (c, next) => {
    if (!isTarget(target(c))) {
      return errorJson(c, 404, 'not_found', `no disclaimer "${target(c)}"; use one of: ${TARGETS.join(', ')}`)
    }
    return next()
  })

  /** Runs a write whose precondition names the version it replaces; 428 without one, 412 when it is stale. */
  async function withBase(c: Context<EditorEnv>, write: (base: number) => Promise<Response>) {
    if (c.req.header('If-Match') === undefined && c.req.header('If-None-Match') === undefined) {
      return errorJson(
        c,
        428,
        'precondition_required',
        'send If-Match with the version you read (its ETag), or If-None-Match: * for a disclaimer that has none yet',
      )
    }
    const current = await ledgerOf(c.env).current(target(c))
    const base = baseFrom(c, current)
    if (base === undefined) {
      return errorJson(
        c,
        412,
        'version_mismatch',
        'the text changed since you read it; read it again and redo your edit',
        {
          current,
        },
      )
    }
    return write(base)
  }

  app.get('/whoami', async (c) =>
    c.json({ editor: c.get('editor'), requiresApproval: await ledgerOf(c.env).requiresApproval() }),
  )

  app.get('/disclaimers', async (c) => {
    const ledger = ledgerOf(c.env)
    const [pending, proposals] = await Promise.all([ledger.pending(), ledger.proposals('open')])
    const disclaimers = await Promise.all(
      TARGETS.map(async (name) => ({
        target: name,
        key: keyOf(name),
        current: await ledger.current(name),
        pending: pending.some((entry) => entry.key === keyOf(name)),
        openProposals: proposals.filter((proposal) => proposal.target === name).length,
      })),
    )
    return c.json({ disclaimers })
  })

  app.get('/disclaimers/:target', async (c) => {
    const ledger = ledgerOf(c.env)
    const [current, pending] = await Promise.all([ledger.current(target(c)), ledger.pending()])
    const etag = etagOf(current)
    if (etag) c.header('ETag', etag)
    const fallback = DEFAULT_DISCLAIMERS.get(keyOf(target(c)))
    return c.json({
      target: target(c),
      key: keyOf(target(c)),
      current,
      pending: pending.find((entry) => entry.key === keyOf(target(c))) ?? null,
      bundledDefault: fallback ? { file: fallback.file, text: fallback.text, hash: fallback.hash } : null,
    })
  })

  app.put('/disclaimers/:target', jsonBody(PUBLISH_BODY), (c) =>
    withBase(c, async (base) => {
      const { text, note } = c.req.valid('json')
      return published(c, await ledgerOf(c.env).publish({ target: target(c), text, note, base, by: c.get('editor') }))
    }),
  )

  app.post('/disclaimers/:target/proposals', jsonBody(PUBLISH_BODY), (c) =>
    withBase(c, async (base) => {
      const { text, note } = c.req.valid('json')
      const result = await ledgerOf(c.env).propose({ target: target(c), text, note, base, by: c.get('editor') })
      return result.ok ? c.json(result, 201) : ledgerError(c, result)
    }),
  )

  app.post('/disclaimers/:target/rollback', jsonBody(ROLLBACK_BODY), (c) =>
    withBase(c, async (base) => {
      const { version, note } = c.req.valid('json')
      return published(
        c,
        await ledgerOf(c.env).rollback({ target: target(c), to: version, note, base, by: c.get('editor') }),
      )
    }),
  )

  app.get('/disclaimers/:target/history', async (c) =>
    c.json({ target: target(c), versions: await ledgerOf(c.env).history(target(c)) }),
  )

  app.get('/disclaimers/:target/at', async (c) => {
    const time = c.req.query('time') ?? ''
    if (Number.isNaN(Date.parse(time))) {
      return errorJson(c, 400, 'invalid_time', 'give ?time= as an ISO 8601 date and time, e.g. 2026-11-28T09:30:00Z')
    }
    const at = new Date(time).toISOString()
    return c.json({ target: target(c), at, version: await ledgerOf(c.env).versionAt(target(c), at) })
  })

  app.get('/disclaimers/:target/versions/:version{[0-9]+}', async (c) => {
    const version = await ledgerOf(c.env).version(Number(c.req.param('version')))
    if (!version || version.target !== target(c)) {
      return errorJson(c, 404, 'unknown_version', `no version ${c.req.param('version')} of ${target(c)}`)
    }
    return c.json(version)
  })

  app.get('/proposals', async (c) => {
    const status = c.req.query('status')
    if (status !== undefined && status !== 'open' && status !== 'approved' && status !== 'rejected') {
      return errorJson(c, 400, 'invalid_status', 'status is open, approved or rejected')
    }
    return c.json({ proposals: await ledgerOf(c.env).proposals(status) })
  })

  app.get('/proposals/:id{[0-9]+}', async (c) => {
    const proposal = await ledgerOf(c.env).proposal(Number(c.req.param('id')))
    return proposal ? c.json(proposal) : errorJson(c, 404, 'unknown_proposal', `no proposal ${c.req.param('id')}`)
  })

  app.post('/proposals/:id{[0-9]+}/approve', jsonBody(APPROVE_BODY), async (c) =>
    published(
      c,
      await ledgerOf(c.env).approve({
        id: Number(c.req.param('id')),
        by: c.get('editor'),
        note: c.req.valid('json').note,
      }),
    ),
  )

  app.post('/proposals/:id{[0-9]+}/reject', jsonBody(REJECT_BODY), async (c) => {
    const result = await ledgerOf(c.env).reject({
      id: Number(c.req.param('id')),
      by: c.get('editor'),
      reason: c.req.valid('json').reason,
    })
    return result.ok ? c.json(result) : ledgerError(c, result)
  })

  app.get('/audit', async (c) => {
    // Clamped to a whole number from 1 to 500: SQLite refuses a fractional LIMIT and reads a negative one as none.
    const limit = Math.min(Math.max(Math.trunc(Number(c.req.query('limit') ?? 100)) || 100, 1), 500)
    const before = c.req.query('before')
    return c.json({ versions: await ledgerOf(c.env).audit(limit, before ? Number(before) : undefined) })
  })

  app.post('/seed', async (c) => {
    const results = await ledgerOf(c.env).seed(c.get('editor'))
    const refused = results.find((result): result is LedgerError => !result.ok)
    return refused ? ledgerError(c, refused) : c.json({ seeded: results })
  })

  app.post('/import', async (c) => {
    const result = await ledgerOf(c.env).importLegacy(c.get('editor'))
    return 'ok' in result ? ledgerError(c, result) : c.json(result)
  })

  // A sub-app's notFound is not used once mounted, so the API answers its own unknown paths (in JSON).
  app.all('*', (c) => errorJson(c, 404, 'not_found', 'no such admin route; see the README for the admin API'))
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
