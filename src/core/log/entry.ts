// The log's leaf entry: one row of the ledger's record as the public may see it. RFC 8785 canonical JSON of
// {"commitment", "row", "table"}: `row` holds only the columns PUBLIC_COLUMNS names for its table, and `commitment`
// is SHA-256(salt || the row's chain encoding, every column) in hex, so the entry proves the full row without
// showing the rest. The salt (32 random bytes, kept by the ledger) lets an editor holding the private export check it.
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js'
import canonicalize from 'canonicalize'
import { type ChainRow, type ChainValue, canonicalRow } from '../chain.ts'
import { decodeUtf8, equalBytes } from './encoding.ts'

export const SALT_SIZE = 32
/** An entry bundle carries each entry behind a 16-bit length (C2SP tlog-tiles). */
export const MAX_ENTRY_BYTES = 0xffff

/**
 * The columns each table shows publicly, its id first; every other column, and every column of a table not named,
 * is only committed to. A version's `text` and `hash` are public only when the text passes the rule (`valid` = 1):
 * pages never showed one that fails it.
 */
export const PUBLIC_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  versions: ['seq', 'key', 'text', 'hash', 'at', 'how', 'proposal_id', 'rollback_of', 'valid', 'problem', 'import_id'],
  landings: ['seq', 'at'],
  proposals: ['id', 'key', 'base', 'at'],
  decisions: ['proposal_id', 'decision', 'at', 'published_seq'],
  imports: ['id', 'at', 'imported'],
  events: ['id', 'at', 'kind', 'key', 'version_seq', 'proposal_id'],
  schedules: ['id', 'key', 'base', 'at', 'effective_at', 'proposal_id'],
  schedule_outcomes: ['schedule_id', 'outcome', 'at', 'version_seq'],
  // A review is a public claim on the page it names (the reviewer's name and credentials are shown there).
  reviews: ['id', 'page', 'hash', 'name', 'credentials', 'at', 'due_at'],
  // A page's words are what the site serves to anyone.
  page_contents: ['id', 'page', 'hash', 'words', 'at', 'worker_version'],
  page_servings: ['id', 'page', 'hash', 'at', 'worker_version'],
}

const ONLY_WHEN_VALID = new Set(['text', 'hash'])

export interface LogEntry {
  table: string
  /** The public columns, as stored. */
  row: ChainRow
  /** SHA-256(salt || UTF-8 of canonicalRow(table, full row)), 64 lowercase hex digits. */
  commitment: string
}

/** The columns of `row` that `table` shows publicly, in PUBLIC_COLUMNS' order. */
export function publicColumns(table: string, row: ChainRow): ChainRow {
  const shown: ChainRow = {}
  for (const column of PUBLIC_COLUMNS[table] ?? []) {
    if (!(column in row)) continue
    if (table === 'versions' && ONLY_WHEN_VALID.has(column) && row.valid !== 1) continue
    shown[column] = row[column] as ChainValue
  }
  return shown
}

/** The commitment to the whole row: SHA-256 over the salt and the row's chain encoding (src/core/chain.ts). */
export function commitment(table: string, row: ChainRow, salt: Uint8Array): string {
  if (salt.length !== SALT_SIZE) throw new RangeError(`a commitment's salt is ${SALT_SIZE} bytes, not ${salt.length}`)
  return bytesToHex(
    sha256
      .create()
      .update(salt)
      .update(utf8ToBytes(canonicalRow(table, row)))
      .digest(),
  )
}

function faithful(value: ChainValue): unknown {
  return typeof value === 'string' && !value.isWellFormed()
    ? { utf16: Array.from({ length: value.length }, (_, index) => value.charCodeAt(index)) }
    : value
}

function entryJson({ table, row, commitment }: LogEntry): string {
  const columns = Object.fromEntries(Object.entries(row).map(([name, value]) => [name, faithful(value)]))
  return canonicalize({ commitment, row: columns, table }) as string
}

/**
 * The entry bytes of a row and its salt. An entry that would not fit a bundle (65,535 bytes) shows no `text`, and if
 * it still does not fit, only the row's id: what is left out stays committed to.
 */
