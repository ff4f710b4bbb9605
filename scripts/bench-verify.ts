// `npm run bench:verify`: how long `npm run disclaimer -- verify` takes on an export of 1,000,000 rows, on Node
// alone, and its peak memory, against baselines measured in the same run: Node starting and reading the same file,
// its bytes, and as text line by line, without checking it. `--rows N` for another size.
import { spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { finished } from 'node:stream/promises'
import { parseArgs } from 'node:util'
import { type ChainEntry, chainHash, exportLine, GENESIS } from '../src/core/chain.ts'
import { median } from './lib/measure.ts'
import { PROJECT_ROOT } from './lib/paths.ts'
import { nodeChainStep, utf8Pieces, verifyFile } from './lib/record-file.ts'

const RUNS = 3
const GOAL_MS = 5000

type ChainRow = ChainEntry['row']

/** The rows of a busy ledger, in turn: a version with a full text, its landing, its event, a decision. */
const ROW_KINDS: ((pos: number, at: string, text: string) => [table: string, row: ChainRow])[] = [
  (pos, at, text) => [
    'versions',
    {
      seq: pos,
      key: 'disclaimer',
      text: `${text}${pos}`,
      hash: 'abcdef0123456789',
      at,
      by: 'alice',
      how: 'publish',
      note: 'a note',
      approved_by: 'bob',
      proposal_id: pos - 1,
      rollback_of: null,
      valid: 1,
      problem: null,
      import_id: null,
    },
  ],
  (pos, at) => ['landings', { seq: pos - 1, at }],
  (pos, at) => [
    'events',
    {
      id: pos,
      at,
      kind: 'version_live',
      key: 'disclaimer',
      version_seq: pos - 2,
      proposal_id: null,
      actor: 'alice',
      detail: '{}',
    },
  ],
  (pos, at) => [
    'decisions',
    { proposal_id: pos, decision: 'approved', by: 'bob', at, reason: null, published_seq: pos + 1 },
  ],
]

/** Writes an export shaped like a busy ledger's, line by line: versions with full texts, landings, events, decisions. */
export async function writeSyntheticExport(file: string, rows: number): Promise<void> {
  const text = 'This site is for general information only and is not medical advice. '.repeat(12)
  const out = createWriteStream(file)
  let previous = GENESIS
  let batch = ''
  for (let pos = 1; pos <= rows; pos++) {
    const at = new Date(Date.UTC(2026, 0, 1) + pos * 1000).toISOString()
    const [table, row] = (ROW_KINDS[pos % ROW_KINDS.length] as (typeof ROW_KINDS)[number])(pos, at, text)
    previous = chainHash(previous, table, row, nodeChainStep)
    batch += exportLine({ pos, table, row, hash: previous })
    if (batch.length > 1 << 20) {
      if (!out.write(batch)) await once(out, 'drain')
      batch = ''
    }
  }
  out.end(`${batch}${exportLine({ head: previous, rows, exportedAt: new Date().toISOString() })}`)
  await finished(out)
}

/** Prints the process's peak resident memory (KiB) and CPU time (µs) on its way out, whatever it runs. */
const PEAK_RSS = `data:text/javascript,process.on('exit',()=>{const u=process.resourceUsage();process.stderr.write('peak-rss-kib '+u.maxRSS+' cpu-us '+(u.userCPUTime+u.systemCPUTime)+'\\n')})`

/** The baseline: Node reading every byte of the file, 1 MiB at a time as verify does, and counting its lines. */
const READ_BYTES = `import{openSync,readSync}from'node:fs';const f=openSync(process.argv[1]);const b=Buffer.allocUnsafe(1<<20);let lines=0;for(let n;(n=readSync(f,b))>0;){const c=b.subarray(0,n);for(let i=c.indexOf(10);i!==-1;i=c.indexOf(10,i+1))lines++}console.log(lines)`

/** A second: the same as text, line by line, as Node reads a text file (UTF-8 decoded, whole across pieces). */
const READ_LINES = `import{createReadStream}from'node:fs';let lines=0,rest='';for await(const t of createReadStream(process.argv[1],{encoding:'utf8',highWaterMark:1<<20})){const s=rest+t;let from=0;for(let n=s.indexOf('\\n');n!==-1;n=s.indexOf('\\n',from)){s.slice(from,n);lines++;from=n+1}rest=s.slice(from)}console.log(lines)`

interface Run {
  ms: number
  cpuMs: number
  peakMiB: number
  stdout: string
}

function run(args: string[]): Run {
  const start = performance.now()
  const child = spawnSync(process.execPath, ['--import', PEAK_RSS, ...args], { cwd: PROJECT_ROOT, encoding: 'utf8' })
  const ms = performance.now() - start
  if (child.status !== 0) throw new Error(`${args.join(' ')} failed:\n${child.stdout}${child.stderr}`)
  const found = /peak-rss-kib (\d+) cpu-us (\d+)/.exec(child.stderr)
  if (!found) throw new Error(`no peak memory reported by ${args.join(' ')}`)
  return { ms, cpuMs: Number(found[2]) / 1000, peakMiB: Number(found[1]) / 1024, stdout: child.stdout }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`

async function cpuMsOf(work: () => Promise<unknown>): Promise<number> {
  const before = process.cpuUsage()
  await work()
  const used = process.cpuUsage(before)
  return (used.user + used.system) / 1000
}

/** Each line of a file, as verify cuts them, handed to `each`. */
async function eachLine(file: string, each: (line: string) => void): Promise<void> {
  let partial = ''
  for await (const piece of utf8Pieces(file)) {
    let start = 0
    for (let newline = piece.indexOf('\n'); newline !== -1; newline = piece.indexOf('\n', start)) {
      each(partial + piece.slice(start, newline))
      partial = ''
      start = newline + 1
    }
    partial += piece.slice(start)
  }
}

/**
 * Where verify's time goes, in this process (CPU time, each step adding one thing to the one before): reading and
 * decoding, cutting lines, JSON.parse, re-encoding to compare, one SHA-256 step a line, then verify itself.
 */
async function phases(file: string): Promise<[string, number][]> {
  let previous = GENESIS
  const steps: [string, () => Promise<unknown>][] = [
    [
      'reading the file and decoding its UTF-8',
      async () => {
        for await (const _ of utf8Pieces(file));
      },
    ],
    ['+ cutting it into lines', () => eachLine(file, () => {})],
    ['+ JSON.parse of each line', () => eachLine(file, (line) => JSON.parse(line))],
    ['+ re-encoding each line to compare', () => eachLine(file, (line) => JSON.stringify(JSON.parse(line)) === line)],
    [
      '+ one SHA-256 step a line',
      () =>
        eachLine(file, (line) => {
          if (JSON.stringify(JSON.parse(line)) === line) previous = nodeChainStep(previous, line)
        }),
    ],
    ['verify itself (verifyFile)', () => verifyFile(file)],
  ]
  const measured: [string, number][] = []
  for (const [name, work] of steps) measured.push([name, await cpuMsOf(work)])
  return measured
}

async function main() {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' } } })
  const rows = Number(values.rows)
  if (!Number.isSafeInteger(rows) || rows < 1) throw new Error('--rows: expected a whole number, e.g. 1000000')
  const dir = mkdtempSync(join(tmpdir(), 'bench-verify-'))
  try {
    const file = join(dir, 'export.jsonl')
    const made = performance.now()
    await writeSyntheticExport(file, rows)
    const mib = statSync(file).size / 2 ** 20
    console.log(
      `an export of ${rows.toLocaleString('en-US')} rows, ${mib.toFixed(0)} MiB, written in ${((performance.now() - made) / 1000).toFixed(1)} s`,
    )
    const verify: Run[] = []
    const bytes: Run[] = []
    const text: Run[] = []
    for (let round = 0; round < RUNS; round++) {
      bytes.push(run(['--input-type=module', '-e', READ_BYTES, file]))
      text.push(run(['--input-type=module', '-e', READ_LINES, file]))
      verify.push(run(['scripts/disclaimer.ts', 'verify', file]))
    }
    if (!verify[0]?.stdout.includes(`verified: ${rows} row(s)`)) throw new Error(`verify said: ${verify[0]?.stdout}`)
    for (const baseline of [bytes, text]) {
      if (baseline[0]?.stdout.trim() !== String(rows + 1)) throw new Error(`a baseline read ${baseline[0]?.stdout}`)
    }
    const line = (name: string, runs: Run[]) =>
      `${name}: ${seconds(median(runs.map((r) => r.ms)))} wall, ${seconds(median(runs.map((r) => r.cpuMs)))} CPU, peak RSS ${Math.max(...runs.map((r) => r.peakMiB)).toFixed(0)} MiB`
    console.log(`median of ${RUNS}, Node starting included, the three taking turns:`)
    console.log(line('verify (npm run disclaimer -- verify)', verify))
    console.log(line("baseline, Node reading the file's bytes", bytes))
    console.log(line('baseline, Node reading it as text line by line', text))
    const v = median(verify.map((r) => r.ms))
    const ratio = (runs: Run[]) => (v / median(runs.map((r) => r.ms))).toFixed(2)
    console.log(
      `ratio of verify to reading the bytes ${ratio(bytes)}x, to reading the text ${ratio(text)}x; goal for 1,000,000 rows: under ${GOAL_MS / 1000} s wall${rows === 1_000_000 ? (v < GOAL_MS ? ' (met)' : ' (not met)') : ''}`,
    )
    console.log('where the time goes, in one process (CPU time, each step adding to the one before):')
    for (const [name, ms] of await phases(file)) console.log(`  ${name.padEnd(42)} ${seconds(ms)}`)
    console.log(
      `load average when done: ${loadavg()
        .map((load) => load.toFixed(1))
        .join(', ')} on ${availableParallelism()} cores`,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.main) await main()
