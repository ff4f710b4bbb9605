// Events and who is told: each change the ledger records tells exactly the right people, once, through the
// object's alarm, whatever the email service does meanwhile; never a token in a message.
import { reset, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { EventKind } from '../../src/core/ledger-types.ts'
import type { Outgoing } from '../../src/ledger/context.ts'
import { audienceOf, recipientsOf } from '../../src/ledger/events.ts'
import type { DisclaimerLedger } from '../../src/ledger/object.ts'
import { TEST_EDITORS } from '../fixtures/editors.ts'
import { countingSql, openProposal, publish, theLedger } from './helpers.ts'

/** Editors as a deployment configures them: token editors with addresses, and one who signs in through Access. */
const EDITORS = JSON.stringify({
  alice: { token: TEST_EDITORS.alice.hash, email: 'alice@example.org' },
  bob: { token: TEST_EDITORS.bob.hash, email: 'bob@example.org' },
  carol: TEST_EDITORS.carol.hash,
  'dana@example.org': 'access',
})
const OPERATORS = 'ops@example.org'
const EVERY_EDITOR = ['alice@example.org', 'bob@example.org', 'dana@example.org']

interface Seams {
  sent: Outgoing[]
  /** While true, the email service throws. */
  failing: { email: boolean }
}

/** The ledger with the editors above, a recording notifier, and the two-person rule as asked. */
async function configure({ approval = false } = {}): Promise<Seams> {
  const seams: Seams = { sent: [], failing: { email: false } }
  await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger) => {
    ledger.env = { ...ledger.env, EDITORS, OPERATORS_EMAIL: OPERATORS, REQUIRE_APPROVAL: approval ? 'true' : 'false' }
    ledger.notifier = {
      send: async (message) => {
        if (seams.failing.email) throw new Error('Email Service is unavailable (injected)')
        seams.sent.push(message)
      },
    }
  })
  return seams
}

/** Runs the object's alarm until nothing is due now (each run sends up to its limit). */
async function deliverAll() {
  for (let round = 0; round < 10; round++) {
    const due = await runInDurableObject(
      theLedger(),
      (_instance: DisclaimerLedger, state) =>
        state.storage.sql
          .exec<{ n: number }>(
            "SELECT COUNT(*) AS n FROM deliveries WHERE status = 'pending' AND next_at <= ?",
            Date.now(),
          )
          .one().n,
    )
    if (due === 0) return
    await runDurableObjectAlarm(theLedger())
  }
}

function told(sent: Outgoing[], kind: EventKind) {
  return sent
    .filter((message) => message.event.kind === kind && message.channel === 'email')
    .map((message) => message.to)
    .sort()
}

beforeEach(async () => {
  await reset()
  vi.spyOn(console, 'warn').mockImplementation(() => {})
  vi.spyOn(console, 'error').mockImplementation(() => {})
})

