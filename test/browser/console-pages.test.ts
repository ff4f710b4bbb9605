// Proves every page of the editor console, in each state an editor meets it, has zero axe-core violations (WCAG 2.2 A
// and AA) in light and dark at phone and desktop size, and zero Nu Html Checker errors and warnings; and writes a
// screenshot of each at both sizes to artifacts/console/. Each page is reached once, as editors reach it, with the
// two-person rule on; the checks then run on the page as it stands.
import axe from 'axe-core'
import type { Browser, BrowserContext, Page, Response } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  clearScreenshots,
  type EditorName,
  liveText,
  postForm,
  screenshot,
  screenshotList,
  seedVersions,
  signIn,
  startConsoleSite,
} from './console-harness.ts'
import { launchChromium, type Site, VIEWPORTS, type ViewportName } from './harness.ts'
import { checkHtml } from './nu-checker.ts'

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

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
    route: 'POST /console/disclaimers/:target/review',
    state: 'an editor whose session ended sends the edit form',
    status: 401,
    fragment: 'you are not signed in, or your session has expired',
  },
  {
    name: 'refused-cross-site',
    route: 'POST /console/disclaimers/:target/publish',
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
    route: 'POST /console/disclaimers/:target/review',
    state: 'alice sends a hidden character and a note that is too long',
    status: 422,
    fragment: /U\+200B at position 7[\s\S]*the note is 300 characters long/,
  },
  {
    name: 'review',
    route: 'POST /console/disclaimers/:target/review',
    state: 'alice reviews a valid draft',
    status: 200,
    fragment: '[inserted: ',
  },
  {
    name: 'preview',
    route: 'POST /console/disclaimers/:target/preview',
    state: 'alice previews the home page with her draft',
    status: 200,
    fragment: 'Preview, not live.',
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
    state: 'bob opens alice’s proposal',
    status: 200,
    fragment: 'Approve and publish',
  },
  {
    name: 'published',
    route: 'POST /console/proposals/:id/approve',
    state: 'bob approves it',
    status: 200,
    fragment: /v\d+ is live: KV holds it/,
  },
  {
    name: 'conflict',
    route: 'POST /console/disclaimers/:target/review',
    state: 'alice sends an edit form opened before another change went live',
    status: 409,
    fragment: 'Your text (not saved)',
  },
  {
    name: 'history-live-at',
    route: 'GET /console/disclaimers/:target/history?at=',
    state: 'alice asks what was live at a time',
    status: 200,
    fragment: /At \d{4}-\d\d-\d\d \d\d:\d\d UTC: v\d+, by bob[\s\S]*The second note on exploring kratom\./,
  },
  {
    name: 'rollback-confirm',
    route: 'GET /console/disclaimers/:target/rollback/:version',
    state: 'alice chooses to roll back to an earlier version',
    status: 200,
    fragment: /Yes, roll back to v\d+/,
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
const reached = new Map<string, Reached>()

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
    `<form method="post" action="${site.at('/console/disclaimers/global/publish')}"><input name="base" value="0"><input name="text" value="Written by another site."><button>Send</button></form>`,
  )
  await submit(hostile.page, 'Send')
  await hostile.keep('refused-cross-site')

  for (const editor of ['alice', 'bob', 'carol'] as const) {
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
  await submit(preview.page, 'Preview the home page')
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

  const approver = await newPage(contexts.bob)
  await approver.page.goto(site.at(proposalPath))
  await approver.keep('proposal-as-approver')

  const approve = await newPage(contexts.bob)
  await approve.page.goto(site.at(proposalPath))
  await submit(approve.page, 'Approve and publish')
  await approve.keep('published')
  expect(await liveText(site, 'global'), 'bob’s approval made alice’s draft live').toBe(draft)

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
  await history.page.getByLabel('What was live at (UTC)').fill(new Date().toISOString().slice(0, 19))
  await submit(history.page, 'Look it up')
  await history.keep('history-live-at')

  const rollback = await newPage(contexts.alice)
  await rollback.page.goto(site.at('/console/disclaimers/exploring-kratom/history'))
  await rollback.page.getByRole('link', { name: `Roll back to v${first}` }).click()
  await rollback.page.waitForURL(site.at(`/console/disclaimers/exploring-kratom/rollback/${first}`))
  await rollback.keep('rollback-confirm')
}

beforeAll(async () => {
  clearScreenshots()
  site = await startConsoleSite()
  browser = await launchChromium()
  await reachEveryPage()
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
    const documents: Record<string, string> = {}
    for (const { name } of PAGES) {
      const page = reached.get(name)
      if (!page) throw new Error(`${name} was not reached`)
      documents[name] = page.html
    }
    const { problems, canaryErrors } = await checkHtml(documents)
    expect(canaryErrors, 'the canary page is reported: vnu ran and read the files').toBeGreaterThan(0)
    const found = Object.entries(problems).flatMap(([name, list]) => list.map((problem) => `${name}: ${problem}`))
    expect(found, found.join('\n')).toEqual([])
    expect(Object.keys(problems)).toEqual(PAGES.map(({ name }) => name))
  })
})
