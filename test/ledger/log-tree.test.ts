// The log's Merkle tree in a fresh object's SQLite: a leaf per chained row in chain order, O(log n) rows read per
// append, proofs and tiles that the log's own verifiers and RFC 6962's definitions agree with, and the backfill
// over a record chained before the log.
import { describe, expect, it } from 'vitest'
import type { ChainRow } from '../../src/core/chain.ts'
import { checkEntry, parseEntry, publicColumns } from '../../src/core/log/entry.ts'
import { leafHash } from '../../src/core/log/merkle.ts'
import { verifyConsistency, verifyInclusion } from '../../src/core/log/proof-check.ts'
import { parseBundle } from '../../src/core/log/tiles.ts'
import { consistencyProof, inclusionProof, treeRoot } from '../../src/core/log/tree-store.ts'
import { backfillStep } from '../../src/ledger/backfills.ts'
import { chainPending } from '../../src/ledger/chaining.ts'
import {
  appendChained,
  entryBundle,
  extendLog,
  hashTile,
  leafOf,
  leafSecret,
  sqlHashStore,
  treeHead,
  treeSize,
} from '../../src/ledger/log-tree.ts'
import { LOG_BACKLOG } from '../../src/ledger/migrations.ts'
import { migrate } from '../../src/ledger/schema.ts'
import { Rfc6962 } from '../core/log/rfc6962.ts'
import { addVersion, uniqueKey, withFreshSql } from './helpers.ts'

const T = Date.parse('2026-12-01T10:00:00.000Z')

/** Appends `count` landings to the record, as the ledger's steps append rows, and chains them. */
function landings(sql: SqlStorage, count: number, from = 1): void {
  for (let seq = from; seq < from + count; seq++) {
    sql.exec('INSERT INTO landings (seq, at) VALUES (?, ?)', seq, new Date(T + seq).toISOString())
  }
  chainPending(sql)
}

function storedEntries(sql: SqlStorage): Uint8Array[] {
  return sql
    .exec<{ entry: ArrayBuffer }>('SELECT entry FROM log_leaves ORDER BY idx')
    .toArray()
    .map(({ entry }) => new Uint8Array(entry))
}

/**
 * The rows SQLite read for the statements `work` ran on `sql` and read back (an INSERT's own reads of its JSON list are
 * not counted), summed once `work` is done, whichever way each cursor was read.
 */
function rowsRead(sql: SqlStorage, work: (sql: SqlStorage) => unknown): number {
  const read = new Set<SqlStorageCursor<Record<string, SqlStorageValue>>>()
  const counting = new Proxy(sql, {
    get(target, property) {
      if (property !== 'exec') return Reflect.get(target, property, target)
      return (query: string, ...bindings: SqlStorageValue[]) => {
        const cursor = target.exec(query, ...bindings)
        return new Proxy(cursor, {
          get(inner, name) {
            if (name === 'toArray' || name === 'one' || name === 'raw' || name === Symbol.iterator) read.add(inner)
            const value = Reflect.get(inner, name, inner)
            return typeof value === 'function' ? value.bind(inner) : value
          },
        })
      }
    },
  })
  work(counting)
  return [...read].reduce((sum, cursor) => sum + cursor.rowsRead, 0)
}

function trailingOnes(n: number): number {
  let ones = 0
  for (let rest = n; rest % 2 === 1; rest = (rest - 1) / 2) ones++
  return ones
}

