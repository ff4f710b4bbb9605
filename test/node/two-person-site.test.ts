// The two-person rule end to end, on one site as `npm start` runs it with the rule on (one start for both flows):
// notifications (alice proposes, bob is told by a message, simulated by wrangler and kept under .wrangler/tmp/email/,
// with the change and the console link, drlee approves, and alice is told), then a scheduled change (proposed for 10 s
// ahead and approved at once: the page shows the old text until its time and the new text after it, with nobody
// acting, as the ledger's alarm makes it live). drlee approves: the global disclaimer needs a reviewer
// (content/review-rules.json).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readTrust } from '../../scripts/lib/log-trust.ts'
import { verifyCheckpoint } from '../../scripts/lib/verify-checkpoint.ts'
import { MAX_STALE_MS } from '../../src/core/kv-contract.ts'
import { type LocalSite, type SentEmail, startLocalSite } from './local-site.ts'

const AHEAD_MS = 10_000
/** The alarm firing and the page being read are not instant; this much on top of the isolate's cap. */
const SLACK_MS = 15_000

let site: LocalSite
const scratch = mkdtempSync(join(tmpdir(), 'notifications-'))

beforeAll(async () => {
  site = await startLocalSite(['REQUIRE_APPROVAL:true'])
})
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true })
  return site?.stop()
})

async function home(): Promise<string> {
  return (await fetch(`${site.origin}/`)).text()
}

/** Matches only the messages sent after this call: both flows publish the global disclaimer as alice. */
function sentFromNow(match: (email: SentEmail) => boolean): (email: SentEmail) => boolean {
  const before = new Set(site.emails().map((email) => email.path))
  return (email) => !before.has(email.path) && match(email)
}

describe('notifications on the local site', () => {
  it('tells bob of alice’s proposal with the change and the console link, and alice of drlee’s approval', async () => {
    const read = await site.api('alice', '/disclaimers/global')
    const etag = read.headers.get('ETag') as string
    const { current } = (await read.json()) as { current: { text: string } }
    const text = current.text.replace('not medical advice', 'not medical advice of any kind')
    const proposed = await site.api('alice', '/disclaimers/global/proposals', {
      method: 'POST',
      headers: { 'If-Match': etag },
      body: JSON.stringify({ text, note: 'clearer for readers' }),
    })
    expect(proposed.status).toBe(201)
    const { proposal } = (await proposed.json()) as { proposal: { id: number } }

    const toBob = await site.email((email) => email.to === 'bob@example.org' && email.subject.includes('proposes'))
    expect(toBob.path).toContain('/.wrangler/tmp/email/')
    expect(toBob.subject).toBe(
      `[Disclaimers] alice proposes a change to the global disclaimer (on every page): proposal ${proposal.id}`,
    )
    expect(toBob.text).toContain('is not medical advice\n> [inserted: of any kind]. Kratom')
    expect(toBob.text).toContain('Their note:\n> clearer for readers\n')
    expect(toBob.text).toContain(`${site.origin}/console/proposals/${proposal.id}`)
    expect(
      site
        .emails()
        .filter((email) => email.subject.includes('proposes'))
        .map((email) => email.to)
        .sort(),
      'every other local editor: bob, and drlee the reviewer',
    ).toEqual(['bob@example.org', 'drlee@example.org'])

    const byBob = await site.api('bob', `/proposals/${proposal.id}/approve`, { method: 'POST', body: '{}' })
    expect(byBob.status).toBe(403)
    expect(await byBob.text()).toContain('bob is not a reviewer: ask a reviewer to approve proposal')
    const approved = await site.api('drlee', `/proposals/${proposal.id}/approve`, { method: 'POST', body: '{}' })
    expect(approved.status).toBe(200)
    const toAlice = await site.email((email) => email.to === 'alice@example.org' && email.subject.includes('approved'))
    expect(toAlice.subject).toBe(`[Disclaimers] Your proposal ${proposal.id} was approved by drlee`)
    expect(toAlice.text).toContain('drlee approved your proposal')
    // It carries the public log's signed checkpoint (npm start made the store's LOG_SIGNING_KEY), which the log served
    // later is proved to extend, from its tiles.
    expect(toAlice.text).toContain('\n\nLog checkpoint: the public log at ')
    const message = join(scratch, 'to-alice.txt')
    writeFileSync(message, toAlice.text)
    const key = (await (await fetch(`${site.origin}/log/key`)).text()).trim()
    const checked = await verifyCheckpoint({ file: message, trust: readTrust({ key }), site: site.origin })
    expect(checked.lines.at(-1)).toBe(
      `PROVED: the log at ${site.origin}/log/ extends every checkpoint in ${message} (1)`,
    )
    const live = await site.email(
      (email) => email.to === 'alice@example.org' && email.subject.includes('is live (publish by alice)'),
    )
    expect(live.text).toContain('approved by drlee')
    expect(await (await fetch(`${site.origin}/`)).text()).toContain('not medical advice of any kind')
  }, 120_000)
})

describe('a scheduled change on the local site', () => {
  it('shows the old text before its time and the new text after it, with nobody acting', async () => {
    const isLive = sentFromNow(
      (email) => email.to === 'bob@example.org' && email.subject.includes('is live (publish by alice)'),
    )
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
    const live = await site.email(isLive)
    expect(live.text).toContain('approved by drlee')
  }, 120_000)
})
