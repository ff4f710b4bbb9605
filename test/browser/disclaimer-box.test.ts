// Hostile but valid disclaimer text (a 2,000-character word, 30 marks on a letter) stays in its box in Chromium.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  artifactDir,
  launchChromium,
  SEEDED_DISCLAIMERS,
  type Site,
  startSite,
  VIEWPORTS,
  type ViewportName,
} from './harness.ts'

// 30 non-starters per letter is the most the text rule allows (the Unicode stream-safe limit).
const MARKS_ABOVE = '\u0301\u0300\u0306'.repeat(10)
const MARKS_BELOW = '\u0316\u0317\u0323'.repeat(10)
const MARKS_THROUGH = '\u0301\u0336\u0316'.repeat(10)

/** Puts 30 marks on every letter, cycling above, below, and above-through-below. */
function stackMarks(words: string): string {
  let letter = 0
  const marks = [MARKS_ABOVE, MARKS_BELOW, MARKS_THROUGH]
  return [...words].map((char) => (char === ' ' ? char : char + marks[letter++ % marks.length])).join('')
}

const HOSTILE_TEXTS = [
  { name: 'one 2,000-character word', text: 'A'.repeat(2000) },
  { name: '30 combining marks on every letter', text: stackMarks('Zalgo text stays inside the box') },
  {
    name: 'a long address and stacked marks among ordinary sentences',
    text: [
      `${stackMarks('Read')} this first: talk to a doctor before you take kratom. Source:`,
      `https://example.com/${'0123456789abcdef'.repeat(64)}`,
      '\n\nThis closing sentence is ordinary text, and the label says the same',
      stackMarks('twice'),
    ].join(' '),
  },
]

interface Box {
  left: number
  top: number
  right: number
  bottom: number
  scrollWidth: number
  clientWidth: number
  /** Line boxes of the text that reach past the box's padding edge on either side. */
  linesOutside: number
}

/** The page's size and every disclaimer box, in page coordinates. */
function measure(page: Page) {
  return page.evaluate(() => {
    const boxes = [...document.querySelectorAll('.disclaimer')].map((box): Box => {
      const rect = box.getBoundingClientRect()
      const paddingLeft = rect.left + box.clientLeft
      const paddingRight = paddingLeft + box.clientWidth
      const range = document.createRange()
      range.selectNodeContents(box)
      const linesOutside = [...range.getClientRects()].filter(
        (line) => line.width > 0 && (line.left < paddingLeft - 0.5 || line.right > paddingRight + 0.5),
      ).length
      return {
        left: rect.left + scrollX,
        top: rect.top + scrollY,
        right: rect.right + scrollX,
        bottom: rect.bottom + scrollY,
        scrollWidth: box.scrollWidth,
        clientWidth: box.clientWidth,
        linesOutside,
      }
    })
    const root = document.documentElement
    return { scrollWidth: root.scrollWidth, innerWidth, height: root.scrollHeight, boxes }
  })
}

