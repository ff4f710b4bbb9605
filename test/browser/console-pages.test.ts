// Proves every page of the editor console, in each state an editor meets it, has zero axe-core violations (WCAG 2.2 A
// and AA) in light and dark at phone and desktop size, and zero Nu Html Checker errors and warnings; and writes a
// screenshot of each at both sizes to artifacts/console/. Each page is reached once, as editors reach it, with the
// two-person rule on; the checks then run on the page as it stands. The review pages are among them: the list of
// pages and their reviews, a page's review as the reviewer drlee and as another editor sees it, the review recorded,
// and the public page that then says it was medically reviewed. drlee approves the global disclaimer and the dosage
// note, which content/review-rules.json may give a reviewer alone to approve.
//
// Who was told: dana is told by email (her name is her address), and the pages show each delivery made once the
// ledger's alarm has sent it. A delivery still being retried is not shown: it needs a channel that fails, and here
// there is none. The local Email Service accepts every address, and the served Worker gets no ALERT_WEBHOOK_URL
// (scripts/lib/serve-bundle.ts passes no extra bindings).
import axe from 'axe-core'
import type { Browser, BrowserContext, Page, Response } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isoInZone } from '../../src/core/time.ts'
import {
  allDelivered,
  clearScreenshots,
  type EditorName,
  keyOf,
  liveText,
  postForm,
  screenshot,
  screenshotList,
  seedVersions,
  signIn,
  siteZone,
  startConsoleSite,
  TOLD_EDITOR,
  wallTimeAhead,
} from './console-harness.ts'
import { launchChromium, type Site, VIEWPORTS, type ViewportName } from './harness.ts'
import { checkHtml, type NuReport } from './nu-checker.ts'

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']
/** How many events the notifications page shows at a time (the console's page, CONSOLE_PAGE). */
const NOTIFICATIONS_PER_PAGE = 25

declare global {
  interface Window {
    axe: typeof axe
  }
}

interface ConsolePage {
  name: string
  route: string
  /** What the editor is doing when they meet it. */
  state: string
  status: number
  /** The fragment that shows the page is the one meant. */
  fragment: string | RegExp
}

