// The admin JSON API: read, write, history and rollback of the disclaimers, behind a bearer token.
import { type Context, Hono, type MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import { timingSafeEqual } from 'hono/utils/buffer'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { validator } from 'hono/validator'
import { FULL_ARTICLE, PAGES } from '../article'
import { GLOBAL_KEY, pageKey } from '../disclaimer/defaults'
import { kvStorage } from '../disclaimer/kv-storage'
import { createDisclaimerStore, MAX_NOTE_LENGTH, type StoreError } from '../disclaimer/store'
import { MAX_DISCLAIMER_LENGTH } from '../disclaimer/validate'

export type AdminEnv = { Bindings: Env & { ADMIN_TOKEN?: string } }

export const MAX_BODY_BYTES = 16 * 1024
export const WRITES_PER_MINUTE = 10

const TARGETS = new Map<string, string>([
  ['global', GLOBAL_KEY],
  ...[...PAGES, FULL_ARTICLE].map((page): [string, string] => [page.slug, pageKey(page.slug)]),
])

interface FieldRule {
  required: boolean
  max: number
  pattern?: RegExp
}

const OPTIONAL_FIELDS: Record<string, FieldRule> = {
  note: { required: false, max: MAX_NOTE_LENGTH },
  editor: { required: false, max: 60 },
}
const PUT_BODY: Record<string, FieldRule> = {
  text: { required: true, max: MAX_DISCLAIMER_LENGTH * 4 },
  ...OPTIONAL_FIELDS,
}
const ROLLBACK_BODY: Record<string, FieldRule> = {
  version: { required: true, max: 16, pattern: /^[0-9a-f]{16}$/ },
  ...OPTIONAL_FIELDS,
}

/** Checks a JSON body against string-field rules; returns the first problem, or the fields. */
function checkBody(value: unknown, rules: Record<string, FieldRule>): string | Record<string, string | undefined> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'body: expected a JSON object'
  const body = value as Record<string, unknown>
  const unknown = Object.keys(body).find((key) => !(key in rules))
  if (unknown) return `${unknown}: unknown field; allowed: ${Object.keys(rules).join(', ')}`
  const fields: Record<string, string | undefined> = {}
  for (const [name, rule] of Object.entries(rules)) {
    const field = body[name]
    if (field === undefined && !rule.required) continue
    if (typeof field !== 'string') return `${name}: expected a string`
    const trimmed = name === 'text' ? field : field.trim()
    if ([...trimmed].length > rule.max) return `${name}: at most ${rule.max} characters`
    if (rule.pattern && !rule.pattern.test(trimmed)) return `${name}: expected a 16-digit hex version`
    fields[name] = trimmed || undefined
  }
  return fields
}

function errorJson(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  headers?: Record<string, string>,
) {
  return c.json({ error: { code, message } }, status, headers)
}

const STORE_ERROR_STATUS: Record<StoreError['code'], ContentfulStatusCode> = {
  invalid_text: 422,
  version_mismatch: 412,
  unknown_version: 422,
  kv_rate_limited: 503,
  kv_failed: 503,
}

function storeError(c: Context, error: StoreError) {
  const retry =
    error.code === 'kv_rate_limited'
      ? { 'Retry-After': '1' }
      : error.code === 'kv_failed'
        ? { 'Retry-After': '5' }
        : undefined
  return errorJson(c, STORE_ERROR_STATUS[error.code], error.code, error.message, retry)
}

/** Writes allowed per token in a fixed one-minute window, counted inside this isolate. */
function writeRateLimit(limit: number, now: () => number = Date.now): MiddlewareHandler<AdminEnv> {
  const windows = new Map<string, { start: number; count: number }>()
  return async (c, next) => {
    if (c.req.method !== 'PUT' && c.req.method !== 'POST') return next()
    const token = c.req.header('Authorization') ?? ''
    const at = now()
    const window = windows.get(token)
    if (!window || at - window.start >= 60_000) windows.set(token, { start: at, count: 1 })
    else if (window.count >= limit) {
      const retry = String(Math.ceil((window.start + 60_000 - at) / 1000))
      return errorJson(c, 429, 'rate_limited', `at most ${limit} writes a minute; try again in ${retry} s`, {
        'Retry-After': retry,
      })
    } else window.count++
    return next()
  }
}

function ifMatchOf(c: Context): string | undefined {
  const header = c.req.header('If-Match')
  return header
    ?.trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1')
}

/**
 * The 405 for a method an admin route does not take. Without a configured token the API does not
 * exist, so the site's 404 (`notFound`) stands and no route or method is revealed.
 */
export function adminMethodNotAllowed(c: Context<AdminEnv>, methods: string[], notFound: Response): Response {
  if (!c.env.ADMIN_TOKEN) return notFound
  return errorJson(c, 405, 'method_not_allowed', `${c.req.method} is not allowed here; use ${methods.join(' or ')}`, {
    Allow: methods.join(', '),
  })
}

