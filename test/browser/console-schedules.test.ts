// Proves scheduled changes work in the editor console in Chromium driven by the keyboard alone (Tab, Shift+Tab,
// Enter and Space, and typing into a field that Tab reached), at phone and desktop size. Where approval is off: alice
// schedules a publish a minute or so ahead, the overview lists it, and at its time the ledger makes it live. With the
// two-person rule on: alice types a go-live time (first one that has passed, which the field refuses), proposes; bob
// approves it for that time; carol cancels it from the overview's "Cancel it" with a reason, and the overview no
// longer lists it.
//
// The go-live field takes whole minutes, so a publish set from the console waits for the ledger's alarm up to a
// minute and a half. The publishes are set first and awaited last: the two-person flows run while they wait.
//
// Times are typed and shown in the site's zone (SITE_TIME_ZONE); the expected wording is built from the same
// functions the Worker uses (src/core/time.ts), so a wrong zone or offset shows as a different time.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { targetLabel } from '../../src/core/site-map.ts'
import { inZone, wallTimeIn } from '../../src/core/time.ts'
import {
  type EditorName,
  follow,
  keyOf,
  liveText,
  press,
  pressFor,
  signInByKeyboard,
  siteZone,
  startConsoleSite,
  tabTo,
  typeParagraph,
  typeWallTime,
  wallTimeAhead,
} from './console-harness.ts'
import { launchChromium, type Site, VIEWPORTS, type ViewportName } from './harness.ts'

const DAY_MS = 86_400_000

let browser: Browser
/** The two-person rule on: the proposals at both sizes, one after the other, on the same note. */
let twoPerson: Site
/** Approval off: a publish set at each size, on a note of its own. */
let approvalOff: Site

/** A publish alice set for later, by viewport: what the last tests wait for. */
const publishes = new Map<
  ViewportName,
  { target: string; when: string; zone: string; draft: string; paragraph: string; alice: Page }
>()
const PUBLISHED_TARGET: Record<ViewportName, string> = { phone: 'exploring-kratom', desktop: 'conclusion' }

beforeAll(async () => {
  browser = await launchChromium()
  twoPerson = await startConsoleSite()
  approvalOff = await startConsoleSite({ requireApproval: false })
})
afterAll(async () => {
  await browser?.close()
  await twoPerson?.stop()
  await approvalOff?.stop()
})

/** How the console shows a wall time typed in `zone`: `2026-12-04 09:30 (UTC-05:00, America/New_York)`. */
function shownAs(wall: string, zone: string): string {
  const read = wallTimeIn(wall, zone)
  if (!read.ok) throw new Error(read.reason)
  return inZone(read.instant, zone)
}

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** What the overview says about a target under a term (`Pages show`, `Scheduled`). */
function overviewTerm(page: Page, target: string, term: string) {
  return page
    .getByRole('region', { name: targetLabel(target), exact: true })
    .locator(`dt:text-is("${term}") + dd`)
    .textContent()
}

/** Back to the overview by the page's own "All disclaimers" link (the last one: the console bar has the first). */
async function backToOverview(page: Page, site: Site) {
  await tabTo(page, page.getByRole('link', { name: 'All disclaimers', exact: true }).last())
  expect((await pressFor(page, 'Enter')).status()).toBe(200)
  expect(page.url()).toBe(site.at('/console'))
}

/** Signs in by keyboard in a fresh context with US English (the datetime-local field's layout depends on it). */
async function signedIn(site: Site, editor: EditorName, viewport: ViewportName): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORTS[viewport], locale: 'en-US' })
  const page = await context.newPage()
  await signInByKeyboard(page, site, editor)
  return page
}

/** From the overview: edit `target`, put `paragraph` first, give a note and review; returns the draft. */
async function review(page: Page, target: string, paragraph: string) {
  await tabTo(page, page.locator(`a[href="/console/disclaimers/${target}/edit"]`))
  expect((await pressFor(page, 'Enter')).status()).toBe(200)
  const draft = await typeParagraph(page, 'Disclaimer text', paragraph)
  await tabTo(page, page.getByLabel('Why you are changing it'))
  await page.keyboard.type('scheduled from the browser test')
  expect((await press(page, 'Review the change', 'Enter')).status()).toBe(200)
  return draft
}

