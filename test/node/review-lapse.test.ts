// A deploy that changes a page's words, for real: two builds of the Worker by the project's own build (the second from
// a copy of the project with one sentence of the conclusion changed), served one after the other on one local store.
// The second build's first cron run makes the conclusion's review lapse and tells the reviewers; a page whose words
// did not change keeps its review; "at T" answers the conclusion's words before and after, and the version of each.
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type BuiltBundle,
  buildBundle,
  PROJECT_ROOT,
  type ServedBundle,
  serveBundle,
} from '../../scripts/lib/serve-bundle.ts'
import type { PageWords } from '../../src/core/article/words.ts'
import { newLedgerSecret } from '../../src/core/kv-contract.ts'
import type { LedgerEvent } from '../../src/core/ledger-types.ts'
import type { PageAt, PageReviewState } from '../../src/core/review-types.ts'

const CHANGED = 'conclusion'
const KEPT = 'understanding-muscle-soreness'
const SENTENCE = 'While more research is needed, initial studies suggest'
const NEW_SENTENCE = 'While much more research is needed, the first small studies suggest'
const TOKENS = { alice: 'review-lapse-alice-0123456789abcdef', drlee: 'review-lapse-drlee-0123456789abcdef' }
const REVIEWER = { name: 'Dr. Ana Lee', credentials: 'MD, toxicology' }
const BYLINE = 'Medically reviewed by Dr. Ana Lee, MD, toxicology, on'

const scratch = mkdtempSync(join(tmpdir(), 'review-lapse-'))
const store = join(scratch, 'store')
const ledgerSecret = newLedgerSecret()
let first: BuiltBundle
let second: BuiltBundle
let site: ServedBundle | undefined

/** A copy of the project that builds as it does, with one sentence of the conclusion changed. */
function changedProject(): string {
  const root = join(scratch, 'project')
  for (const dir of ['src', 'scripts', 'content']) cpSync(join(PROJECT_ROOT, dir), join(root, dir), { recursive: true })
  for (const file of ['wrangler.toml', 'package.json', 'tsconfig.json']) {
    cpSync(join(PROJECT_ROOT, file), join(root, file))
  }
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(root, 'node_modules'))
  const article = join(root, 'content/article/40-conclusion.md')
  const source = readFileSync(article, 'utf8')
  expect(source.split(SENTENCE).length).toBe(2)
  writeFileSync(article, source.replace(SENTENCE, NEW_SENTENCE))
  return root
}

function serve(bundle: BuiltBundle): Promise<ServedBundle> {
  return serveBundle({
    bundle,
    persistTo: store,
    ledgerSecret,
    editors: TOKENS,
    editorEmails: true,
    reviewers: { drlee: REVIEWER },
  })
}

async function admin<T>(editor: keyof typeof TOKENS, path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(new URL(`/admin${path}`, (site as ServedBundle).url), {
    ...init,
    headers: { Authorization: `Bearer ${TOKENS[editor]}`, 'Content-Type': 'application/json' },
  })
  expect(res.status, `${path}: ${await res.clone().text()}`).toBeLessThan(300)
  return (await res.json()) as T
}

/** The every-minute cron, as Cloudflare runs it: it reports the words each page of this build serves. */
async function cron(): Promise<void> {
  const worker = await (site as ServedBundle).miniflare.getWorker('site')
  const result = await worker.scheduled({ cron: '* * * * *' })
  expect(result.outcome).toBe('ok')
}

async function page(slug: string): Promise<string> {
  return (await fetch(new URL(`/${slug}`, (site as ServedBundle).url))).text()
}

async function states(): Promise<Map<string, PageReviewState>> {
  const { pages } = await admin<{ pages: PageReviewState[] }>('alice', '/reviews')
  return new Map(pages.map((state) => [state.page, state]))
}

function sentenceOf(at: PageAt): string {
  const words = (at.content as { words: PageWords }).words
  const html = words.sections.map((section) => section.html).join('')
  return html.includes(NEW_SENTENCE) ? NEW_SENTENCE : html.includes(SENTENCE) ? SENTENCE : 'neither'
}

beforeAll(() => {
  first = buildBundle(join(scratch, 'first'))
  second = buildBundle(join(scratch, 'second'), undefined, changedProject())
})

afterAll(async () => {
  await site?.stop()
  rmSync(scratch, { recursive: true, force: true })
})

describe('a deploy that changes a page’s words', () => {
  it('makes that page’s review lapse and tells the reviewers; an unchanged page keeps its review', async () => {
    site = await serve(first)
    await cron()
    const before = await states()
    for (const slug of [CHANGED, KEPT]) {
      const { hash } = before.get(slug) as PageReviewState
      await admin('drlee', `/reviews/${slug}`, { method: 'POST', body: JSON.stringify({ hash, note: 'checked' }) })
    }
    expect(await page(CHANGED)).toContain(BYLINE)
    expect(await page(CHANGED)).toContain(SENTENCE)
    const reviewedAt = new Date().toISOString()
    await site.stop()
    site = undefined

    site = await serve(second)
    // The second build serves the new words at once; its review's hash no longer matches them.
    const changed = await page(CHANGED)
    expect(changed).toContain(NEW_SENTENCE)
    expect(changed).not.toContain(BYLINE)
    expect(await page(KEPT)).toContain(BYLINE)
    await cron()
    const after = await states()
    expect(after.get(CHANGED)?.status).toBe('lapsed')
    expect(after.get(CHANGED)?.hash).not.toBe(before.get(CHANGED)?.hash)
    expect(after.get(KEPT)).toMatchObject({ status: 'reviewed', hash: before.get(KEPT)?.hash })
    // The reviewer is emailed (Miniflare's Email Service simulation takes the message); bounded wait for the alarm.
    let lapsed: LedgerEvent[] = []
    for (let attempt = 0; attempt < 100; attempt++) {
      const { events } = await admin<{ events: LedgerEvent[] }>('alice', '/notifications?limit=50')
      lapsed = events.filter((event) => event.kind === 'review_lapsed')
      if (lapsed.length > 0 && lapsed.every((event) => event.deliveries.every((d) => d.status === 'sent'))) break
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    // The conclusion alone: the full article holds its words too, but no review of it was made to lapse.
    expect(lapsed.map((event) => event.detail.page)).toEqual([CHANGED])
    expect(lapsed[0]?.deliveries.map(({ recipient, status }) => ({ recipient, status }))).toEqual([
      { recipient: 'drlee@example.org', status: 'sent' },
    ])

    const then = await admin<PageAt>('alice', `/pages/${CHANGED}/at?time=${encodeURIComponent(reviewedAt)}`)
    const now = await admin<PageAt>(
      'alice',
      `/pages/${CHANGED}/at?time=${encodeURIComponent(new Date().toISOString())}`,
    )
    expect(sentenceOf(then)).toBe(SENTENCE)
    expect(then.review).toMatchObject({ reviewer: 'drlee', hash: before.get(CHANGED)?.hash })
    expect(sentenceOf(now)).toBe(NEW_SENTENCE)
    expect(now.review).toBeNull()
    // Each build's version metadata binding: under Miniflare, an id made when it started.
    expect(then.content?.workerVersion).toMatch(/^[0-9a-f-]{36}$/)
    expect(now.content?.workerVersion).toMatch(/^[0-9a-f-]{36}$/)
    expect(now.content?.workerVersion).not.toBe(then.content?.workerVersion)
    // The message names the build that changed the words.
    expect(lapsed[0]?.detail.workerVersion).toBe(now.content?.workerVersion)
  })
})
