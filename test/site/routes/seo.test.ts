import { describe, expect, it, vi } from 'vitest'
import { request, SITE_PATHS } from '../../helpers.ts'

describe('GET /sitemap.xml', () => {
  it('lists every page at the configured origin', async () => {
    const res = await request('/sitemap.xml')
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe('application/xml; charset=utf-8')
    const xml = await res.text()
    const locs = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((match) => match[1])
    expect(locs).toEqual(SITE_PATHS.map((path) => `http://localhost:8787${path}`))
    expect(xml).toContain('<lastmod>2026-11-24</lastmod>')
  })
})

describe('GET /robots.txt', () => {
  it('allows crawling and points at the sitemap', async () => {
    const res = await request('/robots.txt')
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe('text/plain; charset=UTF-8')
    expect(await res.text()).toContain('Sitemap: http://localhost:8787/sitemap.xml')
  })
})

describe('GET /favicon.svg', () => {
  it('serves a cacheable SVG icon', async () => {
    const res = await request('/favicon.svg')
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe('image/svg+xml; charset=utf-8')
    expect(res.headers.get('Cache-Control')).toBe('public, max-age=86400')
    expect(await res.text()).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/)
  })
})

describe('edge caching of the sitemap and robots.txt', () => {
  it.each([
    ['/sitemap.xml', 'page:sitemap'],
    ['/robots.txt', 'page:robots'],
  ])('lets the edge keep %s, tagged, while browsers revalidate', async (path, tag) => {
    const res = await request(path)
    expect(res.headers.get('Cache-Control')).toBe('no-cache')
    expect(res.headers.get('Cloudflare-CDN-Cache-Control')).toBe('max-age=86400, stale-while-revalidate=86400')
    expect(res.headers.get('Cache-Tag')).toBe(tag)
  })
})

describe('the sitemap and robots.txt with a SITE_ORIGIN that is not a bare origin', () => {
  it('list the pages at the origin a SITE_ORIGIN with a trailing slash or a path means', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    for (const configured of ['https://kratom.example.org/', 'https://kratom.example.org/articles']) {
      const sitemap = await request('/sitemap.xml', {}, { SITE_ORIGIN: configured })
      expect(sitemap.status).toBe(200)
      const locs = [...(await sitemap.text()).matchAll(/<loc>([^<]+)<\/loc>/g)].map((match) => match[1])
      expect(locs).toEqual(SITE_PATHS.map((path) => `https://kratom.example.org${path}`))
      const robots = await request('/robots.txt', {}, { SITE_ORIGIN: configured })
      expect(robots.status).toBe(200)
      expect(await robots.text()).toBe('User-agent: *\nAllow: /\n\nSitemap: https://kratom.example.org/sitemap.xml\n')
    }
  })

  it('serve robots.txt without a sitemap, and no sitemap (503, never kept), while SITE_ORIGIN names no origin', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const robots = await request('/robots.txt', {}, { SITE_ORIGIN: '' })
    expect(robots.status).toBe(200)
    expect(await robots.text()).toBe('User-agent: *\nAllow: /\n')
    const sitemap = await request('/sitemap.xml', {}, { SITE_ORIGIN: '' })
    expect(sitemap.status).toBe(503)
    expect(sitemap.headers.get('Cache-Control')).toBe('no-store')
    expect(sitemap.headers.get('Retry-After')).toBe('3600')
    expect(await sitemap.text()).toBe("The sitemap is unavailable until the site's address is configured.")
  })
})

describe('conditional requests for the sitemap and robots.txt', () => {
  it.each(['/sitemap.xml', '/robots.txt'])(
    'sends %s with a strong ETag and answers If-None-Match with 304',
    async (path) => {
      const res = await request(path)
      const etag = res.headers.get('ETag') ?? ''
      expect(etag).toMatch(/^"[0-9a-f]{32}"$/)
      const again = await request(path, { headers: { 'If-None-Match': etag } })
      expect(again.status).toBe(304)
      expect(await again.text()).toBe('')
      expect(again.headers.get('ETag')).toBe(etag)
      expect(again.headers.get('Cache-Tag')).toBe(res.headers.get('Cache-Tag'))
      const other = await request(path, { headers: { 'If-None-Match': '"0123456789abcdef0123456789abcdef"' } })
      expect(other.status).toBe(200)
      expect(await other.text()).toBe(await res.text())
    },
  )
})
