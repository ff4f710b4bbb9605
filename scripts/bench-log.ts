// `npm run bench:log`: what an append to the public log costs in the real ledger, on workerd's SQLite, with the tree
// at 1,000,000 entries beside an empty one (rows read and written, the tree's tables' alone too, and the time of a
// run of appends), and verify-page end to end against the site served by that Worker, at a small log and at the large
// one. The tree is grown by writing its stored hashes in bulk (scripts/bench/log-worker.ts), not by a million appends.
// `--size N` takes another size (CI-sized runs: `--size 100000`).
import { parseArgs } from 'node:util'
import { toBase64 } from '../src/core/log/encoding.ts'
import { leafHash } from '../src/core/log/merkle.ts'
import { appendLeaf, MemoryHashStore, treeRoot } from '../src/core/log/tree-store.ts'
import { benchEntry, LOG_BENCH_PATH, type LogBenchAction, type LogRows } from './bench/log-bench.ts'
import { BENCH_EDITORS, BENCH_REVIEWERS } from './lib/bench-ledger-client.ts'
import { readTrust } from './lib/log-trust.ts'
import { median } from './lib/measure.ts'
import { buildBundle, type ServedBundle, serveBundle } from './lib/serve-bundle.ts'
import { verifyPage } from './lib/verify-page.ts'

const { values } = parseArgs({ options: { size: { type: 'string', default: '1000000' } } })
const SIZE = Number(values.size)
if (!Number.isSafeInteger(SIZE) || SIZE < 10_000) throw new Error('--size must be a whole number of at least 10000')
/** Leaves written per transaction while growing: a power of two, so each batch completes its own subtrees. */
const GROW_BATCH = 65_536
const SMALL = 1_000
const APPENDS = 500
const BATCHES = 9
const VERIFY_RUNS = 15

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })

async function call<T>(served: ServedBundle, action: LogBenchAction, query: Record<string, string | number> = {}) {
  const params = new URLSearchParams(Object.entries(query).map(([key, value]) => [key, String(value)]))
  const response = await fetch(new URL(`${LOG_BENCH_PATH}/${action}?${params}`, served.url), { method: 'POST' })
  if (!response.ok) throw new Error(`${LOG_BENCH_PATH}/${action} answered ${response.status}: ${await response.text()}`)
  return ((await response.json()) as { result: T }).result
}

/** Grows the site's log to at least `size` leaves, a batch a transaction; the size it reached. */
async function growTo(served: ServedBundle, size: number, have: number): Promise<number> {
  let now = have
  const started = performance.now()
  while (now < size) {
    const count = Math.min(GROW_BATCH - (now % GROW_BATCH), size - now)
    now = (await call<{ size: number }>(served, 'grow', { count })).size
    if (size > SMALL)
      process.stdout.write(`\r  grown to ${fmt(now)} entries, ${fmt((performance.now() - started) / 1000, 1)} s`)
  }
  if (size > SMALL) process.stdout.write('\n')
  return now
}

/** Publishes a new text of `target` as an editor does, then runs the alarm, which signs a checkpoint over it. */
async function publish(served: ServedBundle, target: string, text: string): Promise<void> {
  const current = await fetch(new URL(`/admin/disclaimers/${target}`, served.url), {
    headers: { Authorization: `Bearer ${BENCH_EDITORS.alice}`, 'CF-Connecting-IP': '198.51.100.7' },
  })
  const etag = current.headers.get('ETag')
  await current.text()
  const response = await fetch(new URL(`/admin/disclaimers/${target}`, served.url), {
    method: 'PUT',
    headers: {
      Authorization: `Bearer ${BENCH_EDITORS.alice}`,
      'CF-Connecting-IP': '198.51.100.7',
      'Content-Type': 'application/json',
      ...(etag ? { 'If-Match': etag } : { 'If-None-Match': '*' }),
    },
    body: JSON.stringify({ text }),
  })
  if (response.status !== 200) throw new Error(`the publish answered ${response.status}: ${await response.text()}`)
  await call(served, 'alarm')
}

/** New texts of both disclaimers the home page shows (the global one and its page's note), each in the log. */
async function publishBoth(served: ServedBundle, against: string): Promise<void> {
  await publish(
    served,
    'global',
    `This article is general information, not medical advice, checked against ${against}.`,
  )
  await publish(served, 'dosage-and-safety', `Start with the lowest dose; this note is checked against ${against}.`)
}

/** verify-page on the site's home page, once and then `VERIFY_RUNS` times: medians of the check and of fetching the page alone. */
async function verifyHome(served: ServedBundle) {
  const url = new URL('/', served.url).href
  const trust = readTrust({ key: served.logVerifierKey })
  const verifyMs: number[] = []
  const pageMs: number[] = []
  // One check first, untimed: the first run of the process also pays for compiling the checker.
  let last = await verifyPage({ source: url, trust })
  for (let run = 0; run < VERIFY_RUNS; run++) {
    let started = performance.now()
    await (await fetch(url)).arrayBuffer()
    pageMs.push(performance.now() - started)
    started = performance.now()
    last = await verifyPage({ source: url, trust })
    verifyMs.push(performance.now() - started)
    if (!last.ok) throw new Error(`verify-page did not prove the page:\n${last.lines.join('\n')}`)
  }
  const { fetched, lines } = last
  return {
    verifyMs: median(verifyMs),
    pageMs: median(pageMs),
    requests: fetched.urls.length,
    bytes: fetched.bytes,
    checkpoint: lines.find((line) => line.startsWith('checkpoint ')) ?? '',
  }
}

