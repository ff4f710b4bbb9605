// Every query parameter of the admin API and the console, fuzzed: a value is either what the parameter documents
// (and the answer honours it) or refused with 400 naming the parameter. Never a 200 that quietly ignores it: an
// auditor reading `/admin/audit?before=abc` must not be handed an empty list as if it were the answer.
import { env } from 'cloudflare:workers'
import fc from 'fast-check'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { TARGETS } from '../../src/core/site-map.ts'
import { createApp } from '../../src/index.ts'
import { bearer, TEST_EDITORS } from '../fixtures/editors.ts'
import { request } from '../helpers.ts'

const app = createApp()
let cookie = ''
let proposalId = 0

const wholeIn = (min: number, max: number) => (value: string) =>
  /^[0-9]{1,16}$/.test(value) && Number(value) >= min && Number(value) <= max

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
        const name = kind === 'unknown' ? String(raw) : (route.params[pick % Math.max(route.params.length, 1)] ?? 'x')
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
          // A route with a required parameter names that one first when it is missing.
          const named = [name, ...(path.endsWith('/at') ? ['time'] : [])]
          expect(
            named.some((parameter) => body.includes(`${parameter}:`)),
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
