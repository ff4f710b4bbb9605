import { type Context, Hono } from 'hono'
import type { JSX } from 'hono/jsx/jsx-runtime'
import { type ArticlePage, CHAPTERS, FULL_ARTICLE, HOME } from '../../core/article/index.ts'
import { disclaimerTag, GLOBAL_TARGET } from '../../core/keys.ts'
import { pagesShowing, SITE_PAGES, type SitePage } from '../../core/site-map.ts'
import {
  BROWSER_PAGE_CACHE_CONTROL,
  createRenderCache,
  edgeCacheHeaders,
  matchesIfNoneMatch,
  NO_STORE,
  pageTag,
  strongEtag,
} from '../http/caching.ts'
import { type HeaderList, SECURITY_HEADERS } from '../http/security-headers.ts'
import { siteOrigin } from '../http/site-origin.ts'
import { type Background, type PageDisclaimers, type ReadDisclaimers, versionHeader } from '../reader.ts'
import { ChapterPage, FullArticlePage, HomePage, NotFoundPage, type PageProps } from '../views/pages.tsx'

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

function setDisclaimerHeaders(c: Context, disclaimers: PageDisclaimers): void {
  c.header('Disclaimer-Source', disclaimers.source)
  c.header('Disclaimer-Version', versionHeader(disclaimers))
}

/** A page of the site map with the view that draws it. */
export interface SiteView extends SitePage {
  view: (props: PageProps) => JSX.Element
}

/** Every page of the site map with its view, in the site map's order. */
export const SITE_VIEWS: readonly SiteView[] = SITE_PAGES.map((page) => ({ ...page, view: viewOf(page) }))

function viewOf(page: SitePage): SiteView['view'] {
  if (page.slug === HOME.slug) return (props) => <HomePage {...props} />
  if (page.slug === FULL_ARTICLE.slug) return (props) => <FullArticlePage {...props} />
  const chapter = CHAPTERS.find((entry) => entry.slug === page.slug) as ArticlePage
  return (props) => <ChapterPage page={chapter} {...props} />
}

/** The views of the pages that show a target's disclaimer (core/site-map.ts). */
export function viewsShowing(target: string): SiteView[] {
  const slugs = new Set(pagesShowing(target).map((page) => page.slug))
  return SITE_VIEWS.filter((page) => slugs.has(page.slug))
}

/** A page as it is served for one disclaimer text: its HTML, and every header of its 200 and of its 304. */
interface ServedPage {
  html: string
  etag: string
  ok: HeaderList
  notModified: HeaderList
}

async function servedPage(page: SiteView, props: PageProps, tags: readonly string[]): Promise<ServedPage> {
  const html = await toHtml(page.view(props))
  const etag = await strongEtag(html)
  const notModified: HeaderList = [
    ...edgeCacheHeaders(tags),
    ['ETag', etag],
    ['Disclaimer-Source', props.disclaimers.source],
    ['Disclaimer-Version', versionHeader(props.disclaimers)],
    ...SECURITY_HEADERS,
  ]
  return { html, etag, ok: [['Content-Type', 'text/html; charset=UTF-8'], ...notModified], notModified }
}

/** The 200 of a served page, or its 304 when the request's If-None-Match names it. */
function answer(c: Context, served: ServedPage): Response {
  if (matchesIfNoneMatch(c.req.header('If-None-Match'), served.etag)) {
    return new Response(null, { status: 304, headers: served.notModified })
  }
  return new Response(served.html, { headers: served.ok })
}

/**
 * The article's pages: each reads its disclaimers, is rendered once per distinct text with all its headers, answers
 * conditional GETs, and is cacheable at the edge under its own tag and the tag of every disclaimer it reads.
 */
export function pageRoutes(readDisclaimers: ReadDisclaimers) {
  const rendered = createRenderCache<ServedPage>()
  const app = new Hono<AppEnv>()
  for (const page of SITE_VIEWS) {
    const tags = [pageTag(page.slug), ...[GLOBAL_TARGET, ...page.notes].map(disclaimerTag)]
    // The reader answers with the same object until the text changes, so what it was served with is kept beside it:
    // a request then looks the page up by that object instead of by its text.
    const servedFor = new WeakMap<PageDisclaimers, { origin: string | undefined; served: ServedPage }>()
    const serve = async (c: Context<AppEnv>, origin: string | undefined, background: Background | undefined) => {
      const disclaimers = await readDisclaimers(c.env, page.notes, background)
      const key = `${page.path}\n${origin}\n${fingerprint(disclaimers)}`
      const served = await rendered(key, () => servedPage(page, { origin, disclaimers }, tags))
      servedFor.set(disclaimers, { origin, served })
      return answer(c, served)
    }
    app.get(page.path, (c) => {
      const origin = siteOrigin(c.env.SITE_ORIGIN)
      const background = backgroundOf(c)
      // Almost every request: the isolate holds the disclaimers and the page served with them, and answers at once.
      const cached = readDisclaimers.cached(c.env, page.notes, background)
      const known = cached && servedFor.get(cached)
      return known && known.origin === origin ? answer(c, known.served) : serve(c, origin, background)
    })
  }
  return app
}

/** The slugs of a page with only the global disclaimer (the 404, the console): one array, so its keys are worked out once. */
export const NO_PAGE_SLUGS: readonly string[] = []

/** The 404 page: the site's navigation and the global disclaimer; not kept by the render cache or the edge. */
export function notFoundPage(readDisclaimers: ReadDisclaimers) {
  return async (c: Context<AppEnv>) => {
    const disclaimers = await readDisclaimers(c.env, NO_PAGE_SLUGS, backgroundOf(c))
    c.header('Cache-Control', BROWSER_PAGE_CACHE_CONTROL)
    c.header('Cloudflare-CDN-Cache-Control', NO_STORE)
    setDisclaimerHeaders(c, disclaimers)
    return c.html(await toHtml(<NotFoundPage disclaimers={disclaimers} path={c.req.path} />), 404)
  }
}
