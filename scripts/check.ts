// npm run check: what must hold before any deploy, proven without a Cloudflare account.
// Typecheck, module sizes and imports, every environment's settings, binding types current, a dry-run build of
// every environment within the bundle budget, and the Worker's startup CPU within its budget against a hello-world
// Hono Worker's, measured in the same run.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { importCycles, importsUnder, LAYERS, layerViolations } from './lib/architecture.ts'
import { breakdownTable, profileStartup } from './lib/bench-startup-profile.ts'
import { BUNDLE_GZIP_BUDGET_KIB, STARTUP_RATIO_BUDGET } from './lib/budgets.ts'
import { configProblems, ENVIRONMENTS, PROJECT_ROOT } from './lib/environments.ts'
import { MAX_MODULE_LINES, moduleSizes, oversizedModules } from './lib/module-sizes.ts'
import { WRANGLER_BIN } from './lib/paths.ts'
import {
  buildStandaloneWorker,
  buildWorker,
  measureStartupRatio,
  STARTUP_BASELINE_ENTRY,
  STARTUP_ROUNDS,
  type WorkerBuild,
} from './lib/startup-ratio.ts'

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

async function main() {
  step('typecheck')
  run('npm', ['run', '--silent', 'typecheck'], 'the TypeScript errors above must be fixed first')
  console.log('ok')

  step(`every module in src/ within ${MAX_MODULE_LINES} lines (generated ones aside); the longest:`)
  const sizes = moduleSizes()
  for (const { path, lines } of sizes.slice(0, 5)) console.log(`${String(lines).padStart(5)}  ${path}`)
  const oversized = oversizedModules(sizes)
  if (oversized.length > 0) {
    fail(
      `split these modules, each doing more than one job: ${oversized.map((size) => `${size.path} (${size.lines})`).join(', ')}`,
    )
  }

  step(
    `src/ runs as three things over a shared core: ${Object.entries(LAYERS)
      .map(([layer, below]) => `${layer}/ → ${below.length ? below.join(', ') : 'nothing'}`)
      .join('; ')}; no import circles`,
  )
  const imports = importsUnder()
  const problems = [
    ...layerViolations(imports),
    ...importCycles(imports).map((cycle) => `an import circle: ${cycle.join(' → ')}`),
  ]
  if (problems.length > 0) fail(`move the code so that each import points down:\n  ${problems.join('\n  ')}`)
  console.log(`ok (${imports.length} imports)`)

  step(
    'every environment in wrangler.toml: settings in the form the Worker needs, bindings, hostname, crons and secrets ' +
      '(placeholders aside: the deploy refuses those), and no rate-limit namespace or bucket shared',
  )
  const config = configProblems()
  if (config.length > 0) fail(`fix wrangler.toml:\n  ${config.join('\n  ')}`)
  console.log(`ok (${['local', ...ENVIRONMENTS].join(', ')})`)

  step('binding types are current (worker-configuration.d.ts)')
  run(
    process.execPath,
    [WRANGLER_BIN, 'types', '--include-runtime=false', '--strict-vars=false', '--check'],
    'worker-configuration.d.ts does not match wrangler.toml: run `npm run cf-typegen` and commit the result',
  )
  console.log('ok')

  // Both budgets are measured before either fails the check, so that one run reports both.
  const overBudget: string[] = []
  const workdir = mkdtempSync(join(tmpdir(), 'kratom-check-'))
  try {
    step(`dry-run deploy of every environment (budget: ${BUNDLE_GZIP_BUDGET_KIB} KiB gzip)`)
    let local: WorkerBuild | undefined
    for (const environment of ['', ...ENVIRONMENTS]) {
      const label = environment || 'local (top level)'
      const build = orFail(
        () => buildWorker(join(workdir, environment || 'local'), [`--env=${environment}`]),
        `wrangler could not build the ${label} Worker (output above)`,
      )
      local ??= build
      const { rawKiB, gzipKiB } = build.size
      console.log(`${label.padEnd(18)} ${rawKiB.toFixed(2)} KiB raw, ${gzipKiB.toFixed(2)} KiB gzip`)
      if (gzipKiB > BUNDLE_GZIP_BUDGET_KIB) {
        overBudget.push(`the ${label} bundle is ${gzipKiB} KiB gzip, over the ${BUNDLE_GZIP_BUDGET_KIB} KiB budget`)
      }
    }

    step(
      `Worker startup CPU (compiling and evaluating) against a hello-world Hono Worker (${STARTUP_BASELINE_ENTRY}), ` +
        `each loaded into ${STARTUP_ROUNDS} fresh isolates in turn (budget: ${STARTUP_RATIO_BUDGET}×)`,
    )
    const site = local as WorkerBuild
    const baseline = orFail(() => buildStandaloneWorker(workdir, STARTUP_BASELINE_ENTRY))
    const startup = await measureStartupRatio({ site, baseline }).catch((error: Error) => fail(error.message))
    console.log(
      `site ${startup.siteMs.toFixed(2)} ms (compiling ${startup.siteCompileMs.toFixed(2)}), hello-world ` +
        `${startup.baselineMs.toFixed(2)} ms → ${startup.ratio.toFixed(2)}×`,
    )
    if (Number.isNaN(startup.ratio)) {
      overBudget.push(
        "the hello-world Worker's startup did not measure above zero, so there is no ratio: run the check again",
      )
    } else if (!startup.withinBudget) {
      const { byTopLevelCall } = await profileStartup(site)
      console.log(`\nwhere the site's evaluation goes (CPU profiles of its top level, by what it calls):\n`)
      console.log(
        breakdownTable('top-level call', byTopLevelCall, startup.siteMs - startup.siteCompileMs, 8).join('\n'),
      )
      overBudget.push(
        `Worker startup is ${startup.ratio.toFixed(2)}× a hello-world Hono Worker's ` +
          `(${startup.siteMs.toFixed(2)} ms against ${startup.baselineMs.toFixed(2)} ms of CPU), ` +
          `over the ${STARTUP_RATIO_BUDGET}× budget`,
      )
    }
  } finally {
    rmSync(workdir, { recursive: true, force: true })
  }
  if (overBudget.length > 0) fail(overBudget.join('; '))
  console.log('\ncheck passed')
}

if (import.meta.main) await main()
