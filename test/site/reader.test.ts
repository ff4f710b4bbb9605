import { env } from 'cloudflare:workers'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DEFAULT_DISCLAIMERS } from '../../src/core/defaults.ts'
import { contentHash, sha256Hex } from '../../src/core/keys.ts'
import { FRESH_MS, MAX_STALE_MS, signMetadata } from '../../src/core/kv-contract.ts'
import {
  type Background,
  createDisclaimerReader,
  type DisclaimerNamespace,
  type ReaderEnv,
  versionHeader,
} from '../../src/site/reader.ts'
import { countingNamespace, slowNamespace, throwingNamespace } from '../namespaces.ts'

const GLOBAL_DEFAULT = DEFAULT_DISCLAIMERS.get('disclaimer')
const DOSAGE_DEFAULT = DEFAULT_DISCLAIMERS.get('disclaimer:dosage-and-safety')

/** The metadata the ledger writes for row `seq` holding `text` under `key`, signed with the tests' LEDGER_SECRET. */
async function signed(key: string, seq: number, text: string, chain: string | null = null) {
  return signMetadata(env.LEDGER_SECRET, { key, seq, sha256: await sha256Hex(text), chain })
}

/** The Worker's env with another namespace in place of DISCLAIMERS (the reader's seam), the secret kept. */
function withKv(namespace: DisclaimerNamespace): ReaderEnv {
  return { DISCLAIMERS: namespace, LEDGER_SECRET: env.LEDGER_SECRET }
}

/** Collects the background work requests hand off, so a test decides when it finishes. */
function backgroundQueue() {
  const work: Promise<unknown>[] = []
  const background: Background = (promise) => work.push(promise)
  return { background, work, settle: () => Promise.all(work.splice(0)) }
}

/** A namespace whose global value is `read at <clock>`: the text says when it was read. */
function clockNamespace(clock: { now: number }, state = { failing: false, reads: 0 }) {
  const namespace: DisclaimerNamespace = {
    getWithMetadata: async (keys) => {
      state.reads++
      if (state.failing) throw new Error('KV is unavailable (injected)')
      return new Map(keys.map((key) => [key, { value: `read at ${clock.now}`, metadata: null }]))
    },
  }
  return { namespace, state }
}

