// Proves, in Chromium and in Firefox (Debian's firefox-esr over WebDriver BiDi), with no script on any page, that an
// editor never loses a draft to the browser's Back button: Edit → Review → Preview → Back → Back, and Preview →
// "Back to editing", each find the typed text; that a change made while another is scheduled names the scheduled one
// on every page of the flow; that the diff keeps no side margins on a phone and the preview links no bullets; and
// that keyboard focus on the go-live field shows the console's 3 px ring.
// puppeteer-core drives both engines: it speaks WebDriver BiDi to a stock Firefox (Playwright's Firefox needs a
// patched build of its own, which Debian does not ship).
import puppeteer, { type Browser, type Page } from 'puppeteer-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startConsoleSite, tokenOf } from './console-harness.ts'
import { CHROMIUM_PATH, type Site, VIEWPORTS } from './harness.ts'

const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr'

const ENGINES = {
  chromium: () =>
    puppeteer.launch({ browser: 'chrome', executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox'] }),
  firefox: () => puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX_PATH, headless: true }),
} as const

let site: Site

beforeAll(async () => {
  site = await startConsoleSite()
  await scheduleThroughApi(site)
})
afterAll(async () => {
  await site?.stop()
})

/** The text bob's approved change sets for later on the dosage note, seen by every engine's walk. */
const SCHEDULED_TEXT = 'Bob’s dosage note, set for next month and approved by drlee.'

/**
 * bob proposes a dosage note to go live in 30 days and the reviewer drlee approves it (content/review-rules.json may
 * give a reviewer alone the dosage note to approve): a pending schedule for that note.
 */
async function scheduleThroughApi(served: Site) {
  const api = (editor: 'bob' | 'drlee', path: string, init: RequestInit = {}) =>
    fetch(served.at(`/admin${path}`), {
      ...init,
      headers: { Authorization: `Bearer ${tokenOf(editor)}`, 'Content-Type': 'application/json', ...init.headers },
    })
  const etag = (await api('bob', '/disclaimers/dosage-and-safety')).headers.get('ETag') as string
  const effectiveAt = new Date(Date.now() + 30 * 86_400_000).toISOString()
  const proposed = await api('bob', '/disclaimers/dosage-and-safety/proposals', {
    method: 'POST',
    headers: { 'If-Match': etag },
    body: JSON.stringify({ text: SCHEDULED_TEXT, effectiveAt }),
  })
  expect(proposed.status).toBe(201)
  const { proposal } = (await proposed.json()) as { proposal: { id: number } }
  const approved = await api('drlee', `/proposals/${proposal.id}/approve`, { method: 'POST', body: '{}' })
  expect(approved.status).toBe(202)
}

async function signedIn(browser: Browser, editor: 'alice' | 'bob'): Promise<Page> {
  const page = await browser.newPage()
  await page.setViewport(VIEWPORTS.desktop)
  await page.goto(site.at('/console/sign-in'))
  await page.type('#token', tokenOf(editor))
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')])
  expect(page.url()).toBe(site.at('/console'))
  return page
}

/** Clicks the link or button whose text is `name` and waits for the page it leads to. */
async function follow(page: Page, name: string) {
  const target = await page.waitForSelector(`::-p-text(${name})`)
  if (!target) throw new Error(`no “${name}” on ${page.url()}`)
  await Promise.all([page.waitForNavigation(), target.click()])
}

/** Goes back one page in the session history, and checks the browser loaded a page, not a resubmission prompt. */
async function back(page: Page) {
  // Chromium may answer from its back/forward cache (no response): what the page shows is checked after.
  const response = await page.goBack()
  if (response) expect(response.status(), `Back to ${page.url()}`).toBe(200)
}

function text(page: Page, selector: string) {
  return page.$eval(selector, (node) => node.textContent ?? '')
}

function fieldValue(page: Page, selector: string) {
  return page.$eval(selector, (node) => (node as HTMLTextAreaElement).value)
}

