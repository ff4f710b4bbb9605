// What the ledger benchmark measures: every admin API route, every console page, and publish, propose, approve, the
// alarm and the cron, each on a record's own rows (its landmarks: a version in the middle of the history, an open
// proposal, a pending schedule).
import { type BenchEditor, formOf, jsonOf, type LedgerClient } from './bench-ledger-client.ts'

/** Rows of a record the operations name, found through the admin API before anything is measured. */
export interface Landmarks {
  /** A version of the global disclaimer from the middle of the history, made live by a publish. */
  middle: { version: number; liveAt: string; wall: string }
  openProposal: number
  pendingSchedule: number
  middleEvent: number
  middlePosition: number
}

type Json = Record<string, unknown>

async function json<T>(client: LedgerClient, path: string): Promise<T> {
  const { status, body } = await client.call(path)
  if (status !== 200) throw new Error(`GET ${path} answered ${status}: ${body.slice(0, 200)}`)
  return JSON.parse(body) as T
}

/** The site's zone's wall-clock noon of the day `iso` falls on, as the console's field sends it. */
function noonIn(iso: string, zone = 'America/New_York'): string {
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })
  return `${day.format(new Date(iso))}T12:00`
}

export async function landmarksOf(client: LedgerClient): Promise<Landmarks> {
  type Version = { version: number; target: string; how: string; landedAt: string | null }
  const newest = (await json<{ versions: Version[] }>(client, '/admin/audit?limit=1')).versions[0]?.version ?? 1
  const { versions } = await json<{ versions: Version[] }>(
    client,
    `/admin/audit?limit=60&before=${Math.ceil(newest / 2) + 1}`,
  )
  const middle = versions.find((row) => row.target === 'global' && row.how === 'publish' && row.landedAt)
  if (!middle?.landedAt) throw new Error('the record has no published global version in its middle')
  const [open] = (await json<{ proposals: Json[] }>(client, '/admin/proposals?status=open&limit=1')).proposals
  const { schedules } = await json<{ schedules: Json[] }>(client, '/admin/schedules?limit=20')
  const pending = schedules.find((schedule) => schedule.status === 'pending')
  const [event] = (await json<{ events: Json[] }>(client, '/admin/notifications?limit=1')).events
  const { head } = await json<{ head: { pos: number } }>(client, '/admin/export?limit=1')
  if (!open || !pending || !event) throw new Error('the record has no open proposal, pending schedule or event')
  const liveAt = new Date(Date.parse(middle.landedAt) + 1_000).toISOString()
  return {
    middle: { version: middle.version, liveAt, wall: noonIn(liveAt) },
    openProposal: open.id as number,
    pendingSchedule: pending.id as number,
    middleEvent: Math.ceil((event.id as number) / 2),
    middlePosition: Math.floor(head.pos / 2),
  }
}

export interface Operation {
  name: string
  group: 'admin API' | 'console' | 'operations'
  /** The measured call; `before` runs first, unmeasured. */
  run(client: LedgerClient, marks: Landmarks, state: WriteState): Promise<unknown>
  before?(client: LedgerClient, marks: Landmarks, state: WriteState): Promise<void>
}

/** What consecutive writes pass on: the base to write over, the proposal to approve, the console draft to review. */
export interface WriteState {
  round: number
  base?: string
  proposal?: number
  draft?: string
}

async function expectStatus(
  client: LedgerClient,
  path: string,
  status: number,
  init?: RequestInit & { as?: BenchEditor; lines?: number },
) {
  const answer = await client.call(path, init)
  if (answer.status !== status) {
    throw new Error(
      `${init?.method ?? 'GET'} ${path} answered ${answer.status}, not ${status}: ${answer.body.slice(0, 300)}`,
    )
  }
  return answer
}

/** A GET of `path` that must answer 200; named by its path with the landmarks it names as :placeholders. */
function read(group: Operation['group'], name: string, path: (marks: Landmarks) => string): Operation {
  return { name: `GET ${name}`, group, run: (client, marks) => expectStatus(client, path(marks), 200) }
}

async function baseOf(client: LedgerClient, target: string): Promise<string> {
  return (await json<{ base: string }>(client, `/admin/disclaimers/${target}`)).base
}

