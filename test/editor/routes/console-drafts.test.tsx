// The console's edit flow on a server-kept draft (every page a GET that Back and reload find again), the scheduled
// changes each page names, and the console's own frame and words.
import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { ledgerOf } from '../../../src/core/ledger-address.ts'
import type { Schedule } from '../../../src/core/ledger-types.ts'
import { REVIEW_RULES } from '../../../src/core/review-rules.ts'
import { inZone, isoInZone } from '../../../src/core/time.ts'
import type { DisclaimerLedger } from '../../../src/ledger/object.ts'
import { request, textOf } from '../../helpers.ts'
import { currentBase, form, get, saveDraft, send, signIn } from './console-helpers.ts'

const ZONE = 'America/New_York'
const DAY_MS = 86_400_000
/** Elements lynx and w3m start a new line at (HTML 4's blocks; they run header, nav and section inline). */
const TEXT_BROWSER_BREAK = /<\/?(?:p|div|li|ul|ol|dl|dt|dd|h[1-6]|table|tr|td|th|form|br|hr|blockquote|pre)\b/

beforeEach(() => {
  vi.spyOn(console, 'warn').mockImplementation(() => {})
})

/** bob sets `text` to go live on `target` at a time ahead, through the ledger (approval is off here). */
async function scheduleAhead(target: string, text: string, aheadMs = DAY_MS): Promise<Schedule> {
  const effectiveAt = new Date(Math.ceil((Date.now() + aheadMs) / 60_000) * 60_000).toISOString()
  const result = await ledgerOf(env).publish({ target, text, base: await currentBase(target), by: 'bob', effectiveAt })
  if (!result.ok || result.status !== 'scheduled') throw new Error(`not scheduled: ${JSON.stringify(result)}`)
  return result.schedule
}