const SIZES = Object.keys(VIEWPORTS) as ViewportName[]
const size = (viewport: ViewportName) => `${viewport} (${VIEWPORTS[viewport].width}×${VIEWPORTS[viewport].height})`

for (const viewport of SIZES) {
  describe(`a scheduled publish by keyboard alone, approval off, ${size(viewport)}`, () => {
    it('lets alice publish a text for a minute ahead, and lists it on the overview', async () => {
      const site = approvalOff
      const target = PUBLISHED_TARGET[viewport]
      const zone = await siteZone(site)
      const before = await liveText(site, target)
      const alice = await signedIn(site, 'alice', viewport)
      const paragraph = `Published at a set time (${viewport}): see a doctor if soreness lasts.`
      const draft = await review(alice, target, paragraph)
      await expect(alice.getByRole('heading', { name: 'Publish it', level: 2 }).count()).resolves.toBe(1)
      await expect(alice.locator('main').textContent()).resolves.toContain(
        'Publishing makes it live at once, or at the time you give below;',
      )

      // The first whole minute at least 30 s ahead: time enough to type it.
      const when = wallTimeAhead(zone, 30_000)
      const shown = shownAs(when, zone)
      await typeWallTime(alice, `Go live at (${zone} time)`, when)
      const scheduled = await press(alice, 'Publish this text', 'Enter')
      expect(scheduled.status()).toBe(200)
      await expect(alice.getByRole('status').textContent()).resolves.toMatch(
        new RegExp(
          `^Scheduled: this text goes live at ${escaped(shown)}, if nothing has been published for this disclaimer by then\\.$`,
        ),
      )
      expect(await liveText(site, target), 'nothing is live before its time').toBe(before)

      await backToOverview(alice, site)
      await expect(overviewTerm(alice, target, 'Scheduled')).resolves.toBe(
        `${shown}, by alice, no approval needed here. Cancel it`,
      )
      publishes.set(viewport, { target, when, zone, draft, paragraph, alice })
    })
  })
}

