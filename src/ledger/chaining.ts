// The ledger's side of the hash chain (src/core/chain.ts): chaining what the record's triggers queued, in the
// transaction that appended it, and reading the chain back for exports, pages and messages.
import { type ChainEntry, type ChainRow, type Checkpoint, chainHash, GENESIS } from '../core/chain.ts'
import { CHAIN_BACKLOG } from './migrations.ts'
import { pageOf, pageSize } from './queries.ts'
import { allRows } from './rows.ts'

/** The last row of the chain: what a message quotes and an export ends with. */
export function head(sql: SqlStorage): Checkpoint | null {
  return sql.exec<Checkpoint>('SELECT pos, hash FROM chain ORDER BY pos DESC LIMIT 1').toArray()[0] ?? null
}

/** Where a row stands in the chain, once chained. */
export function checkpointOf(sql: SqlStorage, table: string, rowId: number): Checkpoint | null {
  return (
    sql.exec<Checkpoint>('SELECT pos, hash FROM chain WHERE kind = ? AND row_id = ?', table, rowId).toArray()[0] ?? null
  )
}

type Link = { kind: string; row_id: number }

/** The rows `links` name, by table and rowid: one statement a table, however many rows. */
export function rowsLinked(sql: SqlStorage, links: readonly Link[]): Map<string, Map<number, ChainRow>> {
  const byTable = Map.groupBy(links, (link) => link.kind)
  // Each table name comes from the chain or its queue, which only the schema's triggers write; never a client's.
  return new Map(
    [...byTable].map(([table, rows]) => [
      table,
      rowsOf(
        sql,
        table,
        rows.map((link) => link.row_id),
      ),
    ]),
  )
}

/** Runs `statement` (which reads `json_each(?)`) over `rows` a bounded chunk at a time, each chunk one bound JSON array. */
export function insertEach(sql: SqlStorage, statement: string, rows: readonly unknown[][], chunk = 1_000): void {
  for (let at = 0; at < rows.length; at += chunk) sql.exec(statement, JSON.stringify(rows.slice(at, at + chunk)))
}

/**
 * Chains the queued rows in order, each once: a row already chained (a step run again) is skipped. The rows, the
 * ones already chained and the new links are each read or written with a statement per bounded chunk, not per row.
 */
function chainRows(sql: SqlStorage, queued: readonly Link[]): void {
  let previous = head(sql)?.hash ?? GENESIS
  const seen = new Set<string>()
  for (let at = 0; at < queued.length; at += 1_000) {
    const pairs = queued.slice(at, at + 1_000).map(({ kind, row_id }) => [kind, row_id])
    const chained = sql.exec<Link>(
      'SELECT c.kind, c.row_id FROM json_each(?) j JOIN chain c ON c.kind = j.value ->> 0 AND c.row_id = j.value ->> 1',
      JSON.stringify(pairs),
    )
    for (const { kind, row_id } of chained) seen.add(`${kind}/${row_id}`)
  }
  const fresh = queued.filter(({ kind, row_id }) => {
    const name = `${kind}/${row_id}`
    if (seen.has(name)) return false
    seen.add(name)
    return true
  })
  const rows = rowsLinked(sql, fresh)
  const links = fresh.map(({ kind, row_id }) => {
    previous = chainHash(previous, kind, rows.get(kind)?.get(row_id) as ChainRow)
    return [kind, row_id, previous]
  })
  insertEach(
    sql,
    'INSERT INTO chain (kind, row_id, hash) SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?) ORDER BY key',
    links,
  )
}

type Queued = { id: number; kind: string; row_id: number }

/**
 * The last queue entry of the backlog a backfill is still chaining (rows from before migration 5); 0 when there is
 * none. Entries after it were queued by the steps that appended their rows.
 */
export function backlogEnd(sql: SqlStorage): number {
  const row = sql
    .exec<{ cursor: string }>('SELECT cursor FROM backfills WHERE name = ? AND done_at IS NULL', CHAIN_BACKLOG)
    .toArray()[0]
  return row ? Number(row.cursor) : 0
}

/**
 * Chains every row queued by the steps that appended them, in the order they were appended, and takes them off the
 * queue. Run at the end of every transaction that appends: a row already chained is skipped, so it is safe to run
 * again. A backlog still being chained by its backfill is left to it: the rows appended meanwhile are chained at
 * once, ahead of it, so every step's rows carry their chain hash when it ends.
 */
export function chainPending(sql: SqlStorage): void {
  const after = backlogEnd(sql)
  const queued = sql.exec<Queued>('SELECT * FROM chain_queue WHERE id > ? ORDER BY id', after).toArray()
  if (queued.length === 0) return
  chainRows(sql, queued)
  sql.exec('DELETE FROM chain_queue WHERE id > ?', after)
}

/** Chains at most `limit` rows of the backlog (queue entries up to `end`), oldest first; answers how many it took. */
export function chainBacklog(sql: SqlStorage, end: number, limit: number): number {
  const queued = sql.exec<Queued>('SELECT * FROM chain_queue WHERE id <= ? ORDER BY id LIMIT ?', end, limit).toArray()
  const last = queued.at(-1)
  if (!last) return 0
  chainRows(sql, queued)
  sql.exec('DELETE FROM chain_queue WHERE id <= ?', last.id)
  return queued.length
}

/**
 * The rows of `table` with these rowids (each once), by rowid: one statement for a page's rows of a table, the ids
 * bound as one JSON array, rather than a statement per row.
 */
function rowsOf(sql: SqlStorage, table: string, rowIds: number[]): Map<number, ChainRow> {
  const ids = [...new Set(rowIds)].sort((a, b) => a - b)
  // `table` comes from the chain, which only the ledger writes; it is never a client's string.
  const rows = allRows(
    sql.exec<ChainRow>(
      `SELECT t.* FROM json_each(?) j CROSS JOIN ${table} t ON t.rowid = j.value`,
      JSON.stringify(ids),
    ),
  )
  // CROSS JOIN keeps the list as the outer loop, so rows come in the ids' order; the record is append-only and every
  // chained row is there, so there is one row per id.
  if (rows.length !== ids.length) {
    throw new Error(`the chain names ${ids.length} row(s) of ${table}, and ${rows.length} were found`)
  }
  return new Map(ids.map((id, index) => [id, rows[index] as ChainRow]))
}

/** The record as an export holds it: rows after position `after`, in chain order, each with its chain hash. */
export function exportPage(sql: SqlStorage, { after = 0, limit }: { after?: number; limit?: number } = {}) {
  const size = pageSize(limit, 500, 1000)
  const links = allRows(
    sql.exec<{ pos: number; kind: string; row_id: number; hash: string }>(
      'SELECT * FROM chain WHERE pos > ? ORDER BY pos LIMIT ?',
      after,
      size + 1,
    ),
  )
  const { page, next } = pageOf(links, size, (link) => link.pos)
  const found = rowsLinked(sql, page)
  const rows: ChainEntry[] = page.map((link) => ({
    pos: link.pos,
    table: link.kind,
    row: found.get(link.kind)?.get(link.row_id) as ChainRow,
    hash: link.hash,
  }))
  return { rows, next, head: head(sql) }
}
