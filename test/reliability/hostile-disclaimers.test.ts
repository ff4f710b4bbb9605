// 500 hostile disclaimer texts written to real local KV, each rendered on a page: valid ones appear as escaped
// text and add no markup, invalid ones give way to the bundled default. The page's structure never changes.
import { env } from 'cloudflare:workers'
import fc from 'fast-check'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { DEFAULT_DISCLAIMERS } from '../../src/core/defaults.ts'
import { validateDisclaimer } from '../../src/core/validate.ts'
import { request, SITE_PATHS } from '../helpers.ts'

const FRAGMENTS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'><svg onload=alert(1)>",
  '</p><p>',
  '</div></main>',
  '</title></head>',
  '<!--',
  '-->',
  '<![CDATA[',
  ']]>',
  '<style>*{display:none}</style>',
  '<base href="//evil.invalid/">',
  '<meta http-equiv="refresh" content="0">',
  'javascript:alert(1)',
  '&amp;',
  '&lt;script&gt;',
  '&#60;',
  '&',
  '<',
  '>',
  '"',
  "'",
  '`',
  '#{7*7}',
  '{{7*7}}',
  '\n\n',
  '\r\n',
  '\t',
  '\u00a0',
  '\u2028',
  '\u200b',
  '\u202e',
  '\u0000',
  '🙂',
  'ﷺ',
  'FDA',
]

const hostileText = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...FRAGMENTS) },
      fc.string({ unit: 'grapheme', maxLength: 30 }),
      fc.string({ unit: 'binary', maxLength: 8 }),
    ),
    { minLength: 1, maxLength: 14 },
  )
  .map((parts) => parts.join(''))

const target = fc.constantFrom(...SITE_PATHS, '/no-such-page')

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

const countOf = (html: string, character: string) => html.split(character).length - 1
const PLAIN = 'Plain text.'
const KEYS = ['disclaimer', 'disclaimer:dosage-and-safety']

/** The page with plain one-paragraph disclaimers: the structure every hostile render is compared against. */
async function baseline(path: string) {
  const html = await (await request(path)).text()
  return { tags: countOf(html, '<'), closers: countOf(html, '>') }
}

beforeAll(async () => {
  for (const key of KEYS) await env.DISCLAIMERS.put(key, PLAIN)
})

describe('hostile disclaimer texts in KV', () => {
  it('500 texts: never rendered unescaped, never change the page structure, invalid ones fall back', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const baselines = new Map<string, { tags: number; closers: number }>()
    let valid = 0
    let invalid = 0
    await fc.assert(
      fc.asyncProperty(hostileText, target, async (text, path) => {
        if (!baselines.has(path)) baselines.set(path, await baseline(path))
        // The dosage page's own note is a second KV-rendered spot; test it there, the global one elsewhere.
        const key = path === '/dosage-and-safety' ? 'disclaimer:dosage-and-safety' : 'disclaimer'
        await env.DISCLAIMERS.put(key, text)
        const res = await request(path)
        const html = await res.text()
        await env.DISCLAIMERS.put(key, PLAIN)
        const checked = validateDisclaimer(text)
        const paragraphs = checked.ok ? checked.paragraphs : (DEFAULT_DISCLAIMERS.get(key)?.paragraphs ?? [])
        if (checked.ok) valid++
        else invalid++
        const why = JSON.stringify(text)
        expect(res.headers.get('Disclaimer-Source'), why).toBe(checked.ok ? 'kv' : 'default')
        for (const paragraph of paragraphs) expect(html, why).toContain(`<p>${escapeHtml(paragraph)}</p>`)
        // Each paragraph adds exactly one <p>…</p>; nothing else in the text may open or close a tag.
        const expected = baselines.get(path) as { tags: number; closers: number }
        const extra = 2 * (paragraphs.length - 1)
        expect(countOf(html, '<'), why).toBe(expected.tags + extra)
        expect(countOf(html, '>'), why).toBe(expected.closers + extra)
      }),
      { numRuns: 500 },
    )
    expect(valid + invalid).toBe(500)
    expect(valid).toBeGreaterThan(100)
    expect(invalid).toBeGreaterThan(20)
  }, 60_000)
})
