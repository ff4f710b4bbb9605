// Proves every page, the 404 included, has zero axe-core violations for WCAG 2.0/2.1 A and AA and WCAG 2.2 AA,
// at phone and desktop size, in light and dark mode (colour contrast is checked in both schemes).
import axe from 'axe-core'
import { describe, expect, it } from 'vitest'
import { NOT_FOUND_PATH, useSiteInChromium, VIEWPORTS, type ViewportName } from './harness.ts'

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

declare global {
  interface Window {
    axe: typeof axe
  }
}

const live = useSiteInChromium()

describe('axe-core', () => {
  for (const viewport of Object.keys(VIEWPORTS) as ViewportName[]) {
    for (const colorScheme of ['light', 'dark'] as const) {
      it(`finds no violation on any page (${viewport}, ${colorScheme})`, async () => {
        const context = await live.browser.newContext({ viewport: VIEWPORTS[viewport], colorScheme })
        const page = await context.newPage()
        const found: Record<string, string[]> = {}
        for (const path of [...live.site.pages, NOT_FOUND_PATH]) {
          await page.goto(live.site.at(path))
          // Evaluated over the DevTools protocol, so the page's CSP (no scripts at all) does not block it.
          await page.evaluate(axe.source)
          const results = await page.evaluate(
            (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
            TAGS,
          )
          // The run really checked this page: the rules that always apply here passed.
          expect(results.passes.map((rule) => rule.id)).toEqual(
            expect.arrayContaining(['document-title', 'html-has-lang', 'color-contrast', 'link-name']),
          )
          found[path] = results.violations.map(
            (violation) =>
              `${violation.id} (${violation.impact}): ${violation.help}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
          )
        }
        await context.close()
        console.log(
          `axe ${viewport}/${colorScheme}: ${Object.entries(found)
            .map(([path, violations]) => `${path} ${violations.length}`)
            .join(', ')}`,
        )
        expect(found).toEqual(Object.fromEntries([...live.site.pages, NOT_FOUND_PATH].map((path) => [path, []])))
      })
    }
  }
})