describe('the edit flow on a server-kept draft', () => {
  it('finds the typed draft again on the edit page, the review and the preview, each a GET that reloads', async () => {
    const cookie = await signIn('alice')
    const { location, draft } = await saveDraft('conclusion', 'Typed, then previewed.', cookie, 'kept')
    expect(location).toBe(`${draft}/review`)
    for (const path of [
      `${draft}/review`,
      `${draft}/preview?page=/conclusion`,
      '/console/disclaimers/conclusion/edit',
    ]) {
      for (const attempt of [1, 2]) {
        const res = await get(path, cookie)
        expect(res.status, `${path}, load ${attempt}`).toBe(200)
        expect(await res.text(), path).toContain('Typed, then previewed.')
      }
    }
    const edit = await (await get('/console/disclaimers/conclusion/edit', cookie)).text()
    expect(edit).toContain(`<form method="post" action="${draft}">`)
    expect(edit).toMatch(/<input type="text" id="note" name="note" value="kept"/)
    const saved = await request(draft, form({ text: 'Typed, changed again.', note: 'kept' }, cookie))
    expect(saved.headers.get('Location')).toBe(`${draft}/review`)
    expect(await (await get(`${draft}/review`, cookie)).text()).toContain('Typed, changed again.')
  }, 20_000)

  it('offers only "Propose" on a disclaimer the reviewer rule names to an editor who is not a reviewer, and says why', async () => {
    const ledger = ledgerOf(env)
    const standIn = await runInDurableObject(ledger, ({ ledger }: DisclaimerLedger) => ledger.reviewRules)
    await runInDurableObject(ledger, ({ ledger }: DisclaimerLedger) => {
      ledger.reviewRules = REVIEW_RULES
    })
    try {
      const alice = await signIn('alice')
      const { draft } = await saveDraft('global', 'A global note, by alice alone.', alice)
      const review = await (await get(`${draft}/review`, alice)).text()
      expect(review).toContain(`<form method="post" action="${draft}/propose">`)
      expect(review).toContain('Propose this text')
      expect(review).toContain(
        'This disclaimer goes live only with a reviewer&#39;s approval, and you are not a reviewer',
      )
      const drlee = await signIn('drlee')
      const own = await saveDraft('global', 'A global note, by the reviewer.', drlee)
      expect(await (await get(`${own.draft}/review`, drlee)).text()).toContain(`action="${own.draft}/publish"`)
    } finally {
      await runInDurableObject(ledger, ({ ledger }: DisclaimerLedger) => {
        ledger.reviewRules = standIn
      })
    }
  })

  it('refuses to preview the draft on a page of the site that does not show its disclaimer, naming those that do', async () => {
    const cookie = await signIn('alice')
    const { draft } = await saveDraft('conclusion', 'Previewed where it is not shown.', cookie)
    const res = await get(`${draft}/preview?page=/dosage-and-safety`, cookie)
    expect(res.status).toBe(400)
    const html = await res.text()
    expect(html).toContain(
      'page: /dosage-and-safety does not show this disclaimer; preview one of /conclusion, /full-article',
    )
    expect(html).not.toContain('Previewed where it is not shown.')
  })

  it('shows a draft to its editor alone', async () => {
    const { draft } = await saveDraft('home', 'Alice’s private draft.', await signIn('alice'))
    const bob = await signIn('bob')
    for (const path of [`${draft}/review`, `${draft}/preview?page=/`, `${draft}/done`]) {
      const res = await get(path, bob)
      expect(res.status, path).toBe(404)
      const html = await res.text()
      expect(html).toContain('There is no draft of yours at this address.')
      expect(html).not.toContain('Alice’s private draft.')
    }
    expect(await (await get('/console/disclaimers/home/edit', bob)).text()).not.toContain('Alice’s private draft.')
    const forged = await request(`${draft}/publish`, form({ seen: '', effective: '' }, bob))
    expect(forged.status).toBe(404)
    expect(await env.DISCLAIMERS.get('disclaimer:home')).not.toBe('Alice’s private draft.')
  })

  it('ends the draft once sent: Back to its review shows what became of it, and the edit starts from the live text', async () => {
    const cookie = await signIn('carol')
    const { draft } = await saveDraft('full-article', 'Sent once.', cookie)
    expect(await send(draft, 'publish', cookie)).toBe(`${draft}/done`)
    const back = await get(`${draft}/review`, cookie)
    expect(back.status).toBe(303)
    expect(back.headers.get('Location')).toBe(`${draft}/done`)
    const again = await request(`${draft}/publish`, form({ seen: '', effective: '' }, cookie))
    expect(again.headers.get('Location')).toBe(`${draft}/done`)
    const edit = await (await get('/console/disclaimers/full-article/edit', cookie)).text()
    expect(edit).not.toContain('This is your draft')
    expect(edit).toContain('<form method="post" action="/console/disclaimers/full-article/drafts">')
  })

  it('throws a draft away on request, and the edit starts from the live text', async () => {
    const cookie = await signIn('carol')
    const { draft } = await saveDraft('exploring-kratom', 'Not wanted after all.', cookie)
    const thrown = await request(`${draft}/discard`, form({}, cookie))
    expect(thrown.headers.get('Location')).toBe('/console/disclaimers/exploring-kratom/edit')
    expect((await get(`${draft}/review`, cookie)).status).toBe(404)
    expect(await (await get('/console/disclaimers/exploring-kratom/edit', cookie)).text()).not.toContain(
      'Not wanted after all.',
    )
  })
})

