// What the ledger tests share: the one ledger object, its seams (KV that fails on cue, an edge cache that records
// each purge), the two-person rule switched on, its tables as stored, requests through fresh apps, and for the
// module tests a fresh object of their own whose SqlStorage they call into directly.
import { runInDurableObject } from 'cloudflare:test'
import { env, exports } from 'cloudflare:workers'
import { fillStep, type RecordSize, stepsOf } from '../../scripts/bench/busy-record.ts'
import { CHAINED_TABLES } from '../../src/core/chain.ts'
import { contentHash, sha256Hex } from '../../src/core/keys.ts'
import { type LedgerMetadata, signMetadata } from '../../src/core/kv-contract.ts'
import { ledgerOf } from '../../src/core/ledger-address.ts'
import type { LedgerVersion, Proposal } from '../../src/core/ledger-types.ts'
import { TARGET_KEYS } from '../../src/core/site-map.ts'
import { createApp } from '../../src/index.ts'
import { insertLanding, insertVersion, type NewVersion } from '../../src/ledger/append.ts'
import type { Ledger, LedgerKV } from '../../src/ledger/ledger.ts'
import { treeSize } from '../../src/ledger/log-tree.ts'
import type { DisclaimerLedger } from '../../src/ledger/object.ts'
import { kvEntry } from '../../src/ledger/outbox.ts'
import { current, version as versionOf } from '../../src/ledger/queries.ts'
import { type Observation, observe } from '../../src/ledger/reconcile.ts'
import { bearer, type TestEditor } from '../fixtures/editors.ts'
import { request, textOf } from '../helpers.ts'

export type LedgerStub = ReturnType<typeof ledgerOf>

/** The ledger the Worker writes through: one object, named as the routes name it. */
export function theLedger(): LedgerStub {
  return ledgerOf(env)
}

/** Publishes `text` over whatever is current, as `by`, straight to the ledger; throws unless it was accepted. */
export async function publish(target: string, text: string, by: TestEditor = 'alice'): Promise<LedgerVersion> {
  const live = await theLedger().read('live', target)
  const result = await theLedger().publish({ target, text, base: live?.base ?? 'none', by })
  if (!result.ok) throw new Error(`the ledger refused the publish: ${result.code}: ${result.message}`)
  if (!('version' in result)) throw new Error(`the ledger scheduled the publish instead of making it live`)
  return result.version
}

/** Opens a proposal straight on the ledger; throws unless it was accepted. */
export async function openProposal(input: Parameters<LedgerStub['propose']>[0]): Promise<Proposal> {
  const result = await theLedger().propose(input)
  if (!result.ok) throw new Error(`the ledger refused the proposal: ${result.code}: ${result.message}`)
  return result.proposal
}

export interface KvPuts {
  /** The key of every put the seam refused. */
  refused: string[]
  /** Every put that reached KV. */
  landed: { key: string; value: string; metadata: unknown }[]
}

/** Makes the ledger's next `failures` KV writes throw `error()`; later writes reach the real namespace. */
export async function failKvPuts(failures: number, error: () => Error): Promise<KvPuts> {
  const puts: KvPuts = { refused: [], landed: [] }
  let left = failures
  await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger) => {
    const real = ledger.kv
    const put = async (key: string, value: string, options?: KVNamespacePutOptions) => {
      if (left > 0) {
        left--
        puts.refused.push(key)
        throw error()
      }
      await real.put(key, value, options)
      puts.landed.push({ key, value, metadata: options?.metadata })
    }
    ledger.kv = {
      get: real.get.bind(real),
      list: real.list.bind(real),
      getWithMetadata: real.getWithMetadata.bind(real),
      put: put as LedgerKV['put'],
    }
  })
  return puts
}

/** Replaces the edge-cache seam with one that records the tags of every purge, in order. */
export async function recordPurges(): Promise<string[][]> {
  const purged: string[][] = []
  await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger) => {
    ledger.edge = {
      purge: async (tags: string[]) => {
        purged.push([...tags])
      },
    }
  })
  return purged
}

/** Makes the edge cache refuse the next `failures` purges with `error()`; it records the tags of every purge that works. */
export async function failPurges(
  failures: number,
  error: () => Error,
): Promise<{ refused: string[][]; purged: string[][] }> {
  const purges = { refused: [] as string[][], purged: [] as string[][] }
  let left = failures
  await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger) => {
    ledger.edge = {
      purge: async (tags: string[]) => {
        if (left > 0) {
          left--
          purges.refused.push([...tags])
          throw error()
        }
        purges.purged.push([...tags])
      },
    }
  })
  return purges
}

