// Conditional GET for rendered pages, and the isolate-level cache of rendered HTML.

/** Pages revalidate on every view: the disclaimer on them can change at any time. */
export const PAGE_CACHE_CONTROL = 'no-cache'
export const STATIC_CACHE_CONTROL = 'public, max-age=86400'

export interface RenderedPage {
  html: string
  etag: string
}

async function strongEtag(body: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body))
  const hex = [...new Uint8Array(digest).slice(0, 16)].map((byte) => byte.toString(16).padStart(2, '0')).join('')
  return `"${hex}"`
}

/** True when an If-None-Match header lists this ETag (weak comparison, as RFC 9110 asks for GET). */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false
  if (header.trim() === '*') return true
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)
}

/**
 * Renders each distinct (page, disclaimer text) once per isolate and keeps the HTML with its ETag.
 * Bounded: the cache is emptied when it holds `limit` entries.
 */
export function createRenderCache(limit = 64) {
  const pages = new Map<string, Promise<RenderedPage>>()
  return function rendered(key: string, render: () => Promise<string>): Promise<RenderedPage> {
    let page = pages.get(key)
    if (!page) {
      if (pages.size >= limit) pages.clear()
      page = render().then(async (html) => ({ html, etag: await strongEtag(html) }))
      // A failed render is not kept, so the next request tries again.
      page.catch(() => pages.delete(key))
      pages.set(key, page)
    }
    return page
  }
}
