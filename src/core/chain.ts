// The hash chain over the ledger's record, its export and their check: the one definition the Durable Object
// appends with and `npm run disclaimer -- verify` recomputes offline, with no network and no wrangler.
//
// Row n's chain hash is SHA-256 over the previous row's chain hash (32 bytes; 32 zero bytes before the first row)
// followed by the UTF-8 of the row's canonical JSON (RFC 8785, JSON Canonicalization Scheme):
// {"row": {<every column, as stored>}, "table": "<table>"}. A column is a string, a finite number or null, nothing
// else. A string that is not well-formed UTF-16 (which RFC 8785 cannot carry) is written as {"utf16": [<code
// units>]}: since no column can hold an object, those bytes stand for that string and nothing else.
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
  'reviews',
  'page_contents',
  'page_servings',
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

/** The last line of an export: the head when it was made, and how many rows came before it. */
export interface ExportEnd {
  head: string | null
  rows: number
  exportedAt: string
}

/** A column's name: an SQL identifier, never a number (a JSON object would order that before RFC 8785 does). */
const COLUMN = /^[A-Za-z_][A-Za-z0-9_]*$/
const HASH = /^[0-9a-f]{64}$/
const EXPORTED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'number') return `the number ${value}`
  return typeof value === 'undefined' ? 'nothing' : `a ${typeof value}`
}

/** Why a column is outside what the chain encodes, or undefined. */
function columnProblem(name: string, value: unknown): string | undefined {
  if (!COLUMN.test(name)) return `the column ${JSON.stringify(name)} is not a column name (letters, digits and _)`
  if (value === null || typeof value === 'string' || Number.isFinite(value)) return
  return `the column ${name} holds ${kindOf(value)}; a column holds a string, a finite number or null`
}

function faithful(value: ChainValue): unknown {
  return typeof value === 'string' && !value.isWellFormed()
    ? { utf16: Array.from({ length: value.length }, (_, index) => value.charCodeAt(index)) }
    : value
}

/**
 * The row as the chain hashes it: RFC 8785 canonical JSON of its table and its columns. Throws for a column that is
 * not a string, a finite number or null, so no two different rows can give the same bytes.
 */
export function canonicalRow(table: string, row: ChainRow): string {
  const columns = Object.entries(row).map(([name, value]) => {
    const problem = columnProblem(name, value)
    if (problem) throw new TypeError(problem)
    return [name, faithful(value)]
  })
  return canonicalize({ table, row: Object.fromEntries(columns) }) as string
}

/** One step of the chain: SHA-256 over the previous hash's 32 bytes followed by the UTF-8 of `body`, in hex. */
export type ChainStep = (previous: string, body: string) => string

/** The step in plain JavaScript, as the ledger runs it; `verify` on Node passes Node's own SHA-256, which is faster. */
export const chainStep: ChainStep = (previous, body) =>
  bytesToHex(sha256.create().update(hexToBytes(previous)).update(utf8ToBytes(body)).digest())

/** The chain hash of a row that follows `previous` (64 hex digits). */
export function chainHash(previous: string, table: string, row: ChainRow, step: ChainStep = chainStep): string {
  return step(previous, canonicalRow(table, row))
}

/** A row's columns as an export line writes them: RFC 8785's order, JSON's escapes (a lone surrogate as `\ud800`). */
function rowJson(row: ChainRow): string {
  const names = Object.keys(row).sort()
  for (const name of names) {
    const problem = columnProblem(name, row[name])
    if (problem) throw new TypeError(problem)
  }
  return `{${names.map((name) => `${JSON.stringify(name)}:${JSON.stringify(row[name])}`).join(',')}}`
}

/**
 * A line of an export, in the one form `verify` accepts: `{"pos","table","row","hash"}` with the row's columns in
 * RFC 8785 order, or the end line `{"head","rows","exportedAt"}`.
 */
export function exportLine(entry: ChainEntry | ExportEnd): string {
  if ('head' in entry) {
    return `${JSON.stringify({ head: entry.head, rows: entry.rows, exportedAt: entry.exportedAt })}\n`
  }
  const { pos, table, row, hash } = entry
  return `{"pos":${pos},"table":${JSON.stringify(table)},"row":${rowJson(row)},"hash":${JSON.stringify(hash)}}\n`
}

