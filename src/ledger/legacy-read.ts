// Reading the pre-ledger history from KV a bounded batch at a time: `history/<key>/<time>-<id>` entries, listed a
// page at a time in KV's order (by name) and read a few at a time, so a history of any length never needs more KV
// requests in one run than the batch allows. Where it stopped is a plain value the import keeps between runs.
import { contentHash, LEGACY_HISTORY_PREFIX, legacyHistoryPrefix } from '../core/keys.ts'
import { printable, validateDisclaimer } from '../core/validate.ts'
import type { LedgerKV } from './context.ts'

/** One entry of the old store, as the import will record it. */
export interface LegacyRow {
  importId: string
  text: string | null
  /** Of the text as the rule normalises it, which is how it is recorded. */
  hash: string | null
  /** The time the old store gave it, read as ISO 8601; null when none could be read. */
  at: string | null
  by: string
  note: string | null
  /** Why the row's text is not known, if it is not. */
  lost?: string
}

type LegacyEntry = { name: string; metadata?: unknown }
type LegacyMetadata = { at?: unknown; by?: unknown; action?: unknown; note?: unknown; version?: unknown }

/** Where reading stopped: the key (its index), KV's list cursor, entries listed not yet read, the entry last read. */
export interface LegacyCursor {
  key: number
  /** KV's cursor for the key's next page; undefined before its first page, null once every page was listed. */
  list?: string | null
  queue: LegacyEntry[]
  /** The entry read last: its row waits for the next entry's text (or, for the last, the text KV holds now). */
  held: LegacyEntry | null
  /** Whether the key's first entry was read (its text is the one before the first recorded write). */
  started: boolean
}

export const LEGACY_START: LegacyCursor = { key: 0, queue: [], held: null, started: false }

/** The hash the pre-ledger store recorded for a text it wrote: that of the text as the rule normalises it. */
async function legacyHash(text: string): Promise<string> {
  const checked = validateDisclaimer(text)
  return contentHash(checked.ok ? checked.text : text)
}

function readTime(...candidates: unknown[]): string | null {
  for (const candidate of candidates) {
    const time = typeof candidate === 'string' ? Date.parse(candidate) : Number.NaN
    if (Number.isFinite(time)) return new Date(time).toISOString()
  }
  return null
}

/** The row of the text the old store kept before its first recorded write. */
async function beforeRow(prefix: string, text: string): Promise<LegacyRow> {
  return {
    importId: `${prefix}#before`,
    text,
    hash: await legacyHash(text),
    at: new Date(0).toISOString(),
    by: 'legacy:unknown',
    note: 'the text before the first recorded write; when it was set is not known',
  }
}

/** The row of one recorded write: the text it made (`next`), checked against the hash the old store kept. */
async function writeRow(prefix: string, entry: LegacyEntry, next: string | null): Promise<LegacyRow> {
  const metadata = (entry.metadata ?? {}) as LegacyMetadata
  // A text that no longer hashes to what the old store recorded was replaced without a history entry: what this
  // write made is lost, and only its hash is known.
  const lost = next !== null && typeof metadata.version === 'string' && (await legacyHash(next)) !== metadata.version
  const text = lost ? null : next
  return {
    importId: entry.name,
    text,
    hash: text === null ? null : await legacyHash(text),
    at: readTime(metadata.at, entry.name.slice(prefix.length, prefix.length + 24)),
    by: `legacy:${printable(String(metadata.by ?? 'unknown')).slice(0, 80)}`,
    note:
      [metadata.action, metadata.note]
        .filter(Boolean)
        .map((part) => printable(String(part)))
        .join(': ') || null,
    ...(lost && {
      lost: `the text this write made is no longer in KV; only its hash, ${printable(String(metadata.version))}, is known`,
    }),
  }
}

export interface LegacyBatch {
  /** The key these rows belong to; undefined once every key was read. */
  key: string | undefined
  rows: LegacyRow[]
  cursor: LegacyCursor
  /** KV requests this batch made. */
  reads: number
  /** True when the batch ended the key's history. */
  keyDone: boolean
}

/**
 * Reads the next part of one key's old history, making at most `budget` KV requests (at least one): the text before
 * its first recorded write, then the text each write made (the next entry's replaced text, or KV's current one),
 * checked against the hash the old store kept. Rows come out in order; the last entry read is held until the text
 * after it is known.
 */
export async function readLegacyBatch(
  kv: LedgerKV,
  keys: readonly string[],
  from: LegacyCursor,
  budget: number,
): Promise<LegacyBatch> {
  const key = keys[from.key]
  if (key === undefined) return { key, rows: [], cursor: from, reads: 0, keyDone: true }
  const prefix = legacyHistoryPrefix(key)
  let { list, queue, held, started } = from
  const rows: LegacyRow[] = []
  let reads = 0
  while (reads < Math.max(budget, 1)) {
    if (queue.length === 0 && list !== null) {
      const page: KVNamespaceListResult<unknown, string> = await kv.list({ prefix, cursor: list })
      reads++
      queue = page.keys
        .filter((entry) => entry.name.startsWith(LEGACY_HISTORY_PREFIX))
        .map(({ name, metadata }) => ({ name, metadata }))
      list = page.list_complete ? null : page.cursor
      continue
    }
    if (queue.length === 0) {
      if (held) {
        rows.push(await writeRow(prefix, held, await kv.get(key, 'text')))
        reads++
      }
      const next: LegacyCursor = { ...LEGACY_START, key: from.key + 1 }
      return { key, rows, cursor: next, reads, keyDone: true }
    }
    const batch = queue.slice(0, Math.max(budget - reads, 1))
    queue = queue.slice(batch.length)
    const texts = await Promise.all(batch.map((entry) => kv.get(entry.name, 'text')))
    reads += batch.length
    for (const [index, entry] of batch.entries()) {
      const text = texts[index] ?? null
      if (!started) {
        started = true
        if (text) rows.push(await beforeRow(prefix, text))
      }
      if (held) rows.push(await writeRow(prefix, held, text))
      held = entry
    }
  }
  return { key, rows, cursor: { key: from.key, list, queue, held, started }, reads, keyDone: false }
}

/** Reads the whole old history of `keys`, batch after batch: key → its rows in order (keys with none left out). */
export async function readLegacyHistory(
  kv: LedgerKV,
  keys: readonly string[],
  budget = 100,
): Promise<Map<string, LegacyRow[]>> {
  const history = new Map<string, LegacyRow[]>()
  let cursor = LEGACY_START
  while (cursor.key < keys.length) {
    const batch = await readLegacyBatch(kv, keys, cursor, budget)
    if (batch.key !== undefined && batch.rows.length > 0) {
      history.set(batch.key, [...(history.get(batch.key) ?? []), ...batch.rows])
    }
    cursor = batch.cursor
  }
  return history
}
