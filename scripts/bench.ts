// npm run bench: how close serving our pages comes to returning a constant string, measured in workerd.
//
// T   a trivial Worker returning each page as a constant (same body, same headers, same bytes);
// H0  our Worker as deployed, disclaimer cached in the isolate (the state almost every request is in);
// H1  our Worker with the isolate cache off: one local KV read per request.
//
// Each is built by `wrangler deploy --dry-run`, served by its own workerd through Miniflare's direct socket
// on 127.0.0.1 (no wrangler dev, no Miniflare entry Worker in the path), pinned to core 0; the load
// generators run on core 1. Saturation: wrk (1 thread, 32 connections). Latency at a fixed rate of half
// T's saturation: an open-loop generator (lib/paced-load.ts). Three runs; medians, spread, ratios against T.
// `--quick`: one run of one route with short phases, to prove the harness in CI; no targets are judged.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { Agent } from 'node:http'
import { connect } from 'node:net'
import { cpus, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { bundledDisclaimers } from './disclaimer.ts'
import { median, profileStartupMs, quantile } from './lib/measure.ts'
import { pacedAgent, pacedLoad } from './lib/paced-load.ts'
import { type BuiltBundle, buildBundle, PROJECT_ROOT, type ServedBundle, serveBundle } from './lib/serve-bundle.ts'

const QUICK = process.argv.includes('--quick')
const ROUTES = QUICK
  ? ['/']
  : ['/', '/understanding-muscle-soreness', '/exploring-kratom', '/dosage-and-safety', '/conclusion', '/full-article']
const RUNS = QUICK ? 1 : 3
const WARMUP = '1s'
const PHASE_SECONDS = QUICK ? 1 : 2
const PHASE = `${PHASE_SECONDS}s`
const SLICE_SECONDS = 0.25
const CONNECTIONS = 32
const SERVER_CORE = 0
const LOAD_CORE = 1
const RESULTS_FILE = join(PROJECT_ROOT, QUICK ? 'artifacts/bench-quick.md' : 'docs/benchmark.md')

// Targets, judged within one run (issue 6): throughput ratio, p99 gap at half T's rate, bytes per page, bundle.
const TARGET_RATIO = 0.95
const TARGET_P99_GAP_MS = 1
const TARGET_PAGE_BYTES = 14 * 1024
const TARGET_BUNDLE_GZIP_KIB = 50

type Variant = 'T' | 'H0' | 'H1'
const VARIANTS: Variant[] = ['T', 'H0', 'H1']

interface Server {
  served: ServedBundle
  pid: number
}

interface Sample {
  rps: number
  cpuMicrosPerRequest: number
  serverBusy: number
  p50Ms: number
  p99Ms: number
  pacedRps: number
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim())

function requireTool(name: string) {
  try {
    execFileSync('which', [name], { stdio: 'ignore' })
  } catch {
    console.error(`bench: \`${name}\` is not installed. Install the load generator with: apt-get install -y wrk`)
    process.exit(2)
  }
}

/** A process's name and the fields after it in /proc/<pid>/stat (state, ppid, …, utime, stime, …). */
function procStat(pid: number | string): { name: string; fields: string[] } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return {
    name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
    fields: stat.slice(stat.lastIndexOf(')') + 2).split(' '),
  }
}

/** workerd processes started by this process (Miniflare spawns one per instance). */
function workerdChildren(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const { name, fields } = procStat(pid)
        return name === 'workerd' && Number(fields[1]) === process.pid
      } catch {
        return false // the process ended while we looked
      }
    })
    .map(Number)
}

function cpuTicks(pid: number): number {
  const { fields } = procStat(pid)
  return Number(fields[11]) + Number(fields[12]) // utime + stime
}

