// Every write path (admin API, CLI) goes through this store: validate, keep history, check the version, confirm.
// Imports carry .ts extensions so that the Node CLI can load this module as it is.
import { validateDisclaimer } from './validate.ts'

/** The storage operations the store needs; the Worker adapts a KV namespace, the CLI adapts wrangler. */
export interface DisclaimerStorage {
  get(key: string): Promise<string | null>
  put(key: string, value: string, metadata?: HistoryMetadata): Promise<void>
  delete(key: string): Promise<void>
  list(prefix: string): Promise<{ name: string; metadata?: unknown }[]>
}

export type WriteAction = 'set' | 'rollback' | 'seed'

export interface HistoryMetadata {
  at: string
  by: string
  action: WriteAction
  version: string
  previousVersion: string
  note?: string
}

export interface HistoryEntry extends HistoryMetadata {
  id: string
}

export interface CurrentText {
  key: string
  text: string | null
  version: string
}

export type StoreError = {
  ok: false
  code: 'invalid_text' | 'version_mismatch' | 'unknown_version' | 'kv_rate_limited' | 'kv_failed'
  message: string
}

export type WriteResult = ({ ok: true } & CurrentText) | StoreError

export const ABSENT_VERSION = 'absent'
export const MAX_NOTE_LENGTH = 140
const HISTORY_PREFIX = 'history/'

/** A content hash of the text: what `If-Match` and `rollback` name. */
export async function versionOf(text: string | null): Promise<string> {
  if (text === null) return ABSENT_VERSION
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return [...new Uint8Array(digest).slice(0, 8)].map((byte) => byte.toString(16).padStart(2, '0')).join('')
}

export function historyPrefix(key: string): string {
  return `${HISTORY_PREFIX}${key}/`
}

function isRateLimited(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error)
  return /\b429\b|too many requests/i.test(message)
}

function failure(error: unknown, what: string): StoreError {
  if (isRateLimited(error)) {
    return {
      ok: false,
      code: 'kv_rate_limited',
      message: `KV refused the ${what} (one write per second per key); nothing was changed, try again in a second`,
    }
  }
  const reason = error instanceof Error ? error.message : String(error)
  return { ok: false, code: 'kv_failed', message: `KV failed during the ${what} (${reason}); nothing was changed` }
}

interface WriteOptions {
  ifMatch: string
  by: string
  note?: string
  action?: WriteAction
}

// Writes to one key are serialised inside this isolate or process; KV has no compare-and-swap across them.
const queues = new Map<string, Promise<unknown>>()

/**
 * History entries are KV keys `history/<key>/<time>-<id>` holding the text that was replaced,
 * with who, when, why and both versions as metadata: one entry per accepted write, never deleted.
 */
export function createDisclaimerStore(storage: DisclaimerStorage, now: () => Date = () => new Date()) {
  function serialised<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = queues.get(key) ?? Promise.resolve()
    const next = previous.then(work, work)
    queues.set(
      key,
      next.catch(() => {}),
    )
    return next
  }

  async function current(key: string): Promise<CurrentText> {
    const text = await storage.get(key)
    return { key, text, version: await versionOf(text) }
  }

  async function history(key: string): Promise<HistoryEntry[]> {
    const prefix = historyPrefix(key)
    const keys = await storage.list(prefix)
    return keys
      .map(({ name, metadata }) => ({ ...(metadata as HistoryMetadata), id: name.slice(prefix.length) }))
      .sort((a, b) => b.id.localeCompare(a.id))
  }

  function write(key: string, input: string, options: WriteOptions): Promise<WriteResult> {
    const checked = validateDisclaimer(input)
    if (!checked.ok) return Promise.resolve({ ok: false, code: 'invalid_text', message: checked.reason })
    if (options.note !== undefined && [...options.note].length > MAX_NOTE_LENGTH) {
      return Promise.resolve({
        ok: false,
        code: 'invalid_text',
        message: `the note is longer than ${MAX_NOTE_LENGTH} characters`,
      })
    }
    return serialised(key, async (): Promise<WriteResult> => {
      let before: CurrentText
      try {
        before = await current(key)
      } catch (error) {
        return failure(error, 'read before writing')
      }
      if (before.version !== options.ifMatch) {
        return {
          ok: false,
          code: 'version_mismatch',
          message: `the text changed since you read it: it is at version ${before.version}, you sent ${options.ifMatch}; read it again and redo your edit`,
        }
      }
      const at = now().toISOString()
      const entryKey = `${historyPrefix(key)}${at}-${crypto.randomUUID().slice(0, 8)}`
      const metadata: HistoryMetadata = {
        at,
        by: options.by,
        action: options.action ?? 'set',
        version: await versionOf(checked.text),
        previousVersion: before.version,
        ...(options.note ? { note: options.note } : {}),
      }
      try {
        await storage.put(entryKey, before.text ?? '', metadata)
      } catch (error) {
        return failure(error, 'history write')
      }
      try {
        await storage.put(key, checked.text)
      } catch (error) {
        // The text did not change, so the history entry that describes the change must go too.
        await storage.delete(entryKey).catch(() => {})
        return failure(error, 'write')
      }
      const after = await current(key)
      if (after.version !== metadata.version) {
        return {
          ok: false,
          code: 'kv_failed',
          message: `KV holds version ${after.version} after writing ${metadata.version}; read it again`,
        }
      }
      return { ok: true, ...after }
    })
  }

  /** Finds the text of any version this key has had, current or in history. */
  async function textOfVersion(key: string, version: string): Promise<string | null> {
    const latest = await current(key)
    if (latest.version === version) return latest.text
    for (const entry of await history(key)) {
      if (entry.previousVersion === version) return storage.get(`${historyPrefix(key)}${entry.id}`)
    }
    // Every replaced version is the "previous" of the entry that replaced it.
    return null
  }

  async function rollback(key: string, version: string, options: WriteOptions): Promise<WriteResult> {
    const text = await textOfVersion(key, version)
    if (text === null || version === ABSENT_VERSION) {
      return {
        ok: false,
        code: 'unknown_version',
        message: `version ${version} is not in the history of ${key}; list the history to see the versions`,
      }
    }
    return write(key, text, { ...options, action: 'rollback' })
  }

  return { current, history, write, rollback }
}

export type DisclaimerStore = ReturnType<typeof createDisclaimerStore>
