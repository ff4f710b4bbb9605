// The reviewer rule (content/review-rules.json) on a real ledger inside workerd, switched on through its
// `reviewRules` seam: a disclaimer it names goes live only with a reviewer's approval on every path.
import { reset, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { REVIEW_RULES, type ReviewRules } from '../../src/core/review-rules.ts'
import type { DisclaimerLedger } from '../../src/ledger/object.ts'
import { TEST_EDITORS, TEST_REVIEWER } from '../fixtures/editors.ts'
import { theLedger } from './helpers.ts'

const EDITORS = JSON.stringify({
  alice: TEST_EDITORS.alice.hash,
  bob: TEST_EDITORS.bob.hash,
  drlee: { token: TEST_EDITORS.drlee.hash, reviewer: true, ...TEST_REVIEWER, editor: undefined },
})
/** The shipped rules (content/review-rules.json): the global disclaimer and the dosage note need a reviewer. */
const RULES: ReviewRules = REVIEW_RULES
const NO_RULE: ReviewRules = { ...REVIEW_RULES, reviewerMustApprove: [] }
const WHO = 'who can approve: Dr. Ana Lee (drlee)'

async function configure({ approval, rules = RULES }: { approval: boolean; rules?: ReviewRules }) {
  const clock = { now: Date.now() }
  await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger) => {
    ledger.env = { ...ledger.env, EDITORS, REQUIRE_APPROVAL: approval ? 'true' : 'false' }
    ledger.reviewRules = rules
    ledger.now = () => clock.now
    ledger.notifier = { send: async () => undefined }
  })
  return clock
}

async function setRules(rules: ReviewRules) {
  await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger) => {
    ledger.reviewRules = rules
  })
}

async function base(target: string): Promise<string> {
  return (await theLedger().read('live', target))?.base ?? 'none'
}

async function publishAs(target: string, text: string, by: string) {
  return theLedger().publish({ target, text, base: await base(target), by })
}

beforeEach(async () => {
  await reset()
  vi.spyOn(console, 'warn').mockImplementation(() => {})
  vi.spyOn(console, 'error').mockImplementation(() => {})
})

