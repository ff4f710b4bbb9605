import { env, exports } from 'cloudflare:workers'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { DEFAULT_DISCLAIMERS } from '../../../src/core/defaults.ts'
import { FRESH_MS, MAX_STALE_MS } from '../../../src/core/kv-contract.ts'
import { createApp } from '../../../src/index.ts'
import clientArticle from '../../fixtures/client-article.txt?raw'
import { TEST_EDITORS } from '../../fixtures/editors.ts'
import { request, SITE_PATHS, textOf } from '../../helpers.ts'
import { slowNamespace, throwingNamespace } from '../../namespaces.ts'

const GLOBAL_TEXT = 'Information only. Kratom is not approved by the FDA; ask a healthcare provider first.'
const DOSAGE_TEXT = 'Dosage note from KV.'

beforeEach(async () => {
  vi.spyOn(console, 'warn').mockImplementation(() => {})
  await env.DISCLAIMERS.put('disclaimer', GLOBAL_TEXT)
  await env.DISCLAIMERS.put('disclaimer:dosage-and-safety', DOSAGE_TEXT)
})

describe('page routes', () => {
  it.each([
    ['/', 'Kratom Supplements and Muscle Soreness'],
    ['/understanding-muscle-soreness', 'Understanding Muscle Soreness and Its Causes</title>'],
    ['/exploring-kratom', 'Exploring Kratom: A Natural Relief Option</title>'],
    ['/dosage-and-safety', 'Dosage and Safety Considerations for Optimal Results</title>'],
    ['/conclusion', 'Conclusion | Kratom Supplements and Muscle Soreness</title>'],
    ['/full-article', 'Kratom Supplements and Muscle Soreness: the Full Article</title>'],
  ])('GET %s answers 200 with its title and the disclaimer from KV', async (path, title) => {
    const res = await request(path)
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe('text/html; charset=UTF-8')
    expect(res.headers.get('Disclaimer-Source')).toBe('kv')
    const html = await res.text()
    expect(html.startsWith('<!DOCTYPE html><html lang="en">')).toBe(true)
    expect(html).toContain(`<title>${title}`)
    expect(html).toContain(`<p>${GLOBAL_TEXT}</p>`)
  })

  it('serves the whole Worker through its default export', async () => {
    const res = await exports.default.fetch('https://kratom.test/exploring-kratom')
    expect(res.status).toBe(200)
    expect(await res.text()).toContain(GLOBAL_TEXT)
  })

  it('shows every sentence of the client article somewhere on the site', async () => {
    const siteText = (
      await Promise.all(SITE_PATHS.map(async (path) => textOf(await (await request(path)).text())))
    ).join(' ')
    const sentences = clientArticle
      .split('\n')
      .map((line) => line.replace(/^- /, '').trim())
      .filter(Boolean)
      .flatMap((line) => line.split(/(?<=[.?!”])\s+(?=[A-Z“])/))
    expect(sentences.length).toBeGreaterThan(30)
    for (const sentence of sentences) expect(siteText).toContain(sentence)
  })

  it('puts the dosage disclaimer right before the dosage guidance', async () => {
    const html = await (await request('/dosage-and-safety')).text()
    expect(html).toContain(`<p>${DOSAGE_TEXT}</p>`)
    const note = html.indexOf('data-disclaimer="disclaimer:dosage-and-safety"')
    const guidance = html.indexOf('It’s crucial to start with a low dose')
    expect(note).toBeGreaterThan(0)
    expect(html.slice(note, guidance)).toMatch(/<\/div><p>When using kratom supplements/)
  })

  it('has landmarks, a skip link, canonical URL from the configured origin, Open Graph and JSON-LD', async () => {
    const res = await request('/exploring-kratom', { headers: { Host: 'evil.example' } })
    const html = await res.text()
    for (const fragment of [
      '<a class="skip-link" href="#main">',
      '<header class="site-header">',
      '<nav class="site-nav" aria-label="Contents">',
      '<main id="main">',
      '<footer class="site-footer">',
      '<link rel="canonical" href="http://localhost:8787/exploring-kratom"/>',
      '<meta property="og:url" content="http://localhost:8787/exploring-kratom"/>',
      '<meta name="description" content="How kratom',
      '"@type":"MedicalWebPage"',
      '"dateModified":"2026-11-24"',
      'rel="prev"',
      'rel="next"',
    ]) {
      expect(html).toContain(fragment)
    }
    expect(html).not.toContain('evil.example')
    expect(html).not.toMatch(/<script(?! type="application\/ld\+json")/)
  })
})

