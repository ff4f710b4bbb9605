// Writing through to KV and purging, through the ledger: each attempt recorded in its own step, a write or a purge
// that fails retried by the alarm, and the operators told once when purging keeps failing.
import { reset, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { STALE_READ_MS } from '../../src/core/staleness.ts'
import type { Outgoing } from '../../src/ledger/context.ts'
import type { DisclaimerLedger } from '../../src/ledger/object.ts'
import { PURGE_ALERT_AFTER } from '../../src/ledger/purges.ts'
import { advanceClock, failKvPuts, failPurges, publish, purgeJobs, theLedger } from './helpers.ts'

async function recordMessages(): Promise<Outgoing[]> {
  const sent: Outgoing[] = []
  await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger) => {
    ledger.env = { ...ledger.env, OPERATORS_EMAIL: 'ops@example.org' }
    ledger.notifier = { send: async (message) => void sent.push(message) }
  })
  return sent
}

beforeEach(async () => {
  await reset()
  vi.spyOn(console, 'warn').mockImplementation(() => {})
  vi.spyOn(console, 'error').mockImplementation(() => {})
})

describe('write-through', () => {
  it('lands a version KV refused at first, on the alarm, with the landing and the purges recorded then', async () => {
    const puts = await failKvPuts(1, () => new Error('KV is unavailable (injected)'))
    const version = await publish('global', 'Written through on the second try.')
    expect(version.landedAt).toBeNull()
    expect((await purgeJobs()).jobs).toEqual([])
    await advanceClock(1_000)
    await runDurableObjectAlarm(theLedger())
    expect(puts.refused).toEqual(['disclaimer'])
    expect(await env.DISCLAIMERS.get('disclaimer')).toBe('Written through on the second try.')
    // Landed by the retry, a second later on the ledger's clock than the refused first try.
    const landedAt = Date.parse((await theLedger().read('version', version.version))?.landedAt ?? '')
    expect(landedAt).toBeGreaterThanOrEqual(Date.parse(version.at) + 1_000)
    expect(landedAt).toBeLessThanOrEqual(Date.now() + 1_000)
    expect((await purgeJobs()).jobs.map((job) => job.tags)).toEqual([['disclaimer:global']])
  })

  it('keeps a purge that fails, retries it on the alarm, and tells the operators once it has failed a few times', async () => {
    const sent = await recordMessages()
    const purges = await failPurges(PURGE_ALERT_AFTER + 1, () => new Error('Workers Cache refused (injected)'))
    await publish('home', 'A home note whose purge fails.')
    for (let attempt = 0; attempt < PURGE_ALERT_AFTER + 2; attempt++) {
      await advanceClock(60_000)
      await runDurableObjectAlarm(theLedger())
    }
    expect(purges.refused.length).toBe(PURGE_ALERT_AFTER + 1)
    expect(purges.purged).toContainEqual(['disclaimer:home'])
    const alerts = sent.filter((message) => message.event.kind === 'purge_failed')
    expect(alerts.map((message) => message.to)).toEqual(['ops@example.org'])
    expect(alerts[0]?.text).toContain(`refused to purge disclaimer:home ${PURGE_ALERT_AFTER} times`)
  })

  it('tells the operators once of a write KV has refused for five minutes', async () => {
    const sent = await recordMessages()
    await failKvPuts(100, () => new Error('KV is unavailable (injected)'))
    await publish('conclusion', 'A note KV will not take.')
    for (let minute = 0; minute < 8; minute++) {
      await advanceClock(60_000)
      await runDurableObjectAlarm(theLedger())
    }
    const stuck = sent.filter((message) => message.event.kind === 'write_stuck')
    expect(stuck.map((message) => message.to)).toEqual(['ops@example.org'])
    expect(stuck[0]?.subject).toMatch(/KV has not taken v\d+ of the note on .* for [5-9] minutes/)
  })

  it('writes a text found in KV again to sign it only while KV still holds it: a newer edit is recorded, not overwritten', async () => {
    await env.DISCLAIMERS.put('disclaimer', 'Put in around the ledger.')
    const [found] = await theLedger().reconcile()
    await advanceClock(STALE_READ_MS + 1)
    // The signing write is refused once, and waits for the alarm; meanwhile someone edits KV again.
    const puts = await failKvPuts(1, () => new Error('KV is unavailable (injected)'))
    expect(await theLedger().reconcile()).toEqual([])
    expect((await theLedger().read('pending')).map((entry) => entry.version)).toEqual([found?.version])
    await env.DISCLAIMERS.put('disclaimer', 'Edited again around the ledger.')

    await advanceClock(5_000)
    await runDurableObjectAlarm(theLedger())

    expect(puts.refused).toEqual(['disclaimer'])
    expect(puts.landed).toEqual([])
    expect(await env.DISCLAIMERS.get('disclaimer')).toBe('Edited again around the ledger.')
    expect(await theLedger().read('pending')).toEqual([])
    expect((await theLedger().read('version', found?.version as number))?.landedAt).toBeNull()
    expect(await theLedger().reconcile()).toMatchObject([{ how: 'external', text: 'Edited again around the ledger.' }])
  })

  it('counts a read of KV that fails before a signing write as a failed attempt, and signs once KV answers', async () => {
    await env.DISCLAIMERS.put('disclaimer', 'Put in around the ledger.')
    const [found] = await theLedger().reconcile()
    await advanceClock(STALE_READ_MS + 1)
    await failKvPuts(1, () => new Error('KV is unavailable (injected)'))
    await theLedger().reconcile()
    await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger) => {
      const real = ledger.kv
      let failing = 1
      ledger.kv = {
        ...real,
        put: real.put.bind(real),
        list: real.list.bind(real),
        get: real.get.bind(real),
        getWithMetadata: ((...args: Parameters<typeof real.getWithMetadata>) => {
          if (failing-- > 0) return Promise.reject(new Error('KV read timed out (injected)'))
          return (real.getWithMetadata as (...a: unknown[]) => Promise<unknown>)(...args)
        }) as typeof real.getWithMetadata,
      }
    })

    await advanceClock(5_000)
    await runDurableObjectAlarm(theLedger())
    expect(await theLedger().read('pending')).toMatchObject([
      { version: found?.version, attempts: 2, lastError: 'KV read timed out (injected)' },
    ])
    await advanceClock(10_000)
    await runDurableObjectAlarm(theLedger())

    expect(await theLedger().read('pending')).toEqual([])
    const { metadata } = await env.DISCLAIMERS.getWithMetadata('disclaimer')
    expect(metadata).toMatchObject({ seq: found?.version, sig: expect.stringMatching(/^[0-9a-f]{64}$/) })
  })
})
