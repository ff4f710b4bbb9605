// Proves the editor console works end to end in Chromium with the two-person rule on, driven by the keyboard alone
// (Tab, Shift+Tab, Enter and Space, and typing into a field that Tab reached): alice proposes a global disclaimer and
// the reviewer drlee approves it (a reviewer approves what content/review-rules.json gives reviewers), and the site
// then shows the text; alice cannot approve her own proposal; a stale form gives the conflict page and overwrites
// nothing; a rollback from the history restores the earlier text.
//
// Each flow runs once, the two sizes shared between them: the console's order of controls is the same at every width
// (its styles change only a heading's size and put the conflict page's two texts side by side), and axe, the Nu
// checker and the screenshots see every console page at both sizes (console-pages.test.ts).
//
// The Worker serves a disclaimer it read up to 30 s ago (src/site/reader.ts), per set of keys a page reads. So
// a public page is checked only where nothing on that site has read its set of keys before (no visit, no preview of
// it): its first request reads KV, and shows what the ledger made live at once, with no waiting.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LEDGER_EDIT_BOUND_MS } from '../../src/core/staleness.ts'
import {
  type EditorName,
  follow,
  keyOf,
  liveText,
  postForm,
  press,
  pressFor,
  seedVersions,
  signInByKeyboard,
  startConsoleSite,
  tabTo,
  typeParagraph,
} from './console-harness.ts'
import { launchChromium, SEEDED_DISCLAIMERS, type Site, VIEWPORTS, type ViewportName } from './harness.ts'

let browser: Browser
let site: Site

beforeAll(async () => {
  browser = await launchChromium()
  site = await startConsoleSite()
})
afterAll(async () => {
  await browser?.close()
  await site?.stop()
})

/** “phone (390×844)”: the size a flow runs at, for its name. */
function size(viewport: ViewportName): string {
  return `${viewport} (${VIEWPORTS[viewport].width}×${VIEWPORTS[viewport].height})`
}

