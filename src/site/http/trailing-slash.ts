import type { Context } from 'hono'
import { siteOrigin } from './site-origin.ts'

/**
 * For a GET or HEAD of `/page/` that no route answers, a 301 to `/page` on the configured origin (or, while SITE_ORIGIN
 * names none, to the path alone); undefined for any other request. The Location is built from SITE_ORIGIN and the
 * path, never from the request's Host, so a forged Host cannot turn it into a redirect elsewhere; extra leading
 * slashes are collapsed so the path cannot name another host either.
 */
export function trailingSlashRedirect<E extends { Bindings: { SITE_ORIGIN: string } }>(
  c: Context<E>,
): Response | undefined {
  const { method } = c.req
  if (method !== 'GET' && method !== 'HEAD') return undefined
  // The path as sent, still percent-encoded: c.req.path is decoded, and a decoded NUL or non-ASCII letter is not
  // a valid header value.
  const { pathname, search } = new URL(c.req.url)
  if (!/.\/$/.test(pathname)) return undefined
  const target = `/${pathname.replace(/^\/+/, '').replace(/\/+$/, '')}`
  return c.redirect(`${siteOrigin(c.env.SITE_ORIGIN) ?? ''}${target}${search}`, 301)
}
