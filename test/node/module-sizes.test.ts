import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { MAX_MODULE_LINES, moduleSizes, oversizedModules } from '../../scripts/lib/module-sizes.ts'

const scratch = mkdtempSync(join(tmpdir(), 'module-sizes-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

function lines(count: number): string {
  return 'const x = 1\n'.repeat(count)
}

describe('moduleSizes', () => {
  it('counts every module below the folder, longest first, and leaves generated ones out', () => {
    mkdirSync(join(scratch, 'a/b'), { recursive: true })
    writeFileSync(join(scratch, 'a/short.ts'), lines(3))
    writeFileSync(join(scratch, 'a/b/long.tsx'), lines(MAX_MODULE_LINES + 1))
    writeFileSync(join(scratch, 'a/pages.generated.ts'), lines(5000))
    writeFileSync(join(scratch, 'a/notes.md'), lines(9000))
    const sizes = moduleSizes(join(scratch, 'a'))
    expect(sizes.map((size) => [size.path.split('/').slice(-1)[0], size.lines])).toEqual([
      ['long.tsx', MAX_MODULE_LINES + 1],
      ['short.ts', 3],
    ])
    expect(oversizedModules(sizes).map((size) => size.lines)).toEqual([MAX_MODULE_LINES + 1])
  })

  it(`finds no module in src/ over ${MAX_MODULE_LINES} lines`, () => {
    expect(oversizedModules()).toEqual([])
  })
})
