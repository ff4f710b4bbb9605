// The two-person rule's steps, called directly on a fresh object's SqlStorage with what real KV answered.
import { describe, expect, it } from 'vitest'
import { contentHash, sha256Hex } from '../../src/core/keys.ts'
import type { Proposal } from '../../src/core/ledger-types.ts'
import type { ParsedBase } from '../../src/ledger/commit.ts'
import { decisionProblem, openProposal, rejectProposal, unknownProposal } from '../../src/ledger/proposals.ts'
import { proposal } from '../../src/ledger/queries.ts'
import { addVersion, observeKv, uniqueKey, withFreshSql } from './helpers.ts'

const T = Date.parse('2026-12-01T10:00:00.000Z')

async function proposing(key: string, text: string, base: ParsedBase, held: string | null, by = 'alice') {
  return {
    observation: await observeKv(key, held, { readAt: T }),
    key,
    text,
    hash: await contentHash(text),
    base,
    by,
    note: 'legal review',
    now: T,
  }
}

/** An open proposal as the ledger records it, with `overrides`. */
async function open(overrides: Partial<Proposal> = {}): Promise<Proposal> {
  const opened = await withFreshSql(async (sql) =>
    openProposal(sql, await proposing(uniqueKey(), 'Proposed.', { version: 0 }, null)),
  )
  if (!opened.ok) throw new Error(opened.message)
  return { ...opened.proposal, ...overrides }
}

describe('openProposal', () => {
  it('records a proposal against the version it replaces', async () => {
    const { result, rows } = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      const live = await addVersion(sql, key, 'The text pages show.', { landedAt: T - 1 })
      const opened = openProposal(sql, await proposing(key, 'A better text.', { version: live.version }, live.text))
      return { result: opened, rows: sql.exec('SELECT COUNT(*) AS n FROM versions').one().n }
    })

    expect(result).toMatchObject({
      ok: true,
      external: null,
      proposal: {
        id: 1,
        text: 'A better text.',
        hash: await contentHash('A better text.'),
        base: 1,
        by: 'alice',
        note: 'legal review',
        status: 'open',
        at: new Date(T).toISOString(),
      },
    })
    expect(rows).toBe(1)
  })

  it('refuses a stale base and records no proposal', async () => {
    const { result, proposals } = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      await addVersion(sql, key, 'First.', { landedAt: T - 10 })
      const now = await addVersion(sql, key, 'Second.', { landedAt: T - 5 })
      return {
        result: openProposal(sql, await proposing(key, 'Mine.', { version: 1 }, now.text)),
        proposals: sql.exec('SELECT COUNT(*) AS n FROM proposals').one().n,
      }
    })

    expect(result).toMatchObject({ ok: false, code: 'version_mismatch', current: { version: 2 } })
    expect(proposals).toBe(0)
  })

  it('records a text KV holds unrecorded first, and proposes over it when the base names that text', async () => {
    const held = 'Typed into the dashboard.'
    const { result, stale } = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      await addVersion(sql, key, 'The ledger text.', { landedAt: T - 600_000 })
      const opened = openProposal(sql, await proposing(key, 'Mine.', { kv: await sha256Hex(held) }, held))
      const refused = openProposal(sql, await proposing(key, 'Also mine.', { version: 1 }, held, 'bob'))
      return { result: opened, stale: refused }
    })

    expect(result).toMatchObject({
      ok: true,
      external: { version: 2, how: 'external', text: held },
      proposal: { base: 2, text: 'Mine.' },
    })
    expect(stale).toMatchObject({ ok: false, code: 'version_mismatch', external: null, current: { version: 2 } })
  })

  it('proposes the first text of a key that has none, against version 0', async () => {
    const result = await withFreshSql(async (sql) =>
      openProposal(sql, await proposing(uniqueKey(), 'First.', { version: 0 }, null)),
    )

    expect(result).toMatchObject({ ok: true, proposal: { base: 0, status: 'open' } })
  })
})

describe('decisionProblem', () => {
  it('refuses an unknown proposal, a decided one (naming who decided it), and the proposer approving their own', async () => {
    expect(decisionProblem(null, 9, 'bob', true)).toEqual(unknownProposal(9))
    expect(decisionProblem(await open({ status: 'rejected', decidedBy: 'carol' }), 4, 'bob', true)).toMatchObject({
      code: 'proposal_decided',
      message: 'proposal 4 was already rejected by carol',
    })
    expect(decisionProblem(await open(), 4, 'alice', true)).toMatchObject({ code: 'self_approval' })
  })

  it('says a schedule that ended closed the proposal, approved before or not, never that an editor decided it so', async () => {
    const ended = await open({
      status: 'superseded',
      decidedBy: 'bob',
      effectiveAt: '2026-12-02T09:00:00.000Z',
      scheduleId: 3,
    })

    expect(decisionProblem(ended, 4, 'carol', true)).toMatchObject({
      code: 'schedule_ended',
      message:
        'proposal 4 was to go live at 2026-12-02T09:00:00.000Z, and its schedule ended (superseded); propose it again',
    })
  })

  it('lets another editor approve, and anyone, the proposer included, reject', async () => {
    expect(decisionProblem(await open(), 4, 'bob', true)).toBeUndefined()
    expect(decisionProblem(await open(), 4, 'alice', false)).toBeUndefined()
  })
})

describe('rejectProposal', () => {
  it('records the rejection with its reason, once', async () => {
    const { first, again, unknown, stored } = await withFreshSql(async (sql) => {
      const opened = openProposal(sql, await proposing(uniqueKey(), 'Proposed.', { version: 0 }, null))
      const id = opened.ok ? opened.proposal.id : -1
      return {
        first: rejectProposal(sql, { id, by: 'bob', reason: 'cite the FDA warning', now: T + 5 }),
        again: rejectProposal(sql, { id, by: 'carol', reason: 'no', now: T + 6 }),
        unknown: rejectProposal(sql, { id: 99, by: 'carol', reason: 'no', now: T + 7 }),
        stored: proposal(sql, id),
      }
    })

    expect(first).toMatchObject({
      ok: true,
      proposal: { status: 'rejected', decidedBy: 'bob', reason: 'cite the FDA warning', publishedVersion: null },
    })
    expect(again).toMatchObject({ ok: false, code: 'proposal_decided' })
    expect(unknown).toMatchObject({ ok: false, code: 'unknown_proposal' })
    expect(stored).toMatchObject({ decidedBy: 'bob', decidedAt: new Date(T + 5).toISOString() })
  })
})
