// Deliveries with plain calls on a fresh ledger's storage: due ones in order, retried on a growing delay, marked
// sent once, and composed with the chain checkpoint of their event.
import { describe, expect, it } from 'vitest'
import { chainPending } from '../../src/ledger/chaining.ts'
import type { Notifier, Outgoing } from '../../src/ledger/context.ts'
import {
  DELIVERY_RETRY_DELAYS_MS,
  deliverDue,
  deliveryFailed,
  deliveryTrouble,
  dueDeliveries,
  GIVE_UP_AFTER_MS,
  nextDeliveryAt,
  RETRIES_PER_ALARM,
  senderOf,
} from '../../src/ledger/deliveries.ts'
import { events, type NewEvent, recordEvent } from '../../src/ledger/events.ts'
import { withFreshSql } from './helpers.ts'

const AUDIENCE = {
  editors: new Map([
    ['alice', 'alice@example.org'],
    ['bob', 'bob@example.org'],
  ]),
  operators: ['ops@example.org'],
  webhook: true,
}
const ENV = {
  SITE_ORIGIN: 'https://kratom.test',
  EMAIL_FROM: 'disclaimers@kratom.test',
  SITE_TIME_ZONE: 'America/New_York',
}

/** What deliverDue needs of the ledger, on a fresh object's storage: events are told to AUDIENCE. */
function contextOf(sql: SqlStorage, state: DurableObjectState, notifier: Notifier, now: () => number) {
  return {
    sql,
    transact: <T>(work: () => T) =>
      state.storage.transactionSync(() => {
        const result = work()
        chainPending(sql)
        return result
      }),
    notifier,
    env: ENV,
    now,
    tell: (event: NewEvent, at: number, named?: readonly string[]) => {
      recordEvent(sql, event, AUDIENCE, at, named)
    },
  }
}