for (const viewport of SIZES) {
  describe(`a scheduled proposal by keyboard alone, two-person rule on, ${size(viewport)}`, () => {
    it('lets alice propose a text for a time, bob approve it for then, and carol cancel it from the overview', async () => {
      const site = twoPerson
      const target = 'understanding-muscle-soreness'
      const zone = await siteZone(site)
      const goLive = `Go live at (${zone} time)`
      const before = await liveText(site, target)
      const alice = await signedIn(site, 'alice', viewport)
      await review(alice, target, `Scheduled note (${viewport}): rest is the first remedy for sore muscles.`)

      // A time that has passed is refused next to the field, which keeps it, and nothing is proposed.
      const past = wallTimeAhead(zone, -DAY_MS)
      await typeWallTime(alice, goLive, past)
      // Refused: the form answers 303, and the review it leads to says why next to the field.
      const refused = await press(alice, 'Propose this text', 'Enter')
      expect(refused.status()).toBe(200)
      expect(alice.url()).toMatch(/\/drafts\/[0-9a-f]{24}\/review$/)
      const field = alice.getByLabel(goLive, { exact: true })
      await expect(field.getAttribute('aria-invalid')).resolves.toBe('true')
      await expect(field.getAttribute('aria-describedby')).resolves.toBe('effective-hint effective-error')
      await expect(alice.locator('#effective-error').textContent()).resolves.toMatch(
        /has already passed; choose a time ahead$/,
      )
      await expect(field.inputValue()).resolves.toBe(past)

      const when = wallTimeAhead(zone, 10 * 60_000)
      const shown = shownAs(when, zone)
      await typeWallTime(alice, goLive, when)
      const proposed = await press(alice, 'Propose this text', 'Space')
      expect(proposed.status()).toBe(200)
      const path = new URL(alice.url()).pathname
      expect(path).toMatch(/^\/console\/proposals\/\d+$/)
      const proposal = path.split('/').pop()
      await expect(alice.getByRole('status').textContent()).resolves.toBe(
        `Set to go live at ${shown}, once approved; if nobody approves it by then it expires.`,
      )
      await expect(alice.locator('main').textContent()).resolves.toContain(
        'You proposed this, so another editor must approve it.',
      )

      const bob = await signedIn(site, 'bob', viewport)
      expect((await follow(bob, 'Proposals')).status()).toBe(200)
      expect((await follow(bob, new RegExp(`^Proposal ${proposal}:`))).status()).toBe(200)
      const approved = await press(bob, 'Approve to go live at the set time', 'Enter')
      expect(approved.status()).toBe(200)
      await expect(bob.locator('h1').textContent()).resolves.toBe(`Proposal ${proposal}: the note on “Muscle soreness”`)
      // The note had no version of its own yet: the console says so, never “v0”.
      await expect(bob.getByRole('status').textContent()).resolves.toMatch(
        new RegExp(
          `^Scheduled: this text goes live at ${escaped(shown)}, approved by bob, if nothing has been published for this disclaimer by then\\.$`,
        ),
      )
      expect(await liveText(site, target), 'an approval for later changes nothing now').toBe(before)
      const cancelPath = await bob.getByRole('link', { name: 'Cancel this schedule' }).getAttribute('href')
      expect(cancelPath).toMatch(/^\/console\/schedules\/\d+\/cancel$/)

      // Carol signs in to the overview, which lists the schedule with its approval and a way to cancel it.
      const carol = await signedIn(site, 'carol', viewport)
      await expect(overviewTerm(carol, target, 'Scheduled')).resolves.toBe(
        `${shown}, by alice (proposal ${proposal}), approved by bob. Cancel it`,
      )
      const cancel = carol.locator(`a[href="${cancelPath}"]`)
      await expect(cancel.textContent()).resolves.toBe('Cancel it')
      await tabTo(carol, cancel)
      expect((await pressFor(carol, 'Enter')).status()).toBe(200)
      expect(carol.url()).toBe(site.at(cancelPath as string))
      await expect(carol.locator('main').textContent()).resolves.toContain(
        `This change was set by alice to go live at ${shown}, approved by bob.`,
      )
      await tabTo(carol, carol.getByLabel('Why you cancel it'))
      await carol.keyboard.type('the muscle soreness page is being rewritten')
      const cancelled = await press(carol, 'Yes, cancel this schedule', 'Space')
      expect(cancelled.status()).toBe(200)
      await expect(carol.getByRole('status').textContent()).resolves.toBe(
        `Cancelled: the change set for ${shown} will not go live. The other editors are told.`,
      )

      await backToOverview(carol, site)
      await expect(carol.locator(`a[href="${cancelPath}"]`).count(), 'no way to cancel it again').resolves.toBe(0)
      await expect(overviewTerm(carol, target, 'Scheduled')).resolves.toBe('none')
      expect(await liveText(site, target), 'nothing went live').toBe(before)
    })
  })
}

for (const viewport of SIZES) {
  describe(`the publish set at ${size(viewport)}, at its time`, () => {
    it('is made live by the ledger’s alarm with nobody acting, and the overview and the page then show it', async () => {
      const site = approvalOff
      const published = publishes.get(viewport)
      if (!published) throw new Error(`no publish was set at ${viewport} size: see the test that sets it`)
      const { target, when, zone, draft, paragraph, alice } = published
      // At its time the ledger's alarm publishes it. The test waits for that and asserts nothing about how soon.
      const due = (wallTimeIn(when, zone) as { instant: number }).instant
      while ((await liveText(site, target)) !== draft) {
        if (Date.now() > due + 120_000)
          throw new Error(`${when} (${zone}) passed two minutes ago and KV still has the old text`)
        await new Promise((resolve) => setTimeout(resolve, 500))
      }

      await alice.reload()
      const pagesShow = (await overviewTerm(alice, target, 'Pages show')) ?? ''
      expect(pagesShow).toMatch(/^v\d+, the text below$/)
      await expect(overviewTerm(alice, target, 'Last recorded change')).resolves.toMatch(/ by alice \(publish\)$/)
      await expect(overviewTerm(alice, target, 'Scheduled')).resolves.toBe('none')

      // The first request for the page on this site: the Worker reads KV for it now.
      const visitor = await (await browser.newContext({ viewport: VIEWPORTS[viewport] })).newPage()
      const page = await visitor.goto(site.at(`/${target}`))
      expect(page?.status()).toBe(200)
      expect(page?.headers()['disclaimer-version']).toContain(`${keyOf(target)}=${pagesShow.split(',')[0]}/`)
      await expect(visitor.locator(`[data-disclaimer="disclaimer:${target}"]`).textContent()).resolves.toContain(
        paragraph,
      )
    })
  })
}
