// The first half of `npm run test:mutation`: one StrykerJS run per module in MUTATED, each against that module's own
// test file, merged into the one report scripts/mutation-score.ts judges. One run for all would rerun every log test
// for each static mutant of a module they all import (encoding.ts), which took hours instead of minutes. A module
// whose source and test file are byte for byte those of its committed baseline (test/mutation/) is not run again:
// its baseline's results are its results, as Stryker's own incremental mode would keep every one of them.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { MUTATED, MUTATION_REPORT, moduleBaseline, moduleReport } from '../stryker.config.ts'
import type { ReportFiles } from './lib/mutation-score.ts'
import { PROJECT_ROOT } from './lib/paths.ts'

const stryker = join(PROJECT_ROOT, 'node_modules/.bin/stryker')
const files: ReportFiles = {}
let report: Record<string, unknown> = {}
const force = process.argv.includes('--force')

type Baseline = Record<string, unknown> & {
  files: ReportFiles & Record<string, { source: string }>
  testFiles?: Record<string, { source: string }>
}

/** The module's committed baseline when neither it nor its test file has changed since; else undefined. */
function unchangedBaseline(module: string, testFile: string): Baseline | undefined {
  const path = join(PROJECT_ROOT, moduleBaseline(module))
  if (force || !existsSync(path)) return undefined
  const baseline = JSON.parse(readFileSync(path, 'utf8')) as Baseline
  const same = (recorded: string | undefined, file: string) =>
    recorded === readFileSync(join(PROJECT_ROOT, file), 'utf8')
  return same(baseline.files[module]?.source, module) && same(baseline.testFiles?.[testFile]?.source, testFile)
    ? baseline
    : undefined
}

for (const [module, testFile] of Object.entries(MUTATED)) {
  const started = Date.now()
  console.log(`\n== ${module} against ${testFile}`)
  const kept = unchangedBaseline(module, testFile)
  if (kept) {
    report = kept
    Object.assign(files, { [module]: kept.files[module] })
    console.log(`== ${module}: unchanged since ${moduleBaseline(module)}, its results kept`)
    continue
  }
  // Extra arguments go to each run: `--force` runs every mutant again, whatever the module's baseline holds.
  const run = spawnSync(stryker, ['run', 'stryker.config.ts', ...process.argv.slice(2)], {
    cwd: PROJECT_ROOT,
    stdio: 'inherit',
    env: { ...process.env, MUTATION_MODULE: module },
  })
  if (run.status !== 0) {
    console.error(`mutation testing failed: StrykerJS stopped on ${module} (exit ${run.status}); see its output above`)
    process.exit(1)
  }
  report = JSON.parse(readFileSync(join(PROJECT_ROOT, moduleReport(module, 'json')), 'utf8')) as typeof report
  Object.assign(files, report.files as ReportFiles)
  console.log(`== ${module}: ${Math.round((Date.now() - started) / 1000)} s`)
}
mkdirSync(join(PROJECT_ROOT, 'artifacts/mutation'), { recursive: true })
writeFileSync(join(PROJECT_ROOT, MUTATION_REPORT), JSON.stringify({ ...report, files }))
