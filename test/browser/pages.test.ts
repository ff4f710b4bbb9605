// Proves, in real headless Chromium, that every page (sitemap + 404) loads cleanly at phone and desktop size,
// every header/nav/pager link leads to a working page, the disclaimer is in the first viewport, the dosage
// note sits next to the dosage guidance, dark mode and print stay readable, and a KV edit shows within 16 s.
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { contrast, luminance, parseColour } from './colour.ts'
import {
  artifactDir,
  NOT_FOUND_PATH,
  pageName,
  startSite,
  useSiteInChromium,
  VIEWPORTS,
  type ViewportName,
} from './harness.ts'

const live = useSiteInChromium()

interface Problems {
  console: string[]
  failed: string[]
}

/** Opens a page and records console errors, page errors, failed requests and error responses. */
async function openPage(
  viewport: ViewportName,
  options: {
    colorScheme?: 'light' | 'dark' /** Leaving a page by a click cancels its late requests (the favicon). */
    allowAborted?: boolean
  } = {},
) {
  const context = await live.browser.newContext({ viewport: VIEWPORTS[viewport], colorScheme: options.colorScheme })
  const page = await context.newPage()
  const problems: Problems = { console: [], failed: [] }
  page.on('console', (message) => {
    // Chromium logs every 4xx document; on the 404 page that one line is the page working as intended.
    const notFoundDocument =
      message.location().url === live.site.at(NOT_FOUND_PATH) && /status of 404 \(Not Found\)$/.test(message.text())
    if ((message.type() === 'error' || message.type() === 'warning') && !notFoundDocument) {
      problems.console.push(`${message.type()}: ${message.text()} (${message.location().url})`)
    }
  })
  page.on('pageerror', (error) => problems.console.push(`pageerror: ${error.message}`))
  page.on('requestfailed', (request) => {
    const error = request.failure()?.errorText
    if (!(options.allowAborted && error === 'net::ERR_ABORTED')) problems.failed.push(`${request.url()}: ${error}`)
  })
  page.on('response', (response) => {
    const isNotFoundDocument =
      response.request().isNavigationRequest() && response.url() === live.site.at(NOT_FOUND_PATH)
    if (response.status() >= 400 && !(isNotFoundDocument && response.status() === 404)) {
      problems.failed.push(`${response.url()}: HTTP ${response.status()}`)
    }
  })
  return { page, problems, close: () => context.close() }
}

async function documentStatus(page: Page): Promise<number> {
  return page.evaluate(
    () => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).responseStatus,
  )
}

/** Text colour and the first opaque background behind it, for the first few elements matching each selector. */
async function colourPairs(page: Page, selectors: string[]) {
  return page.evaluate((selectors) => {
    const pairs: { selector: string; text: string; color: string; background: string }[] = []
    for (const selector of selectors) {
      for (const element of [...document.querySelectorAll(selector)].slice(0, 3)) {
        const style = getComputedStyle(element)
        if (style.display === 'none' || style.visibility === 'hidden') continue
        let background = 'rgba(0, 0, 0, 0)'
        for (let node: Element | null = element; node; node = node.parentElement) {
          const bg = getComputedStyle(node).backgroundColor
          if (!/rgba\(.*,\s*0\)$/.test(bg) && bg !== 'transparent') {
            background = bg
            break
          }
        }
        pairs.push({ selector, text: (element.textContent ?? '').trim().slice(0, 40), color: style.color, background })
      }
    }
    return pairs
  }, selectors)
}

const TEXT_SELECTORS = ['h1', 'main p', 'main a', '.site-name', '.site-nav a', '.disclaimer p', '.site-footer p']

function lowContrast(pairs: Awaited<ReturnType<typeof colourPairs>>, minimum = 4.5) {
  return pairs
    .map((pair) => ({ ...pair, ratio: Number(contrast(pair.color, pair.background).toFixed(2)) }))
    .filter((pair) => pair.ratio < minimum)
}

