// Numbers read from wrangler's output and profiles, shared by `npm run check` and `npm run bench`.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

/** `Total Upload: 126.48 KiB / gzip: 45.42 KiB` → sizes in KiB. */
export function parseUploadSize(output: string): { rawKiB: number; gzipKiB: number } {
  const match = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(output)
  if (!match) throw new Error('wrangler printed no "Total Upload: … / gzip: …" line; has its output format changed?')
  return { rawKiB: Number(match[1]), gzipKiB: Number(match[2]) }
}

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string } }[]
  samples: number[]
  timeDeltas: number[]
}

/** CPU time a `wrangler check startup` profile spent outside "(idle)", in ms: what wrangler prints as "Active". */
export function activeStartupMs(profile: CpuProfile): number {
  const idle = new Set(profile.nodes.filter((node) => node.callFrame.functionName === '(idle)').map((node) => node.id))
  let micros = 0
  profile.samples.forEach((id, index) => {
    if (!idle.has(id)) micros += profile.timeDeltas[index] ?? 0
  })
  return micros / 1000
}

/**
 * Profiles the startup of a bundle built by `wrangler deploy --dry-run --outfile` with
 * `wrangler check startup --worker` (run in `cwd`, the project, for its wrangler) and returns the active
 * CPU ms. Throws an error carrying wrangler's output when it cannot.
 */
export function profileStartupMs(cwd: string, bundle: string, outfile: string): number {
  try {
    execFileSync('npx', ['wrangler', 'check', 'startup', '--worker', bundle, '--outfile', outfile], {
      cwd,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: Buffer; stderr?: Buffer }
    throw new Error(`wrangler could not profile startup of ${bundle}:\n${`${stdout}${stderr}`.trim()}`)
  }
  return activeStartupMs(JSON.parse(readFileSync(outfile, 'utf8')))
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