/**
 * Makes the ledger's next KV read (the one a reconcile or an editor's read starts with) slow: it reaches KV and has
 * its answer (`answered`), and the ledger gets that answer only on `release()`. Later reads go through at once. Call it
 * inside the object (runInDurableObject) and drive the ledger from there, so every promise stays in one context.
 */
export function holdNextKvRead(ledger: Ledger): { answered: Promise<void>; release: () => void } {
  let release = () => {}
  const released = new Promise<void>((resolve) => {
    release = resolve
  })
  let answer = () => {}
  const answered = new Promise<void>((resolve) => {
    answer = resolve
  })
  let held = false
  const real = ledger.kv
  const getWithMetadata = async (...args: unknown[]) => {
    const result = await (real.getWithMetadata as (...a: unknown[]) => Promise<unknown>)(...args)
    if (!held) {
      held = true
      answer()
      await released
    }
    return result
  }
  ledger.kv = {
    get: real.get.bind(real),
    list: real.list.bind(real),
    put: real.put.bind(real),
    getWithMetadata: getWithMetadata as LedgerKV['getWithMetadata'],
  }
  return { answered, release }
}

/** Moves the ledger's clock `ms` further ahead of the real one (it starts level with it). */
export async function advanceClock(ms: number): Promise<void> {
  await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger) => {
    const ahead = ledger.now() - Date.now() + ms
    ledger.now = () => Date.now() + ahead
  })
}

/** The purge jobs waiting in the ledger, oldest first, and when its alarm is set for. */
export function purgeJobs() {
  return runInDurableObject(theLedger(), async (_instance: DisclaimerLedger, state) => ({
    jobs: state.storage.sql
      .exec<{ id: number; tags: string; due: number; attempts: number; last_error: string | null }>(
        'SELECT * FROM purge_jobs ORDER BY id',
      )
      .toArray()
      .map((row) => ({
        tags: JSON.parse(row.tags) as string[],
        due: row.due,
        attempts: row.attempts,
        lastError: row.last_error,
      })),
    alarm: await state.storage.getAlarm(),
  }))
}

/**
 * Switches the two-person rule on for the running ledger object, as `REQUIRE_APPROVAL = "true"` does for staging
 * and production, through the ledger's `env` seam.
 */
export async function requireApproval(): Promise<void> {
  await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger) => {
    ledger.env = { ...ledger.env, REQUIRE_APPROVAL: 'true' }
  })
}

/**
 * Waits until the ledger's alarm has done everything due now (notifications sent the moment a change is recorded,
 * say), so what a test then counts or compares is its own doing: no alarm is set, or none for the next few seconds.
 */
export async function settled(): Promise<void> {
  await until(async () => {
    const alarm = await runInDurableObject(theLedger(), (_instance: DisclaimerLedger, state) =>
      state.storage.getAlarm(),
    )
    return alarm === null || alarm > Date.now() + 5_000
  }, 10_000)
}

/** The tables no code may change, only append to: every chained table, and the chain itself. */
export const APPEND_ONLY_TABLES = [...CHAINED_TABLES, 'chain'] as const
export type AppendOnlyTable = (typeof APPEND_ONLY_TABLES)[number]
/** The public log's tables (migration 10), append-only too: the tree's hashes, its leaves, checkpoints, cosignatures. */
export const LOG_TABLES = ['log_checkpoints', 'log_cosignatures', 'log_hashes', 'log_leaves'] as const
export type StoredRows = Record<AppendOnlyTable, Record<string, SqlStorageValue>[]>

/** Every row of the append-only tables, as SQLite holds them, in the order they were written. */
export function storedRows(): Promise<StoredRows> {
  return runInDurableObject(theLedger(), (_instance: DisclaimerLedger, state) => {
    const rows = (table: AppendOnlyTable) => state.storage.sql.exec(`SELECT * FROM ${table} ORDER BY rowid`).toArray()
    return Object.fromEntries(APPEND_ONLY_TABLES.map((table) => [table, rows(table)])) as StoredRows
  })
}

/** The second purges waiting in the ledger, and when its alarm is set for. */
export function scheduledPurges(): Promise<{ purges: { tags: string[]; due: number }[]; alarm: number | null }> {
  return runInDurableObject(theLedger(), async (_instance: DisclaimerLedger, state) => ({
    purges: state.storage.sql
      .exec<{ tags: string; due: number }>('SELECT tags, due FROM purge_jobs ORDER BY id')
      .toArray()
      .map(({ tags, due }) => ({ tags: JSON.parse(tags) as string[], due })),
    alarm: await state.storage.getAlarm(),
  }))
}

/**
 * Rows SQLite read and wrote for the ledger while `work` ran, from the cursor of every statement it executed: a
 * counting wrapper stands in for the object's SqlStorage meanwhile, then the real one is put back.
 */
