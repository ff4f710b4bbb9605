// npm run check: what must hold before any deploy, proven without a Cloudflare account.
// Typecheck, binding types current, a dry-run build of every environment within the bundle budget,
// and the Worker's startup within its budget against a hello-world Hono Worker profiled in the same run.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BUNDLE_GZIP_BUDGET_KIB, STARTUP_RATIO_BUDGET } from './lib/budgets.ts'
import { ENVIRONMENTS, PROJECT_ROOT } from './lib/environments.ts'
import { parseUploadSize } from './lib/measure.ts'
import { buildUploadBundle, measureStartupRatio, STARTUP_PROFILES } from './lib/startup-ratio.ts'

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
    console.error(`${stdout}${stderr}`.trim())
    fail(why)
  }
}

/** Runs `work`; an error it throws fails the check, printed, then followed by `why` when given. */
function orFail<T>(work: () => T, why?: string): T {
  try {
    return work()
  } catch (error) {
    const { message } = error as Error
    if (!why) fail(message)
    console.error(message)
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
      const bundle = join(workdir, `${environment || 'local'}.bundle`)
      const output = orFail(
        () => buildUploadBundle(bundle, [`--env=${environment}`]),
        `wrangler could not build the ${label} Worker (output above)`,
      )
      const { rawKiB, gzipKiB } = parseUploadSize(output)
      console.log(`${label.padEnd(18)} ${rawKiB.toFixed(2)} KiB raw, ${gzipKiB.toFixed(2)} KiB gzip`)
      if (gzipKiB > BUNDLE_GZIP_BUDGET_KIB) {
        fail(`the ${label} bundle is ${gzipKiB} KiB gzip, over the ${BUNDLE_GZIP_BUDGET_KIB} KiB budget`)
      }
    }

    step(
      `Worker startup against a hello-world Hono Worker, medians of ${STARTUP_PROFILES} profiles each in turn ` +
        `(budget: ${STARTUP_RATIO_BUDGET}×)`,
    )
    const startup = orFail(() =>
      measureStartupRatio({
        workdir,
        siteBundle: join(workdir, 'local.bundle'),
        onProfile: (which, ms) => console.log(`${which.padEnd(8)} ${ms.toFixed(1)} ms`),
      }),
    )
    console.log(
      `site ${startup.siteMs.toFixed(1)} ms, hello-world ${startup.baselineMs.toFixed(1)} ms → ` +
        `${startup.ratio.toFixed(2)}×`,
    )
    if (Number.isNaN(startup.ratio)) {
      fail('most hello-world profiles caught no active sample, so there is no ratio to judge: run the check again')
    }
    if (!startup.withinBudget) {
      fail(
        `Worker startup is ${startup.ratio.toFixed(2)}× a hello-world Hono Worker's, over the ${STARTUP_RATIO_BUDGET}× budget`,
      )
    }
  } finally {
    rmSync(workdir, { recursive: true, force: true })
  }
  console.log('\ncheck passed')
}

if (import.meta.main) main()