describe('pages with a SITE_ORIGIN that is not a bare origin', () => {
  it.each(SITE_PATHS)(
    'serves %s with its disclaimer, linked at the origin a trailing-slash SITE_ORIGIN means',
    async (path) => {
      vi.spyOn(console, 'error').mockImplementation(() => {})
      const res = await request(path, {}, { SITE_ORIGIN: 'https://kratom.example.org/' })
      expect(res.status).toBe(200)
      expect(res.headers.get('Disclaimer-Source')).toBe('kv')
      const html = await res.text()
      expect(html).toContain(`<p>${GLOBAL_TEXT}</p>`)
      expect(html).toContain(`<link rel="canonical" href="https://kratom.example.org${path}"/>`)
    },
  )

  it.each([
    ['empty', ''],
    ['not an address', 'kratom site'],
  ])('serves every page with its disclaimer, unlinked and unindexed, while SITE_ORIGIN is %s', async (_, origin) => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    for (const path of SITE_PATHS) {
      const res = await request(path, {}, { SITE_ORIGIN: origin })
      expect(res.status, path).toBe(200)
      const html = await res.text()
      expect(html, path).toContain(`<p>${GLOBAL_TEXT}</p>`)
      expect(html, path).toContain('<meta name="robots" content="noindex"/>')
      expect(html, path).not.toContain('rel="canonical"')
    }
    const dosage = await (await request('/dosage-and-safety', {}, { SITE_ORIGIN: origin })).text()
    expect(dosage).toContain(`<p>${DOSAGE_TEXT}</p>`)
  })

  it('logs the problem once per isolate, naming the fix, however many pages are served', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const app = createApp()
    for (const path of SITE_PATHS) {
      expect((await request(path, {}, { SITE_ORIGIN: 'https://once.example.org/' }, app)).status).toBe(200)
    }
    expect(error.mock.calls).toEqual([
      [
        'configuration problem',
        {
          problem:
            'SITE_ORIGIN is "https://once.example.org/", which ends with a slash; remove it: "https://once.example.org"',
        },
      ],
    ])
  })
})