const PAGES: ConsolePage[] = [
  {
    name: 'sign-in',
    route: 'GET /console/sign-in',
    state: 'a signed-out editor opens the console',
    status: 200,
    fragment: 'Your editor token',
  },
  {
    name: 'not-signed-in',
    route: 'POST /console/disclaimers/:target/drafts',
    state: 'an editor whose session ended sends the edit form',
    status: 401,
    fragment: 'you are not signed in, or your session has expired',
  },
  {
    name: 'refused-cross-site',
    route: 'POST /console/disclaimers/:target/drafts',
    state: 'another site posts a form to the console',
    status: 403,
    fragment: 'This form was sent from another site, so nothing was changed.',
  },
  { name: 'overview', route: 'GET /console', state: 'alice signs in', status: 200, fragment: 'Signed in as alice' },
  {
    name: 'edit',
    route: 'GET /console/disclaimers/:target/edit',
    state: 'alice opens the global disclaimer',
    status: 200,
    fragment: 'Why you are changing it',
  },
  {
    name: 'edit-field-errors',
    route: 'GET /console/disclaimers/:target/edit',
    state: 'alice sends a hidden character and a note that is too long, and is shown her draft',
    status: 200,
    fragment: /U\+200B at position 7[\s\S]*the note is 300 characters long/,
  },
  {
    name: 'review',
    route: 'GET /console/disclaimers/:target/drafts/:id/review',
    state: 'alice reviews a valid draft, with the go-live field',
    status: 200,
    fragment: /\[inserted: [\s\S]*<label for="effective">Go live at \([\w/]+ time\)<\/label>/,
  },
  {
    name: 'preview',
    route: 'GET /console/disclaimers/:target/drafts/:id/preview?page=',
    state: 'alice previews the home page with her draft',
    status: 200,
    fragment: 'Preview of the page “Overview” with your draft, not live.',
  },
  {
    name: 'proposal-as-proposer',
    route: 'GET /console/proposals/:id',
    state: 'alice has proposed her draft',
    status: 200,
    fragment: 'You proposed this, so another editor must approve it.',
  },
  {
    name: 'refused-self-approval',
    route: 'POST /console/proposals/:id/approve',
    state: 'alice sends an approval of her own proposal',
    status: 403,
    fragment: 'alice proposed this text, so a different editor must approve it',
  },
  {
    name: 'proposals',
    route: 'GET /console/proposals',
    state: 'bob looks for proposals',
    status: 200,
    fragment: /Proposal \d+: The global disclaimer/,
  },
  {
    name: 'proposal-as-approver',
    route: 'GET /console/proposals/:id',
    state: 'the reviewer drlee opens alice’s proposal',
    status: 200,
    fragment: 'Approve and publish',
  },
  {
    name: 'published',
    route: 'GET /console/proposals/:id (approved)',
    state: 'drlee approves it',
    status: 200,
    fragment: /v\d+ is live: KV holds it/,
  },
  {
    name: 'conflict',
    route: 'GET /console/disclaimers/:target/drafts/:id/review',
    state: 'alice sends an edit form opened before another change went live',
    status: 409,
    fragment: 'Your text (not saved)',
  },
  {
    name: 'history-live-at',
    route: 'GET /console/disclaimers/:target/history?at=',
    state: 'alice asks what was live at a time',
    status: 200,
    fragment:
      /At \d{4}-\d\d-\d\d \d\d:\d\d \(UTC-0[45]:00, America\/New_York\): v\d+ \((publish|rollback) by bob\)[\s\S]*The second note on exploring kratom\./,
  },
  {
    name: 'rollback-confirm',
    route: 'GET /console/disclaimers/:target/rollback/:version',
    state: 'alice chooses to roll back to an earlier version',
    status: 200,
    fragment: /Yes, roll back to v\d+/,
  },
  {
    name: 'review-skipped-time',
    route: 'GET /console/disclaimers/:target/drafts/:id/review',
    state: 'alice asks for a go-live time the clocks skip (2027-03-14 02:30 in New York)',
    status: 200,
    fragment:
      /<p class="field-error" id="effective-error">2027-03-14 02:30 does not exist in America\/New_York: the clocks go forward from 2027-03-14 02:00 to 2027-03-14 03:00 that day\./,
  },
  {
    name: 'proposal-scheduled',
    route: 'GET /console/proposals/:id',
    state: 'alice has proposed her draft to go live at a time',
    status: 200,
    fragment: /Set to go live at [^<]+, once approved; if nobody approves it by then it expires\./,
  },
  {
    name: 'scheduled',
    route: 'GET /console/proposals/:id (approved for later)',
    state: 'drlee approves a proposal set to go live later',
    status: 200,
    fragment:
      /Scheduled: this text goes live at [^<]+, approved by drlee, if v\d+, the text it replaces, is still live then\./,
  },
  {
    name: 'edit-scheduled',
    route: 'GET /console/disclaimers/:target/edit',
    state: 'carol edits the dosage note while a change to it is scheduled',
    status: 200,
    fragment: /A change is already scheduled for this disclaimer<\/h2>[\s\S]*by alice[\s\S]*approved by drlee/,
  },
  {
    name: 'review-scheduled',
    route: 'GET /console/disclaimers/:target/drafts/:id/review',
    state: 'carol reviews that change, the scheduled one named with what hers does to it',
    status: 200,
    fragment: /<p class="effect">Sent to go live at once, yours stops it: /,
  },
  {
    name: 'no-draft',
    route: 'GET /console/disclaimers/:target/drafts/:id/review',
    state: 'bob follows the address of carol’s draft',
    status: 404,
    fragment: 'There is no draft of yours at this address.',
  },
  {
    name: 'overview-scheduled',
    route: 'GET /console',
    state: 'alice looks at the overview while a change is scheduled',
    status: 200,
    fragment: /approved by drlee\. <a href="\/console\/schedules\/\d+\/cancel">Cancel it<\/a>/,
  },
  {
    name: 'cancel-confirm',
    route: 'GET /console/schedules/:id/cancel',
    state: 'carol follows “Cancel it”',
    status: 200,
    fragment: 'Yes, cancel this schedule',
  },
  {
    name: 'cancel-refused',
    route: 'POST /console/schedules/:id/cancel',
    state: 'carol sends the cancellation with a reason of spaces only',
    status: 422,
    fragment: '<p class="field-error" id="reason-error">the reason is empty; say it in a few words</p>',
  },
  {
    name: 'cancelled',
    route: 'POST /console/schedules/:id/cancel',
    state: 'carol cancels it with a reason',
    status: 200,
    fragment: /Cancelled: the change set for [^<]+ will not go live\./,
  },
  {
    name: 'notifications',
    route: 'GET /console/notifications',
    state: 'an editor looks at who was told, once every message has gone out',
    status: 200,
    fragment:
      /Schedule cancelled<\/strong>[\s\S]*dana@example\.org: told at \d{4}-\d\d-\d\d \d\d:\d\d \(UTC-0[45]:00, America\/New_York\)[\s\S]*<nav aria-label="More notifications"><ul class="actions"><li><a href="\/console\/notifications\?before=\d+">Older<\/a><\/li><\/ul><\/nav>/,
  },
  {
    name: 'notifications-older',
    route: 'GET /console/notifications?before=',
    state: 'the editor follows “Older” to the next page of who was told',
    status: 200,
    fragment:
      /Version live<\/strong>, the note on “Dosage and safety”, v1 [\s\S]*<nav aria-label="More notifications"><ul class="actions"><li><a href="\/console\/notifications">Newest<\/a><\/li><\/ul><\/nav>/,
  },
  {
    name: 'proposal-told',
    route: 'GET /console/proposals/:id',
    state: 'alice looks at who was told of her scheduled proposal, after it was cancelled',
    status: 200,
    fragment:
      /<h2>Who was told<\/h2><ul class="told"><li>Proposal opened \(.+?\)\): dana@example\.org: told at [^<]+<\/li><li>Proposal approved \(.+?\)\): nobody to tell<\/li><li>Schedule cancelled \(.+?\)\): dana@example\.org: told at/,
  },
  {
    name: 'history-told',
    route: 'GET /console/disclaimers/:target/history',
    state: 'alice opens who was told of the newest version',
    status: 200,
    fragment:
      /<summary>Who was told<\/summary><ul class="told"><li>Proposal approved \(.+?\)\): nobody to tell<\/li><li>Version live \(.+?\)\): dana@example\.org: told at/,
  },
  {
    name: 'overview-unrecorded',
    route: 'GET /console',
    state: 'alice looks at the overview after a text was put in KV around the ledger',
    status: 200,
    fragment: 'the text below, changed outside the ledger and not recorded yet',
  },
  {
    name: 'edit-unrecorded',
    route: 'GET /console/disclaimers/:target/edit',
    state: 'alice opens that text to edit it, based on its hash',
    status: 200,
    fragment:
      /You are editing the text in KV, changed outside the ledger\.[\s\S]*<input type="hidden" name="base" value="kv-[0-9a-f]{64}"\/>/,
  },
  {
    name: 'reviews',
    route: 'GET /console/reviews',
    state: 'the reviewer drlee looks at which pages need a review',
    status: 200,
    fragment:
      /<h2>Needs review<\/h2><ul class="reviews"><li><a href="\/console\/reviews\/[a-z-]+">Review “[^”]+”<\/a>: Never reviewed\.[\s\S]*Dr\. Ana Lee, MD, toxicology \(drlee\)/,
  },
  {
    name: 'page-review-as-reviewer',
    route: 'GET /console/reviews/:page',
    state: 'drlee opens the review of the page “Conclusion”, with the form to attest it',
    status: 200,
    fragment: /<label for="note">Note \(optional\)<\/label>[\s\S]*I reviewed this page as it reads now/,
  },
  {
    name: 'review-recorded',
    route: 'POST /console/reviews/:page',
    state: 'drlee attests the page as it reads now, with a note',
    status: 200,
    fragment:
      /Recorded: Dr\. Ana Lee, MD, toxicology reviewed “Conclusion” as it read at [^<]+ \(words <code>[0-9a-f]{16}<\/code>\)/,
  },
  {
    name: 'page-review-as-editor',
    route: 'GET /console/reviews/:page',
    state: 'alice, not a reviewer, opens that page’s review',
    status: 200,
    fragment:
      /Only a reviewer can record a review of this page: Dr\. Ana Lee, MD, toxicology \(drlee\)[\s\S]*<td>Dr\. Ana Lee, MD, toxicology \(drlee\)<\/td><td><code>[0-9a-f]{16}<\/code>, the words served now<\/td>/,
  },
  {
    name: 'reviewed-page',
    route: 'GET /conclusion (the public page)',
    state: 'a visitor reads the page drlee reviewed',
    status: 200,
    fragment:
      /<p class="byline">Medically reviewed by Dr\. Ana Lee, MD, toxicology, on <time datetime="\d{4}-\d\d-\d\d">\d{1,2} [A-Z][a-z]+ \d{4}<\/time>\. Public log entry <a href="\/log\/checkpoint">\d+<\/a>\.<\/p>/,
  },
  {
    name: 'bad-query',
    route: 'GET /console/notifications?before=soon',
    state: 'an editor follows an address whose query is malformed',
    status: 400,
    fragment: 'before: expected a whole number from 1 to',
  },
]