describe('recipientsOf', () => {
  const audience = audienceOf({ EDITORS, OPERATORS_EMAIL: `${OPERATORS}, not an address` })

  it('sends to a webhook only when it is https and signed, and says once when it is not', () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    const url = 'https://hooks.example.org/ledger'
    expect(audienceOf({ EDITORS, ALERT_WEBHOOK_URL: url, ALERT_WEBHOOK_SECRET: 's' }).webhook).toBe(true)
    expect(audienceOf({ EDITORS, ALERT_WEBHOOK_URL: url }).webhook).toBe(false)
    expect(audienceOf({ EDITORS, ALERT_WEBHOOK_URL: url }).webhook).toBe(false)
    expect(
      audienceOf({ EDITORS, ALERT_WEBHOOK_URL: 'http://hooks.example.org', ALERT_WEBHOOK_SECRET: 's' }).webhook,
    ).toBe(false)
    const said = errors.mock.calls.map(([line]) => String(line)).filter((line) => line.includes('ALERT_WEBHOOK_URL'))
    expect(said).toHaveLength(1)
  })

  it('reads each editor’s address from EDITORS, and only valid operator addresses', () => {
    expect([...audience.editors]).toEqual([
      ['alice', 'alice@example.org'],
      ['bob', 'bob@example.org'],
      ['dana@example.org', 'dana@example.org'],
    ])
    expect(audience.operators).toEqual([OPERATORS])
    expect(audience.webhook).toBe(false)
  })

  it.each([
    ['proposal_opened', 'alice', undefined, ['bob@example.org', 'dana@example.org']],
    ['proposal_approved', 'bob', 'alice', ['alice@example.org']],
    ['proposal_rejected', 'bob', 'alice', ['alice@example.org']],
    ['proposal_rejected', 'bob', 'carol', []],
    ['version_live', 'alice', undefined, EVERY_EDITOR],
    ['external_edit', 'outside the ledger', undefined, [...EVERY_EDITOR, OPERATORS]],
    ['write_stuck', 'the ledger', undefined, [OPERATORS]],
    ['purge_failed', 'the ledger', undefined, [OPERATORS]],
    ['import_problems', 'the ledger', undefined, [OPERATORS]],
    ['schedule_expired', 'the ledger', 'alice', ['alice@example.org']],
    ['schedule_cancelled', 'bob', undefined, ['alice@example.org', 'dana@example.org']],
  ] as const)('tells of %s by %s (concerning %s): %j', (kind, actor, named, expected) => {
    expect(recipientsOf({ kind, actor }, audience, named ? [named] : [])).toEqual(expected)
  })

  it('tells of a superseded schedule its proposer and its approver', () => {
    expect(recipientsOf({ kind: 'schedule_superseded', actor: 'the ledger' }, audience, ['alice', 'bob'])).toEqual([
      'alice@example.org',
      'bob@example.org',
    ])
  })
})

