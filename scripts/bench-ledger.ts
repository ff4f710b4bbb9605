// npm run bench:ledger: the ledger with a decade of heavy use against a new one and a year's (issue 23). Builds the
// Worker with a ledger the benchmark can fill and count (scripts/bench/ledger-worker.ts), serves three copies with
// Miniflare, fills each (scripts/bench/busy-record.ts), starts each again on its stored record (the object's
// start-up), then measures every admin route, console page, publish, propose, approve, the alarm and the cron on
// each: rows read and time. Writes its section of docs/benchmark.md; `--quick` fills a hundredth of each, runs each
// once, and writes artifacts/bench-ledger-quick.md (CI runs it). `--store <dir>` keeps the three filled records there
// and measures copies of them on the next run with the same sizes (a decade takes minutes to fill); `--only <a,b>`
// measures only the operations whose name holds one of the texts, and writes no report; `--runs <n>` keeps n runs of
// each (5 by default).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { newLedgerSecret } from '../src/core/kv-contract.ts'
import { DECADE, type RecordSize, stepsOf } from './bench/ledger-bench.ts'
import { BENCH_EDITORS, BENCH_REVIEWERS, type LedgerClient, ledgerClient } from './lib/bench-ledger-client.ts'
import { type Landmarks, landmarksOf, OPERATIONS, type WriteState } from './lib/bench-ledger-ops.ts'
import { type Measured, renderLedgerReport } from './lib/bench-ledger-report.ts'
import { LEDGER_SECTION, withSection } from './lib/doc-sections.ts'
import { median } from './lib/measure.ts'
import { type BuiltBundle, buildBundle, PROJECT_ROOT, type ServedBundle, serveBundle } from './lib/serve-bundle.ts'

const QUICK = process.argv.includes('--quick')
/** The value after `flag` on the command line, if it is there. */
function option(flag: string): string | undefined {
  const at = process.argv.indexOf(flag)
  return at === -1 ? undefined : process.argv[at + 1]
}
const STORE = option('--store')
const ONLY = option('--only')
/** Runs kept per operation and record (`--runs`): more give steadier medians on a busy machine. */
const RUNS = Number(option('--runs') ?? (QUICK ? 1 : 5))
/**
 * A new record: a version of every target, one proposal decided and twenty open, five schedules to come. Its pages
 * hold a row or a few; a year's are full, so decade against year shows what the history alone costs.
 */
const FRESH: RecordSize = { versions: 7, proposals: 21, schedules: 6, events: 10 }
/** A share of the decade: a year's use is a tenth of it. Quick mode takes a hundredth of each. */
function share(part: number): RecordSize {
  const scale = QUICK ? part / 100 : part
  return {
    versions: DECADE.versions * scale,
    proposals: DECADE.proposals * scale,
    schedules: DECADE.schedules * scale,
    events: DECADE.events * scale,
  }
}
const SIZES: Record<RecordName, RecordSize> = { fresh: FRESH, year: share(0.1), decade: share(1) }
const RESULTS_FILE = join(PROJECT_ROOT, QUICK ? 'artifacts/bench-ledger-quick.md' : 'docs/benchmark.md')

type RecordName = 'fresh' | 'year' | 'decade'
type Sample = { rows: number; ms: number }
const RECORDS: RecordName[] = ['fresh', 'year', 'decade']
type Records = Record<RecordName, LedgerClient>

/** Where a record is kept, and the secret its KV metadata is signed with: the same each time it is served. */
interface Stored {
  dir: string
  secret: string
  /** The seconds its fill took, when the directory already holds this record, filled to its size. */
  filled?: number
}

const MARK = 'filled.json'

/** A record's directory: kept under `--store` (found filled there when its size matches), else a new temporary one. */
function storeOf(record: RecordName): Stored {
  if (!STORE) return { dir: mkdtempSync(join(tmpdir(), `ledger-${record}-`)), secret: newLedgerSecret() }
  const dir = resolve(STORE, `${QUICK ? 'quick-' : ''}${record}`)
  const mark = join(dir, MARK)
  if (existsSync(mark)) {
    const kept = JSON.parse(readFileSync(mark, 'utf8')) as { size: RecordSize; secret: string; seconds: number }
    if (JSON.stringify(kept.size) === JSON.stringify(SIZES[record])) {
      return { dir, secret: kept.secret, filled: kept.seconds }
    }
  }
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  return { dir, secret: newLedgerSecret() }
}

