// Scheduled changes inside workerd, with the ledger's clock seam and its real alarm: a change approved ahead goes
// live at its time through the same path as a publish, and every guarantee holds at go-live, not only at approval.
import { reset, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { LedgerError, Proposal, PublishResult, Schedule } from '../../src/core/ledger-types.ts'
import type { Outgoing } from '../../src/ledger/context.ts'
import type { DisclaimerLedger } from '../../src/ledger/object.ts'
import { runDueSchedules } from '../../src/ledger/scheduling.ts'
import { WriteThrough } from '../../src/ledger/write-through.ts'
import { TEST_EDITORS } from '../fixtures/editors.ts'
import { failKvPuts, holdNextKvRead, publish, theLedger } from './helpers.ts'

const EDITORS = JSON.stringify({
  alice: { token: TEST_EDITORS.alice.hash, email: 'alice@example.org' },
  bob: { token: TEST_EDITORS.bob.hash, email: 'bob@example.org' },
  carol: { token: TEST_EDITORS.carol.hash, email: 'carol@example.org' },
})
const HOUR = 3_600_000

interface World {
  /** The ledger's clock; tests move it. */
  clock: { now: number }
  sent: Outgoing[]
}

async function configure({ approval = true } = {}): Promise<World> {
  const world: World = { clock: { now: Date.now() }, sent: [] }
  await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger) => {
    ledger.env = {
      ...ledger.env,
      EDITORS,
      REQUIRE_APPROVAL: approval ? 'true' : 'false',
      SITE_TIME_ZONE: 'America/New_York',
    }
    ledger.now = () => world.clock.now
    ledger.notifier = {
      send: async (message) => {
        world.sent.push(message)
      },
    }
  })
  return world
}

/** Moves the ledger's clock to `at` and runs the object's real alarm, as the runtime would at that time. */
async function at(world: World, time: number) {
  world.clock.now = time
  await runDurableObjectAlarm(theLedger())
  // Deliveries the alarm recorded are due at once; run it again so they go out.
  await runDurableObjectAlarm(theLedger())
}

