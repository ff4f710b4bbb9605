// The article as bundled into the Worker: pages compiled from content/article/*.md at build time
// (scripts/build-content.ts, run by wrangler before every build), so nothing is parsed at startup.

import { GENERATED_PAGE_HASHES, GENERATED_PAGES } from './pages.generated.ts'
import type { ArticlePage } from './parse.ts'
import { type FullArticle, fullArticleOf, type PageWords, wordsOfPages } from './words.ts'

export type { ArticlePage } from './parse.ts'
export type { FullArticle, PageSection, PageWords } from './words.ts'

/** Every page in reading order: the home page first, then the sections and the conclusion. */
export const PAGES: readonly ArticlePage[] = GENERATED_PAGES
export const HOME = PAGES.find((page) => page.path === '/') as ArticlePage
export const CHAPTERS: readonly ArticlePage[] = PAGES.filter((page) => page !== HOME)

export const FULL_ARTICLE: FullArticle = fullArticleOf(PAGES)

/** The words every page of the site serves, by slug (the full article's included). */
export const PAGE_WORDS: ReadonlyMap<string, PageWords> = wordsOfPages(PAGES)

/** Each page's content hash (core/article/page-hash.ts), made at build time from exactly PAGE_WORDS, by slug. */
export const PAGE_HASHES: ReadonlyMap<string, string> = new Map(Object.entries(GENERATED_PAGE_HASHES))
