// The second half of `npm run test:mutation`: reads the report Stryker just wrote and fails when any mutated module
// scores below the goal on its covered mutants.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { EQUIVALENT, MUTATED, MUTATION_REPORT, MUTATION_SCORE_GOAL } from '../stryker.config.ts'
import { judgeModules, type ReportFiles, scoreTable } from './lib/mutation-score.ts'
import { PROJECT_ROOT } from './lib/paths.ts'

const report = JSON.parse(readFileSync(join(PROJECT_ROOT, MUTATION_REPORT), 'utf8')) as { files: ReportFiles }
const judgement = judgeModules(report.files, Object.keys(MUTATED), MUTATION_SCORE_GOAL, EQUIVALENT)
console.log(`\nMutation score on covered mutants, per module (goal: at least ${MUTATION_SCORE_GOAL} % each)\n`)
console.log(scoreTable(judgement))
for (const entry of judgement.stale) {
  console.warn(
    `\nListed as equivalent in stryker.config.ts but did not survive (remove it): ${entry.module} ${entry.mutator} ${entry.replacement}`,
  )
}
if (judgement.failures.length > 0) {
  console.error(`\nmutation testing failed:\n${judgement.failures.map((line) => `- ${line}`).join('\n')}`)
  process.exit(1)
}
console.log(`\nEvery module reaches ${MUTATION_SCORE_GOAL} %.`)
