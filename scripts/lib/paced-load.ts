// An open-loop load generator at a fixed rate: request i is due at start + i/rate whatever happened to
// earlier ones, and its latency counts from when it was due, so a slow server cannot hide its queue
// (no coordinated omission). autocannon's rate limit sends each second's quota in a burst, and hey's paced
// workers tick in step; both turn a steady rate into bursts, which is why this small one exists.
import { Agent, get } from 'node:http'

export interface PacedResult {
  /** Latency of every request in ms, from the moment it was due to the last byte of its response. */
  latenciesMs: Float64Array
  achievedRps: number
  failures: number
  /** What went wrong with the first failed request, if any. */
  firstFailure?: string
}

/** Keep-alive connections for one server, reused across calls so that slices do not pay for new ones. */
export function pacedAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: 64 })
}

export function pacedLoad(url: URL, rate: number, seconds: number, agent = pacedAgent()): Promise<PacedResult> {
  const total = Math.max(1, Math.round(rate * seconds))
  const intervalNs = 1e9 / rate
  const latenciesMs = new Float64Array(total)
  let failures = 0
  let firstFailure: string | undefined
  let due = 0
  let finished = 0
  const start = process.hrtime.bigint()
  return new Promise((resolve) => {
    const complete = () => {
      if (++finished < total) return
      const elapsedS = Number(process.hrtime.bigint() - start) / 1e9
      resolve({ latenciesMs, achievedRps: total / elapsedS, failures, firstFailure })
    }
    const send = (index: number, dueAt: bigint) => {
      get(url, { agent }, (response) => {
        if (response.statusCode !== 200) {
          failures++
          firstFailure ??= `status ${response.statusCode}`
        }
        response.resume()
        response.on('end', () => {
          latenciesMs[index] = Number(process.hrtime.bigint() - dueAt) / 1e6
          complete()
        })
      }).on('error', (error) => {
        failures++
        firstFailure ??= error.message
        latenciesMs[index] = Number(process.hrtime.bigint() - dueAt) / 1e6
        complete()
      })
    }
    // Polls the clock between I/O callbacks (setImmediate), sending every request that has fallen due.
    const pump = () => {
      const now = process.hrtime.bigint()
      while (due < total) {
        const dueAt = start + BigInt(Math.round(due * intervalNs))
        if (dueAt > now) break
        send(due++, dueAt)
      }
      if (due < total) setImmediate(pump)
    }
    pump()
  })
}
