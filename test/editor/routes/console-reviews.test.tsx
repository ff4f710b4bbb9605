// The console's review pages: the HTTP contract (status, the fragment that matters). The ledger's rules for reviews
// are tested in test/ledger/reviews.test.ts.
import { reset } from 'cloudflare:test'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { sitePage } from '../../../src/core/site-map.ts'
import { request, textOf } from '../../helpers.ts'
import { form, get, signIn } from './console-helpers.ts'

const HASH = sitePage('dosage-and-safety')?.hash as string

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
})
