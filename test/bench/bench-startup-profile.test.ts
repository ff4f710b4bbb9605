import type { SourceMap } from 'node:module'
import { describe, expect, it } from 'vitest'
import {
  BUNDLER_HELPERS,
  breakdownTable,
  type CpuProfile,
  sourceLabel,
  sourcePath,
  startupBreakdown,
} from '../../scripts/lib/bench-startup-profile.ts'

/** Bundle positions (line:column) → where they came from, as Node's SourceMap answers. */
const MAPPINGS: Record<
  string,
  { originalSource: string; originalLine: number; originalColumn?: number; name?: string }
> = {
  '0:10': { originalSource: '../node_modules/hono/dist/jsx/base.js', originalLine: 153, name: 'toString' },
  '1:5': { originalSource: '../src/index.ts', originalLine: 24, name: 'createApp' },
  '2:0': { originalSource: '../src/routes/pages.tsx', originalLine: 0, originalColumn: 0 },
}
const sourceMap = {
  findEntry: (line: number, column: number) => MAPPINGS[`${line}:${column}`] ?? {},
} as unknown as Pick<SourceMap, 'findEntry'>

const frame = (id: number, functionName: string, url: string, lineNumber: number, columnNumber = 0) => ({
  id,
  callFrame: { functionName, url, lineNumber, columnNumber },
})

// (root) → the module's top level → toString → a built-in; → createApp; and V8's own (program) beside them.
const PROFILE: CpuProfile = {
  nodes: [
    { ...frame(1, '(root)', '', -1), children: [2, 3, 7] },
    frame(2, '(idle)', '', -1),
    { ...frame(3, '', 'index.js', -1, -1), children: [4, 5] },
    { ...frame(4, 'Zt', 'index.js', 0, 10), children: [6] },
    frame(5, 'Jl', 'index.js', 1, 5),
    frame(6, 'getBuiltinModule', 'node-internal:public_process', 270),
    frame(7, '(program)', '', -1),
  ],
  samples: [2, 6, 6, 4, 5, 3, 7, 2],
}

describe('sourcePath and sourceLabel', () => {
  it('name project files from the project root and packages by name', () => {
    expect(sourcePath('../../node_modules/hono/dist/jsx/base.js')).toBe('hono/dist/jsx/base.js')
    expect(sourceLabel('../../node_modules/hono/dist/jsx/base.js')).toBe('hono')
    expect(sourceLabel('../node_modules/@hono/standard-validator/dist/index.js')).toBe('@hono/standard-validator')
    expect(sourceLabel('../../../work/main/src/views/layout.tsx')).toBe('src/views/layout.tsx')
  })
})

describe('startupBreakdown', () => {
  const breakdown = startupBreakdown([PROFILE, PROFILE], sourceMap, 'index.js')

  it('counts every sample but idle ones', () => {
    expect(breakdown.samples).toBe(12)
  })

  it("charges a built-in's samples to the bundle function that called it, by the file it came from", () => {
    expect(breakdown.bySource).toEqual([
      { where: 'hono', samples: 6, share: 0.5 },
      { where: 'src/index.ts', samples: 2, share: 2 / 12 },
      { where: "index.js, top level (every file's module scope)", samples: 2, share: 2 / 12 },
      { where: '(program)', samples: 2, share: 2 / 12 },
    ])
  })

  it('sums the samples under each call the top level makes, by its original name and line', () => {
    expect(breakdown.byTopLevelCall.map(({ where, samples }) => [where, samples])).toEqual([
      ['toString (hono/dist/jsx/base.js:154)', 6],
      ['createApp (src/index.ts:25)', 2],
      ['the top level itself', 2],
      ['not under the top level ((program))', 2],
    ])
  })
})

// The bundler's lazy initialisers: the top level → a helper (no source) → pages.tsx's module initialiser → a helper
// again, compiling the initialiser of a module pages.tsx imports.
const WRAPPED: CpuProfile = {
  nodes: [
    { ...frame(1, '(root)', '', -1), children: [3] },
    { ...frame(3, '', 'index.js', -1, -1), children: [8] },
    { ...frame(8, 'o', 'index.js', 0, 96), children: [9] },
    { ...frame(9, '', 'index.js', 2, 0), children: [10] },
    frame(10, 'o', 'index.js', 0, 96),
  ],
  samples: [10, 10, 9, 8],
}

describe('startupBreakdown of modules the bundler initialises lazily', () => {
  const breakdown = startupBreakdown([WRAPPED], sourceMap, 'index.js')

  it('looks through its helpers to the module whose top level runs, with what it imports', () => {
    expect(breakdown.byTopLevelCall.map(({ where, samples }) => [where, samples])).toEqual([
      ["src/routes/pages.tsx's top level, with the modules it imports", 3],
      [BUNDLER_HELPERS, 1],
    ])
  })

  it("charges the helpers' own time, compiling each module's top level, to the bundler", () => {
    expect(breakdown.bySource.map(({ where, samples }) => [where, samples])).toEqual([
      [BUNDLER_HELPERS, 3],
      ['src/routes/pages.tsx', 1],
    ])
  })
})

describe('breakdownTable', () => {
  it('shows the top rows with their share of the startup, and the rest in one row', () => {
    const table = breakdownTable(
      'under this top-level call',
      startupBreakdown([PROFILE], sourceMap, 'index.js').byTopLevelCall,
      12,
      2,
    )
    expect(table).toEqual([
      '| under this top-level call | share of samples | ≈ ms of evaluation |',
      '|---|---:|---:|',
      '| toString (hono/dist/jsx/base.js:154) | 50 % | 6.0 |',
      '| createApp (src/index.ts:25) | 17 % | 2.0 |',
      '| everything else | 33 % | 4.0 |',
    ])
  })
})