describe('disclaimer fallback on pages', () => {
  it.each([
    ['missing', null],
    ['empty', ''],
    ['too long', 'x'.repeat(2001)],
    ['holding control characters', 'Not medical\u0000advice.'],
  ])('shows the bundled disclaimer when the KV value is %s', async (_, value) => {
    if (value === null) await env.DISCLAIMERS.delete('disclaimer')
    else await env.DISCLAIMERS.put('disclaimer', value)
    const res = await request('/conclusion')
    expect(res.status).toBe(200)
    expect(res.headers.get('Disclaimer-Source')).toBe('default')
    expect(await res.text()).toContain(
      'not approved by the U.S. Food and Drug Administration (FDA) for any medical use',
    )
  })

  it('shows the bundled disclaimer, with status 200, when KV throws', async () => {
    const res = await request('/dosage-and-safety', {}, { DISCLAIMERS: throwingNamespace() })
    expect(res.status).toBe(200)
    expect(res.headers.get('Disclaimer-Source')).toBe('default')
    const html = await res.text()
    expect(html).toContain('not approved by the U.S. Food and Drug Administration')
    expect(html).toContain('The amounts on this page are not a recommended or safe dose.')
  })

  it('shows the bundled disclaimer, with status 200, when KV is too slow', async () => {
    const res = await request('/', {}, { DISCLAIMERS: slowNamespace(env.DISCLAIMERS, 1_000) })
    expect(res.status).toBe(200)
    expect(res.headers.get('Disclaimer-Source')).toBe('default')
    expect(await res.text()).not.toContain(GLOBAL_TEXT)
  })

  it('says default when the page text fell back even though the global text came from KV', async () => {
    await env.DISCLAIMERS.delete('disclaimer:dosage-and-safety')
    const res = await request('/dosage-and-safety')
    expect(res.headers.get('Disclaimer-Source')).toBe('default')
    const html = await res.text()
    expect(html).toContain(GLOBAL_TEXT)
    expect(html).toContain('The amounts on this page are not a recommended or safe dose.')
  })

  it('renders hostile disclaimer text inert', async () => {
    const hostile = `<script>alert(1)</script> <img src=x onerror="alert(2)"> "quoted" & 'single' </div><a href="javascript:x">`
    await env.DISCLAIMERS.put('disclaimer', hostile)
    const html = await (await request('/')).text()
    expect(html).not.toContain('<script>alert(1)')
    expect(html).not.toContain('<img src=x')
    expect(html).not.toContain('<a href="javascript:x">')
    expect(html).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=&quot;alert(2)&quot;&gt; &quot;quoted&quot; &amp; &#39;single&#39; &lt;/div&gt;&lt;a href=&quot;javascript:x&quot;&gt;',
    )
  })
})

describe('methods, 404 and conditional requests', () => {
  it('answers HEAD like GET, without a body', async () => {
    const res = await request('/exploring-kratom', { method: 'HEAD' })
    expect(res.status).toBe(200)
    expect(res.headers.get('ETag')).toMatch(/^"[0-9a-f]{32}"$/)
    expect(await res.text()).toBe('')
  })

  it.each(['POST', 'PUT', 'DELETE', 'PATCH'])('answers %s on a page with 405 and Allow', async (method) => {
    const res = await request('/dosage-and-safety', { method })
    expect(res.status).toBe(405)
    expect(res.headers.get('Allow')).toBe('GET, HEAD')
  })

  it('answers an unknown path with a 404 page that has the navigation and the disclaimer', async () => {
    const res = await request('/no-such-page')
    expect(res.status).toBe(404)
    const html = await res.text()
    expect(html).toContain('<h1>Page not found</h1>')
    expect(html).toContain('<nav class="site-nav" aria-label="Contents">')
    expect(html).toContain(GLOBAL_TEXT)
    expect(html).toContain('<meta name="robots" content="noindex"/>')
    expect(res.headers.get('Cloudflare-CDN-Cache-Control')).toBe('no-store')
  })

  it('redirects a trailing slash to the canonical path on the configured origin', async () => {
    const res = await request('/conclusion/')
    expect(res.status).toBe(301)
    expect(res.headers.get('Location')).toBe(`${env.SITE_ORIGIN}/conclusion`)
  })

  it('answers a matching If-None-Match with 304, and revalidates on every view', async () => {
    const first = await request('/conclusion')
    const etag = first.headers.get('ETag') as string
    expect(first.headers.get('Cache-Control')).toBe('no-cache')
    const again = await request('/conclusion', { headers: { 'If-None-Match': `W/"other", ${etag}` } })
    expect(again.status).toBe(304)
    expect(await again.text()).toBe('')
  })

  it('keeps serving one app the page it rendered until the isolate reads the new text, then serves that', async () => {
    const clock = { now: 0 }
    const app = createApp({ now: () => clock.now })
    const first = await request('/conclusion', {}, {}, app)
    expect(await first.text()).toContain(GLOBAL_TEXT)
    await env.DISCLAIMERS.put('disclaimer', 'A newer disclaimer text.')
    clock.now = FRESH_MS - 1
    const cached = await request('/conclusion', {}, {}, app)
    expect(cached.headers.get('ETag')).toBe(first.headers.get('ETag'))
    clock.now = MAX_STALE_MS
    const after = await request(
      '/conclusion',
      { headers: { 'If-None-Match': first.headers.get('ETag') ?? '' } },
      {},
      app,
    )
    expect(after.status).toBe(200)
    expect(await after.text()).toContain('A newer disclaimer text.')
  })

  it('changes the ETag when the disclaimer changes', async () => {
    const before = (await request('/conclusion')).headers.get('ETag') as string
    await env.DISCLAIMERS.put('disclaimer', 'A newer disclaimer text.')
    const after = await request('/conclusion', { headers: { 'If-None-Match': before } })
    expect(after.status).toBe(200)
    expect(after.headers.get('ETag')).not.toBe(before)
    expect(await after.text()).toContain('A newer disclaimer text.')
  })
})

