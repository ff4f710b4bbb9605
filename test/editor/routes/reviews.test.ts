// The admin API's review routes: the HTTP contract (status, headers, the fragment that matters). The ledger's rules
// for reviews are tested in test/ledger/reviews.test.ts.
import { reset } from 'cloudflare:test'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { sitePage } from '../../../src/core/site-map.ts'
import { bearer, type TestEditor } from '../../fixtures/editors.ts'
import { request } from '../../helpers.ts'

const HASH = sitePage('conclusion')?.hash as string

let address = 0
beforeEach(async () => {
  await reset()
  address += 1
  vi.spyOn(console, 'warn').mockImplementation(() => {})
})

function admin(method: 'GET' | 'POST', path: string, editor: TestEditor | null, body?: unknown) {
  const headers: Record<string, string> = { 'CF-Connecting-IP': `198.51.100.${address}` }
  if (editor) Object.assign(headers, bearer(editor))
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  return request(`/admin${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
}

describe('admin review routes', () => {
  it('answers 401 without a token', async () => {
    expect((await admin('GET', '/reviews', null)).status).toBe(401)
    expect((await admin('POST', '/reviews/conclusion', null, { hash: HASH })).status).toBe(401)
  })

  it('lists where each page stands, the rules and the reviewers, uncached', async () => {
    const res = await admin('GET', '/reviews', 'alice')
    expect(res.status).toBe(200)
    expect(res.headers.get('Cache-Control')).toBe('no-store')
    const body = (await res.json()) as {
      pages: { page: string; hash: string; status: string }[]
      rules: { reviewDueAfterMonths: number }
      reviewers: unknown[]
    }
    expect(body.pages.find((state) => state.page === 'conclusion')).toMatchObject({
      hash: HASH,
      status: 'never_reviewed',
    })
    expect(body.rules.reviewDueAfterMonths).toBe(12)
    expect(body.reviewers).toEqual([{ editor: 'drlee', name: 'Dr. Ana Lee', credentials: 'MD, toxicology' }])
  })

  it('records a reviewer’s attestation with 201, and the page’s reviews then list it', async () => {
    const res = await admin('POST', '/reviews/conclusion', 'drlee', { hash: HASH, note: 'read it all' })
    expect(res.status).toBe(201)
    expect(await res.json()).toMatchObject({ ok: true, review: { page: 'conclusion', hash: HASH, reviewer: 'drlee' } })
    const page = await admin('GET', '/reviews/conclusion?limit=1', 'alice')
    expect(page.status).toBe(200)
    expect(await page.json()).toMatchObject({
      state: { status: 'reviewed' },
      reviews: [{ note: 'read it all' }],
      next: null,
    })
  })

  it('refuses a non-reviewer with 403 naming who can, and other words with 409', async () => {
    const refused = await admin('POST', '/reviews/conclusion', 'alice', { hash: HASH })
    expect(refused.status).toBe(403)
    expect(await refused.json()).toMatchObject({
      error: { code: 'reviewer_required', message: expect.stringContaining('who can review: Dr. Ana Lee (drlee)') },
    })
    const stale = await admin('POST', '/reviews/conclusion', 'drlee', { hash: 'a'.repeat(64) })
    expect(stale.status).toBe(409)
    expect(await stale.json()).toMatchObject({ error: { code: 'words_changed' } })
  })

  it('answers 404 for a page the site lacks and 400 for a body without a hash', async () => {
    const missing = await admin('GET', '/reviews/nope', 'alice')
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ error: { code: 'unknown_page' } })
    const bad = await admin('POST', '/reviews/conclusion', 'drlee', { note: 'no hash' })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({
      error: { code: 'invalid_body', message: 'hash: missing; the body has hash, note' },
    })
  })

  it('answers what a page said at a time with 200, 404 for a page the site lacks, 400 for a time it cannot read', async () => {
    const res = await admin('GET', `/pages/conclusion/at?time=${encodeURIComponent('2026-12-01T10:00:00Z')}`, 'alice')
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ page: 'conclusion', at: '2026-12-01T10:00:00.000Z', content: null })
    expect((await admin('GET', '/pages/nope/at?time=2026-12-01T10:00:00Z', 'alice')).status).toBe(404)
    const bad = await admin('GET', '/pages/conclusion/at?time=yesterday', 'alice')
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_query' } })
  })
})