describe('readDisclaimers', () => {
  let warn: ReturnType<typeof vi.spyOn>
  beforeEach(async () => {
    warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    for (const key of ['disclaimer', 'disclaimer:dosage-and-safety', 'disclaimer:conclusion']) {
      await env.DISCLAIMERS.delete(key)
    }
  })
  afterEach(() => warn.mockRestore())

  it('shows the KV text when it is valid, unrecorded when no ledger metadata names it', async () => {
    await env.DISCLAIMERS.put('disclaimer', 'Edited in KV.\n\nSecond paragraph.')
    const result = await createDisclaimerReader()(env, [])
    expect(result.global).toEqual({
      key: 'disclaimer',
      source: 'kv',
      paragraphs: ['Edited in KV.', 'Second paragraph.'],
      hash: await contentHash('Edited in KV.\n\nSecond paragraph.'),
      version: 'unrecorded',
    })
    expect(result.source).toBe('kv')
    expect(warn).not.toHaveBeenCalled()
  })

  it('names the ledger version when KV holds metadata the ledger signed for exactly this key and text', async () => {
    const chain = 'c'.repeat(64)
    const hash = await contentHash('Published text.')
    await env.DISCLAIMERS.put('disclaimer', 'Published text.', {
      metadata: await signed('disclaimer', 7, 'Published text.', chain),
    })
    await env.DISCLAIMERS.put('disclaimer:dosage-and-safety', 'Edited around the ledger.', {
      metadata: await signed('disclaimer:dosage-and-safety', 8, 'Published text.'),
    })
    const result = await createDisclaimerReader()(env, ['dosage-and-safety'])
    expect(result.global).toMatchObject({ version: 'v7', chain })
    expect(result.pages.get('dosage-and-safety')?.version).toBe('unrecorded')
    expect(versionHeader(result)).toBe(
      `disclaimer=v7/${hash}, disclaimer:dosage-and-safety=unrecorded/${await contentHash('Edited around the ledger.')}`,
    )
  })

  it('names no version for metadata anyone could write: the right shape, hash and chain, without the signature', async () => {
    const text = 'Planted with wrangler kv key put --metadata.'
    const chain = 'c'.repeat(64)
    // What the ledger wrote before it signed: row, content hash and chain hash, all of them public.
    await env.DISCLAIMERS.put('disclaimer', text, { metadata: { seq: 8, hash: await contentHash(text), chain } })
    // A real signature of the ledger's, copied from the global key to a page's: it is for another key.
    const copied = await signed('disclaimer', 8, text, chain)
    await env.DISCLAIMERS.put('disclaimer:dosage-and-safety', text, { metadata: copied })
    const result = await createDisclaimerReader()(env, ['dosage-and-safety'])
    expect(result.global).toEqual({
      key: 'disclaimer',
      source: 'kv',
      paragraphs: [text],
      hash: await contentHash(text),
      version: 'unrecorded',
    })
    expect(result.pages.get('dosage-and-safety')).toMatchObject({ version: 'unrecorded' })
    expect(result.pages.get('dosage-and-safety')).not.toHaveProperty('chain')
  })

  it('names no version for metadata signed under another secret, and says once when the secret is unusable', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    await env.DISCLAIMERS.put('disclaimer', 'Signed before a rotation.', {
      metadata: await signMetadata('ab'.repeat(32), {
        key: 'disclaimer',
        seq: 7,
        sha256: await sha256Hex('Signed before a rotation.'),
        chain: null,
      }),
    })
    expect((await createDisclaimerReader()(env, [])).global.version).toBe('unrecorded')
    await env.DISCLAIMERS.put('disclaimer', 'Published text.', {
      metadata: await signed('disclaimer', 7, 'Published text.'),
    })
    const unset = { DISCLAIMERS: env.DISCLAIMERS, LEDGER_SECRET: 'too short' }
    expect((await createDisclaimerReader()(unset, [])).global.version).toBe('unrecorded')
    expect((await createDisclaimerReader()(unset, [])).global.version).toBe('unrecorded')
    expect(errors.mock.calls.filter(([message]) => String(message).includes('LEDGER_SECRET must be'))).toHaveLength(1)
    expect((await createDisclaimerReader()(env, [])).global.version).toBe('v7')
  })

  it.each([
    ['missing', undefined, 'the key is not set in KV'],
    ['empty', '', 'empty'],
    ['too long', 'x'.repeat(2001), 'the limit is 2000'],
    ['holding control characters', 'Not \u0007medical advice', 'character U+0007'],
    ['holding an invisible character', 'Not\u200Bmedical advice', 'character U+200B'],
  ])('falls back to the bundled default when the key is %s, and warns why', async (_, value, reason) => {
    if (value !== undefined) await env.DISCLAIMERS.put('disclaimer', value)
    const result = await createDisclaimerReader()(env, [])
    expect(result.global).toEqual({
      key: 'disclaimer',
      source: 'default',
      paragraphs: GLOBAL_DEFAULT?.paragraphs,
      hash: GLOBAL_DEFAULT?.hash,
      version: 'default',
    })
    expect(result.source).toBe('default')
    expect(warn).toHaveBeenCalledWith('disclaimer fallback', expect.objectContaining({ key: 'disclaimer' }))
    expect(JSON.stringify(warn.mock.calls)).toContain(reason)
  })

  it('falls back when KV throws', async () => {
    const result = await createDisclaimerReader()(withKv(throwingNamespace('KV exploded')), ['dosage-and-safety'])
    expect(result.global.paragraphs).toEqual(GLOBAL_DEFAULT?.paragraphs)
    expect(result.pages.get('dosage-and-safety')?.paragraphs).toEqual(DOSAGE_DEFAULT?.paragraphs)
    expect(result.source).toBe('default')
    expect(JSON.stringify(warn.mock.calls)).toContain('KV exploded')
  })

  it('falls back when KV does not answer within the bounded wait', async () => {
    await env.DISCLAIMERS.put('disclaimer', 'Too late to be shown.')
    const read = createDisclaimerReader({ timeoutMs: 50 })
    const result = await read(withKv(slowNamespace(env.DISCLAIMERS, 500)), [])
    expect(result.global.source).toBe('default')
    expect(JSON.stringify(warn.mock.calls)).toContain('KV did not answer within 50 ms')
  })

  it('reads the global and page keys in one KV operation', async () => {
    await env.DISCLAIMERS.put('disclaimer:dosage-and-safety', 'Dosage text from KV.')
    const { namespace, reads } = countingNamespace(env.DISCLAIMERS)
    const result = await createDisclaimerReader()(withKv(namespace), ['full-article', 'dosage-and-safety'])
    expect(reads).toEqual([['disclaimer', 'disclaimer:full-article', 'disclaimer:dosage-and-safety']])
    expect(result.pages.get('dosage-and-safety')?.paragraphs).toEqual(['Dosage text from KV.'])
    expect(result.pages.has('full-article')).toBe(false)
  })

  it('reads KV on every call when the isolate cache is off (benchmark H1)', async () => {
    await env.DISCLAIMERS.put('disclaimer', 'Uncached text.')
    const { namespace, reads } = countingNamespace(env.DISCLAIMERS)
    const read = createDisclaimerReader({ freshMs: 0, maxStaleMs: 0 })
    for (let call = 0; call < 3; call++) {
      expect((await read(withKv(namespace), [])).global.paragraphs).toEqual(['Uncached text.'])
    }
    expect(reads).toHaveLength(3)
  })

  it('shows no page text for a page without a bundled default when its KV value is invalid', async () => {
    await env.DISCLAIMERS.put('disclaimer:conclusion', '')
    const result = await createDisclaimerReader()(env, ['conclusion'])
    expect(result.pages.has('conclusion')).toBe(false)
    expect(warn).toHaveBeenCalledWith(
      'disclaimer fallback',
      expect.objectContaining({ key: 'disclaimer:conclusion', shown: 'none' }),
    )
  })
})

