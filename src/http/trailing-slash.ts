import type { MiddlewareHandler } from 'hono'
import { siteOrigin } from './site-origin.ts'

/**
 * `/page/` that would be a 404 becomes a 301 to `/page` on the configured origin. The Location is built from
 * SITE_ORIGIN and the path, never from the request's Host, so a forged Host cannot turn it into a redirect
 * elsewhere; extra leading slashes are collapsed so the path cannot name another host either.
 */
export const trimTrailingSlash: MiddlewareHandler<{ Bindings: { SITE_ORIGIN: string } }> = async (c, next) => {
  await next()
  const { method } = c.req
  // The path as sent, still percent-encoded: c.req.path is decoded, and a decoded NUL or non-ASCII letter is not
  // a valid header value.
  const { pathname, search } = new URL(c.req.url)
  if (c.res.status !== 404 || (method !== 'GET' && method !== 'HEAD') || !/.\/$/.test(pathname)) return
  const target = `/${pathname.replace(/^\/+/, '').replace(/\/+$/, '')}`
  c.res = c.redirect(`${siteOrigin(c.env.SITE_ORIGIN)}${target}${search}`, 301)
}
