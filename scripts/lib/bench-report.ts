// The benchmark's Markdown report: medians over the runs with their spread, ratios against T, and the targets.
import { spawnSync } from 'node:child_process'
import { cpus } from 'node:os'
import { KV_DELAY_MS } from '../bench/slow-kv.ts'
import { type Latency, type Saturation, VARIANTS, type Variant } from './bench-load.ts'
import {
  expectedReadsPerMinute,
  type KvReadsReport,
  maxReadsPerKeySet,
  readsPerKeySetPerMinute,
} from './bench-slow-kv.ts'
import { breakdownTable, type StartupBreakdown } from './bench-startup-profile.ts'
import {
  BUNDLE_GZIP_BUDGET_KIB,
  P99_GAP_TARGET_MS,
  PAGE_BYTES_BUDGET,
  SLOW_KV_P50_GAP_TARGET_MS,
  STARTUP_RATIO_BUDGET,
  THROUGHPUT_RATIO_TARGET,
} from './budgets.ts'
import { median } from './measure.ts'
import { STARTUP_BASELINE_ENTRY, STARTUP_SLOW_ENTRY, type StartupComparison } from './startup-ratio.ts'

export type Sample = Saturation & Latency & { pacedRps: number }

export interface PageBytes {
  h0: number
  t: number
  h1: number
  gzipBody: number
}

export interface BenchSettings {
  quick: boolean
  runs: number
  phaseSeconds: number
  sliceSeconds: number
  connections: number
  serverCore: number
  loadCore: number
}

export interface ReportInput {
  settings: BenchSettings
  routes: string[]
  /** `${variant} ${path}` → one sample per run. */
  samples: Map<string, Sample[]>
  pageBytes: Map<string, PageBytes>
  /** H2's KV reads while one route was loaded at each rate. */
  kvReads: KvReadsReport
  startup: StartupComparison
  startupRounds: number
  /** The instrument checked in the same run: the hello world against itself, and with ~8 ms of work at load. */
  startupCalibration?: { self: StartupComparison; slowStart: StartupComparison }
  /** Where the site's startup goes; full runs only. */
  startupBreakdown?: StartupBreakdown
  bundle: { rawKiB: number; gzipKiB: number }
  seconds: number
}

interface Verdict {
  what: string
  value: number
  limit: number
  atLeast: boolean
}

const fixed = (value: number, digits = 2) => value.toFixed(digits)

/** `median (min–max)`. */
export const spread = (values: number[], digits = 2) =>
  `${fixed(median(values), digits)} (${fixed(Math.min(...values), digits)}–${fixed(Math.max(...values), digits)})`

const met = ({ value, limit, atLeast }: Verdict) => (atLeast ? value >= limit : value <= limit)

/** The first line a tool prints about its version (wrk prints it and exits 1, so the exit code is ignored). */
function versionOf(command: string, args: string[]): string {
  return (spawnSync(command, args, { encoding: 'utf8' }).stdout ?? '').split('\n')[0]?.trim() || '?'
}

function startupSection(input: ReportInput, verdicts: Verdict[]): string[] {
  const { startup, startupRounds, startupBreakdown } = input
  const ratio = Number.isNaN(startup.ratio)
    ? "no ratio: the hello-world Worker's startup did not measure above zero"
    : `**${fixed(startup.ratio)}×** (budget ${STARTUP_RATIO_BUDGET}×)`
  verdicts.push({
    what: 'startup over a hello-world Hono Worker',
    value: startup.ratio,
    limit: STARTUP_RATIO_BUDGET,
    atLeast: false,
  })
  const lines = [
    '',
    '## Startup',
    '',
    `Startup CPU of the Worker as deployed against a hello-world Hono Worker (\`${STARTUP_BASELINE_ENTRY}\`) built in the ` +
      "same run. Startup is what Cloudflare's startup limit counts: compiling the bundle and running its top level. " +
      `Each of ${startupRounds} rounds loads each bundle into a fresh isolate of one workerd with its Worker Loader, ` +
      'once evaluated and once only compiled, beside an empty module, in an order that rotates from round to round; ' +
      "each load's cost is the CPU time of workerd's main thread over it, read from the kernel (schedstat), minus the " +
      "empty module's in the same round (the cost of a fresh isolate); the interquartile mean over the rounds.",
    '',
    `Site ${fixed(startup.siteMs)} ms (compiling ${fixed(startup.siteCompileMs)}, evaluating ` +
      `${fixed(startup.siteMs - startup.siteCompileMs)}), hello-world ${fixed(startup.baselineMs)} ms (compiling ` +
      `${fixed(startup.baselineCompileMs)}, evaluating ${fixed(startup.baselineMs - startup.baselineCompileMs)}) of ` +
      `CPU: ${ratio}.`,
  ]
  const { startupCalibration } = input
  if (startupCalibration) {
    lines.push(
      '',
      `The instrument, same run and rounds: the hello world against itself ${fixed(startupCalibration.self.ratio)}× ` +
        `(1× when nothing else moves it); the hello world plus a loop at module load (\`${STARTUP_SLOW_ENTRY}\`) ` +
        `${fixed(startupCalibration.slowStart.ratio)}× (${fixed(startupCalibration.slowStart.siteMs)} ms against ` +
        `${fixed(startupCalibration.slowStart.baselineMs)} ms), the size of regression the budget must catch.`,
    )
  }
  if (startupBreakdown) {
    const evaluationMs = startup.siteMs - startup.siteCompileMs
    lines.push(
      '',
      `Where the site's evaluation goes: ${startupBreakdown.samples} CPU profile samples (every 100 µs) of its top ` +
        "level run in fresh isolates, traced through the bundle's source map; ms are each share of the evaluation " +
        'above. Compiling happens as workerd loads an isolate, before any profile.',
      '',
      ...breakdownTable('under this top-level call', startupBreakdown.byTopLevelCall, evaluationMs, 10),
      '',
      ...breakdownTable('own time in', startupBreakdown.bySource, evaluationMs, 10),
    )
  }
  return lines
}

