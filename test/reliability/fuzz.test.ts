// Random requests against the pages and the admin API, inside workerd with real local KV and the real ledger:
// whatever a client sends, the Worker answers without a 5xx or a stack trace, every HTML answer carries the
// disclaimer, everything under /admin answers JSON while editors are configured, and without EDITORS /admin is
// the site's 404.
import { env } from 'cloudflare:workers'
import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import { TARGETS } from '../../src/core/site-map.ts'
import { createApp } from '../../src/index.ts'
import { TEST_EDITORS, type TestEditor } from '../fixtures/editors.ts'
import { SITE_PATHS } from '../helpers.ts'

// Writes are spread over every test editor so that EDITOR_WRITES (20 a minute each) lets many reach the ledger.
const EDITORS = Object.keys(TEST_EDITORS) as TestEditor[]

const printable = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map(String.fromCharCode), maxLength })

const segment = fc.oneof(
  fc.constantFrom(
    ...SITE_PATHS.map((path) => path.slice(1)).filter(Boolean),
    ...TARGETS,
    'admin',
    'disclaimers',
    'history',
    'rollback',
    'proposals',
    'approve',
    'reject',
    'versions',
    'at',
    'audit',
    'seed',
    'import',
    'whoami',
    '1',
    '2',
    '99999999999999999999',
    'sitemap.xml',
    'robots.txt',
    'favicon.svg',
    '..',
    '.',
    '%2e%2e',
    '%00',
    '%ff',
    '%',
    ';',
    '',
    'index.html',
  ),
  fc.webSegment(),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map(encodeURIComponent),
  printable(30).map((text) => text.replace(/[#?]/g, '')),
)

const path = fc
  .tuple(
    fc.constantFrom(
      '',
      '',
      '/admin',
      '/admin/disclaimers',
      '/admin/disclaimers/global',
      '/admin/disclaimers/conclusion',
      '/admin/proposals',
      '/dosage-and-safety',
    ),
    fc.array(segment, { maxLength: 5 }),
    fc.boolean(),
    fc.option(
      fc.oneof(
        fc.webQueryParameters(),
        fc.tuple(fc.constantFrom('time', 'limit', 'before', 'status'), printable(30)).map(([k, v]) => `${k}=${v}`),
      ),
      { nil: undefined },
    ),
  )
  .map(([prefix, segments, slash, query]) => {
    const joined = `${prefix}/${segments.join('/')}${slash && segments.length ? '/' : ''}`
    return query === undefined ? joined : `${joined}?${query}`
  })

// workerd refuses to construct a Request with a method outside the standard set, so those are what a Worker can see.
const method = fc.constantFrom(
  'GET',
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PUT',
  'DELETE',
  'PATCH',
  'OPTIONS',
  'get',
  'put',
  'post',
)

const token = fc.constantFrom(...EDITORS).map((editor) => TEST_EDITORS[editor].token)

const headers = fc.record(
  {
    authorization: fc.oneof(
      token.map((value) => `Bearer ${value}`),
      token.map((value) => `Bearer ${value}x`),
      printable(60),
      printable(40).map((value) => `Bearer ${value}`),
    ),
    'cf-connecting-ip': fc.integer({ min: 1, max: 40 }).map((n) => `192.0.2.${n}`),
    'if-match': fc.oneof(
      printable(40),
      fc.integer({ min: 0, max: 50 }).map((n) => `"${n}"`),
      fc.integer({ min: 0, max: 50 }).map((n) => `W/"${n}"`),
      fc.constant('*'),
    ),
    'if-none-match': fc.oneof(printable(40), fc.constant('*')),
    'content-type': fc.oneof(
      fc.constantFrom('application/json', 'application/json', 'text/plain', 'application/json; charset=utf-8'),
      printable(40),
    ),
    accept: printable(40),
    'accept-encoding': printable(30),
    range: printable(30),
    cookie: printable(60),
    'x-forwarded-for': printable(30),
  },
  { requiredKeys: [] },
)

const body = fc.oneof(
  fc.json(),
  printable(200),
  fc
    .record({ text: fc.string({ maxLength: 100 }), note: fc.option(fc.string(), { nil: undefined }) })
    .map((value) => JSON.stringify(value)),
  fc.string({ unit: 'binary', maxLength: 60 }).map((text) => JSON.stringify({ text: `Fuzzed: ${text}` })),
  fc.integer({ min: -2, max: 60 }).map((version) => JSON.stringify({ version })),
  printable(60).map((reason) => JSON.stringify({ reason })),
  fc.constantFrom(
    '{"text":"Lone \\ud800 surrogate."}',
    '{"text":"x","__proto__":{}}',
    '{"text":"x","constructor":1}',
    '{"text":"x","editor":"mallory"}',
    '{}',
    '',
  ),
  fc.integer({ min: 16 * 1024, max: 30 * 1024 }).map((size) => JSON.stringify({ text: 'x'.repeat(size) })),
)

const anyRequest = fc.record({ path, method, headers, body })

// Requests shaped like an editor's write (route, method, token, JSON, a precondition), so that random bodies and
// preconditions get past the guards and reach the ledger.
const write = fc.constantFrom(
  ...TARGETS.flatMap((target) => [
    { method: 'PUT', path: `/admin/disclaimers/${target}` },
    { method: 'POST', path: `/admin/disclaimers/${target}/proposals` },
    { method: 'POST', path: `/admin/disclaimers/${target}/rollback` },
  ]),
  { method: 'POST', path: '/admin/proposals/1/approve' },
  { method: 'POST', path: '/admin/proposals/2/reject' },
  { method: 'POST', path: '/admin/seed' },
)
const editorWrite = fc
  .record({
    write,
    token,
    address: fc.integer({ min: 1, max: 40 }),
    precondition: fc.oneof(
      { arbitrary: fc.constant({ 'if-match': '*' }), weight: 4 },
      { arbitrary: fc.constant({ 'if-none-match': '*' }), weight: 2 },
      { arbitrary: fc.integer({ min: 1, max: 50 }).map((n) => ({ 'if-match': `"${n}"` })), weight: 1 },
      { arbitrary: fc.constant({}), weight: 1 },
    ),
    body: fc.oneof(
      { arbitrary: body, weight: 1 },
      {
        arbitrary: fc
          .record({
            text: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 120 }),
            note: fc.option(fc.string({ unit: 'grapheme', maxLength: 40 }), { nil: undefined }),
          })
          .map((value) => JSON.stringify(value)),
        weight: 3,
      },
      { arbitrary: fc.integer({ min: 1, max: 40 }).map((version) => JSON.stringify({ version })), weight: 1 },
    ),
  })
  .map(({ write: { method, path }, token: value, address, precondition, body: sent }) => ({
    path,
    method,
    headers: {
      authorization: `Bearer ${value}`,
      'cf-connecting-ip': `192.0.2.${address}`,
      'content-type': 'application/json',
      ...precondition,
    } as Record<string, string>,
    body: sent,
  }))

const fuzzRequest = fc.oneof(anyRequest, editorWrite)
type FuzzRequest = { path: string; method: string; headers: Record<string, string>; body: string }

const STACK_TRACE = /^\s+at .+[:(]\d+|\b(TypeError|ReferenceError|SyntaxError|RangeError)\b|node_modules|\.tsx?:\d+/m
const ADMIN_PATH = /^\/admin(\/|$)/

function send(app: ReturnType<typeof createApp>, input: FuzzRequest, bindings: Partial<Env>) {
  const init: RequestInit = { method: input.method, headers: input.headers }
  if (!['GET', 'HEAD'].includes(input.method.toUpperCase())) init.body = input.body
  return app.request(new URL(`https://kratom.test${input.path}`).href, init, { ...env, ...bindings })
}

/** Sends one random request and checks what any answer must satisfy. */
async function check(app: ReturnType<typeof createApp>, input: FuzzRequest, bindings: Partial<Env>) {
  const res = await send(app, input, bindings)
  const url = new URL(`https://kratom.test${input.path}`)
  const text = await res.text()
  const where = `${input.method} ${url.pathname}${url.search} → ${res.status}: ${text.slice(0, 200)}`
  expect(res.status, where).toBeLessThan(500)
  expect(text, where).not.toMatch(STACK_TRACE)
  const type = res.headers.get('Content-Type') ?? ''
  if (res.status >= 300 && res.status < 400) {
    // The trailing-slash redirect (to a page or an admin route, which then answer as below) or a 304.
    if (res.status !== 304) expect(res.headers.get('Location'), where).toMatch(/^http:\/\/localhost:8787\//)
    return { res, url }
  }
  if (bindings.EDITORS !== undefined && ADMIN_PATH.test(url.pathname)) {
    expect(res.headers.get('Cache-Control'), where).toBe('no-store')
    if (input.method.toUpperCase() !== 'HEAD') {
      expect(type, where).toMatch(/^application\/json/)
      const json = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }
      if (res.status >= 400) {
        expect(typeof json.error?.code, where).toBe('string')
        expect(typeof json.error?.message, where).toBe('string')
      }
    }
  } else if (type.startsWith('text/html')) {
    expect(res.headers.get('Disclaimer-Source'), where).toMatch(/^(kv|default)$/)
    if (input.method.toUpperCase() !== 'HEAD') expect(text, where).toContain('id="health-disclaimer"')
  }
  return { res, url }
}

describe('random requests', () => {
  it('1,000 random paths, methods, headers and bodies with editors configured: no 5xx, no stack trace, JSON under /admin', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    // One app for the whole run, as one isolate would serve them.
    const app = createApp()
    let sent = 0
    let written = 0
    await fc.assert(
      fc.asyncProperty(fuzzRequest, async (input) => {
        sent++
        const { res } = await check(app, input, { EDITORS: env.EDITORS })
        if (res.status >= 200 && res.status < 300 && ['PUT', 'POST'].includes(input.method.toUpperCase())) written++
      }),
      { numRuns: 1000 },
    )
    expect(sent).toBeGreaterThanOrEqual(1000)
    // Some writes got through every check to the ledger, so the fuzz reached more than the guards.
    expect(written).toBeGreaterThan(20)
    expect(error.mock.calls.filter(([message]) => message === 'admin request failed')).toEqual([])
  }, 120_000)

  it('300 random requests with EDITORS unset: /admin does not exist (the site 404), whatever is sent', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const app = createApp()
    let adminRequests = 0
    await fc.assert(
      fc.asyncProperty(fuzzRequest, async (input) => {
        const { res, url } = await check(app, input, { EDITORS: undefined })
        if (ADMIN_PATH.test(url.pathname)) {
          adminRequests++
          expect([301, 404], `${input.method} ${url.pathname}`).toContain(res.status)
          expect(res.headers.get('Content-Type') ?? '', url.pathname).not.toMatch(/json/)
          expect(res.headers.get('Allow'), url.pathname).toBeNull()
        }
      }),
      { numRuns: 300 },
    )
    expect(adminRequests).toBeGreaterThan(50)
  }, 60_000)
})
