// The site's map, in one place: every address a visitor can read, in reading order, and which disclaimers each
// shows. Pages, the sitemap, the console's previews and the ledger's list of targets all read it.
import { CHAPTERS, FULL_ARTICLE, HOME, PAGE_HASHES } from './article/index.ts'
import { GLOBAL_TARGET, keyOf } from './keys.ts'

/** The summary names a dose, so it carries the dosage page's safety note; pages showing it must read that key. */
export const IN_BRIEF_NOTE_SLUG = 'dosage-and-safety'

export interface SitePage {
  slug: string
  path: string
  title: string
  navLabel: string
  /** When the page's words last changed, as the content says (YYYY-MM-DD). */
  dateModified: string
  /** The content hash of the words it serves (core/article/page-hash.ts), made at build time. */
  hash: string
  /** The page notes this page shows beside the global disclaimer (their slugs, each a target of its own). */
  notes: readonly string[]
}

/** Every page, in reading order: the home page, the chapters, then the whole article on one page. */
export const SITE_PAGES: readonly SitePage[] = [
  { ...HOME, notes: [HOME.slug, IN_BRIEF_NOTE_SLUG] },
  ...CHAPTERS.map((page) => ({ ...page, notes: [page.slug] })),
  { ...FULL_ARTICLE, notes: [FULL_ARTICLE.slug, ...CHAPTERS.map((page) => page.slug)] },
].map((page) => ({ ...page, hash: PAGE_HASHES.get(page.slug) as string }))

export function sitePage(slug: string): SitePage | undefined {
  return SITE_PAGES.find((page) => page.slug === slug)
}

/**
 * What editors can change: "global" (on every page) and each page's note. A page with a file in
 * content/disclaimers has a bundled default; the others show no note until edited.
 */
export const TARGETS: readonly string[] = [GLOBAL_TARGET, ...SITE_PAGES.map((page) => page.slug)]

/** Every target's KV key, in the order of TARGETS. */
export const TARGET_KEYS: readonly string[] = TARGETS.map(keyOf)

export function isTarget(name: string): boolean {
  return TARGETS.includes(name)
}

/** The pages that show the disclaimer of a target: every page for "global", else the pages showing its note. */
export function pagesShowing(target: string): SitePage[] {
  return SITE_PAGES.filter((page) => target === GLOBAL_TARGET || page.notes.includes(target))
}

/** How a target is named to editors, in the console and in messages. */
export function targetLabel(target: string): string {
  if (target === GLOBAL_TARGET) return 'The global disclaimer (on every page)'
  const page = SITE_PAGES.find((entry) => entry.slug === target)
  return `The note on “${page?.navLabel ?? target}”`
}
