// The benchmark's two loads: wrk at saturation, and the open-loop generator at a fixed rate in turns.
import { execFileSync } from 'node:child_process'
import type { Agent } from 'node:http'
import type { Server } from './bench-servers.ts'
import { quantile } from './measure.ts'
import { pacedAgent, pacedLoad } from './paced-load.ts'

/** T: a constant Worker; H0: ours as deployed; H1: ours with the isolate cache off; H2: ours with KV 100 ms late. */
export type Variant = 'T' | 'H0' | 'H1' | 'H2'
export const VARIANTS: Variant[] = ['T', 'H0', 'H1', 'H2']

export interface Saturation {
  requests: number
  rps: number
  /** workerd's CPU time per request over the same window. */
  cpuMicrosPerRequest: number
  /** The share of the window workerd's core was busy, 0..1. */
  serverBusy: number
}

export interface Latency {
  p50Ms: number
  p99Ms: number
}

/** Stops the process with how to install wrk when it is missing. */
export function requireWrk() {
  try {
    execFileSync('which', ['wrk'], { stdio: 'ignore' })
  } catch {
    console.error('bench: `wrk` is not installed. Install the load generator with: apt-get install -y wrk')
    process.exit(2)
  }
}

const WRK_TIME_UNITS: Record<string, number> = { us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 }

/** wrk's summary: requests completed, over how many seconds, and the rate; throws on errors or non-2xx answers. */
export function parseWrk(output: string): { requests: number; seconds: number; rps: number } {
  // wrk gives the window with a unit: `2.00s`, and from a minute on `1.00m`.
  const [, requests, time, unit = ''] = /(\d+) requests in ([\d.]+)(us|ms|s|m|h),/.exec(output) ?? []
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1])
  if (!Number(requests) || !rps) throw new Error(`could not read wrk's output:\n${output}`)
  if (/Non-2xx|Socket errors/.test(output)) throw new Error(`wrk saw errors:\n${output}`)
  return { requests: Number(requests), seconds: Number(time) * (WRK_TIME_UNITS[unit] as number), rps }
}

/** wrk on one thread at `connections` connections for `seconds`, with workerd's CPU time over the window. */
export function saturate(server: Server, path: string, options: { seconds: number; connections: number }): Saturation {
  const { seconds, connections } = options
  const cpuBefore = server.cpuSeconds()
  const url = new URL(path, server.served.url).href
  const output = execFileSync('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, url], { encoding: 'utf8' })
  const cpu = server.cpuSeconds() - cpuBefore
  try {
    const wrk = parseWrk(output)
    return {
      requests: wrk.requests,
      rps: wrk.rps,
      cpuMicrosPerRequest: (cpu * 1e6) / wrk.requests,
      serverBusy: cpu / wrk.seconds,
    }
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`)
  }
}

/**
 * Latency at a fixed rate, in short slices taken in turn from each variant (T, H0, H1, H2, T, H0, …), so that
 * the machine's own hiccups (on a VM, an idle core can take milliseconds to wake) fall on all of them alike.
 * Returns p50 and p99 in ms per variant, over all its slices; throws when any request fails.
 */
export async function pacedLatencies(
  path: string,
  rate: number,
  order: Variant[],
  servers: Record<Variant, Server>,
  options: { seconds: number; sliceSeconds: number },
): Promise<Record<Variant, Latency>> {
  const latencies = new Map<Variant, number[]>(order.map((variant) => [variant, []]))
  // Fresh connections for each route: a kept-alive socket left idle through the saturation phases can be
  // closed by workerd just as it is reused, which would count as a failure of the server.
  const agents = Object.fromEntries(order.map((variant) => [variant, pacedAgent()])) as Record<Variant, Agent>
  const urls = Object.fromEntries(order.map((variant) => [variant, new URL(path, servers[variant].served.url)]))
  try {
    for (const variant of order) await pacedLoad(urls[variant] as URL, rate, 0.25, agents[variant])
    const slices = Math.round(options.seconds / options.sliceSeconds)
    for (let slice = 0; slice < slices; slice++) {
      for (const variant of order) {
        const result = await pacedLoad(urls[variant] as URL, rate, options.sliceSeconds, agents[variant])
        if (result.failures > 0) {
          throw new Error(
            `${variant}: ${result.failures} requests to ${path} failed at ${rate.toFixed(0)} req/s (${result.firstFailure})`,
          )
        }
        latencies.get(variant)?.push(...result.latenciesMs)
      }
    }
  } finally {
    for (const agent of Object.values(agents)) agent.destroy()
  }
  return Object.fromEntries(
    order.map((variant) => {
      const values = latencies.get(variant) ?? []
      return [variant, { p50Ms: quantile(values, 0.5), p99Ms: quantile(values, 0.99) }]
    }),
  ) as Record<Variant, Latency>
}
