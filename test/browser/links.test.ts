// Proves the site's link graph is closed and healthy: every sitemap entry answers 200, every internal link on
// every page (the 404 included) answers 200, nothing links to a page outside the sitemap, and each page's
// canonical link is its own sitemap URL. Links are read from the rendered DOM in Chromium.
import { describe, expect, it } from 'vitest'
import { NOT_FOUND_PATH, useSiteInChromium } from './harness.ts'

const live = useSiteInChromium()

describe('links', () => {
  it('every sitemap entry answers 200 with an HTML page whose canonical URL is that entry', async () => {
    const page = await live.browser.newPage()
    for (const path of live.site.pages) {
      const response = await page.goto(live.site.at(path))
      expect(response?.status(), path).toBe(200)
      expect(response?.headers()['content-type'], path).toContain('text/html')
      await expect(page.locator('link[rel="canonical"]').getAttribute('href'), path).resolves.toBe(live.site.at(path))
    }
    await page.close()
    // The sitemap and robots.txt point at the served origin.
    const robots = await (await fetch(live.site.at('/robots.txt'))).text()
    expect(robots).toContain(`Sitemap: ${live.site.at('/sitemap.xml')}`)
  })

  it('every internal link on every page answers 200 and stays inside the sitemap', async () => {
    const page = await live.browser.newPage()
    const targets = new Map<string, Set<string>>()
    const external: string[] = []
    for (const from of [...live.site.pages, NOT_FOUND_PATH]) {
      await page.goto(live.site.at(from))
      const hrefs = await page.locator('a[href], link[href]').evaluateAll((elements) =>
        elements.map((element) => ({
          rel: element.getAttribute('rel') ?? '',
          href: (element as HTMLAnchorElement).href,
        })),
      )
      expect(hrefs.length, `${from} has links`).toBeGreaterThan(0)
      for (const { rel, href } of hrefs) {
        const url = new URL(href)
        if (url.origin !== live.site.origin) {
          external.push(`${from} → ${href}`)
          continue
        }
        const target = url.pathname + url.search
        // A fragment on the same page (the skip link) is not a link to another page; pages.test.ts follows it.
        if (target === from && url.hash) continue
        const isPage = rel !== 'icon'
        if (!targets.has(target)) targets.set(target, new Set())
        targets.get(target)?.add(isPage ? 'page' : rel)
        if (isPage) {
          expect(live.site.pages, `${from} links to ${target}, which is not in the sitemap`).toContain(target)
        }
      }
    }
    await page.close()
    expect(external, 'links leaving the site').toEqual([])
    for (const [target] of targets) {
      const response = await fetch(live.site.at(target), { redirect: 'manual' })
      await response.body?.cancel()
      expect(response.status, `${target} answers`).toBe(200)
    }
    // Every sitemap page is reachable by a link, and the favicon was among the links checked.
    for (const path of live.site.pages) expect([...targets.keys()], `${path} is linked`).toContain(path)
    expect(targets.get('/favicon.svg')).toEqual(new Set(['icon']))
  })
})
