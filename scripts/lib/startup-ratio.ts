// The Worker's startup against a hello-world Hono Worker: both built in the same run and profiled in turn
// by `wrangler check startup`, so that the machine's load falls on both alike.
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { unstable_readConfig } from 'wrangler'
import { STARTUP_RATIO_BUDGET } from './budgets.ts'
import { PROJECT_ROOT } from './environments.ts'
import { median, profileStartupMs } from './measure.ts'

export const STARTUP_BASELINE_ENTRY = 'scripts/bench/hello-worker.ts'
export const STARTUP_PROFILES = 5

export interface StartupComparison {
  siteRunsMs: number[]
  baselineRunsMs: number[]
  siteMs: number
  baselineMs: number
  /**
   * The site's median over the baseline's; NaN when the baseline's median is 0 ms, which happens when most of
   * its profiles caught no active sample (a profile holds only a few samples, 6 to 40 ms apart on a busy machine).
   */
  ratio: number
  /** The ratio was measured and is at most STARTUP_RATIO_BUDGET. */
  withinBudget: boolean
}

export function compareStartup(siteRunsMs: number[], baselineRunsMs: number[]): StartupComparison {
  const siteMs = median(siteRunsMs)
  const baselineMs = median(baselineRunsMs)
  const ratio = baselineMs > 0 ? siteMs / baselineMs : Number.NaN
  return { siteRunsMs, baselineRunsMs, siteMs, baselineMs, ratio, withinBudget: ratio <= STARTUP_RATIO_BUDGET }
}

/** `wrangler deploy --dry-run --outfile`: the upload wrangler would send, which `check startup --worker` reads. */
export function buildUploadBundle(outfile: string, args: string[]): string {
  try {
    return execFileSync('npx', ['wrangler', 'deploy', '--dry-run', '--outfile', outfile, ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    })
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string }
    throw new Error(`wrangler could not build ${outfile}:\n${`${stdout}${stderr}`.trim()}`)
  }
}

/**
 * Builds the baseline from a config of its own that copies only the site's compatibility date, flags and
 * minify setting: none of the site's bindings, build step or entry points can break it.
 */
function buildBaselineBundle(workdir: string): string {
  const site = unstable_readConfig({ config: join(PROJECT_ROOT, 'wrangler.toml') }, { hideWarnings: true })
  const config = join(workdir, 'startup-baseline.wrangler.json')
  writeFileSync(
    config,
    JSON.stringify({
      name: 'startup-baseline',
      main: join(PROJECT_ROOT, STARTUP_BASELINE_ENTRY),
      compatibility_date: site.compatibility_date,
      compatibility_flags: site.compatibility_flags,
      minify: site.minify,
    }),
  )
  const bundle = join(workdir, 'startup-baseline.bundle')
  buildUploadBundle(bundle, ['--config', config])
  return bundle
}

/**
 * Profiles the site's bundle (built here when not given) and the baseline's, `profiles` times each, in turn:
 * site, baseline, site, baseline, … Throws with wrangler's output when a build or a profile fails.
 */
export function measureStartupRatio(options: {
  workdir: string
  siteBundle?: string
  profiles?: number
  onProfile?: (which: 'site' | 'baseline', ms: number) => void
}): StartupComparison {
  const { workdir, profiles = STARTUP_PROFILES, onProfile } = options
  const siteBundle = options.siteBundle ?? join(workdir, 'startup-site.bundle')
  if (!options.siteBundle) buildUploadBundle(siteBundle, ['--env='])
  const baselineBundle = buildBaselineBundle(workdir)
  const runs = { site: [] as number[], baseline: [] as number[] }
  for (let index = 0; index < profiles; index++) {
    for (const [which, bundle] of [
      ['site', siteBundle],
      ['baseline', baselineBundle],
    ] as const) {
      const ms = profileStartupMs(PROJECT_ROOT, bundle, join(workdir, `startup-${which}-${index}.cpuprofile`))
      runs[which].push(ms)
      onProfile?.(which, ms)
    }
  }
  return compareStartup(runs.site, runs.baseline)
}
