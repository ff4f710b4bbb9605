// The hash chain over the ledger's record, and its check: the one definition the Durable Object appends with and
// `npm run disclaimer -- verify` recomputes offline, with no network and no wrangler.
//
// Row n's chain hash is SHA-256 over the previous row's chain hash (32 bytes; 32 zero bytes before the first row)
// followed by the UTF-8 of the row's canonical JSON (RFC 8785, JSON Canonicalization Scheme):
// {"row": {<every column, as stored>}, "table": "<table>"}. Strings that are not well-formed UTF-16 (which JSON
// cannot carry faithfully) are written as {"utf16": [<code units>]}, so no stored row can make hashing fail.
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js'
import canonicalize from 'canonicalize'

/** Stands before the first row. */
export const GENESIS = '0'.repeat(64)

/** The tables whose rows are chained: everything the ledger appends to its record. */
export const CHAINED_TABLES = [
  'versions',
  'landings',
  'proposals',
  'decisions',
  'imports',
  'events',
  'schedules',
  'schedule_outcomes',
] as const

export type ChainedTable = (typeof CHAINED_TABLES)[number]
export type ChainValue = string | number | null
export type ChainRow = Record<string, ChainValue>

/** A row of the chain and its hash: where the chain stood once something was recorded (a message quotes it). */
export type Checkpoint = {
  pos: number
  hash: string
}

/** One line of an export: a row as stored, where it stands in the chain, and its chain hash. */
export interface ChainEntry {
  pos: number
  table: string
  row: ChainRow
  hash: string
}

function faithful(value: ChainValue): unknown {
  return typeof value === 'string' && !value.isWellFormed()
    ? { utf16: Array.from({ length: value.length }, (_, index) => value.charCodeAt(index)) }
    : value
}

/** The row as the chain hashes it: RFC 8785 canonical JSON of its table and its columns. */
export function canonicalRow(table: string, row: ChainRow): string {
  const columns = Object.fromEntries(Object.entries(row).map(([name, value]) => [name, faithful(value)]))
  return canonicalize({ table, row: columns }) as string
}

/** The chain hash of a row that follows `previous` (64 hex digits). */
export function chainHash(previous: string, table: string, row: ChainRow): string {
  const before = hexToBytes(previous)
  const body = utf8ToBytes(canonicalRow(table, row))
  const input = new Uint8Array(before.length + body.length)
  input.set(before)
  input.set(body, before.length)
  return bytesToHex(sha256(input))
}

export type Verdict =
  | { ok: true; rows: number; head: string; headFound?: number }
  | { ok: false; rows: number; problem: string; pos?: number }

/**
 * Recomputes the chain of an export, row by row, in order: every row must stand at the next position and carry the
 * hash its content and the row before it give. `head`, a chain hash remembered from earlier (an email's
 * checkpoint), must be one of the rows: then nothing up to it was rewritten since it was sent. Stops at the first
 * row that does not hold, naming it.
 */
export function verifyChain(entries: Iterable<ChainEntry>, { head }: { head?: string } = {}): Verdict {
  let previous = GENESIS
  let rows = 0
  let headFound: number | undefined
  for (const entry of entries) {
    const expected = rows + 1
    const where = `row ${expected}${entry.table ? ` (${entry.table}${rowId(entry)})` : ''}`
    if (entry.pos !== expected) {
      return {
        ok: false,
        rows,
        pos: expected,
        problem: `${where} is numbered ${entry.pos}: a row is missing, added or out of order`,
      }
    }
    let computed: string
    try {
      computed = chainHash(previous, entry.table, entry.row)
    } catch (error) {
      return { ok: false, rows, pos: expected, problem: `${where} cannot be read: ${(error as Error).message}` }
    }
    if (computed !== entry.hash) {
      return {
        ok: false,
        rows,
        pos: expected,
        problem: `${where} does not match its chain hash: its content or a row before it was changed (computed ${computed}, the export says ${entry.hash})`,
      }
    }
    previous = computed
    rows = expected
    if (head !== undefined && computed === head.toLowerCase()) headFound = expected
  }
  if (head !== undefined && headFound === undefined) {
    return {
      ok: false,
      rows,
      problem: `the head ${head} is not a row of this export: the record was rewritten since it, or the export is of another ledger`,
    }
  }
  return { ok: true, rows, head: previous, ...(headFound === undefined ? {} : { headFound }) }
}

