// The Worker's startup CPU over a hello-world Hono Worker's (scripts/bench/hello-worker.ts), both built in the same
// run. Startup is what Cloudflare counts against a Worker's startup limit: compiling its code and running its top
// level. Each round, workerd's Worker Loader loads every bundle into a fresh isolate in turn, and what each load
// costs is read from the kernel's per-thread CPU counters; an empty module's load, in the same round, is the cost of
// a fresh isolate itself, which the startup times leave out.
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { basename, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { convertV4MiniflareOptions, Miniflare } from 'miniflare'
import { unstable_readConfig } from 'wrangler'
import { STARTUP_RATIO_BUDGET } from './budgets.ts'
import { CONFIG_PATH, PROJECT_ROOT } from './environments.ts'
import { interquartileMean, parseUploadSize, threadCpuNs, workerdChildren } from './measure.ts'
import { WRANGLER_BIN } from './paths.ts'

export const STARTUP_BASELINE_ENTRY = 'scripts/bench/hello-worker.ts'
/** The baseline plus ~8 ms of work at module load: the regression the startup ratio must see. */
export const STARTUP_SLOW_ENTRY = 'scripts/bench/slow-start-worker.ts'

/** Fresh isolates per bundle in one measurement. */
export const STARTUP_ROUNDS = 150

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
    const output = execFileSync(process.execPath, [WRANGLER_BIN, 'deploy', '--dry-run', '--outdir', outdir, ...args], {
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

/** CPU ms of workerd's main thread per round, for each way a bundle was loaded. */
export interface StartupRuns {
  /** Loaded into a fresh isolate and evaluated: startup. */
  site: number[]
  baseline: number[]
  /** Loaded into a fresh isolate, its modules compiled but not evaluated. */
  siteCompile: number[]
  baselineCompile: number[]
  /** An empty module loaded into a fresh isolate: the cost of the isolate, left out of every time below. */
  empty: number[]
}

export interface StartupComparison {
  runs: StartupRuns
  /** Startup CPU, ms: the interquartile mean over the rounds of each bundle's load minus the empty module's. */
  siteMs: number
  baselineMs: number
  /** The part of each startup spent compiling the bundle; the rest is evaluating its top level. */
  siteCompileMs: number
  baselineCompileMs: number
  /** siteMs over baselineMs; NaN when the baseline's startup did not measure above zero. */
  ratio: number
  /** The ratio was measured and is at most STARTUP_RATIO_BUDGET. */
  withinBudget: boolean
}

export function compareStartup(runs: StartupRuns): StartupComparison {
  const startupOf = (loads: number[]) =>
    loads.length === 0 ? Number.NaN : interquartileMean(loads.map((ms, round) => ms - (runs.empty[round] as number)))
  const siteMs = startupOf(runs.site)
  const baselineMs = startupOf(runs.baseline)
  const ratio = baselineMs > 0 ? siteMs / baselineMs : Number.NaN
  return {
    runs,
    siteMs,
    baselineMs,
    siteCompileMs: startupOf(runs.siteCompile),
    baselineCompileMs: startupOf(runs.baselineCompile),
    ratio,
    withinBudget: ratio <= STARTUP_RATIO_BUDGET,
  }
}

/** A bundle's folder and main module. */
export type StartupBundle = Pick<WorkerBuild, 'outdir' | 'main'>

type Load = keyof StartupRuns
const LOADS: Load[] = ['site', 'siteCompile', 'baseline', 'baselineCompile', 'empty']
const ENTRY = 'startup-entry.js'

/** What the Worker Loader loads: the main module's name, and every module by name. */
interface Code {
  main: string
  modules: Record<string, string>
}

const EMPTY: Code = { main: 'empty.js', modules: { 'empty.js': 'export {}\n' } }

/** The JavaScript modules of a built bundle, by file name. */
export function bundleFiles(outdir: string): string[] {
  return readdirSync(outdir).filter((file) => /\.m?js$/.test(file))
}

/** The site's compatibility date and flags from wrangler.toml, as Miniflare takes them. */
export function siteCompatibility(): { compatibilityDate?: string; compatibilityFlags: string[] } {
  const config = unstable_readConfig({ config: CONFIG_PATH }, { hideWarnings: true })
  return { compatibilityDate: config.compatibility_date, compatibilityFlags: config.compatibility_flags }
}

function codeOf({ outdir, main }: StartupBundle): Code {
  const files = bundleFiles(outdir)
  return { main, modules: Object.fromEntries(files.map((file) => [file, readFileSync(join(outdir, file), 'utf8')])) }
}

/**
 * The Worker that loads the bundles. `/?load=<load>` loads one into a fresh isolate, behind an entry module that
 * imports the bundle's main module (or, for a compile load, only ships it), and answers once that isolate has
 * answered a request: 204, or 500 with the error when the bundle fails to load.
 */
function loaderSource(code: Record<'site' | 'baseline' | 'empty', Code>, compatibility: object): string {
  return `const CODE = ${JSON.stringify(code)}
const COMPATIBILITY = ${JSON.stringify(compatibility)}
const ANSWER = 'export default { fetch() { return new Response(null, { status: 204 }) } }'
export default {
  async fetch(request, env) {
    const load = new URL(request.url).searchParams.get('load')
    if (!load) return new Response(null, { status: 204 })
    const { main, modules } = CODE[load.replace(/Compile$/, '')]
    const entry = (load.endsWith('Compile') ? '' : 'import ' + JSON.stringify('./' + main) + '\\n') + ANSWER
    try {
      const worker = env.LOADER.load({
        ...COMPATIBILITY,
        mainModule: ${JSON.stringify(ENTRY)},
        modules: { ...modules, ${JSON.stringify(ENTRY)}: entry },
        env: {},
        globalOutbound: null,
      })
      const answer = await worker.getEntrypoint().fetch('http://startup.invalid/')
      return new Response(null, { status: answer.status })
    } catch (error) {
      return new Response(String((error && error.stack) || error), { status: 500 })
    }
  },
}
`
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
 * Loads the site's bundle and the baseline's `rounds` times each, each time into a fresh isolate, once evaluated and
 * once only compiled, beside an empty module; the five loads take turns in an order that rotates from round to round,
 * so that changes in the machine's load fall on all alike and each round's loads can be compared with each other.
 * Throws, naming the bundle, when one fails to load.
 */
export async function measureStartupRatio(options: {
  site: StartupBundle
  baseline: StartupBundle
  rounds?: number
}): Promise<StartupComparison> {
  const { site, baseline, rounds = STARTUP_ROUNDS } = options
  const compatibility = siteCompatibility()
  const source = loaderSource({ site: codeOf(site), baseline: codeOf(baseline), empty: EMPTY }, compatibility)
  const before = new Set(workerdChildren())
  const miniflare = new Miniflare(
    convertV4MiniflareOptions({
      workers: [
        {
          name: 'startup-loader',
          ...compatibility,
          modulesRoot: PROJECT_ROOT,
          modules: [{ type: 'ESModule', path: join(PROJECT_ROOT, 'startup-loader.js'), contents: source }],
          workerLoaders: { LOADER: {} },
          unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }],
        },
      ],
    } as Parameters<typeof convertV4MiniflareOptions>[0]),
  )
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  try {
    await miniflare.ready
    const pid = workerdChildren().find((candidate) => !before.has(candidate))
    if (pid === undefined) throw new Error('found no workerd process for the startup measurement')
    const url = await miniflare.unsafeGetDirectURL('startup-loader')
    const runs: StartupRuns = { site: [], baseline: [], siteCompile: [], baselineCompile: [], empty: [] }
    // Round 0 warms the process (its first loads) and is not counted.
    for (let round = 0; round <= rounds; round++) {
      for (let index = 0; index < LOADS.length; index++) {
        const load = LOADS[(index + round) % LOADS.length] as Load
        await get(url, agent)
        await sleep(5) // the previous request's teardown stays out of what follows
        const cpuBefore = threadCpuNs(pid)
        // workerd runs every isolate on its main thread; V8's helper threads would add other isolates' chores.
        const answer = await get(new URL(`/?load=${load}`, url), agent)
        const ms = (threadCpuNs(pid) - cpuBefore) / 1e6
        if (answer.status !== 204) {
          const bundle = load.startsWith('site') ? site : load.startsWith('baseline') ? baseline : undefined
          const name = bundle ? join(bundle.outdir, bundle.main) : 'the empty module'
          throw new Error(`${name} failed to load in a fresh isolate: ${answer.status} ${answer.body}`.trim())
        }
        if (round > 0) runs[load].push(ms)
      }
    }
    return compareStartup(runs)
  } finally {
    agent.destroy()
    await miniflare.dispose()
  }
}