function serve(bundle: BuiltBundle, stored: Stored, dir = stored.dir) {
  return serveBundle({
    bundle,
    direct: true,
    persistTo: dir,
    ledgerSecret: stored.secret,
    editors: BENCH_EDITORS,
    reviewers: BENCH_REVIEWERS,
    editorEmails: true,
    siteOrigin: 'http://127.0.0.1',
  })
}

/** Writes a record of `size` a step at a time (each one transaction in the object), then KV as the ledger would. */
async function fill(client: LedgerClient, size: RecordSize, label: string): Promise<void> {
  const steps = stepsOf(size)
  const started = Date.now()
  const end = Date.now() - 86_400_000
  for (let step = 0; step < steps; step++) {
    await client.bench('fill', {
      method: 'POST',
      body: JSON.stringify({ size, end, step }),
      headers: { 'Content-Type': 'application/json' },
    })
    if ((step + 1) % 10 === 0) {
      console.log(`  ${label}: step ${step + 1} of ${steps}, ${((Date.now() - started) / 1000).toFixed(0)} s`)
    }
  }
  await client.bench('kv')
}

/** The chain's length: the head of an export page. */
async function chainLength(client: LedgerClient): Promise<number> {
  const { body } = await client.call('/admin/export?limit=1')
  return (JSON.parse(body) as { head: { pos: number } | null }).head?.pos ?? 0
}

/** The object's first request after workerd starts again on its stored record, less a request once it runs. */
async function startup(client: LedgerClient): Promise<number> {
  await client.call('/robots.txt')
  const started = performance.now()
  await client.bench('ping')
  const first = performance.now() - started
  const again: number[] = []
  for (let run = 0; run < 5; run++) {
    const at = performance.now()
    await client.bench('ping')
    again.push(performance.now() - at)
  }
  return first - median(again)
}

async function measureAll(records: Records): Promise<Measured[]> {
  const marks = {} as Record<RecordName, Landmarks>
  const states = {} as Record<RecordName, WriteState>
  for (const record of RECORDS) {
    marks[record] = await landmarksOf(records[record])
    states[record] = { round: 0 }
    await records[record].signIn('alice')
    await records[record].signIn('carol')
  }
  const results: Measured[] = []
  for (const operation of OPERATIONS.filter(
    (operation) => !ONLY || ONLY.split(',').some((part) => operation.name.includes(part)),
  )) {
    const samples = { fresh: [], year: [], decade: [] } as Record<RecordName, Sample[]>
    const writes = operation.group === 'operations'
    for (let run = writes ? 1 : 0; run <= RUNS; run++) {
      for (const record of RECORDS) {
        const client = records[record]
        const state = states[record]
        state.round++
        await operation.before?.(client, marks[record], state)
        const { rows, ms } = await client.measure(() => operation.run(client, marks[record], state))
        // Run 0 warms up: not kept.
        if (run > 0) samples[record].push({ rows: rows.read, ms })
      }
    }
    const summary = (kept: Sample[]) => ({
      rows: median(kept.map((sample) => sample.rows)),
      ms: median(kept.map((sample) => sample.ms)),
    })
    const row: Measured = {
      name: operation.name,
      group: operation.group,
      fresh: summary(samples.fresh),
      year: summary(samples.year),
      decade: summary(samples.decade),
    }
    results.push(row)
    console.log(
      `  ${operation.name}: rows ${RECORDS.map((record) => row[record].rows).join(' / ')}, ms ${RECORDS.map((record) => row[record].ms.toFixed(1)).join(' / ')}`,
    )
  }
  return results
}