describe('the answer a reader hands out', () => {
  beforeEach(async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    await env.DISCLAIMERS.put('disclaimer', 'First text.')
  })

  it('is the same object for a set of slugs until KV is read again, so pages can key work on it', async () => {
    const clock = { now: 0 }
    const read = createDisclaimerReader({ now: () => clock.now })
    const queue = backgroundQueue()
    const slugs = ['dosage-and-safety']
    const first = await read(env, slugs, queue.background)
    expect(await read(env, [...slugs], queue.background)).toBe(first)
    await env.DISCLAIMERS.put('disclaimer', 'Second text.')
    clock.now = FRESH_MS
    await read(env, slugs, queue.background)
    await queue.settle()
    const refreshed = await read(env, slugs, queue.background)
    expect(refreshed).not.toBe(first)
    expect(refreshed.global.paragraphs).toEqual(['Second text.'])
  })

  it('shows a version this isolate remembers at once, in a new answer', async () => {
    const read = createDisclaimerReader()
    const before = await read(env, ['conclusion'])
    await read.remember({ key: 'disclaimer', text: 'Published here.', version: 9, chain: null, log: 12 })
    const after = await read(env, ['conclusion'])
    expect(after).not.toBe(before)
    expect(after.global).toMatchObject({ paragraphs: ['Published here.'], version: 'v9', logIndex: 12 })
    expect(before.global.paragraphs).toEqual(['First text.'])
  })
  it('keeps a version it remembers over an older one KV still holds, and lets it go once KV holds it or a newer one', async () => {
    const clock = { now: 0 }
    const read = createDisclaimerReader({ now: () => clock.now })
    await env.DISCLAIMERS.put('disclaimer', 'Older text.', { metadata: await signed('disclaimer', 8, 'Older text.') })
    await read(env, [])
    await read.remember({ key: 'disclaimer', text: 'Published here.', version: 9, chain: null, log: 12 })
    // Past the longest a value may lag KV, each read below reads KV itself.
    clock.now = MAX_STALE_MS + 1
    expect((await read(env, [])).global).toMatchObject({ paragraphs: ['Published here.'], version: 'v9' })
    await env.DISCLAIMERS.put('disclaimer', 'Newer still.', {
      metadata: await signed('disclaimer', 10, 'Newer still.'),
    })
    clock.now = 2 * (MAX_STALE_MS + 1)
    expect((await read(env, [])).global).toMatchObject({ paragraphs: ['Newer still.'], version: 'v10' })
    await env.DISCLAIMERS.put('disclaimer', 'Older text.', { metadata: await signed('disclaimer', 8, 'Older text.') })
    clock.now = 3 * (MAX_STALE_MS + 1)
    expect((await read(env, [])).global).toMatchObject({ paragraphs: ['Older text.'], version: 'v8' })
  })
})