describe('the reviewer rule', () => {
  it('is off in the other workers tests (their stand-in rules), and the shipped rules name the global and dosage notes', async () => {
    const rules = await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger) => ledger.reviewRules)
    expect(rules).toEqual({ ...REVIEW_RULES, reviewerMustApprove: [] })
    expect(RULES.reviewerMustApprove).toEqual(['global', 'dosage-and-safety'])
  })

  it('refuses a non-reviewer publishing a disclaimer it names, naming who can approve; a reviewer may', async () => {
    await configure({ approval: false })
    const refused = await publishAs('global', 'Changed by alice alone.', 'alice')
    expect(refused).toMatchObject({ ok: false, code: 'reviewer_required' })
    expect(!refused.ok && refused.message).toContain(WHO)
    expect(!refused.ok && refused.message).toContain('global goes live only with a reviewer')
    expect(await theLedger().read('current', 'global')).toBeNull()
    expect(await env.DISCLAIMERS.get('disclaimer')).toBeNull()

    expect(await publishAs('conclusion', 'A note the rule does not name.', 'alice')).toMatchObject({
      ok: true,
      status: 'live',
    })
    expect(await publishAs('global', 'Published by the reviewer.', 'drlee')).toMatchObject({ ok: true, status: 'live' })
    expect(await env.DISCLAIMERS.get('disclaimer')).toBe('Published by the reviewer.')
  })

  it('tells the console who can only propose: every editor where approval is on, else a non-reviewer of a named note', async () => {
    await configure({ approval: false })
    const read = (target: string, editor: string) => theLedger().read('proposeOnly', target, editor)
    expect(await read('global', 'alice')).toBe(
      `This disclaimer goes live only with a reviewer's approval, and you are not a reviewer: ${WHO}.`,
    )
    expect(await read('global', 'drlee')).toBeNull()
    expect(await read('conclusion', 'alice')).toBeNull()
    await configure({ approval: true })
    expect(await read('conclusion', 'drlee')).toBe(
      'Here a second editor must approve every change before it goes live.',
    )
  })

  it('refuses a non-reviewer scheduling one where approval is off', async () => {
    const clock = await configure({ approval: false })
    const refused = await theLedger().publish({
      target: 'dosage-and-safety',
      text: 'Later, by alice.',
      base: await base('dosage-and-safety'),
      by: 'alice',
      effectiveAt: new Date(clock.now + 3_600_000).toISOString(),
    })
    expect(refused).toMatchObject({ ok: false, code: 'reviewer_required' })
    expect(await theLedger().read('schedules')).toMatchObject({ schedules: [] })
  })

  it('refuses approval by a non-reviewer and publishes nothing; a reviewer approves it', async () => {
    await configure({ approval: true })
    const proposed = await theLedger().propose({ target: 'global', text: 'Proposed.', base: 'none', by: 'alice' })
    if (!proposed.ok) throw new Error(proposed.message)
    const id = proposed.proposal.id
    const refused = await theLedger().approve({ id, by: 'bob' })
    expect(refused).toMatchObject({ ok: false, code: 'reviewer_required' })
    expect(!refused.ok && refused.message).toContain(`ask a reviewer to approve proposal ${id}; ${WHO}`)
    expect(await theLedger().read('proposal', id)).toMatchObject({ status: 'open' })
    expect(await theLedger().read('current', 'global')).toBeNull()

    expect(await theLedger().approve({ id, by: 'drlee' })).toMatchObject({ ok: true, status: 'live' })
    expect(await theLedger().read('current', 'global')).toMatchObject({ text: 'Proposed.', approvedBy: 'drlee' })
  })

  it('cancels at its time a schedule whose maker is no reviewer, once the rule names its disclaimer', async () => {
    const clock = await configure({ approval: false, rules: NO_RULE })
    const effectiveAt = clock.now + 3_600_000
    const scheduled = await theLedger().publish({
      target: 'global',
      text: 'Scheduled before the rule.',
      base: 'none',
      by: 'alice',
      effectiveAt: new Date(effectiveAt).toISOString(),
    })
    if (!scheduled.ok || scheduled.status !== 'scheduled') throw new Error('not scheduled')
    // A deploy adds the global disclaimer to content/review-rules.json before the schedule's time.
    await setRules(RULES)
    clock.now = effectiveAt
    await runDurableObjectAlarm(theLedger())

    const ended = await theLedger().read('schedule', scheduled.schedule.id)
    expect(ended).toMatchObject({ status: 'cancelled', endedBy: 'the ledger' })
    expect(ended?.reason).toContain('global goes live only with a reviewer')
    expect(ended?.reason).toContain('Dr. Ana Lee (drlee)')
    expect(await theLedger().read('current', 'global')).toBeNull()
  })

  it('lets a schedule a reviewer approved go live at its time', async () => {
    const clock = await configure({ approval: true })
    const effectiveAt = clock.now + 3_600_000
    const proposed = await theLedger().propose({
      target: 'global',
      text: 'Approved ahead by the reviewer.',
      base: 'none',
      by: 'alice',
      effectiveAt: new Date(effectiveAt).toISOString(),
    })
    if (!proposed.ok) throw new Error(proposed.message)
    expect(await theLedger().approve({ id: proposed.proposal.id, by: 'drlee' })).toMatchObject({
      ok: true,
      status: 'scheduled',
    })
    clock.now = effectiveAt
    await runDurableObjectAlarm(theLedger())
    expect(await theLedger().read('current', 'global')).toMatchObject({ text: 'Approved ahead by the reviewer.' })
  })

  it('lets a non-reviewer roll back only to a text a reviewer approved; a reviewer may roll back to any', async () => {
    await configure({ approval: false, rules: NO_RULE })
    const byAlice = await publishAs('global', 'Published by alice before the rule.', 'alice')
    if (!byAlice.ok || !('version' in byAlice)) throw new Error('not published')
    await setRules(RULES)
    const byDrLee = await publishAs('global', 'Published by the reviewer.', 'drlee')
    if (!byDrLee.ok || !('version' in byDrLee)) throw new Error('not published')
    await publishAs('global', 'Published by the reviewer again.', 'drlee')

    const refused = await theLedger().rollback({
      target: 'global',
      to: byAlice.version.version,
      base: await base('global'),
      by: 'bob',
    })
    expect(refused).toMatchObject({ ok: false, code: 'reviewer_required' })
    expect(!refused.ok && refused.message).toContain(`no reviewer approved version ${byAlice.version.version}`)
    expect(!refused.ok && refused.message).toContain(WHO)
    expect(await theLedger().read('current', 'global')).toMatchObject({ text: 'Published by the reviewer again.' })

    const back = await theLedger().rollback({
      target: 'global',
      to: byDrLee.version.version,
      base: await base('global'),
      by: 'bob',
    })
    expect(back).toMatchObject({ ok: true, status: 'live', version: { text: 'Published by the reviewer.' } })
    const byReviewer = await theLedger().rollback({
      target: 'global',
      to: byAlice.version.version,
      base: await base('global'),
      by: 'drlee',
    })
    expect(byReviewer).toMatchObject({ ok: true, version: { text: 'Published by alice before the rule.' } })
  })
})
