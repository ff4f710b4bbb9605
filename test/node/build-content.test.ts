// The build step that compiles content/article into the Worker's pages: current on disk, and a broken
// file stops it with a message naming the file.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { GENERATED_FILE, renderArticle } from '../../scripts/build-article.ts'
import { PROJECT_ROOT } from '../../scripts/lib/environments.ts'

const roots: string[] = []
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
})

function contentRoot(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'kratom-article-'))
  roots.push(root)
  mkdirSync(join(root, 'content/article'), { recursive: true })
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, 'content/article', name), text)
  return root
}

describe('build-article', () => {
  it('the committed generated file is what the content compiles to', () => {
    expect(readFileSync(join(PROJECT_ROOT, GENERATED_FILE), 'utf8')).toBe(renderArticle(PROJECT_ROOT))
  })

  it('refuses a page without a slug, naming the file and the field', () => {
    const home = readFileSync(join(PROJECT_ROOT, 'content/article/00-home.md'), 'utf8')
    const root = contentRoot({ '00-home.md': home.replace(/^slug: .*\n/m, '') })
    expect(() => renderArticle(root)).toThrow('content/article/00-home.md: missing "slug" in front matter')
  })
})