export async function rowsTouched(work: () => Promise<unknown>): Promise<{
  read: number
  written: number
  statements: number
  /** The log tree's hashes (log_hashes), counted apart: an append reads and writes O(log n) of them. */
  tree: { read: number; written: number; leaves: number }
}> {
  const cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = []
  const treeCursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = []
  let real: SqlStorage | undefined
  await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger) => {
    const sql = Reflect.get(ledger, 'sql') as SqlStorage
    real = sql
    const counting = new Proxy(sql, {
      get(target, property) {
        if (property === 'exec') {
          return (query: string, ...bindings: unknown[]) => {
            const cursor = target.exec(query, ...bindings)
            ;(query.includes('log_hashes') ? treeCursors : cursors).push(cursor)
            return cursor
          }
        }
        const value = Reflect.get(target, property, target)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
    Reflect.set(ledger, 'sql', counting)
  })
  const leaves = () =>
    runInDurableObject(theLedger(), (_instance: DisclaimerLedger, state) => treeSize(state.storage.sql))
  const before = await leaves()
  try {
    await work()
  } finally {
    await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger) => Reflect.set(ledger, 'sql', real))
  }
  const after = await leaves()
  const sum = (list: typeof cursors, count: (cursor: (typeof cursors)[number]) => number) =>
    list.reduce((total, cursor) => total + count(cursor), 0)
  return runInDurableObject(theLedger(), () => ({
    read: sum(cursors, (cursor) => cursor.rowsRead),
    written: sum(cursors, (cursor) => cursor.rowsWritten),
    statements: cursors.length,
    tree: {
      read: sum(treeCursors, (cursor) => cursor.rowsRead),
      written: sum(treeCursors, (cursor) => cursor.rowsWritten),
      leaves: after - before,
    },
  }))
}

/** PUT /admin/disclaimers/:target as `editor`, replacing version `base`, through its own fresh app unless given one. */
export function putDisclaimer(target: string, text: string, editor: TestEditor, base: number, app = createApp()) {
  return request(
    `/admin/disclaimers/${target}`,
    {
      method: 'PUT',
      headers: { ...bearer(editor), 'Content-Type': 'application/json', 'If-Match': `"${base}"` },
      body: JSON.stringify({ text }),
    },
    {},
    app,
  )
}

/** A page as a first visitor of a new isolate sees it: its status, markup, visible text and disclaimer headers. */
export async function page(path: string) {
  const res = await request(path)
  const html = await res.text()
  return {
    status: res.status,
    html,
    text: textOf(html),
    source: res.headers.get('Disclaimer-Source'),
    versions: res.headers.get('Disclaimer-Version'),
  }
}

