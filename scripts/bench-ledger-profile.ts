// npm run bench:ledger:profile -- --store <dir> --only <a,b>: where a ledger page's JavaScript time goes. Serves
// a copy of a record `npm run bench:ledger -- --store <dir>` kept (`--record year|decade`, a year by default: its
// pages are the decade's, filled faster), opens workerd's inspector, and samples V8 while each operation whose name
// holds one of the texts runs `--runs` times (20 by default). Prints self and total samples by function, through the
// bundle's source map; a frame outside the bundle (a built-in, SQLite, V8's own work) keeps its own name.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { SourceMap } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { BENCH_EDITORS, BENCH_REVIEWERS, ledgerClient } from './lib/bench-ledger-client.ts'
import { landmarksOf, OPERATIONS } from './lib/bench-ledger-ops.ts'
import { type CpuProfile, type CpuProfileNode, inspectorSession, sourcePath } from './lib/bench-startup-profile.ts'
import { buildBundle, serveBundle } from './lib/serve-bundle.ts'

function option(flag: string): string | undefined {
  const at = process.argv.indexOf(flag)
  return at === -1 ? undefined : process.argv[at + 1]
}
const STORE = option('--store')
const ONLY = option('--only')
const RECORD = option('--record') ?? 'year'
const RUNS = Number(option('--runs') ?? 20)
const TOP = Number(option('--top') ?? 25)
/** V8's sampling interval. On a busy machine the sampler runs late: samples are counted, their shares compared. */
const SAMPLING_MS = 0.05

type Counts = Map<string, number>
const add = (counts: Counts, key: string, by = 1) => counts.set(key, (counts.get(key) ?? 0) + by)

function breakdown(profile: CpuProfile, map: SourceMap, main: string) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parentOf = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id)
  const label = ({ callFrame }: CpuProfileNode) => {
    if (!callFrame.url.endsWith(main)) return callFrame.functionName || callFrame.url || '(anonymous)'
    const entry = map.findEntry(callFrame.lineNumber, callFrame.columnNumber)
    if (!('originalSource' in entry)) return `${callFrame.functionName} (bundle)`
    const name = (entry as { name?: string }).name ?? (callFrame.functionName || '(anonymous)')
    return `${callFrame.functionName || name} (${sourcePath(entry.originalSource)}:${entry.originalLine + 1})`
  }
  const self: Counts = new Map()
  const total: Counts = new Map()
  const stacks: Counts = new Map()
  let busy = 0
  for (const id of profile.samples) {
    const leaf = byId.get(id)
    if (!leaf || leaf.callFrame.functionName === '(idle)') continue
    busy++
    add(self, label(leaf))
    const frames: string[] = []
    for (let node: CpuProfileNode | undefined = leaf; node; node = byId.get(parentOf.get(node.id) ?? -1)) {
      frames.push(label(node))
    }
    add(stacks, frames.slice(0, 5).join(' < '))
    for (const where of new Set(frames)) add(total, where)
  }
  return { busy, self, total, stacks }
}

function table(title: string, counts: Counts, busy: number, msPerSample: number) {
  console.log(`\n  ${title}`)
  for (const [where, samples] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
    const share = ((samples / busy) * 100).toFixed(1).padStart(5)
    console.log(`  ${share} %  ${(samples * msPerSample).toFixed(2).padStart(7)} ms a run (nominal)  ${where}`)
  }
}

async function main() {
  if (!STORE || !ONLY) throw new Error('usage: bench-ledger-profile.ts --store <dir> --only <a,b> [--record decade]')
  const kept = resolve(STORE, RECORD)
  const { secret } = JSON.parse(readFileSync(join(kept, 'filled.json'), 'utf8')) as { secret: string }
  const copy = mkdtempSync(join(tmpdir(), `ledger-profile-${RECORD}-`))
  cpSync(kept, copy, { recursive: true })
  const bundle = buildBundle(undefined, 'scripts/bench/ledger-worker.ts')
  const main = bundle.mainPath.split('/').at(-1) as string
  const map = new SourceMap(JSON.parse(readFileSync(`${bundle.mainPath}.map`, 'utf8')))
  const served = await serveBundle({
    bundle,
    direct: true,
    persistTo: copy,
    ledgerSecret: secret,
    editors: BENCH_EDITORS,
    reviewers: BENCH_REVIEWERS,
    editorEmails: true,
    inspect: true,
  })
  try {
    const client = ledgerClient(served)
    const marks = await landmarksOf(client)
    await client.signIn('alice')
    await client.signIn('carol')
    const inspector = await served.miniflare.getInspectorURL()
    const session = await inspectorSession(new URL('/core:user:site', inspector))
    await session.send('Profiler.enable')
    await session.send('Profiler.setSamplingInterval', { interval: SAMPLING_MS * 1000 })
    const state = { round: 0 }
    for (const operation of OPERATIONS.filter((op) => ONLY.split(',').some((part) => op.name.includes(part)))) {
      for (let run = 0; run < 3; run++) await operation.run(client, marks, state)
      await session.send('Profiler.start')
      const started = performance.now()
      for (let run = 0; run < RUNS; run++) await operation.run(client, marks, state)
      const wall = (performance.now() - started) / RUNS
      const { profile } = (await session.send('Profiler.stop')) as { profile: CpuProfile }
      const { busy, self, total, stacks } = breakdown(profile, map, main)
      const msPerSample = SAMPLING_MS / RUNS
      console.log(`\n${operation.name}: ${wall.toFixed(2)} ms wall a run, ${busy} samples in JavaScript`)
      table('self', self, busy, msPerSample)
      table('total', total, busy, msPerSample)
      table('stacks', stacks, busy, msPerSample)
    }
    session.close()
  } finally {
    await served.stop()
    rmSync(copy, { recursive: true, force: true })
    rmSync(bundle.outdir, { recursive: true, force: true })
  }
}

if (import.meta.main) await main()
