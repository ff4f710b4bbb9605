import { Hono } from 'hono'
import { SITE_PAGES } from '../../core/site-map.ts'
import { NO_STORE, pageTag, STATIC_CACHE_CONTROL, setEdgeCacheable } from '../http/caching.ts'
import { withSecurityHeaders } from '../http/security-headers.ts'
import { siteOrigin } from '../http/site-origin.ts'
import type { AppEnv } from './pages.tsx'

const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#2f5d3a"/><path d="M9 23c0-9 6-14 15-15-1 9-6 15-15 15zm0 0 8-8" fill="none" stroke="#fdfcf9" stroke-width="2.5" stroke-linecap="round"/></svg>`

const SITEMAP_ENTRIES = SITE_PAGES.map((page) => ({ path: page.path, lastmod: page.lastReviewed }))

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/**
 * sitemap.xml, robots.txt and the favicon: small, static per origin, cacheable at the edge, with security headers.
 * While SITE_ORIGIN names no origin, robots.txt leaves out the sitemap and the sitemap, which can only list absolute
 * addresses, answers 503 (never kept) rather than list addresses taken from the request.
 */
export function seoRoutes() {
  const app = new Hono<AppEnv>()
  app.get('/sitemap.xml', (c) => {
    const origin = siteOrigin(c.env.SITE_ORIGIN)
    if (origin === undefined) {
      c.header('Cache-Control', NO_STORE)
      c.header('Retry-After', '3600')
      return withSecurityHeaders(c.text("The sitemap is unavailable until the site's address is configured.", 503))
    }
    const urls = SITEMAP_ENTRIES.map(
      (entry) => `<url><loc>${escapeXml(origin + entry.path)}</loc><lastmod>${entry.lastmod}</lastmod></url>`,
    ).join('')
    c.header('Content-Type', 'application/xml; charset=utf-8')
    setEdgeCacheable(c, [pageTag('sitemap')])
    return withSecurityHeaders(
      c.body(
        `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls}</urlset>\n`,
      ),
    )
  })
  app.get('/robots.txt', (c) => {
    const origin = siteOrigin(c.env.SITE_ORIGIN)
    setEdgeCacheable(c, [pageTag('robots')])
    const sitemap = origin === undefined ? '' : `\nSitemap: ${origin}/sitemap.xml\n`
    return withSecurityHeaders(c.text(`User-agent: *\nAllow: /\n${sitemap}`))
  })
  app.get('/favicon.svg', (c) => {
    c.header('Content-Type', 'image/svg+xml; charset=utf-8')
    c.header('Cache-Control', STATIC_CACHE_CONTROL)
    return withSecurityHeaders(c.body(FAVICON))
  })
  return app
}
