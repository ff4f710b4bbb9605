import { env } from 'cloudflare:workers'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DEFAULT_DISCLAIMERS } from '../../src/disclaimer/defaults.ts'
import { createDisclaimerReader } from '../../src/disclaimer/read.ts'
import { countingNamespace, slowNamespace, throwingNamespace } from '../namespaces.ts'

const GLOBAL_DEFAULT = DEFAULT_DISCLAIMERS.get('disclaimer')?.paragraphs
const DOSAGE_DEFAULT = DEFAULT_DISCLAIMERS.get('disclaimer:dosage-and-safety')?.paragraphs

describe('readDisclaimers', () => {
  let warn: ReturnType<typeof vi.spyOn>
  beforeEach(async () => {
    warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    await env.DISCLAIMERS.delete('disclaimer')
    await env.DISCLAIMERS.delete('disclaimer:dosage-and-safety')
  })
  afterEach(() => warn.mockRestore())

  it('shows the KV text when it is valid', async () => {
    await env.DISCLAIMERS.put('disclaimer', 'Edited in KV.\n\nSecond paragraph.')
    const read = createDisclaimerReader()
    const result = await read(env.DISCLAIMERS, [])
    expect(result.global).toEqual({
      key: 'disclaimer',
      source: 'kv',
      paragraphs: ['Edited in KV.', 'Second paragraph.'],
    })
    expect(result.source).toBe('kv')
    expect(warn).not.toHaveBeenCalled()
  })

  it.each([
    ['missing', undefined, 'the key is not set in KV'],
    ['empty', '', 'empty'],
    ['too long', 'x'.repeat(2001), 'the limit is 2000'],
    ['holding control characters', 'Not \u0007medical advice', 'control character U+0007'],
  ])('falls back to the bundled default when the key is %s, and warns why', async (_, value, reason) => {
    if (value !== undefined) await env.DISCLAIMERS.put('disclaimer', value)
    const result = await createDisclaimerReader()(env.DISCLAIMERS, [])
    expect(result.global).toEqual({ key: 'disclaimer', source: 'default', paragraphs: GLOBAL_DEFAULT })
    expect(result.source).toBe('default')
    expect(warn).toHaveBeenCalledWith('disclaimer fallback', expect.objectContaining({ key: 'disclaimer' }))
    expect(JSON.stringify(warn.mock.calls)).toContain(reason)
  })

  it('falls back when KV throws', async () => {
    const result = await createDisclaimerReader()(throwingNamespace('KV exploded'), ['dosage-and-safety'])
    expect(result.global.paragraphs).toEqual(GLOBAL_DEFAULT)
    expect(result.pages.get('dosage-and-safety')?.paragraphs).toEqual(DOSAGE_DEFAULT)
    expect(result.source).toBe('default')
    expect(JSON.stringify(warn.mock.calls)).toContain('KV exploded')
  })

  it('falls back when KV does not answer within the bounded wait', async () => {
    await env.DISCLAIMERS.put('disclaimer', 'Too late to be shown.')
    const read = createDisclaimerReader({ timeoutMs: 50 })
    const result = await read(slowNamespace(env.DISCLAIMERS, 500), [])
    expect(result.global.source).toBe('default')
    expect(JSON.stringify(warn.mock.calls)).toContain('KV did not answer within 50 ms')
  })

  it('reads the global and page keys in one KV operation', async () => {
    await env.DISCLAIMERS.put('disclaimer:dosage-and-safety', 'Dosage text from KV.')
    const { namespace, reads } = countingNamespace(env.DISCLAIMERS)
    const result = await createDisclaimerReader()(namespace, ['full-article', 'dosage-and-safety'])
    expect(reads).toEqual([['disclaimer', 'disclaimer:full-article', 'disclaimer:dosage-and-safety']])
    expect(result.pages.get('dosage-and-safety')?.paragraphs).toEqual(['Dosage text from KV.'])
    expect(result.pages.has('full-article')).toBe(false)
  })

  it('keeps a read for the isolate cache time, then reads KV again', async () => {
    await env.DISCLAIMERS.put('disclaimer', 'First text.')
    let clock = 1_000
    const { namespace, reads } = countingNamespace(env.DISCLAIMERS)
    const read = createDisclaimerReader({ cacheTtlMs: 15_000, now: () => clock })
    await read(namespace, [])
    await env.DISCLAIMERS.put('disclaimer', 'Second text.')
    clock += 14_999
    expect((await read(namespace, [])).global.paragraphs).toEqual(['First text.'])
    clock += 1
    expect((await read(namespace, [])).global.paragraphs).toEqual(['Second text.'])
    expect(reads).toHaveLength(2)
  })

  it('reads KV on every call when the isolate cache is off (benchmark H1)', async () => {
    await env.DISCLAIMERS.put('disclaimer', 'Uncached text.')
    const { namespace, reads } = countingNamespace(env.DISCLAIMERS)
    const read = createDisclaimerReader({ cacheTtlMs: 0 })
    for (let call = 0; call < 3; call++) {
      expect((await read(namespace, [])).global.paragraphs).toEqual(['Uncached text.'])
    }
    expect(reads).toHaveLength(3)
  })

  it('asks KV again soon after a failure instead of keeping the default for the whole cache time', async () => {
    await env.DISCLAIMERS.put('disclaimer', 'Back again.')
    let clock = 0
    let failing = true
    const flaky = {
      get: (keys: string[], options: { type: 'text' }) =>
        failing ? Promise.reject(new Error('down')) : env.DISCLAIMERS.get(keys, options),
    }
    const read = createDisclaimerReader({ cacheTtlMs: 15_000, retryAfterFailureMs: 2_000, now: () => clock })
    expect((await read(flaky, [])).global.source).toBe('default')
    failing = false
    clock += 2_000
    expect((await read(flaky, [])).global.paragraphs).toEqual(['Back again.'])
  })

  it('shows no page text for a page without a bundled default when its KV value is invalid', async () => {
    await env.DISCLAIMERS.put('disclaimer:conclusion', '')
    const result = await createDisclaimerReader()(env.DISCLAIMERS, ['conclusion'])
    expect(result.pages.has('conclusion')).toBe(false)
    expect(warn).toHaveBeenCalledWith(
      'disclaimer fallback',
      expect.objectContaining({ key: 'disclaimer:conclusion', shown: 'none' }),
    )
  })
})
