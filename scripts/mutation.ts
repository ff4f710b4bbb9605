// The first half of `npm run test:mutation`: one StrykerJS run per module in MUTATED, each against that module's own
// test file, merged into the one report scripts/mutation-score.ts judges. One run for all would rerun every log test
// for each static mutant of a module they all import (encoding.ts), which took hours instead of minutes.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { MUTATED, MUTATION_REPORT, moduleReport } from '../stryker.config.ts'
import type { ReportFiles } from './lib/mutation-score.ts'
import { PROJECT_ROOT } from './lib/paths.ts'

const stryker = join(PROJECT_ROOT, 'node_modules/.bin/stryker')
const files: ReportFiles = {}
let report: Record<string, unknown> = {}
for (const module of Object.keys(MUTATED)) {
  const started = Date.now()
  console.log(`\n== ${module} against ${MUTATED[module]}`)
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
