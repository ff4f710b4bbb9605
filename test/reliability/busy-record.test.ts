// The admin API and the console on a record of a decade's shape at 1,000 versions per target (issue 23): every route
// and page answers its documented status, never 500, from one fill of the record, its own file so that it runs beside
// the route tests rather than after them.
import { reset } from 'cloudflare:test'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { LedgerVersion, Proposal } from '../../src/core/ledger-types.ts'
import { TARGETS } from '../../src/core/site-map.ts'
import { get, newClientAddress, put, send } from '../editor/routes/admin-helpers.ts'
import {
  currentBase,
  form,
  get as getPage,
  saveDraft,
  send as sendDraft,
  signIn,
} from '../editor/routes/console-helpers.ts'
import { request } from '../helpers.ts'
import { fillBusyRecord } from '../ledger/helpers.ts'

beforeEach(async () => {
  await reset()
  newClientAddress()
  vi.spyOn(console, 'warn').mockImplementation(() => {})
})

describe('the admin API and the console at 1,000 versions per target', () => {
  it('answer every route and page with its documented status, never 500, and a second approval with 409', async () => {
    await fillBusyRecord({
      versions: 1_000 * TARGETS.length,
      proposals: 2_000,
      schedules: 500,
      events: 10_000,
    })
    const json = async <T>(path: string) => (await (await get(path)).json()) as T
    const history = await json<{ versions: LedgerVersion[]; next: number }>('/disclaimers/global/history')
    const open = await json<{ proposals: Proposal[] }>('/proposals?status=open')
    const { schedules } = await json<{ schedules: { id: number; status: string }[] }>('/schedules')
    const pending = schedules.filter((schedule) => schedule.status === 'pending')
    expect(history.versions).toHaveLength(100)
    expect(open.proposals).toHaveLength(20)
    expect(pending).toHaveLength(5)
    const landed = history.versions.find((version) => version.landedAt !== null && version.how === 'publish')
    const middle = new Date(Date.parse(history.versions.at(-1)?.at ?? '') - 30 * 86_400_000).toISOString()
    const reads = [
      '/whoami',
      '/disclaimers',
      '/import',
      '/audit',
      '/audit?limit=500',
      `/audit?before=${history.next}`,
      '/schedules?limit=500',
      '/notifications',
      '/notifications?limit=500',
      `/notifications?version=${history.versions[0]?.version}`,
      `/notifications?proposal=${open.proposals[0]?.id}`,
      '/proposals?limit=500',
      '/proposals?status=approved&limit=500',
      '/proposals?status=rejected&target=home',
      '/proposals?status=superseded',
      `/proposals/${open.proposals[0]?.id}`,
      '/export',
      '/export?after=5000&limit=1000',
      ...TARGETS.flatMap((target) => [
        `/disclaimers/${target}`,
        `/disclaimers/${target}/history`,
        `/disclaimers/${target}/history?limit=500`,
        `/disclaimers/${target}/history?limit=500&before=${history.next}`,
        `/disclaimers/${target}/at?time=${encodeURIComponent(middle)}`,
        `/disclaimers/${target}/at?time=${encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString())}`,
      ]),
      `/disclaimers/global/versions/${landed?.version}`,
    ]
    for (const path of reads) {
      const res = await get(path)
      expect(res.status, `GET ${path}: ${res.status === 200 ? '' : await res.text()}`).toBe(200)
    }

    // One record for both faces: its fill is most of this test's time.
    const { events } = await json<{ events: { id: number }[] }>('/notifications')
    const cookie = await signIn('alice')
    const pages = [
      '/console',
      '/console/notifications',
      `/console/notifications?before=${events.at(-1)?.id}`,
      '/console/proposals',
      '/console/proposals?target=home',
      `/console/proposals/${open.proposals[0]?.id}`,
      `/console/proposals/${open.proposals[0]?.id}/preview`,
      '/console/export',
      `/console/disclaimers/global/rollback/${landed?.version}`,
      `/console/schedules/${pending[1]?.id}/cancel`,
      ...TARGETS.flatMap((target) => [
        `/console/disclaimers/${target}/edit`,
        `/console/disclaimers/${target}/history`,
        `/console/disclaimers/${target}/history?before=${history.next}`,
        `/console/disclaimers/${target}/history?at=2025-06-01T12:00`,
      ]),
    ]
    for (const path of pages) {
      const res = await getPage(path, cookie)
      expect(res.status, `GET ${path}`).toBe(200)
      await res.arrayBuffer()
    }

    const current = async (target: string) => `"${(await json<{ base: string }>(`/disclaimers/${target}`)).base}"`
    const writes: [number, string, () => Promise<Response>][] = [
      [
        200,
        'PUT conclusion',
        async () =>
          put('conclusion', { text: 'A new closing note.' }, 'alice', { 'If-Match': await current('conclusion') }),
      ],
      [
        200,
        'POST global/rollback',
        async () =>
          send('POST', '/disclaimers/global/rollback', { version: landed?.version as number }, 'carol', {
            'If-Match': await current('global'),
          }),
      ],
      [
        201,
        'POST home/proposals',
        async () =>
          send('POST', '/disclaimers/home/proposals', { text: 'A proposed home note.' }, 'alice', {
            'If-Match': await current('home'),
          }),
      ],
      [200, 'POST approve', async () => send('POST', `/proposals/${await newestOpen()}/approve`, {}, 'bob')],
      [
        412,
        'POST approve (stale base)',
        () =>
          send(
            'POST',
            `/proposals/${open.proposals[0]?.id}/approve`,
            {},
            open.proposals[0]?.by === 'bob' ? 'carol' : 'bob',
          ),
      ],
      [200, 'POST reject', () => send('POST', `/proposals/${open.proposals[1]?.id}/reject`, { reason: 'no' }, 'carol')],
      [200, 'POST cancel', () => send('POST', `/schedules/${pending[0]?.id}/cancel`, { reason: 'not now' }, 'carol')],
      [200, 'POST seed', () => send('POST', '/seed', {}, 'carol')],
    ]
    async function newestOpen() {
      return (await json<{ proposals: Proposal[] }>('/proposals?status=open&limit=1')).proposals[0]?.id
    }
    for (const [status, name, call] of writes) {
      const res = await call()
      expect(res.status, `${name}: ${await res.clone().text()}`).toBe(status)
    }

    // The console's writes on what the API's writes left: other proposals, another schedule, an earlier version.
    const { draft } = await saveDraft('conclusion', 'A busy conclusion note.', cookie)
    for (const step of ['review', 'preview?page=/conclusion']) {
      const res = await getPage(`${draft}/${step}`, cookie)
      expect(res.status, `GET ${step}`).toBe(200)
      await res.arrayBuffer()
    }
    expect(await sendDraft(draft, 'publish', cookie)).toBe(`${draft}/done`)
    const proposing = await saveDraft('home', 'A busy home note.', cookie)
    const id = (await sendDraft(proposing.draft, 'propose', cookie)).split('/').at(-1)
    const bob = await signIn('bob')
    const proposal = await (await getPage(`/console/proposals/${id}`, bob)).text()
    const seen = /name="seen" value="([0-9,]*)"/.exec(proposal)?.[1] ?? ''
    const approved = await request(`/console/proposals/${id}/approve`, form({ seen }, bob))
    expect(approved.status).toBe(303)
    // A reload of "Published" sends the approval again.
    const again = await request(`/console/proposals/${id}/approve`, form({ seen }, bob))
    expect(again.status).toBe(409)
    expect(await again.text()).toContain(`proposal ${id} was already approved by bob and published as version`)
    const rejected = await request(`/console/proposals/${open.proposals[2]?.id}/reject`, form({ reason: 'no' }, bob))
    expect(rejected.status).toBe(303)
    const earlier = history.versions.findLast((version) => version.landedAt !== null && version.how === 'publish')
    const rollback = await request(
      `/console/disclaimers/global/rollback/${earlier?.version}`,
      form({ base: await currentBase('global'), note: '' }, bob),
    )
    expect(rollback.status).toBe(200)
    const cancelled = await request(`/console/schedules/${pending[1]?.id}/cancel`, form({ reason: 'not now' }, bob))
    expect(cancelled.status).toBe(200)
  }, 120_000)
})
