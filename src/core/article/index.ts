// The article as bundled into the Worker: pages compiled from content/article/*.md at build time
// (scripts/build-content.ts, run by wrangler before every build), so nothing is parsed at startup.

import { GENERATED_PAGES } from './pages.generated.ts'
import type { ArticlePage } from './parse.ts'
import { FULL_ARTICLE_SLUG } from './slugs.ts'

export type { ArticlePage } from './parse.ts'

/** Every page in reading order: the home page first, then the sections and the conclusion. */
export const PAGES: readonly ArticlePage[] = GENERATED_PAGES
export const HOME = PAGES.find((page) => page.path === '/') as ArticlePage
export const CHAPTERS: readonly ArticlePage[] = PAGES.filter((page) => page !== HOME)

export const FULL_ARTICLE = {
  slug: FULL_ARTICLE_SLUG,
  path: `/${FULL_ARTICLE_SLUG}`,
  title: `${HOME.title}: the Full Article`,
  navLabel: 'Full article',
  description:
    'The whole article on kratom supplements and muscle soreness on one page, for reading start to finish or printing, with its health disclaimers.',
  lastReviewed: PAGES.map((page) => page.lastReviewed)
    .sort()
    .at(-1) as string,
}
