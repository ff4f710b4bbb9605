// Every query parameter, path number and body of the admin API and the console, fuzzed: a value is either what it
// documents (and the answer honours it) or refused with 400 naming it. Never a 200 that quietly ignores it: an
// auditor reading `/admin/audit?before=abc` must not be handed an empty list as if it were the answer.
import { env } from 'cloudflare:workers'
import fc from 'fast-check'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { TARGETS } from '../../src/core/site-map.ts'
import { createApp } from '../../src/index.ts'
import { bearer, TEST_EDITORS, type TestEditor } from '../fixtures/editors.ts'
import { request } from '../helpers.ts'

const app = createApp()
let cookie = ''
let proposalId = 0

/** As an address writes a whole number: no sign, no leading zero. */
const CANONICAL = /^(0|[1-9][0-9]{0,15})$/
const wholeIn = (min: number, max: number) => (value: string) =>
  CANONICAL.test(value) && Number(value) >= min && Number(value) <= max

/** What each parameter documents as a valid value. */
const VALID: Record<string, (value: string) => boolean> = {
  limit: wholeIn(1, 500),
  before: wholeIn(1, Number.MAX_SAFE_INTEGER),
  status: (value) => ['open', 'approved', 'rejected'].includes(value),
  target: (value) => TARGETS.includes(value),
  time: (value) =>
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value) &&
    !Number.isNaN(Date.parse(value)) &&
    new Date(Date.parse(value.replace(/(Z|[+-]\d{2}:\d{2})$/, 'Z'))).toISOString().slice(0, 10) === value.slice(0, 10),
  at: (value) =>
    value === '' ||
    (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/.test(value) &&
      !Number.isNaN(Date.parse(`${value}Z`)) &&
      new Date(`${value}Z`).toISOString().slice(0, 10) === value.slice(0, 10)),
  // The fuzzed proposal is for the conclusion's note, which these pages show.
  page: (value) => ['/conclusion', '/full-article'].includes(value),
  version: wholeIn(1, Number.MAX_SAFE_INTEGER),
  proposal: wholeIn(1, Number.MAX_SAFE_INTEGER),
  after: wholeIn(0, Number.MAX_SAFE_INTEGER),
}

/** For routes that take a limit of their own. */
const LIMITS: Record<string, number> = { '/admin/export': 1000 }

interface Route {
  path: string
  params: string[]
  console?: boolean
}

const ROUTES: Route[] = [
  { path: '/admin/whoami', params: [] },
  { path: '/admin/disclaimers', params: [] },
  { path: '/admin/disclaimers/global', params: [] },
  { path: '/admin/disclaimers/global/history', params: ['limit', 'before'] },
  { path: '/admin/disclaimers/global/at', params: ['time'] },
  { path: '/admin/audit', params: ['limit', 'before'] },
  { path: '/admin/proposals', params: ['status', 'target', 'limit', 'before'] },
  { path: '/admin/import', params: [] },
  { path: '/admin/notifications', params: ['version', 'proposal', 'limit', 'before'] },
  { path: '/admin/schedules', params: ['limit', 'before'] },
  { path: '/admin/export', params: ['after', 'limit'] },
  { path: '/admin/settings', params: [] },
  { path: '/admin/backups', params: [] },
  { path: '/console/notifications', params: ['before'], console: true },
  { path: '/console/export', params: [], console: true },
  { path: '/console', params: [], console: true },
  { path: '/console/proposals', params: ['target'], console: true },
  { path: '/console/disclaimers/global/history', params: ['at', 'before'], console: true },
  { path: '/console/disclaimers/global/edit', params: [], console: true },
  { path: 'PROPOSAL_PREVIEW', params: ['page'], console: true },
]