for (const [engine, launch] of Object.entries(ENGINES)) {
  describe(`the console in ${engine}, no script`, () => {
    let browser: Browser

    beforeAll(async () => {
      browser = await launch()
    })
    afterAll(async () => {
      await browser?.close()
    })

    it('keeps the typed draft through Preview, Back, Back, and through Preview, “Back to editing”', async () => {
      const page = await signedIn(browser, 'alice')
      await page.goto(site.at('/console/disclaimers/conclusion/edit'))
      const draft = `Typed in ${engine}: see a doctor if soreness lasts more than a week.`
      await page.$eval('#text', (node) => {
        ;(node as HTMLTextAreaElement).value = ''
      })
      await page.type('#text', draft)
      await follow(page, 'Review the change')
      expect(page.url()).toMatch(/\/console\/disclaimers\/conclusion\/drafts\/[0-9a-f]{24}\/review$/)
      const review = page.url()
      expect(await text(page, '.diff ins')).toContain(draft)
      // On a phone the diff takes the page's width, and the preview links stand in a row with no bullets.
      await page.setViewport(VIEWPORTS.phone)
      const layout = await page.evaluate(() => {
        const figure = getComputedStyle(document.querySelector('figure.diff') as Element)
        const previews = [...document.querySelectorAll('a.button[href*="/preview?"]')]
        return {
          margins: `${figure.marginLeft} ${figure.marginRight}`,
          bullets: previews.map((link) => getComputedStyle(link.closest('li') as Element).listStyleType),
        }
      })
      expect(layout).toEqual({ margins: '0px 0px', bullets: ['none', 'none'] })
      await page.setViewport(VIEWPORTS.desktop)

      await follow(page, 'Preview the page “Conclusion”')
      expect(await text(page, '.preview-banner')).toContain(
        'Preview of the page “Conclusion” with your draft, not live.',
      )
      expect(await text(page, '[data-disclaimer="disclaimer:conclusion"]')).toContain(draft)

      await back(page)
      expect(page.url()).toBe(review)
      expect(await text(page, '.diff ins'), 'Back: the review, with the draft').toContain(draft)
      await back(page)
      expect(page.url()).toBe(site.at('/console/disclaimers/conclusion/edit'))
      expect(await fieldValue(page, '#text'), 'Back again: the edit form, with the draft').toBe(draft)

      await page.goto(review)
      await follow(page, 'Preview the page “Full article”')
      await follow(page, 'Back to editing')
      expect(page.url()).toBe(site.at('/console/disclaimers/conclusion/edit'))
      expect(await fieldValue(page, '#text'), '“Back to editing”: the edit form, with the draft').toBe(draft)
      await page.close()
    })

    it('names the change already scheduled on the edit, review and proposal pages', async () => {
      const page = await signedIn(browser, 'alice')
      await page.goto(site.at('/console/disclaimers/dosage-and-safety/edit'))
      const named = async (where: string) => {
        const section = await text(page, '.already-scheduled')
        expect(section, where).toContain('A change is already scheduled for this disclaimer')
        expect(section, where).toContain('by bob')
        expect(section, where).toContain('approved by drlee')
        expect(section, where).toContain(SCHEDULED_TEXT)
      }
      await named('edit')
      await page.type('#text', `Alice, in ${engine}: `)
      await follow(page, 'Review the change')
      await named('review')
      expect(await text(page, '.already-scheduled .effect')).toMatch(/^Sent to go live at once, yours stops it: /)
      await follow(page, 'Propose this text')
      expect(page.url()).toMatch(/\/console\/proposals\/\d+$/)
      await named('proposal')
      expect(await text(page, '.already-scheduled .effect')).toMatch(/^If yours is approved before /)
      await page.close()
    })

    it('draws the console’s 3 px focus ring around the go-live field reached by Tab', async () => {
      const page = await signedIn(browser, 'bob')
      await page.goto(site.at('/console/disclaimers/home/edit'))
      await page.type('#text', 'Bob tabs to the time. ')
      await follow(page, 'Review the change')
      // The skip link, which names the page, stays wholly out of sight until Tab reaches it, then shows.
      await page.setViewport(VIEWPORTS.phone)
      const skip = () => page.$eval('.skip-link', (node) => node.getBoundingClientRect().toJSON() as DOMRect)
      expect((await skip()).bottom).toBeLessThanOrEqual(0)
      await page.keyboard.press('Tab')
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(
        'Skip to “Review your change to the note on “Overview””',
      )
      expect((await skip()).top).toBeGreaterThanOrEqual(0)
      let focused = ''
      for (let presses = 0; presses < 40 && focused !== 'effective'; presses++) {
        await page.keyboard.press('Tab')
        focused = await page.evaluate(() => document.activeElement?.id ?? '')
      }
      expect(focused).toBe('effective')
      const ring = await page.$eval('#effective', (node) => {
        const style = getComputedStyle(node)
        return `${style.outlineStyle} ${style.outlineWidth}`
      })
      expect(ring).toBe('solid 3px')
      await page.close()
    })
  })
}
