// npm run bench: how close serving our pages comes to returning a constant string, measured in workerd.
//
// T   a trivial Worker returning each page as a constant (same body, same headers, same bytes);
// H0  our Worker as deployed, disclaimer cached in the isolate (the state almost every request is in);
// H1  our Worker with the isolate cache off: one local KV read per request;
// H2  our Worker as deployed with KV answering every read 100 ms late (scripts/bench/slow-kv-worker.ts).
//
// Each is built by `wrangler deploy --dry-run`, served by its own workerd through Miniflare's direct socket
// on 127.0.0.1 (no wrangler dev, no Miniflare entry Worker in the path), pinned to core 0; the load
// generators run on core 1. Routes: every page H0's /sitemap.xml lists. Saturation: wrk (1 thread, 32
// connections). Latency at a fixed rate of half T's saturation: an open-loop generator (lib/paced-load.ts).
// Three runs; medians, spread, ratios against T. Then H2's KV reads over a minute at that rate and a minute at
// saturation, and startup CPU as a ratio to a hello-world Hono Worker's, with where the site's goes.
// `--quick`: one run of the first route with short phases, to prove the harness in CI; no targets are judged.

import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { pacedLatencies, requireWrk, saturate, VARIANTS, type Variant } from './lib/bench-load.ts'
import { headerOf, rawGet, routesFromSitemap, writeConstantWorker } from './lib/bench-pages.ts'
import { type BenchSettings, type PageBytes, renderReport, type Sample } from './lib/bench-report.ts'
import { type Server, startServer } from './lib/bench-servers.ts'
import { measureKvReads } from './lib/bench-slow-kv.ts'
import { profileStartup } from './lib/bench-startup-profile.ts'
import { LEDGER_SECTION, sectionOf } from './lib/doc-sections.ts'
import { median } from './lib/measure.ts'
import { buildBundle, PROJECT_ROOT } from './lib/serve-bundle.ts'
import {
  buildStandaloneWorker,
  measureStartupRatio,
  STARTUP_BASELINE_ENTRY,
  STARTUP_ROUNDS,
  STARTUP_SLOW_ENTRY,
} from './lib/startup-ratio.ts'

const QUICK = process.argv.includes('--quick')
const SETTINGS: BenchSettings = {
  quick: QUICK,
  runs: QUICK ? 1 : 3,
  phaseSeconds: QUICK ? 1 : 2,
  sliceSeconds: 0.25,
  connections: 32,
  serverCore: 0,
  loadCore: 1,
}
const WARMUP_SECONDS = 1
/** How long H2 is loaded at each rate while its KV reads are counted. */
const KV_READS_SECONDS = QUICK ? 3 : 60
const STARTUP_ISOLATES = QUICK ? 5 : STARTUP_ROUNDS
const RESULTS_FILE = join(PROJECT_ROOT, QUICK ? 'artifacts/bench-quick.md' : 'docs/benchmark.md')

/** Each route's exact bytes from every server, after checking each answers 200 and H0, H1, H2 show KV's disclaimer. */
async function measurePageBytes(routes: string[], servers: Record<Variant, Server>): Promise<Map<string, PageBytes>> {
  const pageBytes = new Map<string, PageBytes>()
  for (const path of routes) {
    const [h0, t, h1, h2] = await Promise.all(
      (['H0', 'T', 'H1', 'H2'] as const).map((variant) => rawGet(servers[variant].served.url, path)),
    )
    if (!h0 || !t || !h1 || !h2 || [h0, t, h1, h2].some((response) => response.status !== 200)) {
      throw new Error(`${path} did not answer 200 from every server`)
    }
    for (const [variant, response] of [
      ['H0', h0],
      ['H1', h1],
      ['H2', h2],
    ] as const) {
      const source = headerOf(response, 'disclaimer-source')
      if (source !== 'kv') throw new Error(`${variant} ${path}: expected the disclaimer from KV, got ${source}`)
    }
    pageBytes.set(path, { h0: h0.bytes, t: t.bytes, h1: h1.bytes, gzipBody: gzipSync(h0.body).length })
  }
  return pageBytes
}

/** Saturation, then latency at half T's rate, for every route in every run; each run starts with another variant. */
async function measureLoad(routes: string[], servers: Record<Variant, Server>): Promise<Map<string, Sample[]>> {
  const { runs, phaseSeconds, sliceSeconds, connections } = SETTINGS
  const samples = new Map<string, Sample[]>()
  for (let run = 1; run <= runs; run++) {
    console.log(`run ${run}/${runs}`)
    for (const variant of VARIANTS) {
      saturate(servers[variant], routes[0] as string, { seconds: WARMUP_SECONDS, connections })
    }
    for (const path of routes) {
      // One request first, so that no isolate cache is cold or past its staleness cap when the route is measured.
      await Promise.all(VARIANTS.map((variant) => rawGet(servers[variant].served.url, path)))
      const order = VARIANTS.map((_, index) => VARIANTS[(index + run) % VARIANTS.length] as Variant)
      const saturation = Object.fromEntries(
        order.map((variant) => [variant, saturate(servers[variant], path, { seconds: phaseSeconds, connections })]),
      ) as Record<Variant, Sample>
      const rate = saturation.T.rps / 2
      const latency = await pacedLatencies(path, rate, order, servers, { seconds: phaseSeconds, sliceSeconds })
      for (const variant of order) {
        const key = `${variant} ${path}`
        samples.set(key, [...(samples.get(key) ?? []), { ...saturation[variant], ...latency[variant], pacedRps: rate }])
      }
      console.log(
        `  ${path}: ${VARIANTS.map((variant) => `${variant} ${saturation[variant].rps.toFixed(0)}`).join(', ')} req/s`,
      )
    }
  }
  return samples
}

