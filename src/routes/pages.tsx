import { type Context, Hono } from 'hono'
import type { JSX } from 'hono/jsx/jsx-runtime'
import { CHAPTERS, FULL_ARTICLE, HOME } from '../article/index.ts'
import { disclaimerTag, GLOBAL_TARGET } from '../disclaimer/keys.ts'
import { type Background, type PageDisclaimers, type ReadDisclaimers, versionHeader } from '../disclaimer/read.ts'
import {
  BROWSER_PAGE_CACHE_CONTROL,
  createRenderCache,
  matchesIfNoneMatch,
  NO_STORE,
  pageTag,
  setEdgeCacheable,
} from '../http/caching.ts'
import { siteOrigin } from '../http/site-origin.ts'
import {
  ChapterPage,
  FullArticlePage,
  HomePage,
  IN_BRIEF_NOTE_SLUG,
  NotFoundPage,
  type PageProps,
} from '../views/pages.tsx'

export type AppEnv = { Bindings: Env }

export async function toHtml(element: JSX.Element): Promise<string> {
  return `<!DOCTYPE html>${await element.toString()}`
}

function fingerprint(disclaimers: PageDisclaimers): string {
  return JSON.stringify([disclaimers.global, ...disclaimers.pages])
}

/** The request's own `waitUntil`, for work that must not delay the response; none when served without one. */
export function backgroundOf(c: Context): Background | undefined {
  try {
    const ctx = c.executionCtx
    return (work) => ctx.waitUntil(work)
  } catch {
    return undefined
  }
}

export function setDisclaimerHeaders(c: Context, disclaimers: PageDisclaimers): void {
  c.header('Disclaimer-Source', disclaimers.source)
  c.header('Disclaimer-Version', versionHeader(disclaimers))
}

export interface SitePage {
  path: string
  slug: string
  /** The page slugs whose disclaimer keys this page reads (the global key is always read too). */
  slugs: readonly string[]
  view: (props: PageProps) => JSX.Element
}

/** Every page of the sitemap: where it is, which disclaimers it shows, and how it is drawn. */
export const SITE_VIEWS: readonly SitePage[] = [
  {
    path: HOME.path,
    slug: HOME.slug,
    slugs: [HOME.slug, IN_BRIEF_NOTE_SLUG],
    view: (props) => <HomePage {...props} />,
  },
  ...CHAPTERS.map((page) => ({
    path: page.path,
    slug: page.slug,
    slugs: [page.slug],
    view: (props: PageProps) => <ChapterPage page={page} {...props} />,
  })),
  {
    path: FULL_ARTICLE.path,
    slug: FULL_ARTICLE.slug,
    slugs: [FULL_ARTICLE.slug, ...CHAPTERS.map((page) => page.slug)],
    view: (props) => <FullArticlePage {...props} />,
  },
]

/** The pages that show the disclaimer of a target: every page for "global", else the pages reading its key. */
export function pagesShowing(target: string): SitePage[] {
  return SITE_VIEWS.filter((page) => target === GLOBAL_TARGET || page.slugs.includes(target))
}

/**
 * The article's pages: each reads its disclaimers, renders once per distinct text, answers conditional GETs,
 * and is cacheable at the edge under its own tag and the tag of every disclaimer it reads.
 */
export function pageRoutes(readDisclaimers: ReadDisclaimers) {
  const rendered = createRenderCache()
  const app = new Hono<AppEnv>()
  for (const page of SITE_VIEWS) {
    app.get(page.path, async (c) => {
      const origin = siteOrigin(c.env.SITE_ORIGIN)
      const disclaimers = await readDisclaimers(c.env.DISCLAIMERS, page.slugs, backgroundOf(c))
      const key = `${page.path}\n${origin}\n${fingerprint(disclaimers)}`
      const html = await rendered(key, () => toHtml(page.view({ origin, disclaimers })))
      setEdgeCacheable(c, [pageTag(page.slug), ...[GLOBAL_TARGET, ...page.slugs].map(disclaimerTag)])
      c.header('ETag', html.etag)
      setDisclaimerHeaders(c, disclaimers)
      if (matchesIfNoneMatch(c.req.header('If-None-Match'), html.etag)) return c.body(null, 304)
      return c.html(html.html)
    })
  }
  return app
}

/** The 404 page: the site's navigation and the global disclaimer; not kept by the render cache or the edge. */
export function notFoundPage(readDisclaimers: ReadDisclaimers) {
  return async (c: Context<AppEnv>) => {
    const disclaimers = await readDisclaimers(c.env.DISCLAIMERS, [], backgroundOf(c))
    c.header('Cache-Control', BROWSER_PAGE_CACHE_CONTROL)
    c.header('Cloudflare-CDN-Cache-Control', NO_STORE)
    setDisclaimerHeaders(c, disclaimers)
    return c.html(await toHtml(<NotFoundPage disclaimers={disclaimers} path={c.req.path} />), 404)
  }
}
