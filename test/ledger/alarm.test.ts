// The object's alarm inside workerd: each "next job" it asks for reads a row or two however long the history; every
// step runs whatever another one threw; and every run ends with the alarm set again for the earliest job.
import { reset, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { fillStep, type RecordSize, stepsOf } from '../../scripts/bench/busy-record.ts'
import { ALARM_RETRY_MS, nextJobAt } from '../../src/ledger/alarm.ts'
import type { Outgoing } from '../../src/ledger/context.ts'
import type { DisclaimerLedger } from '../../src/ledger/object.ts'
import { openProposalCounts } from '../../src/ledger/queries.ts'
import { pendingSchedules } from '../../src/ledger/schedules.ts'
import { TEST_EDITORS } from '../fixtures/editors.ts'
import { countingSql, freshObject, publish, theLedger, withFreshSql } from './helpers.ts'

const EDITORS = JSON.stringify({
  alice: { token: TEST_EDITORS.alice.hash, email: 'alice@example.org' },
  bob: { token: TEST_EDITORS.bob.hash, email: 'bob@example.org' },
})

/** Rows read by each "next job" query and the work lists' reads, on a fresh object holding a record of `size`. */
function readsAt(size: RecordSize) {
  return runInDurableObject(freshObject(), (_instance: DisclaimerLedger, state) => {
    const end = Date.now()
    for (let step = 0; step < stepsOf(size); step++) {
      state.storage.transactionSync(() => fillStep(state.storage.sql, size, step, end))
    }
    const { sql, read } = countingSql(state.storage.sql)
    return {
      next: read(() => nextJobAt(sql, end)),
      open: read(() => openProposalCounts(sql)),
      pending: read(() => pendingSchedules(sql)),
      openCount: [...openProposalCounts(sql).values()].reduce((sum, count) => sum + count, 0),
      pendingCount: pendingSchedules(sql).length,
    }
  })
}

beforeEach(async () => {
  await reset()
  vi.spyOn(console, 'warn').mockImplementation(() => {})
  vi.spyOn(console, 'error').mockImplementation(() => {})
})

describe('nextJobAt', () => {
  it('reads a row or two of each work list, however long the history, and the open lists only what is open', async () => {
    const small = await readsAt({ versions: 70, proposals: 40, schedules: 20, events: 100 })
    const large = await readsAt({ versions: 2_100, proposals: 1_000, schedules: 1_000, events: 2_000 })

    expect(large).toEqual(small)
    expect(large.next).toBeLessThanOrEqual(8)
    expect(large.openCount).toBe(20)
    expect(large.open).toBeLessThanOrEqual(20)
    expect(large.pendingCount).toBe(5)
    // Each pending schedule: its list row, its own row, and its approval and outcome looked up by key.
    expect(large.pending).toBeLessThanOrEqual(5 * 4)
  }, 60_000)

  it('is due when the earliest waiting job is, a review waiting for its KV write included', async () => {
    const now = Date.parse('2026-03-01T09:00:00Z')
    const due = await withFreshSql((sql) => {
      const empty = nextJobAt(sql, now)
      sql.exec('INSERT INTO review_writes (page, review_id, next_at) VALUES (?, ?, ?)', 'conclusion', 1, now + 5_000)
      return { empty, review: nextJobAt(sql, now) }
    })
    expect(due).toEqual({ empty: null, review: now + 5_000 })
  })
})

describe('the alarm', () => {
  async function world() {
    const sent: Outgoing[] = []
    const clock = { now: Date.now() }
    await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger) => {
      ledger.env = { ...ledger.env, EDITORS, REQUIRE_APPROVAL: 'false' }
      ledger.now = () => clock.now
      ledger.notifier = { send: async (message) => void sent.push(message) }
    })
    return { sent, clock }
  }

  /** A change scheduled a minute ahead, and an event whose messages are due (bob is told of alice's proposal). */
  async function dueWork(clock: { now: number }) {
    await publish('global', 'The text before.')
    const base = (await theLedger().read('live', 'global'))?.base ?? 'none'
    const effectiveAt = new Date(clock.now + 60_000).toISOString()
    const scheduled = await theLedger().publish({
      target: 'global',
      text: 'At its time.',
      base,
      by: 'alice',
      effectiveAt,
    })
    if (!scheduled.ok || scheduled.status !== 'scheduled') throw new Error('not scheduled')
    await runDurableObjectAlarm(theLedger())
    const proposed = await theLedger().propose({ target: 'home', text: 'A home note.', base: 0, by: 'alice' })
    expect(proposed.ok).toBe(true)
    clock.now += 61_000
    return scheduled.schedule.id
  }

  it('sends the messages due and sets itself again when the KV read of a due schedule throws', async () => {
    const { sent, clock } = await world()
    const id = await dueWork(clock)
    await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger) => {
      const real = ledger.kv
      ledger.kv = {
        get: real.get.bind(real),
        list: real.list.bind(real),
        put: real.put.bind(real),
        getWithMetadata: (async () => {
          throw new Error('KV GET failed: 503')
        }) as unknown as typeof real.getWithMetadata,
      }
    })

    const ran = await runInDurableObject(theLedger(), async (instance: DisclaimerLedger, state) => {
      await instance.alarm()
      return { alarm: await state.storage.getAlarm() }
    })

    expect(sent.map((message) => [message.event.kind, message.to])).toContainEqual([
      'proposal_opened',
      'bob@example.org',
    ])
    expect(await theLedger().read('schedule', id)).toMatchObject({ status: 'pending' })
    expect(ran.alarm).toBe(clock.now + ALARM_RETRY_MS)
  })

  it('runs the other steps, and sets itself again, when a step cannot even read its work', async () => {
    const { sent, clock } = await world()
    const id = await dueWork(clock)
    const before = sent.length
    await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger, state) => {
      // The query that finds the messages due: the step that sends them fails before it sends any.
      ledger.sql = countingSql(state.storage.sql, /AND next_at <= \? ORDER BY next_at, id LIMIT/).sql
    })

    const alarm = await runInDurableObject(theLedger(), async (instance: DisclaimerLedger, state) => {
      await instance.alarm()
      return state.storage.getAlarm()
    })

    expect(await theLedger().read('schedule', id)).toMatchObject({ status: 'live' })
    expect(sent.slice(before)).toEqual([])
    // The messages are still due: the alarm comes back for them, after the retry delay, not in a loop.
    expect(alarm).toBe(clock.now + ALARM_RETRY_MS)
  })

  it('sets itself again, after the retry delay, even when the next job cannot be read', async () => {
    const { sent, clock } = await world()
    await dueWork(clock)
    await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger, state) => {
      ledger.sql = countingSql(state.storage.sql, /MIN\(next_at\) AS next FROM outbox/).sql
    })

    const alarm = await runInDurableObject(theLedger(), async (instance: DisclaimerLedger, state) => {
      await instance.alarm()
      return state.storage.getAlarm()
    })

    expect(sent.map((message) => message.to)).toContain('bob@example.org')
    expect(alarm).toBe(clock.now + ALARM_RETRY_MS)
  })
})
