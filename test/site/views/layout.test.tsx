import type { MedicalWebPage, WithContext } from 'schema-dts'
import { describe, expect, it } from 'vitest'
import { PAGES } from '../../../src/core/article/index.ts'
import type { PageReview } from '../../../src/core/reviews.ts'
import { BUNDLED_DISCLAIMERS } from '../../../src/site/reader.ts'
import {
  documentTitle,
  formatDate,
  Layout,
  MAX_DOCUMENT_TITLE,
  type PageMeta,
  pageJsonLd,
  SITE_NAME,
} from '../../../src/site/views/layout.tsx'
import { request, SITE_PATHS } from '../../helpers.ts'

describe('the page footer', () => {
  it('says when the words of every page last changed, as the content says, and claims no review', async () => {
    for (const page of PAGES) {
      const html = await (await request(page.path)).text()
      const [year, month, day] = page.dateModified.split('-').map(Number)
      const expected = new Date(Date.UTC(year as number, (month as number) - 1, day)).toLocaleDateString('en-GB', {
        year: 'numeric',
        month: 'long',
        day: 'numeric',
        timeZone: 'UTC',
      })
      expect(html).toContain(`Updated <time datetime="${page.dateModified}">${expected}</time>`)
      expect(html).not.toMatch(/reviewed/i)
    }
  })

  it('writes dates as day, month and year', () => {
    expect(formatDate('2026-12-07')).toBe('7 December 2026')
    expect(formatDate('2027-01-31')).toBe('31 January 2027')
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
  const meta: PageMeta = { path: '/x', title: 'T', heading: 'T', description: 'D', dateModified: '2026-11-24' }
  const review: PageReview = {
    page: 'x',
    hash: 'a'.repeat(64),
    name: 'Dr. Ana Lee',
    credentials: 'MD, toxicology',
    at: '2026-12-07T15:00:00.000Z',
    date: '2026-12-07',
  }

  it('is absent when the page names no author or reviewer', async () => {
    const html = await (
      <Layout meta={meta} disclaimers={BUNDLED_DISCLAIMERS} origin="https://kratom.test" />
    ).toString()
    expect(html).not.toContain('class="byline"')
    expect(html).not.toContain('"author"')
  })

  it('names the author and the medical reviewer with credentials and date, on the page and in the JSON-LD', async () => {
    const html = await (
      <Layout
        meta={{ ...meta, author: 'Jane Roe, RD', review }}
        disclaimers={BUNDLED_DISCLAIMERS}
        origin="https://kratom.test"
      />
    ).toString()
    expect(html).toContain(
      '<p class="byline">By Jane Roe, RD. Medically reviewed by Dr. Ana Lee, MD, toxicology, on <time datetime="2026-12-07">7 December 2026</time>.</p>',
    )
    const jsonLd = JSON.parse(/<script type="application\/ld\+json">([^<]*)<\/script>/.exec(html)?.[1] ?? '{}')
    expect(jsonLd.author).toEqual({ '@type': 'Person', name: 'Jane Roe, RD' })
    expect(jsonLd.reviewedBy).toEqual({ '@type': 'Person', name: 'Dr. Ana Lee', honorificSuffix: 'MD, toxicology' })
    expect(jsonLd.lastReviewed).toBe('2026-12-07')
    expect(jsonLd.dateModified).toBe('2026-11-24')
  })

  it('renders a reviewer’s name and credentials as text, in the page and inside the JSON-LD script', async () => {
    const hostile = { ...review, name: '</script><script>alert(1)</script>', credentials: '<b>MD</b> & "PhD"' }
    const html = await (
      <Layout meta={{ ...meta, review: hostile }} disclaimers={BUNDLED_DISCLAIMERS} origin="https://kratom.test" />
    ).toString()
    expect(html).toContain(
      'Medically reviewed by &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;, &lt;b&gt;MD&lt;/b&gt; &amp; &quot;PhD&quot;, on',
    )
    const script = /<script type="application\/ld\+json">(.*?)<\/script>/s.exec(html)?.[1] ?? ''
    expect(script).not.toContain('<')
    expect(JSON.parse(script).reviewedBy.name).toBe('</script><script>alert(1)</script>')
    expect(html.match(/<script/g)).toHaveLength(1)
  })
})

describe('the JSON-LD', () => {
  it('is a schema.org MedicalWebPage as schema-dts types it, with reviewedBy and lastReviewed when reviewed', () => {
    const reviewed: WithContext<MedicalWebPage> = pageJsonLd({ ...meta(), review: REVIEW }, 'https://kratom.test')
    const unreviewed: WithContext<MedicalWebPage> = pageJsonLd(meta(), 'https://kratom.test')
    // A literal typed by schema-dts (so no property schema.org lacks can be in it), equal to what pages serve.
    const expected: WithContext<MedicalWebPage> = {
      '@context': 'https://schema.org',
      '@type': 'MedicalWebPage',
      name: 'T',
      headline: 'T',
      description: 'D',
      url: 'https://kratom.test/x',
      inLanguage: 'en',
      dateModified: '2026-11-24',
      lastReviewed: '2026-12-07',
      reviewedBy: { '@type': 'Person', name: 'Dr. Ana Lee', honorificSuffix: 'MD, toxicology' },
      isPartOf: { '@type': 'WebSite', name: SITE_NAME, url: 'https://kratom.test/' },
    }
    expect(reviewed).toEqual(expected)
    expect(Object.keys(unreviewed)).not.toContain('reviewedBy')
    expect(Object.keys(unreviewed)).not.toContain('lastReviewed')
    // The check bites: schema.org's Person has no "credentials" property, so schema-dts refuses one.
    const wrong: WithContext<MedicalWebPage> = {
      '@context': 'https://schema.org',
      '@type': 'MedicalWebPage',
      // @ts-expect-error: not a property of Person
      reviewedBy: { '@type': 'Person', name: 'Dr. Ana Lee', credentials: 'MD' },
    }
    expect(wrong['@type']).toBe('MedicalWebPage')
  })
})

function meta(): PageMeta {
  return { path: '/x', title: 'T', heading: 'T', description: 'D', dateModified: '2026-11-24' }
}

const REVIEW: PageReview = {
  page: 'x',
  hash: 'a'.repeat(64),
  name: 'Dr. Ana Lee',
  credentials: 'MD, toxicology',
  at: '2026-12-07T15:00:00.000Z',
  date: '2026-12-07',
}