function rowId(entry: ChainEntry): string {
  const id = entry.row.seq ?? entry.row.id ?? entry.row.proposal_id ?? entry.row.schedule_id
  return id === undefined || id === null ? '' : ` ${id}`
}

/** The last line of an export: the head when it was made, and how many rows came before it. */
export interface ExportEnd {
  head: string | null
  rows: number
  exportedAt: string
}

/** An export as JSON Lines: one row per line in chain order, then the end line. */
export function exportLine(entry: ChainEntry | ExportEnd): string {
  return `${JSON.stringify(entry)}\n`
}

/** One page of the record as the ledger serves it (`exportPage`, `GET /admin/export`). */
export interface ExportPage {
  rows: ChainEntry[]
  next: number | null
  head: { hash: string } | null
}

/**
 * An export's lines, read page by page with `pageAfter` (the rows after a position): every row in chain order, then
 * the end line with the head the last page named and how many rows came before it.
 */
export async function* exportLines(pageAfter: (after: number) => Promise<ExportPage>): AsyncGenerator<string> {
  let after = 0
  for (;;) {
    const { rows, next, head } = await pageAfter(after)
    for (const row of rows) yield exportLine(row)
    after = rows.at(-1)?.pos ?? after
    if (next === null) {
      yield exportLine({ head: head?.hash ?? null, rows: after, exportedAt: new Date().toISOString() })
      return
    }
  }
}

export type ParsedExport = { ok: true; entries: ChainEntry[]; end: ExportEnd | null } | { ok: false; problem: string }

/** Reads an export's lines; a line that is not a row or the end line is named by its number. */
export function parseExport(text: string): ParsedExport {
  const entries: ChainEntry[] = []
  let end: ExportEnd | null = null
  const lines = text.split('\n')
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch {
      return { ok: false, problem: `line ${index + 1} is not JSON` }
    }
    const candidate = value as Partial<ChainEntry & ExportEnd>
    if (end !== null) return { ok: false, problem: `line ${index + 1} comes after the export's end line` }
    if ('head' in candidate && typeof candidate.rows === 'number') {
      end = candidate as ExportEnd
      continue
    }
    if (
      typeof candidate.pos !== 'number' ||
      typeof candidate.table !== 'string' ||
      typeof candidate.hash !== 'string' ||
      typeof candidate.row !== 'object' ||
      candidate.row === null
    ) {
      return { ok: false, problem: `line ${index + 1} is not a row of an export (pos, table, row, hash)` }
    }
    entries.push(candidate as ChainEntry)
  }
  return { ok: true, entries, end }
}

/** Checks a whole export: its chain, and that its end line names the head the chain leads to. */
export function verifyExport(text: string, options: { head?: string } = {}): Verdict {
  const parsed = parseExport(text)
  if (!parsed.ok) return { ok: false, rows: 0, problem: parsed.problem }
  const verdict = verifyChain(parsed.entries, options)
  if (!verdict.ok || !parsed.end) return verdict
  if (parsed.end.rows !== verdict.rows || (parsed.end.head ?? GENESIS) !== (verdict.rows ? verdict.head : GENESIS)) {
    return {
      ok: false,
      rows: verdict.rows,
      problem: `the end line says ${parsed.end.rows} rows ending at ${parsed.end.head}; the rows lead to ${verdict.rows} ending at ${verdict.head}: rows were removed from the end, or added`,
    }
  }
  return verdict
}
