// Random requests against the pages and the admin API, inside workerd with real local KV: whatever a client
// sends, the Worker answers without a 5xx or a stack trace, every HTML answer carries the disclaimer, and
// everything under /admin answers JSON.
import { env } from 'cloudflare:workers'
import fc from 'fast-check'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { createApp } from '../../src/index.ts'
import { SITE_PATHS } from '../helpers.ts'

const TOKEN = 'fuzz-admin-token'
const GLOBAL_TEXT = 'Fuzz disclaimer: information only, not medical advice.'

const printable = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map(String.fromCharCode), maxLength })

const segment = fc.oneof(
  fc.constantFrom(
    ...SITE_PATHS.map((path) => path.slice(1)).filter(Boolean),
    'admin',
    'disclaimers',
    'global',
    'history',
    'rollback',
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
    fc.constantFrom('', '', '/admin', '/admin/disclaimers', '/admin/disclaimers/global', '/dosage-and-safety'),
    fc.array(segment, { maxLength: 5 }),
    fc.boolean(),
    fc.option(fc.webQueryParameters(), { nil: undefined }),
  )
  .map(([prefix, segments, slash, query]) => {
    const joined = `${prefix}/${segments.join('/')}${slash && segments.length ? '/' : ''}`
    return query === undefined ? joined : `${joined}?${query}`
  })

// workerd refuses to construct a Request with a method outside the standard set, so those are what a Worker can see.
const method = fc.constantFrom('GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'get', 'put', 'post')

const headers = fc.record(
  {
    authorization: fc.oneof(
      fc.constant(`Bearer ${TOKEN}`),
      fc.constant(`Bearer ${TOKEN}x`),
      printable(60),
      printable(40).map((token) => `Bearer ${token}`),
    ),
    'if-match': fc.oneof(
      printable(40),
      fc.stringMatching(/^[0-9a-f]{16}$/).map((v) => `"${v}"`),
    ),
    'if-none-match': fc.oneof(printable(40), fc.constant('*')),
    'content-type': fc.oneof(
      fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-8'),
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
  fc.constant(JSON.stringify({ version: '0000000000000000' })),
  fc.integer({ min: 16 * 1024, max: 20 * 1024 }).map((size) => JSON.stringify({ text: 'x'.repeat(size) })),
)

const fuzzRequest = fc.record({ path, method, headers, body })
type FuzzRequest = typeof fuzzRequest extends fc.Arbitrary<infer T> ? T : never

const STACK_TRACE = /^\s+at .+[:(]\d+|\b(TypeError|ReferenceError|SyntaxError|RangeError)\b|node_modules|\.tsx?:\d+/m

/** Sends one random request and checks what any answer must satisfy; returns a description on failure. */
async function check(app: ReturnType<typeof createApp>, input: FuzzRequest, adminToken?: string) {
  const init: RequestInit = { method: input.method, headers: input.headers }
  if (!['GET', 'HEAD'].includes(input.method.toUpperCase())) init.body = input.body
  const url = new URL(`https://kratom.test${input.path}`)
  const res = await app.request(url.href, init, { ...env, ADMIN_TOKEN: adminToken })
  const text = await res.text()
  const where = `${input.method} ${url.pathname}${url.search} → ${res.status}`
  expect(res.status, where).toBeLessThan(500)
  expect(text, where).not.toMatch(STACK_TRACE)
  const type = res.headers.get('Content-Type') ?? ''
  if (res.status >= 300 && res.status < 400) {
    // The trailing-slash redirect (to a page or an admin route, which then answer as below) or a 304.
    if (res.status !== 304) expect(res.headers.get('Location'), where).toBeTruthy()
    return
  }
  if (adminToken && /^\/admin(\/|$)/.test(url.pathname)) {
    if (input.method !== 'HEAD') {
      expect(type, where).toMatch(/^application\/json/)
      const json = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }
      if (res.status >= 400) {
        expect(typeof json.error?.code, where).toBe('string')
        expect(typeof json.error?.message, where).toBe('string')
      }
    }
  } else if (type.startsWith('text/html')) {
    expect(res.headers.get('X-Disclaimer-Source'), where).toMatch(/^(kv|default)$/)
    if (input.method !== 'HEAD') expect(text, where).toContain('id="health-disclaimer"')
  }
}

beforeAll(async () => {
  await env.DISCLAIMERS.put('disclaimer', GLOBAL_TEXT)
})

describe('random requests', () => {
  it('1,000 random paths, methods, headers and bodies with the admin API on: no 5xx, no stack trace, JSON under /admin', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    vi.spyOn(console, 'error').mockImplementation(() => {})
    // One app for the whole run, as one isolate would serve them; a high write limit keeps writes reaching the store.
    const app = createApp({ admin: { writesPerMinute: 10_000 } })
    let sent = 0
    await fc.assert(
      fc.asyncProperty(fuzzRequest, async (input) => {
        sent++
        await check(app, input, TOKEN)
      }),
      { numRuns: 1000 },
    )
    expect(sent).toBeGreaterThanOrEqual(1000)
  }, 60_000)

  it('300 random requests with no admin token configured: /admin does not exist (the site 404), whatever is sent', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const app = createApp()
    let adminRequests = 0
    await fc.assert(
      fc.asyncProperty(fuzzRequest, async (input) => {
        await check(app, input, undefined)
        const url = new URL(`https://kratom.test${input.path}`)
        if (/^\/admin(\/|$)/.test(url.pathname)) {
          adminRequests++
          const init = { method: input.method, headers: input.headers }
          const res = await app.request(url.href, init, { ...env, ADMIN_TOKEN: undefined })
          expect([301, 404], `${input.method} ${url.pathname}`).toContain(res.status)
        }
      }),
      { numRuns: 300 },
    )
    expect(adminRequests).toBeGreaterThan(50)
  }, 60_000)
})
