// Console sessions ended server-side: the cut-off per editor, called directly and through the object.
import { describe, expect, it } from 'vitest'
import { endSessions, sessionCutoff } from '../../src/ledger/sessions.ts'
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
})
