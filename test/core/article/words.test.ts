import { describe, expect, it } from 'vitest'
import { CHAPTERS, FULL_ARTICLE, HOME, PAGE_HASHES, PAGE_WORDS, PAGES } from '../../../src/core/article/index.ts'
import { pageHash } from '../../../src/core/article/page-hash.ts'
import { wordsOfPages } from '../../../src/core/article/words.ts'
import { SITE_PAGES } from '../../../src/core/site-map.ts'

describe('article/words', () => {
  it('gives each page its own words, and the full article the home page’s and every chapter’s in order', () => {
    expect(PAGE_WORDS.get('conclusion')).toEqual({
      slug: 'conclusion',
      title: 'Conclusion',
      description: PAGES.at(-1)?.description,
      sections: [{ slug: 'conclusion', title: 'Conclusion', html: PAGES.at(-1)?.html }],
    })
    expect(PAGE_WORDS.get(HOME.slug)?.sections).toEqual([
      { slug: 'home', title: HOME.title, summary: HOME.summary, html: HOME.html },
    ])
    const full = PAGE_WORDS.get(FULL_ARTICLE.slug)
    expect(full?.title).toBe('Kratom Supplements and Muscle Soreness: the Full Article')
    expect(full?.sections.map((section) => section.slug)).toEqual([HOME.slug, ...CHAPTERS.map((page) => page.slug)])
  })

  it('bundles the hash of exactly each page’s words, one for every page of the site', async () => {
    expect([...PAGE_HASHES.keys()]).toEqual(SITE_PAGES.map((page) => page.slug))
    for (const [slug, words] of PAGE_WORDS) expect(PAGE_HASHES.get(slug), slug).toBe(await pageHash(words))
  })

  it('hashes the canonical JSON of the words, so one changed sentence changes that page and the full article only', async () => {
    const changed = PAGES.map((page) =>
      page.slug === 'conclusion' ? { ...page, html: page.html.replace('game-changer', 'help') } : page,
    )
    const before = new Map<string, string>()
    for (const [slug, words] of wordsOfPages(PAGES)) before.set(slug, await pageHash(words))
    const differ: string[] = []
    for (const [slug, words] of wordsOfPages(changed))
      if ((await pageHash(words)) !== before.get(slug)) differ.push(slug)
    expect(differ).toEqual(['conclusion', 'full-article'])
  })

  it('is SHA-256 of {"page": words} in RFC 8785 canonical JSON (keys sorted), so anyone can recompute it', async () => {
    const words = { title: 'T', slug: 'x', sections: [{ title: 'T', html: '<p>é</p>', slug: 'x' }], description: 'D' }
    // node -e: sha256('{"page":{"description":"D","sections":[{"html":"<p>é</p>","slug":"x","title":"T"}],"slug":"x","title":"T"}}')
    expect(await pageHash(words)).toBe('041eb1c57425f64ffc25dcef5160d97f44107825ee298dd6981d1c23bf7d2dc9')
  })
})