describe('log tree', () => {
  it("appends each row the transaction chained as a leaf, in chain order, its entry the row's public entry", async () => {
    const result = await withFreshSql(async (sql) => {
      const key = uniqueKey()
      const version = await addVersion(sql, key, 'Not medical advice.', { by: 'alice@example.org', note: 'mine' })
      sql.exec('INSERT INTO landings (seq, at) VALUES (?, ?)', version.version, new Date(T).toISOString())
      chainPending(sql)
      const appended = extendLog(sql)
      const row = sql.exec<ChainRow>('SELECT * FROM versions WHERE seq = ?', version.version).one()
      const secret = leafSecret(sql, 0)
      return {
        appended,
        size: treeSize(sql),
        entries: storedEntries(sql),
        row,
        key,
        check: secret && checkEntry(secret.entry, 'versions', row, secret.salt),
        head: treeHead(sql),
        leaves: [leafOf(sql, 'versions', version.version), leafOf(sql, 'landings', version.version)],
        again: extendLog(sql),
      }
    })

    expect(result.appended).toBe(2)
    expect(result.size).toBe(2)
    expect(result.again).toBe(0)
    expect(result.leaves).toEqual([0, 1])
    const [first, second] = result.entries.map((bytes) => parseEntry(bytes))
    expect(first).toEqual({
      ok: true,
      entry: { table: 'versions', row: publicColumns('versions', result.row), commitment: expect.any(String) },
    })
    expect(first?.ok && first.entry.row.text).toBe('Not medical advice.')
    expect(new TextDecoder().decode(result.entries[0])).not.toContain('alice@example.org')
    expect(second?.ok && second.entry).toMatchObject({
      table: 'landings',
      row: { seq: 1, at: new Date(T).toISOString() },
    })
    expect(result.check).toEqual({ ok: true })
    expect(result.head.root).toEqual(new Rfc6962(result.entries).mth(0, 2))
  })

  it('reads its left siblings and a fixed few rows per append, never a number that grows with the tree', async () => {
    const costs = await withFreshSql((sql) => {
      const costs: number[] = []
      for (let size = 0; size < 300; size++) {
        landings(sql, 1, size + 1)
        costs.push(rowsRead(sql, (counting) => extendLog(counting)))
      }
      return costs
    })

    // Besides the left siblings (one per trailing 1 bit of the size, each read by a range that may step one row past
    // its end): the tree's last leaf, the chain's link, and the row, read through a JSON list of its rowid (whose one
    // element SQLite counts as a row read as well).
    for (const [size, cost] of costs.entries()) {
      expect(cost, `append to ${size}`).toBeGreaterThanOrEqual(4 + trailingOnes(size))
      expect(cost, `append to ${size}`).toBeLessThanOrEqual(4 + 2 * trailingOnes(size))
    }
    expect([costs[0], costs[1], costs[127], costs[255]]).toEqual([4, 5, 17, 19])
  })

  it("gives inclusion and consistency proofs from its stored hashes that the log's verifiers accept", async () => {
    const { entries, inclusion, consistency, roots } = await withFreshSql((sql) => {
      landings(sql, 37)
      extendLog(sql)
      const store = sqlHashStore(sql)
      const sizes = Array.from({ length: 37 }, (_, i) => i + 1)
      return {
        entries: storedEntries(sql),
        roots: sizes.map((size) => treeRoot(store, size)),
        inclusion: sizes.map((size) => Array.from({ length: size }, (_, index) => inclusionProof(store, index, size))),
        consistency: sizes.map((to) => Array.from({ length: to }, (_, from) => consistencyProof(store, from + 1, to))),
      }
    })

    const reference = new Rfc6962(entries)
    for (const [at, root] of roots.entries()) expect(root, `root of ${at + 1}`).toEqual(reference.mth(0, at + 1))
    for (const [at, proofs] of inclusion.entries()) {
      const size = at + 1
      for (const [index, proof] of proofs.entries()) {
        expect(proof).toEqual(reference.path(index, size))
        const leaf = leafHash(entries[index] as Uint8Array)
        expect(verifyInclusion({ index, size, leafHash: leaf, proof, root: roots[at] as Uint8Array })).toEqual({
          ok: true,
        })
      }
    }
    for (const [at, proofs] of consistency.entries()) {
      for (const [from, proof] of proofs.entries()) {
        const [oldSize, newSize] = [from + 1, at + 1]
        expect(proof).toEqual(reference.proof(oldSize, newSize))
        const claim = { oldSize, newSize, proof, oldRoot: roots[from] as Uint8Array, newRoot: roots[at] as Uint8Array }
        expect(verifyConsistency(claim)).toEqual({ ok: true })
      }
    }
  })

  it('serves hash tiles and entry bundles as wide as the tree has them, and no wider', async () => {
    const result = await withFreshSql((sql) => {
      landings(sql, 300)
      extendLog(sql)
      return {
        entries: storedEntries(sql),
        full: hashTile(sql, { level: 0, index: 0, width: 256 }),
        partial: hashTile(sql, { level: 0, index: 1, width: 44 }),
        narrower: hashTile(sql, { level: 0, index: 1, width: 3 }),
        tooWide: hashTile(sql, { level: 0, index: 1, width: 45 }),
        notYet: hashTile(sql, { level: 0, index: 2, width: 1 }),
        upper: hashTile(sql, { level: 1, index: 0, width: 1 }),
        upperTooWide: hashTile(sql, { level: 1, index: 0, width: 2 }),
        bundle: entryBundle(sql, { index: 1, width: 44 }),
        bundleTooWide: entryBundle(sql, { index: 1, width: 45 }),
      }
    })

    const leaves = result.entries.map((entry) => leafHash(entry))
    const concat = (hashes: Uint8Array[]) => Uint8Array.from(hashes.flatMap((hash) => [...hash]))
    expect(result.full).toEqual(concat(leaves.slice(0, 256)))
    expect(result.partial).toEqual(concat(leaves.slice(256, 300)))
    expect(result.narrower).toEqual(concat(leaves.slice(256, 259)))
    expect(result.upper).toEqual(new Rfc6962(result.entries).mth(0, 256))
    expect([result.tooWide, result.notYet, result.upperTooWide, result.bundleTooWide]).toEqual([null, null, null, null])
    const bundle = parseBundle(result.bundle as Uint8Array)
    expect(bundle).toEqual({ ok: true, entries: result.entries.slice(256, 300) })
  })

  it('builds the tree over a record chained before it, a bounded step at a time, then keeps up in each transaction', async () => {
    const result = await withFreshSql((sql, state) => {
      // The record as migration 10 finds it: 1,200 rows chained, no log yet (and nothing of the migrations after it).
      sql.exec('DELETE FROM schema_migrations WHERE version >= 10')
      const later = ['page_contents', 'page_servings', 'review_reminders']
      for (const table of [
        'log_hashes',
        'log_leaves',
        'log_checkpoints',
        'log_cosignatures',
        'witness_jobs',
        ...later,
      ]) {
        sql.exec(`DROP TABLE ${table}`)
      }
      sql.exec('DROP INDEX decisions_by_decision')
      landings(sql, 1200)
      migrate(sql, { transact: (work) => state.storage.transactionSync(work) })
      const waiting = sql.exec('SELECT name, done_at FROM backfills WHERE name = ?', LOG_BACKLOG).toArray()
      landings(sql, 1, 1201)
      const duringBackfill = extendLog(sql)
      const sizes: number[] = []
      for (let step = 0; step < 10; step++) {
        const did = backfillStep(sql, T, 500)
        if (!did) break
        sizes.push(treeSize(sql))
      }
      landings(sql, 1, 1202)
      const afterBackfill = extendLog(sql)
      const chain = sql.exec<{ pos: number; row_id: number }>('SELECT pos, row_id FROM chain ORDER BY pos').toArray()
      return { waiting, duringBackfill, sizes, afterBackfill, chain, entries: storedEntries(sql), head: treeHead(sql) }
    })

    expect(result.waiting).toEqual([{ name: LOG_BACKLOG, done_at: null }])
    expect(result.duringBackfill).toBe(0)
    expect(result.sizes).toEqual([500, 1000, 1201])
    expect(result.afterBackfill).toBe(1)
    expect(result.head.size).toBe(1202)
    expect(result.chain).toHaveLength(1202)
    for (const [index, entry] of result.entries.entries()) {
      const parsed = parseEntry(entry)
      expect(parsed.ok && parsed.entry.row.seq).toBe(result.chain[index]?.row_id)
    }
    expect(result.head.root).toEqual(new Rfc6962(result.entries).mth(0, 1202))
  })

  it('refuses to append past a gap in the chain rather than shift every later leaf', async () => {
    const problem = await withFreshSql((sql) => {
      landings(sql, 2)
      sql.exec("INSERT INTO chain (pos, kind, row_id, hash) VALUES (5, 'landings', 99, 'none')")
      try {
        appendChained(sql)
        return 'appended'
      } catch (error) {
        return (error as Error).message
      }
    })

    expect(problem).toBe("the chain skips from position 2 to 5; the log's leaf 2 would have no row")
  })
})
