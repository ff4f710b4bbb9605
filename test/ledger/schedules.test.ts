// Schedules with plain calls on a fresh ledger's storage: what is pending and due, a collision refused, an outcome
// recorded once.
import { describe, expect, it } from 'vitest'
import {
  conflictOf,
  dueSchedules,
  endSchedule,
  insertSchedule,
  nextScheduleAt,
  pendingSchedules,
  scheduledBy,
} from '../../src/ledger/schedules.ts'
import { withFreshSql } from './helpers.ts'

const HOUR = 3_600_000

function add(sql: SqlStorage, effectiveAt: number, key = 'disclaimer', now = Date.now()) {
  return insertSchedule(sql, {
    key,
    text: `At ${effectiveAt}.`,
    hash: 'abcd',
    base: 0,
    by: 'alice',
    note: null,
    effectiveAt,
    proposalId: null,
    now,
  })
}

describe('schedules', () => {
  it('list the pending ones soonest first, say which are due, and when the next is', async () => {
    await withFreshSql((sql) => {
      const now = Date.now()
      const later = add(sql, now + 2 * HOUR)
      const sooner = add(sql, now + HOUR)
      const home = add(sql, now + HOUR, 'disclaimer:home')
      expect(pendingSchedules(sql, 'disclaimer').map((entry) => entry.id)).toEqual([sooner.id, later.id])
      expect(nextScheduleAt(sql)).toBe(now + HOUR)
      expect(dueSchedules(sql, now, 10)).toEqual([])
      expect(dueSchedules(sql, now + HOUR, 10)).toEqual([sooner.id, home.id])
      expect(dueSchedules(sql, now + HOUR, 1)).toEqual([sooner.id])
      expect(scheduledBy(sql, 'disclaimer', new Date(now + 3 * HOUR).toISOString()).map((entry) => entry.id)).toEqual([
        sooner.id,
        later.id,
      ])
    })
  })

  it('refuse a second one for the same key at any time while the first is pending, naming it; never another key', async () => {
    await withFreshSql((sql) => {
      const at = Date.parse('2026-12-01T15:00:00.000Z')
      const first = add(sql, at)
      const conflict = conflictOf(sql, 'disclaimer', 'America/New_York')
      expect(conflict).toMatchObject({ code: 'schedule_conflict', schedule: { id: first.id, by: 'alice' } })
      expect(conflict?.message).toBe(
        `schedule ${first.id}, by alice, already changes this disclaimer at 2026-12-01 10:00 (UTC-05:00, America/New_York); a second change scheduled now would replace the same text, so it could never go live after that one. Schedule it once that one has gone live (from its text), or cancel that one first`,
      )
      expect(conflictOf(sql, 'disclaimer:home', 'America/New_York')).toBeUndefined()
      endSchedule(sql, first.id, { outcome: 'cancelled', by: 'bob', reason: 'no', now: Date.now() })
      expect(conflictOf(sql, 'disclaimer', 'America/New_York')).toBeUndefined()
    })
  })

  it('end once: the outcome is recorded with who and why, and a second one is refused by the table', async () => {
    await withFreshSql((sql) => {
      const entry = add(sql, Date.now() + HOUR)
      const ended = endSchedule(sql, entry.id, { outcome: 'live', by: 'the ledger', version: 7, now: Date.now() })
      expect(ended).toMatchObject({ status: 'live', endedBy: 'the ledger', version: 7 })
      expect(pendingSchedules(sql)).toEqual([])
      expect(() => endSchedule(sql, entry.id, { outcome: 'cancelled', by: 'bob', now: Date.now() })).toThrow()
      expect(() => sql.exec("UPDATE schedule_outcomes SET outcome = 'cancelled'")).toThrow('append-only')
      expect(() => sql.exec('DELETE FROM schedules')).toThrow('append-only')
    })
  })
})