interface Reached {
  page: Page
  status: number
  /** The HTML as the Worker sent it. */
  html: string
}

let site: Site
let browser: Browser
/** The path of the proposal set to go live later, reached in reachSchedulePages. */
let scheduledProposal = ''
const reached = new Map<string, Reached>()
/** The Nu checker's report on every page in PAGES, begun once they are all reached. */
let nuReport: Promise<NuReport>

/** The last document the page loaded, and its response. */
function trackDocuments(page: Page) {
  let last: Response | undefined
  page.on('response', (response) => {
    if (response.request().isNavigationRequest() && response.frame() === page.mainFrame()) last = response
  })
  return async (name: string) => {
    await page.waitForLoadState('load')
    if (!last) throw new Error(`${name}: no document loaded`)
    reached.set(name, { page, status: last.status(), html: await last.text() })
  }
}

async function newPage(context: BrowserContext) {
  const page = await context.newPage()
  return { page, keep: trackDocuments(page) }
}

/** Submits a page's form by its button and waits for the document it leads to. */
async function submit(page: Page, button: string) {
  const loaded = page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame())
  await page.getByRole('button', { name: button, exact: true }).click()
  await loaded
  await page.waitForLoadState('load')
}

async function openEdit(context: BrowserContext, target: string) {
  const opened = await newPage(context)
  await opened.page.goto(site.at(`/console/disclaimers/${target}/edit`))
  return opened
}