async function main() {
  const started = Date.now()
  console.log('building the ledger benchmark Worker with wrangler deploy --dry-run')
  const bundle = buildBundle(undefined, 'scripts/bench/ledger-worker.ts')
  const stores = Object.fromEntries(RECORDS.map((record) => [record, storeOf(record)])) as Record<RecordName, Stored>
  // A kept record is measured on a copy: the writes measured (publish, propose, approve…) never change what is kept.
  const copies = {} as Record<RecordName, string>
  const serveAll = async (dirs?: Record<RecordName, string>) =>
    Object.fromEntries(
      await Promise.all(
        RECORDS.map(async (record) => [record, await serve(bundle, stores[record], dirs?.[record])] as const),
      ),
    ) as Record<RecordName, ServedBundle>
  let servers = await serveAll()
  try {
    let buildSeconds = 0
    let keptIn: string | undefined
    console.log(
      `filling a new record, a year and a decade (${RECORDS.map((record) => stepsOf(SIZES[record])).join(', ')} steps)`,
    )
    for (const record of RECORDS) {
      const client = ledgerClient(servers[record])
      const kept = stores[record].filled
      if (kept !== undefined) {
        // Kept from an earlier run: started once here, so that any migration since runs before start-up is timed.
        console.log(`  ${record}: kept in ${stores[record].dir}, filled in ${kept.toFixed(0)} s`)
        await client.bench('ping')
        buildSeconds += kept
        keptIn = STORE
        continue
      }
      const building = Date.now()
      await fill(client, SIZES[record], record)
      const seconds = (Date.now() - building) / 1000
      buildSeconds += seconds
      if (STORE) {
        const mark = { size: SIZES[record], secret: stores[record].secret, seconds }
        writeFileSync(join(stores[record].dir, MARK), JSON.stringify(mark))
      }
    }
    console.log(`  filled in ${buildSeconds.toFixed(0)} s; starting each again on its stored record`)
    await Promise.all(Object.values(servers).map((server) => server.stop()))
    if (STORE) {
      for (const record of RECORDS) {
        copies[record] = mkdtempSync(join(tmpdir(), `ledger-${record}-`))
        cpSync(stores[record].dir, copies[record], { recursive: true })
      }
    }
    servers = await serveAll(STORE ? copies : undefined)
    const records = Object.fromEntries(RECORDS.map((record) => [record, ledgerClient(servers[record])])) as Records
    const start = {} as Record<RecordName, number>
    const chained = {} as Record<RecordName, number>
    for (const record of RECORDS) {
      start[record] = await startup(records[record])
      chained[record] = await chainLength(records[record])
    }
    console.log(`  start-up: ${RECORDS.map((record) => `${record} ${start[record].toFixed(1)} ms`).join(', ')}`)
    console.log('measuring every route, page and operation')
    const [loadAtStart = 0] = loadavg()
    const measured = await measureAll(records)
    const [loadAtEnd = 0] = loadavg()
    console.log(
      `  load average (one minute): ${loadAtStart.toFixed(1)} at the start, ${loadAtEnd.toFixed(1)} at the end`,
    )
    if (ONLY) return
    const report = renderLedgerReport({
      quick: QUICK,
      runs: RUNS,
      sizes: SIZES,
      chained,
      buildSeconds,
      keptIn,
      startup: start,
      measured,
      seconds: (Date.now() - started) / 1000,
      load: { start: loadAtStart, end: loadAtEnd, cores: availableParallelism() },
    })
    console.log(`\n${report}`)
    mkdirSync(dirname(RESULTS_FILE), { recursive: true })
    const previous = existsSync(RESULTS_FILE) ? readFileSync(RESULTS_FILE, 'utf8') : '# Benchmark\n'
    writeFileSync(RESULTS_FILE, QUICK ? report : withSection(previous, LEDGER_SECTION, report))
    console.log(`written to ${RESULTS_FILE.slice(PROJECT_ROOT.length)}`)
  } finally {
    await Promise.all(Object.values(servers).map((server) => server.stop()))
    const used = STORE ? Object.values(copies) : Object.values(stores).map((stored) => stored.dir)
    for (const dir of [...used, bundle.outdir]) rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.main) await main()