describe('every page', () => {
  const pages = () => [...live.site.pages, NOT_FOUND_PATH]

  for (const viewport of Object.keys(VIEWPORTS) as ViewportName[]) {
    it(`loads on a ${viewport} with no console error or failed request, disclaimer in the first viewport`, async () => {
      expect(live.site.pages).toContain('/')
      const screenshots = artifactDir('screenshots')
      for (const path of pages()) {
        const { page, problems, close } = await openPage(viewport)
        const response = await page.goto(live.site.at(path), { waitUntil: 'load' })
        expect(response?.status(), path).toBe(path === NOT_FOUND_PATH ? 404 : 200)
        await page.screenshot({ path: join(screenshots, `${pageName(path)}-${viewport}.png`), fullPage: true })

        const note = page.locator('[data-disclaimer="disclaimer"]')
        await expect(note.count(), `${path}: one global disclaimer`).resolves.toBe(1)
        expect(await note.isVisible(), `${path}: disclaimer visible`).toBe(true)
        const box = await note.boundingBox()
        const { height, width } = VIEWPORTS[viewport]
        expect(box, `${path}: disclaimer has a box`).not.toBeNull()
        if (box) {
          expect(box.y, `${path}: disclaimer top on ${viewport}`).toBeGreaterThanOrEqual(0)
          expect(box.y + box.height, `${path}: disclaimer bottom on ${viewport}`).toBeLessThanOrEqual(height)
          expect(box.x + box.width, `${path}: disclaimer fits the width`).toBeLessThanOrEqual(width)
          // Nothing is painted over it: the element at its centre is the note or inside it.
          const onTop = await page.evaluate(
            ({ x, y }) =>
              document.elementFromPoint(x, y)?.closest('[data-disclaimer]')?.getAttribute('data-disclaimer'),
            { x: box.x + box.width / 2, y: box.y + box.height / 2 },
          )
          expect(onTop, `${path}: disclaimer not covered`).toBe('disclaimer')
        }
        await expect(note.textContent()).resolves.toContain('not medical advice')
        // No horizontal scrolling at this width.
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth)
        expect(scrollWidth, `${path}: no horizontal scroll`).toBeLessThanOrEqual(width)

        await close()
        expect(problems, `${path} on ${viewport}`).toEqual({ console: [], failed: [] })
      }
    })
  }

  it('has header, navigation and pager links that all lead to a working page', async () => {
    // Every link on every page must take a click there (Playwright's trial click: visible, still, not covered, the
    // element the pointer hits); a page a link leads to is the same whichever page links to it, so each address is
    // then followed by a real click once per size.
    let followed = 0
    for (const viewport of Object.keys(VIEWPORTS) as ViewportName[]) {
      const clicked = new Set<string>()
      for (const path of pages()) {
        const { page, problems, close } = await openPage(viewport, { allowAborted: true })
        await page.goto(live.site.at(path))
        const links = page.locator('header a[href], nav a[href]')
        const hrefs = await links.evaluateAll((anchors) => anchors.map((a) => (a as HTMLAnchorElement).href))
        expect(hrefs.length, `${path}: navigation links`).toBeGreaterThanOrEqual(live.site.pages.length)
        for (let index = 0; index < hrefs.length; index++) await links.nth(index).click({ trial: true })
        for (const [index, href] of hrefs.entries()) {
          if (clicked.has(href)) continue
          clicked.add(href)
          await page.goto(live.site.at(path))
          await links.nth(index).click()
          await page.waitForURL(href)
          expect(await documentStatus(page), `${path} → ${href} on ${viewport}`).toBe(200)
          await expect(page.locator('h1').textContent()).resolves.not.toBe('')
          await expect(page.locator('[aria-current="page"]').getAttribute('href')).resolves.toBe(new URL(href).pathname)
          followed++
        }
        // The skip link moves focus to the article.
        await page.goto(live.site.at(path))
        await page.keyboard.press('Tab')
        await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Skip to the article')
        await page.keyboard.press('Enter')
        await expect(page.evaluate(() => location.hash)).resolves.toBe('#main')
        await close()
        expect(problems, `${path} on ${viewport}`).toEqual({ console: [], failed: [] })
      }
      // Every page of the sitemap was followed to at this size.
      expect([...clicked].map((href) => new URL(href).pathname).sort()).toEqual([...live.site.pages].sort())
    }
    expect(followed).toBe(2 * live.site.pages.length)
  })

  it('is readable in dark mode: dark background, every text colour at least 4.5:1', async () => {
    for (const path of pages()) {
      const { page, close } = await openPage('desktop', { colorScheme: 'dark' })
      await page.goto(live.site.at(path))
      const body = await page.evaluate(() => getComputedStyle(document.body).backgroundColor)
      expect(luminance(parseColour(body)), `${path}: dark background`).toBeLessThan(0.05)
      const pairs = await colourPairs(page, TEXT_SELECTORS)
      expect(pairs.length).toBeGreaterThanOrEqual(TEXT_SELECTORS.length)
      expect(lowContrast(pairs), `${path} in dark mode`).toEqual([])
      await close()
    }
  })

  it('prints readably: disclaimer shown, navigation hidden, black on white', async () => {
    for (const path of pages()) {
      const { page, close } = await openPage('desktop')
      await page.goto(live.site.at(path))
      await page.emulateMedia({ media: 'print' })
      const note = page.locator('[data-disclaimer="disclaimer"]')
      expect(await note.isVisible(), `${path}: disclaimer printed`).toBe(true)
      await expect(note.textContent()).resolves.toContain('not medical advice')
      expect(await page.locator('.site-nav').isVisible(), `${path}: navigation not printed`).toBe(false)
      const pairs = await colourPairs(page, TEXT_SELECTORS)
      expect(lowContrast(pairs, 7), `${path} in print`).toEqual([])
      // A real print to PDF works too.
      const pdf = await page.pdf({ format: 'A4' })
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-')
      await close()
    }
  })
})