/** Carol's console draft of the global disclaimer over `state.base`: the path of its review page, where it leads. */
async function startDraft(client: LedgerClient, state: WriteState): Promise<string> {
  const { location } = await expectStatus(client, '/console/disclaimers/global/drafts', 303, {
    ...formOf({ base: state.base ?? 'none', text: `A reviewed text, round ${state.round}.`, note: '' }),
    as: 'carol',
  })
  if (!location?.endsWith('/review')) throw new Error(`a new draft led to ${location}, not its review page`)
  return new URL(location, 'http://localhost').pathname
}

const time = (iso: string) => encodeURIComponent(iso)

/** Every route and page the admin API and the console serve, then the writes, the alarm and the cron, in order. */
export const OPERATIONS: Operation[] = [
  read('admin API', '/admin/whoami', () => '/admin/whoami'),
  read('admin API', '/admin/disclaimers', () => '/admin/disclaimers'),
  read('admin API', '/admin/disclaimers/global', () => '/admin/disclaimers/global'),
  read('admin API', '/admin/disclaimers/global/history', () => '/admin/disclaimers/global/history'),
  read('admin API', '/admin/disclaimers/global/history?limit=500', () => '/admin/disclaimers/global/history?limit=500'),
  read(
    'admin API',
    '/admin/disclaimers/global/history?before=:middle',
    (marks) => `/admin/disclaimers/global/history?before=${marks.middle.version}`,
  ),
  read(
    'admin API',
    '/admin/disclaimers/global/at?time=:middle-time',
    (marks) => `/admin/disclaimers/global/at?time=${time(marks.middle.liveAt)}`,
  ),
  read(
    'admin API',
    '/admin/disclaimers/global/at?time=:in-two-months',
    () => `/admin/disclaimers/global/at?time=${time(new Date(Date.now() + 60 * 86_400_000).toISOString())}`,
  ),
  read(
    'admin API',
    '/admin/disclaimers/global/versions/:middle',
    (marks) => `/admin/disclaimers/global/versions/${marks.middle.version}`,
  ),
  read('admin API', '/admin/proposals', () => '/admin/proposals'),
  read('admin API', '/admin/proposals?status=open', () => '/admin/proposals?status=open'),
  read('admin API', '/admin/proposals?status=rejected', () => '/admin/proposals?status=rejected'),
  read('admin API', '/admin/proposals/:open', (marks) => `/admin/proposals/${marks.openProposal}`),
  read('admin API', '/admin/schedules', () => '/admin/schedules'),
  read('admin API', '/admin/audit', () => '/admin/audit'),
  read('admin API', '/admin/audit?before=:middle', (marks) => `/admin/audit?before=${marks.middle.version}`),
  read('admin API', '/admin/notifications', () => '/admin/notifications'),
  read('admin API', '/admin/notifications?limit=500', () => '/admin/notifications?limit=500'),
  read(
    'admin API',
    '/admin/notifications?version=:middle',
    (marks) => `/admin/notifications?version=${marks.middle.version}`,
  ),
  read(
    'admin API',
    '/admin/notifications?proposal=:open',
    (marks) => `/admin/notifications?proposal=${marks.openProposal}`,
  ),
  read('admin API', '/admin/export', () => '/admin/export'),
  read(
    'admin API',
    '/admin/export?after=:middle&limit=1000',
    (marks) => `/admin/export?after=${marks.middlePosition}&limit=1000`,
  ),
  read('admin API', '/admin/import', () => '/admin/import'),
  read('console', '/console', () => '/console'),
  read('console', '/console/notifications', () => '/console/notifications'),
  read(
    'console',
    '/console/notifications?before=:middle',
    (marks) => `/console/notifications?before=${marks.middleEvent}`,
  ),
  read('console', '/console/proposals', () => '/console/proposals'),
  read('console', '/console/proposals/:open', (marks) => `/console/proposals/${marks.openProposal}`),
  read('console', '/console/proposals/:open/preview', (marks) => `/console/proposals/${marks.openProposal}/preview`),
  read('console', '/console/disclaimers/global/edit', () => '/console/disclaimers/global/edit'),
  read('console', '/console/disclaimers/global/history', () => '/console/disclaimers/global/history'),
  read(
    'console',
    '/console/disclaimers/global/history?before=:middle',
    (marks) => `/console/disclaimers/global/history?before=${marks.middle.version}`,
  ),
  read(
    'console',
    '/console/disclaimers/global/history?at=:middle-time',
    (marks) => `/console/disclaimers/global/history?at=${marks.middle.wall}`,
  ),
  read(
    'console',
    '/console/disclaimers/global/rollback/:middle',
    (marks) => `/console/disclaimers/global/rollback/${marks.middle.version}`,
  ),
  read(
    'console',
    '/console/schedules/:pending/cancel',
    (marks) => `/console/schedules/${marks.pendingSchedule}/cancel`,
  ),
  {
    name: 'POST /console/disclaimers/global/drafts (an edit sent for review)',
    group: 'console',
    before: async (client, _marks, state) => {
      state.base = await baseOf(client, 'global')
    },
    run: async (client, _marks, state) => {
      state.draft = await startDraft(client, state)
    },
  },
  {
    name: 'GET /console/disclaimers/global/drafts/:draft/review',
    group: 'console',
    // A draft of its own to review, started first, unmeasured.
    before: async (client, _marks, state) => {
      state.base = await baseOf(client, 'global')
      state.draft = await startDraft(client, state)
    },
    run: (client, _marks, state) => expectStatus(client, `${state.draft}`, 200, { as: 'carol' }),
  },
  {
    name: 'GET /console/export (its first 1,000 lines)',
    group: 'console',
    run: (client) => expectStatus(client, '/console/export', 200, { lines: 1_000 }),
  },
  {
    name: 'publish (PUT /admin/disclaimers/conclusion)',
    group: 'operations',
    before: async (client, _marks, state) => {
      state.base = await baseOf(client, 'conclusion')
    },
    run: (client, _marks, state) =>
      expectStatus(
        client,
        '/admin/disclaimers/conclusion',
        200,
        jsonOf('PUT', { text: `The conclusion note, round ${state.round}.` }, { 'If-Match': `"${state.base}"` }),
      ),
  },
  {
    name: 'propose (POST /admin/disclaimers/home/proposals)',
    group: 'operations',
    before: async (client, _marks, state) => {
      state.base = await baseOf(client, 'home')
    },
    run: async (client, _marks, state) => {
      const { body } = await expectStatus(client, '/admin/disclaimers/home/proposals', 201, {
        ...jsonOf('POST', { text: `The home note, round ${state.round}.` }, { 'If-Match': `"${state.base}"` }),
        as: 'dave',
      })
      state.proposal = (JSON.parse(body) as { proposal: { id: number } }).proposal.id
    },
  },
  {
    name: 'approve (POST /admin/proposals/:id/approve)',
    group: 'operations',
    // A proposal of its own to approve, opened first, unmeasured.
    before: async (client, _marks, state) => {
      const { body } = await expectStatus(client, '/admin/disclaimers/home/proposals', 201, {
        ...jsonOf(
          'POST',
          { text: `The home note to approve, round ${state.round}.` },
          { 'If-Match': `"${await baseOf(client, 'home')}"` },
        ),
        as: 'erin',
      })
      state.proposal = (JSON.parse(body) as { proposal: { id: number } }).proposal.id
    },
    run: (client, _marks, state) =>
      expectStatus(client, `/admin/proposals/${state.proposal}/approve`, 200, { ...jsonOf('POST', {}), as: 'bob' }),
  },
  {
    name: 'the alarm (after a publish: its messages, its purge)',
    group: 'operations',
    before: async (client, _marks, state) => {
      const base = await baseOf(client, 'conclusion')
      const body = { text: `The conclusion note before the alarm, round ${state.round}.` }
      await expectStatus(client, '/admin/disclaimers/conclusion', 200, jsonOf('PUT', body, { 'If-Match': `"${base}"` }))
    },
    run: (client) => client.bench('alarm'),
  },
  { name: 'the cron', group: 'operations', run: (client) => client.bench('cron') },
]
