// npm run bench: how close serving our pages comes to returning a constant string, measured in workerd.
//
// T   a trivial Worker returning each page as a constant (same body, same headers, same bytes);
// H0  our Worker as deployed, disclaimer cached in the isolate (the state almost every request is in);
// H1  our Worker with the isolate cache off: one local KV read per request.
//
// Each is built by `wrangler deploy --dry-run`, served by its own workerd through Miniflare's direct socket
// on 127.0.0.1 (no wrangler dev, no Miniflare entry Worker in the path), pinned to core 0; the load
// generators run on core 1. Routes: every page H0's /sitemap.xml lists. Saturation: wrk (1 thread, 32
// connections). Latency at a fixed rate of half T's saturation: an open-loop generator (lib/paced-load.ts).
// Three runs; medians, spread, ratios against T; startup as a ratio to a hello-world Hono Worker.
// `--quick`: one run of the first route with short phases, to prove the harness in CI; no targets are judged.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { pacedLatencies, requireWrk, saturate, VARIANTS, type Variant } from './lib/bench-load.ts'
import { headerOf, rawGet, routesFromSitemap, writeConstantWorker } from './lib/bench-pages.ts'
import { type BenchSettings, type PageBytes, renderReport, type Sample } from './lib/bench-report.ts'
import { type Server, startServer } from './lib/bench-servers.ts'
import { buildBundle, PROJECT_ROOT } from './lib/serve-bundle.ts'
import { measureStartupRatio } from './lib/startup-ratio.ts'

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
const STARTUP_PROFILES = QUICK ? 1 : 5
const RESULTS_FILE = join(PROJECT_ROOT, QUICK ? 'artifacts/bench-quick.md' : 'docs/benchmark.md')

/** Each route's exact bytes from every server, after checking each answers 200 and H0, H1 show KV's disclaimer. */
async function measurePageBytes(routes: string[], servers: Record<Variant, Server>): Promise<Map<string, PageBytes>> {
  const pageBytes = new Map<string, PageBytes>()
  for (const path of routes) {
    const [h0, t, h1] = await Promise.all(
      (['H0', 'T', 'H1'] as const).map((variant) => rawGet(servers[variant].served.url, path)),
    )
    if (!h0 || !t || !h1 || [h0, t, h1].some((response) => response.status !== 200)) {
      throw new Error(`${path} did not answer 200 from every server`)
    }
    for (const response of [h0, h1]) {
      const source = headerOf(response, 'disclaimer-source')
      if (source !== 'kv') throw new Error(`${path}: expected the disclaimer from KV, got ${source}`)
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

async function main() {
  requireWrk()
  // Everything this process starts inherits the load core; each workerd is moved to the server core once it is up.
  execFileSync('taskset', ['-pc', String(SETTINGS.loadCore), String(process.pid)], { stdio: 'ignore' })
  const started = Date.now()

  console.log('building H0 (the Worker as deployed) and H1 (isolate cache off) with wrangler deploy --dry-run')
  const h0Bundle = buildBundle()
  const h1Bundle = buildBundle(undefined, 'scripts/bench/no-cache-worker.ts')
  const scratch = [h0Bundle.outdir, h1Bundle.outdir]
  const servers = {} as Record<Variant, Server>
  try {
    servers.H0 = await startServer(h0Bundle, SETTINGS.serverCore)
    servers.H1 = await startServer(h1Bundle, SETTINGS.serverCore)
    const sitemap = await routesFromSitemap(servers.H0.served.url)
    const routes = QUICK ? sitemap.slice(0, 1) : sitemap
    console.log(`routes from /sitemap.xml: ${routes.join(' ')}`)
    const tBundle = await writeConstantWorker(servers.H0.served.url, routes)
    scratch.push(tBundle.outdir)
    servers.T = await startServer(tBundle, SETTINGS.serverCore)

    const pageBytes = await measurePageBytes(routes, servers)
    const samples = await measureLoad(routes, servers)

    console.log('startup: the Worker against a hello-world Hono Worker, profiled in turn')
    const startupDir = mkdtempSync(join(tmpdir(), 'kratom-bench-startup-'))
    scratch.push(startupDir)
    const startup = measureStartupRatio({ workdir: startupDir, profiles: STARTUP_PROFILES })
    console.log(
      `  site ${startup.siteMs.toFixed(1)} ms, hello-world ${startup.baselineMs.toFixed(1)} ms → ${startup.ratio.toFixed(2)}×`,
    )

    if (!h0Bundle.size) throw new Error('wrangler reported no upload size for H0')
    const report = renderReport({
      settings: SETTINGS,
      routes,
      samples,
      pageBytes,
      startup,
      bundle: h0Bundle.size,
      seconds: (Date.now() - started) / 1000,
    })
    console.log(`\n${report}`)
    mkdirSync(dirname(RESULTS_FILE), { recursive: true })
    writeFileSync(RESULTS_FILE, report)
    console.log(`written to ${RESULTS_FILE.slice(PROJECT_ROOT.length)}`)
  } finally {
    await Promise.all(Object.values(servers).map((server) => server.served.stop()))
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.main) await main()
