// The transparency log's Merkle tree over the record (src/core/log/): leaf i is the row at chain position i + 1, as
// its public entry (src/core/log/entry.ts), appended in the transaction that chained it at O(log n) reads and
// writes; the tree's hashes, each leaf's entry and salt kept in tables of their own; tiles and bundles read back.
import { bytesToHex } from '@noble/hashes/utils.js'
import type { ChainRow } from '../core/chain.ts'
import { encodeEntry, SALT_SIZE } from '../core/log/entry.ts'
import { leafHash, type TreeNode } from '../core/log/merkle.ts'
import { type Bundle, bundleBytes, TILE_WIDTH, type Tile, tileWidth } from '../core/log/tiles.ts'
import { appendLeaf, type HashStore, readTile, type StoredHash, treeRoot } from '../core/log/tree-store.ts'
import { insertEach, rowsLinked } from './chaining.ts'
import { LOG_BACKLOG } from './migrations.ts'

/**
 * The tree's hashes in `log_hashes`, keyed by (level, index): a run of one level is read with one range query, and a
 * batch is written as hex through one bound JSON array (SQLite's unhex); SQLite hands BLOBs back as ArrayBuffers.
 */
export function sqlHashStore(sql: SqlStorage): HashStore {
  return {
    read(nodes: readonly TreeNode[]) {
      const found = new Map<string, Uint8Array>()
      for (let at = 0; at < nodes.length; ) {
        const first = nodes[at] as TreeNode
        let end = at + 1
        while (
          end < nodes.length &&
          nodes[end]?.level === first.level &&
          nodes[end]?.index === first.index + end - at
        ) {
          end++
        }
        const last = first.index + (end - at - 1)
        const rows = sql.exec<{ idx: number; hash: ArrayBuffer }>(
          'SELECT idx, hash FROM log_hashes WHERE level = ? AND idx BETWEEN ? AND ?',
          first.level,
          first.index,
          last,
        )
        for (const row of rows) found.set(`${first.level}/${row.idx}`, new Uint8Array(row.hash))
        at = end
      }
      return nodes.map(({ level, index }) => found.get(`${level}/${index}`))
    },
    write(hashes: readonly StoredHash[]) {
      const rows = hashes.map(({ level, index, hash }) => [level, index, bytesToHex(hash)])
      insertEach(
        sql,
        'INSERT INTO log_hashes (level, idx, hash) SELECT value ->> 0, value ->> 1, unhex(value ->> 2) FROM json_each(?)',
        rows,
      )
    },
  }
}

/** How many leaves the tree holds: one row read. */
export function treeSize(sql: SqlStorage): number {
  const last = sql.exec<{ idx: number }>('SELECT idx FROM log_leaves ORDER BY idx DESC LIMIT 1').toArray()[0]
  return last ? last.idx + 1 : 0
}

/** The tree's size and root as they stand. */
export function treeHead(sql: SqlStorage): { size: number; root: Uint8Array } {
  const size = treeSize(sql)
  return { size, root: treeRoot(sqlHashStore(sql), size) }
}

/**
 * Appends the chained rows after the tree's last leaf, in chain order, at most `limit` of them: each one's entry and
 * a fresh salt, its leaf and the subtrees it completes. Answers how many it appended. Runs inside the caller's
 * transaction.
 */
export function appendChained(sql: SqlStorage, limit = Number.MAX_SAFE_INTEGER): number {
  let size = treeSize(sql)
  const links = sql
    .exec<{ pos: number; kind: string; row_id: number }>(
      'SELECT pos, kind, row_id FROM chain WHERE pos > ? ORDER BY pos LIMIT ?',
      size,
      limit,
    )
    .toArray()
  for (const [at, { pos }] of links.entries()) {
    if (pos !== size + at + 1) {
      const leaf = size + at
      throw new Error(`the chain skips from position ${leaf} to ${pos}; the log's leaf ${leaf} would have no row`)
    }
  }
  const rows = rowsLinked(sql, links)
  const store = batchStore(sqlHashStore(sql))
  const leaves: [number, string, string][] = []
  for (const { kind, row_id } of links) {
    const salt = crypto.getRandomValues(new Uint8Array(SALT_SIZE))
    const entry = encodeEntry(kind, rows.get(kind)?.get(row_id) as ChainRow, salt)
    leaves.push([size, bytesToHex(salt), bytesToHex(entry)])
    appendLeaf(store, size, leafHash(entry))
    size++
  }
  const leafStatement =
    'INSERT INTO log_leaves (idx, salt, entry) SELECT value ->> 0, unhex(value ->> 1), unhex(value ->> 2)'
  insertEach(sql, `${leafStatement} FROM json_each(?)`, leaves, 200)
  store.flush()
  return links.length
}

