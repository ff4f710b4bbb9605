// Pages name a version's public log entry from the moment they name the version, on every path that puts a version
// on a page: the isolate that made a publish, an approval or a rollback shows it at once (write-through), and a
// version that went live at its time or was recorded from a side door shows it when KV is read.
import { reset, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { MAX_STALE_MS } from '../../../src/core/kv-contract.ts'
import type { LedgerVersion } from '../../../src/core/ledger-types.ts'
import { STALE_READ_MS } from '../../../src/core/staleness.ts'
import { createApp } from '../../../src/index.ts'
import { leafOf } from '../../../src/ledger/log-tree.ts'
import type { DisclaimerLedger } from '../../../src/ledger/object.ts'
import { bearer, type TestEditor } from '../../fixtures/editors.ts'
import { request } from '../../helpers.ts'
import { advanceClock, openProposal, publish, requireApproval, runCron, theLedger } from '../../ledger/helpers.ts'

const HOUR = 3_600_000

/** One isolate: an app whose disclaimer cache lives across requests, on a clock the test moves. */
function isolate() {
  const clock = { now: Date.now() }
  const app = createApp({ now: () => clock.now })
  const send = (path: string, init: RequestInit = {}) => request(path, init, {}, app)
  const write = (method: 'PUT' | 'POST', path: string, editor: TestEditor, body: unknown, extra = {}) =>
    send(`/admin${path}`, {
      method,
      headers: { ...bearer(editor), 'Content-Type': 'application/json', ...extra },
      body: JSON.stringify(body),
    })
  return { clock, send, write }
}

/** The global disclaimer's box on the home page, as its attributes name it. */
async function globalBox(send: (path: string) => Promise<Response>) {
  const html = await (await send('/')).text()
  const box = /<div class="disclaimer"[^>]*data-disclaimer="disclaimer"[^>]*>/.exec(html)?.[0] ?? ''
  const attribute = (name: string) => new RegExp(` ${name}="([^"]*)"`).exec(box)?.[1] ?? null
  return { version: attribute('data-disclaimer-version'), log: attribute('data-log-index') }
}

/** The leaf the ledger's chain gives version `seq`. */
function leaf(seq: number): Promise<number | null> {
  return runInDurableObject(theLedger(), (_instance: DisclaimerLedger, state) =>
    leafOf(state.storage.sql, 'versions', seq),
  )
}

async function expectNamed(box: { version: string | null; log: string | null }, version: LedgerVersion) {
  const log = await leaf(version.version)
  expect(log).toEqual(expect.any(Number))
  expect(version.log).toBe(log)
  expect(box).toEqual({ version: `v${version.version}`, log: String(log) })
}

async function liveVersion(res: Response): Promise<LedgerVersion> {
  expect(res.status, await res.clone().text()).toBe(200)
  const result = (await res.json()) as { status: string; version: LedgerVersion }
  expect(result.status).toBe('live')
  return result.version
}

beforeEach(async () => {
  await reset()
  vi.spyOn(console, 'warn').mockImplementation(() => {})
})

describe('a page naming a version', () => {
  it('names its log entry at once in the isolate that published it, though its cache held the old text', async () => {
    const before = await publish('global', 'The global text before.')
    const { send, write } = isolate()
    await expectNamed(await globalBox(send), before)
    const res = await write(
      'PUT',
      '/disclaimers/global',
      'alice',
      { text: 'The global text after.' },
      {
        'If-Match': `"${before.version}"`,
      },
    )
    await expectNamed(await globalBox(send), await liveVersion(res))
  })

  it('names its log entry at once in the isolate that approved it', async () => {
    await publish('global', 'The global text before.')
    await requireApproval()
    const base = (await theLedger().read('live', 'global'))?.base ?? 'none'
    const proposal = await openProposal({ target: 'global', text: 'The approved text.', base, by: 'alice' })
    const { send, write } = isolate()
    await globalBox(send)
    const res = await write('POST', `/proposals/${proposal.id}/approve`, 'bob', {})
    await expectNamed(await globalBox(send), await liveVersion(res))
  })

  it('names its log entry at once in the isolate that rolled back to it', async () => {
    const first = await publish('global', 'The first text.')
    const second = await publish('global', 'The second text.')
    const { send, write } = isolate()
    await expectNamed(await globalBox(send), second)
    const res = await write(
      'POST',
      '/disclaimers/global/rollback',
      'alice',
      { version: first.version },
      {
        'If-Match': `"${second.version}"`,
      },
    )
    const rolledBack = await liveVersion(res)
    expect(rolledBack.rollbackOf).toBe(first.version)
    await expectNamed(await globalBox(send), rolledBack)
  })

  it('names its log entry once a change scheduled ahead went live at its time', async () => {
    await publish('global', 'The text before.')
    await requireApproval()
    const { clock, send } = isolate()
    await globalBox(send)
    const when = Date.now() + 2 * HOUR
    const base = (await theLedger().read('live', 'global'))?.base ?? 'none'
    const effectiveAt = new Date(when).toISOString()
    const proposal = await openProposal({
      target: 'global',
      text: 'The text from its time.',
      base,
      by: 'alice',
      effectiveAt,
    })
    expect((await theLedger().approve({ id: proposal.id, by: 'bob' })).ok).toBe(true)
    await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger) => {
      ledger.now = () => when + 500
    })
    await runDurableObjectAlarm(theLedger())
    const live = (await theLedger().read('live', 'global'))?.current as LedgerVersion
    expect(live.text).toBe('The text from its time.')
    clock.now += MAX_STALE_MS
    await expectNamed(await globalBox(send), live)
  })

  it('names its log entry once a text put around the ledger is recorded and signed', async () => {
    await publish('global', 'The text before.')
    const { clock, send } = isolate()
    await globalBox(send)
    await env.DISCLAIMERS.put('disclaimer', 'A text put with plain wrangler.')
    clock.now += MAX_STALE_MS
    expect(await globalBox(send)).toEqual({ version: 'unrecorded', log: null })
    await runCron()
    // The ledger signs a text found around it once it has been seen for STALE_READ_MS, at a later cron.
    await advanceClock(STALE_READ_MS)
    await runCron()
    const recorded = (await theLedger().read('live', 'global'))?.current as LedgerVersion
    expect([recorded.how, recorded.text]).toEqual(['external', 'A text put with plain wrangler.'])
    clock.now += MAX_STALE_MS
    await expectNamed(await globalBox(send), recorded)
  })
})
