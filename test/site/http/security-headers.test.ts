import { describe, expect, it, vi } from 'vitest'
import { createApp } from '../../../src/index.ts'
import { bearer } from '../../fixtures/editors.ts'
import { request } from '../../helpers.ts'

// Obsolete: browsers ignore them, or (X-XSS-Protection) misapply them, so none is sent.
const OBSOLETE = [
  'X-XSS-Protection',
  'X-DNS-Prefetch-Control',
  'X-Download-Options',
  'X-Permitted-Cross-Domain-Policies',
]

function checkHeaders(res: Response) {
  const csp = res.headers.get('Content-Security-Policy') ?? ''
  expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]{43}='; img-src 'self'; /)
  for (const directive of ["base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'", "object-src 'none'"]) {
    expect(csp).toContain(directive)
  }
  expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|script-src/)
  const hsts = /max-age=(\d+)/.exec(res.headers.get('Strict-Transport-Security') ?? '')
  expect(Number(hsts?.[1])).toBeGreaterThanOrEqual(31_536_000)
  expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff')
  expect(res.headers.get('Referrer-Policy')).toBe('no-referrer')
  expect(res.headers.get('X-Frame-Options')).toBe('DENY')
  expect(res.headers.get('Permissions-Policy')).toContain('camera=()')
  for (const header of OBSOLETE) expect(res.headers.get(header), header).toBeNull()
}

describe('security headers', () => {
  it.each([
    ['a page', '/', {}, 200],
    ['the 404 page', '/missing', {}, 404],
    ['a 405', '/', { method: 'POST' }, 405],
    ['the sitemap', '/sitemap.xml', {}, 200],
    ['robots.txt', '/robots.txt', {}, 200],
    ['the favicon', '/favicon.svg', {}, 200],
    ['a redirect', '/conclusion/', {}, 301],
    [
      'an admin API answer',
      '/admin/whoami',
      { headers: { ...bearer('alice'), 'CF-Connecting-IP': '192.0.2.40' } },
      200,
    ],
    ['an admin API refusal', '/admin/whoami', { headers: { 'CF-Connecting-IP': '192.0.2.41' } }, 401],
  ])('are on %s', async (_, path, init, status) => {
    const res = await request(path, init)
    expect(res.status).toBe(status)
    checkHeaders(res)
  })

  it('are on every route the app has, so a new route cannot leave them out', async () => {
    const paths = new Set(createApp().routes.map((route) => route.path.replace(/\/\*$/, '')))
    expect(paths.size).toBeGreaterThan(8)
    for (const path of paths) {
      const res = await request(path)
      expect(res.headers.get('Content-Security-Policy'), path).toMatch(/^default-src 'none'; /)
      expect(res.headers.get('X-Frame-Options'), path).toBe('DENY')
    }
  })

  it('are on a 304', async () => {
    const etag = (await request('/')).headers.get('ETag') as string
    const res = await request('/', { headers: { 'If-None-Match': etag } })
    expect(res.status).toBe(304)
    checkHeaders(res)
  })

  it('are on the 500 page', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const app = createApp()
    app.get('/fails', () => {
      throw new Error('a route that fails')
    })
    const res = await request('/fails', {}, {}, app)
    expect(res.status).toBe(500)
    checkHeaders(res)
  })

  it('allow exactly the inline stylesheet by its hash', async () => {
    const res = await request('/')
    const html = await res.text()
    const css = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? ''
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(css))
    const hash = btoa(String.fromCharCode(...new Uint8Array(digest)))
    expect(res.headers.get('Content-Security-Policy')).toContain(`style-src 'sha256-${hash}'`)
  })
})

describe('cross-origin isolation headers', () => {
  it('are not sent with a public page, which runs no script; embedding by other sites stays refused', async () => {
    const res = await request('/conclusion')
    expect(res.headers.get('Cross-Origin-Opener-Policy')).toBeNull()
    expect(res.headers.get('Cross-Origin-Embedder-Policy')).toBeNull()
    expect(res.headers.get('Cross-Origin-Resource-Policy')).toBe('same-origin')
  })

  it('keep the console, where an editor is signed in, out of other origins’ windows', async () => {
    const res = await request('/console/sign-in')
    expect(res.status).toBe(200)
    expect(res.headers.get('Cross-Origin-Opener-Policy')).toBe('same-origin')
    expect(res.headers.get('Cross-Origin-Embedder-Policy')).toBe('require-corp')
    expect(res.headers.get('Cross-Origin-Resource-Policy')).toBe('same-origin')
  })
})