describe('the editor console by keyboard alone', () => {
  async function signedIn(editor: EditorName, viewport: ViewportName): Promise<Page> {
    const context = await browser.newContext({ viewport: VIEWPORTS[viewport] })
    const page = await context.newPage()
    await signInByKeyboard(page, site, editor)
    return page
  }

  /** From the overview: edit `target`, put `paragraph` first, review, and propose; returns the proposal's path. */
  async function propose(page: Page, target: string, paragraph: string, note: string) {
    await tabTo(page, page.locator(`a[href="/console/disclaimers/${target}/edit"]`))
    expect((await pressFor(page, 'Enter')).status()).toBe(200)
    const draft = await typeParagraph(page, 'Disclaimer text', paragraph)
    await tabTo(page, page.getByLabel('Why you are changing it'))
    await page.keyboard.type(note)
    const review = await press(page, 'Review the change', 'Enter')
    expect(review.status()).toBe(200)
    const inserted = (await page.locator('.diff ins').allTextContents()).join('')
    expect(inserted, 'the diff marks the new paragraph as inserted').toContain(paragraph)
    await expect(page.locator('.diff del').count(), 'and deletes nothing').resolves.toBe(0)
    const proposed = await press(page, 'Propose this text', 'Space')
    expect(proposed.status()).toBe(200)
    expect(new URL(page.url()).pathname).toMatch(/^\/console\/proposals\/\d+$/)
    return { path: new URL(page.url()).pathname, draft }
  }

  /** From the overview: open the proposal from the list and approve it; returns the version made live. */
  async function approve(page: Page, path: string) {
    expect((await follow(page, 'Proposals')).status()).toBe(200)
    expect((await follow(page, new RegExp(`^Proposal ${path.split('/').pop()}:`))).status()).toBe(200)
    expect(page.url()).toBe(site.at(path))
    const published = await press(page, 'Approve and publish', 'Enter')
    expect(published.status()).toBe(200)
    const notice = (await page.getByRole('status').textContent()) ?? ''
    expect(notice).toMatch(/^v\d+ is live: KV holds it/)
    return Number(/^v(\d+)/.exec(notice)?.[1])
  }

  it(`lets alice propose a new global disclaimer and the reviewer drlee approve it, and the home page then shows it, ${size('phone')}`, async () => {
    const viewport = 'phone'
    const paragraph = `Read this first (${viewport}): ask a doctor before you take kratom for sore muscles.`
    const alice = await signedIn('alice', viewport)
    const { path, draft } = await propose(alice, 'global', paragraph, 'lead with the advice')
    await expect(alice.locator('main').textContent()).resolves.toContain(
      'You proposed this, so another editor must approve it.',
    )
    expect(await liveText(site, 'global'), 'a proposal changes nothing yet').toBe(SEEDED_DISCLAIMERS[keyOf('global')])

    const drlee = await signedIn('drlee', viewport)
    expect((await follow(drlee, 'Proposals')).status()).toBe(200)
    expect((await follow(drlee, new RegExp(`^Proposal ${path.split('/').pop()}:`))).status()).toBe(200)
    await expect(drlee.locator('.diff').textContent()).resolves.toContain(`[inserted: ${paragraph}`)
    // drlee looks at a page with the proposed text, and comes back (not the home page: see the top of this file).
    const preview = await follow(drlee, 'Preview the page “Conclusion”')
    expect(preview.status()).toBe(200)
    await expect(drlee.getByRole('status').textContent()).resolves.toContain(
      'Preview of the page “Conclusion” with proposal',
    )
    await expect(drlee.locator('[data-disclaimer="disclaimer"] p').nth(1).textContent()).resolves.toBe(paragraph)
    expect((await follow(drlee, 'Back to the proposal')).status()).toBe(200)
    expect(drlee.url()).toBe(site.at(path))
    const published = await press(drlee, 'Approve and publish', 'Enter')
    expect(published.status()).toBe(200)
    const notice = (await drlee.getByRole('status').textContent()) ?? ''
    expect(notice).toMatch(/^v\d+ is live: KV holds it/)
    const version = /^v(\d+)/.exec(notice)?.[1]
    await expect(drlee.locator('main').textContent(), 'when visitors see it').resolves.toMatch(
      new RegExp(
        `Pages served by the server that answered you show it already\\. Every other visitor, at every Cloudflare location,\\s+sees it within ${Math.ceil(LEDGER_EDIT_BOUND_MS / 60_000)} minutes`,
      ),
    )
    expect(await liveText(site, 'global')).toBe(draft)

    // The first request for / on this site: the Worker reads KV for it now.
    const visitor = await (await browser.newContext({ viewport: VIEWPORTS[viewport] })).newPage()
    const home = await visitor.goto(site.at('/'))
    expect(home?.status()).toBe(200)
    expect(home?.headers()['disclaimer-version']).toContain(`disclaimer=v${version}/`)
    await expect(visitor.locator('[data-disclaimer="disclaimer"] p').nth(1).textContent()).resolves.toBe(paragraph)

    // And alice signs out, by keyboard too.
    expect((await follow(alice, 'Disclaimers')).status()).toBe(200)
    const session = (await alice.context().cookies()).filter((cookie) => cookie.name === 'console_session')
    expect(session, 'signed in: the session cookie').toHaveLength(1)
    const out = await press(alice, 'Sign out', 'Space')
    expect(out.status()).toBe(200)
    expect(alice.url()).toBe(site.at('/console/sign-in'))
    await alice.goto(site.at('/console'))
    expect(alice.url(), 'signed out: the console asks to sign in again').toBe(site.at('/console/sign-in'))
    // The server ended the session: the cookie she had, sent again, signs nobody in.
    await alice.context().addCookies(session)
    await alice.goto(site.at('/console'))
    expect(alice.url(), 'the old session cookie is refused').toBe(site.at('/console/sign-in'))
  })

  it(`does not let alice approve her own proposal: the page says so, has no approve button, and a forged one gets 403, ${size('desktop')}`, async () => {
    const viewport = 'desktop'
    const alice = await signedIn('alice', viewport)
    const { path } = await propose(alice, 'dosage-and-safety', 'Alice approves her own note.', 'self')
    await expect(alice.locator('main').textContent()).resolves.toContain(
      'You proposed this, so another editor must approve it.',
    )
    await expect(alice.getByRole('button', { name: /approve/i }).count()).resolves.toBe(0)

    const forged = await postForm(alice, `${path}/approve`)
    expect(forged.status()).toBe(403)
    await expect(alice.getByRole('status').textContent()).resolves.toBe(
      'alice proposed this text, so a different editor must approve it',
    )
    expect(await liveText(site, 'dosage-and-safety'), 'nothing was published').toBe(
      SEEDED_DISCLAIMERS[keyOf('dosage-and-safety')],
    )
    await expect(alice.locator('main').textContent(), 'the proposal is still open').resolves.toContain(
      'You proposed this, so another editor must approve it.',
    )
  })

  it(`shows both texts when alice sends a form that another change made stale, and overwrites nothing, ${size('desktop')}`, async () => {
    const viewport = 'desktop'
    const alice = await signedIn('alice', viewport)
    await tabTo(alice, alice.locator('a[href="/console/disclaimers/conclusion/edit"]'))
    expect((await pressFor(alice, 'Enter')).status()).toBe(200)
    const mine = await typeParagraph(alice, 'Disclaimer text', 'Alice started this first.')

    // Meanwhile bob proposes another text and carol approves it.
    const bob = await signedIn('bob', viewport)
    const { path, draft: theirs } = await propose(bob, 'conclusion', 'Bob’s text went live first.', 'newer')
    await approve(await signedIn('carol', viewport), path)
    expect(await liveText(site, 'conclusion')).toBe(theirs)

    const conflict = await press(alice, 'Review the change', 'Enter')
    expect(conflict.status()).toBe(409)
    const yours = alice.getByRole('region', { name: 'Your text (not saved)' })
    const live = alice.getByRole('region', { name: /^The live text, v\d+$/ })
    await expect(yours.locator('.text').textContent()).resolves.toBe(mine)
    await expect(live.locator('.text').textContent()).resolves.toBe(theirs)
    expect(await liveText(site, 'conclusion'), 'bob’s text is still live').toBe(theirs)

    // Starting again edits the live text, with hers beside it to copy from: reviewing it is no longer a conflict.
    const again = await press(alice, 'Start again from the live text, with your text to copy from', 'Enter')
    expect(again.status()).toBe(200)
    await expect(alice.getByLabel('Disclaimer text').inputValue()).resolves.toBe(theirs)
    const kept = alice.getByRole('region', { name: 'Your earlier text (not saved), to copy from' })
    await expect(kept.locator('.text').textContent()).resolves.toBe(mine)
    const review = await press(alice, 'Review the change', 'Space')
    expect(review.status()).toBe(200)
    await expect(alice.locator('.diff figcaption').textContent()).resolves.toMatch(/^v\d+ → your draft$/)
  })

  it(`rolls back to an earlier version from the history, after a confirmation step, ${size('phone')}`, async () => {
    const viewport = 'phone'
    const [earlier, later] = ['The earlier note on exploring kratom.', 'The later note on exploring kratom.']
    const [first, second] = await seedVersions(site, 'exploring-kratom', [earlier, later])
    const alice = await signedIn('alice', viewport)
    await tabTo(alice, alice.locator('a[href="/console/disclaimers/exploring-kratom/history"]'))
    expect((await pressFor(alice, 'Enter')).status()).toBe(200)

    expect((await follow(alice, `Roll back to v${first}`)).status()).toBe(200)
    await expect(alice.locator('.diff figcaption').textContent()).resolves.toBe(`v${second} → v${first}`)
    expect(await liveText(site, 'exploring-kratom'), 'the confirmation page changes nothing').toBe(later)
    await tabTo(alice, alice.getByLabel('Why you roll back'))
    await alice.keyboard.type('the later note was wrong')
    const done = await press(alice, `Yes, roll back to v${first}`, 'Space')
    expect(done.status()).toBe(200)
    await expect(alice.getByRole('status').textContent()).resolves.toMatch(/^v\d+ is live: KV holds it/)
    expect(await liveText(site, 'exploring-kratom')).toBe(earlier)

    // Shift+Tab back up to the history link the published page offers under the text.
    await tabTo(alice, alice.getByRole('link', { name: 'All disclaimers', exact: true }).last())
    await tabTo(alice, alice.getByRole('link', { name: 'History of this disclaimer', exact: true }), {
      backwards: true,
    })
    expect((await pressFor(alice, 'Enter')).status()).toBe(200)
    const newest = alice.locator('tbody tr').first()
    await expect(newest.textContent()).resolves.toContain(`rollback (back to v${first})`)
    await expect(newest.textContent()).resolves.toContain('the later note was wrong')

    // The first request for /exploring-kratom on this site: the Worker reads KV for it now.
    const visitor = await (await browser.newContext({ viewport: VIEWPORTS[viewport] })).newPage()
    expect((await visitor.goto(site.at('/exploring-kratom')))?.status()).toBe(200)
    await expect(visitor.locator('[data-disclaimer="disclaimer:exploring-kratom"]').textContent()).resolves.toContain(
      earlier,
    )
  })
})
