import { env } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import { createApp } from '../../../src/index.ts'
import { request } from '../../helpers.ts'

const ORIGIN = env.SITE_ORIGIN

/** A request whose URL (and so its Host) is whatever the client put on the wire. */
function requestAt(url: string, init: RequestInit = {}, bindings: Partial<Env> = {}) {
  return createApp().request(url, init, { ...env, ...bindings })
}

describe('trailingSlashRedirect', () => {
  it('redirects a page with a trailing slash to the page on the configured origin, keeping the query', async () => {
    const res = await request('/conclusion/?ref=mail')
    expect(res.status).toBe(301)
    expect(res.headers.get('Location')).toBe(`${ORIGIN}/conclusion?ref=mail`)
  })

  it('builds the Location from SITE_ORIGIN, whatever it is set to', async () => {
    const res = await request('/exploring-kratom/', {}, { SITE_ORIGIN: 'https://kratom.example.org' })
    expect(res.status).toBe(301)
    expect(res.headers.get('Location')).toBe('https://kratom.example.org/exploring-kratom')
  })

  it('redirects to the path alone, never to the request’s host, while SITE_ORIGIN names no origin', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const res = await requestAt('https://evil.example/conclusion/?ref=mail', {}, { SITE_ORIGIN: '' })
    expect(res.status).toBe(301)
    expect(res.headers.get('Location')).toBe('/conclusion?ref=mail')
  })

  it('never echoes a forged Host header', async () => {
    const res = await request('/conclusion/', { headers: { Host: 'evil.example' } })
    expect(res.status).toBe(301)
    expect(res.headers.get('Location')).toBe(`${ORIGIN}/conclusion`)
  })

  it.each(['https://evil.example/conclusion/', 'http://evil.example:8080/conclusion/?a=1'])(
    'never echoes the host of an absolute-form request to %s',
    async (url) => {
      const res = await requestAt(url, { headers: { Host: 'evil.example' } })
      expect(res.status).toBe(301)
      const location = res.headers.get('Location') ?? ''
      expect(location.startsWith(`${ORIGIN}/conclusion`)).toBe(true)
      expect(location).not.toContain('evil.example')
    },
  )

  it.each([
    ['//evil.example/', `${ORIGIN}/evil.example`],
    ['//evil.example//', `${ORIGIN}/evil.example`],
    ['///evil.example/x/', `${ORIGIN}/evil.example/x`],
    ['/\\evil.example/', `${ORIGIN}/evil.example`],
  ])('keeps %s on the site instead of naming another host', async (path, location) => {
    const res = await request(path)
    expect(res.status).toBe(301)
    expect(res.headers.get('Location')).toBe(location)
    expect(new URL(res.headers.get('Location') ?? '').origin).toBe(ORIGIN)
  })

  it.each([
    ['a NUL', '/%00/', `${ORIGIN}/%00`],
    ['a non-ASCII letter', '/caf%C3%A9/', `${ORIGIN}/caf%C3%A9`],
    ['a bidi override', '/%E2%80%AE/', `${ORIGIN}/%E2%80%AE`],
    ['an encoded slash', '/%2F%2Fevil.example/', `${ORIGIN}/%2F%2Fevil.example`],
  ])('keeps %s percent-encoded in the Location instead of failing', async (_, path, location) => {
    const res = await request(path)
    expect(res.status).toBe(301)
    expect(res.headers.get('Location')).toBe(location)
  })

  it('leaves a page that exists alone', async () => {
    const res = await request('/')
    expect(res.status).toBe(200)
    expect(res.headers.get('Location')).toBeNull()
  })

  it('does not redirect a write, which would lose its body', async () => {
    const res = await request('/conclusion/', { method: 'POST' })
    expect(res.status).not.toBe(301)
    expect(res.headers.get('Location')).toBeNull()
  })

  it('redirects HEAD as it does GET', async () => {
    const res = await request('/conclusion/', { method: 'HEAD' })
    expect(res.status).toBe(301)
    expect(res.headers.get('Location')).toBe(`${ORIGIN}/conclusion`)
  })
})
