import { describe, expect, it } from 'vitest'
import { CHAPTERS, HOME, PAGES } from '../../../src/core/article/index.ts'
import { buildArticle, ContentError, parseArticleFile } from '../../../src/core/article/parse.ts'

const VALID = `---
slug: dosage-and-safety
order: 30
title: Dosage and Safety
navLabel: Dosage
description: How much, and how safely.
dateModified: 2026-11-24
---

Some text.
`

function withField(source: string, line: string, replacement: string): string {
  return source.replace(line, replacement)
}

describe('parseArticleFile', () => {
  it('reads front matter and renders the Markdown body', () => {
    const page = parseArticleFile('content/article/x.md', VALID)
    expect(page).toMatchObject({ slug: 'dosage-and-safety', order: 30, path: '/dosage-and-safety' })
    expect(page.html).toContain('<p>Some text.</p>')
  })

  it.each([
    ['slug', 'slug: dosage-and-safety\n'],
    ['title', 'title: Dosage and Safety\n'],
    ['description', 'description: How much, and how safely.\n'],
    ['dateModified', 'dateModified: 2026-11-24\n'],
  ])('rejects a file without "%s", naming the file', (field, line) => {
    expect(() => parseArticleFile('content/article/x.md', withField(VALID, line, ''))).toThrow(
      `content/article/x.md: missing "${field}" in front matter`,
    )
  })

  it('reads an optional author, and leaves it out when absent', () => {
    const withByline = VALID.replace('dateModified:', 'author: Jane Roe, RD\ndateModified:')
    expect(parseArticleFile('x.md', withByline)).toMatchObject({ author: 'Jane Roe, RD', dateModified: '2026-11-24' })
    const page = parseArticleFile('x.md', VALID)
    expect('author' in page && page.author !== undefined).toBe(false)
  })

  it.each([
    [
      'lastReviewed: 2026-11-24',
      'content/article/x.md: front matter field "lastReviewed" is no longer read; rename it "dateModified" (the date the words last changed); a review is recorded by a reviewer, not written here',
    ],
    [
      'reviewedBy: Sam Lee, MD',
      'content/article/x.md: front matter field "reviewedBy" is no longer read; remove it; a medical review is recorded by a reviewer through the console or the CLI',
    ],
  ])('refuses "%s", a claim of a review that only a reviewer can now make, saying what to do', (line, message) => {
    const source = VALID.replace('dateModified: 2026-11-24', `${line}\ndateModified: 2026-11-24`)
    expect(() => parseArticleFile('content/article/x.md', source)).toThrow(message)
  })

  it('rejects an empty page', () => {
    const source = VALID.replace('Some text.\n', '  \n')
    expect(() => parseArticleFile('content/article/empty.md', source)).toThrow(
      'content/article/empty.md: the page has no text below its front matter',
    )
  })

  it('rejects a file without front matter', () => {
    expect(() => parseArticleFile('content/article/bare.md', 'Just text')).toThrow(/bare\.md: no front matter/)
  })

  it('rejects unknown and repeated fields, bad slugs, orders and dates', () => {
    const cases: [string, RegExp][] = [
      [VALID.replace('order: 30', 'ordr: 30'), /unknown front matter field "ordr"/],
      [VALID.replace('order: 30', 'order: 30\norder: 31'), /field "order" appears twice/],
      [VALID.replace('slug: dosage-and-safety', 'slug: Dosage Safety'), /slug "Dosage Safety" must be lowercase/],
      [VALID.replace('slug: dosage-and-safety', 'slug: full-article'), /slug "full-article" is reserved/],
      [VALID.replace('order: 30', 'order: third'), /order "third" must be a whole number/],
      [VALID.replace('dateModified: 2026-11-24', 'dateModified: 24/11/2026'), /dateModified "24\/11\/2026"/],
      [VALID.replace('title: Dosage and Safety', '- title'), /line 4 is not "key: value"/],
      [VALID.replace('slug: dosage-and-safety', 'slug: global'), /slug "global" is reserved/],
      [
        VALID.replace('title: Dosage and Safety', `title: ${'T'.repeat(71)}`),
        /title is 71 characters long; shorten it to at most 70/,
      ],
    ]
    for (const [source, message] of cases) {
      expect(() => parseArticleFile('content/article/x.md', source)).toThrow(message)
    }
  })
})

describe('buildArticle', () => {
  const home = VALID.replace('slug: dosage-and-safety', 'slug: home').replace('order: 30', 'order: 0')

  it('orders pages by their order field', () => {
    const pages = buildArticle([
      { name: 'b.md', source: VALID },
      { name: 'a.md', source: home },
    ])
    expect(pages.map((page) => page.slug)).toEqual(['home', 'dosage-and-safety'])
  })

  it('rejects a duplicate slug, naming both files', () => {
    const twin = VALID.replace('order: 30', 'order: 40')
    expect(() =>
      buildArticle([
        { name: 'home.md', source: home },
        { name: 'one.md', source: VALID },
        { name: 'two.md', source: twin },
      ]),
    ).toThrow(new ContentError('two.md: duplicate slug "dosage-and-safety", already used by one.md'))
  })

  it('rejects a duplicate order', () => {
    const other = VALID.replace('slug: dosage-and-safety', 'slug: other')
    expect(() =>
      buildArticle([
        { name: 'home.md', source: home },
        { name: 'one.md', source: VALID },
        { name: 'two.md', source: other },
      ]),
    ).toThrow('two.md: duplicate order 30, already used by one.md')
  })

  it('rejects an article without a home page', () => {
    expect(() => buildArticle([{ name: 'one.md', source: VALID }])).toThrow(/no page has slug "home"/)
  })
})

describe('the bundled article', () => {
  it('is compiled from every Markdown file in content/article as it is now (else: npm run build:content)', () => {
    const sources = import.meta.glob<string>('../../../content/article/*.md', {
      query: '?raw',
      import: 'default',
      eager: true,
    })
    const files = Object.entries(sources).map(([path, source]) => ({ name: path.replace('../../../', ''), source }))
    expect(files).toHaveLength(5)
    expect(PAGES).toEqual(buildArticle(files))
  })

  it('has a home page, three sections and a conclusion, in reading order', () => {
    expect(PAGES[0]).toBe(HOME)
    expect(CHAPTERS.map((page) => page.path)).toEqual([
      '/understanding-muscle-soreness',
      '/exploring-kratom',
      '/dosage-and-safety',
      '/conclusion',
    ])
  })
})
