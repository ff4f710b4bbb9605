// The build step that compiles content/ into the Worker's generated modules: current on disk, a broken file stops
// it with a message naming the file, and a new default disclaimer file needs no other edit.

import { createHash } from 'node:crypto'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  DEFAULTS_FILE,
  PAGES_FILE,
  REVIEW_RULES_MODULE,
  renderContent,
  STYLE_HASHES_FILE,
  styleHashSource,
} from '../../scripts/build-content.ts'
import { PROJECT_ROOT } from '../../scripts/lib/environments.ts'

const roots: string[] = []
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
})

/** A copy of the project's content/ in a temporary root, changed by `edit`. */
function contentRoot(edit: (root: string) => void): string {
  const root = mkdtempSync(join(tmpdir(), 'kratom-content-'))
  roots.push(root)
  cpSync(join(PROJECT_ROOT, 'content'), join(root, 'content'), { recursive: true })
  edit(root)
  return root
}

/** The generated defaults module's entries, read back from its text. */
function defaultsIn(moduleText: string): { target: string; key: string; file: string; text: string }[] {
  return JSON.parse(moduleText.slice(moduleText.indexOf('= [') + 2))
}

describe('build-content', () => {
  it('the committed generated modules are what the content compiles to', async () => {
    const files = await renderContent(PROJECT_ROOT)
    for (const path of [PAGES_FILE, DEFAULTS_FILE, REVIEW_RULES_MODULE, STYLE_HASHES_FILE]) {
      expect(readFileSync(join(PROJECT_ROOT, path), 'utf8'), `${path} is stale: run npm run build:content`).toBe(
        files[path],
      )
    }
  })

  it("gives each stylesheet the CSP source of its SHA-256, as browsers hash an inline <style>'s text", () => {
    const css = 'body{color:red}'
    const digest = createHash('sha256').update(css, 'utf8').digest('base64')
    expect(styleHashSource(css)).toBe(`'sha256-${digest}'`)
    expect(styleHashSource('body{color:blue}')).not.toBe(styleHashSource(css))
  })

  it('refuses a page without a slug, naming the file and the field', async () => {
    const root = contentRoot((dir) => {
      const home = join(dir, 'content/article/00-home.md')
      writeFileSync(home, readFileSync(home, 'utf8').replace(/^slug: .*\n/m, ''))
    })
    await expect(renderContent(root)).rejects.toThrow('content/article/00-home.md: missing "slug" in front matter')
  })

  it('makes a new content/disclaimers/<slug>.txt the bundled default of that page, with no other edit', async () => {
    const root = contentRoot((dir) => writeFileSync(join(dir, 'content/disclaimers/conclusion.txt'), 'A note.\n'))
    const defaults = defaultsIn((await renderContent(root))[DEFAULTS_FILE] as string)
    expect(defaults.find((entry) => entry.target === 'conclusion')).toMatchObject({
      key: 'disclaimer:conclusion',
      file: 'content/disclaimers/conclusion.txt',
      text: 'A note.',
    })
    expect(defaults.map((entry) => entry.target)).toEqual(['conclusion', 'dosage-and-safety', 'global'])
  })

  it.each([
    ['a file for a page that does not exist', 'no-such-page.txt', 'Text.', /no-such-page.txt: no page has slug/],
    ['a text that breaks the rule', 'conclusion.txt', 'Hidden\u200Bcharacter.', /conclusion.txt: .*U\+200B/],
  ])('refuses %s, naming the file', async (_, name, text, message) => {
    const root = contentRoot((dir) => writeFileSync(join(dir, 'content/disclaimers', name), text))
    await expect(renderContent(root)).rejects.toThrow(message)
  })

  it.each([
    [
      'a disclaimer that does not exist',
      '{"reviewerMustApprove": ["dosage"], "reviewDueAfterMonths": 12, "remindDaysBefore": 30}',
      'content/review-rules.json: "reviewerMustApprove" names "dosage", which is no disclaimer; use global, home, understanding-muscle-soreness, exploring-kratom, dosage-and-safety, conclusion, full-article',
    ],
    ['text that is not JSON', '{"reviewerMustApprove": [', /^content\/review-rules\.json: .*JSON/],
  ])('refuses review rules that name %s, naming the file', async (_, text, message) => {
    const root = contentRoot((dir) => writeFileSync(join(dir, 'content/review-rules.json'), text))
    await expect(renderContent(root)).rejects.toThrow(message)
  })

  it('refuses content without review rules, saying what the file is for', async () => {
    const root = contentRoot((dir) => rmSync(join(dir, 'content/review-rules.json')))
    await expect(renderContent(root)).rejects.toThrow(
      'content/review-rules.json: the file is missing; it says which disclaimers a reviewer must approve',
    )
  })

  it('gives a page whose words changed a new content hash, and every other page but the full article its old one', async () => {
    const hashesIn = (text: string) =>
      JSON.parse(text.slice(text.indexOf('GENERATED_PAGE_HASHES')).replace(/^[^=]*= /, ''))
    const before = hashesIn((await renderContent(PROJECT_ROOT))[PAGES_FILE] as string)
    const root = contentRoot((dir) => {
      const page = join(dir, 'content/article/40-conclusion.md')
      writeFileSync(page, readFileSync(page, 'utf8').replace('may be a game-changer', 'may help'))
    })
    const after = hashesIn((await renderContent(root))[PAGES_FILE] as string)
    const changed = Object.keys(before).filter((slug) => before[slug] !== after[slug])
    expect(changed).toEqual(['conclusion', 'full-article'])
  })

  it('refuses content without a global default', async () => {
    const root = contentRoot((dir) => rmSync(join(dir, 'content/disclaimers/global.txt')))
    await expect(renderContent(root)).rejects.toThrow('content/disclaimers: no global.txt')
  })
})
