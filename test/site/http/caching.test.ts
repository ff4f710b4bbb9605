import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { disclaimerTag } from '../../../src/core/keys.ts'
import {
  BROWSER_PAGE_CACHE_CONTROL,
  createRenderCache,
  EDGE_PAGE_CACHE_CONTROL,
  matchesIfMatch,
  matchesIfNoneMatch,
  pageTag,
  setEdgeCacheable,
  strongEtag,
} from '../../../src/site/http/caching.ts'

describe('matchesIfMatch', () => {
  it.each([
    ['the current tag', '"7"', '"7"'],
    ['the current tag among others', '"3", "7", "9"', '"7"'],
    ['a list without spaces', '"3","7"', '"7"'],
    ['a tag with surrounding whitespace', '  "7"  ', '"7"'],
    ['a weak tag beside the strong one', 'W/"7", "7"', '"7"'],
    ['a star', '*', '"7"'],
  ])('allows the write for %s', (_, header, etag) => {
    expect(matchesIfMatch(header, etag)).toBe(true)
  })

  it.each([
    ['an older tag', '"6"', '"7"'],
    ['a weak tag of the current version (strong comparison)', 'W/"7"', '"7"'],
    ['a list of weak tags only', 'W/"6", W/"7"', '"7"'],
    ['an unquoted version', '7', '"7"'],
    ['a tag that only starts the same', '"7', '"7"'],
    ['an empty header', '', '"7"'],
    ['a star when there is no current text', '*', null],
    ['any tag when there is no current text', '"7"', null],
  ])('refuses the write for %s', (_, header, etag) => {
    expect(matchesIfMatch(header, etag)).toBe(false)
  })
})

describe('matchesIfNoneMatch', () => {
  it.each([
    ['the same tag', '"abc"', '"abc"'],
    ['a weak tag of it (weak comparison)', 'W/"abc"', '"abc"'],
    ['it among others', '"x", "abc"', '"abc"'],
    ['a star', '*', '"abc"'],
  ])('matches %s', (_, header, etag) => {
    expect(matchesIfNoneMatch(header, etag)).toBe(true)
  })

  it.each([
    ['a missing header', undefined],
    ['an empty header', ''],
    ['another tag', '"abd"'],
    ['an unquoted value', 'abc'],
  ])('does not match %s', (_, header) => {
    expect(matchesIfNoneMatch(header, '"abc"')).toBe(false)
  })
})

describe('cache tags and headers', () => {
  it('tags pages by the disclaimer they show and by their own slug', () => {
    expect(disclaimerTag('dosage-and-safety')).toBe('disclaimer:dosage-and-safety')
    expect(pageTag('home')).toBe('page:home')
  })

  it('lets the edge keep a page under its tags while browsers revalidate', async () => {
    const app = new Hono()
    app.get('/', (c) => {
      setEdgeCacheable(c, [pageTag('home'), disclaimerTag('global')])
      return c.text('page')
    })
    const res = await app.request('/')
    expect(res.status).toBe(200)
    expect(res.headers.get('Cache-Control')).toBe(BROWSER_PAGE_CACHE_CONTROL)
    expect(res.headers.get('Cloudflare-CDN-Cache-Control')).toBe(EDGE_PAGE_CACHE_CONTROL)
    expect(res.headers.get('Cache-Tag')).toBe('page:home,disclaimer:global')
  })
})

describe('strongEtag', () => {
  it('names a body by 32 hex digits of its SHA-256: the same for the same body, another for another', async () => {
    const etag = await strongEtag('<p>one</p>')
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/)
    expect(await strongEtag('<p>one</p>')).toBe(etag)
    expect(await strongEtag('<p>two</p>')).not.toBe(etag)
  })
})

describe('createRenderCache', () => {
  it('builds a key once and answers every later call with what it built', async () => {
    const rendered = createRenderCache<string>()
    let renders = 0
    const render = async () => `<p>${++renders}</p>`
    const first = await rendered('home', render)
    const second = await rendered('home', render)
    expect(renders).toBe(1)
    expect(second).toBe(first)
  })

  it('does not keep a failed build, so the next request builds again', async () => {
    const rendered = createRenderCache<string>()
    await expect(rendered('home', async () => Promise.reject(new Error('render failed')))).rejects.toThrow(
      'render failed',
    )
    expect(await rendered('home', async () => '<p>second try</p>')).toBe('<p>second try</p>')
  })

  it('empties itself when it holds its limit, so it never grows without bound', async () => {
    const rendered = createRenderCache<string>(2)
    let renders = 0
    const render = async () => `<p>${++renders}</p>`
    await rendered('a', render)
    await rendered('b', render)
    await rendered('a', render)
    expect(renders).toBe(2)
    await rendered('c', render)
    await rendered('a', render)
    expect(renders).toBe(4)
  })
})
