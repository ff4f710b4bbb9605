// `npm run bench:log`: what an append to the log's Merkle tree costs (hashes computed, stored hashes read and
// written, CPU time) with the tree at 1,000,000 entries beside an empty one, over an in-memory hash store; what a
// root and proofs read there; and verify-page end to end against a log of 1,000,000 entries served on 127.0.0.1.
import { utf8 } from '../src/core/log/encoding.ts'
import { leafHash } from '../src/core/log/merkle.ts'
import { appendLeaf, consistencyProof, inclusionProof, treeRoot } from '../src/core/log/tree-store.ts'
import { benchVerifyPage } from './lib/bench-verify-page.ts'
import { CountingStore } from './lib/counting-store.ts'
import { median, threadCpuNs } from './lib/measure.ts'

const SIZE = 1_000_000
const BATCH = 1024
const BATCHES = 9

/** Appends `count` entries from `from` on; returns the cost per append: hashes (the leaf's and the nodes'), reads, writes, CPU µs. */
function appendBatch(store: CountingStore, from: number, count: number) {
  const [reads, writes, cpu] = [store.reads, store.writes, threadCpuNs(process.pid)]
  for (let i = from; i < from + count; i++) appendLeaf(store, i, leafHash(utf8(`entry ${i}`)))
  const cpuUs = (threadCpuNs(process.pid) - cpu) / 1000
  const written = store.writes - writes
  // Each append hashes its leaf, then one node per stored hash beyond the leaf.
  return { hashes: written / count, reads: (store.reads - reads) / count, writes: written / count, us: cpuUs / count }
}

function single(store: CountingStore, size: number) {
  const cost = appendBatch(store, size, 1)
  return `size ${size.toLocaleString('en-US')}: ${cost.hashes} hashes, ${cost.reads} read, ${cost.writes} written`
}

function readsOf(store: CountingStore, work: () => unknown): number {
  const before = store.reads
  work()
  return store.reads - before
}

function appends() {
  const big = new CountingStore()
  const building = threadCpuNs(process.pid)
  appendBatch(big, 0, SIZE)
  const buildS = (threadCpuNs(process.pid) - building) / 1e9
  console.log(
    `built a tree of ${SIZE.toLocaleString('en-US')} entries in ${buildS.toFixed(1)} s of CPU (${big.size.toLocaleString('en-US')} stored hashes)`,
  )

  const reads = {
    root: readsOf(big, () => treeRoot(big, SIZE)),
    inclusion: readsOf(big, () => inclusionProof(big, 123_456, SIZE)),
    consistency: readsOf(big, () => consistencyProof(big, 654_321, SIZE)),
  }
  const empty: ReturnType<typeof appendBatch>[] = []
  const full: ReturnType<typeof appendBatch>[] = []
  for (let batch = 0; batch < BATCHES; batch++) {
    empty.push(appendBatch(new CountingStore(), 0, BATCH))
    full.push(appendBatch(big, SIZE + batch * BATCH, BATCH))
  }
  const row = (what: string, pick: (c: ReturnType<typeof appendBatch>) => number, digits = 2) =>
    `${what.padEnd(36)}${median(empty.map(pick)).toFixed(digits).padStart(14)}${median(full.map(pick)).toFixed(digits).padStart(22)}`
  console.log(
    `\nper append, median of ${BATCHES} batches of ${BATCH.toLocaleString('en-US')} appends (in-memory store; CPU time of this thread)`,
  )
  console.log(`${''.padEnd(36)}${'empty tree'.padStart(14)}${'1,000,000 entries'.padStart(22)}`)
  console.log(row('hashes computed (leaf and nodes)', (c) => c.hashes))
  console.log(row('stored hashes read', (c) => c.reads))
  console.log(row('stored hashes written', (c) => c.writes))
  console.log(row('CPU µs', (c) => c.us, 1))
  console.log(
    `ratio of CPU time, 1,000,000 entries to empty: ${(median(full.map((c) => c.us)) / median(empty.map((c) => c.us))).toFixed(2)}x`,
  )

  console.log('\nsingle appends (each is 1 + its size’s trailing 1 bits hashes and writes, those bits reads):')
  console.log(`  ${single(new CountingStore(), 0)}`)
  const next = SIZE + BATCHES * BATCH
  appendBatch(big, next, 2 ** 20 - 1 - next)
  console.log(`  ${single(big, 2 ** 20 - 1)} (the most below 2^21)`)
  console.log(
    `\nreads at ${SIZE.toLocaleString('en-US')}: root ${reads.root}; inclusion proof of entry 123,456: ${reads.inclusion}; consistency proof from 654,321: ${reads.consistency}`,
  )
}

const VERIFY_RUNS = 15

async function verifyPages() {
  const small = await benchVerifyPage(1000, VERIFY_RUNS)
  const large = await benchVerifyPage(SIZE, VERIFY_RUNS)
  console.log(
    `\nverify-page end to end (a page with two disclaimers, entries at 40 % and 90 % of the log; a log served on 127.0.0.1), median of ${VERIFY_RUNS} runs`,
  )
  console.log(`${''.padEnd(36)}${'1,000 entries'.padStart(14)}${'1,000,000 entries'.padStart(22)}`)
  const row = (what: string, pick: (c: typeof small) => string) =>
    console.log(`${what.padEnd(36)}${pick(small).padStart(14)}${pick(large).padStart(22)}`)
  row('wall ms, whole check', (c) => c.verifyMs.toFixed(1))
  row('wall ms, fetching the page alone', (c) => c.pageMs.toFixed(1))
  row('ratio to fetching the page alone', (c) => `${(c.verifyMs / c.pageMs).toFixed(1)}x`)
  row('requests (page, checkpoint, tiles)', (c) => String(c.requests))
  row('bytes fetched', (c) => c.bytes.toLocaleString('en-US'))
  console.log(`ratio of wall time, 1,000,000 entries to 1,000: ${(large.verifyMs / small.verifyMs).toFixed(2)}x`)
  console.log(`log files fetched at 1,000,000: ${large.files.join(', ')}`)
}

async function main() {
  appends()
  await verifyPages()
}

if (import.meta.main) await main()