/** Startup against the hello-world baseline, the instrument read against itself, and in a full run where it goes. */
async function measureStartup(h0Bundle: { outdir: string; mainPath: string }, workdir: string) {
  const site = { outdir: h0Bundle.outdir, main: basename(h0Bundle.mainPath) }
  const baseline = buildStandaloneWorker(workdir, STARTUP_BASELINE_ENTRY)
  const startup = await measureStartupRatio({ site, baseline, rounds: STARTUP_ISOLATES })
  console.log(
    `  site ${startup.siteMs.toFixed(2)} ms, hello-world ${startup.baselineMs.toFixed(2)} ms → ${startup.ratio.toFixed(2)}×`,
  )
  // The instrument itself, in the same run: it should read 1× for a bundle against itself and several times for
  // the same bundle with ~8 ms of work at load. Printed, never asserted: these are timings.
  const self = await measureStartupRatio({ site: baseline, baseline, rounds: STARTUP_ISOLATES })
  const slow = buildStandaloneWorker(workdir, STARTUP_SLOW_ENTRY)
  const slowStart = await measureStartupRatio({ site: slow, baseline, rounds: STARTUP_ISOLATES })
  console.log(
    `  instrument: hello-world against itself ${self.ratio.toFixed(2)}×, with ~8 ms of work at load ${slowStart.ratio.toFixed(2)}×`,
  )
  return {
    startup,
    startupCalibration: { self, slowStart },
    startupBreakdown: QUICK ? undefined : await profileStartup(site),
  }
}

async function main() {
  requireWrk()
  // Everything this process starts inherits the load core; each workerd is moved to the server core once it is up.
  execFileSync('taskset', ['-pc', String(SETTINGS.loadCore), String(process.pid)], { stdio: 'ignore' })
  const started = Date.now()

  console.log(
    'building H0 (as deployed), H1 (isolate cache off) and H2 (KV 100 ms late) with wrangler deploy --dry-run',
  )
  const h0Bundle = buildBundle()
  const h1Bundle = buildBundle(undefined, 'scripts/bench/no-cache-worker.ts')
  const h2Bundle = buildBundle(undefined, 'scripts/bench/slow-kv-worker.ts')
  const scratch = [h0Bundle.outdir, h1Bundle.outdir, h2Bundle.outdir]
  const servers = {} as Record<Variant, Server>
  try {
    servers.H0 = await startServer(h0Bundle, SETTINGS.serverCore)
    servers.H1 = await startServer(h1Bundle, SETTINGS.serverCore)
    servers.H2 = await startServer(h2Bundle, SETTINGS.serverCore)
    const sitemap = await routesFromSitemap(servers.H0.served.url)
    const routes = QUICK ? sitemap.slice(0, 1) : sitemap
    console.log(`routes from /sitemap.xml: ${routes.join(' ')}`)
    const tBundle = await writeConstantWorker(servers.H0.served.url, routes)
    scratch.push(tBundle.outdir)
    servers.T = await startServer(tBundle, SETTINGS.serverCore, false)

    const pageBytes = await measurePageBytes(routes, servers)
    const samples = await measureLoad(routes, servers)

    const kvPath = routes[0] as string
    const rate = median((samples.get(`T ${kvPath}`) ?? []).map((sample) => sample.pacedRps))
    console.log(
      `H2's KV reads while ${kvPath} is loaded for ${KV_READS_SECONDS} s at ${rate.toFixed(0)} req/s, then at saturation`,
    )
    const kvReads = await measureKvReads(servers.H2, kvPath, {
      rate,
      seconds: KV_READS_SECONDS,
      connections: SETTINGS.connections,
    })
    for (const reads of kvReads.loads) console.log(`  ${reads.load}: ${JSON.stringify(reads.readsByKeySet)}`)

    console.log(`startup: the Worker against a hello-world Hono Worker, ${STARTUP_ISOLATES} fresh isolates each`)
    const startupDir = mkdtempSync(join(tmpdir(), 'kratom-bench-startup-'))
    scratch.push(startupDir)
    const { startup, startupCalibration, startupBreakdown } = await measureStartup(h0Bundle, startupDir)

    if (!h0Bundle.size) throw new Error('wrangler reported no upload size for H0')
    const report = renderReport({
      settings: SETTINGS,
      routes,
      samples,
      pageBytes,
      kvReads,
      startup,
      startupCalibration,
      startupRounds: STARTUP_ISOLATES,
      startupBreakdown,
      bundle: h0Bundle.size,
      seconds: (Date.now() - started) / 1000,
    })
    console.log(`\n${report}`)
    mkdirSync(dirname(RESULTS_FILE), { recursive: true })
    // The ledger's section (npm run bench:ledger) is another benchmark's: kept as it stands.
    const previous = existsSync(RESULTS_FILE) ? readFileSync(RESULTS_FILE, 'utf8') : ''
    const kept = sectionOf(previous, LEDGER_SECTION)
    writeFileSync(RESULTS_FILE, kept ? `${report.trimEnd()}\n\n${kept}\n` : report)
    console.log(`written to ${RESULTS_FILE.slice(PROJECT_ROOT.length)}`)
  } finally {
    await Promise.all(Object.values(servers).map((server) => server.served.stop()))
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.main) await main()
