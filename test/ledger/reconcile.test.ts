// Reading KV against the record, called directly on a fresh object's SqlStorage with what real KV answered: when a
// difference is the ledger's own write still on its way, and when it is an edit made around the ledger.
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { contentHash, sha256Hex } from '../../src/core/keys.ts'
import { STALE_READ_MS } from '../../src/core/staleness.ts'
import type { LedgerKV } from '../../src/ledger/context.ts'
import { enqueueWrite } from '../../src/ledger/outbox.ts'
import { current } from '../../src/ledger/queries.ts'
import { EXTERNAL_EDITOR, judge, observe, recordObservation, unrecordedBase } from '../../src/ledger/reconcile.ts'
import { addVersion, observeKv, uniqueKey, withFreshSql } from './helpers.ts'

const T = Date.parse('2026-12-01T10:00:00.000Z')

describe('observe', () => {
  it('reads a text as the rule normalises it, with its short and full hashes, and when the read began', async () => {
    const key = uniqueKey()
    await env.DISCLAIMERS.put(key, '  Information only.\r\nNot medical advice.\n')

    const [seen] = await observe(env.DISCLAIMERS, [key], T)

    const text = 'Information only.\nNot medical advice.'
    expect(seen).toEqual({
      key,
      readAt: T,
      text,
      valid: true,
      problem: null,
      hash: await contentHash(text),
      sha256: await sha256Hex(text),
      metadata: null,
    })
  })

  it('reads a text that breaks the rule as KV holds it, with the problem, and a missing key as null', async () => {
    const keys = [uniqueKey(), uniqueKey()]
    await env.DISCLAIMERS.put(keys[0] as string, 'Hidden\u200Bcharacter.')

    const [broken, missing] = await observe(env.DISCLAIMERS, keys, T)

    expect(broken).toMatchObject({
      text: 'Hidden\u200Bcharacter.',
      valid: false,
      problem: expect.stringContaining('U+200B'),
      sha256: await sha256Hex('Hidden\u200Bcharacter.'),
    })
    expect(missing).toMatchObject({ text: null, valid: false, problem: null, hash: null, sha256: null, metadata: null })
  })

  it("keeps KV's metadata only when it has the ledger's shape", async () => {
    const key = uniqueKey()
    const shapes = [
      [
        { seq: 3, hash: 'abcd' },
        { seq: 3, hash: 'abcd' },
      ],
      [{ seq: '3', hash: 'abcd' }, null],
      [{ seq: 3 }, null],
      [{ at: '2026-01-01', by: 'alice' }, null],
    ] as const

    for (const [metadata, kept] of shapes) {
      expect((await observeKv(key, 'A text.', { metadata })).metadata).toEqual(kept)
    }
  })

  it('reads every key in one KV request', async () => {
    const keys = [uniqueKey(), uniqueKey(), uniqueKey()]
    await env.DISCLAIMERS.put(keys[1] as string, 'Only this one is set.')
    const requests: string[][] = []
    const counting = {
      getWithMetadata: (async (asked: string[], options: unknown) => {
        requests.push(asked)
        return env.DISCLAIMERS.getWithMetadata(asked, options as KVNamespaceGetOptions<'text'>)
      }) as unknown as LedgerKV['getWithMetadata'],
    } as unknown as LedgerKV

    const seen = await observe(counting, keys, T)

    expect(requests).toEqual([keys])
    expect(seen.map((observation) => observation.text)).toEqual([null, 'Only this one is set.', null])
  })
})

