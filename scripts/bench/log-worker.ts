// The site with a ledger whose public log the benchmark can grow in bulk and whose appends it can count
// (scripts/bench-log.ts): the Worker as deployed, plus paths only it has. The ledger object is the real one, on
// workerd's SQLite; growing writes each leaf's entry, every stored hash and the chain's positions directly, a batch a
// transaction, computing the hashes with the tree's own appendLeaf; an append is the ledger's own transaction.
import { LEDGER_NAME } from '../../src/core/ledger-address.ts'
import { toBase64 } from '../../src/core/log/encoding.ts'
import { leafHash, type TreeNode } from '../../src/core/log/merkle.ts'
import { appendLeaf, type HashStore, type StoredHash } from '../../src/core/log/tree-store.ts'
import { DisclaimerLedger as LedgerObject, default as Site } from '../../src/index.ts'
import { sqlHashStore, treeHead, treeSize } from '../../src/ledger/log-tree.ts'
import { benchEntry, LOG_BENCH_PATH, type LogBenchAction, type LogRows } from './log-bench.ts'
import { type Cursor, recordingSql } from './recording-sql.ts'

/** Rows per INSERT: three bound values each, under the 100 a statement may carry. */
const ROWS_PER_INSERT = 33
const CHAIN_HASH = '0'.repeat(64)
const SALT = new ArrayBuffer(32)

function blob(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer
}

function insertRows(sql: SqlStorage, into: string, rows: SqlStorageValue[][]): void {
  for (let at = 0; at < rows.length; at += ROWS_PER_INSERT) {
    const chunk = rows.slice(at, at + ROWS_PER_INSERT)
    const values = chunk.map((row) => `(${row.map(() => '?').join(', ')})`).join(', ')
    sql.exec(`INSERT INTO ${into} VALUES ${values}`, ...chunk.flat())
  }
}

/** Reads this batch's hashes from memory, older ones from SQLite; keeps every write for one bulk insert. */
function batchStore(sql: SqlStorage): HashStore & { written: StoredHash[] } {
  const stored = sqlHashStore(sql)
  const fresh = new Map<string, Uint8Array>()
  const written: StoredHash[] = []
  return {
    written,
    read(nodes: readonly TreeNode[]) {
      const found = nodes.map(({ level, index }) => fresh.get(`${level}/${index}`))
      const missing = nodes.filter((_, at) => found[at] === undefined)
      const older = missing.length > 0 ? stored.read(missing) : []
      let next = 0
      return found.map((hash) => hash ?? older[next++])
    },
    write(hashes: readonly StoredHash[]) {
      for (const hash of hashes) {
        fresh.set(`${hash.level}/${hash.index}`, hash.hash)
        written.push(hash)
      }
    },
  }
}

type Counted = { query: string; cursor: Cursor }

export class DisclaimerLedger extends LedgerObject {
  /**
   * Grows the log by `count` leaves after its last, in one transaction: a short entry and a salt per leaf, its leaf
   * hash and every subtree it completes (as appendLeaf computes them), and the chain position each leaf stands for.
   */
  benchGrow(count: number): { size: number; root: string } {
    const { sql } = this.ctx.storage
    this.ctx.storage.transactionSync(() => {
      const from = treeSize(sql)
      const store = batchStore(sql)
      const leaves: SqlStorageValue[][] = []
      for (let index = from; index < from + count; index++) {
        const entry = benchEntry(index)
        appendLeaf(store, index, leafHash(entry))
        leaves.push([index, SALT, blob(entry)])
      }
      insertRows(sql, 'log_leaves (idx, salt, entry)', leaves)
      insertRows(
        sql,
        'log_hashes (level, idx, hash)',
        store.written.map(({ level, index, hash }) => [level, index, blob(hash)]),
      )
      // The chain's positions the leaves stand for, so the ledger's next row is chained, and appended, after them.
      if (count === 0) return
      sql.exec(
        `WITH RECURSIVE n(pos) AS (SELECT ?1 UNION ALL SELECT pos + 1 FROM n WHERE pos < ?2)
         INSERT INTO chain (pos, kind, row_id, hash) SELECT pos, 'bench', pos, ?3 FROM n`,
        from + 1,
        from + count,
        CHAIN_HASH,
      )
    })
    const head = treeHead(sql)
    return { size: head.size, root: toBase64(head.root) }
  }

  /**
   * `count` appends, each the ledger's own transaction around one row (a landing): chained, then added to the tree.
   * Answers the rows they read and wrote, all and the tree's tables' alone, per append.
   */
  benchAppend(count: number): LogRows {
    const statements: Counted[] = []
    const real = this.ledger.sql
    this.ledger.sql = recordingSql(real, (query, cursor) => statements.push({ query, cursor }))
    try {
      const at = new Date().toISOString()
      const first = 1_000_000_000 + treeSize(real)
      for (let n = 0; n < count; n++) {
        this.ledger.transact(() => this.ledger.sql.exec('INSERT INTO landings (seq, at) VALUES (?, ?)', first + n, at))
      }
    } finally {
      this.ledger.sql = real
    }
    const sum = (pick: (counted: Counted) => boolean, rows: 'rowsRead' | 'rowsWritten') =>
      statements.filter(pick).reduce((total, counted) => total + counted.cursor[rows], 0) / count
    const tree = ({ query }: Counted) => /\blog_(hashes|leaves)\b/.test(query)
    return {
      read: sum(() => true, 'rowsRead'),
      written: sum(() => true, 'rowsWritten'),
      treeRead: sum(tree, 'rowsRead'),
      treeWritten: sum(tree, 'rowsWritten'),
      statements: statements.length / count,
      size: treeSize(real),
    }
  }

  /** The alarm, when the benchmark runs it: it signs the checkpoint verify-page opens. */
  benchAlarm(): Promise<void> {
    return super.alarm()
  }

  /** The runtime's own alarms do nothing here: the benchmark runs the alarm when it wants a checkpoint. */
  override async alarm(): Promise<void> {}
}

type BenchStub = DurableObjectStub<DisclaimerLedger>

async function bench(action: LogBenchAction, url: URL, ledger: BenchStub): Promise<unknown> {
  const count = Number(url.searchParams.get('count') ?? '0')
  switch (action) {
    case 'grow':
      return ledger.benchGrow(count)
    case 'append':
      return ledger.benchAppend(count)
    case 'alarm':
      return ledger.benchAlarm()
  }
}

export default class BenchSite extends Site {
  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url)
    if (!url.pathname.startsWith(`${LOG_BENCH_PATH}/`)) return super.fetch(request)
    const action = url.pathname.slice(LOG_BENCH_PATH.length + 1) as LogBenchAction
    const namespace = this.env.LEDGER as unknown as DurableObjectNamespace<DisclaimerLedger>
    const ledger = namespace.get(namespace.idFromName(url.searchParams.get('ledger') ?? LEDGER_NAME))
    return Response.json({ result: (await bench(action, url, ledger)) ?? null })
  }
}
