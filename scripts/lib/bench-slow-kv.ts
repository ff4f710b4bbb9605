// H2's KV reads under load: how many reads its isolate sent per key set while one route was loaded at a fixed rate
// and at saturation, against what the isolate cache allows: one read per key set per FRESH_MS, which the fixture
// reports from src/site/reader.ts, so the bench judges the build it measures.
import { KV_READS_PATH } from '../bench/slow-kv.ts'
import { saturate } from './bench-load.ts'
import { rawGet } from './bench-pages.ts'
import type { Server } from './bench-servers.ts'
import { pacedAgent, pacedLoad } from './paced-load.ts'

export interface KvReads {
  load: string
  requests: number
  seconds: number
  /** Reads sent in the window, by key set. */
  readsByKeySet: Record<string, number>
  /** Mean time between a key set's consecutive reads in the window, over every key set read at least twice. */
  meanIntervalMs?: number
}

export interface KvReadsReport {
  path: string
  /** The isolate cache's freshness in the Worker measured (FRESH_MS). */
  freshMs: number
  loads: KvReads[]
}

/** What the isolate cache allows: one read per key set per `freshMs`, so this many a minute. */
export function expectedReadsPerMinute(freshMs: number): number {
  return 60_000 / freshMs
}

/** The most reads a key set can see in a window of `seconds`, since its refreshes are at least `freshMs` apart. */
export function maxReadsPerKeySet(seconds: number, freshMs: number): number {
  return Math.floor((seconds * 1000) / freshMs) + 1
}

/**
 * Reads per key set per minute, from the mean time between a key set's consecutive reads (a count over a window a
 * few refreshes long depends on where the window falls); undefined when no key set was read twice.
 */
export function readsPerKeySetPerMinute(reads: KvReads): number | undefined {
  return reads.meanIntervalMs === undefined ? undefined : 60_000 / reads.meanIntervalMs
}

interface ReadLog {
  freshMs: number
  reads: Record<string, number[]>
}

async function readLog(server: Server): Promise<ReadLog> {
  const response = await rawGet(server.served.url, KV_READS_PATH)
  if (response.status !== 200) throw new Error(`H2 answered ${response.status} on ${KV_READS_PATH}`)
  return JSON.parse(response.body)
}

/** The reads H2's isolate sent while `load` ran, by key set, from its log before and after. */
export function readsBetween(before: ReadLog, after: ReadLog): Pick<KvReads, 'readsByKeySet' | 'meanIntervalMs'> {
  const readsByKeySet: Record<string, number> = {}
  const intervals: number[] = []
  for (const [keySet, times] of Object.entries(after.reads)) {
    const fresh = times.slice(before.reads[keySet]?.length ?? 0)
    if (fresh.length === 0) continue
    readsByKeySet[keySet] = fresh.length
    for (let index = 1; index < fresh.length; index++) {
      intervals.push((fresh[index] as number) - (fresh[index - 1] as number))
    }
  }
  const meanIntervalMs = intervals.length ? intervals.reduce((sum, ms) => sum + ms, 0) / intervals.length : undefined
  return { readsByKeySet, meanIntervalMs }
}

/**
 * `path` on H2 for `seconds` at `rate` (open loop), then for `seconds` at saturation (wrk), each after one request
 * that leaves the isolate cache holding the route's key set: a warm isolate, as every request but a cold one sees.
 */
export async function measureKvReads(
  server: Server,
  path: string,
  options: { rate: number; seconds: number; connections: number },
): Promise<KvReadsReport> {
  const { rate, seconds, connections } = options
  const url = new URL(path, server.served.url)
  const count = async (load: string, run: () => Promise<number>): Promise<KvReads> => {
    const warm = await rawGet(server.served.url, path)
    if (warm.status !== 200) throw new Error(`H2 answered ${warm.status} for ${path}`)
    const before = await readLog(server)
    const requests = await run()
    return { load, requests, seconds, ...readsBetween(before, await readLog(server)) }
  }
  const paced = await count(`fixed rate, ${rate.toFixed(0)} req/s`, async () => {
    const agent = pacedAgent()
    const result = await pacedLoad(url, rate, seconds, agent).finally(() => agent.destroy())
    if (result.failures > 0)
      throw new Error(`H2: ${result.failures} requests to ${path} failed (${result.firstFailure})`)
    return result.latenciesMs.length
  })
  const saturated = await count(
    `saturation (wrk, ${connections} connections)`,
    async () => saturate(server, path, { seconds, connections }).requests,
  )
  return { path, freshMs: (await readLog(server)).freshMs, loads: [paced, saturated] }
}
