// The compare-and-swap, called directly on a fresh object's SqlStorage with what real KV answered.
import { describe, expect, it } from 'vitest'
import { contentHash, sha256Hex } from '../../src/core/keys.ts'
import { insertProposal } from '../../src/ledger/append.ts'
import { type CommitRequest, commit, parseBase, staleBase } from '../../src/ledger/commit.ts'
import { WRITE_RETRY_DELAYS_MS } from '../../src/ledger/outbox.ts'
import { current, proposal } from '../../src/ledger/queries.ts'
import { addVersion, observeKv, uniqueKey, withFreshSql } from './helpers.ts'

const T = Date.parse('2026-12-01T10:00:00.000Z')
const HEX = 'ab'.repeat(32)

/** A commit of `text` over `base` by bob, with the observation of KV holding `held` (a text the ledger made, say). */
async function request(
  key: string,
  text: string,
  base: CommitRequest['base'],
  held: string | null,
  extra: Partial<CommitRequest> = {},
): Promise<CommitRequest> {
  return {
    observation: await observeKv(key, held, { readAt: T }),
    key,
    text,
    hash: await contentHash(text),
    base,
    by: 'bob',
    how: 'publish',
    note: null,
    now: T,
    ...extra,
  }
}

describe('parseBase', () => {
  it('reads a version number, none, and the token of a text KV holds unrecorded or of a missing key', () => {
    expect(parseBase(3)).toEqual({ version: 3 })
    expect(parseBase(0)).toEqual({ version: 0 })
    expect(parseBase('12')).toEqual({ version: 12 })
    expect(parseBase('0')).toEqual({ version: 0 })
    expect(parseBase('none')).toEqual({ version: 0 })
    expect(parseBase('kv-none')).toEqual({ kv: null })
    expect(parseBase(`kv-${HEX}`)).toEqual({ kv: HEX })
  })

  it.each([
    -1,
    1.5,
    Number.MAX_SAFE_INTEGER + 1,
    Number.NaN,
    '',
    '01',
    '-1',
    '1e3',
    ' 3',
    '3 ',
    '12345678901234567',
    'None',
    'W/"3"',
    'kv-',
    `kv-${HEX.slice(1)}`,
    `kv-${HEX.toUpperCase()}`,
    `kv-${HEX}0`,
    `kv-${HEX.slice(0, 16)}`,
  ])('refuses %j', (base) => {
    expect(parseBase(base)).toBeUndefined()
  })
})

describe('staleBase', () => {
  it('holds for the current version, or none where there is none', async () => {
    const { now, observation } = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      await addVersion(sql, key, 'The text.', { landedAt: T })
      return { now: current(sql, key), observation: await observeKv(key, 'The text.') }
    })

    expect(staleBase(now, { version: now?.version ?? -1 }, observation)).toBeUndefined()
    expect(staleBase(null, { version: 0 }, observation)).toBeUndefined()
    expect(staleBase(now, { version: 0 }, observation)).toMatchObject({
      ok: false,
      code: 'version_mismatch',
      message: expect.stringContaining(`it is now version ${now?.version}, by alice (publish)`),
      current: now,
    })
    expect(staleBase(null, { version: 7 }, observation)).toMatchObject({
      code: 'version_mismatch',
      message: expect.stringContaining('there is no version 7 to replace'),
      current: null,
    })
  })

  it('holds for a KV token only while the current version is the external one recording exactly that text', async () => {
    const text = 'Put around the ledger.'
    const { now, observation } = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      await addVersion(sql, key, text, { how: 'external', by: 'outside the ledger' })
      return { now: current(sql, key), observation: await observeKv(key, text) }
    })
    const sha = await sha256Hex(text)

    expect(staleBase(now, { kv: sha }, observation)).toBeUndefined()
    expect(staleBase(now, { kv: HEX }, observation)).toMatchObject({
      code: 'version_mismatch',
      message: expect.stringContaining('changed outside the ledger (external)'),
    })
    expect(staleBase(now, { kv: sha }, { text: 'Another.', sha256: sha })).toMatchObject({ code: 'version_mismatch' })
    expect(staleBase(now ? { ...now, how: 'publish' } : null, { kv: sha }, observation)).toMatchObject({
      code: 'version_mismatch',
    })
  })
})