describe('deliveries', () => {
  it('are due at once, one per recipient and the webhook, soonest first', async () => {
    await withFreshSql((sql) => {
      const now = Date.now()
      const id = recordEvent(
        sql,
        { kind: 'external_edit', key: 'disclaimer', version: 1, actor: 'outside the ledger' },
        AUDIENCE,
        now,
      )
      const due = dueDeliveries(sql, now)
      expect(due.map((job) => [job.channel, job.recipient])).toEqual([
        ['email', 'alice@example.org'],
        ['email', 'bob@example.org'],
        ['email', 'ops@example.org'],
        ['webhook', 'webhook'],
      ])
      expect(due.map((job) => job.messageId)).toEqual([
        `event-${id}.email-1`,
        `event-${id}.email-2`,
        `event-${id}.email-3`,
        `event-${id}.webhook-4`,
      ])
      expect(nextDeliveryAt(sql)).toBe(now)
    })
  })

  it('wait longer after each failure, up to the last delay, which repeats until delivered', async () => {
    await withFreshSql((sql) => {
      const now = Date.now()
      recordEvent(
        sql,
        { kind: 'write_stuck', key: 'disclaimer', version: 2, actor: 'the ledger' },
        { ...AUDIENCE, webhook: false },
        now,
      )
      const [job] = dueDeliveries(sql, now)
      const delays = Array.from(
        { length: DELIVERY_RETRY_DELAYS_MS.length + 2 },
        () => (deliveryFailed(sql, job?.id as number, 'down', now) as number) - now,
      )
      expect(delays).toEqual([...DELIVERY_RETRY_DELAYS_MS, ...Array(2).fill(DELIVERY_RETRY_DELAYS_MS.at(-1))])
      expect(dueDeliveries(sql, now)).toEqual([])
    })
  })

  it('sends each due message once, composed with its event’s checkpoint, and counts a failure without stopping the rest', async () => {
    await withFreshSql(async (sql, state) => {
      const now = Date.now()
      const event = {
        kind: 'import_problems' as const,
        actor: 'the ledger',
        detail: { imported: 2, problems: ['a', 'b'] },
      }
      state.storage.transactionSync(() => {
        recordEvent(
          sql,
          event,
          { editors: new Map(), operators: ['ops@example.org', 'backup@example.org'], webhook: false },
          now,
        )
        chainPending(sql)
      })
      const sent: Outgoing[] = []
      const notifier = {
        send: async (message: Outgoing) => {
          if (message.to === 'ops@example.org') throw new Error('mailbox full')
          sent.push(message)
          return '<provider-id@kratom.test>'
        },
      }
      const context = contextOf(sql, state, notifier, () => now)
      await deliverDue(context)
      expect(sent.map((message) => message.to)).toEqual(['backup@example.org'])
      expect(sent[0]?.from).toBe('disclaimers@kratom.test')
      expect(sent[0]?.messageId).toMatch(/^<event-\d+\.email-2@kratom\.test>$/)
      expect(sent[0]?.text).toMatch(/stood at row 1, [0-9a-f]{64}, once this was recorded/)
      const rows = sql
        .exec<{
          recipient: string
          status: string
          attempts: number
          last_error: string | null
          provider_id: string | null
        }>('SELECT * FROM deliveries ORDER BY id')
        .toArray()
      expect(
        rows.map(({ recipient, status, attempts, last_error, provider_id }) => ({
          recipient,
          status,
          attempts,
          last_error,
          provider_id,
        })),
      ).toEqual([
        { recipient: 'ops@example.org', status: 'pending', attempts: 1, last_error: 'mailbox full', provider_id: null },
        {
          recipient: 'backup@example.org',
          status: 'sent',
          attempts: 1,
          last_error: null,
          provider_id: '<provider-id@kratom.test>',
        },
      ])
      await deliverDue(context)
      expect(sent).toHaveLength(1)
    })
  })

  it('take the sender and its domain from EMAIL_FROM', () => {
    expect(senderOf({ EMAIL_FROM: 'disclaimers@kratom.test' })).toEqual({
      from: 'disclaimers@kratom.test',
      domain: 'kratom.test',
    })
  })

  it('give up three days after their event, with one alert to the operators recorded with it; an alert given up raises none', async () => {
    await withFreshSql(async (sql, state) => {
      const start = Date.now()
      let clock = start
      let webhookWorks = false
      const sent: Outgoing[] = []
      const notifier = {
        send: async (message: Outgoing) => {
          if (message.channel === 'email' || !webhookWorks) throw new Error('Email Service: 503')
          sent.push(message)
          return undefined
        },
      }
      const context = contextOf(sql, state, notifier, () => clock)
      context.transact(() => {
        recordEvent(sql, { kind: 'version_live', key: 'disclaimer', version: 1, actor: 'alice' }, AUDIENCE, start)
      })
      const deliveries = () => events(sql, { limit: 10 }).events
      for (const after of [0, 3_600_000, GIVE_UP_AFTER_MS - 1]) {
        clock = start + after
        await deliverDue(context)
      }
      expect(deliveries()).toHaveLength(1)
      expect(deliveries()[0]?.deliveries.map((delivery) => delivery.status)).toEqual(['pending', 'pending', 'pending'])

      clock = start + GIVE_UP_AFTER_MS + 3_600_000
      await deliverDue(context)
      const [alert, event] = deliveries()
      expect(event?.deliveries.map((delivery) => [delivery.recipient, delivery.status, delivery.nextAt])).toEqual([
        ['alice@example.org', 'gave_up', null],
        ['bob@example.org', 'gave_up', null],
        ['webhook', 'gave_up', null],
      ])
      expect(alert).toMatchObject({
        kind: 'delivery_gave_up',
        actor: 'the ledger',
        detail: {
          count: 3,
          giveUpAfterHours: 72,
          messages: [
            `alice@example.org, about event ${event?.id} (version_live): Email Service: 503`,
            `bob@example.org, about event ${event?.id} (version_live): Email Service: 503`,
            `the webhook, about event ${event?.id} (version_live): Email Service: 503`,
          ],
        },
      })
      // Email is what fails: the webhook carries the alert to the operators.
      webhookWorks = true
      await deliverDue(context)
      expect(sent.map((message) => [message.channel, message.event.kind])).toEqual([['webhook', 'delivery_gave_up']])
      expect(sent[0]?.subject).toBe('[Disclaimers] 3 message(s) could not be delivered and were given up')
      expect(sent[0]?.text).toContain('The ledger tried for 72 hours to deliver each of these and gave up')

      clock += GIVE_UP_AFTER_MS + 3_600_000
      await deliverDue(context)
      expect(deliveries().map((entry) => entry.kind)).toEqual(['delivery_gave_up', 'version_live'])
      expect(deliveries()[0]?.deliveries.map((delivery) => delivery.status)).toEqual(['gave_up', 'sent'])
      expect(deliveryTrouble(sql, clock)).toEqual({
        gaveUp: { count: 4, lastAt: new Date(clock).toISOString(), lastError: 'Email Service: 503' },
        failing: null,
      })
    })
  })

  it('send fresh messages first, on a budget of their own, however many failing ones are due', async () => {
    await withFreshSql(async (sql, state) => {
      const now = Date.now()
      const operatorsOnly = { editors: new Map(), operators: ['ops@example.org'], webhook: false }
      const tried: string[] = []
      const notifier = {
        send: async (message: Outgoing) => {
          tried.push(message.subject)
          if (message.event.kind === 'write_stuck') throw new Error('mailbox full')
          return undefined
        },
      }
      state.storage.transactionSync(() => {
        for (let index = 0; index < 40; index++) {
          const id = recordEvent(
            sql,
            {
              kind: 'write_stuck',
              key: 'disclaimer',
              version: index,
              actor: 'the ledger',
              detail: { minutes: 5, attempts: 3, lastError: 'x' },
            },
            operatorsOnly,
            now - 3_600_000,
          )
          sql.exec('UPDATE deliveries SET attempts = 6, next_at = ? WHERE event_id = ?', now - 60_000, id)
        }
        recordEvent(
          sql,
          { kind: 'import_problems', actor: 'the ledger', detail: { imported: 1, problems: ['a'] } },
          operatorsOnly,
          now,
        )
      })

      await deliverDue(contextOf(sql, state, notifier, () => now))

      expect(tried).toHaveLength(1 + RETRIES_PER_ALARM)
      expect(tried[0]).toContain('found 1 problem(s)')
      expect(deliveryTrouble(sql, now)).toEqual({ gaveUp: null, failing: { count: 40, lastError: 'mailbox full' } })
    })
  })
})
