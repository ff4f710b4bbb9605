import { type Context, Hono } from 'hono'
import type { JSX } from 'hono/jsx/jsx-runtime'
import { CHAPTERS, FULL_ARTICLE, HOME } from '../article/index.ts'
import { GLOBAL_TARGET } from '../disclaimer/keys.ts'
import { type Background, type PageDisclaimers, type ReadDisclaimers, versionHeader } from '../disclaimer/read.ts'
import {
  BROWSER_PAGE_CACHE_CONTROL,
  createRenderCache,
  disclaimerTag,
  matchesIfNoneMatch,
  NO_STORE,
  pageTag,
  setEdgeCacheable,
} from '../http/caching.ts'
import { siteOrigin } from '../http/site-origin.ts'
import { ChapterPage, FullArticlePage, HomePage, IN_BRIEF_NOTE_SLUG, NotFoundPage } from '../views/pages.tsx'

export type AppEnv = { Bindings: Env }

async function toHtml(element: JSX.Element): Promise<string> {
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

function setDisclaimerHeaders(c: Context, disclaimers: PageDisclaimers): void {
  c.header('Disclaimer-Source', disclaimers.source)
  c.header('Disclaimer-Version', versionHeader(disclaimers))
}

/**
 * The article's pages: each reads its disclaimers, renders once per distinct text, answers conditional GETs,
 * and is cacheable at the edge under its own tag and the tag of every disclaimer it reads.
 */
export function pageRoutes(readDisclaimers: ReadDisclaimers) {
  const rendered = createRenderCache()
  const app = new Hono<AppEnv>()

  async function sendPage(
    c: Context<AppEnv>,
    slug: string,
    slugs: readonly string[],
    view: (origin: string, disclaimers: PageDisclaimers) => JSX.Element,
  ) {
    const origin = siteOrigin(c.env.SITE_ORIGIN)
    const disclaimers = await readDisclaimers(c.env.DISCLAIMERS, slugs, backgroundOf(c))
    const key = `${c.req.path}\n${origin}\n${fingerprint(disclaimers)}`
    const page = await rendered(key, () => toHtml(view(origin, disclaimers)))
    setEdgeCacheable(c, [pageTag(slug), ...[GLOBAL_TARGET, ...slugs].map(disclaimerTag)])
    c.header('ETag', page.etag)
    setDisclaimerHeaders(c, disclaimers)
    if (matchesIfNoneMatch(c.req.header('If-None-Match'), page.etag)) return c.body(null, 304)
    return c.html(page.html)
  }

  app.get(HOME.path, (c) =>
    sendPage(c, HOME.slug, [HOME.slug, IN_BRIEF_NOTE_SLUG], (origin, disclaimers) => (
      <HomePage origin={origin} disclaimers={disclaimers} />
    )),
  )
  for (const page of CHAPTERS) {
    app.get(page.path, (c) =>
      sendPage(c, page.slug, [page.slug], (origin, disclaimers) => (
        <ChapterPage page={page} origin={origin} disclaimers={disclaimers} />
      )),
    )
  }
  const fullArticleSlugs = [FULL_ARTICLE.slug, ...CHAPTERS.map((page) => page.slug)]
  app.get(FULL_ARTICLE.path, (c) =>
    sendPage(c, FULL_ARTICLE.slug, fullArticleSlugs, (origin, disclaimers) => (
      <FullArticlePage origin={origin} disclaimers={disclaimers} />
    )),
  )
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
