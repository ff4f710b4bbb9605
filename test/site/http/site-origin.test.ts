import { describe, expect, it } from 'vitest'
import { siteOrigin } from '../../../src/site/http/site-origin.ts'

describe('siteOrigin', () => {
  it.each(['https://example.com', 'http://localhost:8787', 'https://kratom.example.org'])(
    'accepts the bare origin %s',
    (origin) => {
      expect(siteOrigin(origin)).toBe(origin)
    },
  )

  it.each([
    ['unset', undefined],
    ['empty', ''],
    ['a trailing slash', 'https://example.com/'],
    ['a path', 'https://example.com/articles'],
    ['a query', 'https://example.com?x=1'],
    ['credentials', 'https://user@example.com'],
    ['an upper-case host', 'https://Example.com'],
    ['the default port spelled out', 'https://example.com:443'],
    ['a scheme other than http(s)', 'ftp://example.com'],
    ['no scheme', 'example.com'],
    ['not a URL', 'not an origin'],
  ])('refuses %s, naming SITE_ORIGIN and what to set', (_, configured) => {
    expect(() => siteOrigin(configured)).toThrow(/^SITE_ORIGIN is .*; set it in wrangler\.toml \[vars\] to an origin/)
  })

  it('still refuses a bad value after a good one was accepted', () => {
    expect(siteOrigin('https://example.com')).toBe('https://example.com')
    expect(() => siteOrigin('https://example.com/')).toThrow(/SITE_ORIGIN is "https:\/\/example.com\/"/)
    expect(siteOrigin('https://example.com')).toBe('https://example.com')
  })
})
