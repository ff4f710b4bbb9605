// `npm run bench:verify`: how long `npm run disclaimer -- verify` takes on an export of 10,000 rows, on Node alone,
// against a baseline measured in the same run: Node starting and reading the same file without checking it.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ChainEntry, chainHash, exportLine, GENESIS } from '../src/core/chain.ts'
import { median } from './lib/measure.ts'
import { PROJECT_ROOT } from './lib/paths.ts'

const ROWS = 10_000
const RUNS = 5

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

/** An export shaped like a busy ledger's: versions with full texts, landings, proposals and decisions, events. */
function syntheticExport(rows: number): string {
  const text = 'This site is for general information only and is not medical advice. '.repeat(12)
  let previous = GENESIS
  const lines: string[] = []
  for (let pos = 1; pos <= rows; pos++) {
    const at = new Date(Date.UTC(2026, 0, 1) + pos * 1000).toISOString()
    const [table, row] = (ROW_KINDS[pos % ROW_KINDS.length] as (typeof ROW_KINDS)[number])(pos, at, text)
    previous = chainHash(previous, table, row)
    lines.push(exportLine({ pos, table, row, hash: previous }))
  }
  lines.push(exportLine({ head: previous, rows, exportedAt: new Date().toISOString() }))
  return lines.join('')
}

function timeMs(command: string, args: string[]): number {
  const start = performance.now()
  execFileSync(command, args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  return performance.now() - start
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-verify-'))
  try {
    const file = join(dir, 'export.jsonl')
    writeFileSync(file, syntheticExport(ROWS))
    const verify: number[] = []
    const baseline: number[] = []
    for (let run = 0; run < RUNS; run++) {
      baseline.push(
        timeMs(process.execPath, ['-e', `require('node:fs').readFileSync(${JSON.stringify(file)}, 'utf8')`]),
      )
      verify.push(timeMs(process.execPath, ['scripts/disclaimer.ts', 'verify', file]))
    }
    const [v, b] = [median(verify), median(baseline)]
    console.log(
      `verify of ${ROWS.toLocaleString('en-US')} rows, median of ${RUNS}: ${v.toFixed(0)} ms (wall, Node starting included)`,
    )
    console.log(`baseline, Node starting and reading the same file: ${b.toFixed(0)} ms`)
    console.log(`verify's own work: ${(v - b).toFixed(0)} ms; ratio to the baseline ${(v / b).toFixed(2)}x`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.main) await main()
