// What the ledger tests share: the one ledger object, its seams (KV that fails on cue, an edge cache that records
// each purge), the two-person rule switched on, its tables as stored, and requests through fresh apps.
import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import type { DisclaimerLedger, LedgerKV, LedgerVersion } from '../../src/disclaimer/ledger.ts'
import { ledgerOf } from '../../src/disclaimer/ledger.ts'
import type { Proposal } from '../../src/disclaimer/records.ts'
import { createApp } from '../../src/index.ts'
import { bearer, type TestEditor } from '../fixtures/editors.ts'
import { request, textOf } from '../helpers.ts'

export type LedgerStub = ReturnType<typeof ledgerOf>

/** The ledger the Worker writes through: one object, named as src/routes/admin.ts names it. */
export function theLedger(): LedgerStub {
  return ledgerOf(env)
}

/** Publishes `text` over whatever is current, as `by`, straight to the ledger; throws unless it was accepted. */
export async function publish(target: string, text: string, by: TestEditor = 'alice'): Promise<LedgerVersion> {
  const current = await theLedger().current(target)
  const result = await theLedger().publish({ target, text, base: current?.version ?? 0, by })
  if (!result.ok) throw new Error(`the ledger refused the publish: ${result.code}: ${result.message}`)
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
  await runInDurableObject(theLedger(), (instance: DisclaimerLedger) => {
    const real = instance.kv
    const put = async (key: string, value: string, options?: KVNamespacePutOptions) => {
      if (left > 0) {
        left--
        puts.refused.push(key)
        throw error()
      }
      await real.put(key, value, options)
      puts.landed.push({ key, value, metadata: options?.metadata })
    }
    instance.kv = {
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
  await runInDurableObject(theLedger(), (instance: DisclaimerLedger) => {
    instance.edge = {
      purge: async (tags) => {
        purged.push([...tags])
      },
    }
  })
  return purged
}

/**
 * Switches the two-person rule on for the running ledger object, as `REQUIRE_APPROVAL = "true"` does for staging
 * and production: `requiresApproval()` reads the object's own `env`, which the DurableObject base class keeps as
 * a plain property, so a copy of it with the setting flipped stands in for that configuration.
 */
export async function requireApproval(): Promise<void> {
  await runInDurableObject(theLedger(), (instance: DisclaimerLedger) => {
    const own = Reflect.get(instance, 'env') as Env
    Reflect.set(instance, 'env', { ...own, REQUIRE_APPROVAL: 'true' })
  })
}

/** The tables no code may change, only append to. */
export const APPEND_ONLY_TABLES = ['versions', 'landings', 'proposals', 'decisions'] as const
export type AppendOnlyTable = (typeof APPEND_ONLY_TABLES)[number]
export type StoredRows = Record<AppendOnlyTable, Record<string, SqlStorageValue>[]>

/** Every row of the append-only tables, as SQLite holds them, in the order they were written. */
export function storedRows(): Promise<StoredRows> {
  return runInDurableObject(theLedger(), (_instance: DisclaimerLedger, state) => {
    const rows = (table: AppendOnlyTable) => state.storage.sql.exec(`SELECT * FROM ${table} ORDER BY rowid`).toArray()
    return {
      versions: rows('versions'),
      landings: rows('landings'),
      proposals: rows('proposals'),
      decisions: rows('decisions'),
    }
  })
}

/** The second purges waiting in the ledger, and when its alarm is set for. */
export function scheduledPurges(): Promise<{ purges: { tags: string[]; due: number }[]; alarm: number | null }> {
  return runInDurableObject(theLedger(), async (_instance: DisclaimerLedger, state) => ({
    purges: state.storage.sql
      .exec<{ tags: string; due: number }>('SELECT tags, due FROM purges ORDER BY id')
      .toArray()
      .map(({ tags, due }) => ({ tags: JSON.parse(tags) as string[], due })),
    alarm: await state.storage.getAlarm(),
  }))
}

/**
 * Rows SQLite read and wrote for the ledger while `work` ran, from the cursor of every statement it executed: a
 * counting wrapper stands in for the object's SqlStorage meanwhile, then the real one is put back.
 */
export async function rowsTouched(
  work: () => Promise<unknown>,
): Promise<{ read: number; written: number; statements: number }> {
  const cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = []
  let real: SqlStorage | undefined
  await runInDurableObject(theLedger(), (instance: DisclaimerLedger) => {
    const sql = Reflect.get(instance, 'sql') as SqlStorage
    real = sql
    const counting = new Proxy(sql, {
      get(target, property) {
        if (property === 'exec') {
          return (query: string, ...bindings: unknown[]) => {
            const cursor = target.exec(query, ...bindings)
            cursors.push(cursor)
            return cursor
          }
        }
        const value = Reflect.get(target, property, target)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
    Reflect.set(instance, 'sql', counting)
  })
  try {
    await work()
  } finally {
    await runInDurableObject(theLedger(), (instance: DisclaimerLedger) => Reflect.set(instance, 'sql', real))
  }
  return runInDurableObject(theLedger(), () => ({
    read: cursors.reduce((sum, cursor) => sum + cursor.rowsRead, 0),
    written: cursors.reduce((sum, cursor) => sum + cursor.rowsWritten, 0),
    statements: cursors.length,
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
