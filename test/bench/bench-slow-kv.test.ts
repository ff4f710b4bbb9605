import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KV_DELAY_MS, KV_READS_PATH } from '../../scripts/bench/slow-kv.ts'
import { rawGet } from '../../scripts/lib/bench-pages.ts'
import { type Server, startServer } from '../../scripts/lib/bench-servers.ts'
import {
  expectedReadsPerMinute,
  maxReadsPerKeySet,
  readsBetween,
  readsPerKeySetPerMinute,
} from '../../scripts/lib/bench-slow-kv.ts'
import { type BuiltBundle, buildBundle } from '../../scripts/lib/serve-bundle.ts'
import { FRESH_MS } from '../../src/core/kv-contract.ts'

describe('reads per key set', () => {
  it('expects one read per key set per freshness interval, and allows one more for where the window falls', () => {
    expect(expectedReadsPerMinute(15_000)).toBe(4)
    expect(maxReadsPerKeySet(60, 15_000)).toBe(5)
    expect(maxReadsPerKeySet(3, 15_000)).toBe(1)
  })

  it('counts only the reads sent during the window, and the mean time between them', () => {
    const before = { freshMs: 15_000, reads: { 'a b': [1_000], c: [2_000] } }
    const after = { freshMs: 15_000, reads: { 'a b': [1_000, 16_000, 31_010, 46_020], c: [2_000], d: [5_000, 20_000] } }
    const window = readsBetween(before, after)
    expect(window.readsByKeySet).toEqual({ 'a b': 3, d: 2 })
    expect(window.meanIntervalMs).toBeCloseTo((15_010 + 15_010 + 15_000) / 3, 6)
    expect(readsPerKeySetPerMinute({ load: 'x', requests: 1, seconds: 60, ...window })).toBeCloseTo(
      60_000 / 15_006.67,
      3,
    )
  })

  it('gives no rate when no key set was read twice', () => {
    const window = readsBetween({ freshMs: 15_000, reads: {} }, { freshMs: 15_000, reads: { a: [1] } })
    expect(readsPerKeySetPerMinute({ load: 'x', requests: 1, seconds: 3, ...window })).toBeUndefined()
  })
})

describe('H2, the slow-KV fixture', () => {
  let bundle: BuiltBundle
  let server: Server
  beforeAll(async () => {
    bundle = buildBundle(undefined, 'scripts/bench/slow-kv-worker.ts')
    server = await startServer(bundle, 0)
  })
  afterAll(async () => {
    await server?.served.stop()
    rmSync(bundle.outdir, { recursive: true, force: true })
  })

  it("answers a cold page only after KV's delay, a warm one without reading KV, and logs the one read", async () => {
    const readLog = async () => JSON.parse((await rawGet(server.served.url, KV_READS_PATH)).body)
    expect(await readLog()).toEqual({ freshMs: FRESH_MS, reads: {} })
    const timed = async () => {
      const started = performance.now()
      const response = await rawGet(server.served.url, '/')
      expect(response.status).toBe(200)
      return performance.now() - started
    }
    // A lower bound the injected delay guarantees; how fast the warm page is, is the benchmark's to print.
    expect(await timed()).toBeGreaterThanOrEqual(KV_DELAY_MS)
    expect((await rawGet(server.served.url, '/')).status).toBe(200)
    const { reads } = await readLog()
    expect(Object.values(reads).map((times) => (times as number[]).length)).toEqual([1])
  })
})
