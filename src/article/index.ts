// The article as bundled into the Worker, parsed once per isolate.
import home from '../../content/article/00-home.md'
import understanding from '../../content/article/10-understanding-muscle-soreness.md'
import exploring from '../../content/article/20-exploring-kratom.md'
import dosage from '../../content/article/30-dosage-and-safety.md'
import conclusion from '../../content/article/40-conclusion.md'
import { type ArticlePage, buildArticle, type ContentFile, HOME_SLUG } from './parse'

export type { ArticlePage } from './parse'

export const ARTICLE_FILES: readonly ContentFile[] = [
  { name: 'content/article/00-home.md', source: home },
  { name: 'content/article/10-understanding-muscle-soreness.md', source: understanding },
  { name: 'content/article/20-exploring-kratom.md', source: exploring },
  { name: 'content/article/30-dosage-and-safety.md', source: dosage },
  { name: 'content/article/40-conclusion.md', source: conclusion },
]

/** Every page in reading order: the home page first, then the sections and the conclusion. */
export const PAGES: readonly ArticlePage[] = buildArticle(ARTICLE_FILES)
export const HOME = PAGES.find((page) => page.slug === HOME_SLUG) as ArticlePage
export const CHAPTERS: readonly ArticlePage[] = PAGES.filter((page) => page !== HOME)

export const FULL_ARTICLE = {
  slug: 'full-article',
  path: '/full-article',
  title: `${HOME.title}: the Full Article`,
  navLabel: 'Full article',
  description:
    'The whole article on kratom supplements and muscle soreness on one page, for reading start to finish or printing, with its health disclaimers.',
  lastReviewed: PAGES.map((page) => page.lastReviewed)
    .sort()
    .at(-1) as string,
}
