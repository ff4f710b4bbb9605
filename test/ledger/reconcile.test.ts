// Reading KV against the record, called directly on a fresh object's SqlStorage with what real KV answered: when a
// difference is the ledger's own write still on its way, and when it is an edit made around the ledger.
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { contentHash, sha256Hex } from '../../src/core/keys.ts'
import { signMetadata } from '../../src/core/kv-contract.ts'
import { STALE_READ_MS } from '../../src/core/staleness.ts'
import type { LedgerKV } from '../../src/ledger/context.ts'
import { enqueueWrite } from '../../src/ledger/outbox.ts'
import { current } from '../../src/ledger/queries.ts'
import {
  EXTERNAL_EDITOR,
  judge,
  observe,
  recordObservation,
  signLater,
  unrecordedBase,
} from '../../src/ledger/reconcile.ts'
import { addVersion, observeKv, signedFor, uniqueKey, withFreshSql } from './helpers.ts'

const T = Date.parse('2026-12-01T10:00:00.000Z')
const iso = (ms: number) => new Date(ms).toISOString()

describe('observe', () => {
  it('reads a text as the rule normalises it, with its short and full hashes, and when the read began', async () => {
    const key = uniqueKey()
    await env.DISCLAIMERS.put(key, '  Information only.\r\nNot medical advice.\n')

    const [seen] = await observe(env.DISCLAIMERS, [key], T, env.LEDGER_SECRET)

    const text = 'Information only.\nNot medical advice.'
    expect(seen).toEqual({
      key,
      readAt: T,
      text,
      valid: true,
      problem: null,
      hash: await contentHash(text),
      sha256: await sha256Hex(text),
      signed: null,
    })
  })

  it('reads a text that breaks the rule as KV holds it, with the problem, and a missing key as null', async () => {
    const keys = [uniqueKey(), uniqueKey()]
    await env.DISCLAIMERS.put(keys[0] as string, 'Hidden\u200Bcharacter.')

    const [broken, missing] = await observe(env.DISCLAIMERS, keys, T, env.LEDGER_SECRET)

    expect(broken).toMatchObject({
      text: 'Hidden\u200Bcharacter.',
      valid: false,
      problem: expect.stringContaining('U+200B'),
      sha256: await sha256Hex('Hidden\u200Bcharacter.'),
    })
    expect(missing).toMatchObject({ text: null, valid: false, problem: null, hash: null, sha256: null, signed: null })
  })

  it("believes KV's metadata only where the ledger's signature holds for this key, row, text and chain", async () => {
    const key = uniqueKey()
    const chain = 'c'.repeat(64)
    const signed = await signedFor(key, 3, 'A text.', chain)
    const shapes: [string, Record<string, unknown>, { seq: number; chain: string | null; log: null } | null][] = [
      ['signed for this key, row and text', signed, { seq: 3, chain, log: null }],
      ['the shape alone, unsigned', { seq: 3, hash: await contentHash('A text.'), chain }],
      ['another row named', { ...signed, seq: 4 }, null],
      ['another chain hash', { ...signed, chain: 'd'.repeat(64) }, null],
      ['signed for another key', await signedFor(uniqueKey(), 3, 'A text.', chain), null],
      ['signed for another text', await signedFor(key, 3, 'Another text.', chain), null],
      [
        'signed under another secret',
        await signMetadata('ab'.repeat(32), { key, seq: 3, sha256: await sha256Hex('A text.'), chain }),
        null,
      ],
    ].map(([what, metadata, kept]) => [what as string, metadata as Record<string, unknown>, (kept ?? null) as never])

    for (const [what, metadata, kept] of shapes) {
      expect((await observeKv(key, 'A text.', { metadata })).signed, what).toEqual(kept)
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

    const seen = await observe(counting, keys, T, env.LEDGER_SECRET)

    expect(requests).toEqual([keys])
    expect(seen.map((observation) => observation.text)).toEqual([null, 'Only this one is set.', null])
  })
})

describe('judge', () => {
  it('agrees when KV holds the current text, or neither has one', async () => {
    const findings = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      const empty = judge(sql, await observeKv(key, null, { readAt: T }))
      const now = await addVersion(sql, key, 'The text.', { landedAt: T - 1 })
      const metadata = await signedFor(key, now.version, 'The text.')
      return [empty, judge(sql, await observeKv(key, 'The text.', { readAt: T, metadata }))]
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
      const metadata = await signedFor(key, old.version, 'The old text.')
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
    const findings = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      const now = await addVersion(sql, key, 'The text the ledger wrote.', { now: T - 10, landedAt: T - 5 })
      const forged = 'A text put around the ledger.'
      // The shape the ledger used to write (wrangler kv key put --metadata), and the ledger's real signature copied.
      const shaped = { seq: now.version, hash: await contentHash(forged) }
      const copied = await signedFor(key, now.version, 'The text the ledger wrote.')
      return [
        judge(sql, await observeKv(key, forged, { readAt: T, metadata: shaped })),
        judge(sql, await observeKv(key, forged, { readAt: T, metadata: copied })),
      ]
    })

    for (const finding of findings) {
      expect(finding).toMatchObject({ kind: 'external', unrecorded: { text: 'A text put around the ledger.' } })
    }
  })

  it('does not trust unsigned metadata naming a row with the same text: an import, or an older version', async () => {
    const findings = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      const planted = 'A text the site showed long ago.'
      const imported = await addVersion(sql, key, planted, { how: 'import', at: new Date(T - 900_000).toISOString() })
      await addVersion(sql, key, 'The text the ledger wrote.', { now: T - 10, landedAt: T - 5 })
      const metadata = { seq: imported.version, hash: imported.hash as string }
      return judge(sql, await observeKv(key, planted, { readAt: T, metadata }))
    })

    expect(findings).toMatchObject({ kind: 'external', unrecorded: { text: 'A text the site showed long ago.' } })
  })

  it("does not trust the ledger's own signed text older than the key's two newest landings: it was put back", async () => {
    const finding = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      const oldest = await addVersion(sql, key, 'The first text.', { now: T - 30, landedAt: T - 30 })
      await addVersion(sql, key, 'The second text.', { now: T - 20, landedAt: T - 20 })
      await addVersion(sql, key, 'The third text.', { now: T - 10, landedAt: T - 10 })
      const metadata = await signedFor(key, oldest.version, 'The first text.')
      return judge(sql, await observeKv(key, 'The first text.', { readAt: T, metadata }))
    })

    expect(finding).toMatchObject({ kind: 'external', unrecorded: { text: 'The first text.' } })
  })

  it('says KV holds the current text unsigned when no signature of the ledger names it there', async () => {
    const findings = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      const now = await addVersion(sql, key, 'The text.', { landedAt: T - 1 })
      return {
        signed: judge(
          sql,
          await observeKv(key, 'The text.', { metadata: await signedFor(key, now.version, 'The text.') }),
        ),
        unsigned: judge(sql, await observeKv(key, 'The text.')),
        otherSecret: judge(
          sql,
          await observeKv(key, 'The text.', {
            metadata: await signMetadata('ab'.repeat(32), {
              key,
              seq: now.version,
              sha256: await sha256Hex('The text.'),
              chain: null,
            }),
          }),
        ),
      }
    })

    expect(findings).toEqual({
      signed: { kind: 'agrees' },
      unsigned: { kind: 'unsigned' },
      otherSecret: { kind: 'unsigned' },
    })
  })

  it("does not trust metadata that names another key's version holding the same text", async () => {
    const finding = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      const text = 'The same words on another page.'
      const otherKey = uniqueKey()
      const other = await addVersion(sql, otherKey, text, { now: T - 20, landedAt: T - 20 })
      await addVersion(sql, key, 'This key text.', { now: T - 10, landedAt: T - 5 })
      const metadata = await signedFor(otherKey, other.version, text)
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

describe('signLater', () => {
  it('queues the current text to be signed where KV holds it unsigned; a side door only once seen for a while', async () => {
    const results = await withFreshSql(async (sql) => {
      const landed = uniqueKey()
      const seen = uniqueKey()
      const broken = uniqueKey()
      const signedKey = uniqueKey()
      const published = await addVersion(sql, landed, 'Published, then the secret rotated.', { landedAt: T - 1 })
      await addVersion(sql, seen, 'Put in around the ledger.', { how: 'external', by: EXTERNAL_EDITOR, now: T - 1_000 })
      await addVersion(sql, broken, 'Hidden\u200Bcharacter.', {
        how: 'external',
        by: EXTERNAL_EDITOR,
        valid: false,
        now: T - STALE_READ_MS * 2,
      })
      const good = await addVersion(sql, signedKey, 'Signed already.', { landedAt: T - 1 })
      const importedKey = uniqueKey()
      await addVersion(sql, importedKey, 'From the old store.', { how: 'import', at: iso(T - 900_000), importId: 'x' })
      const look = async (key: string, text: string, now: number, metadata?: object) =>
        signLater(sql, await observeKv(key, text, { readAt: now, metadata: metadata as never }), now)
      return {
        rotated: await look(landed, 'Published, then the secret rotated.', T),
        seenJustNow: await look(seen, 'Put in around the ledger.', T),
        seenAWhileAgo: await look(seen, 'Put in around the ledger.', T - 1_000 + STALE_READ_MS),
        broken: await look(broken, 'Hidden\u200Bcharacter.', T),
        signed: await look(
          signedKey,
          'Signed already.',
          T,
          await signedFor(signedKey, good.version, 'Signed already.'),
        ),
        imported: await look(importedKey, 'From the old store.', T),
        queued: sql.exec<{ key: string; seq: number }>('SELECT key, seq FROM outbox ORDER BY seq').toArray(),
        published,
        landed,
        seen,
      }
    })

    expect(results).toMatchObject({
      rotated: true,
      seenJustNow: false,
      seenAWhileAgo: true,
      broken: false,
      signed: false,
      imported: false,
    })
    expect(results.queued).toEqual([
      { key: results.landed, seq: results.published.version },
      { key: results.seen, seq: results.published.version + 1 },
    ])
  })
})

describe('unrecordedBase', () => {
  it('names a text by its full SHA-256 and a missing key as kv-none', async () => {
    const key = uniqueKey()

    expect(unrecordedBase(await observeKv(key, 'A text.'))).toBe(`kv-${await sha256Hex('A text.')}`)
    expect(unrecordedBase(await observeKv(key, null))).toBe('kv-none')
  })
})