async function serve(bundle: BuiltBundle): Promise<Server> {
  const before = new Set(workerdChildren())
  const served = await serveBundle({ bundle, disclaimers: Object.fromEntries(bundledDisclaimers()), direct: true })
  const started = workerdChildren().filter((pid) => !before.has(pid))
  if (started.length !== 1) throw new Error(`expected one new workerd process, found ${started.length}`)
  const pid = started[0] as number
  execFileSync('taskset', ['-apc', String(SERVER_CORE), String(pid)], { stdio: 'ignore' })
  return { served, pid }
}

/** One GET on a fresh connection: the exact bytes on the wire, and the head and body split apart. */
function rawGet(
  url: URL,
  path: string,
): Promise<{ bytes: number; status: number; headers: [string, string][]; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname)
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('end', () => {
      const raw = Buffer.concat(chunks)
      const split = raw.indexOf('\r\n\r\n')
      const [statusLine = '', ...lines] = raw.subarray(0, split).toString('latin1').split('\r\n')
      const headers = lines.map((line): [string, string] => {
        const colon = line.indexOf(':')
        return [line.slice(0, colon), line.slice(colon + 1).trim()]
      })
      resolve({
        bytes: raw.length,
        status: Number(statusLine.split(' ')[1]),
        headers,
        body: raw.subarray(split + 4).toString('utf8'),
      })
    })
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`)
  })
}

/** T: each page of H0 as a constant, with H0's headers, so both put the same bytes on the wire. */
async function writeConstantWorker(h0: URL): Promise<BuiltBundle> {
  const pages: Record<string, { body: string; headers: [string, string][] }> = {}
  const skip = new Set(['content-length', 'date', 'connection', 'transfer-encoding'])
  for (const path of ROUTES) {
    const response = await rawGet(h0, path)
    pages[path] = { body: response.body, headers: response.headers.filter(([name]) => !skip.has(name.toLowerCase())) }
  }
  const outdir = mkdtempSync(join(tmpdir(), 'kratom-bench-t-'))
  const mainPath = join(outdir, 'index.js')
  writeFileSync(
    mainPath,
    `const PAGES = new Map(Object.entries(${JSON.stringify(pages)}))\n` +
      'export default {\n' +
      '  fetch(request) {\n' +
      '    const page = PAGES.get(new URL(request.url).pathname)\n' +
      "    return page ? new Response(page.body, { headers: page.headers }) : new Response('not found', { status: 404 })\n" +
      '  },\n' +
      '}\n',
  )
  return { outdir, mainPath }
}

/** wrk at saturation: requests per second, and workerd's CPU time per request over the same window. */
function saturate(server: Server, path: string, duration: string) {
  const ticksBefore = cpuTicks(server.pid)
  const output = execFileSync(
    'wrk',
    ['-t1', `-c${CONNECTIONS}`, `-d${duration}`, new URL(path, server.served.url).href],
    {
      encoding: 'utf8',
    },
  )
  const ticks = cpuTicks(server.pid) - ticksBefore
  const [, requestsText, secondsText] = /(\d+) requests in ([\d.]+)s/.exec(output) ?? []
  const requests = Number(requestsText)
  const seconds = Number(secondsText)
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1])
  if (!requests || !rps) throw new Error(`could not read wrk's output:\n${output}`)
  if (/Non-2xx|Socket errors/.test(output)) throw new Error(`wrk saw errors on ${path}:\n${output}`)
  return {
    rps,
    cpuMicrosPerRequest: ((ticks / CLOCK_TICKS) * 1e6) / requests,
    serverBusy: ticks / CLOCK_TICKS / seconds,
  }
}

/**
 * Latency at a fixed rate, in short slices taken in turn from each variant (T, H0, H1, T, H0, …), so that
 * the machine's own hiccups (on a VM, an idle core can take milliseconds to wake) fall on all of them alike.
 * Returns p50 and p99 in ms per variant, over all its slices.
 */