/**
 * A batch's view of the tree's hashes: what the batch wrote is read back from memory (a new leaf's left sibling
 * nearly always is), and everything it wrote is stored at the end, a statement per bounded chunk.
 */
function batchStore(stored: HashStore): HashStore & { flush(): void } {
  const written = new Map<string, StoredHash>()
  const nameOf = ({ level, index }: TreeNode) => `${level}/${index}`
  return {
    read(nodes) {
      const missing = nodes.filter((node) => !written.has(nameOf(node)))
      const found = missing.length > 0 ? stored.read(missing) : []
      const fromStore = new Map(missing.map((node, at) => [nameOf(node), found[at]]))
      return nodes.map((node) => written.get(nameOf(node))?.hash ?? fromStore.get(nameOf(node)))
    },
    write(hashes) {
      for (const hash of hashes) written.set(nameOf(hash), hash)
    },
    flush() {
      stored.write([...written.values()])
    },
  }
}

/** True while the backfill is still building the tree over rows chained before the log. */
export function logBackfillWaiting(sql: SqlStorage): boolean {
  return sql.exec('SELECT 1 FROM backfills WHERE name = ? AND done_at IS NULL', LOG_BACKLOG).toArray().length > 0
}

/**
 * Appends what the transaction chained: run at the end of every transaction, after chaining. While the backfill is
 * still building the tree it does nothing: the backfill reaches these rows in turn.
 */
export function extendLog(sql: SqlStorage): number {
  return logBackfillWaiting(sql) ? 0 : appendChained(sql)
}

/** One bounded step of the backfill: true once the tree has reached the chain's head. */
export function logBackfillStep(sql: SqlStorage, budget: number): boolean {
  return appendChained(sql, budget) < budget
}

/** A hash tile as the tree serves it now, or null when the tree does not have it at that width (yet). */
export function hashTile(sql: SqlStorage, tile: Tile): Uint8Array | null {
  const size = treeSize(sql)
  if (tile.width > tileWidth(tile.level, tile.index, size)) return null
  return readTile(sqlHashStore(sql), tile, size)
}

/** An entry bundle, or null when the tree does not have that many entries there (yet). */
export function entryBundle(sql: SqlStorage, { index, width }: Bundle): Uint8Array | null {
  if (width > tileWidth(0, index, treeSize(sql))) return null
  const first = index * TILE_WIDTH
  const entries = sql
    .exec<{ entry: ArrayBuffer }>(
      'SELECT entry FROM log_leaves WHERE idx BETWEEN ? AND ? ORDER BY idx',
      first,
      first + width - 1,
    )
    .toArray()
  return bundleBytes(entries.map(({ entry }) => new Uint8Array(entry)))
}

/**
 * The leaf a chained row is: its chain position less one, whether the tree holds it yet (it does once the backfill
 * is done) or not; null for a row not chained.
 */
export function leafOf(sql: SqlStorage, table: string, rowId: number): number | null {
  const link = sql
    .exec<{ pos: number }>('SELECT pos FROM chain WHERE kind = ? AND row_id = ?', table, rowId)
    .toArray()[0]
  return link ? link.pos - 1 : null
}

/** A leaf's entry and salt, for an editor's private check that it commits to the full row. */
export function leafSecret(sql: SqlStorage, index: number): { entry: Uint8Array; salt: Uint8Array } | null {
  const row = sql
    .exec<{ entry: ArrayBuffer; salt: ArrayBuffer }>('SELECT entry, salt FROM log_leaves WHERE idx = ?', index)
    .toArray()[0]
  return row ? { entry: new Uint8Array(row.entry), salt: new Uint8Array(row.salt) } : null
}
