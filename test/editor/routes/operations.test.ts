// The operators' routes of the admin API, inside workerd with local R2 and the ledger's real storage. Local workerd
// keeps no storage history, so point-in-time recovery is tested twice: as the local runtime answers (501, nothing
// changed), and through the ledger's `recovery` seam, as Cloudflare's storage answers.
import {
  createExecutionContext,
  createScheduledController,
  reset,
  runInDurableObject,
  waitOnExecutionContext,
} from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { BACKUP_PREFIX, listBackups } from '../../../src/core/backups.ts'
import { verifyExport } from '../../../src/core/chain.ts'
import { ledgerOf } from '../../../src/core/ledger-address.ts'
import Site from '../../../src/index.ts'
import type { DisclaimerLedger } from '../../../src/ledger/object.ts'
import { bearer } from '../../fixtures/editors.ts'
import { request } from '../../helpers.ts'

const BOOKMARK = '0000002a-00000001-00004e2f-0a83ea2fceebc654de0640c422be4653'
const UNDO = '0000002b-00000002-00004e30-1b94fb30dffcd765ef1751d533cf5764'

let address = 0
beforeEach(async () => {
  await reset()
  address += 1
  vi.spyOn(console, 'warn').mockImplementation(() => {})
  vi.spyOn(console, 'log').mockImplementation(() => {})
})

function admin(method: 'GET' | 'POST', path: string, body?: unknown, bindings: Partial<Env> = {}) {
  const headers: Record<string, string> = { ...bearer('carol'), 'CF-Connecting-IP': `198.51.100.${address}` }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  return request(
    `/admin${path}`,
    { method, headers, body: body === undefined ? undefined : JSON.stringify(body) },
    bindings,
  )
}

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString()

describe('GET /admin/settings', () => {
  it('says there is nothing wrong, or every problem with its fix, to a signed-in editor only', async () => {
    expect(await (await admin('GET', '/settings')).json()).toEqual({ problems: [] })
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const res = await admin('GET', '/settings', undefined, { EMAIL_FROM: 'ops', SITE_TIME_ZONE: 'Mars/Olympus' })
    expect(await res.json()).toEqual({
      problems: [
        expect.stringMatching(/^EMAIL_FROM is "ops", not an address/),
        expect.stringMatching(/^SITE_TIME_ZONE is "Mars\/Olympus", not an IANA time zone/),
      ],
    })
    expect((await request('/admin/settings')).status).toBe(401)
  })
})

describe('POST /admin/reconcile', () => {
  it('refuses before the cron’s first run, which alone imports the old history; then records edits made around the ledger', async () => {
    const early = await admin('POST', '/reconcile', {})
    expect(early.status).toBe(409)
    expect(((await early.json()) as { error: { code: string } }).error.code).toBe('import_pending')
    expect(await ledgerOf(env).read('importRecord')).toBeNull()

    const ctx = createExecutionContext()
    await new Site(ctx, env).scheduled(createScheduledController({ cron: '* * * * *' }))
    await waitOnExecutionContext(ctx)
    await env.DISCLAIMERS.put('disclaimer:conclusion', 'Put with plain wrangler, recorded by hand.')
    const res = await admin('POST', '/reconcile', {})
    expect(res.status).toBe(200)
    const { recorded } = (await res.json()) as { recorded: { text: string; how: string }[] }
    expect(recorded).toEqual([
      expect.objectContaining({ how: 'external', text: 'Put with plain wrangler, recorded by hand.' }),
    ])
  })
})

describe('the copies of the record in R2', () => {
  it('makes one now, lists it, and the copy verifies as an export', async () => {
    await ledgerOf(env).seed('alice')
    const made = await admin('POST', '/backups', {})
    expect(made.status).toBe(201)
    const { backup } = (await made.json()) as { backup: { key: string; rows: number; head: string } }
    expect(backup.key.startsWith(BACKUP_PREFIX)).toBe(true)
    const listed = (await (await admin('GET', '/backups')).json()) as {
      retentionDays: number
      backups: { key: string }[]
    }
    expect(listed.retentionDays).toBe(90)
    expect(listed.backups.map((copy) => copy.key)).toContain(backup.key)
    const text = (await (await env.BACKUPS.get(backup.key))?.text()) as string
    expect(verifyExport(text)).toMatchObject({ ok: true, rows: backup.rows, head: backup.head })
  })

  it('says so when the environment has no BACKUPS binding', async () => {
    const res = await admin('POST', '/backups', {}, { BACKUPS: undefined })
    expect(res.status).toBe(503)
    expect(await res.json()).toEqual({
      error: { code: 'no_backups', message: 'there is no BACKUPS R2 binding in this environment' },
    })
  })
})