async function pacedLatencies(path: string, rate: number, order: Variant[], servers: Record<Variant, Server>) {
  const latencies = new Map<Variant, number[]>(order.map((variant) => [variant, []]))
  // Fresh connections for each route: a kept-alive socket left idle through the saturation phases can be
  // closed by workerd just as it is reused, which would count as a failure of the server.
  const agents = Object.fromEntries(order.map((variant) => [variant, pacedAgent()])) as Record<Variant, Agent>
  const urls = Object.fromEntries(order.map((variant) => [variant, new URL(path, servers[variant].served.url)]))
  for (const variant of order) await pacedLoad(urls[variant] as URL, rate, 0.25, agents[variant])
  const slices = Math.round(PHASE_SECONDS / SLICE_SECONDS)
  for (let slice = 0; slice < slices; slice++) {
    for (const variant of order) {
      const result = await pacedLoad(urls[variant] as URL, rate, SLICE_SECONDS, agents[variant])
      if (result.failures > 0) {
        const first = result.firstFailure
        throw new Error(
          `${variant}: ${result.failures} requests to ${path} failed at ${rate.toFixed(0)} req/s (${first})`,
        )
      }
      latencies.get(variant)?.push(...result.latenciesMs)
    }
  }
  for (const agent of Object.values(agents)) agent.destroy()
  return Object.fromEntries(
    order.map((variant) => {
      const values = latencies.get(variant) ?? []
      return [variant, { p50Ms: quantile(values, 0.5), p99Ms: quantile(values, 0.99) }]
    }),
  ) as Record<Variant, { p50Ms: number; p99Ms: number }>
}

const fixed = (value: number, digits = 2) => value.toFixed(digits)
const spread = (values: number[], digits = 2) =>
  `${fixed(median(values), digits)} (${fixed(Math.min(...values), digits)}–${fixed(Math.max(...values), digits)})`

/** The first line a tool prints about its version (wrk prints it and exits 1, so the exit code is ignored). */
function versionOf(command: string, args: string[]): string {
  return spawnSync(command, args, { encoding: 'utf8' }).stdout.split('\n')[0]?.trim() || '?'
}

async function main() {
  requireTool('wrk')
  // Everything this process starts inherits core 1; each workerd is moved to core 0 once it is up.
  execFileSync('taskset', ['-pc', String(LOAD_CORE), String(process.pid)], { stdio: 'ignore' })
  const started = Date.now()

  console.log('building H0 (the Worker as deployed) and H1 (isolate cache off) with wrangler deploy --dry-run')
  const h0Bundle = buildBundle()
  const h1Bundle = buildBundle(undefined, 'scripts/bench/no-cache-worker.ts')
  const servers = {} as Record<Variant, Server>
  servers.H0 = await serve(h0Bundle)
  servers.H1 = await serve(h1Bundle)
  const tBundle = await writeConstantWorker(servers.H0.served.url)
  servers.T = await serve(tBundle)

  try {
    const pageBytes = new Map<string, { h0: number; t: number; h1: number; gzipBody: number }>()
    for (const path of ROUTES) {
      const [h0, t, h1] = await Promise.all(
        (['H0', 'T', 'H1'] as const).map((variant) => rawGet(servers[variant].served.url, path)),
      )
      if (!h0 || !t || !h1 || [h0, t, h1].some((response) => response.status !== 200)) {
        throw new Error(`${path} did not answer 200 from every server`)
      }
      for (const response of [h0, h1]) {
        const source = response.headers.find(([name]) => name.toLowerCase() === 'x-disclaimer-source')?.[1]
        if (source !== 'kv') throw new Error(`${path}: expected the disclaimer from KV, got ${source}`)
      }
      pageBytes.set(path, { h0: h0.bytes, t: t.bytes, h1: h1.bytes, gzipBody: gzipSync(h0.body).length })
    }

    const samples = new Map<string, Sample[]>() // `${variant} ${path}` → one sample per run
    for (let run = 1; run <= RUNS; run++) {
      console.log(`run ${run}/${RUNS}`)
      for (const variant of VARIANTS) saturate(servers[variant], ROUTES[0] as string, WARMUP)
      for (const path of ROUTES) {
        // Each run starts with a different variant, so none always runs first (or last) after another's load.
        const order = VARIANTS.map((_, index) => VARIANTS[(index + run) % VARIANTS.length] as Variant)
        const saturation = Object.fromEntries(
          order.map((variant) => [variant, saturate(servers[variant], path, PHASE)]),
        )
        const rate = (saturation.T?.rps ?? 0) / 2
        const latency = await pacedLatencies(path, rate, order, servers)
        for (const variant of order) {
          const sample = {
            ...(saturation[variant] as ReturnType<typeof saturate>),
            ...latency[variant],
            pacedRps: rate,
          }
          const key = `${variant} ${path}`
          samples.set(key, [...(samples.get(key) ?? []), sample])
        }
        const rps = VARIANTS.map((variant) => `${variant} ${fixed(saturation[variant]?.rps ?? 0, 0)}`).join(', ')
        console.log(`  ${path}: ${rps} req/s`)
      }
    }

    const startupRuns: number[] = []
    const profileDir = mkdtempSync(join(tmpdir(), 'kratom-bench-startup-'))
    for (let run = 0; run < RUNS; run++) {
      startupRuns.push(profileStartupMs(PROJECT_ROOT, join(profileDir, `startup-${run}.cpuprofile`)))
    }
    rmSync(profileDir, { recursive: true, force: true })

    const report = renderReport({
      samples,
      pageBytes,
      startupRuns,
      bundle: h0Bundle,
      seconds: (Date.now() - started) / 1000,
    })
    console.log(`\n${report}`)
    mkdirSync(dirname(RESULTS_FILE), { recursive: true })
    writeFileSync(RESULTS_FILE, report)
    console.log(`written to ${RESULTS_FILE.slice(PROJECT_ROOT.length)}`)
  } finally {
    await Promise.all(VARIANTS.map((variant) => servers[variant].served.stop()))
    for (const bundle of [h0Bundle, h1Bundle, tBundle]) rmSync(bundle.outdir, { recursive: true, force: true })
  }
}

