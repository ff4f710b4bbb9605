// The one-time import of the pre-ledger history: reading the old `history/` entries from real KV, and recording them
// on a fresh object's SqlStorage with their times clamped, once.
import { reset, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { contentHash } from '../../src/core/keys.ts'
import type { LedgerKV } from '../../src/ledger/context.ts'
import {
  importRecord,
  LEGACY_READS_PER_RUN,
  type LegacyRow,
  readLegacyHistory,
  recordImport,
} from '../../src/ledger/legacy-import.ts'
import type { DisclaimerLedger } from '../../src/ledger/object.ts'
import { history } from '../../src/ledger/queries.ts'
import { addVersion, freshObject, uniqueKey, withFreshSql } from './helpers.ts'

const NOW = Date.parse('2026-12-01T10:00:00.000Z')
const iso = (ms: number) => new Date(ms).toISOString()

function row(importId: string, text: string | null, at: string | null, extra: Partial<LegacyRow> = {}): LegacyRow {
  return {
    importId,
    text,
    hash: text === null ? null : `hash of ${text}`,
    at,
    by: 'legacy:alice',
    note: null,
    ...extra,
  }
}

/** The recorded imports of `key`, oldest first, as history shows them. */
function imported(sql: SqlStorage, key: string) {
  return history(sql, key)
    .versions.filter((version) => version.how === 'import')
    .reverse()
}

describe('readLegacyHistory', () => {
  it("reads a key's old history as the text each write made, with who, when and why", async () => {
    const key = uniqueKey()
    const texts = ['The text before any history was kept.', 'The text after the review.']
    await env.DISCLAIMERS.put(`history/${key}/2026-01-05T10:00:00.000Z-a1`, texts[0] as string, {
      metadata: {
        at: '2026-01-05T10:00:00.000Z',
        by: 'alice',
        action: 'set',
        note: 'legal review',
        version: await contentHash(texts[1] as string),
      },
    })
    await env.DISCLAIMERS.put(`history/${key}/2026-02-01T08:30:00.000Z-b2`, texts[1] as string, {
      metadata: {
        at: '2026-02-01T08:30:00.000Z',
        by: 'bob',
        action: 'rollback',
        version: await contentHash(texts[0] as string),
      },
    })
    await env.DISCLAIMERS.put(key, `  ${texts[0]}\n`)

    const read = await readLegacyHistory(env.DISCLAIMERS, [key, uniqueKey()])

    expect([...read.keys()]).toEqual([key])
    expect(read.get(key)).toEqual([
      {
        importId: `history/${key}/#before`,
        text: texts[0],
        hash: await contentHash(texts[0] as string),
        at: '1970-01-01T00:00:00.000Z',
        by: 'legacy:unknown',
        note: expect.stringContaining('not known'),
      },
      {
        importId: `history/${key}/2026-01-05T10:00:00.000Z-a1`,
        text: texts[1],
        hash: await contentHash(texts[1] as string),
        at: '2026-01-05T10:00:00.000Z',
        by: 'legacy:alice',
        note: 'set: legal review',
      },
      {
        importId: `history/${key}/2026-02-01T08:30:00.000Z-b2`,
        text: `  ${texts[0]}\n`,
        hash: await contentHash(texts[0] as string),
        at: '2026-02-01T08:30:00.000Z',
        by: 'legacy:bob',
        note: 'rollback',
      },
    ])
  })

  it('reads the time from the entry name when its metadata has none, and none when neither has one', async () => {
    const key = uniqueKey()
    await env.DISCLAIMERS.put(`history/${key}/2026-04-01T12:00:00.000Z-e5`, '', { metadata: { at: 'yesterday' } })
    await env.DISCLAIMERS.put(`history/${key}/zzzz-no-time`, 'The text the first write made.')
    await env.DISCLAIMERS.put(key, 'The text KV holds.')

    const rows = (await readLegacyHistory(env.DISCLAIMERS, [key])).get(key) ?? []

    expect(rows.map((entry) => [entry.at, entry.text])).toEqual([
      ['2026-04-01T12:00:00.000Z', 'The text the first write made.'],
      [null, 'The text KV holds.'],
    ])
  })

  it('reads a write whose text KV no longer holds as lost, keeping only its hash', async () => {
    const key = uniqueKey()
    await env.DISCLAIMERS.put(`history/${key}/2026-03-10T17:45:00.000Z-c3`, 'The text it replaced.', {
      metadata: { at: '2026-03-10T17:45:00.000Z', by: 'bob', version: 'f00dfeedf00dfeed' },
    })
    await env.DISCLAIMERS.put(key, 'A text written later, without a history entry.')

    const rows = (await readLegacyHistory(env.DISCLAIMERS, [key])).get(key) ?? []

    expect(rows[1]).toMatchObject({ text: null, hash: null, lost: expect.stringContaining('f00dfeedf00dfeed') })
  })

  it('escapes control characters in who and why, and cuts a long name', async () => {
    const key = uniqueKey()
    await env.DISCLAIMERS.put(`history/${key}/2026-01-01T00:00:00.000Z-a`, '', {
      metadata: { by: '\u001b]0;pwned\u0007', action: 'set', note: 'see\u0000this' },
    })
    await env.DISCLAIMERS.put(`history/${key}/2026-01-02T00:00:00.000Z-b`, '', { metadata: { by: 'x'.repeat(200) } })

    const rows = (await readLegacyHistory(env.DISCLAIMERS, [key])).get(key) ?? []

    expect(rows.map((entry) => [entry.by, entry.note])).toEqual([
      ['legacy:\\u{1b}]0;pwned\\u{7}', 'set: see\\u{0}this'],
      [`legacy:${'x'.repeat(80)}`, null],
    ])
  })
})

describe('recordImport', () => {
  it('records each row as an import version and the import itself, once, leaving no gap in row numbers', async () => {
    const result = await withFreshSql((sql) => {
      const key = uniqueKey()
      const rows = [
        row('a#before', 'The text before.', iso(0)),
        row('a/1', 'The text after.', '2026-01-05T10:00:00.000Z'),
      ]
      const before = importRecord(sql)
      const first = recordImport(sql, new Map([[key, rows]]), 'the cron', NOW)
      const second = recordImport(sql, new Map([[key, rows]]), 'the cron', NOW + 60_000)
      const next = sql
        .exec<{ seq: number }>(
          "INSERT INTO versions (key, at, by, how, valid) VALUES (?, ?, 'carol', 'publish', 1) RETURNING seq",
          key,
          iso(NOW + 1),
        )
        .one().seq
      return {
        before,
        first,
        second,
        versions: imported(sql, key),
        imports: sql.exec('SELECT * FROM imports').toArray(),
        next,
      }
    })

    expect(result.before).toBeNull()
    expect(result.first).toEqual({ at: iso(NOW), by: 'the cron', imported: 2, problems: [] })
    expect(result.second).toEqual(result.first)
    expect(result.imports).toHaveLength(1)
    expect(result.versions).toMatchObject([
      {
        version: 1,
        how: 'import',
        text: 'The text before.',
        at: iso(0),
        by: 'legacy:alice',
        valid: true,
        landedAt: null,
      },
      { version: 2, how: 'import', text: 'The text after.', at: '2026-01-05T10:00:00.000Z', valid: true },
    ])
    expect(result.next).toBe(3)
  })

  it('clamps a time later than the import to the import, and says so', async () => {
    const { versions, record } = await withFreshSql((sql) => {
      const key = uniqueKey()
      const record = recordImport(
        sql,
        new Map([[key, [row('x', 'From the future.', '2999-01-01T00:00:00.000Z')]]]),
        'the cron',
        NOW,
      )
      return { versions: imported(sql, key), record }
    })

    expect(versions).toMatchObject([{ text: 'From the future.', at: iso(NOW) }])
    expect(record.problems).toEqual([
      `x: its time 2999-01-01T00:00:00.000Z is later than the ledger's record; recorded as ${iso(NOW)}`,
    ])
  })

  it("clamps times to before the key's first version in the ledger, so imports never outrank it", async () => {
    const { versions, first, record } = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      const first = await addVersion(sql, key, 'Recorded by the ledger.', { how: 'external', now: NOW - 3_600_000 })
      await addVersion(sql, key, 'Published later.', { now: NOW - 60_000 })
      const record = recordImport(
        sql,
        new Map([
          [key, [row('a', 'Old.', '2026-01-01T00:00:00.000Z'), row('b', 'Newer than the ledger.', iso(NOW - 60))]],
        ]),
        'the cron',
        NOW,
      )
      return { versions: imported(sql, key), first, record }
    })

    expect(versions.map((version) => version.at)).toEqual(['2026-01-01T00:00:00.000Z', iso(Date.parse(first.at) - 1)])
    expect(record.problems).toEqual([expect.stringContaining('b: its time')])
  })

  it('keeps import order: an entry timed before the one ahead of it is recorded at that time', async () => {
    const versions = await withFreshSql((sql) => {
      const key = uniqueKey()
      const rows = [
        row('a', 'First.', '2026-03-01T00:00:00.000Z'),
        row('b', 'Second.', '2026-01-01T00:00:00.000Z'),
        row('c', 'Third.', null),
      ]
      const record = recordImport(sql, new Map([[key, rows]]), 'the cron', NOW)
      return { versions: imported(sql, key), problems: record.problems }
    })

    expect(versions.versions.map((version) => [version.text, version.at])).toEqual([
      ['First.', '2026-03-01T00:00:00.000Z'],
      ['Second.', '2026-03-01T00:00:00.000Z'],
      ['Third.', '2026-03-01T00:00:00.000Z'],
    ])
    expect(versions.problems).toEqual(['c: no readable time; recorded at the entry before it'])
  })

  it('records a text that breaks the rule, or one that is lost, as invalid with its problem', async () => {
    const { versions, record } = await withFreshSql((sql) => {
      const key = uniqueKey()
      const rows = [
        row('a', 'Hidden\u200Bcharacter.', '2026-01-01T00:00:00.000Z'),
        row('b', null, '2026-01-02T00:00:00.000Z', { lost: 'the text this write made is no longer in KV' }),
        row('c', '  Normalised on import.  ', '2026-01-03T00:00:00.000Z'),
      ]
      const record = recordImport(sql, new Map([[key, rows]]), 'the cron', NOW)
      return { versions: imported(sql, key), record }
    })

    expect(versions).toMatchObject([
      { text: 'Hidden\u200Bcharacter.', valid: false, problem: expect.stringContaining('U+200B') },
      { text: null, valid: false, problem: 'the text this write made is no longer in KV' },
      { text: 'Normalised on import.', valid: true, problem: null },
    ])
    expect(record).toMatchObject({
      imported: 3,
      problems: [expect.stringMatching(/^a: .*U\+200B/), 'b: the text this write made is no longer in KV'],
    })
  })
})

