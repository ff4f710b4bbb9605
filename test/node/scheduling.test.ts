// A scheduled change end to end, on the site as `npm start` runs it with the two-person rule on: proposed for 10 s
// ahead and approved at once, the page shows the old text until its time and the new text after it, with nobody
// acting: the ledger's alarm makes it live. drlee approves: the global disclaimer needs a reviewer's approval.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_STALE_MS } from '../../src/core/kv-contract.ts'
import { type LocalSite, startLocalSite } from './local-site.ts'

const AHEAD_MS = 10_000
/** The alarm firing and the page being read are not instant; this much on top of the isolate's cap. */
const SLACK_MS = 15_000

let site: LocalSite

beforeAll(async () => {
  site = await startLocalSite(['REQUIRE_APPROVAL:true'])
})
afterAll(() => site?.stop())

async function home(): Promise<string> {
  return (await fetch(`${site.origin}/`)).text()
}

describe('a scheduled change on the local site', () => {
  it('shows the old text before its time and the new text after it, with nobody acting', async () => {
    const read = await site.api('alice', '/disclaimers/global')
    const etag = read.headers.get('ETag') as string
    const { current } = (await read.json()) as { current: { text: string } }
    const newText = current.text.replace(
      'general information only',
      'general information only, reviewed for the new rule',
    )
    const effectiveAt = Date.now() + AHEAD_MS
    const proposed = await site.api('alice', '/disclaimers/global/proposals', {
      method: 'POST',
      headers: { 'If-Match': etag },
      body: JSON.stringify({
        text: newText,
        note: 'the regulator’s rule takes effect',
        effectiveAt: new Date(effectiveAt).toISOString(),
      }),
    })
    expect(proposed.status, await proposed.clone().text()).toBe(201)
    const { proposal } = (await proposed.json()) as { proposal: { id: number } }
    const approved = await site.api('drlee', `/proposals/${proposal.id}/approve`, { method: 'POST', body: '{}' })
    expect(approved.status).toBe(202)
    expect(await approved.json()).toMatchObject({ status: 'scheduled', schedule: { approvedBy: 'drlee' } })

    expect(await home()).not.toContain('reviewed for the new rule')
    let shownAt: number | undefined
    while (Date.now() < effectiveAt + MAX_STALE_MS + SLACK_MS) {
      const page = await home()
      if (page.includes('reviewed for the new rule')) {
        shownAt = Date.now()
        break
      }
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
    expect(shownAt, 'the new text never showed').toBeDefined()
    expect(shownAt as number).toBeGreaterThanOrEqual(effectiveAt)
    const live = await site.email(
      (email) => email.to === 'bob@example.org' && email.subject.includes('is live (publish by alice)'),
    )
    expect(live.text).toContain('approved by drlee')
  }, 120_000)
})