describe('point-in-time recovery, as local workerd answers', () => {
  it('says the local runtime keeps no storage history, and changes and copies nothing', async () => {
    const point = await admin('GET', `/recovery?time=${encodeURIComponent(minutesAgo(5))}`)
    expect(point.status).toBe(501)
    const { error } = (await point.json()) as { error: { code: string; message: string } }
    expect(error.code).toBe('recovery_unsupported')
    expect(error.message).toContain('point-in-time recovery is not available here')
    const restore = await admin('POST', '/recovery', { time: minutesAgo(5), reason: 'drill' })
    expect(restore.status).toBe(501)
    expect(await listBackups(env.BACKUPS)).toEqual([])
  })

  it.each([
    ['a time to come', () => new Date(Date.now() + 60_000).toISOString(), 'has not happened yet'],
    ['a time past the 30 days kept', () => minutesAgo(31 * 24 * 60), 'is more than 30 days ago'],
  ])('refuses %s before asking the storage', async (_, time, problem) => {
    const res = await admin('GET', `/recovery?time=${encodeURIComponent(time())}`)
    expect(res.status).toBe(422)
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(problem)
  })

  it.each([
    [{ reason: 'drill' }, 'give either time (a moment to go back to) or bookmark, not both'],
    [
      { time: minutesAgo(5), bookmark: BOOKMARK, reason: 'drill' },
      'give either time (a moment to go back to) or bookmark, not both',
    ],
    [{ time: minutesAgo(5) }, 'reason: missing; the body has time (or bookmark) and reason'],
    [{ bookmark: 'yesterday', reason: 'drill' }, 'bookmark: expected a bookmark as /admin/recovery gives it'],
  ])('refuses the body %j, saying what to send', async (body, message) => {
    const res = await admin('POST', '/recovery', body)
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(message)
  })

  it('is refused without an editor token', async () => {
    const res = await request('/admin/recovery', {
      method: 'POST',
      body: '{}',
      headers: { 'Content-Type': 'application/json' },
    })
    expect(res.status).toBe(401)
  })
})

describe('point-in-time recovery, as Cloudflare’s storage answers (the recovery seam)', () => {
  it('copies the record to R2 first, then restores to the moment’s bookmark, restarts the object and answers its head', async () => {
    await ledgerOf(env).seed('alice')
    const asked: unknown[] = []
    await runInDurableObject(ledgerOf(env), (object: DisclaimerLedger, state) => {
      object.recovery = {
        bookmarkFor: async (at) => {
          asked.push(['bookmarkFor', at.toISOString()])
          return BOOKMARK
        },
        current: async () => UNDO,
        restoreOnNextStart: async (bookmark) => {
          asked.push(['restoreOnNextStart', bookmark])
          return UNDO
        },
        restart: (reason) => {
          asked.push(['restart', reason])
          state.abort(reason)
        },
      }
    })
    const time = minutesAgo(10)
    const point = await admin('GET', `/recovery?time=${encodeURIComponent(time)}`)
    expect(await point.json()).toEqual({ time, bookmark: BOOKMARK, current: UNDO })

    const res = await admin('POST', '/recovery', { time, reason: 'a bad deploy rewrote rows' })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { copy: { key: string; rows: number; head: string }; head: { hash: string } }
    expect(body).toMatchObject({ restoredTo: BOOKMARK, time, undo: UNDO })
    expect(body.copy.key).toMatch(/^ledger\/.*-pre-restore\.jsonl$/)
    expect(asked).toEqual([
      ['bookmarkFor', new Date(time).toISOString()],
      ['bookmarkFor', new Date(time).toISOString()],
      ['restoreOnNextStart', BOOKMARK],
      ['restart', `restoring to ${BOOKMARK} for carol`],
    ])
    const copy = (await (await env.BACKUPS.get(body.copy.key))?.text()) as string
    expect(verifyExport(copy)).toMatchObject({ ok: true, head: body.copy.head })
    // The object started again (its seam back to the real storage) and answers: here nothing was restored.
    expect(body.head).toEqual(await ledgerOf(env).read('head'))
    expect((await admin('GET', `/recovery?time=${encodeURIComponent(time)}`)).status).toBe(501)
  })
})