describe('dosage guidance', () => {
  it('always has the dosage safety note right before it, at phone and desktop size', async () => {
    let checked = 0
    for (const viewport of Object.keys(VIEWPORTS) as ViewportName[]) {
      for (const path of [...live.site.pages, NOT_FOUND_PATH]) {
        const { page, close } = await openPage(viewport)
        await page.goto(live.site.at(path))
        // Any paragraph or list item that names an amount (e.g. "1-3 grams", "5 g") is dosage guidance.
        const placements = await page.evaluate(() =>
          [...document.querySelectorAll('main p, main li')]
            .filter((element) =>
              /\b\d+(?:\.\d+)?\s*(?:(?:-|–|to)\s*\d+(?:\.\d+)?\s*)?(?:grams?|g|mg)\b/i.test(element.textContent ?? ''),
            )
            .map((guidance) => {
              const note = guidance.previousElementSibling
              const gap = note ? guidance.getBoundingClientRect().top - note.getBoundingClientRect().bottom : null
              return {
                guidance: (guidance.textContent ?? '').slice(0, 60),
                note: note?.getAttribute('data-disclaimer') ?? note?.tagName ?? null,
                noteText: note?.textContent ?? '',
                gap,
              }
            }),
        )
        if (path === '/dosage-and-safety') expect(placements.length, 'dosage guidance found').toBeGreaterThan(0)
        for (const placement of placements) {
          const where = `${path} on ${viewport}: "${placement.guidance}…"`
          expect(placement.note, where).toBe('disclaimer:dosage-and-safety')
          expect(placement.noteText, where).toContain('not a recommended or safe dose')
          expect(placement.gap, where).toBeGreaterThanOrEqual(0)
          expect(placement.gap, where).toBeLessThanOrEqual(48)
          checked++
        }
        await close()
      }
    }
    console.log(`dosage guidance checked: ${checked} (page × viewport × paragraph)`)
  })
})

describe('a disclaimer changed in KV', () => {
  it('appears within the documented local bound (15 s isolate cache, no KV edge cache locally) + 1 s', async () => {
    // A fresh server, so the first view below fills an empty isolate cache just before the write: the worst case.
    const fresh = await startSite()
    const context = await live.browser.newContext({ viewport: VIEWPORTS.desktop })
    const page = await context.newPage()
    const close = async () => {
      await context.close()
      await fresh.stop()
    }
    const note = page.locator('[data-disclaimer="disclaimer"]')
    await page.goto(fresh.at('/'))
    await expect(note.textContent()).resolves.toContain('not medical advice')
    const text = `Edited at ${new Date().toISOString()}: this is a test disclaimer, not medical advice.`
    await fresh.kv.put('disclaimer', text)
    const written = Date.now()
    let seenAfter: number | undefined
    let staleViews = 0
    while (Date.now() - written < 20_000) {
      const response = await page.reload()
      if ((await note.textContent())?.includes(text)) {
        seenAfter = Date.now() - written
        expect(response?.headers()['disclaimer-source']).toBe('kv')
        break
      }
      staleViews++
      await page.waitForTimeout(100)
    }
    console.log(`KV edit visible after ${seenAfter} ms (${staleViews} stale views first)`)
    expect(seenAfter, 'new disclaimer shown').toBeDefined()
    expect(seenAfter).toBeLessThanOrEqual(16_000)
    // Every page shows it now, and the 404 too.
    for (const path of [...fresh.pages, NOT_FOUND_PATH]) {
      await page.goto(fresh.at(path))
      await expect(note.textContent(), path).resolves.toContain(text)
    }
    await close()
  })
})
