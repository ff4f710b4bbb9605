import { describe, expect, it } from 'vitest'
import { type BenchSettings, type ReportInput, renderReport, type Sample } from '../../scripts/lib/bench-report.ts'
import { BUNDLE_GZIP_BUDGET_KIB, STARTUP_RATIO_BUDGET } from '../../scripts/lib/budgets.ts'
import { compareStartup, STARTUP_SLOW_ENTRY, type StartupRuns } from '../../scripts/lib/startup-ratio.ts'

const SETTINGS: BenchSettings = {
  quick: false,
  runs: 2,
  phaseSeconds: 2,
  sliceSeconds: 0.25,
  connections: 32,
  serverCore: 0,
  loadCore: 1,
}

function sample(rps: number, p99Ms: number, p50Ms = 0.6): Sample {
  return { requests: rps * 2, rps, cpuMicrosPerRequest: 1e6 / rps, serverBusy: 0.97, p50Ms, p99Ms, pacedRps: 1500 }
}

/** A startup comparison from rounds of loads; compiling costs nothing unless given. */
function startupOf(site: number[], baseline: number[], empty: number[], compile: Partial<StartupRuns> = {}) {
  return compareStartup({ site, baseline, empty, siteCompile: empty, baselineCompile: empty, ...compile })
}

const KEY_SET = 'disclaimer disclaimer:home disclaimer:dosage-and-safety'

function report(overrides: Partial<ReportInput> = {}) {
  return renderReport({
    settings: SETTINGS,
    routes: ['/'],
    samples: new Map([
      ['T /', [sample(3000, 30), sample(3200, 40)]],
      ['H0 /', [sample(3300, 31, 0.6), sample(3000, 44, 0.7)]],
      ['H1 /', [sample(600, 400), sample(500, 500)]],
      ['H2 /', [sample(3250, 33, 0.62), sample(3100, 45, 0.75)]],
    ]),
    pageBytes: new Map([['/', { h0: 9261, t: 9261, h1: 9261, gzipBody: 3160 }]]),
    kvReads: {
      path: '/',
      freshMs: 15_000,
      loads: [
        {
          load: 'fixed rate, 1500 req/s',
          requests: 90_000,
          seconds: 60,
          readsByKeySet: { [KEY_SET]: 4 },
          meanIntervalMs: 15_004,
        },
        {
          load: 'saturation (wrk, 32 connections)',
          requests: 180_000,
          seconds: 60,
          readsByKeySet: { [KEY_SET]: 60 },
          meanIntervalMs: 1_000,
        },
      ],
    },
    startup: startupOf([13, 14, 15, 16], [2, 2, 2, 2], [1, 1, 1, 1]),
    startupRounds: 4,
    bundle: { rawKiB: 146.25, gzipKiB: 52.12 },
    seconds: 300,
    ...overrides,
  })
}

describe('renderReport', () => {
  it('takes ratios within each run, then the median, with the spread', () => {
    expect(report()).toContain(
      '| `/` | 3100 (3000–3200) | 3150 (3000–3300) | 550 (500–600) | 3175 (3100–3250) | 1.02 (0.94–1.10) |',
    )
  })

  it("judges H2's p50 by its gap to H0's within each run", () => {
    const text = report()
    expect(text).toContain('| `/` | 0.65 (0.60–0.70) | 0.69 (0.62–0.75) | 0.04 (0.02–0.05) | met |')
    expect(text).toContain('- met: |H2 p50 − H0 p50| on /, ms: 0.04 (target ≤ 0.1)')
  })

  it("gives H2's KV reads per key set per minute from the time between them, and judges the count by FRESH_MS", () => {
    const text = report()
    expect(text).toContain('one per key set per 15 s (FRESH_MS), 4 a minute')
    expect(text).toContain(
      '| fixed rate, 1500 req/s | 90000 | 60 | 4 (1) | 4.00 (expected 4) | 15.00 | met: at most 5 per key set |',
    )
    expect(text).toContain('| 180000 | 60 | 60 (1) | 60.00 (expected 4) | 1.00 | **short**: at most 5 per key set |')
  })

  it('gives startup in ms and as a ratio to the hello-world Worker, and judges both budgets by the shared numbers', () => {
    const over = report({
      startup: startupOf([1 + 2 * STARTUP_RATIO_BUDGET], [3], [1]),
      bundle: { rawKiB: 150, gzipKiB: BUNDLE_GZIP_BUDGET_KIB + 1 },
    })
    const ratio = STARTUP_RATIO_BUDGET.toFixed(2)
    expect(over).toContain(`hello-world 2.00 ms (compiling 0.00, evaluating 2.00) of CPU: **${ratio}×**`)
    expect(over).toContain(`- met: startup over a hello-world Hono Worker: ${ratio} (target ≤ ${STARTUP_RATIO_BUDGET})`)
    expect(over).toContain(`(budget ${BUNDLE_GZIP_BUDGET_KIB} KiB gzip)`)
    expect(over).toContain(`- **short**: bundle, KiB gzip: ${(BUNDLE_GZIP_BUDGET_KIB + 1).toFixed(2)}`)
    expect(over).toContain('- met: bytes of / with headers: 9261.00 (target ≤ 14336)')
    expect(report({ startup: startupOf([2 + 2 * STARTUP_RATIO_BUDGET], [3], [1]) })).toContain(
      '- **short**: startup over a hello-world Hono Worker',
    )
  })

  it('splits each startup into compiling and evaluating', () => {
    const text = report({ startup: startupOf([13], [3], [1], { siteCompile: [9], baselineCompile: [2] }) })
    expect(text).toContain('Site 12.00 ms (compiling 8.00, evaluating 4.00), hello-world 2.00 ms (compiling 1.00')
  })

  it("shows where the site's evaluation goes when a breakdown is given, in ms of the evaluation", () => {
    const text = report({
      startupBreakdown: {
        samples: 100,
        bySource: [{ where: 'hono', samples: 60, share: 0.6 }],
        byTopLevelCall: [{ where: 'toString (hono/dist/jsx/base.js:154)', samples: 50, share: 0.5 }],
      },
    })
    expect(text).toContain('| toString (hono/dist/jsx/base.js:154) | 50 % | 6.8 |')
    expect(text).toContain('| hono | 60 % | 8.1 |')
  })

  it('prints the instrument read in the same run: a bundle against itself, and one with work added at load', () => {
    const text = report({
      startupCalibration: {
        self: startupOf([2.05], [2], [1]),
        slowStart: startupOf([9], [2], [1]),
      },
    })
    expect(text).toContain('the hello world against itself 1.05×')
    expect(text).toContain(`(\`${STARTUP_SLOW_ENTRY}\`) 8.00× (8.00 ms against 1.00 ms)`)
    expect(report()).not.toContain('The instrument')
  })

  it('judges no target in quick mode', () => {
    const text = report({ settings: { ...SETTINGS, quick: true, runs: 1 } })
    expect(text).toContain('# Benchmark (quick mode: proves the harness, judges no target)')
    expect(text).not.toContain('## Targets')
  })

  it("says the startup ratio was not measured when the baseline's startup is not above zero", () => {
    const text = report({ startup: startupOf([30.2], [1], [1]) })
    expect(text).toContain("no ratio: the hello-world Worker's startup did not measure above zero")
    expect(text).toContain('- **not measured**: startup over a hello-world Hono Worker')
  })
})
