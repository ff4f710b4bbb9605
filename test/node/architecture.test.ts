import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { importCycles, importsUnder, layerViolations } from '../../scripts/lib/architecture.ts'

const scratch = mkdtempSync(join(tmpdir(), 'architecture-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(scratch, 'src-'))
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  return root
}

describe('importsUnder', () => {
  it('reads static, re-exported and dynamic imports, and marks the type-only ones', () => {
    const root = tree({
      'index.ts':
        "import { a } from './core/a.ts'\nexport { b } from './site/b.ts'\nconst e = import('./editor/e.ts')\n",
      'editor/e.ts': "import type { L } from '../ledger/l.ts'\nimport { hono } from 'hono'\n",
    })
    expect(importsUnder(root).sort((x, y) => x.to.localeCompare(y.to))).toEqual([
      { from: 'index.ts', to: 'core/a.ts', typeOnly: false },
      { from: 'index.ts', to: 'editor/e.ts', typeOnly: false },
      { from: 'editor/e.ts', to: 'ledger/l.ts', typeOnly: true },
      { from: 'index.ts', to: 'site/b.ts', typeOnly: false },
    ])
  })
})

describe('layerViolations', () => {
  it('lets each runtime import core, and the editor the site and the ledger’s types', () => {
    const imports = [
      { from: 'site/pages.tsx', to: 'core/keys.ts', typeOnly: false },
      { from: 'ledger/object.ts', to: 'core/keys.ts', typeOnly: false },
      { from: 'editor/admin.ts', to: 'site/reader.ts', typeOnly: false },
      { from: 'editor/admin.ts', to: 'ledger/object.ts', typeOnly: true },
      { from: 'index.ts', to: 'ledger/object.ts', typeOnly: false },
    ]
    expect(layerViolations(imports)).toEqual([])
  })

  it('names each import that points up or sideways', () => {
    expect(
      layerViolations([
        { from: 'core/keys.ts', to: 'site/reader.ts', typeOnly: true },
        { from: 'site/pages.tsx', to: 'editor/admin.ts', typeOnly: false },
        { from: 'ledger/commit.ts', to: 'site/reader.ts', typeOnly: false },
        { from: 'editor/admin.ts', to: 'ledger/object.ts', typeOnly: false },
      ]),
    ).toEqual([
      'core/keys.ts imports site/reader.ts: core/ may not import site/',
      'site/pages.tsx imports editor/admin.ts: site/ may not import editor/',
      'ledger/commit.ts imports site/reader.ts: ledger/ may not import site/',
      'editor/admin.ts imports ledger/object.ts: editor/ may not import values from ledger/ (only its types)',
    ])
  })
})

describe('importCycles', () => {
  it('finds a circle through several modules and none in a tree', () => {
    const edge = (from: string, to: string) => ({ from, to, typeOnly: false })
    expect(importCycles([edge('a', 'b'), edge('b', 'c'), edge('a', 'c')])).toEqual([])
    expect(importCycles([edge('a', 'b'), edge('b', 'c'), edge('c', 'a'), edge('c', 'd')])).toEqual([
      ['a', 'b', 'c', 'a'],
    ])
  })

  it('finds no circle and no import against the layers in src/', () => {
    const imports = importsUnder()
    expect(imports.length).toBeGreaterThan(100)
    expect(importCycles(imports)).toEqual([])
    expect(layerViolations(imports)).toEqual([])
  })
})