describe('events through the ledger', () => {
  it('tells every other editor of a proposal, its proposer of the approval, every editor of the version made live', async () => {
    const seams = await configure({ approval: true })
    const proposal = await openProposal({
      target: 'global',
      text: 'Proposed by alice.',
      base: 'none',
      by: 'alice',
      note: 'legal',
    })
    await deliverAll()
    expect(told(seams.sent, 'proposal_opened')).toEqual(['bob@example.org', 'dana@example.org'])
    const approved = await theLedger().approve({ id: proposal.id, by: 'bob' })
    expect(approved.ok).toBe(true)
    await deliverAll()
    expect(told(seams.sent, 'proposal_approved')).toEqual(['alice@example.org'])
    expect(told(seams.sent, 'version_live')).toEqual(EVERY_EDITOR)
    const live = seams.sent.find((message) => message.event.kind === 'version_live') as Outgoing
    expect(live.text).toContain('approved by bob')
    expect(live.text).toContain('within 2 minutes')
  })

  it('reads each event with exactly its own deliveries, in the order they were made', async () => {
    await configure({ approval: true })
    const proposal = await openProposal({ target: 'global', text: 'Proposed by alice.', base: 'none', by: 'alice' })
    expect((await theLedger().approve({ id: proposal.id, by: 'bob' })).ok).toBe(true)
    const { events } = await theLedger().read('events', { limit: 50 })
    expect(events.map((event) => [event.kind, event.deliveries.map((delivery) => delivery.recipient)])).toEqual([
      ['version_live', EVERY_EDITOR],
      ['proposal_approved', ['alice@example.org']],
      ['proposal_opened', ['bob@example.org', 'dana@example.org']],
    ])
  })

  it('tells the proposer of a rejection, with the reason', async () => {
    const seams = await configure({ approval: true })
    const proposal = await openProposal({ target: 'home', text: 'Home note.', base: 'none', by: 'alice' })
    const rejected = await theLedger().reject({ id: proposal.id, by: 'bob', reason: 'cite the FDA warning' })
    expect(rejected.ok).toBe(true)
    await deliverAll()
    const [message] = seams.sent.filter((sent) => sent.event.kind === 'proposal_rejected')
    expect(message?.to).toBe('alice@example.org')
    expect(message?.text).toContain('Their reason:\n> cite the FDA warning\n')
  })

  it('tells every editor of a rollback and a seed made live', async () => {
    const seams = await configure()
    const seeded = await theLedger().seed('alice')
    expect(seeded.every((result) => result.ok)).toBe(true)
    const first = await publish('global', 'First.', 'alice')
    await publish('global', 'Second.', 'alice')
    const back = await theLedger().rollback({ target: 'global', to: first.version, base: 'none', by: 'bob' })
    // The base must name what pages show; a stale one is refused and tells no one.
    expect(back.ok).toBe(false)
    const live = await theLedger().read('live', 'global')
    expect(
      (await theLedger().rollback({ target: 'global', to: first.version, base: live?.base ?? '', by: 'bob' })).ok,
    ).toBe(true)
    await deliverAll()
    const made = seams.sent.filter((message) => message.event.kind === 'version_live')
    expect(new Set(made.map((message) => message.event.version)).size).toBe(seeded.length + 3)
    expect(
      made
        .filter((message) => message.subject.includes('(rollback by bob)'))
        .map((m) => m.to)
        .sort(),
    ).toEqual(EVERY_EDITOR)
    expect(made.filter((message) => message.subject.includes('(seed by alice)')).length).toBe(seeded.length * 3)
  })

  it('tells every editor and the operators of an edit made around the ledger once, however many cron runs see it', async () => {
    const seams = await configure()
    await env.DISCLAIMERS.put('disclaimer:conclusion', '\u001b[2J\u001b]0;owned\u0007')
    for (let run = 0; run < 5; run++) await theLedger().reconcile()
    await deliverAll()
    expect(told(seams.sent, 'external_edit')).toEqual([...EVERY_EDITOR, OPERATORS].sort())
    const message = seams.sent.find((sent) => sent.event.kind === 'external_edit') as Outgoing
    expect(message.text).toContain('breaks the rule')
    expect(message.text).toContain('pages show the bundled default')
    // The text is quoted with its control characters escaped, never as a terminal sequence.
    expect(message.text).toContain('\\u{1b}[2J')
    expect(message.text).not.toContain('\u001b')
    expect(message.subject).not.toMatch(/[\r\n]/)
  })

  it('keeps every message while the email service fails, answers the publish at once, and delivers each once after', async () => {
    const seams = await configure()
    seams.failing.email = true
    const version = await publish('dosage-and-safety', 'Dosage note while email is down.')
    expect(Date.parse(version.landedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(version.at))
    expect(Date.parse(version.landedAt ?? '')).toBeLessThanOrEqual(Date.now())
    await deliverAll()
    expect(seams.sent).toEqual([])
    const waiting = await runInDurableObject(theLedger(), (_instance: DisclaimerLedger, state) =>
      state.storage.sql
        .exec<{ status: string; attempts: number; last_error: string; next_at: number }>('SELECT * FROM deliveries')
        .toArray(),
    )
    expect(waiting).toHaveLength(EVERY_EDITOR.length)
    for (const row of waiting) {
      expect(row).toMatchObject({
        status: 'pending',
        attempts: 1,
        last_error: 'Email Service is unavailable (injected)',
      })
      expect(row.next_at).toBeGreaterThan(Date.now())
    }
    seams.failing.email = false
    await runInDurableObject(theLedger(), (_instance: DisclaimerLedger, state) => {
      state.storage.sql.exec('UPDATE deliveries SET next_at = ?', Date.now())
    })
    await deliverAll()
    expect(told(seams.sent, 'version_live')).toEqual(EVERY_EDITOR)
    const ids = seams.sent.map((message) => message.messageId)
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of ids) expect(id).toMatch(/^<event-\d+\.email-\d+@example\.org>$/)
  })

  it('sends the first message at once: the alarm is set for now, not for the next cron', async () => {
    await configure()
    const version = await publish('home', 'Home note.')
    const alarm = await runInDurableObject(theLedger(), (_instance: DisclaimerLedger, state) =>
      state.storage.getAlarm(),
    )
    // The messages are recorded when the version lands, and due then.
    expect(alarm).toBeGreaterThanOrEqual(Date.parse(version.landedAt ?? ''))
    expect(alarm).toBeLessThanOrEqual(Date.now())
  })

  it('never puts a token, a session secret or a sign-in address in a message', async () => {
    const seams = await configure({ approval: true })
    const proposal = await openProposal({ target: 'global', text: 'A text.', base: 'none', by: 'alice', note: 'note' })
    await theLedger().approve({ id: proposal.id, by: 'bob' })
    await env.DISCLAIMERS.put('disclaimer:home', 'Around the ledger.')
    await theLedger().reconcile()
    await deliverAll()
    expect(seams.sent.length).toBeGreaterThan(5)
    const secrets = [
      ...Object.values(TEST_EDITORS).flatMap(({ token, hash }) => [token, hash]),
      env.SESSION_SECRET as string,
      '/console/sign-in',
      'sha256:',
    ]
    for (const message of seams.sent) {
      for (const secret of secrets) expect(`${message.subject}\n${message.text}`).not.toContain(secret)
    }
  })
})