describe('a change made while another is scheduled', () => {
  it('names the scheduled change on the edit, review and result pages, with what the new change does to it', async () => {
    const scheduled = await scheduleAhead('dosage-and-safety', 'Bob’s dosage note, for tomorrow.')
    const when = inZone(Date.parse(scheduled.effectiveAt), ZONE)
    const cookie = await signIn('alice')
    const edit = textOf(await (await get('/console/disclaimers/dosage-and-safety/edit', cookie)).text())
    expect(edit).toContain(
      `A change is already scheduled for this disclaimer At ${when}, by bob, no approval needed here. Its text: Bob’s dosage note, for tomorrow.`,
    )
    expect(edit).toContain('Sent to go live at once, yours stops it')
    expect(edit).toContain('Yours cannot be given a time while this one is pending')

    const { draft } = await saveDraft('dosage-and-safety', 'Alice’s dosage note, now.', cookie)
    const review = await (await get(`${draft}/review`, cookie)).text()
    expect(textOf(review)).toContain(`At ${when}, by bob`)
    expect(review).toContain(`<input type="hidden" name="seen" value="${scheduled.id}"/>`)

    const done = await send(draft, 'publish', cookie)
    const result = textOf(await (await get(done, cookie)).text())
    expect(result).toMatch(/v\d+ is live: KV holds it/)
    expect(result).toContain(`At ${when}, by bob`)
    expect(scheduled.base).toBe(0)
    expect(result).toContain(
      `It will not go live whatever you do: it replaces the bundled default (nothing had been published), which is no longer live, so at ${when} the ledger will record it as superseded.`,
    )
  })

  it('sends nothing when a change was scheduled after the review was drawn, and the review then names it', async () => {
    const cookie = await signIn('bob')
    const { draft } = await saveDraft('understanding-muscle-soreness', 'Bob’s note, reviewed first.', cookie)
    const drawn = await (await get(`${draft}/review`, cookie)).text()
    expect(drawn).toContain('<input type="hidden" name="seen" value=""/>')
    const before = await env.DISCLAIMERS.get('disclaimer:understanding-muscle-soreness')
    const scheduled = await scheduleAhead('understanding-muscle-soreness', 'Scheduled meanwhile.', 2 * DAY_MS)
    const sent = await request(`${draft}/publish`, form({ seen: '', effective: '' }, cookie))
    expect(sent.headers.get('Location')).toBe(`${draft}/review`)
    expect(await env.DISCLAIMERS.get('disclaimer:understanding-muscle-soreness')).toBe(before)
    const review = await (await get(`${draft}/review`, cookie)).text()
    expect(review).toContain('was scheduled while you reviewed yours (by bob)')
    expect(textOf(review)).toContain(`At ${inZone(Date.parse(scheduled.effectiveAt), ZONE)}, by bob`)
    expect(textOf(review)).toContain('Scheduled meanwhile.')
  })

  it('names it on the proposal an approver decides, and refuses an approval that did not see it', async () => {
    const alice = await signIn('alice')
    const { draft } = await saveDraft('home', 'Alice proposes a home note.', alice)
    const proposal = await send(draft, 'propose', alice)
    const scheduled = await scheduleAhead('home', 'Bob’s home note, scheduled.')
    const carol = await signIn('carol')
    const page = textOf(await (await get(proposal, carol)).text())
    expect(page).toContain(`At ${inZone(Date.parse(scheduled.effectiveAt), ZONE)}, by bob`)
    expect(page).toContain('Made live now, this change stops it')
    const blind = await request(`${proposal}/approve`, form({ seen: '' }, carol))
    expect(blind.status).toBe(409)
    expect(await blind.text()).toContain('Nothing was approved: read it, then decide.')
    const knowing = await request(`${proposal}/approve`, form({ seen: String(scheduled.id) }, carol))
    expect(knowing.status).toBe(303)
    expect(await env.DISCLAIMERS.get('disclaimer:home')).toBe('Alice proposes a home note.')
  })
})

