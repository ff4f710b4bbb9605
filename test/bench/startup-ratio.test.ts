import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STARTUP_RATIO_BUDGET } from '../../scripts/lib/budgets.ts'
import {
  buildStandaloneWorker,
  compareStartup,
  measureStartupRatio,
  STARTUP_BASELINE_ENTRY,
  STARTUP_SLOW_ENTRY,
  type StartupRuns,
  type WorkerBuild,
} from '../../scripts/lib/startup-ratio.ts'

/** Rounds of loads as the instrument records them; compile loads default to the empty module's, costing nothing. */
function runs(site: number[], baseline: number[], empty: number[], compile: Partial<StartupRuns> = {}): StartupRuns {
  return { site, baseline, empty, siteCompile: empty, baselineCompile: empty, ...compile }
}

describe('compareStartup', () => {
  it("subtracts each round's empty module, then takes the interquartile mean, so one slow round changes nothing", () => {
    const empty = [1, 1, 1, 1, 1, 1, 1, 1]
    const startup = compareStartup(runs([14, 15, 16, 17, 15, 16, 90, 13], [2, 2, 2, 2, 2, 2, 2, 40], empty))
    expect(startup.siteMs).toBe(14.5)
    expect(startup.baselineMs).toBe(1)
    expect(startup.ratio).toBe(14.5)
  })

  it('pairs each measurement with the empty module of its own round', () => {
    const startup = compareStartup(runs([3, 5], [2, 4], [1, 3]))
    expect(startup.siteMs).toBe(2)
    expect(startup.baselineMs).toBe(1)
  })

  it('gives the part of each startup spent compiling, the same way', () => {
    const startup = compareStartup(runs([9, 11], [3, 5], [1, 3], { siteCompile: [5, 7], baselineCompile: [2, 4] }))
    expect(startup.siteCompileMs).toBe(4)
    expect(startup.baselineCompileMs).toBe(1)
  })

  it('is within the budget at exactly the budget and below it', () => {
    expect(compareStartup(runs([1 + STARTUP_RATIO_BUDGET], [2], [1])).withinBudget).toBe(true)
    expect(compareStartup(runs([1.01 + STARTUP_RATIO_BUDGET], [2], [1])).withinBudget).toBe(false)
  })

  it("gives no ratio, and no pass, when the baseline's startup does not measure above zero", () => {
    const startup = compareStartup(runs([30, 34], [1, 1], [1, 1]))
    expect(startup.baselineMs).toBe(0)
    expect(startup.ratio).toBeNaN()
    expect(startup.withinBudget).toBe(false)
  })
})

describe('measureStartupRatio', () => {
  let workdir: string
  let helloWorld: WorkerBuild
  let slowStart: WorkerBuild
  beforeAll(() => {
    workdir = mkdtempSync(join(tmpdir(), 'kratom-startup-test-'))
    helloWorld = buildStandaloneWorker(workdir, STARTUP_BASELINE_ENTRY)
    slowStart = buildStandaloneWorker(workdir, STARTUP_SLOW_ENTRY)
  })
  afterAll(() => rmSync(workdir, { recursive: true, force: true }))

  // How close the instrument reads to 1× for a bundle against itself, and how large 8 ms of work at load reads, are
  // timings: the benchmark prints both beside the site's ratio (docs/benchmark.md). These tests hold what is not.
  it('measures a startup above zero for each bundle and gives their ratio', async () => {
    const startup = await measureStartupRatio({ site: helloWorld, baseline: helloWorld, rounds: 5 })
    expect(startup.siteMs).toBeGreaterThan(0)
    expect(startup.baselineMs).toBeGreaterThan(0)
    expect(startup.ratio).toBeCloseTo(startup.siteMs / startup.baselineMs, 10)
  })

  it('reads a bundle with ~8 ms of work at module load as costing more than the hello world', async () => {
    const startup = await measureStartupRatio({ site: slowStart, baseline: helloWorld, rounds: 5 })
    expect(startup.siteMs).toBeGreaterThan(startup.baselineMs)
  })

  it('counts compiling: code that never runs still costs its startup, as it does on Cloudflare', async () => {
    const outdir = join(workdir, 'unused-code')
    mkdirSync(outdir)
    const unused = Array.from({ length: 4000 }, (_, n) => `function f${n}(a) { return [a, ${n}].map(String).join() }`)
    writeFileSync(
      join(outdir, 'index.js'),
      `export function never() {\n${unused.join('\n')}\n}\nexport default { fetch: () => new Response('') }\n`,
    )
    const startup = await measureStartupRatio({ site: { outdir, main: 'index.js' }, baseline: helloWorld, rounds: 5 })
    expect(startup.siteCompileMs).toBeGreaterThan(startup.baselineMs)
    expect(startup.siteMs).toBeGreaterThan(startup.baselineMs)
  })

  it('names the bundle that fails to load', async () => {
    const outdir = join(workdir, 'throws')
    mkdirSync(outdir)
    writeFileSync(join(outdir, 'throws.js'), "throw new Error('thrown at module load')\n")
    await expect(
      measureStartupRatio({ site: { outdir, main: 'throws.js' }, baseline: helloWorld, rounds: 1 }),
    ).rejects.toThrow(
      new RegExp(`^${join(outdir, 'throws.js')} failed to load in a fresh isolate: 500 .*thrown at module load`, 's'),
    )
  })
})
