// Reviews of the article's words on a real ledger inside workerd: an attestation recorded, chained and written to KV
// under signed metadata; refusals that record nothing; where each page stands as time passes and words change.
import { reset, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { sha256Hex } from '../../src/core/keys.ts'
import { verifyMetadata } from '../../src/core/kv-contract.ts'
import { parseReview, reviewKey } from '../../src/core/reviews.ts'
import { sitePage } from '../../src/core/site-map.ts'
import type { DisclaimerLedger } from '../../src/ledger/object.ts'
import { TEST_LEDGER_SECRET, TEST_REVIEWER } from '../fixtures/editors.ts'
import { failKvPuts, theLedger } from './helpers.ts'

const T = Date.parse('2026-12-07T15:00:00.000Z')
const DAY = 86_400_000
const hashOf = (slug: string) => sitePage(slug)?.hash as string

async function withClock(at: number) {
  const clock = { now: at }
  await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger) => {
    ledger.now = () => clock.now
    ledger.env = { ...ledger.env, SITE_TIME_ZONE: 'America/New_York' }
  })
  return clock
}

async function rows(sql: string) {
  return runInDurableObject(theLedger(), (_instance: DisclaimerLedger, state) => state.storage.sql.exec(sql).toArray())
}

beforeEach(async () => {
  await reset()
  vi.spyOn(console, 'warn').mockImplementation(() => {})
  vi.spyOn(console, 'error').mockImplementation(() => {})
})

