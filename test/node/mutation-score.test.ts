import { describe, expect, it } from 'vitest'
import { judgeModules, type ReportFiles, scoreTable } from '../../scripts/lib/mutation-score.ts'

type Status = 'Killed' | 'Timeout' | 'Survived' | 'NoCoverage' | 'Ignored' | 'CompileError' | 'RuntimeError'

/** A report file with so many mutants of each status. */
function file(counts: Partial<Record<Status, number>>): ReportFiles[string] {
  const statuses = Object.entries(counts).flatMap(([status, count]) => Array<Status>(count).fill(status as Status))
  return {
    language: 'typescript',
    source: 'export const a = 1\n',
    mutants: statuses.map((status, index) => ({
      id: String(index),
      mutatorName: 'StringLiteral',
      location: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } },
      status,
    })),
  }
}

describe('judgeModules', () => {
  it('scores each module on its covered mutants, counting timeouts as detected and leaving ignored ones out', () => {
    const files = {
      'src/a.ts': file({ Killed: 18, Timeout: 1, Survived: 1, NoCoverage: 7, Ignored: 3, CompileError: 2 }),
    }
    expect(judgeModules(files, ['src/a.ts'], 95)).toEqual({
      scores: [
        { module: 'src/a.ts', score: 95, killed: 18, timeout: 1, survived: 1, noCoverage: 7, ignored: 3, errors: 2 },
      ],
      failures: [],
      stale: [],
    })
  })

  it('fails a module below the goal even when the total reaches it', () => {
    const files = { 'src/good.ts': file({ Killed: 100 }), 'src/weak.ts': file({ Killed: 9, Survived: 1 }) }
    const judgement = judgeModules(files, ['src/good.ts', 'src/weak.ts'], 95)
    expect(judgement.scores.map((row) => [row.module, row.score])).toEqual([
      ['src/good.ts', 100],
      ['src/weak.ts', 90],
    ])
    expect(judgement.failures).toEqual([
      'src/weak.ts: 90.00 % of covered mutants killed, below 95 %; kill the survivors listed above, or mark one that is truly equivalent with `// Stryker disable next-line <mutator>: <why>`',
    ])
  })

  it('fails a module missing from the report and one whose mutants no test covers', () => {
    const judgement = judgeModules(
      { 'src/untested.ts': file({ NoCoverage: 4 }) },
      ['src/gone.ts', 'src/untested.ts'],
      95,
    )
    expect(judgement.failures).toEqual([
      'src/gone.ts: not in the report; check its path in stryker.config.ts',
      'src/untested.ts: no mutant was covered by a test; its tests must import and exercise it',
    ])
    expect(judgement.scores.map((row) => row.score)).toEqual([Number.NaN])
  })
})

describe('judgeModules with mutants listed as equivalent', () => {
  const survivor = (replacement: string) => ({
    id: replacement,
    mutatorName: 'Regex',
    replacement,
    location: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } },
    status: 'Survived' as const,
  })
  const listed = { module: 'src/a.ts', mutator: 'Regex', replacement: '/a/', why: 'no input tells them apart' }

  it('leaves a listed survivor out of the score, and counts one that is not listed', () => {
    const a = file({ Killed: 9 })
    const files = { 'src/a.ts': { ...a, mutants: [...a.mutants, survivor('/a/'), survivor('/b/')] } }
    expect(judgeModules(files, ['src/a.ts'], 90, [listed])).toEqual({
      scores: [
        { module: 'src/a.ts', score: 90, killed: 9, timeout: 0, survived: 1, noCoverage: 0, ignored: 1, errors: 0 },
      ],
      failures: [],
      stale: [],
    })
  })

  it('names a listed mutant that no longer survives, and matches none in another module', () => {
    const files = { 'src/a.ts': file({ Killed: 1 }), 'src/b.ts': { ...file({}), mutants: [survivor('/a/')] } }
    const judgement = judgeModules(files, ['src/a.ts', 'src/b.ts'], 95, [listed])
    expect(judgement.stale).toEqual([listed])
    expect(judgement.scores.map((row) => [row.module, row.survived, row.ignored])).toEqual([
      ['src/a.ts', 0, 0],
      ['src/b.ts', 1, 0],
    ])
  })
})

describe('judgeModules with an equivalent mutant found by the code it replaces', () => {
  const source = 'if (a && b) x()\nif (c) y()\n'
  const survivor = (line: number, column: number, endColumn: number) => ({
    id: `${line}:${column}`,
    mutatorName: 'ConditionalExpression',
    replacement: 'true',
    location: { start: { line, column }, end: { line, column: endColumn } },
    status: 'Survived' as const,
  })

  it('leaves out only the survivor whose original text is listed, not another with the same replacement', () => {
    const files = { 'src/a.ts': { ...file({ Killed: 18 }), source } }
    files['src/a.ts'].mutants.push(survivor(1, 5, 11), survivor(2, 5, 6))
    const listed = {
      module: 'src/a.ts',
      mutator: 'ConditionalExpression',
      replacement: 'true',
      original: 'a && b',
      why: 'b only ever follows a',
    }
    const judgement = judgeModules(files, ['src/a.ts'], 95, [listed])
    expect(judgement.scores.map((row) => [row.survived, row.ignored, row.score])).toEqual([[1, 1, 94.73684210526315]])
    expect(judgement.stale).toEqual([])
    expect(judgeModules(files, ['src/a.ts'], 95, [{ ...listed, original: 'c' }]).scores[0]?.ignored).toBe(1)
    expect(judgeModules(files, ['src/a.ts'], 95, [{ ...listed, original: 'a' }]).stale).toEqual([
      { ...listed, original: 'a' },
    ])
  })
})

describe('scoreTable', () => {
  it('prints one aligned row per module', () => {
    const judgement = judgeModules(
      { 'src/core/time.ts': file({ Killed: 199, Survived: 1 }), 'src/x.ts': file({ NoCoverage: 1 }) },
      ['src/core/time.ts', 'src/x.ts'],
      95,
    )
    expect(scoreTable(judgement).split('\n')).toEqual([
      'module            score %  killed  timeout  survived  no cov  ignored  errors',
      'src/core/time.ts    99.50     199        0         1       0        0       0',
      'src/x.ts              n/a       0        0         0       1        0       0',
    ])
  })
})
