// The outbox of KV writes, called directly on a fresh object's SqlStorage: each key's newest accepted version waits
// there, retried on a growing delay, until KV takes it.
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { sha256Hex } from '../../src/core/keys.ts'
import { verifyMetadata } from '../../src/core/kv-contract.ts'
import type { LedgerKV } from '../../src/ledger/context.ts'
import {
  dueWrites,
  enqueueWrite,
  kvEntry,
  nextWriteAt,
  putVersion,
  WRITE_RETRY_DELAYS_MS,
  writeFailed,
  writeJob,
  writeLanded,
} from '../../src/ledger/outbox.ts'
import { TEST_LEDGER_SECRET } from '../fixtures/editors.ts'
import { addVersion, uniqueKey, withFreshSql } from './helpers.ts'

const T = Date.parse('2026-12-01T10:00:00.000Z')
const [FIRST_DELAY] = WRITE_RETRY_DELAYS_MS as [number]

describe('outbox', () => {
  it("queues a version as its key's write, due one retry delay later, replacing an older one not yet written", async () => {
    const { jobs, job } = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      const older = await addVersion(sql, key, 'Accepted first.')
      const newer = await addVersion(sql, key, 'Accepted second.')
      enqueueWrite(sql, key, older.version, T)
      writeFailed(sql, key, older.version, 'KV PUT failed', T + 5)
      enqueueWrite(sql, key, newer.version, T + 10)
      return {
        jobs: sql.exec('SELECT key, seq, attempts, last_error, next_at FROM outbox').toArray(),
        job: writeJob(sql, key),
      }
    })

    expect(jobs).toEqual([
      { key: expect.any(String), seq: 2, attempts: 0, last_error: null, next_at: T + 10 + FIRST_DELAY },
    ])
    expect(job).toEqual({ seq: 2, attempts: 0 })
  })

  it('lists the writes due at a time, and when the next is due', async () => {
    const result = await withFreshSql(async (sql) => {
      const empty = nextWriteAt(sql, 'outbox')
      const early = uniqueKey()
      const late = uniqueKey()
      enqueueWrite(sql, early, (await addVersion(sql, early, 'Early.')).version, T)
      enqueueWrite(sql, late, (await addVersion(sql, late, 'Late.')).version, T + 60_000)
      return {
        empty,
        next: nextWriteAt(sql, 'outbox'),
        before: dueWrites(sql, 'outbox', T + FIRST_DELAY - 1),
        first: dueWrites(sql, 'outbox', T + FIRST_DELAY),
        both: dueWrites(sql, 'outbox', T + 60_000 + FIRST_DELAY),
        keys: [early, late].sort(),
        early,
      }
    })

    expect(result.empty).toBeNull()
    expect(result.next).toBe(T + FIRST_DELAY)
    expect(result.before).toEqual([])
    expect(result.first).toEqual([result.early])
    expect(result.both).toEqual(result.keys)
  })

  it('counts each failed attempt with its reason and waits longer each time, up to the last delay', async () => {
    const { retries, job } = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      const waiting = await addVersion(sql, key, 'Accepted.')
      enqueueWrite(sql, key, waiting.version, T)
      const at = Array.from({ length: WRITE_RETRY_DELAYS_MS.length + 2 }, (_, attempt) =>
        writeFailed(sql, key, waiting.version, `KV PUT failed: attempt ${attempt + 1}`, T),
      )
      return { retries: at, job: sql.exec('SELECT attempts, last_error, next_at FROM outbox').one() }
    })

    const last = WRITE_RETRY_DELAYS_MS.at(-1) as number
    expect(retries).toEqual([...WRITE_RETRY_DELAYS_MS, last, last].map((delay) => T + delay))
    expect(job).toEqual({
      attempts: WRITE_RETRY_DELAYS_MS.length + 2,
      last_error: `KV PUT failed: attempt ${WRITE_RETRY_DELAYS_MS.length + 2}`,
      next_at: T + last,
    })
  })

  it('does not count a failure of an older version against the newer one that replaced it', async () => {
    const job = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      const older = await addVersion(sql, key, 'Accepted first.')
      const newer = await addVersion(sql, key, 'Accepted second.')
      enqueueWrite(sql, key, newer.version, T)
      writeFailed(sql, key, older.version, 'KV PUT failed for the older one', T + 5)
      return sql.exec('SELECT seq, attempts, last_error, next_at FROM outbox').one()
    })

    expect(job).toEqual({ seq: 2, attempts: 0, last_error: null, next_at: T + FIRST_DELAY })
  })

  it('records the landing once and clears the job, unless a newer version replaced it meanwhile', async () => {
    const result = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      const first = await addVersion(sql, key, 'Accepted first.')
      enqueueWrite(sql, key, first.version, T)
      const second = await addVersion(sql, key, 'Accepted while the first was on its way.')
      enqueueWrite(sql, key, second.version, T + 1)
      const staleLanded = writeLanded(sql, key, first.version, T + 2)
      const newestLanded = writeLanded(sql, key, second.version, T + 3)
      const again = writeLanded(sql, key, second.version, T + 4)
      return {
        staleLanded,
        newestLanded,
        again,
        landings: sql.exec('SELECT seq, at FROM landings ORDER BY seq').toArray(),
        outbox: sql.exec('SELECT * FROM outbox').toArray(),
      }
    })

    expect(result.staleLanded).toBe(false)
    expect(result.newestLanded).toBe(true)
    expect(result.again).toBe(false)
    expect(result.landings).toEqual([
      { seq: 1, at: new Date(T + 2).toISOString() },
      { seq: 2, at: new Date(T + 3).toISOString() },
    ])
    expect(result.outbox).toEqual([])
  })

  it('gives KV the text with metadata naming the row and its hash, signed under LEDGER_SECRET for that key', async () => {
    const key = uniqueKey()
    const { entry, unsigned, added } = await withFreshSql(async (sql) => {
      const added = await addVersion(sql, key, 'The text KV is given.')
      return {
        entry: await kvEntry(sql, added.version, TEST_LEDGER_SECRET),
        unsigned: await kvEntry(sql, added.version, undefined),
        added,
      }
    })
    const sha256 = await sha256Hex('The text KV is given.')

    expect(entry).toEqual({
      version: added,
      metadata: { seq: added.version, hash: added.hash, sig: expect.stringMatching(/^[0-9a-f]{64}$/) },
    })
    expect(await verifyMetadata(TEST_LEDGER_SECRET, key, sha256, entry.metadata)).toEqual({
      seq: added.version,
      chain: null,
      log: null,
    })
    expect(await verifyMetadata(TEST_LEDGER_SECRET, uniqueKey(), sha256, entry.metadata)).toBeNull()
    // Without a usable secret nothing is signed, and pages name no version.
    expect(unsigned.metadata).toEqual({ seq: added.version, hash: added.hash })
  })

  it("puts a version into KV, and answers KV's reason when it refuses", async () => {
    const key = uniqueKey()
    const refusing = {
      put: async () => {
        throw new Error('KV PUT failed: 429 Too Many Requests')
      },
    } as unknown as LedgerKV

    const landed = await putVersion(env.DISCLAIMERS, key, 'The text.', { seq: 7, hash: 'abcd' })
    const refused = await putVersion(refusing, key, 'Another text.', { seq: 8, hash: 'ef01' })

    expect(landed).toBeUndefined()
    expect(refused).toBe('KV PUT failed: 429 Too Many Requests')
    expect(await env.DISCLAIMERS.getWithMetadata(key)).toMatchObject({
      value: 'The text.',
      metadata: { seq: 7, hash: 'abcd' },
    })
  })
})
