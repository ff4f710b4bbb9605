import { describe, expect, it } from 'vitest'
import { PAGES } from '../../../src/core/article/index.ts'
import { BUNDLED_DISCLAIMERS } from '../../../src/site/reader.ts'
import { documentTitle, Layout, MAX_DOCUMENT_TITLE, SITE_NAME } from '../../../src/site/views/layout.tsx'
import { request, SITE_PATHS } from '../../helpers.ts'

describe('the page footer', () => {
  it('spells out the review date of every page in English', async () => {
    for (const page of PAGES) {
      const html = await (await request(page.path)).text()
      const [year, month, day] = page.lastReviewed.split('-').map(Number)
      const expected = new Date(Date.UTC(year as number, (month as number) - 1, day)).toLocaleDateString('en-US', {
        year: 'numeric',
        month: 'long',
        day: 'numeric',
        timeZone: 'UTC',
      })
      expect(html).toContain(`Last reviewed <time datetime="${page.lastReviewed}">${expected}</time>`)
    }
  })
})

describe('the document title', () => {
  it('is at most 70 characters on every page, and never names the site twice', async () => {
    for (const path of SITE_PATHS) {
      const html = await (await request(path)).text()
      const title = /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? ''
      expect(title.length, path).toBeLessThanOrEqual(MAX_DOCUMENT_TITLE)
      expect(title.split(SITE_NAME).length - 1, path).toBeLessThanOrEqual(1)
    }
  })

  it('adds the site name only where it fits and is not already there', () => {
    expect(documentTitle({ path: '/conclusion', title: 'Conclusion' })).toBe(`Conclusion | ${SITE_NAME}`)
    expect(documentTitle({ path: '/x', title: 'Dosage and Safety Considerations for Optimal Results' })).toBe(
      'Dosage and Safety Considerations for Optimal Results',
    )
    expect(documentTitle({ path: '/full-article', title: `${SITE_NAME}: the Full Article` })).toBe(
      `${SITE_NAME}: the Full Article`,
    )
  })
})

describe('the byline', () => {
  const meta = { path: '/x', title: 'T', heading: 'T', description: 'D', lastReviewed: '2026-11-24' }

  it('is absent when the page names no author or reviewer', async () => {
    const html = await (
      <Layout meta={meta} disclaimers={BUNDLED_DISCLAIMERS} origin="https://kratom.test" />
    ).toString()
    expect(html).not.toContain('class="byline"')
    expect(html).not.toContain('"author"')
  })

  it('names the author and the medical reviewer, on the page and in the JSON-LD', async () => {
    const html = await (
      <Layout
        meta={{ ...meta, author: 'Jane Roe, RD', reviewedBy: 'Sam Lee, MD' }}
        disclaimers={BUNDLED_DISCLAIMERS}
        origin="https://kratom.test"
      />
    ).toString()
    expect(html).toContain('<p class="byline">By Jane Roe, RD. Medically reviewed by Sam Lee, MD.</p>')
    const jsonLd = JSON.parse(/<script type="application\/ld\+json">([^<]*)<\/script>/.exec(html)?.[1] ?? '{}')
    expect(jsonLd.author).toEqual({ '@type': 'Person', name: 'Jane Roe, RD' })
    expect(jsonLd.reviewedBy).toEqual({ '@type': 'Person', name: 'Sam Lee, MD' })
  })
})
