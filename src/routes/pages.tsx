import { type Context, Hono } from 'hono'
import type { JSX } from 'hono/jsx/jsx-runtime'
import { CHAPTERS, FULL_ARTICLE, HOME } from '../article'
import type { PageDisclaimers, ReadDisclaimers } from '../disclaimer/read'
import { createRenderCache, matchesIfNoneMatch, PAGE_CACHE_CONTROL } from '../http/caching'
import { siteOrigin } from '../http/site-origin'
import { ChapterPage, FullArticlePage, HomePage, IN_BRIEF_NOTE_SLUG, NotFoundPage } from '../views/pages'

export type AppEnv = { Bindings: Env }

async function toHtml(element: JSX.Element): Promise<string> {
  return `<!DOCTYPE html>${await element.toString()}`
}

function fingerprint(disclaimers: PageDisclaimers): string {
  return JSON.stringify([disclaimers.global.paragraphs, ...disclaimers.pages])
}

/** The article's pages: each reads its disclaimers, renders once per distinct text, and answers conditional GETs. */
export function pageRoutes(readDisclaimers: ReadDisclaimers) {
  const rendered = createRenderCache()
  const app = new Hono<AppEnv>()

  async function sendPage(
    c: Context<AppEnv>,
    slugs: readonly string[],
    view: (origin: string, disclaimers: PageDisclaimers) => JSX.Element,
  ) {
    const origin = siteOrigin(c.env.SITE_ORIGIN)
    const disclaimers = await readDisclaimers(c.env.DISCLAIMERS, slugs)
    const key = `${c.req.path}\n${origin}\n${fingerprint(disclaimers)}`
    const page = await rendered(key, () => toHtml(view(origin, disclaimers)))
    c.header('Cache-Control', PAGE_CACHE_CONTROL)
    c.header('ETag', page.etag)
    c.header('X-Disclaimer-Source', disclaimers.source)
    if (matchesIfNoneMatch(c.req.header('If-None-Match'), page.etag)) return c.body(null, 304)
    return c.html(page.html)
  }

  app.get(HOME.path, (c) =>
    sendPage(c, [HOME.slug, IN_BRIEF_NOTE_SLUG], (origin, disclaimers) => (
      <HomePage origin={origin} disclaimers={disclaimers} />
    )),
  )
  for (const page of CHAPTERS) {
    app.get(page.path, (c) =>
      sendPage(c, [page.slug], (origin, disclaimers) => (
        <ChapterPage page={page} origin={origin} disclaimers={disclaimers} />
      )),
    )
  }
  const fullArticleSlugs = [FULL_ARTICLE.slug, ...CHAPTERS.map((page) => page.slug)]
  app.get(FULL_ARTICLE.path, (c) =>
    sendPage(c, fullArticleSlugs, (origin, disclaimers) => (
      <FullArticlePage origin={origin} disclaimers={disclaimers} />
    )),
  )
  return app
}

/** The 404 page: the site's navigation and the global disclaimer, never cached by the render cache. */
export function notFoundPage(readDisclaimers: ReadDisclaimers) {
  return async (c: Context<AppEnv>) => {
    const disclaimers = await readDisclaimers(c.env.DISCLAIMERS, [])
    c.header('Cache-Control', PAGE_CACHE_CONTROL)
    c.header('X-Disclaimer-Source', disclaimers.source)
    return c.html(await toHtml(<NotFoundPage disclaimers={disclaimers} path={c.req.path} />), 404)
  }
}
