// The hash chain over a real ledger inside workerd: every row it appends is chained in its own transaction, an
// export of a ledger that has seen every kind of change verifies, any field of any row changed afterwards does not,
// a page and a message each tie to one row of it, and the migration chains an existing record once.
import { reset, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { fillStep, stepsOf } from '../../scripts/bench/busy-record.ts'
import { PAGE_WORDS } from '../../src/core/article/index.ts'
import {
  CHAINED_TABLES,
  type ChainEntry,
  type ExportPage,
  exportLine,
  exportLines,
  verifyExport,
} from '../../src/core/chain.ts'
import { sitePage } from '../../src/core/site-map.ts'
import { backfillStep } from '../../src/ledger/backfills.ts'
import { chainPending, exportPage } from '../../src/ledger/chaining.ts'
import type { Outgoing } from '../../src/ledger/context.ts'
import type { DisclaimerLedger } from '../../src/ledger/object.ts'
import { migrate } from '../../src/ledger/schema.ts'
import { bearer, TEST_EDITORS, TEST_REVIEWER } from '../fixtures/editors.ts'
import { request } from '../helpers.ts'
import { backToSchema4, publish, theLedger, withFreshSql } from './helpers.ts'

const EDITORS = JSON.stringify({
  alice: { token: TEST_EDITORS.alice.hash, email: 'alice@example.org' },
  bob: { token: TEST_EDITORS.bob.hash, email: 'bob@example.org' },
  carol: TEST_EDITORS.carol.hash,
  drlee: {
    token: TEST_EDITORS.drlee.hash,
    reviewer: true,
    name: TEST_REVIEWER.name,
    credentials: TEST_REVIEWER.credentials,
  },
})

/** The chained tables made after migration 4. */
const MIGRATION_9_ON = ['reviews', 'page_contents', 'page_servings']
const pageHash = (slug: string) => sitePage(slug)?.hash as string

/** Every row of the record, fetched through the admin API as `npm run disclaimer -- export` does, as JSON Lines. */
async function exportText(): Promise<string> {
  let text = ''
  const pages = exportLines(async (after) => {
    const res = await request(`/admin/export?after=${after}&limit=7`, { headers: bearer('carol') })
    expect(res.status).toBe(200)
    return (await res.json()) as ExportPage
  })
  for await (const line of pages) text += line
  return text
}

function entriesOf(text: string): ChainEntry[] {
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line))
    .filter((line) => 'pos' in line)
}

/** Rows the chain's backlog still holds (rows from before migration 5 not chained yet). */
function backfillLeft(): Promise<number> {
  return runInDurableObject(theLedger(), (_instance: DisclaimerLedger, state) => {
    return state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM chain_queue').one().n
  })
}

/** Rows appended to the record, by table, as SQLite holds them. */
function rowCounts(): Promise<Record<string, number>> {
  return runInDurableObject(theLedger(), (_instance: DisclaimerLedger, state) =>
    Object.fromEntries(
      CHAINED_TABLES.map((table) => [
        table,
        state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).one().n,
      ]),
    ),
  )
}

/** A ledger that has seen every kind of change: imported legacy rows, seeds, publishes, a proposal approved and one
 * rejected, a rollback, edits around the ledger (valid, invalid, a deletion), a schedule gone live and one cancelled,
 * and the events of all of them. Returns what its recording notifier sent. */