describe('judge', () => {
  it('agrees when KV holds the current text, or neither has one', async () => {
    const findings = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      const empty = judge(sql, await observeKv(key, null, { readAt: T }))
      await addVersion(sql, key, 'The text.', { landedAt: T - 1 })
      return [empty, judge(sql, await observeKv(key, 'The text.', { readAt: T }))]
    })

    expect(findings).toEqual([{ kind: 'agrees' }, { kind: 'agrees' }])
  })

  it('finds an edit made around the ledger in a text it never recorded, or a key deleted from KV', async () => {
    const findings = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      await addVersion(sql, key, 'The text.', { landedAt: T - STALE_READ_MS - 1 })
      return [
        judge(sql, await observeKv(key, 'Typed into the dashboard.', { readAt: T })),
        judge(sql, await observeKv(key, null, { readAt: T })),
      ]
    })

    expect(findings).toEqual([
      {
        kind: 'external',
        unrecorded: {
          text: 'Typed into the dashboard.',
          hash: await contentHash('Typed into the dashboard.'),
          valid: true,
          problem: null,
        },
      },
      {
        kind: 'external',
        unrecorded: { text: null, hash: null, valid: false, problem: expect.stringContaining('deleted from KV') },
      },
    ])
  })

  it('is unsettled while a write of the key waits in the outbox', async () => {
    const finding = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      const waiting = await addVersion(sql, key, 'Accepted, not in KV yet.')
      enqueueWrite(sql, key, waiting.version, T - STALE_READ_MS * 10)
      return judge(sql, await observeKv(key, 'Something else entirely.', { readAt: T }))
    })

    expect(finding).toEqual({ kind: 'unsettled' })
  })

  it('is unsettled for a read begun before the latest write of the key landed, not an edit of the old text', async () => {
    const findings = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      // The old text was put around the ledger and recorded; then the ledger wrote over it, landing at T.
      await addVersion(sql, key, 'The old text.', { how: 'external', by: EXTERNAL_EDITOR, now: T - 60_000 })
      await addVersion(sql, key, 'The new text.', { now: T - 10, landedAt: T })
      const early = judge(sql, await observeKv(key, 'The old text.', { readAt: T - 5 }))
      const same = judge(sql, await observeKv(key, 'The old text.', { readAt: T }))
      const late = judge(sql, await observeKv(key, 'The old text.', { readAt: T + 1 }))
      return {
        early,
        same,
        late,
        recorded: recordObservation(sql, await observeKv(key, 'The old text.', { readAt: T - 5 }), T + 50),
      }
    })

    expect(findings.early).toEqual({ kind: 'unsettled' })
    expect(findings.same).toEqual({ kind: 'unsettled' })
    expect(findings.late).toMatchObject({ kind: 'external', unrecorded: { text: 'The old text.' } })
    expect(findings.recorded).toBeNull()
  })

  it("waits out KV's stale reads for a text of the key the ledger wrote before, then records it as put back", async () => {
    const findings = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      const old = await addVersion(sql, key, 'The old text.', { now: T - 600_000, landedAt: T - 600_000 })
      await addVersion(sql, key, 'The new text.', { now: T - 10, landedAt: T })
      const metadata = { seq: old.version, hash: old.hash as string }
      return [
        judge(sql, await observeKv(key, 'The old text.', { readAt: T + STALE_READ_MS, metadata })),
        judge(sql, await observeKv(key, 'The old text.', { readAt: T + STALE_READ_MS + 1, metadata })),
        judge(sql, await observeKv(key, 'The old text.', { readAt: T + 1 })),
      ]
    })

    expect(findings[0]).toEqual({ kind: 'unsettled' })
    expect(findings[1]).toMatchObject({ kind: 'external', unrecorded: { text: 'The old text.' } })
    expect(findings[2]).toMatchObject({ kind: 'external' })
  })

  it('does not trust metadata that names the current version beside a text it does not hold', async () => {
    const finding = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      const now = await addVersion(sql, key, 'The text the ledger wrote.', { now: T - 10, landedAt: T - 5 })
      const forged = 'A text put around the ledger.'
      const metadata = { seq: now.version, hash: await contentHash(forged) }
      return judge(sql, await observeKv(key, forged, { readAt: T, metadata }))
    })

    expect(finding).toMatchObject({ kind: 'external', unrecorded: { text: 'A text put around the ledger.' } })
  })

  it("does not trust metadata that names another key's version holding the same text", async () => {
    const finding = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      const text = 'The same words on another page.'
      const other = await addVersion(sql, uniqueKey(), text, { now: T - 20, landedAt: T - 20 })
      await addVersion(sql, key, 'This key text.', { now: T - 10, landedAt: T - 5 })
      const metadata = { seq: other.version, hash: other.hash as string }
      return judge(sql, await observeKv(key, text, { readAt: T, metadata }))
    })

    expect(finding).toMatchObject({ kind: 'external', unrecorded: { text: 'The same words on another page.' } })
  })
})

describe('recordObservation', () => {
  it("records what judge found made around the ledger as an external version, stamped after the key's latest", async () => {
    const { valid, invalid, deleted, nothing } = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      await addVersion(sql, key, 'The text.', { now: T + 500, landedAt: T - STALE_READ_MS })
      return {
        valid: recordObservation(sql, await observeKv(key, 'Put around it.', { readAt: T }), T),
        invalid: recordObservation(sql, await observeKv(key, 'Hidden\u200Bcharacter.', { readAt: T }), T + 1000),
        deleted: recordObservation(sql, await observeKv(key, null, { readAt: T }), T + 2000),
        nothing: recordObservation(sql, await observeKv(key, null, { readAt: T }), T + 3000),
      }
    })

    expect(valid).toMatchObject({
      version: 2,
      text: 'Put around it.',
      hash: await contentHash('Put around it.'),
      by: EXTERNAL_EDITOR,
      how: 'external',
      valid: true,
      problem: null,
      at: new Date(T + 501).toISOString(),
    })
    expect(invalid).toMatchObject({ version: 3, valid: false, problem: expect.stringContaining('U+200B') })
    expect(deleted).toMatchObject({ version: 4, text: null, hash: null, valid: false, problem: expect.any(String) })
    expect(nothing).toBeNull()
  })

  it('records nothing while KV agrees or a write is on its way', async () => {
    const results = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      const landed = await addVersion(sql, key, 'The text.', { landedAt: T - 1 })
      const agrees = recordObservation(sql, await observeKv(key, 'The text.', { readAt: T }), T)
      const waiting = await addVersion(sql, key, 'Next.')
      enqueueWrite(sql, key, waiting.version, T)
      const unsettled = recordObservation(sql, await observeKv(key, 'The text.', { readAt: T }), T)
      return { agrees, unsettled, current: current(sql, key), landed }
    })

    expect(results.agrees).toBeNull()
    expect(results.unsettled).toBeNull()
    expect(results.current?.text).toBe('Next.')
  })
})

describe('unrecordedBase', () => {
  it('names a text by its full SHA-256 and a missing key as kv-none', async () => {
    const key = uniqueKey()

    expect(unrecordedBase(await observeKv(key, 'A text.'))).toBe(`kv-${await sha256Hex('A text.')}`)
    expect(unrecordedBase(await observeKv(key, null))).toBe('kv-none')
  })
})