export function encodeEntry(table: string, row: ChainRow, salt: Uint8Array): Uint8Array {
  const committed = commitment(table, row, salt)
  const shown = publicColumns(table, row)
  const id = PUBLIC_COLUMNS[table]?.[0]
  const { text: _text, ...withoutText } = shown
  const smaller = id !== undefined && id in shown ? { [id]: shown[id] as ChainValue } : {}
  for (const candidate of [shown, withoutText, smaller]) {
    const bytes = utf8ToBytes(entryJson({ table, row: candidate, commitment: committed }))
    if (bytes.length <= MAX_ENTRY_BYTES) return bytes
  }
  throw new RangeError(`the entry of a ${table} row does not fit in ${MAX_ENTRY_BYTES} bytes even with only its id`)
}

export type ParsedEntry = { ok: true; entry: LogEntry } | { ok: false; problem: string }

const HEX_HASH = /^[0-9a-f]{64}$/
const COLUMN = /^[A-Za-z_][A-Za-z0-9_]*$/

function columnValue(value: unknown): ChainValue | undefined {
  if (value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) {
    return value
  }
  if (typeof value !== 'object' || Array.isArray(value) || Object.keys(value).join() !== 'utf16') return undefined
  const units = (value as { utf16: unknown }).utf16
  if (!Array.isArray(units) || !units.every((u) => Number.isInteger(u) && u >= 0 && u <= 0xffff)) return undefined
  const text = String.fromCharCode(...(units as number[]))
  // A well-formed string is written as itself, so {"utf16": …} of one would be a second spelling of it.
  return text.isWellFormed() ? undefined : text
}

/**
 * Reads entry bytes: RFC 8785 canonical JSON of exactly {"commitment", "row", "table"}, written as `encodeEntry`
 * writes it and no other way, so one entry has one spelling. Says what is wrong otherwise.
 */
export function parseEntry(bytes: Uint8Array): ParsedEntry {
  const text = decodeUtf8(bytes)
  if (text === null) return { ok: false, problem: 'the entry is not valid UTF-8' }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { ok: false, problem: 'the entry is not JSON' }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, problem: 'the entry is not a JSON object' }
  }
  const { table, row, commitment: committed, ...rest } = value as Record<string, unknown>
  const extra = Object.keys(rest)
  if (extra.length > 0) return { ok: false, problem: `the entry has fields it should not: ${extra.join(', ')}` }
  if (typeof table !== 'string' || table === '') return { ok: false, problem: 'the entry names no table' }
  if (typeof committed !== 'string' || !HEX_HASH.test(committed)) {
    return { ok: false, problem: 'the entry has no commitment of 64 lowercase hex digits' }
  }
  if (typeof row !== 'object' || row === null || Array.isArray(row)) {
    return { ok: false, problem: "the entry's row is not an object" }
  }
  const columns: ChainRow = {}
  for (const [name, raw] of Object.entries(row)) {
    const column = columnValue(raw)
    if (!COLUMN.test(name) || column === undefined) {
      return { ok: false, problem: `the entry's column ${JSON.stringify(name)} is not a column of a stored row` }
    }
    columns[name] = column
  }
  const entry = { table, row: columns, commitment: committed }
  if (entryJson(entry) !== text) {
    return { ok: false, problem: 'the entry is not written in RFC 8785 canonical form, as the log writes entries' }
  }
  return { ok: true, entry }
}

export type CommitmentVerdict = { ok: true } | { ok: false; problem: string }

/**
 * Whether `entry` (bytes from the log) is exactly the entry of the full `row` of `table` under `salt`: what an
 * editor holding the private export checks. Says which part differs.
 */
export function checkEntry(entry: Uint8Array, table: string, row: ChainRow, salt: Uint8Array): CommitmentVerdict {
  const parsed = parseEntry(entry)
  if (!parsed.ok) return parsed
  if (parsed.entry.table !== table) {
    return { ok: false, problem: `the entry is of a ${parsed.entry.table} row, not a ${table} row` }
  }
  if (parsed.entry.commitment !== commitment(table, row, salt)) {
    return { ok: false, problem: 'the entry does not commit to this row with this salt: a column or the salt differs' }
  }
  if (!equalBytes(entry, encodeEntry(table, row, salt))) {
    return { ok: false, problem: "the entry's public columns are not this row's" }
  }
  return { ok: true }
}