const value = fc.oneof(
  fc.constantFrom(
    '',
    '0',
    '1',
    '-1',
    '1.5',
    '01',
    '500',
    '501',
    '1e2',
    '0x10',
    ' 5',
    '9007199254740991',
    '9007199254740992',
    'abc',
    'open',
    'OPEN',
    'global',
    'home',
    '/',
    '/conclusion',
    '/nowhere',
    '2026-11-28T09:30:00Z',
    '2026-11-28T09:30:00+01:00',
    '2026-11-28T09:30:00',
    '2026-11-28T09:30',
    '2026-02-31T09:30Z',
    '2026-11-28',
    '1',
    'yesterday',
  ),
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -10, max: 1000 }).map(String),
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
)

const query = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constant('known'), fc.nat(), value) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('unknown'), fc.nat(), fc.constantFrom('x', 'base', 'q', 'utm_source')) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('twice'), fc.nat(), value) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('unnamed'), fc.nat(), value) },
)

beforeAll(async () => {
  vi.spyOn(console, 'warn').mockImplementation(() => {})
  const signIn = await request(
    '/console/sign-in',
    {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Origin: 'https://kratom.test',
        'Sec-Fetch-Site': 'same-origin',
      },
      body: new URLSearchParams({ token: TEST_EDITORS.alice.token }).toString(),
    },
    {},
    app,
  )
  cookie = (signIn.headers.get('Set-Cookie') ?? '').split(';')[0] as string
  const proposed = await request(
    '/admin/disclaimers/conclusion/proposals',
    {
      method: 'POST',
      headers: { ...bearer('bob'), 'Content-Type': 'application/json', 'If-None-Match': '*' },
      body: JSON.stringify({ text: 'A proposal to preview.' }),
    },
    {},
    app,
  )
  proposalId = ((await proposed.json()) as { proposal: { id: number } }).proposal.id
})

describe('query strings of the admin API and the console', () => {
  it('answer a documented value and refuse anything else with 400 naming the parameter', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), query, async (route, [kind, pick, raw]) => {
        const path = route.path === 'PROPOSAL_PREVIEW' ? `/console/proposals/${proposalId}/preview` : route.path
        const name =
          kind === 'unknown'
            ? String(raw)
            : kind === 'unnamed'
              ? ''
              : (route.params[pick % Math.max(route.params.length, 1)] ?? 'x')
        const search = new URLSearchParams([[name, String(raw)]])
        if (kind === 'twice') search.append(name, String(raw))
        const known = route.params.includes(name)
        const limitOk = name === 'limit' && path in LIMITS ? wholeIn(1, LIMITS[path] as number) : undefined
        const valid = known && kind === 'known' && (limitOk ?? (VALID[name] as (value: string) => boolean))(String(raw))
        const headers = route.console ? { Cookie: cookie } : bearer('carol')
        const res = await request(`${path}?${search}`, { headers }, env, app)
        const body = await res.text()
        const label = `${path}?${search}`
        if (!valid) {
          expect(res.status, label).toBe(400)
          if (!route.console) expect(JSON.parse(body).error.code, label).toBe('invalid_query')
          // A route with a required parameter names that one first when it is missing; a parameter without a name is
          // named as such.
          const named = name === '' ? ['without a name'] : [name, ...(path.endsWith('/at') ? ['time'] : [])]
          expect(
            named.some((parameter) => body.includes(name === '' ? parameter : `${parameter}:`)),
            `${label}: ${body.slice(0, 300)}`,
          ).toBe(true)
          return
        }
        expect(res.status, `${label}: ${body.slice(0, 300)}`).toBe(200)
        if (name === 'time') expect(JSON.parse(body).at, label).toBe(new Date(String(raw)).toISOString())
        if (name === 'limit') {
          const answer = JSON.parse(body)
          const listed = answer.versions ?? answer.proposals ?? answer.events ?? answer.schedules ?? answer.rows
          expect(listed.length, label).toBeLessThanOrEqual(Number(raw))
        }
      }),
      { numRuns: 400 },
    )
  }, 120_000)
})

/** Every route that takes a number in its path; `N` stands for it. */
const NUMBERED: { path: string; console?: boolean }[] = [
  { path: '/admin/disclaimers/global/versions/N' },
  { path: '/admin/proposals/N' },
  { path: '/console/proposals/N', console: true },
  { path: '/console/proposals/N/preview', console: true },
  { path: '/console/disclaimers/global/rollback/N', console: true },
  { path: '/console/schedules/N/cancel', console: true },
]

