import { describe, expect, it } from 'vitest'
import { type BenchSettings, renderReport, type Sample } from '../../scripts/lib/bench-report.ts'
import { compareStartup } from '../../scripts/lib/startup-ratio.ts'

const SETTINGS: BenchSettings = {
  quick: false,
  runs: 2,
  phaseSeconds: 2,
  sliceSeconds: 0.25,
  connections: 32,
  serverCore: 0,
  loadCore: 1,
}

function sample(rps: number, p99Ms: number): Sample {
  return { rps, cpuMicrosPerRequest: 1e6 / rps, serverBusy: 0.97, p50Ms: 0.6, p99Ms, pacedRps: 1500 }
}

function report(settings: BenchSettings, startup = compareStartup([30, 34, 33, 29, 31], [20, 22, 21, 19, 60])) {
  return renderReport({
    settings,
    routes: ['/'],
    samples: new Map([
      ['T /', [sample(3000, 30), sample(3200, 40)]],
      ['H0 /', [sample(3300, 31), sample(3000, 44)]],
      ['H1 /', [sample(600, 400), sample(500, 500)]],
    ]),
    pageBytes: new Map([['/', { h0: 9261, t: 9261, h1: 9261, gzipBody: 3160 }]]),
    startup,
    bundle: { rawKiB: 73.58, gzipKiB: 28.96 },
    seconds: 300,
  })
}

describe('renderReport', () => {
  it('takes ratios within each run, then the median, with the spread', () => {
    expect(report(SETTINGS)).toContain(
      '| `/` | 3100 (3000–3200) | 3150 (3000–3300) | 550 (500–600) | 1.02 (0.94–1.10) |',
    )
  })

  it('gives startup as a ratio to the hello-world Worker, not in milliseconds, and judges it by the shared budget', () => {
    const text = report(SETTINGS)
    expect(text).toContain("1.48× a hello-world Hono Worker's, median over median (each pair's own ratio: 0.52–1.57)")
    expect(text).not.toMatch(/Startup[^\n]* ms/)
    expect(text).toContain('- **short**: startup over a hello-world Hono Worker: 1.48 (target ≤ 1.3)')
    expect(text).toContain('- met: bundle, KiB gzip: 28.96 (target ≤ 32)')
    expect(text).toContain('- met: bytes of / with headers: 9261.00 (target ≤ 14336)')
    expect(report(SETTINGS, compareStartup([25], [20]))).toContain(
      '- met: startup over a hello-world Hono Worker: 1.25',
    )
  })

  it('judges nothing in quick mode', () => {
    const text = report({ ...SETTINGS, quick: true, runs: 1 })
    expect(text).toContain('# Benchmark (quick mode: proves the harness, judges nothing)')
    expect(text).not.toContain('## Targets')
  })

  it('says the startup ratio was not measured when the baseline caught no active sample', () => {
    const text = report(SETTINGS, compareStartup([30.2], [0]))
    expect(text).toContain('no ratio: most hello-world profiles caught no active sample')
    expect(text).toContain('- **not measured**: startup over a hello-world Hono Worker')
  })
})