describe('edge caching and provenance', () => {
  it.each([
    ['/', ['page:home', 'disclaimer:global', 'disclaimer:home', 'disclaimer:dosage-and-safety']],
    ['/conclusion', ['page:conclusion', 'disclaimer:global', 'disclaimer:conclusion']],
    [
      '/full-article',
      [
        'page:full-article',
        'disclaimer:global',
        'disclaimer:full-article',
        'disclaimer:understanding-muscle-soreness',
        'disclaimer:exploring-kratom',
        'disclaimer:dosage-and-safety',
        'disclaimer:conclusion',
      ],
    ],
  ])('lets the edge keep %s for a day, tagged with the page and every disclaimer it reads', async (path, tags) => {
    const res = await request(path)
    expect(res.status).toBe(200)
    expect(res.headers.get('Cache-Control')).toBe('no-cache')
    expect(res.headers.get('Cloudflare-CDN-Cache-Control')).toBe('max-age=86400, stale-while-revalidate=86400')
    expect(res.headers.get('Cache-Tag')?.split(',')).toEqual(tags)
  })

  it('gives every sitemap page its own page tag and the global disclaimer tag', async () => {
    for (const path of SITE_PATHS) {
      const tags = (await request(path)).headers.get('Cache-Tag')?.split(',') ?? []
      expect(tags, path).toContain('disclaimer:global')
      expect(
        tags.filter((tag) => tag.startsWith('page:')),
        path,
      ).toHaveLength(1)
    }
  })

  it('names the ledger version of every disclaimer it shows, in a header and in the markup', async () => {
    const editor = { Authorization: `Bearer ${TEST_EDITORS.carol.token}`, 'Content-Type': 'application/json' }
    const current = await request('/admin/disclaimers/conclusion', { headers: editor })
    const etag = current.headers.get('ETag')
    const put = await request('/admin/disclaimers/conclusion', {
      method: 'PUT',
      headers: { ...editor, ...(etag ? { 'If-Match': etag } : { 'If-None-Match': '*' }) },
      body: JSON.stringify({ text: 'A note for the conclusion, from the ledger.' }),
    })
    expect(put.status).toBe(200)
    const { version } = (await put.json()) as { version: { version: number; hash: string } }
    await env.DISCLAIMERS.delete('disclaimer')
    const res = await request('/conclusion')
    const defaultHash = DEFAULT_DISCLAIMERS.get('disclaimer')?.hash
    expect(res.headers.get('Disclaimer-Version')).toBe(
      `disclaimer=default/${defaultHash}, disclaimer:conclusion=v${version.version}/${version.hash}`,
    )
    const html = await res.text()
    expect(html).toContain(
      `data-disclaimer="disclaimer:conclusion" data-disclaimer-version="v${version.version}" data-disclaimer-hash="${version.hash}"`,
    )
    expect(html).toContain(
      `data-disclaimer="disclaimer" data-disclaimer-version="default" data-disclaimer-hash="${defaultHash}"`,
    )
    const row = (await (
      await request(`/admin/disclaimers/conclusion/versions/${version.version}`, { headers: editor })
    ).json()) as { text: string; hash: string }
    expect(row).toMatchObject({ text: 'A note for the conclusion, from the ledger.', hash: version.hash })
  })
})