/** Follows a link by its name and waits for the document it leads to. */
async function follow(page: Page, name: string) {
  const loaded = page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame())
  await page.getByRole('link', { name, exact: true }).click()
  await loaded
  await page.waitForLoadState('load')
}

/** Opens the edit form, types `draft` (and its note, if given) and asks for the review. */
async function reviewDraft(context: BrowserContext, target: string, draft: { text: string; note?: string }) {
  const opened = await openEdit(context, target)
  await opened.page.getByLabel('Disclaimer text').fill(draft.text)
  if (draft.note !== undefined) await opened.page.getByLabel('Why you are changing it').fill(draft.note)
  await submit(opened.page, 'Review the change')
  return opened
}

/** Reaches every page in PAGES, in order, as alice, bob and carol would. */
async function reachEveryPage() {
  const contexts: Record<EditorName | 'visitor', BrowserContext> = {
    visitor: await browser.newContext({ viewport: VIEWPORTS.desktop }),
    alice: await browser.newContext({ viewport: VIEWPORTS.desktop }),
    bob: await browser.newContext({ viewport: VIEWPORTS.desktop }),
    carol: await browser.newContext({ viewport: VIEWPORTS.desktop }),
    drlee: await browser.newContext({ viewport: VIEWPORTS.desktop }),
  }
  const draft = 'Alice’s draft: this site is information only, not medical advice; ask a doctor first.'

  const signInPage = await newPage(contexts.visitor)
  await signInPage.page.goto(site.at('/console'))
  await signInPage.keep('sign-in')

  // A session that ends while the edit form is open: the cookie is gone when the form is sent.
  const ending = await browser.newContext({ viewport: VIEWPORTS.desktop })
  const expired = await newPage(ending)
  await signIn(expired.page, site, 'carol')
  await expired.page.goto(site.at('/console/disclaimers/global/edit'))
  await ending.clearCookies()
  await submit(expired.page, 'Review the change')
  await expired.keep('not-signed-in')

  // A page on another origin (about:blank, opaque) with a form aimed at the console.
  const hostile = await newPage(contexts.visitor)
  await hostile.page.setContent(
    `<form method="post" action="${site.at('/console/disclaimers/global/drafts')}"><input name="base" value="0"><input name="text" value="Written by another site."><button>Send</button></form>`,
  )
  await submit(hostile.page, 'Send')
  await hostile.keep('refused-cross-site')

  for (const editor of ['alice', 'bob', 'carol', 'drlee'] as const) {
    const { page, keep } = await newPage(contexts[editor])
    await signIn(page, site, editor)
    if (editor === 'alice') await keep('overview')
    else await page.close()
  }

  const edit = await openEdit(contexts.alice, 'global')
  await edit.keep('edit')

  const broken = await reviewDraft(contexts.alice, 'global', { text: 'Hidden\u200Bspace', note: 'n'.repeat(300) })
  await broken.keep('edit-field-errors')

  const review = await reviewDraft(contexts.alice, 'global', { text: draft, note: 'plainer wording' })
  await review.keep('review')

  const preview = await reviewDraft(contexts.alice, 'global', { text: draft })
  await follow(preview.page, 'Preview the page “Overview”')
  await preview.keep('preview')

  const proposal = await reviewDraft(contexts.alice, 'global', { text: draft, note: 'plainer wording' })
  await submit(proposal.page, 'Propose this text')
  await proposal.keep('proposal-as-proposer')
  const proposalPath = new URL(proposal.page.url()).pathname

  const self = await newPage(contexts.alice)
  await self.page.goto(site.at(proposalPath))
  await postForm(self.page, `${proposalPath}/approve`)
  await self.keep('refused-self-approval')

  const list = await newPage(contexts.bob)
  await list.page.goto(site.at('/console/proposals'))
  await list.keep('proposals')

  const approver = await newPage(contexts.drlee)
  await approver.page.goto(site.at(proposalPath))
  await approver.keep('proposal-as-approver')

  const approve = await newPage(contexts.drlee)
  await approve.page.goto(site.at(proposalPath))
  await submit(approve.page, 'Approve and publish')
  await approve.keep('published')
  expect(await liveText(site, 'global'), 'drlee’s approval made alice’s draft live').toBe(draft)

  // Alice opens the form; bob's change goes live (approved by carol) before she sends it.
  const stale = await openEdit(contexts.alice, 'conclusion')
  await stale.page.getByLabel('Disclaimer text').fill('Alice’s conclusion note, started before Bob’s.')
  await seedVersions(site, 'conclusion', ['Bob’s conclusion note, live first.'])
  await submit(stale.page, 'Review the change')
  await stale.keep('conflict')
  expect(await liveText(site, 'conclusion'), 'the conflict overwrote nothing').toBe(
    'Bob’s conclusion note, live first.',
  )

  const [first] = await seedVersions(site, 'exploring-kratom', [
    'The first note on exploring kratom.',
    'The second note on exploring kratom.',
  ])
  // The form takes whole seconds: wait for the next one, so the time asked is after both versions.
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000)))
  const history = await newPage(contexts.alice)
  await history.page.goto(site.at('/console/disclaimers/exploring-kratom/history'))
  // The field reads a wall time in the site's zone, as the label says.
  await history.page
    .getByLabel('What was live at (America/New_York time)')
    .fill(isoInZone(Date.now(), 'America/New_York').slice(0, 19))
  await submit(history.page, 'Look it up')
  await history.keep('history-live-at')

  const rollback = await newPage(contexts.alice)
  await rollback.page.goto(site.at('/console/disclaimers/exploring-kratom/history'))
  await rollback.page.getByRole('link', { name: `Roll back to v${first}` }).click()
  await rollback.page.waitForURL(site.at(`/console/disclaimers/exploring-kratom/rollback/${first}`))
  await rollback.keep('rollback-confirm')

  await reachSchedulePages(contexts)
  await reachWhoWasTold(contexts)

  // A text put in KV around the ledger (as `wrangler kv key put` does): pages show it, and reading records nothing.
  const recorded = (await allDelivered(site)).length
  await site.kv.put(keyOf('understanding-muscle-soreness'), 'Put in KV by hand, around the ledger.')
  const unrecorded = await newPage(contexts.alice)
  await unrecorded.page.goto(site.at('/console'))
  await unrecorded.keep('overview-unrecorded')
  const around = await openEdit(contexts.alice, 'understanding-muscle-soreness')
  await around.keep('edit-unrecorded')
  expect((await allDelivered(site)).length, 'reading the pages recorded no event').toBe(recorded)

  await reachReviewPages(contexts)

  const malformed = await newPage(contexts.alice)
  await malformed.page.goto(site.at('/console/notifications?before=soon'))
  await malformed.keep('bad-query')
}

