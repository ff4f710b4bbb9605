// What each page of the site says: its words as one value, the same at build time (where its hash is made), in the
// Worker, in the ledger's record and in a preview of the page as it read at a time. Pure: pages in, values out.
import type { ArticlePage } from './parse.ts'
import { FULL_ARTICLE_SLUG, HOME_SLUG } from './slugs.ts'

/** One part of a page: a Markdown file's words as compiled (its title, the home page's summary, its HTML). */
export interface PageSection {
  slug: string
  title: string
  summary?: string
  html: string
}

/**
 * The words a page serves: its title and description, then its sections (one for the home page and a chapter; the
 * home page's and every chapter's for the full article). The page's content hash is made from exactly this.
 */
export interface PageWords {
  slug: string
  title: string
  description: string
  sections: PageSection[]
}

/** The whole article on one page: what it is called, and when its newest part last changed. */
export interface FullArticle {
  slug: string
  path: string
  title: string
  navLabel: string
  description: string
  dateModified: string
}

export function fullArticleOf(pages: readonly ArticlePage[]): FullArticle {
  const home = pages.find((page) => page.slug === HOME_SLUG) as ArticlePage
  return {
    slug: FULL_ARTICLE_SLUG,
    path: `/${FULL_ARTICLE_SLUG}`,
    title: `${home.title}: the Full Article`,
    navLabel: 'Full article',
    description:
      'The whole article on kratom supplements and muscle soreness on one page, for reading start to finish or printing, with its health disclaimers.',
    dateModified: pages
      .map((page) => page.dateModified)
      .sort()
      .at(-1) as string,
  }
}

function sectionOf(page: ArticlePage): PageSection {
  return { slug: page.slug, title: page.title, ...(page.summary && { summary: page.summary }), html: page.html }
}

/** The words of every page of the site, by slug: each page's own, and the full article's made of them all. */
export function wordsOfPages(pages: readonly ArticlePage[]): Map<string, PageWords> {
  const words = new Map<string, PageWords>()
  for (const page of pages) {
    words.set(page.slug, {
      slug: page.slug,
      title: page.title,
      description: page.description,
      sections: [sectionOf(page)],
    })
  }
  const full = fullArticleOf(pages)
  words.set(full.slug, {
    slug: full.slug,
    title: full.title,
    description: full.description,
    sections: pages.map(sectionOf),
  })
  return words
}