describe('commit', () => {
  it('appends the version and its KV write to the outbox when the base is what pages show', async () => {
    const { first, second, outbox } = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      const created = commit(sql, await request(key, 'The first text.', { version: 0 }, null))
      const replaced = commit(sql, await request(key, 'The second text.', { version: 1 }, null, { now: T + 10 }))
      return { first: created, second: replaced, outbox: sql.exec('SELECT * FROM outbox').toArray() }
    })

    expect(first).toMatchObject({ ok: true, status: 'accepted', version: { version: 1, text: 'The first text.' } })
    expect(second).toMatchObject({
      ok: true,
      status: 'accepted',
      external: null,
      version: { version: 2, text: 'The second text.', by: 'bob', how: 'publish', landedAt: null },
    })
    expect(outbox).toMatchObject([
      { seq: 2, attempts: 0, last_error: null, next_at: T + 10 + (WRITE_RETRY_DELAYS_MS[0] as number) },
    ])
  })

  it('accepts the first of two writes on the same base and refuses the second, naming what is current', async () => {
    const results = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      const base = await addVersion(sql, key, 'The text both read.', { landedAt: T - 1 })
      const a = await request(key, 'Edit A.', { version: base.version }, 'The text both read.')
      const b = await request(key, 'Edit B.', { version: base.version }, 'The text both read.')
      return [commit(sql, a), commit(sql, b), current(sql, key)] as const
    })

    expect(results[0]).toMatchObject({ ok: true, status: 'accepted' })
    expect(results[1]).toMatchObject({ ok: false, code: 'version_mismatch', current: { text: 'Edit A.' } })
    expect(results[2]).toMatchObject({ text: 'Edit A.' })
  })

  it('answers unchanged and appends nothing for the text already current', async () => {
    const { result, rows, outbox } = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      const now = await addVersion(sql, key, 'The same text.', { landedAt: T - 1 })
      return {
        result: commit(sql, await request(key, 'The same text.', { version: now.version }, 'The same text.')),
        rows: sql.exec('SELECT COUNT(*) AS n FROM versions').one().n,
        outbox: sql.exec('SELECT * FROM outbox').toArray(),
      }
    })

    expect(result).toMatchObject({ ok: true, status: 'unchanged', version: { version: 1 } })
    expect(rows).toBe(1)
    expect(outbox).toEqual([])
  })

  it('records a text KV holds unrecorded first, then refuses a base naming the version before it', async () => {
    const { result, versions } = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      const before = await addVersion(sql, key, 'The ledger text.', { landedAt: T - 600_000 })
      const request_ = await request(key, 'My edit.', { version: before.version }, 'Put around the ledger.')
      return { result: commit(sql, request_), versions: sql.exec('SELECT seq, how, text FROM versions').toArray() }
    })

    expect(result).toMatchObject({
      ok: false,
      code: 'version_mismatch',
      external: { version: 2, how: 'external', text: 'Put around the ledger.' },
      current: { version: 2 },
    })
    expect(versions).toEqual([
      { seq: 1, how: 'publish', text: 'The ledger text.' },
      { seq: 2, how: 'external', text: 'Put around the ledger.' },
    ])
  })

  it('records a text KV holds unrecorded first, then accepts a write whose base names that text', async () => {
    const held = 'Put around the ledger.'
    const result = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      await addVersion(sql, key, 'The ledger text.', { landedAt: T - 600_000 })
      return commit(sql, await request(key, 'My edit.', { kv: await sha256Hex(held) }, held))
    })

    expect(result).toMatchObject({
      ok: true,
      status: 'accepted',
      external: { version: 2, how: 'external', text: held },
      version: { version: 3, text: 'My edit.' },
    })
  })

  it("records the approval's decision with the version it published, and a rollback's origin", async () => {
    const { approved, decided, rolledBack } = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      const id = insertProposal(sql, {
        key,
        text: 'Proposed.',
        hash: await contentHash('Proposed.'),
        base: 0,
        by: 'alice',
        note: 'legal',
        now: T - 5,
      })
      const approval = { proposalId: id, by: 'bob', note: 'checked' }
      const published = commit(sql, await request(key, 'Proposed.', { version: 0 }, null, { approval }))
      const back = commit(
        sql,
        await request(key, 'Older.', { version: 1 }, null, { how: 'rollback', rollbackOf: 1, now: T + 5 }),
      )
      return { approved: published, decided: proposal(sql, id), rolledBack: back }
    })

    expect(approved).toMatchObject({ ok: true, version: { version: 1, approvedBy: 'bob', proposalId: 1 } })
    expect(decided).toMatchObject({ status: 'approved', decidedBy: 'bob', reason: 'checked', publishedVersion: 1 })
    expect(rolledBack).toMatchObject({ ok: true, version: { version: 2, how: 'rollback', rollbackOf: 1 } })
  })
})
