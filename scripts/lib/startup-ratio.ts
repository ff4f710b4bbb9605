// The Worker's startup CPU over a hello-world Hono Worker's (scripts/bench/hello-worker.ts), both built in the same
// run. Each bundle's module graph is evaluated in many fresh isolates of one workerd, taken in turn, and what each
// costs is read from the kernel's per-thread CPU counters: a sampling profile of one isolate holds too few samples
// to tell 1 ms from 20, and on a shared machine its timestamps mostly measure other people's work.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { basename, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { convertV4MiniflareOptions, Miniflare } from 'miniflare'
import { unstable_readConfig } from 'wrangler'
import { STARTUP_RATIO_BUDGET } from './budgets.ts'
import { CONFIG_PATH, PROJECT_ROOT } from './environments.ts'
import { interquartileMean, parseUploadSize, threadCpuNs, workerdChildren } from './measure.ts'

export const STARTUP_BASELINE_ENTRY = 'scripts/bench/hello-worker.ts'
/** The baseline plus ~8 ms of work at module load: the regression the startup ratio must see. */
export const STARTUP_SLOW_ENTRY = 'scripts/bench/slow-start-worker.ts'

/** Fresh isolates per bundle in one measurement. */
export const STARTUP_ROUNDS = 60

/** A Worker as `wrangler deploy --dry-run --outdir` wrote it. */
export interface WorkerBuild {
  outdir: string
  /** The main module's file name in `outdir`. */
  main: string
  size: { rawKiB: number; gzipKiB: number }
}

/**
 * `wrangler deploy --dry-run --outdir` with `args` (an `--env`, a `--config`, an entry); `entry` names the main
 * module wrangler writes (`src/index.ts` → `index.js`). Throws with wrangler's output when it cannot build.
 */
export function buildWorker(outdir: string, args: string[], entry = 'src/index.ts'): WorkerBuild {
  try {
    const output = execFileSync('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', outdir, ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    return { outdir, main: basename(entry).replace(/\.tsx?$/, '.js'), size: parseUploadSize(output) }
  } catch (error) {
    const { stdout = '', stderr = '', message } = error as { stdout?: string; stderr?: string; message: string }
    throw new Error(`wrangler could not build ${entry} into ${outdir}:\n${`${stdout}${stderr}`.trim() || message}`)
  }
}

/**
 * A Worker built from a config of its own that copies only the site's compatibility date, flags and minify
 * setting: none of the site's bindings, build step or entry points can break it. The hello-world baseline, and
 * the fixtures that prove the measurement (scripts/bench/).
 */
export function buildStandaloneWorker(workdir: string, entry: string): WorkerBuild {
  const site = unstable_readConfig({ config: CONFIG_PATH }, { hideWarnings: true })
  const name = basename(entry).replace(/\.tsx?$/, '')
  const config = join(workdir, `${name}.wrangler.json`)
  writeFileSync(
    config,
    JSON.stringify({
      name,
      main: join(PROJECT_ROOT, entry),
      compatibility_date: site.compatibility_date,
      compatibility_flags: site.compatibility_flags,
      minify: site.minify,
    }),
  )
  return buildWorker(join(workdir, name), ['--config', config], entry)
}

export interface StartupComparison {
  /**
   * CPU ms workerd's main thread spent on a request that imports each bundle into a fresh isolate, one per round.
   * The empty module's is the request's own cost, which the startup times below leave out.
   */
  siteRunsMs: number[]
  baselineRunsMs: number[]
  emptyRunsMs: number[]
  /** Startup CPU, ms: the interquartile mean over the rounds of each bundle's time minus the empty module's. */
  siteMs: number
  baselineMs: number
  /** siteMs over baselineMs; NaN when the baseline's startup did not measure above zero. */
  ratio: number
  /** The ratio was measured and is at most STARTUP_RATIO_BUDGET. */
  withinBudget: boolean
}

export function compareStartup(siteRunsMs: number[], baselineRunsMs: number[], emptyRunsMs: number[]) {
  const startupOf = (runs: number[]) => interquartileMean(runs.map((ms, round) => ms - (emptyRunsMs[round] as number)))
  const siteMs = startupOf(siteRunsMs)
  const baselineMs = startupOf(baselineRunsMs)
  const ratio = baselineMs > 0 ? siteMs / baselineMs : Number.NaN
  return {
    siteRunsMs,
    baselineRunsMs,
    emptyRunsMs,
    siteMs,
    baselineMs,
    ratio,
    withinBudget: ratio <= STARTUP_RATIO_BUDGET,
  } satisfies StartupComparison
}

type Kind = 'site' | 'baseline' | 'empty'
const KINDS: Kind[] = ['site', 'baseline', 'empty']
const PROBE = 'startup-probe.js'

/** A bundle's folder and main module: what one fresh isolate imports. */
export type StartupBundle = Pick<WorkerBuild, 'outdir' | 'main'>

/**
 * Each isolate's main module. Its first request warms the request path; `/start` then imports the bundle, so
 * that request's CPU is the module graph's evaluation plus a warm request's cost, which the empty module measures.
 */
function probeSource(main: string): string {
  return (
    'export default { async fetch(request) { ' +
    `if (new URL(request.url).pathname === '/start') await import(${JSON.stringify(`./${main}`)}); ` +
    'return new Response(null, { status: 204 }) } }'
  )
}

/** One workerd with an isolate per entry, each answering on its own socket; with `inspector`, open to profiling. */
export function startupIsolates(isolates: { name: string; bundle: StartupBundle }[], inspector = false): Miniflare {
  const config = unstable_readConfig({ config: CONFIG_PATH }, { hideWarnings: true })
  const workers = isolates.map(({ name, bundle: { outdir, main } }) => {
    const others = readdirSync(outdir).filter((file) => file !== main && /\.m?js$/.test(file))
    return {
      name,
      compatibilityDate: config.compatibility_date,
      compatibilityFlags: config.compatibility_flags,
      modulesRoot: outdir,
      modules: [
        { type: 'ESModule', path: join(outdir, PROBE), contents: probeSource(main) },
        ...[main, ...others].map((file) => ({ type: 'ESModule', path: join(outdir, file) })),
      ],
      unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }],
    }
  })
  return new Miniflare(
    convertV4MiniflareOptions({ workers, ...(inspector ? { inspectorPort: 0 } : {}) } as Parameters<
      typeof convertV4MiniflareOptions
    >[0]),
  )
}

