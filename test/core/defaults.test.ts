import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { DEFAULT_DISCLAIMERS } from '../../src/core/defaults.ts'
import { keyOf } from '../../src/core/keys.ts'
import { isTarget, SITE_PAGES, TARGET_KEYS, TARGETS } from '../../src/core/site-map.ts'
import { validateDisclaimer } from '../../src/core/validate.ts'
import { bearer } from '../fixtures/editors.ts'
import { request, textOf } from '../helpers.ts'

// Every file in content/disclaimers is, with no other edit, the bundled fallback on its page, an API target and
// a key the ledger seeds; test/node/build-content.test.ts shows that a new file reaches DEFAULT_DISCLAIMERS.
describe('the bundled defaults', () => {
  beforeEach(async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    for (const key of TARGET_KEYS) await env.DISCLAIMERS.delete(key)
  })

  it('are each a global.txt or <page slug>.txt that passes the rule', () => {
    expect(DEFAULT_DISCLAIMERS.has('disclaimer')).toBe(true)
    for (const entry of DEFAULT_DISCLAIMERS.values()) {
      expect(entry.file).toBe(`content/disclaimers/${entry.target}.txt`)
      expect(entry.key).toBe(keyOf(entry.target))
      expect(validateDisclaimer(entry.text)).toMatchObject({ ok: true, paragraphs: entry.paragraphs })
    }
  })

  it('make global and every sitemap page a target, and nothing else', () => {
    expect(TARGETS).toEqual(['global', ...SITE_PAGES.map((page) => page.slug)])
    expect(isTarget('global')).toBe(true)
    expect(isTarget('admin')).toBe(false)
  })

  it('are each shown on their page while KV holds nothing for them', async () => {
    for (const entry of DEFAULT_DISCLAIMERS.values()) {
      const pages = entry.target === 'global' ? SITE_PAGES : SITE_PAGES.filter((page) => page.slug === entry.target)
      for (const page of pages) {
        const text = textOf(await (await request(page.path)).text())
        for (const paragraph of entry.paragraphs) expect(text, `${entry.file} on ${page.path}`).toContain(paragraph)
      }
    }
  })

  it('are each readable and writable through the admin API, and seeded by the ledger', async () => {
    for (const entry of DEFAULT_DISCLAIMERS.values()) {
      const res = await request(`/admin/disclaimers/${entry.target}`, { headers: bearer('carol') })
      expect(res.status).toBe(200)
      expect(((await res.json()) as { bundledDefault: { text: string } }).bundledDefault.text).toBe(entry.text)
    }
    const seeded = await request('/admin/seed', {
      method: 'POST',
      headers: { ...bearer('carol'), 'Content-Type': 'application/json' },
      body: '{}',
    })
    const { seeded: versions } = (await seeded.json()) as { seeded: { version: { key: string } }[] }
    const seededKeys = versions.map((result) => result.version.key)
    for (const key of DEFAULT_DISCLAIMERS.keys()) {
      expect(seededKeys.includes(key) || (await env.DISCLAIMERS.get(key)) !== null, key).toBe(true)
      expect(await env.DISCLAIMERS.get(key)).toBe(DEFAULT_DISCLAIMERS.get(key)?.text)
    }
  })
})