async function busyLedger(): Promise<Outgoing[]> {
  const sent: Outgoing[] = []
  const clock = { now: Date.now() }
  await env.DISCLAIMERS.put('disclaimer', 'The text of the old store.')
  await env.DISCLAIMERS.put('history/disclaimer/2026-01-01T00:00:00.000Z-a', 'The text before the old store’s write.', {
    metadata: { at: '2026-01-01T00:00:00.000Z', by: 'old-admin', action: 'set' },
  })
  await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger) => {
    ledger.env = { ...ledger.env, EDITORS, REQUIRE_APPROVAL: 'false' }
    ledger.now = () => clock.now
    ledger.notifier = { send: async (message) => void sent.push(message) }
  })
  await theLedger().reconcile()
  await theLedger().seed('alice')
  const first = await publish('global', 'Published first.')
  await publish('home', 'A home note.')
  const live = async (target: string) => (await theLedger().read('live', target))?.base ?? 'none'
  const scheduled = await theLedger().publish({
    target: 'conclusion',
    text: 'Live at its time.',
    base: await live('conclusion'),
    by: 'bob',
    effectiveAt: new Date(clock.now + 60_000).toISOString(),
  })
  expect(scheduled).toMatchObject({ ok: true, status: 'scheduled' })
  await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger) => {
    ledger.env = { ...ledger.env, REQUIRE_APPROVAL: 'true' }
  })
  const proposed = await theLedger().propose({
    target: 'global',
    text: 'Proposed and approved.',
    base: await live('global'),
    by: 'alice',
    note: 'review',
  })
  if (!proposed.ok) throw new Error(proposed.message)
  await theLedger().approve({ id: proposed.proposal.id, by: 'bob', note: 'fine' })
  const rejected = await theLedger().propose({
    target: 'home',
    text: 'Proposed and rejected.',
    base: await live('home'),
    by: 'bob',
  })
  if (!rejected.ok) throw new Error(rejected.message)
  await theLedger().reject({ id: rejected.proposal.id, by: 'alice', reason: 'no' })
  const later = await theLedger().propose({
    target: 'home',
    text: 'Scheduled, then cancelled.',
    base: await live('home'),
    by: 'alice',
    effectiveAt: new Date(clock.now + 3_600_000).toISOString(),
  })
  if (!later.ok) throw new Error(later.message)
  await theLedger().cancel({ id: later.proposal.scheduleId as number, by: 'bob', reason: 'not yet' })
  await theLedger().rollback({ target: 'global', to: first.version, base: await live('global'), by: 'carol' })
  const reviewed = await theLedger().attest({
    page: 'conclusion',
    hash: pageHash('conclusion'),
    by: 'drlee',
    note: 'ok',
  })
  expect(reviewed).toMatchObject({ ok: true })
  const served = { page: 'conclusion', hash: pageHash('conclusion'), words: PAGE_WORDS.get('conclusion') }
  expect(await theLedger().observePages({ pages: [served], workerVersion: 'v-1' })).toMatchObject({
    recorded: ['conclusion'],
  })
  await env.DISCLAIMERS.put('disclaimer:exploring-kratom', 'Typed into the dashboard.')
  await env.DISCLAIMERS.put('disclaimer:dosage-and-safety', 'Broken \u0007 text.')
  await theLedger().reconcile()
  await env.DISCLAIMERS.delete('disclaimer:exploring-kratom')
  await theLedger().reconcile()
  clock.now += 61_000
  for (let run = 0; run < 4; run++) await runDurableObjectAlarm(theLedger())
  return sent
}

beforeEach(async () => {
  await reset()
  vi.spyOn(console, 'warn').mockImplementation(() => {})
  vi.spyOn(console, 'error').mockImplementation(() => {})
})