function get(url: URL, agent: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => {
        body += chunk
      })
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
    })
      .on('error', reject)
      .end()
  })
}

/**
 * Warms isolate `name` with a first request, runs `before`, then sends the request that imports its bundle, on the
 * same connection. Throws with the isolate's answer when the bundle (named `label` in the error) fails to evaluate.
 */
export async function importInIsolate(
  miniflare: Miniflare,
  name: string,
  before: () => unknown,
  label = name,
): Promise<void> {
  const url = await miniflare.unsafeGetDirectURL(name)
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  try {
    await get(url, agent)
    await sleep(5) // the warm request's own teardown stays out of what follows
    await before()
    const response = await get(new URL('/start', url), agent)
    if (response.status !== 204) {
      throw new Error(`${label} failed to evaluate in a fresh isolate: ${response.status} ${response.body}`.trim())
    }
  } finally {
    agent.destroy()
  }
}

/**
 * Evaluates the site's bundle and the baseline's `rounds` times each, each time in a fresh isolate, beside an empty
 * module; the three take turns in an order that rotates from round to round, so that changes in the machine's load
 * fall on all alike and each round's three measurements can be compared with each other. Throws when a bundle
 * fails to evaluate.
 */
export async function measureStartupRatio(options: {
  workdir: string
  site: StartupBundle
  baseline: StartupBundle
  rounds?: number
}): Promise<StartupComparison> {
  const { workdir, site, baseline, rounds = STARTUP_ROUNDS } = options
  const emptyDir = join(workdir, 'startup-empty')
  mkdirSync(emptyDir, { recursive: true })
  writeFileSync(join(emptyDir, 'empty.js'), 'export {}\n')
  const bundles: Record<Kind, StartupBundle> = { site, baseline, empty: { outdir: emptyDir, main: 'empty.js' } }
  // Round 0 warms the process (its first isolates' first imports) and is not counted.
  const order = Array.from({ length: rounds + 1 }, (_, round) =>
    KINDS.map((_, index) => ({ kind: KINDS[(index + round) % KINDS.length] as Kind, round })),
  ).flat()
  const before = new Set(workerdChildren())
  const miniflare = startupIsolates(
    order.map(({ kind, round }) => ({ name: `${kind}-${round}`, bundle: bundles[kind] })),
  )
  try {
    await miniflare.ready
    const pid = workerdChildren().find((candidate) => !before.has(candidate))
    if (pid === undefined) throw new Error('found no workerd process for the startup measurement')
    // Creating the isolates leaves background work behind; let it finish before the first measurement.
    await sleep(1000)
    const runs: Record<Kind, number[]> = { site: [], baseline: [], empty: [] }
    for (const { kind, round } of order) {
      // workerd runs every isolate on its main thread; V8's helper threads would add other isolates' chores.
      let cpuBefore = 0
      const { outdir, main } = bundles[kind]
      await importInIsolate(
        miniflare,
        `${kind}-${round}`,
        () => {
          cpuBefore = threadCpuNs(pid)
        },
        join(outdir, main),
      )
      if (round > 0) runs[kind].push((threadCpuNs(pid) - cpuBefore) / 1e6)
    }
    return compareStartup(runs.site, runs.baseline, runs.empty)
  } finally {
    await miniflare.dispose()
  }
}