function slowKvSection(input: ReportInput, of: (variant: Variant, path: string) => Sample[], verdicts: Verdict[]) {
  const { routes, kvReads } = input
  const expected = expectedReadsPerMinute(kvReads.freshMs)
  const lines = [
    '',
    `## H2: KV answering every read ${KV_DELAY_MS} ms late (issue 13)`,
    '',
    `Warm p50 at the fixed rate above, H2 against H0 in the same slices (target: within ${SLOW_KV_P50_GAP_TARGET_MS} ms), ms:`,
    '',
    '| route | H0 p50 | H2 p50 | H2 p50 − H0 p50 | verdict |',
    '|---|---:|---:|---:|---|',
  ]
  for (const path of routes) {
    const gaps = of('H2', path).map((h2, run) => h2.p50Ms - (of('H0', path)[run] as Sample).p50Ms)
    const verdict = {
      what: `|H2 p50 − H0 p50| on ${path}, ms`,
      value: Math.abs(median(gaps)),
      limit: SLOW_KV_P50_GAP_TARGET_MS,
      atLeast: false,
    }
    verdicts.push(verdict)
    const cells = [spread(of('H0', path).map((s) => s.p50Ms)), spread(of('H2', path).map((s) => s.p50Ms))]
    lines.push(`| \`${path}\` | ${cells.join(' | ')} | ${spread(gaps)} | ${met(verdict) ? 'met' : '**short**'} |`)
  }
  lines.push(
    '',
    `KV reads sent by H2's isolate while \`${kvReads.path}\` was loaded; the isolate cache allows one per key set per ` +
      `${kvReads.freshMs / 1000} s (FRESH_MS), ${fixed(expected, 0)} a minute, whatever the rate:`,
    '',
    '| load | requests | window s | reads (key sets) | reads per key set per minute, from the mean time between them | mean s between reads | verdict |',
    '|---|---:|---:|---:|---:|---:|---|',
  )
  for (const reads of kvReads.loads) {
    const counts = Object.values(reads.readsByKeySet)
    const verdict = {
      what: `KV reads per key set in ${reads.seconds} s at ${reads.load}`,
      value: Math.max(0, ...counts),
      limit: maxReadsPerKeySet(reads.seconds, kvReads.freshMs),
      atLeast: false,
    }
    verdicts.push(verdict)
    const interval = reads.meanIntervalMs === undefined ? '–' : fixed(reads.meanIntervalMs / 1000, 2)
    const perMinute = readsPerKeySetPerMinute(reads)
    lines.push(
      `| ${reads.load} | ${reads.requests} | ${reads.seconds} | ${counts.reduce((sum, n) => sum + n, 0)} (${counts.length}) | ` +
        `${perMinute === undefined ? '–' : fixed(perMinute)} (expected ${fixed(expected, 0)}) | ${interval} | ` +
        `${met(verdict) ? 'met' : '**short**'}: at most ${verdict.limit} per key set |`,
    )
  }
  return lines
}

