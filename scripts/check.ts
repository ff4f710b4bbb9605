// npm run check: what must hold before any deploy, proven without a Cloudflare account.
// Typecheck, binding types current, a dry-run build of every environment within the bundle budget,
// and Worker startup (profiled by `wrangler check startup`) within the startup budget.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ENVIRONMENTS, PROJECT_ROOT } from './lib/environments.ts'
import { median, parseUploadSize, profileStartupMs } from './lib/measure.ts'

/** The limits, stated in the README: gzip of the upload wrangler reports, and startup CPU (median of five). */
export const BUNDLE_GZIP_BUDGET_KIB = 32
export const STARTUP_BUDGET_MS = 40
const STARTUP_RUNS = 5

const env = { ...process.env, WRANGLER_SEND_METRICS: 'false' }

function step(title: string) {
  console.log(`\n== ${title}`)
}

function fail(message: string): never {
  console.error(`\ncheck failed: ${message}`)
  process.exit(1)
}

/** Runs a command and returns its stdout; on failure prints what it printed and stops with `why`. */
function run(command: string, args: string[], why: string): string {
  try {
    return execFileSync(command, args, { cwd: PROJECT_ROOT, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string }
    console.error(`${stdout}${stderr}`.replace(/^npm warn Unknown user config "nodedir".*\n/gm, '').trim())
    fail(why)
  }
}

function main() {
  step('typecheck')
  run('npm', ['run', '--silent', 'typecheck'], 'the TypeScript errors above must be fixed first')
  console.log('ok')

  step('binding types are current (worker-configuration.d.ts)')
  run(
    'npx',
    ['wrangler', 'types', '--include-runtime=false', '--strict-vars=false', '--check'],
    'worker-configuration.d.ts does not match wrangler.toml: run `npm run cf-typegen` and commit the result',
  )
  console.log('ok')

  const workdir = mkdtempSync(join(tmpdir(), 'kratom-check-'))
  try {
    step(`dry-run deploy of every environment (budget: ${BUNDLE_GZIP_BUDGET_KIB} KiB gzip)`)
    for (const environment of ['', ...ENVIRONMENTS]) {
      const label = environment || 'local (top level)'
      const output = run(
        'npx',
        ['wrangler', 'deploy', '--dry-run', `--env=${environment}`, '--outdir', join(workdir, environment || 'local')],
        `wrangler could not build the ${label} Worker (output above)`,
      )
      const { rawKiB, gzipKiB } = parseUploadSize(output)
      console.log(`${label.padEnd(18)} ${rawKiB.toFixed(2)} KiB raw, ${gzipKiB.toFixed(2)} KiB gzip`)
      if (gzipKiB > BUNDLE_GZIP_BUDGET_KIB) {
        fail(`the ${label} bundle is ${gzipKiB} KiB gzip, over the ${BUNDLE_GZIP_BUDGET_KIB} KiB budget`)
      }
    }

    step(`Worker startup, median of ${STARTUP_RUNS} profiles (budget: ${STARTUP_BUDGET_MS} ms)`)
    const runs: number[] = []
    for (let index = 0; index < STARTUP_RUNS; index++) {
      try {
        runs.push(profileStartupMs(PROJECT_ROOT, join(workdir, `startup-${index}.cpuprofile`)))
      } catch (error) {
        fail((error as Error).message)
      }
    }
    const startup = median(runs)
    console.log(`runs ${runs.map((ms) => ms.toFixed(1)).join(', ')} ms → median ${startup.toFixed(1)} ms`)
    if (startup > STARTUP_BUDGET_MS) {
      fail(`Worker startup took ${startup.toFixed(1)} ms, over the ${STARTUP_BUDGET_MS} ms budget`)
    }
  } finally {
    rmSync(workdir, { recursive: true, force: true })
  }
  console.log('\ncheck passed')
}

if (import.meta.main) main()
