// A page's review as visitors see it, read from real local KV in the page's one KV read: shown on the page and in
// its JSON-LD only while the ledger signed it and it is a review of exactly the words the page serves.
import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { sha256Hex } from '../../../src/core/keys.ts'
import { signMetadata } from '../../../src/core/kv-contract.ts'
import { ledgerOf } from '../../../src/core/ledger-address.ts'
import { type PageReview, reviewKey, reviewValue } from '../../../src/core/reviews.ts'
import { sitePage } from '../../../src/core/site-map.ts'
import { dateInZone } from '../../../src/core/time.ts'
import type { DisclaimerLedger } from '../../../src/ledger/object.ts'
import type { DisclaimerNamespace } from '../../../src/site/reader.ts'
import { TEST_LEDGER_SECRET, TEST_REVIEWER } from '../../fixtures/editors.ts'
import { request, textOf } from '../../helpers.ts'
import { theLedger } from '../../ledger/helpers.ts'

const REVIEWED_LINE = 'Medically reviewed by Dr. Ana Lee, MD, toxicology, on 7 December 2026'

function reviewOf(slug: string, hash = sitePage(slug)?.hash as string): PageReview {
  const { name, credentials } = TEST_REVIEWER
  return { page: slug, hash, name, credentials, at: '2026-12-07T15:00:00.000Z', date: '2026-12-07' }
}

/** Puts a review into KV as the ledger writes it: the value, and metadata signed under `secret`. */
async function putReview(review: PageReview, { id = 1, secret = TEST_LEDGER_SECRET } = {}) {
  const value = reviewValue(review)
  const key = reviewKey(review.page)
  const metadata = await signMetadata(secret, { key, seq: id, sha256: await sha256Hex(value), chain: null })
  await env.DISCLAIMERS.put(key, value, { metadata })
}

function jsonLdOf(html: string): Record<string, unknown> {
  const json = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html)?.[1]
  return JSON.parse(json as string)
}

async function page(path: string, bindings = {}) {
  const res = await request(path, {}, bindings)
  expect(res.status).toBe(200)
  return res.text()
}

beforeEach(async () => {
  for (const page of ['conclusion', 'dosage-and-safety', 'home']) await env.DISCLAIMERS.delete(reviewKey(page))
  vi.spyOn(console, 'warn').mockImplementation(() => {})
})

describe('reviews on pages', () => {
  it('shows a review of the words the page serves, on the page and in its JSON-LD', async () => {
    await putReview(reviewOf('conclusion'))
    const html = await page('/conclusion')
    expect(textOf(html)).toContain(REVIEWED_LINE)
    expect(html).toContain('<time datetime="2026-12-07">7 December 2026</time>.</p>')
    expect(jsonLdOf(html)).toMatchObject({
      '@type': 'MedicalWebPage',
      lastReviewed: '2026-12-07',
      reviewedBy: { '@type': 'Person', name: 'Dr. Ana Lee', honorificSuffix: 'MD, toxicology' },
    })
  })

  it('shows the review a reviewer attested through the ledger, and its chain hash is the review row’s', async () => {
    const attested = await ledgerOf(env).attest({ page: 'home', hash: sitePage('home')?.hash as string, by: 'drlee' })
    if (!attested.ok) throw new Error(attested.message)
    const html = await page('/')
    expect(textOf(html)).toContain('Medically reviewed by Dr. Ana Lee, MD, toxicology, on')
    // The page names the review's entry in the public log, as a disclaimer box names its version's.
    const [leaf] = await runInDurableObject(theLedger(), (_instance: DisclaimerLedger, state) =>
      state.storage.sql
        .exec<{ leaf: number }>(
          "SELECT pos - 1 AS leaf FROM chain WHERE kind = 'reviews' AND row_id = ?",
          attested.review.id,
        )
        .toArray(),
    )
    expect(leaf?.leaf).toBeGreaterThanOrEqual(0)
    expect(html).toContain(`</time>. Public log entry <a href="/log/checkpoint">${leaf?.leaf}</a>.</p>`)
    expect(jsonLdOf(html)).toMatchObject({
      reviewedBy: { name: 'Dr. Ana Lee', honorificSuffix: 'MD, toxicology' },
      lastReviewed: dateInZone(Date.parse(attested.review.at), env.SITE_TIME_ZONE),
    })
  })

  it('shows none on a page whose words changed since the review, while unchanged pages keep theirs', async () => {
    // What a deploy that changed one sentence of the dosage page leaves: its review names the words served before.
    await putReview(reviewOf('dosage-and-safety', 'c'.repeat(64)), { id: 1 })
    await putReview(reviewOf('conclusion'), { id: 2 })
    const changed = await page('/dosage-and-safety')
    expect(textOf(changed)).not.toContain('Medically reviewed')
    expect(jsonLdOf(changed)).not.toHaveProperty('reviewedBy')
    expect(jsonLdOf(changed)).not.toHaveProperty('lastReviewed')
    const unchanged = await page('/conclusion')
    expect(textOf(unchanged)).toContain(REVIEWED_LINE)
    expect(jsonLdOf(unchanged)).toMatchObject({ lastReviewed: '2026-12-07' })
  })

  it('shows no review that the ledger did not sign, or that names another page, and keeps the disclaimer', async () => {
    await putReview(reviewOf('conclusion'), { secret: 'ab'.repeat(32) })
    await env.DISCLAIMERS.put(reviewKey('home'), reviewValue(reviewOf('conclusion')))
    for (const path of ['/conclusion', '/']) {
      const res = await request(path)
      expect(res.status).toBe(200)
      const html = await res.text()
      expect(textOf(html)).not.toContain('Medically reviewed')
      expect(html).toContain('id="health-disclaimer"')
    }
  })

  it('serves the page with its disclaimer and no review claim when the KV read fails', async () => {
    await putReview(reviewOf('conclusion'))
    const failing: DisclaimerNamespace = {
      getWithMetadata: async () => {
        throw new Error('KV GET failed: 503')
      },
    }
    const res = await request('/conclusion', {}, { DISCLAIMERS: failing })
    expect(res.status).toBe(200)
    expect(res.headers.get('Disclaimer-Source')).toBe('default')
    const html = await res.text()
    expect(html).toContain('id="health-disclaimer"')
    expect(textOf(html)).not.toContain('Medically reviewed')
  })
})
