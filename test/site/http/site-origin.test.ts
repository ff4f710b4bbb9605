import { afterEach, describe, expect, it, vi } from 'vitest'
import { siteOrigin } from '../../../src/site/http/site-origin.ts'

afterEach(() => vi.restoreAllMocks())

describe('siteOrigin', () => {
  it.each(['https://example.com', 'http://localhost:8787', 'https://kratom.example.org'])(
    'answers the bare origin %s as it is, logging nothing',
    (origin) => {
      const error = vi.spyOn(console, 'error').mockImplementation(() => {})
      expect(siteOrigin(origin)).toBe(origin)
      expect(error).not.toHaveBeenCalled()
    },
  )

  it.each([
    ['a trailing slash', 'https://trailing.example.com/', 'https://trailing.example.com'],
    ['a path', 'https://path.example.com/articles', 'https://path.example.com'],
    ['a query', 'https://query.example.com?x=1', 'https://query.example.com'],
    ['an upper-case host', 'https://Upper.example.com', 'https://upper.example.com'],
    ['the default port spelled out', 'https://port.example.com:443', 'https://port.example.com'],
    ['plain http off localhost', 'http://plain.example.com', 'http://plain.example.com'],
  ])('reads an origin with %s as the origin it means, and logs the problem once', (_, configured, origin) => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    expect(siteOrigin(configured)).toBe(origin)
    expect(siteOrigin('https://example.com')).toBe('https://example.com')
    expect(siteOrigin(configured)).toBe(origin)
    expect(error).toHaveBeenCalledTimes(1)
    expect(error).toHaveBeenCalledWith('configuration problem', {
      problem: expect.stringMatching(new RegExp(`^SITE_ORIGIN is "${configured.replace(/[.?]/g, '\\$&')}"`)),
    })
  })

  it.each([
    ['unset', undefined],
    ['empty', ''],
    ['credentials', 'https://user@example.com'],
    ['a scheme other than http(s)', 'ftp://example.com'],
    ['no scheme', 'example.com'],
    ['not a URL', 'not an origin'],
  ])('answers no origin at all when it is %s, and never throws', (_, configured) => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    expect(siteOrigin(configured)).toBeUndefined()
  })
})