describe('the isolate cache, with KV answering in 100 ms', () => {
  beforeEach(async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    await env.DISCLAIMERS.put('disclaimer', 'First text.')
  })

  it('never makes a request wait for KV after warm-up: a stale value is served while the refresh runs', async () => {
    const events: string[] = []
    const slow = slowNamespace(env.DISCLAIMERS, 100)
    const namespace: DisclaimerNamespace = {
      getWithMetadata: async (keys, options) => {
        events.push('kv read started')
        const values = await slow.getWithMetadata(keys, options)
        events.push('kv read answered')
        return values
      },
    }
    const clock = { now: 0 }
    const read = createDisclaimerReader({ now: () => clock.now })
    const queue = backgroundQueue()
    await read(withKv(namespace), [], queue.background)
    events.length = 0
    await env.DISCLAIMERS.put('disclaimer', 'Second text.')

    for (const at of [FRESH_MS - 1, FRESH_MS, FRESH_MS + 1, FRESH_MS + 200]) {
      clock.now = at
      const served = await read(withKv(namespace), [], queue.background)
      events.push(`served "${served.global.paragraphs[0]}" at ${at}`)
    }
    expect(events).toEqual([
      `served "First text." at ${FRESH_MS - 1}`,
      'kv read started',
      `served "First text." at ${FRESH_MS}`,
      `served "First text." at ${FRESH_MS + 1}`,
      `served "First text." at ${FRESH_MS + 200}`,
    ])
    await queue.settle()
    expect(events.at(-1)).toBe('kv read answered')
    expect((await read(withKv(namespace), [], queue.background)).global.paragraphs).toEqual(['Second text.'])
  })

  it('makes one KV read, not 100, when 100 concurrent requests arrive after the value went stale', async () => {
    const { namespace, reads } = countingNamespace(slowNamespace(env.DISCLAIMERS, 100))
    const clock = { now: 0 }
    const read = createDisclaimerReader({ now: () => clock.now })
    const queue = backgroundQueue()
    await read(withKv(namespace), ['dosage-and-safety'], queue.background)
    clock.now = FRESH_MS + 1
    const served = await Promise.all(
      Array.from({ length: 100 }, () => read(withKv(namespace), ['dosage-and-safety'], queue.background)),
    )
    expect(served.every((result) => result.global.paragraphs[0] === 'First text.')).toBe(true)
    expect(queue.work).toHaveLength(1)
    await queue.settle()
    expect(reads).toHaveLength(2)
  })

  it('runs the refresh only through the request that started it; others neither start nor await one', async () => {
    const clock = { now: 0 }
    const { namespace, reads } = countingNamespace(slowNamespace(env.DISCLAIMERS, 100))
    const read = createDisclaimerReader({ now: () => clock.now })
    await read(withKv(namespace), [])
    clock.now = FRESH_MS
    const first = backgroundQueue()
    const second = backgroundQueue()
    await read(withKv(namespace), [], first.background)
    const servedMeanwhile = await read(withKv(namespace), [], second.background)
    expect(first.work).toHaveLength(1)
    expect(second.work).toHaveLength(0)
    expect(servedMeanwhile.global.paragraphs).toEqual(['First text.'])
    expect(reads).toHaveLength(2)
    await first.settle()
  })

  it('never serves a value read more than the cap ago, whatever the timing of requests, refreshes and failures', async () => {
    const clock = { now: 0 }
    const { namespace, state } = clockNamespace(clock)
    const read = createDisclaimerReader({ now: () => clock.now })
    const queue = backgroundQueue()
    let worst = 0
    let seed = 7
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
      return seed / 2 ** 31
    }
    for (let step = 0; step < 300; step++) {
      clock.now += Math.floor(random() * 20_000)
      state.failing = random() < 0.3
      const served = await read(withKv(namespace), [], queue.background)
      if (served.global.source === 'kv') {
        const readAt = Number(/read at (\d+)/.exec(served.global.paragraphs[0] ?? '')?.[1])
        worst = Math.max(worst, clock.now - readAt)
      }
      // Background refreshes finish at random later points, sometimes after several more requests.
      if (random() < 0.5) await queue.settle()
    }
    await queue.settle()
    expect(worst).toBeGreaterThan(FRESH_MS)
    expect(worst).toBeLessThanOrEqual(MAX_STALE_MS)
  })

  it('keeps the last good value while KV fails, until the cap, then shows the bundled default', async () => {
    const clock = { now: 0 }
    const { namespace, state } = clockNamespace(clock)
    const read = createDisclaimerReader({ now: () => clock.now })
    const queue = backgroundQueue()
    expect((await read(withKv(namespace), [], queue.background)).global.paragraphs).toEqual(['read at 0'])
    state.failing = true
    for (let at = FRESH_MS; at < MAX_STALE_MS; at += 2_500) {
      clock.now = at
      const served = await read(withKv(namespace), [], queue.background)
      await queue.settle()
      expect(served.global).toMatchObject({ source: 'kv', paragraphs: ['read at 0'] })
    }
    clock.now = MAX_STALE_MS
    const afterCap = await read(withKv(namespace), [], queue.background)
    expect(afterCap.global).toMatchObject({ source: 'default', paragraphs: GLOBAL_DEFAULT?.paragraphs })
    expect(state.reads).toBeGreaterThan(2)
  })

  it('asks KV again soon after a failure, in the background, without making requests wait', async () => {
    const clock = { now: 0 }
    const { namespace, state } = clockNamespace(clock)
    state.failing = true
    const read = createDisclaimerReader({ now: () => clock.now, retryAfterFailureMs: 2_000 })
    const queue = backgroundQueue()
    expect((await read(withKv(namespace), [], queue.background)).global.source).toBe('default')
    state.failing = false
    clock.now = 1_999
    expect((await read(withKv(namespace), [], queue.background)).global.source).toBe('default')
    expect(queue.work).toHaveLength(0)
    clock.now = 2_000
    expect((await read(withKv(namespace), [], queue.background)).global.source).toBe('default')
    await queue.settle()
    expect((await read(withKv(namespace), [], queue.background)).global.paragraphs).toEqual(['read at 2000'])
  })
})
