// What each page said, on a real ledger inside workerd: the cron's report of the pages a deploy serves, each
// distinct content stored once, a reviewed page whose words changed lapsing (its reviewers told, unchanged pages
// untouched), and reviews falling due with reminders run by the alarm.
import { reset, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { PAGE_WORDS, type PageWords } from '../../src/core/article/index.ts'
import { pageHash } from '../../src/core/article/page-hash.ts'
import { SITE_PAGES, sitePage } from '../../src/core/site-map.ts'
import type { Outgoing } from '../../src/ledger/context.ts'
import type { DisclaimerLedger } from '../../src/ledger/object.ts'
import { TEST_EDITORS, TEST_REVIEWER } from '../fixtures/editors.ts'
import { runCron, theLedger } from './helpers.ts'

const EDITORS = JSON.stringify({
  alice: { token: TEST_EDITORS.alice.hash, email: 'alice@example.org' },
  drlee: {
    token: TEST_EDITORS.drlee.hash,
    email: 'drlee@example.org',
    reviewer: true,
    name: TEST_REVIEWER.name,
    credentials: TEST_REVIEWER.credentials,
  },
})
const T = Date.parse('2026-12-07T15:00:00.000Z')
const DAY = 86_400_000
const hashOf = (slug: string) => sitePage(slug)?.hash as string
const wordsOf = (slug: string) => PAGE_WORDS.get(slug) as PageWords

async function configure() {
  const world = { clock: { now: T }, sent: [] as Outgoing[] }
  await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger) => {
    ledger.env = { ...ledger.env, EDITORS, OPERATORS_EMAIL: 'ops@example.org', SITE_TIME_ZONE: 'America/New_York' }
    ledger.now = () => world.clock.now
    ledger.notifier = { send: async (message) => void world.sent.push(message) }
  })
  return world
}

async function rows(sql: string) {
  return runInDurableObject(theLedger(), (_instance: DisclaimerLedger, state) => state.storage.sql.exec(sql).toArray())
}

/** The conclusion with one sentence changed: what a second build of the Worker would serve. */
async function changedConclusion() {
  const words = wordsOf('conclusion')
  const [section] = words.sections
  const changed: PageWords = {
    ...words,
    sections: [{ ...(section as PageWords['sections'][0]), html: `${section?.html}<p>One sentence added.</p>` }],
  }
  return { page: 'conclusion', hash: await pageHash(changed), words: changed }
}

function toldOf(world: { sent: Outgoing[] }, kind: string): string[] {
  return world.sent
    .filter((message) => message.event.kind === kind)
    .map((message) => message.to)
    .sort()
}

beforeEach(async () => {
  await reset()
  vi.spyOn(console, 'warn').mockImplementation(() => {})
  vi.spyOn(console, 'error').mockImplementation(() => {})
})

