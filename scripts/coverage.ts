// `npm run coverage -- <label>`: line coverage of src/ for `npm test` (workers and node projects, Istanbul), written
// as docs/coverage-<label>.txt (a table) and docs/coverage-<label>.json (each file's covered and uncovered lines).
// `npm run coverage -- --compare <before> <after>` names every line covered in one and not in the other;
// `npm run coverage -- --add <coverage-final.json> <label>` adds the lines of a test run alone to a label's.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { parseArgs } from 'node:util'
import { PROJECT_ROOT } from './lib/paths.ts'

interface IstanbulFile {
  path: string
  statementMap: Record<string, { start: { line: number } }>
  s: Record<string, number>
}

/** Each file's lines holding a statement, split by whether a test ran one of them (Istanbul's line coverage). */
interface LineCoverage {
  [file: string]: { covered: number[]; uncovered: number[] }
}

const REPORTS = join(PROJECT_ROOT, 'artifacts', 'coverage')
const docFile = (label: string, ext: string) => join(PROJECT_ROOT, 'docs', `coverage-${label}.${ext}`)

function linesOf(istanbul: Record<string, IstanbulFile>): LineCoverage {
  const result: LineCoverage = {}
  for (const file of Object.values(istanbul).sort((a, b) => a.path.localeCompare(b.path))) {
    const hits = new Map<number, number>()
    for (const [id, { start }] of Object.entries(file.statementMap)) {
      hits.set(start.line, Math.max(hits.get(start.line) ?? 0, file.s[id] ?? 0))
    }
    const lines = [...hits.keys()].sort((a, b) => a - b)
    result[relative(PROJECT_ROOT, file.path)] = {
      covered: lines.filter((line) => (hits.get(line) ?? 0) > 0),
      uncovered: lines.filter((line) => hits.get(line) === 0),
    }
  }
  return result
}

const percent = (covered: number, total: number) => (total ? ((100 * covered) / total).toFixed(2) : '100.00')

function table(coverage: LineCoverage): string {
  const rows = Object.entries(coverage).map(([file, { covered, uncovered }]) => {
    const total = covered.length + uncovered.length
    return { file, covered: covered.length, total }
  })
  const width = Math.max(...rows.map((row) => row.file.length), 'total'.length)
  const line = (file: string, covered: number, total: number) =>
    `${file.padEnd(width)}  ${String(covered).padStart(6)} / ${String(total).padEnd(6)} ${percent(covered, total).padStart(6)} %`
  const covered = rows.reduce((sum, row) => sum + row.covered, 0)
  const total = rows.reduce((sum, row) => sum + row.total, 0)
  return [
    `${'file'.padEnd(width)}  lines covered / with code`,
    ...rows.map((row) => line(row.file, row.covered, row.total)),
    line('total', covered, total),
    '',
  ].join('\n')
}

/** Every line covered in `before` and not in `after`, as file:line, and how many lines `after` covers that `before` did not. */
function compare(before: LineCoverage, after: LineCoverage): { lost: string[]; gained: number } {
  const lost: string[] = []
  let gained = 0
  for (const [file, { covered }] of Object.entries(before)) {
    const now = new Set(after[file]?.covered ?? [])
    for (const line of covered) if (!now.has(line)) lost.push(`${file}:${line}`)
  }
  for (const [file, { covered }] of Object.entries(after)) {
    const then = new Set(before[file]?.covered ?? [])
    gained += covered.filter((line) => !then.has(line)).length
  }
  return { lost, gained }
}

function measure(label: string): void {
  // Coverage is not timed: a test that only ran out of time on a busy machine would otherwise lose its lines.
  const vitest = spawnSync(
    'npx',
    [
      'vitest',
      'run',
      '--project',
      'workers',
      '--project',
      'node',
      '--coverage.enabled',
      '--coverage.reportOnFailure',
      '--testTimeout=600000',
      '--hookTimeout=600000',
      '--reporter=dot',
      '--reporter=json',
      `--outputFile.json=${join(REPORTS, 'results.json')}`,
    ],
    { cwd: PROJECT_ROOT, stdio: 'inherit' },
  )
  if (vitest.status !== 0)
    console.error(
      `npm test failed under coverage (exit ${vitest.status}): its coverage is written, short of what failed`,
    )
  const report = join(REPORTS, 'coverage-final.json')
  if (!existsSync(report)) {
    console.error(
      `vitest wrote no coverage (${relative(PROJECT_ROOT, report)}): see its output above, then run this again`,
    )
    process.exit(1)
  }
  const coverage = linesOf(JSON.parse(readFileSync(report, 'utf8')))
  writeFileSync(docFile(label, 'json'), `${JSON.stringify(coverage)}\n`)
  writeFileSync(docFile(label, 'txt'), table(coverage))
  console.log(table(coverage).split('\n').at(-2))
  if (vitest.status !== 0) process.exitCode = 1
}

/** The lines of `extra` (another Istanbul report on the same source, e.g. of one test run alone) added to `coverage`. */
function union(coverage: LineCoverage, extra: LineCoverage): LineCoverage {
  const result: LineCoverage = {}
  for (const [file, { covered, uncovered }] of Object.entries(coverage)) {
    const more = new Set(extra[file]?.covered ?? [])
    result[file] = {
      covered: [...covered, ...uncovered.filter((line) => more.has(line))].sort((a, b) => a - b),
      uncovered: uncovered.filter((line) => !more.has(line)),
    }
  }
  return result
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { compare: { type: 'boolean' }, add: { type: 'string' } },
  })
  if (values.add) {
    // `--add <label> <coverage-final.json>`: a test added after the label's run, run alone with coverage.
    const [label] = positionals
    if (!label) throw new Error('usage: npm run coverage -- --add <coverage-final.json> <label>')
    const before = JSON.parse(readFileSync(docFile(label, 'json'), 'utf8')) as LineCoverage
    const coverage = union(before, linesOf(JSON.parse(readFileSync(values.add, 'utf8'))))
    writeFileSync(docFile(label, 'json'), `${JSON.stringify(coverage)}\n`)
    writeFileSync(docFile(label, 'txt'), table(coverage))
    console.log(table(coverage).split('\n').at(-2))
    return
  }
  if (values.compare) {
    const [from, to] = positionals
    if (!from || !to) throw new Error('usage: npm run coverage -- --compare <before> <after>')
    const read = (label: string) => JSON.parse(readFileSync(docFile(label, 'json'), 'utf8')) as LineCoverage
    const { lost, gained } = compare(read(from), read(to))
    const report = [
      `lines covered in ${from} and not in ${to}: ${lost.length}`,
      ...lost,
      `lines covered in ${to} and not in ${from}: ${gained}`,
      '',
    ].join('\n')
    writeFileSync(docFile(`${from}-${to}`, 'txt'), report)
    process.stdout.write(report)
    if (lost.length) process.exitCode = 1
    return
  }
  const [label] = positionals
  if (!label || !/^[a-z0-9-]+$/.test(label)) throw new Error('usage: npm run coverage -- <label> (e.g. before, after)')
  measure(label)
}

main()