/** A proposal set to go live later: a time the clocks skip, then a good one; approved, listed, and cancelled. */
async function reachSchedulePages(contexts: Record<EditorName, BrowserContext>) {
  const zone = await siteZone(site)
  expect(zone, 'the skipped time below is one of New York’s').toBe('America/New_York')
  const goLive = `Go live at (${zone} time)`
  const before = await liveText(site, 'dosage-and-safety')

  const draft = { text: 'Alice’s dosage note, for next month.', note: 'from the first of the month' }
  const skipped = await reviewDraft(contexts.alice, 'dosage-and-safety', draft)
  await skipped.page.getByLabel(goLive).fill('2027-03-14T02:30')
  await submit(skipped.page, 'Propose this text')
  await skipped.keep('review-skipped-time')

  const proposal = await reviewDraft(contexts.alice, 'dosage-and-safety', draft)
  await proposal.page.getByLabel(goLive).fill(wallTimeAhead(zone, 30 * 86_400_000))
  await submit(proposal.page, 'Propose this text')
  await proposal.keep('proposal-scheduled')
  scheduledProposal = new URL(proposal.page.url()).pathname

  const approve = await newPage(contexts.drlee)
  await approve.page.goto(site.at(scheduledProposal))
  await submit(approve.page, 'Approve to go live at the set time')
  await approve.keep('scheduled')
  const cancelPath = (await approve.page.getByRole('link', { name: 'Cancel this schedule' }).getAttribute('href')) ?? ''

  const named = await openEdit(contexts.carol, 'dosage-and-safety')
  await named.keep('edit-scheduled')
  const carolsDraft = await reviewDraft(contexts.carol, 'dosage-and-safety', { text: 'Carol’s dosage note, for now.' })
  await carolsDraft.keep('review-scheduled')
  const elsewhere = await newPage(contexts.bob)
  await elsewhere.page.goto(carolsDraft.page.url())
  await elsewhere.keep('no-draft')

  const overview = await newPage(contexts.alice)
  await overview.page.goto(site.at('/console'))
  await overview.keep('overview-scheduled')

  const confirm = await newPage(contexts.carol)
  await confirm.page.goto(site.at('/console'))
  await confirm.page.locator(`a[href="${cancelPath}"]`).click()
  await confirm.page.waitForURL(site.at(cancelPath))
  await confirm.keep('cancel-confirm')

  const refused = await newPage(contexts.carol)
  await refused.page.goto(site.at(cancelPath))
  await refused.page.getByLabel('Why you cancel it').fill('   ')
  await submit(refused.page, 'Yes, cancel this schedule')
  await refused.keep('cancel-refused')

  const cancelled = await newPage(contexts.carol)
  await cancelled.page.goto(site.at(cancelPath))
  await cancelled.page.getByLabel('Why you cancel it').fill('the dosage note needs a pharmacist’s review first')
  await submit(cancelled.page, 'Yes, cancel this schedule')
  await cancelled.keep('cancelled')
  expect(await liveText(site, 'dosage-and-safety'), 'nothing went live').toBe(before)
}

