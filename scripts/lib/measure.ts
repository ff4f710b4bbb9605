// Numbers read from wrangler's output and from the kernel, shared by `npm run check` and `npm run bench`.
import { readdirSync, readFileSync } from 'node:fs'

/** `Total Upload: 126.48 KiB / gzip: 45.42 KiB` → sizes in KiB. */
export function parseUploadSize(output: string): { rawKiB: number; gzipKiB: number } {
  const match = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(output)
  if (!match) throw new Error('wrangler printed no "Total Upload: … / gzip: …" line; has its output format changed?')
  return { rawKiB: Number(match[1]), gzipKiB: Number(match[2]) }
}

/** A process's name and the fields after it in /proc/<pid>/stat (state, ppid, …, utime, stime, …). */
export function procStat(pid: number | string): { name: string; fields: string[] } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return {
    name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
    fields: stat.slice(stat.lastIndexOf(')') + 2).split(' '),
  }
}

/** workerd processes started by this process (Miniflare spawns one per instance). */
export function workerdChildren(): number[] {
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

/**
 * CPU time a process has run on a core, all its threads together, in ns: the first field of each
 * /proc/<pid>/task/<tid>/schedstat. Time the process spent waiting for a core (other people's load) is not in it.
 */
export function processCpuNs(pid: number): number {
  let total = 0
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0])
    } catch {
      // the thread ended while we looked; its time is gone from the process's total too
    }
  }
  return total
}

/** CPU time one thread has run on a core, in ns; a process's main thread has its pid as thread id. */
export function threadCpuNs(pid: number, tid = pid): number {
  return Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0])
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values')
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

/** The q-quantile (0..1) of values, nearest rank. */
export function quantile(values: Float64Array | readonly number[], q: number): number {
  if (values.length === 0) throw new Error('quantile of no values')
  const sorted = Float64Array.from(values).sort()
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number
}

/** The mean of the middle half of values (the interquartile mean): steadier than the median, deaf to outliers. */
export function interquartileMean(values: readonly number[]): number {
  if (values.length === 0) throw new Error('interquartile mean of no values')
  const sorted = [...values].sort((a, b) => a - b)
  const cut = Math.floor(sorted.length / 4)
  const middle = sorted.slice(cut, sorted.length - cut)
  return middle.reduce((sum, value) => sum + value, 0) / middle.length
}
