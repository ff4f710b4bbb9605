import { type Context, Hono } from 'hono'
import { SITE_PAGES } from '../../core/site-map.ts'
import {
  matchesIfNoneMatch,
  NO_STORE,
  pageTag,
  STATIC_CACHE_CONTROL,
  setEdgeCacheable,
  strongEtag,
} from '../http/caching.ts'
import { withSecurityHeaders } from '../http/security-headers.ts'
import { siteOrigin } from '../http/site-origin.ts'
import type { AppEnv } from './pages.tsx'

const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#2f5d3a"/><path d="M9 23c0-9 6-14 15-15-1 9-6 15-15 15zm0 0 8-8" fill="none" stroke="#fdfcf9" stroke-width="2.5" stroke-linecap="round"/></svg>`

const SITEMAP_ENTRIES = SITE_PAGES.map((page) => ({ path: page.path, lastmod: page.dateModified }))

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function sitemap(origin: string): string {
  const urls = SITEMAP_ENTRIES.map(
    (entry) => `<url><loc>${escapeXml(origin + entry.path)}</loc><lastmod>${entry.lastmod}</lastmod></url>`,
  ).join('')
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls}</urlset>\n`
}

/** Without a usable SITE_ORIGIN, robots.txt leaves the sitemap out (the sitemap can only list absolute addresses). */
function robots(origin: string | undefined): string {
  return origin === undefined
    ? 'User-agent: *\nAllow: /\n'
    : `User-agent: *\nAllow: /\n\nSitemap: ${origin}/sitemap.xml\n`
}

/** A file that depends only on the site's origin: its body and strong ETag, worked out once per origin. */
function perOrigin<Origin extends string | undefined>(build: (origin: Origin) => string) {
  const made = new Map<Origin, Promise<{ body: string; etag: string }>>()
  return (origin: Origin) => {
    let file = made.get(origin)
    if (!file) {
      const body = build(origin)
      file = strongEtag(body).then((etag) => ({ body, etag }))
      made.set(origin, file)
    }
    return file
  }
}

/** The file with its ETag, or 304 when the request's If-None-Match names it; cacheable at the edge under `tag`. */
async function served(c: Context<AppEnv>, file: { body: string; etag: string }, tag: string) {
  setEdgeCacheable(c, [pageTag(tag)])
  c.header('ETag', file.etag)
  if (matchesIfNoneMatch(c.req.header('If-None-Match'), file.etag)) return withSecurityHeaders(c.body(null, 304))
  return withSecurityHeaders(c.body(file.body))
}

/**
 * sitemap.xml, robots.txt and the favicon: small, static per origin, cacheable at the edge, with security headers.
 * While SITE_ORIGIN names no origin, the sitemap answers 503 (never kept) rather than list addresses taken from the
 * request.
 */
export function seoRoutes() {
  const app = new Hono<AppEnv>()
  const sitemapOf = perOrigin(sitemap)
  const robotsOf = perOrigin(robots)
  app.get('/sitemap.xml', async (c) => {
    const origin = siteOrigin(c.env.SITE_ORIGIN)
    if (origin === undefined) {
      c.header('Cache-Control', NO_STORE)
      c.header('Retry-After', '3600')
      return withSecurityHeaders(c.text("The sitemap is unavailable until the site's address is configured.", 503))
    }
    c.header('Content-Type', 'application/xml; charset=utf-8')
    return served(c, await sitemapOf(origin), 'sitemap')
  })
  app.get('/robots.txt', async (c) => {
    c.header('Content-Type', 'text/plain; charset=UTF-8')
    return served(c, await robotsOf(siteOrigin(c.env.SITE_ORIGIN)), 'robots')
  })
  app.get('/favicon.svg', (c) => {
    c.header('Content-Type', 'image/svg+xml; charset=utf-8')
    c.header('Cache-Control', STATIC_CACHE_CONTROL)
    return withSecurityHeaders(c.body(FAVICON))
  })
  return app
}