/**
 * Reviews: the list and a page's review as the reviewer drlee sees them, the review recorded, the page's review as
 * alice (not a reviewer) sees it, and the public page, read for the first time on this site, saying who reviewed it.
 */
async function reachReviewPages(contexts: Record<EditorName | 'visitor', BrowserContext>) {
  const list = await newPage(contexts.drlee)
  await list.page.goto(site.at('/console/reviews'))
  await list.keep('reviews')

  const detail = await newPage(contexts.drlee)
  await detail.page.goto(site.at('/console/reviews'))
  await follow(detail.page, 'Review “Conclusion”')
  expect(detail.page.url()).toBe(site.at('/console/reviews/conclusion'))
  await detail.keep('page-review-as-reviewer')

  const attest = await newPage(contexts.drlee)
  await attest.page.goto(site.at('/console/reviews/conclusion'))
  await attest.page.getByLabel('Note (optional)').fill('checked against the sources in the article')
  await submit(attest.page, 'I reviewed this page as it reads now')
  await attest.keep('review-recorded')

  const seen = await newPage(contexts.alice)
  await seen.page.goto(site.at('/console/reviews/conclusion'))
  await seen.keep('page-review-as-editor')

  const visitor = await newPage(contexts.visitor)
  await visitor.page.goto(site.at('/conclusion'))
  await visitor.keep('reviewed-page')
}

/**
 * Who was told, once the ledger has sent every message: the whole list (more than one page of it, after enough
 * versions to fill one), one proposal's, and one version's.
 */