const pathNumber = fc.oneof(
  fc.constantFrom('1', '01', '001', '0', '00', '10', '9007199254740991', '9007199254740992', '99999999999999999999'),
  fc.stringMatching(/^[0-9]{1,20}$/),
)

describe('numbers in the paths of the admin API and the console', () => {
  it('take a whole number as the API writes it, and refuse any other with 400 naming it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...NUMBERED), pathNumber, async (route, number) => {
        const path = route.path.replace('N', number)
        const res = await request(path, { headers: route.console ? { Cookie: cookie } : bearer('carol') }, env, app)
        const body = await res.text()
        const canonical = CANONICAL.test(number) && Number(number) <= Number.MAX_SAFE_INTEGER
        if (canonical) {
          expect(res.status, `${path}: ${body.slice(0, 200)}`).not.toBe(400)
          return
        }
        expect(res.status, path).toBe(400)
        if (!route.console) expect(JSON.parse(body).error.code, path).toBe('invalid_path')
        expect(body, path).toContain(`${number} in the address is not a number as the API writes it`)
      }),
      { numRuns: 150 },
    )
  }, 120_000)
})

describe('bodies of the admin API and the console', () => {
  const field = fc.stringMatching(/^[a-z_]{1,10}$/)

  it('refuse a field that POST /admin/seed does not take, naming it', async () => {
    let sent = 0
    // Each write counts against its editor's limit (20 a minute): the runs take turns among twenty editors.
    const seed = (body: unknown) => {
      const editor = `editor-${String((sent++ % 20) + 1).padStart(2, '0')}` as TestEditor
      const headers = { ...bearer(editor), 'Content-Type': 'application/json' }
      return request('/admin/seed', { method: 'POST', headers, body: JSON.stringify(body) }, env, app)
    }
    expect((await seed({})).status).toBe(200)
    await fc.assert(
      fc.asyncProperty(fc.dictionary(field, fc.jsonValue(), { minKeys: 1, maxKeys: 3 }), async (extra) => {
        const res = await seed(extra)
        const body = (await res.json()) as { error: { code: string; message: string } }
        expect(res.status).toBe(400)
        expect(body.error.code).toBe('invalid_body')
        expect(body.error.message).toMatch(/: unknown field; allowed: no fields: \{\}$/)
      }),
      { numRuns: 40 },
    )
  }, 60_000)

  it('refuse a console form with a field it does not have, or one sent twice, naming it', async () => {
    const forms = [
      ['/console/sign-in', ['token']],
      ['/console/disclaimers/global/drafts', ['base', 'text', 'note']],
      ['/console/disclaimers/global/drafts/0123456789abcdef01234567/publish', ['seen', 'effective']],
      ['/console/proposals/1/approve', ['seen']],
      ['/console/disclaimers/global/rollback/1', ['base', 'note']],
      ['/console/proposals/1/reject', ['reason']],
      ['/console/schedules/1/cancel', ['reason']],
    ] as const
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...forms), field, fc.boolean(), async ([path, fields], name, twice) => {
        const sent = new URLSearchParams(fields.map((known) => [known, 'x']))
        if (twice) sent.append(fields[0], 'y')
        else sent.append(name, 'x')
        const res = await request(
          path,
          {
            method: 'POST',
            headers: {
              Cookie: cookie,
              'Content-Type': 'application/x-www-form-urlencoded',
              Origin: 'https://kratom.test',
              'Sec-Fetch-Site': 'same-origin',
            },
            body: sent.toString(),
          },
          env,
          app,
        )
        const body = await res.text()
        if (!twice && (fields as readonly string[]).includes(name)) return
        expect(res.status, `${path} ${sent}`).toBe(400)
        expect(body).toContain(twice ? `${fields[0]}: sent twice; send it once` : `${name}: not a field of this form`)
      }),
      { numRuns: 60 },
    )
  }, 60_000)
})
