// The console's review pages: the HTTP contract (status, the fragment that matters). The ledger's rules for reviews
// are tested in test/ledger/reviews.test.ts.
import { reset, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { PAGE_WORDS, type PageWords } from '../../../src/core/article/index.ts'
import { pageHash } from '../../../src/core/article/page-hash.ts'
import { sitePage } from '../../../src/core/site-map.ts'
import { inZone, isoInZone } from '../../../src/core/time.ts'
import type { DisclaimerLedger } from '../../../src/ledger/object.ts'
import { bearer } from '../../fixtures/editors.ts'
import { request, textOf } from '../../helpers.ts'
import { runCron, theLedger } from '../../ledger/helpers.ts'
import { form, get, signIn } from './console-helpers.ts'

const HASH = sitePage('dosage-and-safety')?.hash as string
const ZONE = 'America/New_York'

/** A time as the console's datetime-local field sends it: to the second, in the site's zone (wrangler.toml). */
function wall(instant: number): string {
  return isoInZone(instant, ZONE).slice(0, 19)
}

/** The next whole second after `instant`, so that a time typed to the second is after what happened by then. */
function secondAfter(instant: number): number {
  return Math.ceil((instant + 1) / 1000) * 1000
}

/** What a second build serving the dosage page with one sentence changed reports, 10 s from now on the ledger's clock. */
async function reportChangedDosagePage(): Promise<string> {
  const words = PAGE_WORDS.get('dosage-and-safety') as PageWords
  const [section] = words.sections as [PageWords['sections'][0]]
  const changed = { ...words, sections: [{ ...section, html: `${section.html}<p>One sentence added.</p>` }] }
  const hash = await pageHash(changed)
  await runInDurableObject(theLedger(), async (instance: DisclaimerLedger) => {
    instance.ledger.now = () => Date.now() + 10_000
    await instance.observePages({ pages: [{ page: 'dosage-and-safety', hash, words: changed }], workerVersion: null })
  })
  return hash
}

beforeEach(async () => {
  await reset()
  vi.spyOn(console, 'warn').mockImplementation(() => {})
})

describe('console review pages', () => {
  it('lists every page under "Needs review" until it is reviewed, with the rules and the reviewers', async () => {
    const res = await get('/console/reviews', await signIn('alice'))
    expect(res.status).toBe(200)
    const text = textOf(await res.text())
    expect(text).toContain('See “Dosage and safety” : Never reviewed.')
    expect(text).toContain('Reviewed None.')
    expect(text).toContain('Reviewers Dr. Ana Lee, MD, toxicology (drlee)')
  })

  it('gives a reviewer the attestation form and records it', async () => {
    const cookie = await signIn('drlee')
    const page = await (await get('/console/reviews/dosage-and-safety', cookie)).text()
    expect(page).toContain(`<input type="hidden" name="hash" value="${HASH}"/>`)
    const res = await request('/console/reviews/dosage-and-safety', form({ hash: HASH, note: 'doses checked' }, cookie))
    expect(res.status).toBe(200)
    expect(textOf(await res.text())).toContain(
      'Recorded: Dr. Ana Lee, MD, toxicology reviewed “Dosage and safety” as it read at',
    )
    const after = textOf(await (await get('/console/reviews', cookie)).text())
    expect(after).toContain('Reviewed Review “Dosage and safety” : Reviewed by Dr. Ana Lee, MD, toxicology on')
  })

  it('gives a non-reviewer no form, and refuses their post with 403 naming who can review', async () => {
    const cookie = await signIn('alice')
    const page = await (await get('/console/reviews/dosage-and-safety', cookie)).text()
    expect(page).not.toContain('name="hash"')
    expect(textOf(page)).toContain(
      'Only a reviewer can record a review of this page: Dr. Ana Lee, MD, toxicology (drlee)',
    )
    const res = await request('/console/reviews/dosage-and-safety', form({ hash: HASH, note: '' }, cookie))
    expect(res.status).toBe(403)
    expect(textOf(await res.text())).toContain(
      'Nothing was recorded: only a reviewer may attest that a page was reviewed, and alice is not one; who can review: Dr. Ana Lee (drlee)',
    )
  })

  it('answers 409 for words the page no longer serves, 404 for a page the site lacks, 400 for another field', async () => {
    const cookie = await signIn('drlee')
    const stale = await request('/console/reviews/dosage-and-safety', form({ hash: 'a'.repeat(64), note: '' }, cookie))
    expect(stale.status).toBe(409)
    expect(textOf(await stale.text())).toContain(`it serves ${HASH} now`)
    expect((await get('/console/reviews/nope', cookie)).status).toBe(404)
    const extra = await request('/console/reviews/conclusion', form({ hash: HASH, by: 'someone' }, cookie))
    expect(extra.status).toBe(400)
  })

  it('shows a page as it read at a time, marked as of then, with its words, disclaimers and review then', async () => {
    const cookie = await signIn('alice')
    const before = Date.now() - 60_000
    await runCron()
    const put = await request('/admin/disclaimers/global', {
      method: 'PUT',
      headers: { ...bearer('alice'), 'Content-Type': 'application/json', 'If-None-Match': '*' },
      body: JSON.stringify({ text: 'The text pages showed then.' }),
    })
    expect(put.status).toBe(200)
    const { version } = (await put.json()) as { version: { version: number } }
    const reviewed = await request('/admin/reviews/dosage-and-safety', {
      method: 'POST',
      headers: { ...bearer('drlee'), 'Content-Type': 'application/json' },
      body: JSON.stringify({ hash: HASH, note: 'doses checked' }),
    })
    expect(reviewed.status).toBe(201)
    const then = secondAfter(Date.now())
    const changedHash = await reportChangedDosagePage()
    const later = secondAfter(Date.now() + 10_000)

    const res = await get(`/console/reviews/dosage-and-safety/at?at=${wall(then)}`, cookie)
    expect(res.status).toBe(200)
    const html = await res.text()
    const text = textOf(html)
    expect(text).toContain(`As of ${inZone(then, ZONE)}: the page “Dosage and safety” as it read then, not live.`)
    // Local workerd's version metadata binding: a random id each time Miniflare starts, an empty tag.
    expect(env.CF_VERSION_METADATA.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(text).toMatch(
      new RegExp(
        `Its words ${HASH.slice(0, 16)}, served from [^)]+\\), first by Worker version ${env.CF_VERSION_METADATA.id}\\.`,
      ),
    )
    expect(text).toContain('Reviewed by Dr. Ana Lee, MD, toxicology on ')
    expect(html).toContain('<p class="byline">Medically reviewed by Dr. Ana Lee, MD, toxicology, on <time datetime=')
    expect(text).toContain(`The global disclaimer (on every page): v${version.version} (publish by alice) was live.`)
    expect(html).toContain(`data-disclaimer-version="v${version.version}"`)
    expect(html).toContain('<p>The text pages showed then.</p>')
    expect(html).toContain('<meta name="robots" content="noindex"/>')
    expect(html).not.toContain('One sentence added.')
    expect(html).not.toContain('doses checked')

    const after = await (await get(`/console/reviews/dosage-and-safety/at?at=${wall(later)}`, cookie)).text()
    expect(textOf(after)).toMatch(
      new RegExp(
        `Its words ${changedHash.slice(0, 16)}, served from [^)]+\\), first by a Worker whose version was not recorded\\.`,
      ),
    )
    expect(after).toContain('<p>One sentence added.</p>')
    expect(textOf(after)).toContain('No reviewer had attested these words by then: the page named no reviewer.')
    expect(after).not.toContain('Medically reviewed by')

    const unrecorded = await get(`/console/reviews/dosage-and-safety/at?at=${wall(before)}`, cookie)
    expect(unrecorded.status).toBe(200)
    expect(textOf(await unrecorded.text())).toContain(
      `The record holds no words of “Dosage and safety” by ${inZone(Math.floor(before / 1000) * 1000, ZONE)}: the ledger records`,
    )
  })

  it('asks for the time with a form, refuses a time that is not one with 400, and a page the site lacks with 404', async () => {
    const cookie = await signIn('alice')
    const form = await get('/console/reviews/conclusion/at', cookie)
    expect(form.status).toBe(200)
    expect(await form.text()).toContain(
      '<form method="get" action="/console/reviews/conclusion/at"><label for="at">Show “Conclusion” as it read at (America/New_York time)</label>',
    )
    const detail = await (await get('/console/reviews/conclusion', cookie)).text()
    expect(detail).toContain('action="/console/reviews/conclusion/at"')
    const skipped = await get('/console/reviews/conclusion/at?at=2026-03-08T02:30', cookie)
    expect(skipped.status).toBe(400)
    expect(textOf(await skipped.text())).toContain('2026-03-08 02:30 does not exist in America/New_York')
    expect((await get('/console/reviews/conclusion/at?at=soon', cookie)).status).toBe(400)
    expect((await get('/console/reviews/nope/at?at=2026-12-01T10:00', cookie)).status).toBe(404)
  })
})