async function reachWhoWasTold(contexts: Record<EditorName, BrowserContext>) {
  const recorded = (await allDelivered(site)).length
  const versions = Math.ceil((NOTIFICATIONS_PER_PAGE + 1 - recorded) / 3)
  if (versions > 0) {
    // Each seeded version is three events: its proposal opened, approved, and the version live.
    await seedVersions(
      site,
      'full-article',
      Array.from({ length: versions }, (_, index) => `Full article note ${index + 1}.`),
    )
  }
  const events = await allDelivered(site)
  expect(events.length, 'more events than one page shows').toBeGreaterThan(NOTIFICATIONS_PER_PAGE)
  const told = events.flatMap((event) => event.deliveries.map((delivery) => delivery.recipient))
  expect(told, 'dana was told of what happened').toContain(TOLD_EDITOR)

  const list = await newPage(contexts.alice)
  await list.page.goto(site.at('/console/notifications'))
  await list.keep('notifications')

  const older = await newPage(contexts.alice)
  await older.page.goto(site.at('/console/notifications'))
  await older.page.getByRole('link', { name: 'Older', exact: true }).click()
  await older.page.waitForURL(/\/console\/notifications\?before=\d+$/)
  await older.keep('notifications-older')

  const proposal = await newPage(contexts.alice)
  await proposal.page.goto(site.at(scheduledProposal))
  await proposal.keep('proposal-told')

  const history = await newPage(contexts.alice)
  await history.page.goto(site.at('/console/disclaimers/exploring-kratom/history'))
  const details = history.page.locator('tbody tr').first().locator('details', { hasText: 'Who was told' })
  await details.locator('summary').click()
  await expect(
    details.evaluate((node) => (node as HTMLDetailsElement).open),
    'the checks see the list open',
  ).resolves.toBe(true)
  await history.keep('history-told')
}

beforeAll(async () => {
  clearScreenshots()
  site = await startConsoleSite()
  browser = await launchChromium()
  await reachEveryPage()
  // The Nu checker's JVM works on the HTML as served while Chromium runs axe; its test below awaits the report.
  nuReport = checkHtml(
    Object.fromEntries(
      PAGES.map(({ name }) => {
        const page = reached.get(name)
        if (!page) throw new Error(`${name} was not reached`)
        return [name, page.html]
      }),
    ),
  )
  nuReport.catch(() => {})
})

afterAll(async () => {
  await browser?.close()
  await site?.stop()
  console.log(`Console screenshots\n${screenshotList()}`)
})

for (const entry of PAGES) {
  describe(entry.route, () => {
    it(`${entry.state}: answers ${entry.status}, and axe finds no violation in light or dark at either size`, async () => {
      const page = reached.get(entry.name)
      if (!page) throw new Error(`${entry.name} was not reached`)
      expect(page.status).toBe(entry.status)
      expect(page.html).toMatch(entry.fragment)
      // Evaluated over the DevTools protocol, so the page's CSP (no scripts at all) does not block it.
      await page.page.evaluate(axe.source)
      const found: string[] = []
      for (const viewport of Object.keys(VIEWPORTS) as ViewportName[]) {
        await page.page.setViewportSize(VIEWPORTS[viewport])
        for (const colorScheme of ['light', 'dark'] as const) {
          await page.page.emulateMedia({ colorScheme })
          const results = await page.page.evaluate(
            (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
            TAGS,
          )
          // The run really checked this page: rules that apply to every console page passed.
          expect(results.passes.map((rule) => rule.id)).toEqual(
            expect.arrayContaining(['document-title', 'html-has-lang', 'color-contrast', 'link-name']),
          )
          for (const violation of results.violations) {
            found.push(
              `${viewport}/${colorScheme} ${violation.id} (${violation.impact}): ${violation.help}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
            )
          }
          if (colorScheme === 'light') await screenshot(page.page, entry.name, viewport)
        }
      }
      expect(found, found.join('\n')).toEqual([])
    })
  })
}

describe('Nu Html Checker', () => {
  it('reports no error and no warning on any console page', async () => {
    const { problems, canaryErrors } = await nuReport
    expect(canaryErrors, 'the canary page is reported: vnu ran and read the files').toBeGreaterThan(0)
    const found = Object.entries(problems).flatMap(([name, list]) => list.map((problem) => `${name}: ${problem}`))
    expect(found, found.join('\n')).toEqual([])
    expect(Object.keys(problems)).toEqual(PAGES.map(({ name }) => name))
  })
})
