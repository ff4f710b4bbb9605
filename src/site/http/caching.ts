// Who may keep a response and for how long, conditional requests, and the isolate's cache of rendered HTML.
import type { Context } from 'hono'
import { sha256Hex } from '../../core/keys.ts'
import type { HeaderList } from './security-headers.ts'

/** Browsers revalidate every view with the ETag: the disclaimer on a page can change at any time. */
export const BROWSER_PAGE_CACHE_CONTROL = 'no-cache'
/**
 * Workers Cache (Cloudflare's cache in front of this Worker) keeps pages a day and may serve a stale copy while it
 * revalidates; a change to a disclaimer purges the pages that show it by tag, so the lifetime never delays an edit.
 * Sent as Cloudflare-CDN-Cache-Control, which only Cloudflare reads, so browsers keep `no-cache`.
 */
export const EDGE_PAGE_CACHE_CONTROL = 'max-age=86400, stale-while-revalidate=86400'
export const STATIC_CACHE_CONTROL = 'public, max-age=86400'
export const NO_STORE = 'no-store'

export { pageTag } from '../../core/keys.ts'

/** The headers that make a response cacheable at the edge under `tags` and revalidated by browsers. */
export function edgeCacheHeaders(tags: readonly string[]): HeaderList {
  return [
    ['Cache-Control', BROWSER_PAGE_CACHE_CONTROL],
    ['Cloudflare-CDN-Cache-Control', EDGE_PAGE_CACHE_CONTROL],
    ['Cache-Tag', tags.join(',')],
  ]
}

/** Cacheable at the edge under `tags`, revalidated by browsers. */
export function setEdgeCacheable(c: Context, tags: readonly string[]): void {
  for (const [name, value] of edgeCacheHeaders(tags)) c.header(name, value)
}

/** A strong ETag naming exactly this body: the first 32 hex digits of its SHA-256. */
export async function strongEtag(body: string): Promise<string> {
  return `"${(await sha256Hex(body)).slice(0, 32)}"`
}

function entityTags(header: string): string[] {
  return header
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean)
}

/** True when an If-None-Match header lists this ETag (weak comparison, as RFC 9110 13.1.2 asks for GET). */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false
  if (header.trim() === '*') return true
  const opaque = etag.replace(/^W\//, '')
  return entityTags(header).some((tag) => tag.replace(/^W\//, '') === opaque)
}

/**
 * RFC 9110 13.1.1: true when If-Match allows a write to a resource whose current strong ETag is `etag`
 * (null when it has no current representation). `*` matches any current representation; otherwise any tag in
 * the list must match by strong comparison, so a weak tag (W/"…") never matches.
 */
export function matchesIfMatch(header: string, etag: string | null): boolean {
  if (header.trim() === '*') return etag !== null
  return etag !== null && entityTags(header).some((tag) => tag === etag)
}

/**
 * Builds each distinct key's value (a page rendered for one disclaimer text) once per isolate and keeps it. A build
 * that fails is not kept, so the next request builds again. Bounded: emptied when it holds `limit` entries.
 */
export function createRenderCache<T>(limit = 64) {
  const pages = new Map<string, Promise<T>>()
  return function rendered(key: string, build: () => Promise<T>): Promise<T> {
    let page = pages.get(key)
    if (!page) {
      if (pages.size >= limit) pages.clear()
      page = build()
      page.catch(() => pages.delete(key))
      pages.set(key, page)
    }
    return page
  }
}
