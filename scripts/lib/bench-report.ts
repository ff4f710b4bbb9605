// The benchmark's Markdown report: medians over the runs with their spread, ratios against T, and the targets.
import { spawnSync } from 'node:child_process'
import { cpus } from 'node:os'
import { type Latency, type Saturation, VARIANTS, type Variant } from './bench-load.ts'
import {
  BUNDLE_GZIP_BUDGET_KIB,
  P99_GAP_TARGET_MS,
  PAGE_BYTES_BUDGET,
  STARTUP_RATIO_BUDGET,
  THROUGHPUT_RATIO_TARGET,
} from './budgets.ts'
import { median } from './measure.ts'
import type { StartupComparison } from './startup-ratio.ts'

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
  startup: StartupComparison
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

/** The first line a tool prints about its version (wrk prints it and exits 1, so the exit code is ignored). */
function versionOf(command: string, args: string[]): string {
  return (spawnSync(command, args, { encoding: 'utf8' }).stdout ?? '').split('\n')[0]?.trim() || '?'
}

export function renderReport({ settings, routes, samples, pageBytes, startup, bundle, seconds }: ReportInput): string {
  const { quick, runs, phaseSeconds, sliceSeconds, connections, serverCore, loadCore } = settings
  const of = (variant: Variant, path: string) => samples.get(`${variant} ${path}`) ?? []
  const perRun = (path: string, pick: (t: Sample, h: Sample) => number, variant: Variant) =>
    of(variant, path).map((sample, run) => pick(of('T', path)[run] as Sample, sample))
  const lines: string[] = []
  const verdicts: Verdict[] = []
  lines.push(
    quick ? '# Benchmark (quick mode: proves the harness, judges nothing)' : '# Benchmark',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} by \`npm run ${quick ? 'bench:quick' : 'bench'}\` in ${fixed(seconds, 0)} s: ` +
      `${runs} run(s), ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}; workerd pinned to core ${serverCore}, ` +
      `load generators to core ${loadCore}. ${versionOf('wrk', ['-v'])}; fixed rate: scripts/lib/paced-load.ts (open loop). ` +
      "Routes: every `<loc>` of the site's /sitemap.xml.",
    'Each cell is the median over the runs, with the spread (min–max) in brackets. Ratios are taken within each run, then the median.',
    '',
    `## Throughput at saturation (wrk, ${connections} connections, ${phaseSeconds}s per route)`,
    '',
    '| route | T req/s | H0 req/s | H1 req/s | H0/T | H1/T | workerd CPU µs/req T / H0 / H1 | workerd core busy (H0) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  )
  for (const path of routes) {
    const rps = (variant: Variant) =>
      spread(
        of(variant, path).map((s) => s.rps),
        0,
      )
    const h0Ratio = perRun(path, (t, h) => h.rps / t.rps, 'H0')
    const h1Ratio = perRun(path, (t, h) => h.rps / t.rps, 'H1')
    const cpu = VARIANTS.map((variant) => fixed(median(of(variant, path).map((s) => s.cpuMicrosPerRequest)), 0))
    const busy = median(of('H0', path).map((s) => s.serverBusy))
    lines.push(
      `| \`${path}\` | ${rps('T')} | ${rps('H0')} | ${rps('H1')} | ${spread(h0Ratio)} | ${spread(h1Ratio)} | ` +
        `${cpu.join(' / ')} | ${fixed(busy * 100, 0)} % |`,
    )
    verdicts.push({ what: `H0/T on ${path}`, value: median(h0Ratio), limit: THROUGHPUT_RATIO_TARGET, atLeast: true })
  }
  lines.push(
    '',
    `## Latency at a fixed rate of half T's saturation (open loop, ${phaseSeconds}s per route in ${sliceSeconds} s slices taken in turn, from when each request was due), ms`,
    '',
    'Read each p99 with its spread: where the spread across runs is wider than the gap between variants, the gap is noise. ' +
      "H1 cannot keep up with half of T's rate, so its queue grows through each slice: its latency shows that, not a tail.",
    '',
    '| route | rate req/s | T p50 | T p99 | H0 p50 | H0 p99 | H1 p50 | H1 p99 | H0 p99 − T p99 |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
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
  const pairRatios = startup.siteRunsMs
    .map((site, run) => site / (startup.baselineRunsMs[run] as number))
    .filter(Number.isFinite)
  const startupText = Number.isNaN(startup.ratio)
    ? 'no ratio: most hello-world profiles caught no active sample (each profile holds only a few samples)'
    : `${fixed(startup.ratio)}× a hello-world Hono Worker's, median over median` +
      (pairRatios.length > 1
        ? ` (each pair's own ratio: ${fixed(Math.min(...pairRatios))}–${fixed(Math.max(...pairRatios))})`
        : '')
  lines.push(
    '',
    `Bundle (wrangler dry-run): ${bundle.rawKiB} KiB raw, ${bundle.gzipKiB} KiB gzip. ` +
      `Startup (\`wrangler check startup\`, active CPU, ${startup.siteRunsMs.length} profile(s) each taken in turn): ${startupText}.`,
  )
  verdicts.push(
    { what: 'bundle, KiB gzip', value: bundle.gzipKiB, limit: BUNDLE_GZIP_BUDGET_KIB, atLeast: false },
    {
      what: 'startup over a hello-world Hono Worker',
      value: startup.ratio,
      limit: STARTUP_RATIO_BUDGET,
      atLeast: false,
    },
  )
  if (!quick) {
    const judge = ({ what, value, limit, atLeast }: Verdict) =>
      Number.isNaN(value)
        ? `- **not measured**: ${what}`
        : `- ${(atLeast ? value >= limit : value <= limit) ? 'met' : '**short**'}: ${what}: ${fixed(value)} (target ${atLeast ? '≥' : '≤'} ${limit})`
    lines.push('', '## Targets', '', ...verdicts.map(judge))
  }
  return `${lines.join('\n')}\n`
}
