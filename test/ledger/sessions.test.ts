// Console sessions ended server-side: the cut-off per editor, called directly and through the object.
import { describe, expect, it } from 'vitest'
import { endSessions, isGrants, observeGrants, sessionCutoff } from '../../src/ledger/sessions.ts'
import { freshObject, withFreshSql } from './helpers.ts'

const T = Date.parse('2026-12-01T10:00:00.000Z')

describe('sessions', () => {
  it('has no cut-off for an editor who never signed out', async () => {
    expect(await withFreshSql((sql) => sessionCutoff(sql, 'alice'))).toBeNull()
  })

  it("sets an editor's cut-off when their sessions end, and never moves it back", async () => {
    const cutoffs = await withFreshSql((sql) => {
      endSessions(sql, 'alice', T)
      const first = sessionCutoff(sql, 'alice')
      endSessions(sql, 'alice', T - 60_000)
      const earlier = sessionCutoff(sql, 'alice')
      endSessions(sql, 'alice', T + 60_000)
      return { first, earlier, later: sessionCutoff(sql, 'alice'), bob: sessionCutoff(sql, 'bob') }
    })

    expect(cutoffs).toEqual({ first: T, earlier: T, later: T + 60_000, bob: null })
  })

  it('ends sessions through the object, for that editor only', async () => {
    const ledger = freshObject()
    const before = Date.now()

    await ledger.endSessions('alice')

    const cutoff = await ledger.sessionCutoff('alice')
    expect(cutoff).toBeGreaterThanOrEqual(before)
    expect(cutoff).toBeLessThanOrEqual(Date.now())
    expect(await ledger.sessionCutoff('bob')).toBeNull()
  })

  it('ends the sessions of an editor seen for the first time, removed, or holding another token, and of no other', async () => {
    const A = 'a'.repeat(16)
    const B = 'b'.repeat(16)
    const seen = await withFreshSql((sql) => {
      const cutoffs = () => ({ alice: sessionCutoff(sql, 'alice'), bob: sessionCutoff(sql, 'bob') })
      observeGrants(sql, { alice: A, bob: B }, T)
      const first = cutoffs()
      observeGrants(sql, { alice: A, bob: B }, T + 1000)
      const unchanged = cutoffs()
      observeGrants(sql, { bob: B }, T + 2000)
      const removed = cutoffs()
      observeGrants(sql, { alice: A, bob: B }, T + 3000)
      const readded = cutoffs()
      observeGrants(sql, { alice: A, bob: A }, T + 4000)
      return { first, unchanged, removed, readded, rotated: cutoffs() }
    })
    expect(seen).toEqual({
      first: { alice: T, bob: T },
      unchanged: { alice: T, bob: T },
      removed: { alice: T + 2000, bob: T },
      readded: { alice: T + 3000, bob: T },
      rotated: { alice: T + 3000, bob: T + 4000 },
    })
  })

  it('observes grants through the object only when they are names and fingerprints', async () => {
    const ledger = freshObject()
    expect(await ledger.sessionCutoff('alice', { alice: 'not a fingerprint' })).toBeNull()
    expect(await ledger.sessionCutoff('alice', { 'not a name': 'a'.repeat(16) })).toBeNull()
    expect(await ledger.sessionCutoff('alice', ['alice'] as never)).toBeNull()
    const before = Date.now()
    const cutoff = await ledger.sessionCutoff('alice', { alice: 'a'.repeat(16) })
    expect(cutoff).toBeGreaterThanOrEqual(before)
    expect(isGrants({ alice: 'a'.repeat(16), 'b@example.org': '0123456789abcdef' })).toBe(true)
    expect(isGrants(null)).toBe(false)
  })
})