describe('page contents', () => {
  it('records the words of every page the cron reports, each distinct content once', async () => {
    await configure()
    await runCron()
    const servings = await rows('SELECT page, hash FROM page_servings ORDER BY id')
    expect(servings).toEqual(SITE_PAGES.map((page) => ({ page: page.slug, hash: page.hash })))
    const [stored] = await rows("SELECT words, worker_version FROM page_contents WHERE page = 'home'")
    expect(JSON.parse(stored?.words as string)).toEqual(wordsOf('home'))
    // The Worker's version metadata binding (wrangler.toml): locally, the id Miniflare made when it started.
    expect(stored?.worker_version).toBe(env.CF_VERSION_METADATA.id)
    await runCron()
    expect(await rows('SELECT COUNT(*) AS n FROM page_contents')).toEqual([{ n: SITE_PAGES.length }])
    expect(await rows('SELECT COUNT(*) AS n FROM page_servings')).toEqual([{ n: SITE_PAGES.length }])
    expect(await rows("SELECT kind FROM chain WHERE kind LIKE 'page_%' ORDER BY pos LIMIT 2")).toEqual([
      { kind: 'page_contents' },
      { kind: 'page_servings' },
    ])
  })

  it('asks for words it lacks, and refuses words that do not hash to the hash given', async () => {
    await configure()
    const report = { pages: [{ page: 'home', hash: hashOf('home') }], workerVersion: 'v-1' }
    expect(await theLedger().observePages(report)).toEqual({ recorded: [], needWords: ['home'], refused: [] })
    const forged = { page: 'home', hash: hashOf('home'), words: wordsOf('conclusion') }
    expect(await theLedger().observePages({ pages: [forged] })).toEqual({
      recorded: [],
      needWords: [],
      refused: ['home'],
    })
    expect(await rows('SELECT COUNT(*) AS n FROM page_contents')).toEqual([{ n: 0 }])
    const withWords = { pages: [{ page: 'home', hash: hashOf('home'), words: wordsOf('home') }], workerVersion: 'v-1' }
    expect(await theLedger().observePages(withWords)).toMatchObject({ recorded: ['home'] })
    expect(await rows('SELECT worker_version FROM page_servings')).toEqual([{ worker_version: 'v-1' }])
  })

  it('lapses a reviewed page whose words a deploy changed and tells its reviewers; unchanged pages stay', async () => {
    const world = await configure()
    await runCron()
    for (const page of ['conclusion', 'home']) {
      expect(await theLedger().attest({ page, hash: hashOf(page), by: 'drlee' })).toMatchObject({ ok: true })
    }
    world.clock.now += 60_000
    const changed = await changedConclusion()
    const report = {
      pages: [{ page: 'home', hash: hashOf('home') }, changed],
      workerVersion: 'v-2',
    }
    expect(await theLedger().observePages(report)).toMatchObject({ recorded: ['conclusion'] })
    await runDurableObjectAlarm(theLedger())
    expect(toldOf(world, 'review_lapsed')).toEqual(['drlee@example.org'])
    const message = world.sent.find((sent) => sent.event.kind === 'review_lapsed') as Outgoing
    expect(message.subject).toBe('[Disclaimers] The words of “Conclusion” changed: its review no longer holds')
    expect(message.text).toContain(`A deploy (Worker version v-2) changed the words of the page “Conclusion”`)
    expect(message.text).toContain(`/console/reviews/conclusion`)
    // The words go back: the earlier content is not stored again, and its review holds again.
    world.clock.now += 60_000
    await theLedger().observePages({ pages: [{ page: 'conclusion', hash: hashOf('conclusion') }] })
    expect(await rows("SELECT COUNT(*) AS n FROM page_contents WHERE page = 'conclusion'")).toEqual([{ n: 2 }])
    expect(await rows("SELECT COUNT(*) AS n FROM page_servings WHERE page = 'conclusion'")).toEqual([{ n: 3 }])
    await runDurableObjectAlarm(theLedger())
    expect(toldOf(world, 'review_lapsed')).toEqual(['drlee@example.org'])
  })

  it('reminds the reviewers 30 days before a review falls due, and on the day with the operators', async () => {
    const world = await configure()
    await theLedger().attest({ page: 'home', hash: hashOf('home'), by: 'drlee' })
    const due = Date.parse('2027-12-07T15:00:00.000Z')
    world.clock.now = due - 30 * DAY - 1
    await runDurableObjectAlarm(theLedger())
    expect(toldOf(world, 'review_due_soon')).toEqual([])
    world.clock.now = due - 30 * DAY
    await runDurableObjectAlarm(theLedger())
    expect(toldOf(world, 'review_due_soon')).toEqual(['drlee@example.org'])
    world.clock.now = due
    await runDurableObjectAlarm(theLedger())
    expect(toldOf(world, 'review_overdue')).toEqual(['drlee@example.org', 'ops@example.org'])
    expect(await rows('SELECT * FROM review_reminders')).toEqual([])
  })

  it('drops the reminders of a review a newer one replaced', async () => {
    const world = await configure()
    await theLedger().attest({ page: 'home', hash: hashOf('home'), by: 'drlee' })
    world.clock.now = T + 10 * DAY
    await theLedger().attest({ page: 'home', hash: hashOf('home'), by: 'drlee' })
    world.clock.now = Date.parse('2027-12-07T15:00:00.000Z')
    await runDurableObjectAlarm(theLedger())
    expect(toldOf(world, 'review_due_soon')).toEqual(['drlee@example.org'])
    expect(toldOf(world, 'review_overdue')).toEqual([])
    expect(await rows('SELECT kind FROM review_reminders')).toEqual([{ kind: 'review_overdue' }])
  })

  it('says what a page said at a time: its words before and after a deploy, its disclaimer, who had reviewed them', async () => {
    const world = await configure()
    const before = T - 60_000
    await runCron()
    await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger) => {
      ledger.env = { ...ledger.env, REQUIRE_APPROVAL: 'false' }
    })
    const published = await theLedger().publish({ target: 'conclusion', text: 'A note.', base: 'none', by: 'alice' })
    expect(published).toMatchObject({ ok: true })
    world.clock.now = T + 60_000
    await theLedger().attest({ page: 'conclusion', hash: hashOf('conclusion'), by: 'drlee', note: 'fine' })
    world.clock.now = T + 3_600_000
    const changed = await changedConclusion()
    await theLedger().observePages({ pages: [changed], workerVersion: 'v-2' })

    expect(await theLedger().read('pageAt', 'conclusion', new Date(before).toISOString())).toMatchObject({
      content: null,
      review: null,
    })
    const first = await theLedger().read('pageAt', 'conclusion', new Date(T + 120_000).toISOString())
    expect(first?.content).toMatchObject({
      hash: hashOf('conclusion'),
      words: wordsOf('conclusion'),
      servedFrom: new Date(T).toISOString(),
    })
    expect(first?.review).toMatchObject({ reviewer: 'drlee', hash: hashOf('conclusion'), note: 'fine' })
    expect(first?.disclaimers.map(({ target, version }) => [target, version?.text ?? null])).toEqual([
      ['global', null],
      ['conclusion', 'A note.'],
    ])
    const later = await theLedger().read('pageAt', 'conclusion', new Date(T + 3_600_001).toISOString())
    expect(later?.content).toMatchObject({ hash: changed.hash, words: changed.words, workerVersion: 'v-2' })
    expect(later?.review).toBeNull()
    expect(await theLedger().read('pageAt', 'nope', new Date(T).toISOString())).toBeNull()
  })
})
