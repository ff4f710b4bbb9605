// npm run deploy:staging | deploy:production: the one way to ship, the same every time.
// Refuses while the environment's wrangler.toml section has a placeholder or a value the Worker's own rules refuse,
// then runs the checks and the tests, and deploys only if all of them pass.
import { spawnSync } from 'node:child_process'
import {
  deployProblems,
  ENVIRONMENTS,
  type Environment,
  isEnvironment,
  PROJECT_ROOT,
  workerNameOf,
} from './lib/environments.ts'

const env = { ...process.env, WRANGLER_SEND_METRICS: 'false' }

function run(environment: Environment, title: string, command: string, args: string[]) {
  console.log(`\n== ${title}: ${command} ${args.join(' ')}`)
  const result = spawnSync(command, args, { cwd: PROJECT_ROOT, env, stdio: 'inherit' })
  if (result.status !== 0) {
    console.error(`\n${title} failed; nothing was deployed to ${environment}.`)
    process.exit(1)
  }
}

function main() {
  const environment = process.argv[2]
  if (!isEnvironment(environment) || process.argv.length > 3) {
    console.error(`usage: node scripts/deploy.ts <${ENVIRONMENTS.join('|')}>`)
    process.exit(2)
  }

  const problems = deployProblems(environment)
  if (problems.length > 0) {
    console.error(`Refusing to deploy ${environment}: wrangler.toml is not ready for it.`)
    for (const problem of problems) console.error(`  - ${problem}`)
    console.error('Nothing was built or deployed. docs/operations.md, "First-time setup", walks through it.')
    process.exit(1)
  }

  run(environment, 'checks', 'npm', ['run', 'check'])
  run(environment, 'tests', 'npm', ['test'])
  run(environment, `deploy to ${environment}`, 'npx', ['wrangler', 'deploy', `--env=${environment}`])
  console.log(
    `\nDeployed ${workerNameOf(environment)} to ${environment}. Verify it: docs/operations.md, "Verify a deploy"; ` +
      `undo it: "Rolling back a bad deploy".`,
  )
}

if (import.meta.main) main()