describe('reviews', () => {
  it('records a reviewer’s attestation, chained, due in 12 months, and writes it to KV under signed metadata', async () => {
    await withClock(T)
    const result = await theLedger().attest({
      page: 'dosage-and-safety',
      hash: hashOf('dosage-and-safety'),
      by: 'drlee',
      note: 'checked the doses',
    })
    expect(result).toEqual({
      ok: true,
      review: {
        id: 1,
        page: 'dosage-and-safety',
        hash: hashOf('dosage-and-safety'),
        reviewer: 'drlee',
        name: TEST_REVIEWER.name,
        credentials: TEST_REVIEWER.credentials,
        note: 'checked the doses',
        at: '2026-12-07T15:00:00.000Z',
        dueAt: '2027-12-07T15:00:00.000Z',
      },
    })
    const [link] = await rows("SELECT pos, hash FROM chain WHERE kind = 'reviews' AND row_id = 1")
    expect(link?.hash).toMatch(/^[0-9a-f]{64}$/)

    const stored = await env.DISCLAIMERS.getWithMetadata(reviewKey('dosage-and-safety'), 'text')
    expect(parseReview('dosage-and-safety', stored.value)).toEqual({
      page: 'dosage-and-safety',
      hash: hashOf('dosage-and-safety'),
      name: TEST_REVIEWER.name,
      credentials: TEST_REVIEWER.credentials,
      at: '2026-12-07T15:00:00.000Z',
      date: '2026-12-07',
    })
    const signed = await verifyMetadata(
      TEST_LEDGER_SECRET,
      reviewKey('dosage-and-safety'),
      await sha256Hex(stored.value as string),
      stored.metadata,
    )
    // It names its entry in the public log, as a disclaimer's metadata does: its chain position less one.
    expect(signed).toEqual({ seq: 1, chain: link?.hash, log: (link?.pos as number) - 1 })
    expect(await rows('SELECT * FROM review_writes')).toEqual([])
    const purges = await rows('SELECT tags FROM purge_jobs ORDER BY id')
    expect(purges.map((row) => row.tags)).toEqual(['["page:dosage-and-safety"]', '["page:dosage-and-safety"]'])
  })

  it('refuses a non-reviewer, a page the site lacks and words the page no longer serves, recording nothing', async () => {
    await withClock(T)
    const byAlice = await theLedger().attest({ page: 'home', hash: hashOf('home'), by: 'alice' })
    expect(byAlice).toMatchObject({ ok: false, code: 'reviewer_required' })
    expect(!byAlice.ok && byAlice.message).toContain('alice is not one; who can review: Dr. Ana Lee (drlee)')
    expect(await theLedger().attest({ page: 'nope', hash: hashOf('home'), by: 'drlee' })).toMatchObject({
      ok: false,
      code: 'unknown_page',
    })
    const stale = await theLedger().attest({ page: 'home', hash: 'a'.repeat(64), by: 'drlee' })
    expect(stale).toMatchObject({ ok: false, code: 'words_changed' })
    expect(!stale.ok && stale.message).toContain(`it serves ${hashOf('home')} now`)
    expect(await rows('SELECT id FROM reviews')).toEqual([])
    expect(await env.DISCLAIMERS.get(reviewKey('home'))).toBeNull()
  })

  it('says where each page stands: never reviewed, reviewed, due soon, overdue, and lapsed once its words change', async () => {
    const clock = await withClock(T)
    const status = async (slug: string) =>
      (await theLedger().read('reviewStates')).pages.find((state) => state.page === slug)?.status
    expect((await theLedger().read('reviewStates')).pages.map((state) => state.status)).toEqual(
      Array(6).fill('never_reviewed'),
    )
    await theLedger().attest({ page: 'home', hash: hashOf('home'), by: 'drlee' })
    expect(await status('home')).toBe('reviewed')
    expect(await status('conclusion')).toBe('never_reviewed')
    clock.now = Date.parse('2027-12-07T15:00:00.000Z') - 30 * DAY
    expect(await status('home')).toBe('due_soon')
    clock.now = Date.parse('2027-12-07T15:00:00.000Z')
    expect(await status('home')).toBe('overdue')

    // A review of words the page served before this deploy: the newest review no longer holds.
    await runInDurableObject(theLedger(), (_instance: DisclaimerLedger, state) => {
      state.storage.sql.exec(
        `INSERT INTO reviews (page, hash, reviewer, name, credentials, note, at, due_at)
         VALUES ('conclusion', ?, 'drlee', 'Dr. Ana Lee', 'MD, toxicology', NULL, ?, ?)`,
        'b'.repeat(64),
        new Date(T).toISOString(),
        '2027-12-07T15:00:00.000Z',
      )
    })
    const answer = await theLedger().read('pageReviews', 'conclusion')
    expect(answer?.state).toMatchObject({ status: 'lapsed', hash: hashOf('conclusion'), review: null })
    expect(answer?.state.lastReview).toMatchObject({ hash: 'b'.repeat(64) })
    expect(answer?.reviews.map((review) => review.hash)).toEqual(['b'.repeat(64)])
    expect(await theLedger().read('pageReviews', 'nope')).toBeNull()
  })

  it('keeps a review KV refused and writes it when the alarm comes back', async () => {
    const clock = await withClock(T)
    const puts = await failKvPuts(1, () => new Error('KV PUT failed: 503'))
    const result = await theLedger().attest({ page: 'conclusion', hash: hashOf('conclusion'), by: 'drlee' })
    expect(result).toMatchObject({ ok: true })
    expect(puts.refused).toEqual([reviewKey('conclusion')])
    expect(await env.DISCLAIMERS.get(reviewKey('conclusion'))).toBeNull()
    expect(await rows('SELECT page, review_id, attempts, last_error FROM review_writes')).toEqual([
      { page: 'conclusion', review_id: 1, attempts: 1, last_error: 'KV PUT failed: 503' },
    ])
    clock.now = T + 5_000
    await runDurableObjectAlarm(theLedger())
    expect(parseReview('conclusion', await env.DISCLAIMERS.get(reviewKey('conclusion')))).toMatchObject({
      hash: hashOf('conclusion'),
      name: TEST_REVIEWER.name,
    })
    expect(await rows('SELECT * FROM review_writes')).toEqual([])
  })
})