describe('the hash chain', () => {
  it('chains every row the ledger appends, and an untouched export of a busy ledger verifies', async () => {
    await busyLedger()
    const counts = await rowCounts()
    for (const table of CHAINED_TABLES) expect(counts[table], table).toBeGreaterThan(0)
    const text = await exportText()
    const entries = entriesOf(text)
    expect(entries).toHaveLength(Object.values(counts).reduce((sum, count) => sum + count, 0))
    expect(verifyExport(text)).toMatchObject({ ok: true, rows: entries.length })
    expect(new Set(entries.map((entry) => entry.table))).toEqual(new Set(CHAINED_TABLES))
    expect(entries.some((entry) => entry.table === 'versions' && entry.row.how === 'import')).toBe(true)
    expect(
      entries.some((entry) => entry.table === 'versions' && entry.row.how === 'external' && entry.row.valid === 0),
    ).toBe(true)
  }, 30_000)

  it('answers each export page with the bytes of the page the ledger reads, sent across as one string', async () => {
    await busyLedger()
    const ledger = theLedger()
    for (const page of [
      { after: 0, limit: 7 },
      { after: 5, limit: 1000 },
    ]) {
      const res = await request(`/admin/export?after=${page.after}&limit=${page.limit}`, { headers: bearer('carol') })
      expect(res.status).toBe(200)
      expect(res.headers.get('Content-Type')).toBe('application/json')
      const read = JSON.stringify(await ledger.read('exportPage', page))
      expect(await res.text()).toBe(read)
      expect(await ledger.readJson({}, 'exportPage', page)).toBe(read)
    }
  }, 30_000)

  it('fails at that row when any field of any kind of row is changed in an export, or a row removed or swapped', async () => {
    await busyLedger()
    const text = await exportText()
    const entries = entriesOf(text)
    const lines = text.trim().split('\n')
    let checked = 0
    for (const table of CHAINED_TABLES) {
      const entry = entries.find((candidate) => candidate.table === table) as ChainEntry
      for (const [field, value] of Object.entries(entry.row)) {
        const forged = typeof value === 'number' ? value + 1 : typeof value === 'string' ? `${value}x` : 'x'
        const changed = [...lines]
        changed[entry.pos - 1] = exportLine({ ...entry, row: { ...entry.row, [field]: forged } }).trimEnd()
        const verdict = verifyExport(`${changed.join('\n')}\n`)
        expect(verdict, `${table}.${field}`).toMatchObject({ ok: false, pos: entry.pos })
        expect(!verdict.ok && verdict.problem, `${table}.${field}`).toContain('does not match its chain hash')
        checked++
      }
    }
    expect(checked).toBeGreaterThan(50)
    const middle = Math.floor(entries.length / 2)
    const removed = lines.filter((_, index) => index !== middle)
    expect(verifyExport(`${removed.join('\n')}\n`)).toMatchObject({ ok: false, pos: middle + 1 })
    const swapped = [...lines]
    ;[swapped[middle], swapped[middle + 1]] = [swapped[middle + 1] as string, swapped[middle] as string]
    expect(verifyExport(`${swapped.join('\n')}\n`)).toMatchObject({ ok: false, pos: middle + 1 })
  }, 30_000)

  it('names on each page the chain hash of the version it shows: one row of the export', async () => {
    await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger) => {
      ledger.env = { ...ledger.env, EDITORS }
    })
    const version = await publish('global', 'The global text a visitor saw.')
    const html = await (await request('/')).text()
    const chain = /data-disclaimer="disclaimer"[^>]*data-disclaimer-chain="([0-9a-f]{64})"/.exec(html)?.[1]
    expect(chain).toBe(version.chain)
    const row = entriesOf(await exportText()).find((entry) => entry.hash === chain) as ChainEntry
    expect(row).toMatchObject({
      table: 'versions',
      row: { seq: version.version, text: 'The global text a visitor saw.' },
    })
  })

  it('puts in every message the chain head once its event was recorded, and a later export verifies against it', async () => {
    const sent = await busyLedger()
    expect(sent.length).toBeGreaterThan(10)
    const checkpoints = sent.map((message) => /stood at row (\d+), ([0-9a-f]{64})/.exec(message.text))
    expect(checkpoints.every(Boolean)).toBe(true)
    const [, pos, hash] = checkpoints[0] as RegExpExecArray
    await env.DISCLAIMERS.put('disclaimer:full-article', 'Changed after the message was sent.')
    await theLedger().reconcile()
    const later = await exportText()
    expect(entriesOf(later).length).toBeGreaterThan(Number(pos))
    expect(verifyExport(later, { head: hash })).toMatchObject({ ok: true, headFound: Number(pos) })
    const [, , otherHash] = checkpoints.at(-1) as RegExpExecArray
    expect(verifyExport(later, { head: otherHash })).toMatchObject({ ok: true })
  }, 30_000)

  it('chains an existing record after the migration, in bounded steps, once, in the order of its recorded times', async () => {
    await busyLedger()
    const before = await exportText()
    const { atStart, steps, first, again, second } = await runInDurableObject(
      theLedger(),
      (_instance: DisclaimerLedger, state) => {
        const { sql } = state.storage
        const transact = <T>(work: () => T) => state.storage.transactionSync(work)
        backToSchema4(sql)
        const chainOf = () => sql.exec('SELECT pos, kind, row_id, hash FROM chain ORDER BY pos').toArray()
        migrate(sql, { transact })
        transact(() => chainPending(sql))
        const atStart = chainOf().length
        let steps = 0
        while (transact(() => backfillStep(sql, Date.now(), 7)) && steps < 1000) steps++
        const first = chainOf()
        const again = transact(() => {
          migrate(sql, { transact: (work) => work() })
          chainPending(sql)
          return backfillStep(sql, Date.now(), 7)
        })
        return { atStart, steps, first, again, second: chainOf() }
      },
    )
    // Nothing is chained in the start-up step: the backlog is left to the backfill, seven rows a step.
    expect(atStart).toBe(0)
    // Reviews and page contents came with migrations 9 and 10: a record at schema 4 has none.
    expect(first).toHaveLength(entriesOf(before).filter((entry) => !MIGRATION_9_ON.includes(entry.table)).length)
    expect(steps).toBe(Math.floor(first.length / 7) + 1)
    expect(again).toBeUndefined()
    expect(second).toEqual(first)
    const after = await exportText()
    expect(verifyExport(after)).toMatchObject({ ok: true, rows: first.length })
    // Chained in the order of the rows' recorded times: the imported text from before the ledger comes first.
    expect(entriesOf(after)[0]).toMatchObject({ table: 'versions', row: { how: 'import' } })
  }, 30_000)

  it('chains what is written during a backfill at once, ahead of the backlog, and the whole record verifies after', async () => {
    await busyLedger()
    // Reviews and page contents came with migrations 9 and 10: going back to schema 4 drops them.
    const counts = Object.entries(await rowCounts()).filter(([table]) => !MIGRATION_9_ON.includes(table))
    const rows = counts.reduce((sum, [, count]) => sum + count, 0)
    const published = await runInDurableObject(theLedger(), async (face: DisclaimerLedger, state) => {
      const { sql } = state.storage
      backToSchema4(sql)
      migrate(sql, { transact: (work) => state.storage.transactionSync(work) })
      face.ledger.env = { ...face.ledger.env, REQUIRE_APPROVAL: 'false' }
      const live = (await face.read('live', 'global'))?.base ?? 'none'
      return face.publish({ target: 'global', text: 'Written while the backlog waits.', base: live, by: 'carol' })
    })
    expect(published).toMatchObject({ ok: true, version: { chain: expect.stringMatching(/^[0-9a-f]{64}$/) } })
    const midway = await exportText()
    // The publish's rows (its version, landing, events) are the chain's first rows; the backlog is not chained yet.
    expect(entriesOf(midway)[0]).toMatchObject({ table: 'versions', row: { text: 'Written while the backlog waits.' } })
    expect(verifyExport(midway)).toMatchObject({ ok: true })
    for (let run = 0; run < 20 && (await backfillLeft()) > 0; run++) await runDurableObjectAlarm(theLedger())
    expect(await backfillLeft()).toBe(0)
    const text = await exportText()
    const after = entriesOf(text)
    expect(after).toHaveLength(Object.values(await rowCounts()).reduce((sum, count) => sum + count, 0))
    expect(after.length).toBeGreaterThan(rows)
    expect(new Set(after.map((entry) => `${entry.table} ${JSON.stringify(entry.row)}`)).size).toBe(after.length)
    expect(verifyExport(text)).toMatchObject({ ok: true, rows: after.length })
  }, 30_000)

  it('reads a page of the export with a statement per table, each row once, the rows as stored', async () => {
    const result = await withFreshSql((sql, state) => {
      const size = { versions: 300, proposals: 300, schedules: 100, events: 1_000 }
      for (let step = 0; step < stepsOf(size); step++) {
        state.storage.transactionSync(() => fillStep(sql, size, step, Date.now()))
      }
      const cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = []
      const counted = new Proxy(sql, {
        get: (target, property) =>
          property === 'exec'
            ? (query: string, ...bindings: SqlStorageValue[]) => {
                const cursor = target.exec(query, ...bindings)
                cursors.push(cursor)
                return cursor
              }
            : Reflect.get(target, property, target),
      })
      const page = exportPage(counted, { after: 100, limit: 1000 })
      const read = cursors.reduce((sum, cursor) => sum + cursor.rowsRead, 0)
      const statements = cursors.length
      // Each row as the export read it before: its own statement, by the rowid the chain names.
      const oneByOne = page.rows.map((entry) =>
        JSON.stringify(
          sql
            .exec(`SELECT * FROM ${entry.table} WHERE rowid = (SELECT row_id FROM chain WHERE pos = ?)`, entry.pos)
            .one(),
        ),
      )
      return { page, read, statements, oneByOne, tables: new Set(page.rows.map((entry) => entry.table)).size }
    })

    expect(result.page.rows.map((entry) => entry.pos)).toEqual(Array.from({ length: 1000 }, (_, index) => 101 + index))
    expect(result.page.next).toBe(1100)
    // The same rows, columns in the same order (the admin API's JSON keeps it).
    expect(result.page.rows.map((entry) => JSON.stringify(entry.row))).toEqual(result.oneByOne)
    expect(result.tables).toBeGreaterThanOrEqual(3)
    // The chain's page (and the one more that says there is a next), a statement per table, and the head.
    expect(result.statements).toBe(result.tables + 2)
    // Each row of the page: its link in the chain, its id in the bound list, and the row itself.
    expect(result.read).toBe(1001 + 2 * 1000 + 1)
  }, 60_000)
})