/** Waits until `done()` holds, checking every 50 ms; fails after `timeoutMs`. */
export async function until(done: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`still not done after ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** The Worker's cron run, as Cloudflare starts it every minute: the one-time import, then reconciliation. */
export async function runCron(): Promise<void> {
  await exports.default.scheduled()
}

/** Every row of every table the ledger keeps (append-only or not), keyed by table: what "writes nothing" compares. */
export function everyRow(): Promise<Record<string, Record<string, SqlStorageValue>[]>> {
  return runInDurableObject(theLedger(), (_instance: DisclaimerLedger, state) => {
    const sql = state.storage.sql
    const tables = sql
      .exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, 4) <> '_cf_' ORDER BY name",
      )
      .toArray()
      .map((row) => row.name)
    return Object.fromEntries(
      // log_hashes has no rowid: its key is its order.
      tables.map((table) => {
        const order = table === 'log_hashes' ? 'level, idx' : 'rowid'
        return [table, sql.exec(`SELECT * FROM "${table}" ORDER BY ${order}`).toArray()]
      }),
    )
  })
}

/** A ledger object of the test's own, never the Worker's: its constructor has already migrated its storage. */
export function freshObject(): LedgerStub {
  return env.LEDGER.get(env.LEDGER.idFromName(`module test ${crypto.randomUUID()}`)) as LedgerStub
}

/** Runs `work` with the SqlStorage of a fresh ledger object, for plain calls into one ledger module. */
export function withFreshSql<R>(work: (sql: SqlStorage, state: DurableObjectState) => R | Promise<R>): Promise<R> {
  return runInDurableObject(freshObject(), (_instance: DisclaimerLedger, state) => work(state.storage.sql, state))
}

/** A KV key no other test uses, shaped like a page's disclaimer key. */
export function uniqueKey(): string {
  return `disclaimer:module-test-${crypto.randomUUID()}`
}

/**
 * Puts `text` (null: deletes the key) into the real namespace, then reads it back as the ledger does, with the read
 * said to have begun at `readAt`.
 */
export async function observeKv(
  key: string,
  text: string | null,
  { readAt = Date.now(), metadata }: { readAt?: number; metadata?: LedgerMetadata | Record<string, unknown> } = {},
): Promise<Observation> {
  if (text === null) await env.DISCLAIMERS.delete(key)
  else await env.DISCLAIMERS.put(key, text, metadata ? { metadata } : {})
  const [observation] = await observe(env.DISCLAIMERS, [key], readAt, env.LEDGER_SECRET)
  return observation as Observation
}

/** The metadata the ledger would sign for `version` of `key` holding `text` (under the tests' LEDGER_SECRET). */
export async function signedFor(key: string, version: number, text: string, chain: string | null = null) {
  return signMetadata(env.LEDGER_SECRET, { key, seq: version, sha256: await sha256Hex(text), chain })
}

/**
 * Appends a version of `key` as the ledger records one (record.ts), by alice unless told, with its text's hash;
 * `landedAt` (ms) also records KV taking it then.
 */
export async function addVersion(
  sql: SqlStorage,
  key: string,
  text: string | null,
  { landedAt, ...row }: Partial<NewVersion> & { landedAt?: number } = {},
): Promise<LedgerVersion> {
  const hash = text === null ? null : await contentHash(text)
  const added = insertVersion(sql, {
    key,
    text,
    hash,
    by: 'alice',
    how: 'publish',
    valid: true,
    now: Date.now(),
    ...row,
  })
  if (landedAt !== undefined) insertLanding(sql, added.version, landedAt)
  return versionOf(sql, added.version) as LedgerVersion
}

/**
 * Takes a ledger's database back to where migration 4 left it, its rows kept: what migrations 5 and 6 made (the
 * chain, the work lists, backfills, the column deliveries gained) is dropped, and their numbers unrecorded.
 */
export function backToSchema4(sql: SqlStorage): void {
  for (const table of CHAINED_TABLES) sql.exec(`DROP TRIGGER ${table}_chained`)
  sql.exec(`DROP TRIGGER schedules_pending; DROP TRIGGER proposals_open; DROP TRIGGER decisions_close;
    DROP TRIGGER schedule_outcomes_end; DROP INDEX deliveries_fresh; DROP INDEX deliveries_retried;
    DROP INDEX deliveries_gave_up; DROP INDEX purge_jobs_due; DROP INDEX events_by_kind; DROP INDEX decisions_by_decision;
    ALTER TABLE deliveries DROP COLUMN gave_up_at; DROP TABLE chain; DROP TABLE chain_queue;
    DROP TABLE pending_schedules; DROP TABLE open_proposals; DROP TABLE import_progress; DROP TABLE backfills;
    DROP TABLE drafts; DROP TABLE reviews; DROP TABLE review_writes; DROP TABLE page_contents;
    DROP TABLE page_servings; DROP TABLE review_reminders;
    DELETE FROM schema_migrations WHERE version > 4;`)
}

/**
 * Fills the Worker's ledger with a busy record (scripts/bench/busy-record.ts, the benchmark's own), a bounded step at
 * a time, then puts each key's current text in KV as the ledger would have, so KV and the record agree.
 */
export async function fillBusyRecord(size: RecordSize): Promise<void> {
  const end = Date.now() - 60_000
  for (let step = 0; step < stepsOf(size); step++) {
    await runInDurableObject(theLedger(), (_instance: DisclaimerLedger, state) =>
      state.storage.transactionSync(() => fillStep(state.storage.sql, size, step, end)),
    )
  }
  await runInDurableObject(theLedger(), async (_instance: DisclaimerLedger, state) => {
    for (const key of TARGET_KEYS) {
      const shown = current(state.storage.sql, key) as LedgerVersion
      const { metadata } = await kvEntry(state.storage.sql, shown.version, env.LEDGER_SECRET)
      await env.DISCLAIMERS.put(key, shown.text as string, { metadata })
    }
  })
}

/** A SqlStorage that counts the rows every statement read (its cursor's rowsRead), and throws for `failing` ones. */
export function countingSql(sql: SqlStorage, failing?: RegExp) {
  const cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = []
  const counting = new Proxy(sql, {
    get(target, property) {
      if (property !== 'exec') {
        const value = Reflect.get(target, property, target)
        return typeof value === 'function' ? value.bind(target) : value
      }
      return (query: string, ...bindings: SqlStorageValue[]) => {
        if (failing?.test(query)) throw new Error(`SQLITE_IOERR: injected failure of: ${query.slice(0, 60)}`)
        const cursor = target.exec(query, ...bindings)
        cursors.push(cursor)
        return cursor
      }
    },
  })
  return {
    sql: counting,
    /** Rows read by the statements `work` ran. */
    read(work: () => unknown): number {
      cursors.length = 0
      work()
      return cursors.reduce((sum, cursor) => sum + cursor.rowsRead, 0)
    },
  }
}
