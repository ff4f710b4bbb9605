// The benchmark's servers: each bundle in its own workerd, pinned to one core, with its CPU time read from the kernel.
import { execFileSync } from 'node:child_process'
import { processCpuNs, workerdChildren } from './measure.ts'
import { type BuiltBundle, SEEDED_DISCLAIMERS, type ServedBundle, serveBundle } from './serve-bundle.ts'

export interface Server {
  served: ServedBundle
  /** The workerd process serving it. */
  pid: number
  /** CPU time that workerd has run on a core so far, in seconds. */
  cpuSeconds(): number
}

/** Serves a bundle through Miniflare's direct socket, KV seeded with the bundled defaults, workerd pinned to `core`. */
export async function startServer(bundle: BuiltBundle, core: number, ledger = true): Promise<Server> {
  const before = new Set(workerdChildren())
  const served = await serveBundle({ bundle, disclaimers: SEEDED_DISCLAIMERS, direct: true, ledger })
  const started = workerdChildren().filter((pid) => !before.has(pid))
  if (started.length !== 1) {
    await served.stop()
    throw new Error(`expected one new workerd process, found ${started.length}`)
  }
  const pid = started[0] as number
  execFileSync('taskset', ['-apc', String(core), String(pid)], { stdio: 'ignore' })
  return { served, pid, cpuSeconds: () => processCpuNs(pid) / 1e9 }
}