/** Compares two PNGs of the same size pixel by pixel, skipping the given boxes; decoded in a blank page. */
async function changedOutside(browser: Browser, a: Buffer, b: Buffer, boxes: Box[]) {
  const scratch = await browser.newPage()
  try {
    return await scratch.evaluate(
      async ({ a, b, boxes }) => {
        const pixels = async (base64: string) => {
          const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0))
          const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }))
          const context = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')
          if (!context) throw new Error('no 2d canvas')
          context.drawImage(bitmap, 0, 0)
          return context.getImageData(0, 0, bitmap.width, bitmap.height)
        }
        const [first, second] = [await pixels(a), await pixels(b)]
        // Pixels the box's own edges partly cover belong to the box.
        const skip = boxes.map((box) => ({
          x0: Math.floor(box.left),
          y0: Math.floor(box.top),
          x1: Math.ceil(box.right),
          y1: Math.ceil(box.bottom),
        }))
        let changed = 0
        const bounds = { left: Infinity, top: Infinity, right: -Infinity, bottom: -Infinity }
        for (let y = 0; y < first.height; y++) {
          for (let x = 0; x < first.width; x++) {
            if (skip.some((box) => x >= box.x0 && x < box.x1 && y >= box.y0 && y < box.y1)) continue
            const i = (y * first.width + x) * 4
            if (
              first.data[i] === second.data[i] &&
              first.data[i + 1] === second.data[i + 1] &&
              first.data[i + 2] === second.data[i + 2] &&
              first.data[i + 3] === second.data[i + 3]
            )
              continue
            changed++
            bounds.left = Math.min(bounds.left, x)
            bounds.top = Math.min(bounds.top, y)
            bounds.right = Math.max(bounds.right, x)
            bounds.bottom = Math.max(bounds.bottom, y)
          }
        }
        return { changed, bounds }
      },
      { a: a.toString('base64'), b: b.toString('base64'), boxes },
    )
  } finally {
    await scratch.close()
  }
}

const withoutSpace = (text: string) => text.normalize('NFC').replace(/\s+/g, '')

let browser: Browser
beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
})

describe.each(HOSTILE_TEXTS)('the disclaimer box holding $name', ({ name, text }) => {
  let site: Site
  beforeAll(async () => {
    site = await startSite()
    // Before the first page request: the Worker keeps a disclaimer it has read for 15 s.
    for (const key of Object.keys(SEEDED_DISCLAIMERS)) await site.kv.put(key, text)
  })
  afterAll(async () => {
    await site?.stop()
  })

  it.each(Object.keys(VIEWPORTS) as ViewportName[])('keeps the text inside the box at %s size', async (viewport) => {
    const context = await browser.newContext({ viewport: VIEWPORTS[viewport] })
    try {
      const page = await context.newPage()
      await page.goto(site.at('/'))
      await page.evaluate(async () => {
        await document.fonts.ready
      })
      const layout = await measure(page)
      const global = await page.$eval('h1 + .disclaimer', (box) => box.textContent ?? '')
      expect(withoutSpace(global), 'the page shows the KV text, not the bundled default').toContain(withoutSpace(text))
      expect(layout.boxes.length).toBeGreaterThan(0)

      expect.soft(layout.scrollWidth, 'the page scrolls sideways').toBe(layout.innerWidth)
      for (const [index, box] of layout.boxes.entries()) {
        expect.soft(box.scrollWidth, `disclaimer box ${index + 1} hides text sideways`).toBe(box.clientWidth)
        expect.soft(box.linesOutside, `disclaimer box ${index + 1}: lines reaching past its edge`).toBe(0)
      }

      // A screenshot covers the viewport only, and a full-page one would be as wide as the overflow.
      await page.setViewportSize({ width: layout.innerWidth, height: layout.height })
      const { boxes } = await measure(page)
      const shot = () => page.screenshot({ animations: 'disabled' })
      const withText = await shot()
      // Hiding the boxes keeps the layout: what changes outside them is what they painted there.
      await page.$$eval('.disclaimer', (boxes) => {
        for (const box of boxes) (box as HTMLElement).style.visibility = 'hidden'
      })
      const withoutText = await shot()
      const diff = await changedOutside(browser, withText, withoutText, boxes)
      if (diff.changed > 0) {
        const dir = artifactDir('disclaimer-box')
        const file = `${name.replace(/[^a-z0-9]+/gi, '-')}-${viewport}`
        writeFileSync(join(dir, `${file}.png`), withText)
        writeFileSync(join(dir, `${file}-hidden.png`), withoutText)
      }
      const { left, top, right, bottom } = diff.bounds
      expect
        .soft(
          diff.changed,
          `pixels painted outside the disclaimer boxes, within x ${left}–${right}, y ${top}–${bottom}`,
        )
        .toBe(0)
    } finally {
      await context.close()
    }
  })
})