describe('events at 100,000 rows', () => {
  it('pages through them reading about one page of rows each time, the filtered pages too', async () => {
    const stub = env.LEDGER.get(env.LEDGER.idFromName('events-at-scale'))
    const { events } = await import('../../src/ledger/events.ts')
    await runInDurableObject(stub, (_instance: DisclaimerLedger, state) => {
      const { sql } = state.storage
      sql.exec(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
         INSERT INTO events (at, kind, key, version_seq, proposal_id, actor, detail)
         SELECT '2026-12-01T00:00:00.000Z', 'version_live', 'disclaimer', i, NULL, 'alice', '{}' FROM n`,
      )
      const { sql: counting, read } = countingSql(sql)
      let page = events(counting, { limit: 50 })
      expect(page.events[0]?.id).toBe(100_000)
      for (let turn = 0; turn < 3; turn++) page = events(counting, { limit: 50, before: page.next as number })
      expect(page.events[0]?.id).toBe(100_000 - 150)
      expect(read(() => events(counting, { limit: 50, before: page.next as number }))).toBeLessThan(200)
      expect(read(() => events(counting, { versions: [12_345, 67_890] }))).toBeLessThan(20)
      // However many rows a page names, each list is one bound parameter (the SQL API refuses more than 100).
      const many = Array.from({ length: 300 }, (_, index) => 50_000 + index)
      expect(events(counting, { versions: many, proposals: many, limit: 500 }).events).toHaveLength(300)
      expect(events(counting, { limit: 500 }).events).toHaveLength(500)
      // A few rows for each one named (the list, the index, the event), never the 100,000.
      expect(read(() => events(counting, { versions: many, limit: 500 }))).toBeLessThan(many.length * 10)
    })
  })

  it('reads each event about the rows named and each of its deliveries once, with its index entry', async () => {
    const stub = env.LEDGER.get(env.LEDGER.idFromName('events-told'))
    const { events } = await import('../../src/ledger/events.ts')
    const read = await runInDurableObject(stub, (_instance: DisclaimerLedger, state) => {
      const { sql } = state.storage
      sql.exec(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
         INSERT INTO events (at, kind, key, version_seq, proposal_id, actor, detail)
         SELECT '2026-12-01T00:00:00.000Z', 'version_live', 'disclaimer', i / 2, NULL, 'alice', '{}' FROM n`,
      )
      sql.exec(
        `INSERT INTO deliveries (event_id, channel, recipient, message_id, next_at)
         SELECT id, 'email', 'alice@example.org', 'event-' || id || '.email-1', 0 FROM events
         UNION ALL SELECT id, 'webhook', 'webhook', 'event-' || id || '.webhook-2', 0 FROM events ORDER BY 1`,
      )
      const { sql: counting, read } = countingSql(sql)
      // A history page's fifty versions, two events each, two deliveries each.
      const versions = Array.from({ length: 50 }, (_, index) => 5_000 + index)
      const page = events(counting, { versions, limit: 500 })
      return {
        events: page.events.length,
        deliveries: page.events.flatMap((event) => event.deliveries.map((delivery) => delivery.messageId)),
        read: read(() => events(counting, { versions, limit: 500 })),
      }
    })
    expect(read.events).toBe(100)
    expect(read.deliveries).toHaveLength(200)
    expect(read.deliveries.slice(0, 4)).toEqual([
      'event-10099.email-1',
      'event-10099.webhook-2',
      'event-10098.email-1',
      'event-10098.webhook-2',
    ])
    // The list of versions; each event with its index entry and its place in the page's order; each event's id in the
    // list of deliveries to read, and each delivery with its index entry: never a table scanned or sorted twice.
    expect(read.read).toBeLessThanOrEqual(50 + 100 * 3 + 200 * 2)
  })
})
