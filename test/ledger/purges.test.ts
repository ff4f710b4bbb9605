// Purges of the cache in front of the Worker as jobs, called directly on a fresh object's SqlStorage: two per
// landing, and a failed one retried on a growing delay, never dropped.
import { describe, expect, it } from 'vitest'
import { SECOND_PURGE_AFTER_MS } from '../../src/core/staleness.ts'
import {
  duePurges,
  enqueuePurges,
  nextPurgeAt,
  PURGE_ALERT_AFTER,
  PURGE_RETRY_DELAYS_MS,
  pendingPurges,
  purgeDone,
  purgeFailed,
  purgeJob,
} from '../../src/ledger/purges.ts'
import { withFreshSql } from './helpers.ts'

const T = Date.parse('2026-12-01T10:00:00.000Z')
const TAGS = ['disclaimer:conclusion']

describe('purges', () => {
  it('queues two purges of the tags: now, and once every location has caught up', async () => {
    const result = await withFreshSql((sql) => {
      const empty = nextPurgeAt(sql)
      const first = enqueuePurges(sql, TAGS, T)
      return {
        empty,
        first: purgeJob(sql, first),
        jobs: pendingPurges(sql),
        next: nextPurgeAt(sql),
        dueNow: duePurges(sql, T).map((job) => job.id),
        dueLater: duePurges(sql, T + SECOND_PURGE_AFTER_MS).map((job) => job.id),
      }
    })

    expect(result.empty).toBeNull()
    expect(result.first).toEqual({ id: 1, tags: TAGS, due: T, attempts: 0, lastError: null })
    expect(result.jobs).toEqual([
      { id: 1, tags: TAGS, due: T, attempts: 0, lastError: null },
      { id: 2, tags: TAGS, due: T + SECOND_PURGE_AFTER_MS, attempts: 0, lastError: null },
    ])
    expect(result.next).toBe(T)
    expect(result.dueNow).toEqual([1])
    expect(result.dueLater).toEqual([1, 2])
  })

  it('keeps a failed purge with its attempts and reason, due again after a growing delay, up to the last', async () => {
    const { counts, job, dueAt } = await withFreshSql((sql) => {
      const id = enqueuePurges(sql, TAGS, T)
      const attempts: number[] = []
      const due: number[] = []
      for (let attempt = 1; attempt <= PURGE_RETRY_DELAYS_MS.length + 1; attempt++) {
        attempts.push(purgeFailed(sql, id, `refused ${attempt}`, T))
        due.push((purgeJob(sql, id) as { due: number }).due)
      }
      return { counts: attempts, job: purgeJob(sql, id), dueAt: due }
    })

    const last = PURGE_RETRY_DELAYS_MS.at(-1) as number
    expect(counts).toEqual(Array.from({ length: PURGE_RETRY_DELAYS_MS.length + 1 }, (_, index) => index + 1))
    expect(dueAt).toEqual([...PURGE_RETRY_DELAYS_MS, last].map((delay) => T + delay))
    expect(job).toMatchObject({
      attempts: PURGE_RETRY_DELAYS_MS.length + 1,
      lastError: `refused ${PURGE_RETRY_DELAYS_MS.length + 1}`,
    })
    expect(PURGE_ALERT_AFTER).toBeLessThanOrEqual(PURGE_RETRY_DELAYS_MS.length)
  })

  it('lists failing purges first, and removes only the one that is done', async () => {
    const { pending, after, gone } = await withFreshSql((sql) => {
      const first = enqueuePurges(sql, TAGS, T)
      const other = enqueuePurges(sql, ['disclaimer:global'], T + 1)
      purgeFailed(sql, other, 'refused', T + 2)
      const listed = pendingPurges(sql).map((job) => [job.id, job.attempts])
      purgeDone(sql, first)
      return { pending: listed, after: pendingPurges(sql).map((job) => job.id), gone: purgeJob(sql, first) }
    })

    expect(pending).toEqual([
      [3, 1],
      [1, 0],
      [2, 0],
      [4, 0],
    ])
    expect(after).toEqual([3, 2, 4])
    expect(gone).toBeUndefined()
  })
})