/** One page of the record as the ledger serves it (`exportPage`, `GET /admin/export`). */
export interface ExportPage {
  rows: ChainEntry[]
  next: number | null
  head: { hash: string } | null
}

/** A page of an export as the bytes it writes: its rows' lines, the last position on it, where the next page starts. */
export interface ExportText {
  lines: string
  last: number | null
  next: number | null
  head: { hash: string } | null
}

/**
 * A page's lines, written where the page is read: the ledger sends the Worker this one string rather than a thousand
 * rows to copy across and encode again.
 */
export function exportText({ rows, next, head }: ExportPage): ExportText {
  return { lines: rows.map(exportLine).join(''), last: rows.at(-1)?.pos ?? null, next, head }
}

/**
 * An export a page at a time, read with `textAfter` (the rows after a position): every row's line in chain order, and
 * with the last page the end line (the head that page named, and how many rows came before it). A page that fails
 * ends it with that error and no end line, so what was written cannot pass for a whole export.
 */
async function* exportChunks(textAfter: (after: number) => Promise<ExportText>): AsyncGenerator<string> {
  let after = 0
  for (;;) {
    const { lines, last, next, head } = await textAfter(after)
    after = last ?? after
    if (next === null) {
      yield `${lines}${exportLine({ head: head?.hash ?? null, rows: after, exportedAt: new Date().toISOString() })}`
      return
    }
    yield lines
  }
}

/** An export's lines, one at a time, read page by page with `pageAfter` as exportChunks reads them. */
export async function* exportLines(pageAfter: (after: number) => Promise<ExportPage>): AsyncGenerator<string> {
  for await (const chunk of exportChunks(async (after) => exportText(await pageAfter(after)))) {
    yield* chunk.match(/[^\n]*\n/g) ?? []
  }
}

/**
 * An export as bytes, for a download: one chunk per page the ledger writes (`exportText`), never one per line (each
 * chunk costs its own write and read, which line-sized chunks pay a thousand times a page). A page that fails errors
 * the stream rather than ending it, so the connection is cut without its last chunk and a browser reports the
 * download as failed; and what arrived has no end line, so `verify` reports it incomplete.
 */
export function exportStream(textAfter: (after: number) => Promise<ExportText>): ReadableStream<Uint8Array> {
  const chunks = exportChunks(textAfter)
  const encoder = new TextEncoder()
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const chunk = await chunks.next()
        if (chunk.done) controller.close()
        else controller.enqueue(encoder.encode(chunk.value))
      },
    },
    // Nothing is read ahead of what the response has taken: a download cut short reads no page it did not send.
    { highWaterMark: 0 },
  )
}

export type Verdict =
  | { ok: true; rows: number; head: string; headFound?: number }
  | { ok: false; rows: number; problem: string; pos?: number }

export interface VerifyOptions {
  /** A chain hash remembered from earlier (an email's checkpoint) that must be one of the rows. */
  head?: string
  /** How each step is hashed; the same SHA-256 whichever is given. */
  step?: ChainStep
  /** The longest line read, MAX_LINE_CHARS unless given. */
  maxLineChars?: number
  /**
   * The row a piece of an export goes on from, for a checker that reads the rest on another thread: its rows must
   * follow this position and hash. Lines are then counted from the piece's first.
   */
  from?: Checkpoint
}

/** The longest line read: a row holds at most one KV value (25 MiB) however escaped, so memory stays bounded by it. */
export const MAX_LINE_CHARS = 2 ** 28

type Json = Record<string, unknown>

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Where a line first differs from the form an export writes, with a little of each, for the person reading. */
function difference(line: string, canonical: string): string {
  let index = 0
  while (index < line.length && line[index] === canonical[index]) index++
  return `from character ${index + 1} it reads ${JSON.stringify(line.slice(index, index + 24))} where an export writes ${JSON.stringify(canonical.slice(index, index + 24))}`
}

