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
  scheduledAt,
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
      expect(scheduledAt(sql, 'disclaimer', new Date(now + 3 * HOUR).toISOString())?.id).toBe(later.id)
    })
  })

  it('refuse a second one for the same key at the same instant, never another key or another time', async () => {
    await withFreshSql((sql) => {
      const at = Date.now() + HOUR
      const first = add(sql, at)
      expect(conflictOf(sql, 'disclaimer', at)).toMatchObject({ code: 'schedule_conflict' })
      expect(conflictOf(sql, 'disclaimer', at)?.message).toContain(`schedule ${first.id}`)
      expect(conflictOf(sql, 'disclaimer:home', at)).toBeUndefined()
      expect(conflictOf(sql, 'disclaimer', at + 1)).toBeUndefined()
      endSchedule(sql, first.id, { outcome: 'cancelled', by: 'bob', reason: 'no', now: Date.now() })
      expect(conflictOf(sql, 'disclaimer', at)).toBeUndefined()
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
