// The benchmark's servers: each bundle in its own workerd, pinned to one core, with its CPU time read from /proc.
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { type BuiltBundle, SEEDED_DISCLAIMERS, type ServedBundle, serveBundle } from './serve-bundle.ts'

export interface Server {
  served: ServedBundle
  /** The workerd process serving it. */
  pid: number
  /** CPU time (user + system) that workerd has used so far, in seconds. */
  cpuSeconds(): number
}

/** A process's name and the fields after it in /proc/<pid>/stat (state, ppid, …, utime, stime, …). */
function procStat(pid: number | string): { name: string; fields: string[] } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return {
    name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
    fields: stat.slice(stat.lastIndexOf(')') + 2).split(' '),
  }
}

/** workerd processes started by this process (Miniflare spawns one per instance). */
function workerdChildren(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const { name, fields } = procStat(pid)
        return name === 'workerd' && Number(fields[1]) === process.pid
      } catch {
        return false // the process ended while we looked
      }
    })
    .map(Number)
}

let clockTicks: number | undefined

function cpuSeconds(pid: number): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim())
  const { fields } = procStat(pid)
  return (Number(fields[11]) + Number(fields[12])) / clockTicks
}

/** Serves a bundle through Miniflare's direct socket, KV seeded with the bundled defaults, workerd pinned to `core`. */
export async function startServer(bundle: BuiltBundle, core: number): Promise<Server> {
  const before = new Set(workerdChildren())
  const served = await serveBundle({ bundle, disclaimers: SEEDED_DISCLAIMERS, direct: true })
  const started = workerdChildren().filter((pid) => !before.has(pid))
  if (started.length !== 1) {
    await served.stop()
    throw new Error(`expected one new workerd process, found ${started.length}`)
  }
  const pid = started[0] as number
  execFileSync('taskset', ['-apc', String(core), String(pid)], { stdio: 'ignore' })
  return { served, pid, cpuSeconds: () => cpuSeconds(pid) }
}