export function renderReport(input: ReportInput): string {
  const { settings, routes, samples, pageBytes, bundle, seconds } = input
  const { quick, runs, phaseSeconds, sliceSeconds, connections, serverCore, loadCore } = settings
  const of = (variant: Variant, path: string) => samples.get(`${variant} ${path}`) ?? []
  const perRun = (path: string, pick: (t: Sample, h: Sample) => number, variant: Variant) =>
    of(variant, path).map((sample, run) => pick(of('T', path)[run] as Sample, sample))
  const lines: string[] = []
  const verdicts: Verdict[] = []
  lines.push(
    quick ? '# Benchmark (quick mode: proves the harness, judges no target)' : '# Benchmark',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} by \`npm run ${quick ? 'bench:quick' : 'bench'}\` in ${fixed(seconds, 0)} s: ` +
      `${runs} run(s), ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}; workerd pinned to core ${serverCore}, ` +
      `load generators to core ${loadCore}. ${versionOf('wrk', ['-v'])}; fixed rate: scripts/lib/paced-load.ts (open loop). ` +
      "Routes: every `<loc>` of the site's /sitemap.xml.",
    '',
    'T returns each page as a constant (same bytes); H0 is the Worker as deployed; H1 has the isolate cache off ' +
      `(one KV read per request); H2 is H0 with KV answering every read ${KV_DELAY_MS} ms late (scripts/bench/slow-kv-worker.ts).`,
    'Each cell is the median over the runs, with the spread (min–max) in brackets. Ratios are taken within each run, then the median.',
    '',
    `## Throughput at saturation (wrk, ${connections} connections, ${phaseSeconds}s per route)`,
    '',
    `| route | ${VARIANTS.map((variant) => `${variant} req/s`).join(' | ')} | H0/T | H1/T | H2/T | workerd CPU µs/req ${VARIANTS.join(' / ')} | workerd core busy (H0) |`,
    `|---|${VARIANTS.map(() => '---:').join('|')}|---:|---:|---:|---:|---:|`,
  )
  for (const path of routes) {
    const rps = (variant: Variant) =>
      spread(
        of(variant, path).map((s) => s.rps),
        0,
      )
    const ratios = (['H0', 'H1', 'H2'] as const).map((variant) => perRun(path, (t, h) => h.rps / t.rps, variant))
    const cpu = VARIANTS.map((variant) => fixed(median(of(variant, path).map((s) => s.cpuMicrosPerRequest)), 0))
    const busy = median(of('H0', path).map((s) => s.serverBusy))
    lines.push(
      `| \`${path}\` | ${VARIANTS.map(rps).join(' | ')} | ${ratios.map((ratio) => spread(ratio)).join(' | ')} | ` +
        `${cpu.join(' / ')} | ${fixed(busy * 100, 0)} % |`,
    )
    verdicts.push({
      what: `H0/T on ${path}`,
      value: median(ratios[0] as number[]),
      limit: THROUGHPUT_RATIO_TARGET,
      atLeast: true,
    })
  }
  lines.push(
    '',
    `## Latency at a fixed rate of half T's saturation (open loop, ${phaseSeconds}s per route in ${sliceSeconds} s slices taken in turn, from when each request was due), ms`,
    '',
    'Read each p99 with its spread: where the spread across runs is wider than the gap between variants, the gap is noise. ' +
      "H1 cannot keep up with half of T's rate, so its queue grows through each slice: its latency shows that, not a tail.",
    '',
    `| route | rate req/s | ${VARIANTS.map((variant) => `${variant} p50 | ${variant} p99`).join(' | ')} | H0 p99 − T p99 |`,
    `|---|---:|${VARIANTS.map(() => '---:|---:').join('|')}|---:|`,
  )
  for (const path of routes) {
    const gap = perRun(path, (t, h) => h.p99Ms - t.p99Ms, 'H0')
    const cells = VARIANTS.flatMap((variant) => [
      spread(of(variant, path).map((s) => s.p50Ms)),
      spread(of(variant, path).map((s) => s.p99Ms)),
    ])
    const rate = fixed(median(of('T', path).map((s) => s.pacedRps)), 0)
    lines.push(`| \`${path}\` | ${rate} | ${cells.join(' | ')} | ${spread(gap)} |`)
    verdicts.push({
      what: `H0 p99 − T p99 on ${path}, ms`,
      value: median(gap),
      limit: P99_GAP_TARGET_MS,
      atLeast: false,
    })
  }
  lines.push(...slowKvSection(input, of, verdicts))
  lines.push(
    '',
    '## Bytes and build',
    '',
    '| route | bytes on the wire incl. headers (H0 / T / H1) | body gzip bytes |',
    '|---|---:|---:|',
  )
  for (const [path, bytes] of pageBytes) {
    lines.push(`| \`${path}\` | ${bytes.h0} / ${bytes.t} / ${bytes.h1} | ${bytes.gzipBody} |`)
    verdicts.push({ what: `bytes of ${path} with headers`, value: bytes.h0, limit: PAGE_BYTES_BUDGET, atLeast: false })
  }
  lines.push(
    '',
    `Bundle (wrangler dry-run): ${bundle.rawKiB} KiB raw, ${bundle.gzipKiB} KiB gzip (budget ${BUNDLE_GZIP_BUDGET_KIB} KiB gzip).`,
  )
  verdicts.push({ what: 'bundle, KiB gzip', value: bundle.gzipKiB, limit: BUNDLE_GZIP_BUDGET_KIB, atLeast: false })
  lines.push(...startupSection(input, verdicts))
  if (!quick) {
    const judge = (verdict: Verdict) =>
      Number.isNaN(verdict.value)
        ? `- **not measured**: ${verdict.what}`
        : `- ${met(verdict) ? 'met' : '**short**'}: ${verdict.what}: ${fixed(verdict.value)} (target ${verdict.atLeast ? '≥' : '≤'} ${verdict.limit})`
    lines.push('', '## Targets', '', ...verdicts.map(judge))
  }
  return `${lines.join('\n')}\n`
}