export interface AdminOptions {
  /** Writes (PUT, POST) a token may make per minute; tests of many concurrent editors raise it. */
  writesPerMinute?: number
}

export function adminRoutes({ writesPerMinute = WRITES_PER_MINUTE }: AdminOptions = {}) {
  const app = new Hono<AdminEnv>()

  app.use(async (c, next) => {
    // Without a configured token the admin API does not exist: fail closed.
    if (!c.env.ADMIN_TOKEN) return c.notFound()
    await next()
    c.header('Cache-Control', 'no-store')
  })
  app.use(async (c, next) => {
    const match = /^Bearer ([\x21-\x7E]+)$/.exec(c.req.header('Authorization') ?? '')
    if (!match?.[1] || !(await timingSafeEqual(match[1], c.env.ADMIN_TOKEN as string))) {
      return errorJson(c, 401, 'unauthorized', 'send the admin token as "Authorization: Bearer <token>"', {
        'WWW-Authenticate': 'Bearer realm="admin"',
      })
    }
    return next()
  })
  app.use(writeRateLimit(writesPerMinute))
  app.use(async (c, next) => {
    if (
      (c.req.method === 'PUT' || c.req.method === 'POST') &&
      !/^application\/json\s*(;|$)/i.test(c.req.header('Content-Type') ?? '')
    ) {
      return errorJson(c, 415, 'unsupported_media_type', 'send the body as JSON with "Content-Type: application/json"')
    }
    return next()
  })
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => errorJson(c, 413, 'body_too_large', `the body is larger than ${MAX_BODY_BYTES} bytes`),
    }),
  )

  function target(c: Context<AdminEnv>): string {
    const key = TARGETS.get(c.req.param('target') ?? '')
    if (!key) {
      throw new HTTPException(404, {
        message: `no disclaimer "${c.req.param('target')}"; use "global" or a page slug: ${[...TARGETS.keys()].filter((t) => t !== 'global').join(', ')}`,
      })
    }
    return key
  }

  function requireIfMatch(c: Context): string {
    const version = ifMatchOf(c)
    if (!version)
      throw new HTTPException(428, {
        message: 'send If-Match with the version you read (GET it first); writes without it are refused',
      })
    return version
  }

  // Hono's validator reads the JSON (a malformed body is a 400); checkBody checks its fields.
  const jsonBody = (rules: Record<string, FieldRule>) =>
    validator('json', (value, c) => {
      const result = checkBody(value, rules)
      if (typeof result === 'string') return errorJson(c, 400, 'invalid_body', result)
      return result
    })

  const store = (c: Context<AdminEnv>) => createDisclaimerStore(kvStorage(c.env.DISCLAIMERS))

  app.get('/disclaimers/:target', async (c) => {
    const current = await store(c).current(target(c))
    c.header('ETag', `"${current.version}"`)
    return c.json(current)
  })

  app.put('/disclaimers/:target', jsonBody(PUT_BODY), async (c) => {
    const key = target(c)
    const ifMatch = requireIfMatch(c)
    const body = c.req.valid('json')
    const result = await store(c).write(key, body.text ?? '', {
      ifMatch,
      by: body.editor ?? 'admin API',
      note: body.note,
    })
    if (!result.ok) return storeError(c, result)
    c.header('ETag', `"${result.version}"`)
    return c.json({ key: result.key, text: result.text, version: result.version })
  })

  app.get('/disclaimers/:target/history', async (c) => {
    const key = target(c)
    return c.json({ key, entries: await store(c).history(key) })
  })

  app.post('/disclaimers/:target/rollback', jsonBody(ROLLBACK_BODY), async (c) => {
    const key = target(c)
    const ifMatch = requireIfMatch(c)
    const body = c.req.valid('json')
    const result = await store(c).rollback(key, body.version ?? '', {
      ifMatch,
      by: body.editor ?? 'admin API',
      note: body.note,
    })
    if (!result.ok) return storeError(c, result)
    c.header('ETag', `"${result.version}"`)
    return c.json({ key: result.key, text: result.text, version: result.version })
  })

  // A sub-app's notFound is not used once mounted, so the API answers its own unknown paths (in JSON).
  app.all('*', (c) => errorJson(c, 404, 'not_found', 'no such admin route; see the README for the admin API'))
  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      const code =
        error.status === 428 ? 'precondition_required' : error.status === 404 ? 'not_found' : 'invalid_request'
      return errorJson(c, error.status as ContentfulStatusCode, code, error.message || 'the request could not be read')
    }
    console.error('admin request failed', {
      path: c.req.path,
      error: error instanceof Error ? error.message : String(error),
    })
    return errorJson(c, 500, 'internal', 'the request failed; nothing was changed unless a later GET shows it')
  })
  return app
}