describe('importOnce', () => {
  /** Counts the KV requests the ledger of `stub` makes, per cron run; history reads throw when `failing`. */
  function countKv(stub: DurableObjectStub<DisclaimerLedger>, failing = false) {
    const counted = { reads: 0 }
    return runInDurableObject(stub, ({ ledger }: DisclaimerLedger) => {
      const real = env.DISCLAIMERS
      const count =
        <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
        async (...args: A) => {
          counted.reads++
          if (failing && String(args[0]).startsWith('history/')) throw new Error('KV GET failed: 503')
          return call(...args)
        }
      ledger.kv = {
        get: count(real.get.bind(real) as (...args: unknown[]) => Promise<unknown>) as LedgerKV['get'],
        list: count(real.list.bind(real)) as LedgerKV['list'],
        getWithMetadata: count(
          real.getWithMetadata.bind(real) as (...args: unknown[]) => Promise<unknown>,
        ) as LedgerKV['getWithMetadata'],
        put: real.put.bind(real),
      }
      return counted
    })
  }

  it('imports a history too long for one run over several, a bounded batch each, while the side-door check goes on', async () => {
    await reset()
    const key = 'disclaimer:conclusion'
    const texts = Array.from({ length: 1_001 }, (_, index) => `The conclusion note, as write ${index} left it.`)
    for (let index = 0; index < 1_000; index++) {
      const at = new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString()
      await env.DISCLAIMERS.put(`history/${key}/${at}-${String(index).padStart(6, '0')}`, texts[index] as string, {
        metadata: { at, by: 'alice', action: 'set', version: await contentHash(texts[index + 1] as string) },
      })
    }
    await env.DISCLAIMERS.put(key, texts[1_000] as string)
    await env.DISCLAIMERS.put('disclaimer', 'Typed into the dashboard while the import runs.')
    const stub = freshObject()
    const runs: { reads: number; recorded: string[]; done: boolean }[] = []
    for (let run = 0; run < 10 && !(await stub.read('importRecord')); run++) {
      const counted = await countKv(stub)
      const recorded = await stub.reconcile()
      runs.push({
        reads: counted.reads,
        recorded: recorded.map((row) => row.key),
        done: !!(await stub.read('importRecord')),
      })
    }

    expect(runs.map((run) => run.done)).toEqual([false, false, true])
    for (const run of runs) expect(run.reads).toBeLessThanOrEqual(LEGACY_READS_PER_RUN + 1)
    // The side door is seen on the first run; the key whose history is part-imported is never taken for one.
    expect(runs.map((run) => run.recorded)).toEqual([['disclaimer'], [], []])
    expect(await stub.read('importRecord')).toMatchObject({ imported: 1_001, problems: [] })
    const rows = (await stub.read('history', 'conclusion', { limit: 500 })).versions
    expect(rows.map((row) => [row.how, row.text])).toEqual(
      texts
        .slice(-500)
        .reverse()
        .map((text) => ['import', text]),
    )
    expect(await stub.read('current', 'conclusion')).toMatchObject({ how: 'import', text: texts[1_000] })
    expect(await stub.reconcile()).toEqual([])
  }, 60_000)

  it('still records edits made around the ledger when the import cannot read KV, and tries the import again next run', async () => {
    await reset()
    await env.DISCLAIMERS.put('history/disclaimer:home/2026-01-01T00:00:00.000Z-a', 'The old home note.')
    await env.DISCLAIMERS.put('disclaimer', 'Typed into the dashboard.')
    const stub = freshObject()
    await countKv(stub, true)

    const recorded = await stub.reconcile()

    expect(recorded).toMatchObject([{ key: 'disclaimer', how: 'external', text: 'Typed into the dashboard.' }])
    expect(await stub.read('importRecord')).toBeNull()
    await countKv(stub)
    await stub.reconcile()
    expect(await stub.read('importRecord')).toMatchObject({ imported: 2, problems: [] })
  })
})