function rowName(pos: number, table: string, row: Json): string {
  const id = row.seq ?? row.id ?? row.proposal_id ?? row.schedule_id
  return `row ${pos} (${table}${id === undefined || id === null ? '' : ` ${id}`})`
}

/**
 * Checks an export as it is read, in pieces cut anywhere: every line must be exactly the bytes the ledger writes for
 * what it states (re-encoded and compared), every row must stand at the next position and carry the hash its content
 * and the row before it give, and the export must end with its end line naming the head the rows lead to. `head`, a
 * chain hash remembered from earlier (an email's checkpoint), must be one of the rows: then nothing up to it was
 * rewritten since it was sent. Stops at the first line that does not hold, naming it.
 */
export function exportChecker({ head, step = chainStep, maxLineChars = MAX_LINE_CHARS, from }: VerifyOptions = {}) {
  const wanted = head?.toLowerCase()
  let previous = from ? from.hash : GENESIS
  let rows = from ? from.pos : 0
  let lines = 0
  let ended = false
  let headFound: number | undefined
  let partial = ''
  let failed: Verdict | undefined

  const fail = (problem: string, pos?: number): Verdict => {
    failed = { ok: false, rows, problem, ...(pos === undefined ? {} : { pos }) }
    return failed
  }

  function endLine(value: Json, text: string, at: string): Verdict | undefined {
    const { head: named, rows: count, exportedAt } = value
    if (
      !(named === null || (typeof named === 'string' && HASH.test(named))) ||
      !(Number.isSafeInteger(count) && (count as number) >= 0) ||
      !(typeof exportedAt === 'string' && EXPORTED_AT.test(exportedAt))
    ) {
      return fail(`${at} is not an export's end line ({"head", "rows", "exportedAt"})`)
    }
    const canonical = exportLine({ head: named, rows: count as number, exportedAt }).slice(0, -1)
    if (canonical !== text)
      return fail(`${at}, the end line, is not written as an export writes it: ${difference(text, canonical)}`)
    const leadsTo = rows === 0 ? null : previous
    if (count !== rows) {
      return fail(
        `the end line says ${count} row(s); the export holds ${rows}: rows were removed from the end, or added`,
      )
    }
    if (named !== leadsTo) {
      return fail(
        `the end line names the head ${named}, but its ${rows} row(s) lead to ${leadsTo}: the end line or the rows were changed`,
      )
    }
    ended = true
    return undefined
  }

  function rowLine(value: Json, text: string, at: string): Verdict | undefined {
    const expected = rows + 1
    const { pos, table, row, hash } = value
    if (typeof pos !== 'number' || typeof table !== 'string' || typeof hash !== 'string' || !isObject(row)) {
      return fail(`${at} is not a row of an export (pos, table, row, hash)`, expected)
    }
    // One pass over the columns: each is one the chain encodes, in RFC 8785's order, and whether one holds a lone
    // surrogate (the hashed bytes are then not the line's).
    let wellFormed = table.isWellFormed()
    let last = ''
    for (const name in row) {
      const column = row[name]
      const problem = columnProblem(name, column)
      if (problem) return fail(`${at}: ${problem}`, expected)
      if (name <= last) {
        return fail(
          `${at} is not written as an export writes it: its column ${name} comes after ${last}, and an export writes them in RFC 8785's order`,
          expected,
        )
      }
      last = name
      if (typeof column === 'string' && !column.isWellFormed()) wellFormed = false
    }
    // Re-encoded from what the line states: a field repeated (JSON.parse keeps the last), added, dropped or moved,
    // other spacing or escapes all give other bytes.
    const canonical = JSON.stringify({ pos, table, row, hash })
    if (canonical !== text) {
      return fail(
        `${at} is not written as an export writes it (${difference(text, canonical)}): a field was repeated, added, dropped or moved, or the spacing or escaping changed, and an export is checked byte for byte`,
        expected,
      )
    }
    if (pos !== expected) {
      return fail(
        `${rowName(expected, table, row)} is numbered ${pos}: a row is missing, added or out of order`,
        expected,
      )
    }
    let body: string
    if (wellFormed) {
      // The line is `{"pos":…,"table":…,"row":<the row's canonical JSON>,"hash":…}`: the hashed bytes are in it.
      const tableJson = JSON.stringify(table)
      const start = `{"pos":${pos},"table":${tableJson},"row":`.length
      body = `{"row":${text.slice(start, text.length - `,"hash":${JSON.stringify(hash)}}`.length)},"table":${tableJson}}`
    } else {
      try {
        body = canonicalRow(table, row as ChainRow)
      } catch (error) {
        return fail(`${rowName(expected, table, row)} cannot be read: ${(error as Error).message}`, expected)
      }
    }
    const computed = step(previous, body)
    if (computed !== hash) {
      return fail(
        `${rowName(expected, table, row)} does not match its chain hash: its content or a row before it was changed (computed ${computed}, the export says ${hash})`,
        expected,
      )
    }
    previous = computed
    rows = expected
    if (computed === wanted) headFound = expected
    return undefined
  }

  function line(text: string): Verdict | undefined {
    lines++
    const at = `line ${lines}`
    if (ended) return fail(`${at} comes after the export's end line`)
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      if (text === '') return fail(`${at} is empty: an export has no blank lines`, rows + 1)
      if (text.startsWith('\uFEFF')) {
        return fail(
          `${at} starts with a byte order mark, which an export never has: the file was saved again by an editor`,
          rows + 1,
        )
      }
      return fail(`${at} is not JSON`, rows + 1)
    }
    if (!isObject(value)) return fail(`${at} is not a row of an export (pos, table, row, hash)`, rows + 1)
    return 'head' in value ? endLine(value, text, at) : rowLine(value, text, at)
  }

  return {
    /** Reads the next piece of the export; returns the verdict as soon as a line does not hold. */
    write(chunk: string): Verdict | undefined {
      if (failed) return failed
      let start = 0
      for (let newline = chunk.indexOf('\n'); newline !== -1; newline = chunk.indexOf('\n', start)) {
        const text = partial + chunk.slice(start, newline)
        partial = ''
        start = newline + 1
        const verdict = line(text)
        if (verdict) return verdict
      }
      partial += chunk.slice(start)
      if (partial.length > maxLineChars) {
        return fail(`line ${lines + 1} is longer than ${maxLineChars} characters: it is not a line of an export`)
      }
      return undefined
    },
    /** Where the check stands: the rows that held, the hash they lead to, the head found, and whether it ended. */
    progress(): { rows: number; head: string; headFound?: number; ended: boolean } {
      return { rows, head: previous, ended, ...(headFound === undefined ? {} : { headFound }) }
    },
    /** The verdict on the whole export, once all of it was read. */
    end(): Verdict {
      if (failed) return failed
      if (partial !== '') {
        return fail(
          `the file ends inside line ${lines + 1} (no newline after it): the export was cut off or edited; export it again`,
        )
      }
      if (!ended) {
        return fail(
          lines === 0
            ? 'the file is empty: an export holds at least its end line; export it again'
            : `the export stops after row ${rows} without its end line: it is incomplete (cut off while it was written or downloaded); export it again`,
        )
      }
      if (wanted !== undefined && headFound === undefined) {
        return fail(
          `the head ${head} is not a row of this export: the record was rewritten since it, or the export is of another ledger`,
        )
      }
      return { ok: true, rows, head: previous, ...(headFound === undefined ? {} : { headFound }) }
    },
  }
}

/** Checks a whole export held in memory. */
export function verifyExport(text: string, options: VerifyOptions = {}): Verdict {
  const checker = exportChecker(options)
  return checker.write(text) ?? checker.end()
}

/** Checks an export as it is read, piece by piece: memory stays bounded by its longest line, never its length. */
export async function verifyExportStream(pieces: AsyncIterable<string>, options: VerifyOptions = {}): Promise<Verdict> {
  const checker = exportChecker(options)
  for await (const piece of pieces) {
    const failed = checker.write(piece)
    if (failed) return failed
  }
  return checker.end()
}