describe('the console’s frame and words', () => {
  it('has its own header and navigation, no site navigation and no health disclaimer, and 6 tab stops before the page', async () => {
    const cookie = await signIn('alice')
    const html = await (await get('/console/disclaimers/dosage-and-safety/edit', cookie)).text()
    expect(html).not.toContain('class="site-nav"')
    expect(html).not.toContain('class="disclaimer"')
    expect(html).toContain('<a class="skip-link" href="#main">Skip to “Edit the note on “Dosage and safety””</a>')
    expect(html).toContain('<h1>Edit the note on “Dosage and safety”</h1>')
    expect(html).toContain('<a href="/console" aria-current="true">Disclaimers</a>')
    const before = html.slice(html.indexOf('<body'), html.indexOf('<main'))
    expect(before.match(/<a |<button /g)).toHaveLength(6)
    const overview = await (await get('/console', cookie)).text()
    expect(overview).toContain('<a href="/console" aria-current="page">Disclaimers</a>')
  })

  it('names pages by their titles, never by slug, and shows every time in the site’s zone with its offset', async () => {
    const cookie = await signIn('alice')
    const history = await (await get('/console/disclaimers/conclusion/history', cookie)).text()
    expect(history).toContain('<h1>History of the note on “Conclusion”</h1>')
    expect(history).toContain(`<th scope="col">When (${ZONE})</th>`)
    const overview = await (await get('/console', cookie)).text()
    expect(overview).not.toMatch(/\d\d:\d\d UTC/)
    expect(overview).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d \(UTC-0[45]:00, America\/New_York\) by /)
  })

  it('refuses a go-live time that has passed, saying so in the site’s zone, and keeps the time typed', async () => {
    const cookie = await signIn('bob')
    const { draft } = await saveDraft('conclusion', 'Too late for this.', cookie)
    const typed = isoInZone(Date.now() - DAY_MS, ZONE).slice(0, 16)
    const sent = await request(`${draft}/publish`, form({ seen: '', effective: typed }, cookie))
    expect(sent.headers.get('Location')).toBe(`${draft}/review`)
    const review = await (await get(`${draft}/review`, cookie)).text()
    expect(review).toMatch(
      /<p class="field-error" id="effective-error">\d{4}-\d\d-\d\d \d\d:\d\d \(UTC-0[45]:00, America\/New_York\) has already passed; choose a time ahead<\/p>/,
    )
    expect(review).toContain(`name="effective" value="${typed}"`)
  })

  it('says what a proposal for a disclaimer with no version replaces, without “no version yet” or “v0”', async () => {
    const cookie = await signIn('alice')
    const base = await currentBase('exploring-kratom')
    expect(base).toBe('none')
    const saved = await request(
      '/console/disclaimers/exploring-kratom/drafts',
      form({ base, text: 'A first note.', note: '' }, cookie),
    )
    const draft = (saved.headers.get('Location') as string).replace(/\/review$/, '')
    const proposal = await send(draft, 'propose', cookie)
    const html = textOf(await (await get(proposal, cookie)).text())
    expect(html).toContain('to replace no note (nothing published yet).')
    expect(html).not.toMatch(/no version yet|\(v0\)|\bv0\b/)
  })

  it('names each event once on “Who was told”, its deliveries beneath', async () => {
    const cookie = await signIn('bob')
    await send((await saveDraft('global', 'A global note people are told of.', cookie)).draft, 'publish', cookie)
    const html = await (await get('/console/notifications', cookie)).text()
    const first = html.slice(html.indexOf('<li><strong>'), html.indexOf('</li>', html.indexOf('<p class="delivered">')))
    expect(first).toMatch(/^<li><strong>Version live<\/strong>, the global disclaimer \(on every page\), v\d+ \(/)
    expect(first.match(/Version live/g)).toHaveLength(1)
    expect(first).toContain('<p class="delivered">Told: ')
  })

  it('never runs two links together with nothing between them, on console pages and on the site', async () => {
    const cookie = await signIn('carol')
    const { draft } = await saveDraft('conclusion', 'A draft with previews.', cookie)
    const pages = [
      await get('/console', cookie),
      await get(`${draft}/review`, cookie),
      await get(`${draft}/preview?page=/conclusion`, cookie),
      await get('/console/notifications', cookie),
      await get('/console/disclaimers/conclusion/history', cookie),
      await request('/conclusion'),
    ]
    for (const res of pages) {
      const html = await res.text()
      const adjacent = [...html.matchAll(/<\/a>([\s\S]*?)<a\b/g)]
        .map((match) => match[1] as string)
        .filter((gap) => !TEXT_BROWSER_BREAK.test(gap) && gap.replace(/<[^>]*>/g, '') === '')
      expect(adjacent, html.slice(0, 200)).toEqual([])
    }
  })
})