/** The site's log's size now: a grow of nothing answers it. */
async function treeSizeOf(served: ServedBundle): Promise<number> {
  return (await call<{ size: number }>(served, 'grow', { count: 0 })).size
}

/** `APPENDS` appends on a ledger, timed from here; rows per append as the ledger's SQL cursors counted them. */
async function appendRun(served: ServedBundle, ledger?: string) {
  const which: Record<string, string> = ledger ? { ledger } : {}
  const started = performance.now()
  const rows = await call<LogRows>(served, 'append', { count: APPENDS, ...which })
  return { ...rows, us: ((performance.now() - started) * 1000) / APPENDS }
}

async function main() {
  console.log('building the benchmark Worker (scripts/bench/log-worker.ts)…')
  const bundle = buildBundle(undefined, 'scripts/bench/log-worker.ts')
  const served = await serveBundle({
    bundle,
    direct: true,
    editors: BENCH_EDITORS,
    reviewers: BENCH_REVIEWERS,
    siteOrigin: 'http://127.0.0.1',
  })
  try {
    const grown = await call<{ size: number; root: string }>(served, 'grow', { count: SMALL })
    // The bulk writes must make the tree the ledger's own appends would: the same root as the tree code in memory.
    const reference = new MemoryHashStore()
    for (let index = 0; index < SMALL; index++) appendLeaf(reference, index, leafHash(benchEntry(index)))
    const expected = toBase64(treeRoot(reference, SMALL))
    if (grown.size !== SMALL || grown.root !== expected) {
      throw new Error(
        `the grown tree of ${grown.size} has root ${grown.root}, not ${expected}: the bulk writes are wrong`,
      )
    }
    await publishBoth(served, 'a small log')
    const small = await verifyHome(served)

    const growing = performance.now()
    const size = await growTo(served, SIZE, await treeSizeOf(served))
    const grownS = (performance.now() - growing) / 1000
    await publishBoth(served, 'a large log')
    const large = await verifyHome(served)

    const empty: Awaited<ReturnType<typeof appendRun>>[] = []
    const full: Awaited<ReturnType<typeof appendRun>>[] = []
    for (let batch = 0; batch < BATCHES; batch++) {
      // A fresh ledger each time: its first request starts it (the schema), which is not an append.
      await call(served, 'append', { count: 1, ledger: `empty-${batch}` })
      empty.push(await appendRun(served, `empty-${batch}`))
      full.push(await appendRun(served))
    }
    const label = `${fmt(SIZE)} entries`
    console.log(
      `\ngrew the site's log to ${fmt(size)} entries in ${fmt(grownS, 1)} s (bulk writes of its stored hashes, ${fmt(GROW_BATCH)} leaves a transaction)`,
    )
    console.log(
      `\nper append, through the ledger's own transaction (a row, chained, then added to the tree), on workerd's SQLite;`,
    )
    console.log(
      `median of ${BATCHES} runs of ${APPENDS} appends, each run on a fresh empty ledger and on the large one`,
    )
    console.log(`${''.padEnd(40)}${'empty tree'.padStart(14)}${label.padStart(22)}`)
    const row = (what: string, pick: (run: (typeof empty)[number]) => number, digits = 2) =>
      console.log(
        `${what.padEnd(40)}${fmt(median(empty.map(pick)), digits).padStart(14)}${fmt(median(full.map(pick)), digits).padStart(22)}`,
      )
    row("rows read, the tree's tables", (run) => run.treeRead)
    row("rows written, the tree's tables", (run) => run.treeWritten)
    row('rows read, the whole transaction', (run) => run.read)
    row('rows written, the whole transaction', (run) => run.written)
    row('SQL statements', (run) => run.statements)
    row('wall µs (run of appends / appends)', (run) => run.us, 1)
    const ratio = median(full.map((run) => run.us)) / median(empty.map((run) => run.us))
    console.log(`ratio of time, ${label} to empty: ${ratio.toFixed(2)}x (same process, same run)`)

    console.log(
      `\nverify-page end to end on the site's home page (the Worker above, on 127.0.0.1), median of ${VERIFY_RUNS} runs`,
    )
    console.log(`${''.padEnd(40)}${`${fmt(SMALL)} entries`.padStart(14)}${label.padStart(22)}`)
    const check = (what: string, pick: (c: typeof small) => string) =>
      console.log(`${what.padEnd(40)}${pick(small).padStart(14)}${pick(large).padStart(22)}`)
    check('wall ms, whole check', (c) => fmt(c.verifyMs, 1))
    check('wall ms, fetching the page alone', (c) => fmt(c.pageMs, 1))
    check('ratio to fetching the page alone', (c) => `${(c.verifyMs / c.pageMs).toFixed(1)}x`)
    check('requests (page, checkpoint, tiles)', (c) => String(c.requests))
    check('bytes fetched', (c) => fmt(c.bytes))
    console.log(`ratio of wall time, ${label} to ${fmt(SMALL)}: ${(large.verifyMs / small.verifyMs).toFixed(2)}x`)
    console.log(`the large log's ${large.checkpoint}`)
  } finally {
    await served.stop()
  }
}

if (import.meta.main) await main()