async function propose(text: string, effectiveAt: number, by = 'alice'): Promise<Proposal> {
  const live = await theLedger().read('live', 'global')
  const result = await theLedger().propose({
    target: 'global',
    text,
    base: live?.base ?? 'none',
    by,
    effectiveAt: new Date(effectiveAt).toISOString(),
  })
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`)
  return result.proposal
}

function told(world: World, kind: string): string[] {
  return world.sent
    .filter((message) => message.event.kind === kind)
    .map((message) => message.to)
    .sort()
}

async function kvText(): Promise<string | null> {
  return env.DISCLAIMERS.get('disclaimer')
}

beforeEach(async () => {
  await reset()
  vi.spyOn(console, 'warn').mockImplementation(() => {})
  vi.spyOn(console, 'error').mockImplementation(() => {})
})

/** Takes `editor` out of EDITORS, as an operator does when someone leaves. */
async function remove(editor: string) {
  await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger) => {
    const editors = JSON.parse(ledger.env.EDITORS) as Record<string, unknown>
    delete editors[editor]
    ledger.env = { ...ledger.env, EDITORS: JSON.stringify(editors) }
  })
}

describe('scheduled changes', () => {
  it('approved ahead, goes live at its time through the same path as a publish, and tells everyone', async () => {
    const world = await configure()
    await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger) => {
      ledger.env = { ...ledger.env, REQUIRE_APPROVAL: 'false' }
    })
    await publish('global', 'The text before.')
    await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger) => {
      ledger.env = { ...ledger.env, REQUIRE_APPROVAL: 'true' }
    })
    const when = world.clock.now + 2 * HOUR
    const proposal = await propose('The text from its time on.', when)
    expect(proposal.effectiveAt).toBe(new Date(when).toISOString())
    const approved = (await theLedger().approve({ id: proposal.id, by: 'bob' })) as Extract<
      PublishResult,
      { status: 'scheduled' }
    >
    expect(approved).toMatchObject({
      ok: true,
      status: 'scheduled',
      schedule: { approvedBy: 'bob', status: 'pending' },
    })
    expect((await theLedger().read('live', 'global'))?.scheduled.map((entry) => entry.id)).toEqual([
      approved.schedule.id,
    ])

    await at(world, when - 1_000)
    expect(await kvText()).toBe('The text before.')
    await at(world, when + 500)
    expect(await kvText()).toBe('The text from its time on.')
    const schedule = (await theLedger().read('schedule', approved.schedule.id)) as Schedule
    expect(schedule).toMatchObject({ status: 'live', endedBy: 'the ledger' })
    const version = await theLedger().read('version', schedule.version as number)
    expect(version).toMatchObject({ by: 'alice', approvedBy: 'bob', proposalId: proposal.id, how: 'publish' })
    expect((await theLedger().read('proposal', proposal.id))?.publishedVersion).toBe(version?.version)
    expect(told(world, 'proposal_approved')).toEqual(['alice@example.org'])
    const madeLive = world.sent.filter(
      (message) => message.event.kind === 'version_live' && message.event.version === version?.version,
    )
    expect(madeLive.map((message) => message.to).sort()).toEqual([
      'alice@example.org',
      'bob@example.org',
      'carol@example.org',
    ])
    const approval = world.sent.find((message) => message.event.kind === 'proposal_approved') as Outgoing
    expect(approval.text).toMatch(/It goes live at \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(UTC-0[45]:00, America\/New_York\)/)
  })

  it('expires unapproved at its time, never goes live late, and tells the proposer', async () => {
    const world = await configure()
    const when = world.clock.now + HOUR
    const proposal = await propose('Never approved.', when)
    await at(world, when + 1)
    expect((await theLedger().read('schedule', proposal.scheduleId as number))?.status).toBe('expired')
    const late = (await theLedger().approve({ id: proposal.id, by: 'bob' })) as LedgerError
    expect(late).toMatchObject({ ok: false, code: 'schedule_ended' })
    expect(await kvText()).not.toBe('Never approved.')
    expect(told(world, 'schedule_expired')).toEqual(['alice@example.org'])
  })

  it('refuses a late approval that comes after its time even before the alarm ran, and expires it then', async () => {
    const world = await configure()
    const when = world.clock.now + HOUR
    const proposal = await propose('Approved too late.', when)
    world.clock.now = when + 1
    const late = (await theLedger().approve({ id: proposal.id, by: 'bob' })) as LedgerError
    expect(late).toMatchObject({ ok: false, code: 'schedule_ended' })
    expect((await theLedger().read('schedule', proposal.scheduleId as number))?.status).toBe('expired')
  })

  it('is superseded when the text changed after it was made, overwrites nothing, and tells proposer and approver', async () => {
    const world = await configure()
    const when = world.clock.now + HOUR
    const proposal = await propose('Scheduled over an old base.', when)
    await theLedger().approve({ id: proposal.id, by: 'bob' })
    // Meanwhile an emergency rollback-style change: an edit around the ledger the cron records.
    await env.DISCLAIMERS.put('disclaimer', 'Changed in between.')
    await theLedger().reconcile()
    await at(world, when)
    expect(await kvText()).toBe('Changed in between.')
    const schedule = (await theLedger().read('schedule', proposal.scheduleId as number)) as Schedule
    expect(schedule.status).toBe('superseded')
    expect(schedule.reason).toContain('changed outside the ledger')
    expect(told(world, 'schedule_superseded')).toEqual(['alice@example.org', 'bob@example.org'])
    // Approved before, it ended superseded: that is its status, and the filter finds it by it.
    expect(await theLedger().read('proposal', proposal.id)).toMatchObject({
      status: 'superseded',
      decidedBy: 'bob',
      publishedVersion: null,
    })
    const superseded = await theLedger().read('proposals', { status: 'superseded' })
    expect(superseded.proposals.map((found) => found.id)).toEqual([proposal.id])
  })

  it('can be cancelled by any editor before its time, with a reason, the others told; then nothing goes live', async () => {
    const world = await configure()
    const when = world.clock.now + HOUR
    const proposal = await propose('Cancelled before its time.', when)
    await theLedger().approve({ id: proposal.id, by: 'bob' })
    expect(await theLedger().cancel({ id: proposal.scheduleId as number, by: 'carol', reason: '' })).toMatchObject({
      ok: false,
      code: 'invalid_text',
    })
    const cancelled = await theLedger().cancel({
      id: proposal.scheduleId as number,
      by: 'carol',
      reason: 'legal asked to wait',
    })
    expect(cancelled).toMatchObject({
      ok: true,
      schedule: { status: 'cancelled', endedBy: 'carol', reason: 'legal asked to wait' },
    })
    await at(world, when + 1)
    expect(await kvText()).not.toBe('Cancelled before its time.')
    expect(told(world, 'schedule_cancelled')).toEqual(['alice@example.org', 'bob@example.org'])
    const again = await theLedger().cancel({ id: proposal.scheduleId as number, by: 'carol', reason: 'twice' })
    expect(again).toMatchObject({ ok: false, code: 'schedule_ended' })
  })

  it('refuses a second schedule for one disclaimer at any time while one is pending, naming the first', async () => {
    const world = await configure()
    const when = world.clock.now + HOUR
    const first = await propose('First at this time.', when)
    const live = await theLedger().read('live', 'global')
    const attempts = [when, when + HOUR, when - HOUR / 2].map((time) =>
      theLedger().propose({
        target: 'global',
        text: 'A second change.',
        base: live?.base ?? 'none',
        by: 'bob',
        effectiveAt: new Date(time).toISOString().replace('Z', '+00:00'),
      }),
    )

    for (const second of await Promise.all(attempts)) {
      expect(second).toMatchObject({
        ok: false,
        code: 'schedule_conflict',
        schedule: { id: first.scheduleId, by: 'alice', proposalId: first.id },
      })
      expect((second as LedgerError).message).toContain(
        `schedule ${first.scheduleId}, by alice (proposal ${first.id}, not yet approved), already changes this disclaimer at `,
      )
    }
    expect((await theLedger().read('proposals', { status: 'open' })).proposals).toHaveLength(1)
    // A change for now is not a schedule: it may still be proposed, and supersedes the schedule if it goes live first.
    expect(
      await theLedger().propose({ target: 'global', text: 'For now.', base: live?.base ?? 'none', by: 'bob' }),
    ).toMatchObject({ ok: true })
  })

  it('accepts the next schedule once the first has gone live, built on its text', async () => {
    const world = await configure({ approval: false })
    const before = await publish('global', 'Before both.')
    const first = (await theLedger().publish({
      target: 'global',
      text: 'The first scheduled text.',
      base: before.version,
      by: 'alice',
      effectiveAt: new Date(world.clock.now + HOUR).toISOString(),
    })) as Extract<PublishResult, { status: 'scheduled' }>
    const refused = await theLedger().publish({
      target: 'global',
      text: 'The second scheduled text.',
      base: before.version,
      by: 'bob',
      effectiveAt: new Date(world.clock.now + 2 * HOUR).toISOString(),
    })
    expect(refused).toMatchObject({ ok: false, code: 'schedule_conflict', schedule: { id: first.schedule.id } })

    await at(world, world.clock.now + HOUR)
    const live = await theLedger().read('live', 'global')
    expect(live?.current?.text).toBe('The first scheduled text.')
    const second = await theLedger().publish({
      target: 'global',
      text: 'The second scheduled text.',
      base: live?.base ?? 'none',
      by: 'bob',
      effectiveAt: new Date(world.clock.now + HOUR).toISOString(),
    })
    expect(second).toMatchObject({ ok: true, status: 'scheduled', schedule: { base: live?.current?.version } })
  })

  it('refuses a time that has passed, one more than a year ahead, and one without an offset', async () => {
    const world = await configure()
    const live = await theLedger().read('live', 'global')
    for (const [effectiveAt, problem] of [
      [new Date(world.clock.now - 1).toISOString(), 'has already passed'],
      [new Date(world.clock.now + 366 * 24 * HOUR).toISOString(), 'more than a year ahead'],
      ['2027-01-01T09:00', 'with its offset'],
    ] as const) {
      const result = await theLedger().propose({
        target: 'global',
        text: 'x',
        base: live?.base ?? 'none',
        by: 'alice',
        effectiveAt,
      })
      expect(result, effectiveAt).toMatchObject({ ok: false, code: 'invalid_time' })
      expect((result as LedgerError).message).toContain(problem)
    }
  })

  it('goes live pending when KV fails at its time, and lands once KV takes it', async () => {
    const world = await configure({ approval: false })
    await publish('global', 'Before the scheduled publish.')
    const live = await theLedger().read('live', 'global')
    const when = world.clock.now + HOUR
    const scheduled = await theLedger().publish({
      target: 'global',
      text: 'Published at its time.',
      base: live?.base ?? 'none',
      by: 'alice',
      effectiveAt: new Date(when).toISOString(),
    })
    expect(scheduled).toMatchObject({ ok: true, status: 'scheduled' })
    const puts = await failKvPuts(2, () => new Error('KV is unavailable (injected)'))
    await at(world, when)
    const schedule = (await theLedger().read('schedule', (scheduled as { schedule: Schedule }).schedule.id)) as Schedule
    expect(schedule.status).toBe('live')
    expect((await theLedger().read('pending')).map((entry) => entry.version)).toEqual([schedule.version])
    expect(await kvText()).toBe('Before the scheduled publish.')
    await at(world, when + 1_000)
    await at(world, when + 5_000)
    expect(puts.refused).toEqual(['disclaimer', 'disclaimer'])
    expect(await kvText()).toBe('Published at its time.')
    expect(await theLedger().read('pending')).toEqual([])
  })

  it('answers "what will be live at" a time to come with what is scheduled by then', async () => {
    const world = await configure()
    const when = world.clock.now + HOUR
    const proposal = await propose('Coming later.', when)
    const before = await theLedger().read('scheduledAt', 'global', new Date(when - 1).toISOString())
    const after = await theLedger().read('scheduledAt', 'global', new Date(when + HOUR).toISOString())
    expect(before).toBeNull()
    expect(after).toMatchObject({ proposalId: proposal.id, text: 'Coming later.', approvedBy: null })
  })

  it('closes the schedule of a rejected proposal, so nothing is left waiting for its time', async () => {
    const world = await configure()
    const proposal = await propose('Rejected.', world.clock.now + HOUR)
    expect((await theLedger().reject({ id: proposal.id, by: 'bob', reason: 'not this wording' })).ok).toBe(true)
    expect((await theLedger().read('schedule', proposal.scheduleId as number))?.status).toBe('cancelled')
    expect((await theLedger().read('live', 'global'))?.scheduled).toEqual([])
  })

  it('closes a proposal whose schedule ended unapproved: no longer waiting, and a late decision refused, not a failure', async () => {
    const world = await configure()
    const when = world.clock.now + HOUR
    const proposal = await propose('Expires unapproved.', when)
    await at(world, when + 1)
    expect(await theLedger().read('proposal', proposal.id)).toMatchObject({ status: 'expired', decidedBy: null })
    expect((await theLedger().read('proposals', { status: 'open' })).proposals).toEqual([])
    expect((await theLedger().read('overview')).find((row) => row.target === 'global')?.openProposals).toBe(0)
    for (const late of [
      await theLedger().reject({ id: proposal.id, by: 'bob', reason: 'too late' }),
      await theLedger().approve({ id: proposal.id, by: 'bob' }),
    ]) {
      expect(late).toMatchObject({ ok: false, code: 'schedule_ended' })
    }
  })

  it('leaves a schedule cancelled while the alarm waited on KV for another as it ended, and makes the other live', async () => {
    const world = await configure()
    const when = world.clock.now + HOUR
    const approved = await propose('Live at its time.', when)
    await theLedger().approve({ id: approved.id, by: 'bob' })
    const home = await theLedger().propose({
      target: 'home',
      text: 'Never approved.',
      base: 0,
      by: 'carol',
      effectiveAt: new Date(when + 1_000).toISOString(),
    })
    if (!home.ok) throw new Error(home.message)
    world.clock.now = when + 2_000

    // The alarm's step reads KV for the first schedule; while that read is on its way, an editor cancels the second.
    const { cancelled, ran } = await runInDurableObject(theLedger(), async (face: DisclaimerLedger) => {
      const read = holdNextKvRead(face.ledger)
      const run = runDueSchedules(face.ledger, new WriteThrough(face.ledger)).then(
        () => 'ran',
        (error: Error) => error.message,
      )
      await read.answered
      const result = face.cancel({ id: home.proposal.scheduleId as number, by: 'alice', reason: 'not this' })
      read.release()
      return { cancelled: result, ran: await run }
    })

    expect(ran).toBe('ran')
    expect(cancelled).toMatchObject({ ok: true, schedule: { status: 'cancelled' } })
    expect(await theLedger().read('schedule', home.proposal.scheduleId as number)).toMatchObject({
      status: 'cancelled',
      endedBy: 'alice',
      reason: 'not this',
    })
    expect(await theLedger().read('schedule', approved.scheduleId as number)).toMatchObject({ status: 'live' })
    expect(await kvText()).toBe('Live at its time.')
  })

  // Only "false" turns the rule off: a mistyped value keeps it on at go-live as at publish (core/settings.ts).
  it.each(['true', 'yes'])(
    'does not make live a publish scheduled while approval was off once REQUIRE_APPROVAL is %s, and says so to everyone',
    async (required) => {
      const world = await configure({ approval: false })
      const before = await publish('global', 'Live before the schedule.')
      const when = world.clock.now + HOUR
      const scheduled = (await theLedger().publish({
        target: 'global',
        text: 'Scheduled alone while approval was off.',
        base: before.version,
        by: 'alice',
        effectiveAt: new Date(when).toISOString(),
      })) as Extract<PublishResult, { status: 'scheduled' }>
      expect(scheduled).toMatchObject({ ok: true, status: 'scheduled' })
      await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger) => {
        ledger.env = { ...ledger.env, REQUIRE_APPROVAL: required }
      })
      // Nor is it forecast: it cannot go live.
      expect(await theLedger().read('scheduledAt', 'global', new Date(when + 1).toISOString())).toBeNull()

      await at(world, when + 1)

      expect(await kvText()).toBe('Live before the schedule.')
      expect(await theLedger().read('current', 'global')).toMatchObject({ version: before.version })
      expect(await theLedger().read('schedule', scheduled.schedule.id)).toMatchObject({
        status: 'cancelled',
        endedBy: 'the ledger',
        reason: 'approval is now required, and no second editor approved this change; propose it to make it live',
        version: null,
      })
      expect(told(world, 'schedule_cancelled')).toEqual(['alice@example.org', 'bob@example.org', 'carol@example.org'])
    },
  )

  it("treats a removed editor's scheduled proposal as an unscheduled one: refused, whoever approves it", async () => {
    const world = await configure()
    const scheduled = await propose('Scheduled by alice.', world.clock.now + HOUR)
    const unscheduled = (await theLedger().propose({
      target: 'conclusion',
      text: 'Proposed by alice for now.',
      base: 'none',
      by: 'alice',
    })) as Extract<Awaited<ReturnType<ReturnType<typeof theLedger>['propose']>>, { ok: true }>
    await remove('alice')

    const answers = [
      await theLedger().approve({ id: scheduled.id, by: 'bob' }),
      await theLedger().approve({ id: unscheduled.proposal.id, by: 'bob' }),
    ]

    for (const answer of answers) {
      expect(answer).toMatchObject({
        ok: false,
        code: 'unknown_editor',
        message: expect.stringContaining('alice, who proposed this, is no longer one of the editors'),
      })
    }
    expect(await theLedger().read('proposal', scheduled.id)).toMatchObject({ status: 'open', decidedBy: null })
  })

  it('does not make live at its time a change whose proposer or approver has left the editors since', async () => {
    const world = await configure()
    await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger) => {
      ledger.env = { ...ledger.env, REQUIRE_APPROVAL: 'false' }
    })
    const before = await publish('global', 'Live before both schedules.')
    await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger) => {
      ledger.env = { ...ledger.env, REQUIRE_APPROVAL: 'true' }
    })
    const first = await propose('Proposed by alice, approved by bob.', world.clock.now + HOUR)
    await theLedger().approve({ id: first.id, by: 'bob' })
    await remove('bob')
    await at(world, world.clock.now + HOUR + 1)

    expect(await kvText()).toBe('Live before both schedules.')
    expect(await theLedger().read('schedule', first.scheduleId as number)).toMatchObject({
      status: 'cancelled',
      endedBy: 'the ledger',
      reason: "bob, who approved this change, is no longer an editor; it needs another editor's approval",
    })
    expect(await theLedger().read('proposal', first.id)).toMatchObject({ status: 'cancelled', publishedVersion: null })

    const second = await propose('Proposed by carol, approved by alice.', world.clock.now + HOUR, 'carol')
    await theLedger().approve({ id: second.id, by: 'alice' })
    await remove('carol')
    await at(world, world.clock.now + HOUR + 1)

    expect(await kvText()).toBe('Live before both schedules.')
    expect(await theLedger().read('current', 'global')).toMatchObject({ version: before.version })
    expect(await theLedger().read('schedule', second.scheduleId as number)).toMatchObject({
      status: 'cancelled',
      reason: 'carol, who made this change, is no longer an editor',
    })
  })
})