interface Verdict {
  what: string
  value: number
  limit: number
  atLeast: boolean
}

interface ReportInput {
  samples: Map<string, Sample[]>
  pageBytes: Map<string, { h0: number; t: number; h1: number; gzipBody: number }>
  startupRuns: number[]
  bundle: BuiltBundle
  seconds: number
}

function renderReport({ samples, pageBytes, startupRuns, bundle, seconds }: ReportInput): string {
  const of = (variant: Variant, path: string) => samples.get(`${variant} ${path}`) ?? []
  const perRun = (path: string, pick: (t: Sample, h: Sample) => number, variant: Variant) =>
    of(variant, path).map((sample, run) => pick(of('T', path)[run] as Sample, sample))
  const lines: string[] = []
  const verdicts: Verdict[] = []
  lines.push(
    QUICK ? '# Benchmark (quick mode: proves the harness, judges nothing)' : '# Benchmark',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} by \`npm run ${QUICK ? 'bench:quick' : 'bench'}\` in ${fixed(seconds, 0)} s: ` +
      `${RUNS} run(s), ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}; workerd pinned to core ${SERVER_CORE}, ` +
      `load generators to core ${LOAD_CORE}. ${versionOf('wrk', ['-v'])}; fixed rate: scripts/lib/paced-load.ts (open loop).`,
    'Each cell is the median over the runs, with the spread (min–max) in brackets. Ratios are taken within each run, then the median.',
    '',
    `## Throughput at saturation (wrk, ${CONNECTIONS} connections, ${PHASE} per route)`,
    '',
    '| route | T req/s | H0 req/s | H1 req/s | H0/T | H1/T | workerd CPU µs/req T / H0 / H1 | workerd core busy (H0) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  )
  for (const path of ROUTES) {
    const h0Ratio = perRun(path, (t, h) => h.rps / t.rps, 'H0')
    const h1Ratio = perRun(path, (t, h) => h.rps / t.rps, 'H1')
    const cpu = VARIANTS.map((variant) => fixed(median(of(variant, path).map((s) => s.cpuMicrosPerRequest)), 0)).join(
      ' / ',
    )
    lines.push(
      `| \`${path}\` | ${spread(
        of('T', path).map((s) => s.rps),
        0,
      )} | ${spread(
        of('H0', path).map((s) => s.rps),
        0,
      )} | ` +
        `${spread(
          of('H1', path).map((s) => s.rps),
          0,
        )} | ${spread(h0Ratio)} | ${spread(h1Ratio)} | ${cpu} | ` +
        `${fixed(median(of('H0', path).map((s) => s.serverBusy)) * 100, 0)} % |`,
    )
    verdicts.push({ what: `H0/T on ${path}`, value: median(h0Ratio), limit: TARGET_RATIO, atLeast: true })
  }
  lines.push(
    '',
    `## Latency at a fixed rate of half T's saturation (open loop, ${PHASE} per route in ${SLICE_SECONDS} s slices taken in turn, from when each request was due), ms`,
    '',
    'Read each p99 with its spread: where the spread across runs is wider than the gap between variants, the gap is noise. ' +
      "H1 cannot keep up with half of T's rate, so its queue grows through each slice: its latency shows that, not a tail.",
    '',
    '| route | rate req/s | T p50 | T p99 | H0 p50 | H0 p99 | H1 p50 | H1 p99 | H0 p99 − T p99 |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  )
  for (const path of ROUTES) {
    const gap = perRun(path, (t, h) => h.p99Ms - t.p99Ms, 'H0')
    const cell = (variant: Variant, pick: (s: Sample) => number) => spread(of(variant, path).map(pick))
    lines.push(
      `| \`${path}\` | ${fixed(median(of('T', path).map((s) => s.pacedRps)), 0)} | ${cell('T', (s) => s.p50Ms)} | ${cell('T', (s) => s.p99Ms)} | ` +
        `${cell('H0', (s) => s.p50Ms)} | ${cell('H0', (s) => s.p99Ms)} | ${cell('H1', (s) => s.p50Ms)} | ${cell('H1', (s) => s.p99Ms)} | ${spread(gap)} |`,
    )
    verdicts.push({
      what: `H0 p99 − T p99 on ${path}, ms`,
      value: median(gap),
      limit: TARGET_P99_GAP_MS,
      atLeast: false,
    })
  }
  lines.push(
    '',
    '## Bytes and build',
    '',
    '| route | bytes on the wire incl. headers (H0 / T / H1) | body gzip bytes |',
    '|---|---:|---:|',
  )
  for (const [path, bytes] of pageBytes) {
    lines.push(`| \`${path}\` | ${bytes.h0} / ${bytes.t} / ${bytes.h1} | ${bytes.gzipBody} |`)
    verdicts.push({ what: `bytes of ${path} with headers`, value: bytes.h0, limit: TARGET_PAGE_BYTES, atLeast: false })
  }
  const size = bundle.size
  lines.push(
    '',
    `Bundle (wrangler dry-run): ${size?.rawKiB} KiB raw, ${size?.gzipKiB} KiB gzip. ` +
      `Startup (\`wrangler check startup\`, active CPU): ${spread(startupRuns, 1)} ms.`,
  )
  verdicts.push({
    what: 'bundle, KiB gzip',
    value: size?.gzipKiB ?? Number.NaN,
    limit: TARGET_BUNDLE_GZIP_KIB,
    atLeast: false,
  })
  if (!QUICK) {
    const judge = ({ what, value, limit, atLeast }: Verdict) =>
      `- ${(atLeast ? value >= limit : value <= limit) ? 'met' : '**short**'}: ${what}: ${fixed(value)} (target ${atLeast ? '≥' : '≤'} ${limit})`
    lines.push('', '## Targets', '', ...verdicts.map(judge))
  }
  return `${lines.join('\n')}\n`
}

await main()
