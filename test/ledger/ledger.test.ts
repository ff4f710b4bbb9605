// The disclaimer ledger inside workerd, with its real SQLite storage and real local KV: compare-and-swap under
// concurrency, write-through that survives KV failures, edits made around it, the two-person rule, "live at T",
// the append-only record, the legacy import, rollback's limits, and what one publish costs.
import { evictDurableObject, reset, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env, exports } from 'cloudflare:workers'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { PAGE_WORDS } from '../../src/core/article/index.ts'
import { DEFAULT_DISCLAIMERS } from '../../src/core/defaults.ts'
import { contentHash, sha256Hex } from '../../src/core/keys.ts'
import type { LedgerVersion, PublishResult } from '../../src/core/ledger-types.ts'
import { sitePage } from '../../src/core/site-map.ts'
import { SECOND_PURGE_AFTER_MS, STALE_READ_MS } from '../../src/core/staleness.ts'
import { createApp } from '../../src/index.ts'
import { insertVersion } from '../../src/ledger/append.ts'
import type { LedgerKV } from '../../src/ledger/ledger.ts'
import { LATEST_SCHEMA_VERSION } from '../../src/ledger/migrations.ts'
import { DisclaimerLedger } from '../../src/ledger/object.ts'
import { enqueueWrite } from '../../src/ledger/outbox.ts'
import { PURGE_RETRY_DELAYS_MS } from '../../src/ledger/purges.ts'
import { READS } from '../../src/ledger/reads.ts'
import { EXTERNAL_EDITOR } from '../../src/ledger/reconcile.ts'
import { bearer, TEST_EDITORS, type TestEditor } from '../fixtures/editors.ts'
import { request } from '../helpers.ts'
import {
  APPEND_ONLY_TABLES,
  type AppendOnlyTable,
  advanceClock,
  everyRow,
  failKvPuts,
  failPurges,
  freshObject,
  holdNextKvRead,
  LOG_TABLES,
  openProposal,
  page,
  publish,
  purgeJobs,
  putDisclaimer,
  recordPurges,
  requireApproval,
  rowsTouched,
  runCron,
  type StoredRows,
  scheduledPurges,
  settled,
  storedRows,
  theLedger,
  until,
} from './helpers.ts'

/** A `history/` entry anyone with KV access could write, in the shape the pre-ledger store used. */
const FORGED_LEGACY_KEY = 'history/disclaimer/2020-01-01T00:00:00.000Z-x'
const TWENTY_EDITORS = Object.keys(TEST_EDITORS).filter((name) => name.startsWith('editor-')) as TestEditor[]
const HOME_HASH = sitePage('home')?.hash as string
const GLOBAL_DEFAULT = DEFAULT_DISCLAIMERS.get('disclaimer')?.paragraphs[0] as string

type PublishBody = Extract<PublishResult, { ok: true; version: LedgerVersion }>
type ErrorBody = { error: { code: string; message: string } }

async function clearKv() {
  for (const { name } of (await env.DISCLAIMERS.list()).keys) await env.DISCLAIMERS.delete(name)
}

function pause(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** With the two-person rule on: `proposer` proposes over whatever is current, `approver` approves. */
async function publishApproved(target: string, text: string, proposer: TestEditor, approver: TestEditor) {
  const current = await theLedger().read('current', target)
  const proposed = await openProposal({ target, text, base: current?.version ?? 0, by: proposer })
  const approved = await theLedger().approve({ id: proposed.id, by: approver })
  if (!approved.ok || !('version' in approved)) throw new Error(`not made live: ${JSON.stringify(approved)}`)
  return approved.version
}

function rowCount(rows: StoredRows): number {
  return APPEND_ONLY_TABLES.reduce((sum, table) => sum + rows[table].length, 0)
}

/** The first page of a target's history, newest first. */
async function versionsOf(target: string, page?: { limit?: number; before?: number }): Promise<LedgerVersion[]> {
  return (await theLedger().read('history', target, page)).versions
}

async function currentOf(target: string): Promise<number> {
  return (await theLedger().read('current', target))?.version ?? 0
}

/** Every method the object offers the Worker: the append-only test must call each of them. */
const PUBLIC_METHODS = Object.getOwnPropertyNames(DisclaimerLedger.prototype).filter((name) => name !== 'constructor')

/**
 * Each way SQL can change or remove a stored row: UPDATE, DELETE, and an insert that replaces a row on conflict, as
 * any table can be tampered with and in the forms each table's own columns allow.
 */
function tampering(table: AppendOnlyTable): string[] {
  const generic = [
    `UPDATE ${table} SET rowid = rowid`,
    `DELETE FROM ${table} WHERE rowid = (SELECT MAX(rowid) FROM ${table})`,
    `REPLACE INTO ${table} SELECT * FROM ${table}`,
  ]
  return [...generic, ...(TAMPERING[table] ?? [])]
}

const TAMPERING: Partial<Record<AppendOnlyTable, string[]>> = {
  page_contents: ["UPDATE page_contents SET words = '{}'", 'DELETE FROM page_contents'],
  page_servings: ["UPDATE page_servings SET hash = 'forged'", 'DELETE FROM page_servings'],
  reviews: [
    "UPDATE reviews SET hash = 'forged', name = 'Dr. Mallory'",
    'DELETE FROM reviews',
    "REPLACE INTO reviews (id, page, hash, reviewer, name, credentials, at, due_at) SELECT id, page, 'forged', reviewer, name, credentials, at, due_at FROM reviews",
  ],
  versions: [
    "UPDATE versions SET text = 'forged'",
    'DELETE FROM versions',
    "REPLACE INTO versions (seq, key, text, hash, at, by, how, valid) SELECT seq, key, 'forged', hash, at, 'mallory', how, valid FROM versions",
    "INSERT INTO versions (seq, key, at, by, how, valid) SELECT seq, key, at, by, how, valid FROM versions WHERE true ON CONFLICT (seq) DO UPDATE SET text = 'forged'",
  ],
  landings: [
    "UPDATE landings SET at = 'never'",
    'DELETE FROM landings',
    "REPLACE INTO landings (seq, at) SELECT seq, 'never' FROM landings",
  ],
  proposals: [
    "UPDATE proposals SET text = 'forged'",
    'DELETE FROM proposals',
    "REPLACE INTO proposals (id, key, text, hash, base, by, at) SELECT id, key, 'forged', hash, base, 'mallory', at FROM proposals",
  ],
  decisions: [
    "UPDATE decisions SET by = 'mallory'",
    'DELETE FROM decisions',
    "REPLACE INTO decisions (proposal_id, decision, by, at) SELECT proposal_id, 'rejected', 'mallory', at FROM decisions",
  ],
  imports: [
    'UPDATE imports SET imported = 0',
    'DELETE FROM imports',
    "REPLACE INTO imports (id, at, by, imported, problems) SELECT id, at, 'mallory', 0, '[]' FROM imports",
  ],
}

beforeEach(async () => {
  // The plugin keeps Durable Object storage and KV from one test to the next, so every test starts from an empty
  // ledger and an empty namespace and seeds its own. reset() empties the ledger; it left KV as it was after a test
  // that had not touched KV for seconds, so KV is cleared here too.
  await reset()
  await clearKv()
  expect(await theLedger().read('audit')).toEqual({ versions: [], next: null })
  vi.spyOn(console, 'warn').mockImplementation(() => {})
})

afterEach(() => {
  vi.restoreAllMocks()
})

describe('DisclaimerLedger', () => {
  describe('publish', () => {
    it('accepts exactly one of 20 concurrent publishes on the same base and answers the other 19 with 412', async () => {
      const base = await publish('global', 'The text all twenty editors read before editing it.')
      const textBy = (editor: string) => `Information only, not medical advice. Reviewed by ${editor}.`

      const responses = await Promise.all(
        TWENTY_EDITORS.map((editor) => putDisclaimer('global', textBy(editor), editor, base.version)),
      )

      const statuses = responses.map((res) => res.status)
      expect(statuses.filter((status) => status === 200 || status === 202)).toHaveLength(1)
      expect(statuses.filter((status) => status === 412)).toHaveLength(19)
      const winnerAt = statuses.findIndex((status) => status !== 412)
      const winner = TWENTY_EDITORS[winnerAt] as TestEditor
      const accepted = (await responses[winnerAt]?.json()) as PublishBody
      expect(accepted.version).toMatchObject({ by: winner, text: textBy(winner), how: 'publish' })
      for (const res of responses.filter((_, index) => index !== winnerAt)) {
        expect(((await res.json()) as ErrorBody).error.code).toBe('version_mismatch')
      }
      expect((await versionsOf('global')).map((row) => row.version)).toEqual([accepted.version.version, base.version])
      expect(await env.DISCLAIMERS.get('disclaimer')).toBe(textBy(winner))
      const home = await page('/')
      expect(home.status).toBe(200)
      expect(home.text).toContain(textBy(winner))
      expect(home.versions).toContain(`disclaimer=v${accepted.version.version}/${accepted.version.hash}`)
      expect(home.html).toContain(
        `data-disclaimer="disclaimer" data-disclaimer-version="v${accepted.version.version}" data-disclaimer-hash="${accepted.version.hash}"`,
      )
    })

    it('records the unrecorded text a write names as its base, then accepts the write over it', async () => {
      const first = await publish('global', 'The text the ledger published.')
      await env.DISCLAIMERS.put('disclaimer', 'A text put around the ledger.')
      const live = await theLedger().read('live', 'global')
      expect(live).toMatchObject({
        current: { version: first.version },
        unrecorded: { text: 'A text put around the ledger.', valid: true },
        base: `kv-${await sha256Hex('A text put around the ledger.')}`,
      })

      const result = await theLedger().publish({
        target: 'global',
        text: 'Over it.',
        base: live?.base ?? '',
        by: 'bob',
      })

      expect(result).toMatchObject({ ok: true, status: 'live', version: { text: 'Over it.' } })
      expect((await versionsOf('global')).map((row) => [row.how, row.text])).toEqual([
        ['publish', 'Over it.'],
        ['external', 'A text put around the ledger.'],
        ['publish', 'The text the ledger published.'],
      ])
      // The same base once KV holds yet another text names something pages no longer show.
      await env.DISCLAIMERS.put('disclaimer', 'Another text put around the ledger.')
      const stale = await theLedger().publish({ target: 'global', text: 'Late.', base: live?.base ?? '', by: 'carol' })
      expect(stale).toMatchObject({
        ok: false,
        code: 'version_mismatch',
        current: { how: 'external', text: 'Another text put around the ledger.' },
      })
      expect(await env.DISCLAIMERS.get('disclaimer')).toBe('Another text put around the ledger.')
    })
  })

  describe('write-through to KV', () => {
    it.each([
      ['throws', () => new Error('KV PUT failed: 500 Internal Server Error')],
      ['answers 429', () => new Error('KV PUT failed: 429 Too Many Requests')],
    ])(
      'answers pending while KV %s, then its alarm lands the version exactly once',
      async (_, error) => {
        const key = 'disclaimer:dosage-and-safety'
        const base = await publish('dosage-and-safety', 'The dosage note before the edit.')
        const puts = await failKvPuts(2, error)
        const text = 'The dosage note after the edit: no dose of kratom is known to be safe.'

        const res = await putDisclaimer('dosage-and-safety', text, 'bob', base.version)

        expect(res.status).toBe(202)
        const { version } = (await res.json()) as PublishBody
        expect(version).toMatchObject({ text, by: 'bob', landedAt: null })
        expect(await theLedger().read('pending')).toMatchObject([
          { key, version: version.version, attempts: 1, lastError: error().message },
        ])
        expect((await page('/dosage-and-safety')).text).toContain('The dosage note before the edit.')

        // Nothing but the object's own alarm retries: after 1 s (refused again), then 2 s later (lands).
        await until(async () => (await theLedger().read('pending')).length === 0, 10_000)

        expect(puts.refused).toEqual([key, key])
        // The metadata names the ledger row; it may carry more (the chain's hash).
        const metadata = expect.objectContaining({ seq: version.version, hash: version.hash })
        expect(puts.landed).toEqual([{ key, value: text, metadata }])
        // A further alarm (the one set for the second purge) writes nothing again.
        expect(await runDurableObjectAlarm(theLedger())).toBe(true)
        expect(puts.landed).toHaveLength(1)
        const { landings } = await storedRows()
        expect(landings.filter((row) => row.seq === version.version)).toHaveLength(1)
        expect((await versionsOf('dosage-and-safety')).map((row) => row.version)).toEqual([
          version.version,
          base.version,
        ])
        expect(await env.DISCLAIMERS.getWithMetadata(key)).toEqual({
          value: text,
          metadata,
          cacheStatus: null,
        })
        const dosage = await page('/dosage-and-safety')
        expect(dosage.text).toContain(text)
        expect(dosage.versions).toContain(`${key}=v${version.version}/${version.hash}`)
        expect(await theLedger().read('pending')).toEqual([])
      },
      15_000,
    )

    it('sets the alarm in the same step as the outbox row, before KV is asked to take the version', async () => {
      const seenAtPut: { alarm: number | null; outbox: { seq: number; next_at: number }[] }[] = []
      // The ledger's clock stands an hour ahead, so the real alarm does not fire while the test looks.
      const T = Date.now() + 3_600_000
      await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger, state) => {
        ledger.now = () => T
        // The log's checkpoint, due at once when a key is set, is not what this looks at.
        ledger.env = { ...ledger.env, LOG_SIGNING_KEY: '' }
        const real = ledger.kv
        const put = async () => {
          seenAtPut.push({
            alarm: await state.storage.getAlarm(),
            outbox: state.storage.sql
              .exec<{ seq: number; next_at: number }>('SELECT seq, next_at FROM outbox')
              .toArray(),
          })
          throw new Error('KV PUT failed: 503 Service Unavailable')
        }
        ledger.kv = {
          get: real.get.bind(real),
          list: real.list.bind(real),
          getWithMetadata: real.getWithMetadata.bind(real),
          put: put as LedgerKV['put'],
        }
      })
      expect((await scheduledPurges()).alarm).toBeNull()

      const result = await theLedger().publish({
        target: 'conclusion',
        text: 'Accepted first.',
        base: 'none',
        by: 'alice',
      })

      expect(result).toMatchObject({ ok: true, status: 'pending' })
      // The put is tried at once; the row and the alarm already stand for its retry a second later.
      expect(seenAtPut).toEqual([
        { alarm: T + 1_000, outbox: [{ seq: (result as PublishBody).version.version, next_at: T + 1_000 }] },
      ])
      expect((await scheduledPurges()).alarm).toBe(T + 1_000)
    })

    it('arms its alarm when it starts with a write waiting in the outbox, and the alarm lands it', async () => {
      const stub = freshObject()
      const text = 'Accepted just before the object stopped.'
      const accepted = await runInDurableObject(stub, async (_instance: DisclaimerLedger, state) => {
        const sql = state.storage.sql
        const version = insertVersion(sql, {
          key: 'disclaimer:conclusion',
          text,
          hash: await contentHash(text),
          by: 'alice',
          how: 'publish',
          valid: true,
          now: Date.now(),
        })
        enqueueWrite(sql, version.key, version.version, Date.now())
        // As if the object stopped after the rows were committed and before an alarm was set.
        await state.storage.deleteAlarm()
        return { version, nextAt: sql.exec<{ next_at: number }>('SELECT next_at FROM outbox').one().next_at }
      })
      expect(
        await runInDurableObject(stub, (_instance: DisclaimerLedger, state) => state.storage.getAlarm()),
      ).toBeNull()

      await evictDurableObject(stub)

      expect(await runInDurableObject(stub, (_instance: DisclaimerLedger, state) => state.storage.getAlarm())).toBe(
        accepted.nextAt,
      )
      await until(async () => (await env.DISCLAIMERS.get('disclaimer:conclusion')) === text, 10_000)
      expect((await env.DISCLAIMERS.getWithMetadata('disclaimer:conclusion')).metadata).toMatchObject({
        seq: accepted.version.version,
        hash: accepted.version.hash,
      })
      expect(await stub.read('pending')).toEqual([])
      const landedAt = Date.parse((await stub.read('version', accepted.version.version))?.landedAt ?? '')
      expect(landedAt).toBeGreaterThanOrEqual(accepted.nextAt)
      expect(landedAt).toBeLessThanOrEqual(Date.now())
    })
  })

  describe('reconcile', () => {
    it('records a direct KV write as a valid external version and purges its pages now and once more later', async () => {
      await publish('global', 'The text the ledger published.')
      const purged = await recordPurges()
      const scheduledBefore = (await scheduledPurges()).purges.length
      const text = 'A text put with wrangler kv key put, around the ledger.'
      await env.DISCLAIMERS.put('disclaimer', text)
      const noticedFrom = Date.now()

      const recorded = await theLedger().reconcile()

      expect(recorded).toHaveLength(1)
      const [external] = recorded as [LedgerVersion]
      expect(external).toMatchObject({
        key: 'disclaimer',
        text,
        how: 'external',
        by: EXTERNAL_EDITOR,
        valid: true,
        problem: null,
      })
      expect(external.hash).toBe(await contentHash(text))
      expect(await theLedger().read('current', 'global')).toMatchObject({ version: external.version })
      expect(purged).toEqual([['disclaimer:global']])
      const { purges, alarm } = await scheduledPurges()
      expect(purges).toHaveLength(scheduledBefore + 1)
      const second = purges.at(-1) as { tags: string[]; due: number }
      expect(second.tags).toEqual(['disclaimer:global'])
      expect(second.due).toBeGreaterThanOrEqual(noticedFrom + SECOND_PURGE_AFTER_MS)
      expect(second.due).toBeLessThanOrEqual(Date.now() + SECOND_PURGE_AFTER_MS)
      // Due now: the messages about the edit, recorded with it.
      expect(alarm).toBeGreaterThanOrEqual(Date.parse(external.at))
      expect(alarm).toBeLessThanOrEqual(Date.now())
      expect((await page('/')).text).toContain(text)

      expect(await theLedger().reconcile()).toEqual([])
      expect(await versionsOf('global')).toHaveLength(2)
      expect(purged).toEqual([['disclaimer:global']])
    })

    it.each([
      ['a zero-width space', 'Information only\u200B, not medical advice.', /U\+200B/],
      ['2,001 characters', 'x'.repeat(2001), /2001 characters/],
    ])(
      'records an external text with %s as invalid, logs an error naming the key, and pages show the bundled default',
      async (_, text, problem) => {
        const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
        const purged = await recordPurges()
        await env.DISCLAIMERS.put('disclaimer', text)

        const recorded = await theLedger().reconcile()

        expect(recorded).toMatchObject([
          { key: 'disclaimer', how: 'external', valid: false, problem: expect.stringMatching(problem) },
        ])
        const [external] = recorded as [LedgerVersion]
        expect(errors).toHaveBeenCalledWith(
          expect.stringContaining('outside the ledger'),
          expect.objectContaining({ key: 'disclaimer', version: external.version, shown: 'bundled default' }),
        )
        expect(purged).toEqual([['disclaimer:global']])
        const home = await page('/')
        expect(home.status).toBe(200)
        expect(home.source).toBe('default')
        expect(home.text).toContain(GLOBAL_DEFAULT)
        expect(home.text).not.toContain(text)
        expect(await theLedger().reconcile()).toEqual([])
        expect(await versionsOf('global')).toHaveLength(1)
      },
    )

    it("runs from the Worker's cron trigger", async () => {
      vi.spyOn(console, 'log').mockImplementation(() => {})
      const purged = await recordPurges()
      const text = 'A closing note typed into the Cloudflare dashboard.'
      await env.DISCLAIMERS.put('disclaimer:conclusion', text)

      await exports.default.scheduled()

      expect(await versionsOf('conclusion')).toMatchObject([{ text, how: 'external', valid: true }])
      expect(purged).toEqual([['disclaimer:conclusion']])
      await exports.default.scheduled()
      expect(await versionsOf('conclusion')).toHaveLength(1)
    })

    it('records a side-door text carrying the KV metadata of a ledger version, and live and overview show it first', async () => {
      const shown = await publish('global', 'The text the ledger published.')
      const text = 'A side-door text that names a ledger version in its metadata.'
      await env.DISCLAIMERS.put('disclaimer', text, { metadata: { seq: shown.version, hash: await contentHash(text) } })

      const live = await theLedger().read('live', 'global')
      const overview = (await theLedger().read('overview')).find((row) => row.target === 'global')
      const recorded = await theLedger().reconcile()

      const unrecorded = {
        current: { version: shown.version },
        unrecorded: { text, valid: true },
        base: `kv-${await sha256Hex(text)}`,
      }
      expect(live).toMatchObject(unrecorded)
      expect(overview).toMatchObject(unrecorded)
      expect(recorded).toMatchObject([{ key: 'disclaimer', text, how: 'external', by: EXTERNAL_EDITOR }])
      const external = (recorded as [LedgerVersion])[0]
      const after = { current: { version: external.version, text }, unrecorded: null, base: String(external.version) }
      expect(await theLedger().read('live', 'global')).toMatchObject(after)
      expect((await theLedger().read('overview')).find((row) => row.target === 'global')).toMatchObject(after)
    })

    it.each([
      ["another key's version holding the same text", 'conclusion'],
      ['a version of this key holding another text', 'global'],
    ])('does not trust KV metadata naming %s', async (_, named) => {
      const text = 'A side-door text.'
      const other = await publish(named, named === 'global' ? 'An earlier global text.' : text)
      const shown = await publish('global', 'The text the ledger published.')
      await env.DISCLAIMERS.put('disclaimer', text, { metadata: { seq: other.version, hash: await contentHash(text) } })

      const recorded = await theLedger().reconcile()

      expect(Date.parse(shown.landedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(shown.at))
      expect(Date.parse(shown.landedAt ?? '')).toBeLessThanOrEqual(Date.now())
      expect(recorded).toMatchObject([{ key: 'disclaimer', text, how: 'external' }])
      expect(await theLedger().read('current', 'global')).toMatchObject({ how: 'external', text })
    })

    it("names no ledger version on pages for a text planted with a version's metadata, and the external version once signed", async () => {
      const v8 = await publish('conclusion', 'A closing note the ledger wrote.')
      const text = 'Planted with wrangler kv key put and v8 metadata.'
      // What `wrangler kv key put disclaimer "X" --metadata '{"seq":8,"hash":…,"chain":…}'` writes.
      const planted = { seq: v8.version, hash: await contentHash(text), chain: v8.chain }
      await env.DISCLAIMERS.put('disclaimer', text, { metadata: planted })

      const before = await page('/')
      expect(before.versions).toContain(`disclaimer=unrecorded/${await contentHash(text)}`)
      expect(before.html).not.toContain(v8.chain as string)
      const [external] = (await theLedger().reconcile()) as [LedgerVersion]
      expect(external).toMatchObject({ how: 'external', text })
      // Signed only once it has been seen for a while: KV's cache answering late is never written back.
      expect((await page('/')).versions).toContain('disclaimer=unrecorded/')
      await advanceClock(STALE_READ_MS + 1)
      expect(await theLedger().reconcile()).toEqual([])

      const after = await page('/')
      const signed = (await theLedger().read('version', external.version)) as LedgerVersion
      expect(after.versions).toContain(`disclaimer=v${external.version}/${external.hash}`)
      expect(after.html).toContain(`data-disclaimer-chain="${signed.chain}"`)
      expect(await env.DISCLAIMERS.get('disclaimer')).toBe(text)
      expect(signed.landedAt).not.toBeNull()
      expect(await versionsOf('global')).toHaveLength(1)
      const told = await theLedger().read('events', { versions: [external.version] })
      expect(told.events.map((event) => event.kind)).toEqual(['external_edit'])
      // From when it was seen, not from when the ledger signed it.
      expect((await theLedger().read('versionAt', 'global', external.at))?.version).toBe(external.version)
    })

    it('records at once, even just after a landing, a text planted with metadata naming a row that holds it', async () => {
      const old = await publish('global', 'The text before.')
      const now = await publish('global', 'The text now.')
      const metadata = { seq: old.version, hash: old.hash, chain: old.chain }
      await env.DISCLAIMERS.put('disclaimer', 'The text before.', { metadata })

      const recorded = await theLedger().reconcile()

      expect(recorded).toMatchObject([{ how: 'external', text: 'The text before.', by: EXTERNAL_EDITOR }])
      // And a write in that window records it first, rather than overwrite it unseen.
      await env.DISCLAIMERS.put('disclaimer', 'The text now.', { metadata: { seq: now.version, hash: now.hash } })
      const live = await theLedger().read('live', 'global')
      const published = await theLedger().publish({
        target: 'global',
        text: 'Over the planted text.',
        base: live?.base ?? '',
        by: 'bob',
      })
      expect(published).toMatchObject({ ok: true })
      expect((await versionsOf('global')).map((row) => [row.how, row.text])).toEqual([
        ['publish', 'Over the planted text.'],
        ['external', 'The text now.'],
        ['external', 'The text before.'],
        ['publish', 'The text now.'],
        ['publish', 'The text before.'],
      ])
    })

    it('after LEDGER_SECRET is rotated, signs the current versions again on the next cron run, recording nothing', async () => {
      const rotated = 'ab'.repeat(32)
      const version = await publish('global', 'Signed under the old secret.')
      await settled()
      const kept = await storedRows()
      await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger) => {
        ledger.env = { ...ledger.env, LEDGER_SECRET: rotated }
      })
      const pageWith = async () =>
        (await request('/', {}, { LEDGER_SECRET: rotated })).headers.get('Disclaimer-Version') ?? ''

      expect(await pageWith()).toContain('disclaimer=unrecorded/')
      expect(await theLedger().reconcile()).toEqual([])

      expect(await pageWith()).toContain(`disclaimer=v${version.version}/`)
      expect((await page('/')).versions).toContain('disclaimer=unrecorded/')
      await settled()
      const after = await storedRows()
      // No version, landing or event: only the purges of the pages that name it.
      for (const table of ['versions', 'landings', 'events', 'proposals', 'decisions'] as const) {
        expect(after[table], table).toEqual(kept[table])
      }
    })

    it('does not record the text a read found before a publish landed as an edit made around the ledger', async () => {
      await env.DISCLAIMERS.put('disclaimer', 'A text put around the ledger.')
      const [external] = (await theLedger().reconcile()) as [LedgerVersion]
      expect(external).toMatchObject({ how: 'external', text: 'A text put around the ledger.' })
      const text = 'The text published while the read was on its way.'

      // The cron's read reaches KV before the publish lands, and its answer reaches the ledger after.
      const { recorded, published } = await runInDurableObject(theLedger(), async (face: DisclaimerLedger) => {
        const read = holdNextKvRead(face.ledger)
        const cron = face.reconcile()
        await read.answered
        const base = (await face.read('live', 'global'))?.base ?? ''
        const result = await face.publish({ target: 'global', text, base, by: 'bob' })
        read.release()
        return { recorded: await cron, published: result }
      })

      expect(recorded).toEqual([])
      expect(published).toMatchObject({ ok: true, status: 'live', version: { text } })
      const { version } = published as PublishBody
      expect(await theLedger().read('current', 'global')).toMatchObject({ version: version.version })
      expect((await versionsOf('global')).map((row) => row.version)).toEqual([version.version, external.version])
      expect(await theLedger().reconcile()).toEqual([])
    })
  })

  describe('a record migrated by newer code', () => {
    it('refuses every write, naming both schema versions and the fix, and keeps answering reads', async () => {
      const shown = await publish('global', 'Written before the older code came back.')
      const stub = theLedger()
      await runInDurableObject(stub, (_instance: DisclaimerLedger, state) => {
        state.storage.sql.exec(
          "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from newer code', ?)",
          LATEST_SCHEMA_VERSION + 1,
          new Date().toISOString(),
        )
      })
      // The object starts again, as it does when older code is deployed over the newer.
      await evictDurableObject(stub)
      const before = await everyRow()
      const refusal = {
        ok: false,
        code: 'schema_ahead',
        message: `the ledger's record is at schema version ${LATEST_SCHEMA_VERSION + 1}, migrated by newer code, and this code knows versions up to ${LATEST_SCHEMA_VERSION}; it reads the record but changes nothing. Nothing was written: deploy the newer code again (the release that migrated it, or a later one) to write`,
      }
      const write = { target: 'global', text: 'Refused.', base: shown.version, by: 'carol' }

      expect(await stub.publish(write)).toEqual(refusal)
      expect(await stub.propose(write)).toEqual(refusal)
      expect(await stub.approve({ id: 1, by: 'bob' })).toEqual(refusal)
      expect(await stub.reject({ id: 1, by: 'bob', reason: 'no' })).toEqual(refusal)
      expect(await stub.rollback({ ...write, to: shown.version })).toEqual(refusal)
      expect(await stub.cancel({ id: 1, by: 'bob', reason: 'no' })).toEqual(refusal)
      expect(await stub.seed('carol')).toEqual([refusal])
      // The cron's run and a sign-out answer nothing: they throw the refusal (the cron's run then shows as failed).
      const thrown = await runInDurableObject(stub, async (instance: DisclaimerLedger) => {
        const messages: string[] = []
        for (const write of [() => instance.reconcile(), async () => instance.endSessions('alice')]) {
          await write().catch((error: Error) => messages.push(error.message))
        }
        await instance.alarm()
        return messages
      })
      expect(thrown).toEqual([`schema_ahead: ${refusal.message}`, `schema_ahead: ${refusal.message}`])
      expect(await stub.read('current', 'global')).toMatchObject({ version: shown.version, text: shown.text })
      expect((await stub.read('history', 'global')).versions.map((row) => row.version)).toEqual([shown.version])
      expect((await stub.read('audit')).versions).toHaveLength(1)
      const res = await putDisclaimer('global', 'Through the API.', 'carol', shown.version)
      expect(res.status).toBe(503)
      expect(await res.json()).toMatchObject({ error: { code: 'schema_ahead', message: refusal.message } })
      expect(await everyRow()).toEqual(before)
    })
  })

  describe('two-person rule', () => {
    it('answers an approval that lost its race with a rejection as a conflict saying so, and publishes nothing', async () => {
      await requireApproval()
      const proposed = await openProposal({ target: 'conclusion', text: 'Raced.', base: 0, by: 'alice' })

      // The approval reads KV before it writes; the rejection lands while that read is on its way.
      const { approved, rejected } = await runInDurableObject(theLedger(), async (face: DisclaimerLedger) => {
        const read = holdNextKvRead(face.ledger)
        const approving = face.approve({ id: proposed.id, by: 'bob' })
        await read.answered
        const rejected = face.reject({ id: proposed.id, by: 'carol', reason: 'not this' })
        read.release()
        return { approved: await approving, rejected }
      })

      expect(rejected).toMatchObject({ ok: true, proposal: { status: 'rejected', decidedBy: 'carol' } })
      expect(approved).toEqual({
        ok: false,
        code: 'proposal_decided',
        message: `proposal ${proposed.id} was already rejected by carol while your approval was being written; nothing was published`,
      })
      expect(await versionsOf('conclusion')).toEqual([])
      expect(await theLedger().read('proposal', proposed.id)).toMatchObject({ status: 'rejected', decidedBy: 'carol' })
    })

    it('answers the second of two approvals racing as already approved, and publishes once', async () => {
      await requireApproval()
      const proposed = await openProposal({ target: 'conclusion', text: 'Approved twice.', base: 0, by: 'alice' })

      const [first, second] = await runInDurableObject(theLedger(), async (face: DisclaimerLedger) => {
        const read = holdNextKvRead(face.ledger)
        const slow = face.approve({ id: proposed.id, by: 'bob' })
        await read.answered
        const fast = await face.approve({ id: proposed.id, by: 'carol' })
        read.release()
        return [await slow, fast]
      })

      expect(second).toMatchObject({ ok: true, status: 'live', version: { approvedBy: 'carol' } })
      const version = (second as { version: LedgerVersion }).version.version
      expect(first).toEqual({
        ok: false,
        code: 'already_approved',
        message: `proposal ${proposed.id} was already approved by carol and published as version ${version} while your approval was being written; nothing was published`,
      })
      expect((await versionsOf('conclusion')).map((row) => row.version)).toEqual([version])
    })

    it('refuses a direct publish and records nothing', async () => {
      await requireApproval()
      expect(await theLedger().read('requiresApproval')).toBe(true)

      const result = await theLedger().publish({
        target: 'conclusion',
        text: 'Straight to the site.',
        base: 0,
        by: 'alice',
      })

      expect(result).toMatchObject({ ok: false, code: 'approval_required' })
      expect(await versionsOf('conclusion')).toEqual([])
    })

    it.each(['yes', 'True', ''])('stays on when REQUIRE_APPROVAL is %j: only "false" turns it off', async (value) => {
      await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger) => {
        ledger.env = { ...ledger.env, REQUIRE_APPROVAL: value }
      })
      expect(await theLedger().read('requiresApproval')).toBe(true)
      const result = await theLedger().publish({
        target: 'conclusion',
        text: 'Straight to the site.',
        base: 0,
        by: 'alice',
      })
      expect(result).toMatchObject({ ok: false, code: 'approval_required' })
      expect(await versionsOf('conclusion')).toEqual([])
    })

    it('refuses a principal not named in EDITORS, whatever they try', async () => {
      await requireApproval()
      const live = await publishApproved('conclusion', 'A closing note.', 'alice', 'bob')
      const proposed = await openProposal({
        target: 'conclusion',
        text: 'Another note.',
        base: live.version,
        by: 'alice',
      })
      const stranger = 'mallory@example.org'

      const results = [
        await theLedger().propose({
          target: 'conclusion',
          text: 'Mallory was here.',
          base: live.version,
          by: stranger,
        }),
        await theLedger().approve({ id: proposed.id, by: stranger }),
        await theLedger().reject({ id: proposed.id, by: stranger, reason: 'I say no.' }),
        await theLedger().rollback({ target: 'conclusion', to: live.version, base: live.version, by: stranger }),
      ]

      for (const result of results) expect(result).toMatchObject({ ok: false, code: 'unknown_editor' })
      expect(await theLedger().read('proposal', proposed.id)).toMatchObject({ status: 'open' })
      expect(await versionsOf('conclusion')).toHaveLength(1)
    })

    it('refuses an approval note that breaks the text rule, and records nothing', async () => {
      await requireApproval()
      const proposed = await openProposal({
        target: 'conclusion',
        text: 'A closing note.',
        base: 0,
        by: 'alice',
      })

      const result = await theLedger().approve({
        id: proposed.id,
        by: 'bob',
        note: 'fine\u001b]0;pwned\u0007',
      })

      expect(result).toMatchObject({ ok: false, code: 'invalid_text', field: 'note' })
      expect(await theLedger().read('proposal', proposed.id)).toMatchObject({ status: 'open' })
      expect(await versionsOf('conclusion')).toEqual([])
    })

    it('refuses a rejection without a reason and records one with it', async () => {
      await requireApproval()
      const proposed = await openProposal({
        target: 'conclusion',
        text: 'A closing note.',
        base: 0,
        by: 'alice',
      })

      const empty = await theLedger().reject({ id: proposed.id, by: 'bob', reason: '   ' })
      const rejected = await theLedger().reject({ id: proposed.id, by: 'bob', reason: 'cite the FDA warning' })

      expect(empty).toMatchObject({ ok: false, code: 'invalid_text', field: 'reason' })
      expect(rejected).toMatchObject({
        ok: true,
        proposal: { status: 'rejected', decidedBy: 'bob', reason: 'cite the FDA warning', publishedVersion: null },
      })
      expect(await versionsOf('conclusion')).toEqual([])
    })

    it("refuses to approve a removed editor's proposal, saying who is gone, and lets it be rejected", async () => {
      await requireApproval()
      const proposed = await openProposal({ target: 'conclusion', text: 'Proposed, then gone.', base: 0, by: 'alice' })
      await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger) => {
        const editors = JSON.parse(ledger.env.EDITORS) as Record<string, unknown>
        delete editors.alice
        ledger.env = { ...ledger.env, EDITORS: JSON.stringify(editors) }
      })

      const result = await theLedger().approve({ id: proposed.id, by: 'bob' })

      expect(result).toMatchObject({
        ok: false,
        code: 'unknown_editor',
        message:
          'alice, who proposed this, is no longer one of the editors named in EDITORS, so it cannot be approved; reject it, or propose the text again yourself',
      })
      expect(await versionsOf('conclusion')).toEqual([])
      expect(await theLedger().reject({ id: proposed.id, by: 'bob', reason: 'alice has left' })).toMatchObject({
        ok: true,
        proposal: { status: 'rejected' },
      })
    })

    it('refuses one editor alone a rollback to a text nobody approved, saying to propose it, and allows an approved one', async () => {
      vi.spyOn(console, 'error').mockImplementation(() => {})
      const seeded = (await theLedger().seed('alice')).find(
        (result) => result.ok && 'version' in result && result.version.target === 'global',
      ) as PublishBody
      await requireApproval()
      const approved = await publishApproved('global', 'A text two editors agreed on.', 'alice', 'bob')
      await env.DISCLAIMERS.put('disclaimer', 'A text put in around the ledger.')
      const [external] = (await theLedger().reconcile()) as [LedgerVersion]
      const now = await publishApproved('global', 'The text after the side door.', 'bob', 'carol')

      const rollback = (to: number) => theLedger().rollback({ target: 'global', to, base: now.version, by: 'alice' })
      const toExternal = await rollback(external.version)
      const toSeeded = await rollback(seeded.version.version)

      expect(toExternal).toMatchObject({
        ok: false,
        code: 'approval_required',
        message: `version ${external.version} was written around the ledger (external), and no second editor approved its text, so where approval is required one editor alone cannot make it live again: propose its text instead, and another editor approves it`,
      })
      expect(toSeeded).toMatchObject({
        ok: false,
        code: 'approval_required',
        message: expect.stringContaining(`version ${seeded.version.version} was seeded from the bundled default`),
      })
      expect(await theLedger().read('current', 'global')).toMatchObject({ version: now.version })
      expect(await rollback(approved.version)).toMatchObject({
        ok: true,
        status: 'live',
        version: { how: 'rollback', rollbackOf: approved.version, by: 'alice' },
      })
    })

    it('lets one editor alone roll back to a version that was live', async () => {
      await requireApproval()
      const first = await publishApproved('conclusion', 'The note that was live first.', 'alice', 'bob')
      const second = await publishApproved('conclusion', 'The note that replaced it.', 'bob', 'carol')

      const result = await theLedger().rollback({
        target: 'conclusion',
        to: first.version,
        base: second.version,
        by: 'carol',
      })

      expect(result).toMatchObject({
        ok: true,
        status: 'live',
        version: { how: 'rollback', rollbackOf: first.version, by: 'carol', approvedBy: null, text: first.text },
      })
      expect(await env.DISCLAIMERS.get('disclaimer:conclusion')).toBe(first.text)
    })
  })

  describe('versionAt', () => {
    it('names the version live at any time across publishes, a rollback and an external edit', async () => {
      const target = 'exploring-kratom'
      const rows: LedgerVersion[] = []
      rows.push(await publish(target, 'First: information only.', 'alice'))
      await pause(5)
      rows.push(await publish(target, 'Second: information only, not advice.', 'bob'))
      await pause(5)
      const rolledBack = await theLedger().rollback({
        target,
        to: (rows[0] as LedgerVersion).version,
        base: (rows[1] as LedgerVersion).version,
        by: 'carol',
      })
      if (!rolledBack.ok || !('version' in rolledBack)) throw new Error(`not made live: ${JSON.stringify(rolledBack)}`)
      rows.push(rolledBack.version)
      await pause(5)
      await env.DISCLAIMERS.put('disclaimer:exploring-kratom', 'Fourth: put straight into KV.')
      rows.push(...(await theLedger().reconcile()))
      expect(rows.map((row) => row.how)).toEqual(['publish', 'publish', 'rollback', 'external'])

      // A version the ledger wrote is live from when KV took it; one made around the ledger, from when it was seen.
      const liveFrom = (row: LedgerVersion) => row.landedAt ?? row.at
      const ms = (row: LedgerVersion | undefined) => Date.parse(liveFrom(row as LedgerVersion))
      const iso = (time: number) => new Date(time).toISOString()
      const at = async (time: string) => (await theLedger().read('versionAt', target, time))?.version ?? null

      expect(rows.slice(0, 3).map((row) => row.landedAt)).not.toContain(null)
      expect(await at(iso(ms(rows[0]) - 1))).toBeNull()
      for (const [index, row] of rows.entries()) {
        expect(await at(liveFrom(row)), `at ${row.how} #${index}`).toBe(row.version)
        const next = rows[index + 1]
        if (next) {
          expect(ms(next) - ms(row), 'the steps are apart in time').toBeGreaterThanOrEqual(2)
          expect(await at(iso(ms(next) - 1)), `just before #${index + 1}`).toBe(row.version)
        }
      }
      expect(await at(iso(Date.now() + 60_000))).toBe((rows[3] as LedgerVersion).version)
      // The same instant written with an offset names the same version.
      const second = new Date(ms(rows[1]) + 2 * 3_600_000).toISOString().replace('Z', '+02:00')
      expect(await at(second)).toBe((rows[1] as LedgerVersion).version)
      expect(await theLedger().read('versionAt', 'conclusion', iso(Date.now()))).toBeNull()
      expect(await at('not a time')).toBeNull()
    })

    it('never names a version that KV never took, however late the time asked about', async () => {
      const live = await publish('conclusion', 'The closing note pages show.', 'alice')
      await failKvPuts(1_000, () => new Error('KV PUT failed: 503 Service Unavailable'))
      const stuck = await theLedger().publish({
        target: 'conclusion',
        text: 'Accepted, never written to KV.',
        base: live.version,
        by: 'bob',
      })
      expect(stuck).toMatchObject({ ok: true, status: 'pending', version: { landedAt: null } })
      const accepted = (stuck as PublishBody).version

      for (const time of [accepted.at, new Date(Date.now() + 3_600_000).toISOString(), '9999-12-31T23:59:59.999Z']) {
        expect((await theLedger().read('versionAt', 'conclusion', time))?.version, time).toBe(live.version)
      }
      expect(await theLedger().read('current', 'conclusion')).toMatchObject({ version: accepted.version })
    })
  })

  describe('scheduledAt', () => {
    it('answers null, not an error, for a time it cannot read', async () => {
      await publish('global', 'The text pages show.')

      expect(await theLedger().read('scheduledAt', 'global', 'not a time')).toBeNull()
      expect(await theLedger().read('scheduledAt', 'global', "'; DROP TABLE schedules; --")).toBeNull()
    })
  })

  describe('reads', () => {
    it('write no row in any table, with edits made around the ledger waiting in KV', async () => {
      const first = await publish('global', 'The text the ledger published.', 'alice')
      const proposed = await openProposal({ target: 'home', text: 'A home note.', base: 0, by: 'alice' })
      await env.DISCLAIMERS.put('disclaimer', 'An edit around the ledger, not recorded yet.')
      await env.DISCLAIMERS.put('disclaimer:conclusion', 'An edit on a key the ledger never wrote.')
      await env.DISCLAIMERS.put('history/disclaimer:home/2026-01-01T00:00:00.000Z-aaaa1111', '')
      const ledger = theLedger()
      await settled()
      const before = await everyRow()
      const alarm = (await scheduledPurges()).alarm
      const app = createApp()

      const reads = [
        await ledger.read('live', 'global'),
        await ledger.read('live', 'conclusion'),
        await ledger.read('overview'),
        await ledger.read('current', 'global'),
        await ledger.read('history', 'global'),
        await ledger.read('versionAt', 'global', new Date().toISOString()),
        await ledger.read('version', first.version),
        await ledger.read('audit'),
        await ledger.read('proposals'),
        await ledger.read('proposal', proposed.id),
        await ledger.read('pending'),
        await ledger.read('importRecord'),
        await ledger.read('events'),
        await ledger.read('exportPage'),
        await ledger.read('head'),
        await ledger.read('schedules'),
        await ledger.read('scheduledAt', 'global', new Date(Date.now() + 86_400_000).toISOString()),
        await ledger.sessionCutoff('alice'),
        await ledger.read('requiresApproval'),
      ]
      const paths = ['/admin/disclaimers', '/admin/disclaimers/global', '/admin/disclaimers/conclusion', '/admin/audit']
      for (const path of [...paths, '/admin/disclaimers/global/history', '/admin/proposals', '/admin/import']) {
        const res = await request(path, { headers: bearer('alice') }, {}, app)
        expect(res.status, path).toBe(200)
      }

      expect(reads[0]).toMatchObject({ unrecorded: { text: 'An edit around the ledger, not recorded yet.' } })
      expect(reads[1]).toMatchObject({
        current: null,
        unrecorded: { text: 'An edit on a key the ledger never wrote.' },
      })
      expect(await everyRow()).toEqual(before)
      expect((await scheduledPurges()).alarm).toBe(alarm)
    })
  })

  describe('append-only record', () => {
    it('keeps every earlier row byte for byte through every public method, hostile input included', async () => {
      const ledger = theLedger()
      const first = await publish('global', 'The first text.', 'alice')
      const second = await publish('global', 'The second text.', 'bob')
      await env.DISCLAIMERS.put('disclaimer:conclusion', 'An edit around the ledger.')
      await env.DISCLAIMERS.put('history/disclaimer:home/2026-01-01T00:00:00.000Z-aaaaaaaa', '', {
        metadata: { at: '2026-01-01T00:00:00.000Z', by: 'old\u001bcli', action: 'set', note: 'x\u0000' },
      })
      const open = await ledger.propose({ target: 'home', text: 'A home note.', base: 0, by: 'alice' })
      const decided = await ledger.propose({
        target: 'understanding-muscle-soreness',
        text: 'Decided.',
        base: 0,
        by: 'alice',
      })
      // Proposed over what KV holds unrecorded: the proposal records that edit first.
      const toReject = await ledger.propose({
        target: 'conclusion',
        text: 'Not this.',
        base: (await ledger.read('live', 'conclusion'))?.base ?? 'none',
        by: 'bob',
      })
      if (!open.ok || !decided.ok || !toReject.ok) throw new Error('a proposal was refused')
      await ledger.reject({ id: decided.proposal.id, by: 'bob', reason: 'stale' })
      const inAnHour = new Date(Date.now() + 3_600_000).toISOString()
      const later = await ledger.publish({
        target: 'home',
        text: 'Later.',
        base: 0,
        by: 'alice',
        effectiveAt: inAnHour,
      })
      if (!later.ok || !('schedule' in later)) throw new Error('the scheduled publish was refused')
      const hostile = "global'; DELETE FROM versions; --"
      // Each call with `true` is an ordinary one that must append a row, so every kind of write runs while watched.
      const calls: [string, () => Promise<unknown>, true?][] = [
        ['current', () => ledger.read('current', hostile)],
        ['history', () => ledger.read('history', 'global', { limit: -1 })],
        ['history', () => ledger.read('history', hostile, { before: -1 })],
        ['versionAt', () => ledger.read('versionAt', 'global', "'; DROP TABLE versions; --")],
        ['versionAt', () => ledger.read('versionAt', hostile, '9999-12-31T23:59:59.999Z')],
        ['version', () => ledger.read('version', -1)],
        ['audit', () => ledger.read('audit', { limit: -1, before: Number.MAX_SAFE_INTEGER })],
        ['proposals', () => ledger.read('proposals', { status: 'open', target: hostile })],
        ['proposal', () => ledger.read('proposal', 0)],
        ['openProposalCount', () => ledger.read('openProposalCount', hostile)],
        ['pending', () => ledger.read('pending')],
        ['requiresApproval', () => ledger.read('requiresApproval')],
        ['proposeOnly', () => ledger.read('proposeOnly', hostile, hostile)],
        ['proposeOnly', () => ledger.read('proposeOnly', 'global', "'; DROP TABLE versions; --")],
        ['live', () => ledger.read('live', hostile)],
        ['live', () => ledger.read('live', 'global')],
        ['overview', () => ledger.read('overview')],
        ['importRecord', () => ledger.read('importRecord')],
        ['events', () => ledger.read('events', { limit: -1, versions: [first.version, -1] })],
        ['exportPage', () => ledger.read('exportPage', { after: -1, limit: -1 })],
        ['exportText', () => ledger.read('exportText', { after: -1, limit: -1 })],
        ['readJson', () => ledger.readJson({ target: hostile }, 'history', hostile, { limit: -1 })],
        ['head', () => ledger.read('head')],
        ['logFile', () => ledger.read('logFile', 'checkpoint')],
        ['logFile', () => ledger.read('logFile', "tile/0/000'; DELETE FROM log_leaves; --")],
        ['logFile', () => ledger.read('logFile', 'tile/entries/000.p/1')],
        ['events', () => ledger.read('events', { before: Number.MAX_SAFE_INTEGER, proposals: [0] })],
        ['schedule', () => ledger.read('schedule', later.schedule.id)],
        ['schedule', () => ledger.read('schedule', -1)],
        ['schedules', () => ledger.read('schedules', { limit: -1 })],
        ['scheduledAt', () => ledger.read('scheduledAt', hostile, "'; DROP TABLE schedules; --")],
        ['scheduledAt', () => ledger.read('scheduledAt', 'home', '9999-12-31T23:59:59.999Z')],
        ['shownAt', () => ledger.read('shownAt', hostile, "'; DROP TABLE versions; --", Number.NaN)],
        ['shownAt', () => ledger.read('shownAt', 'global', '9999-12-31T23:59:59.999Z', Date.now())],
        ['cancel', () => ledger.cancel({ id: later.schedule.id, by: 'mallory', reason: 'no' })],
        ['cancel', () => ledger.cancel({ id: 10_000, by: 'bob', reason: 'no' })],
        ['cancel', () => ledger.cancel({ id: later.schedule.id, by: 'bob', reason: 'not this week' }), true],
        ['sessionCutoff', () => ledger.sessionCutoff(hostile)],
        ['deliveryTrouble', () => ledger.read('deliveryTrouble')],
        ['sessionCutoff', () => ledger.sessionCutoff('alice', { [hostile]: 'a'.repeat(16) })],
        ['observeGrants', () => ledger.observeGrants({ alice: "'; DROP TABLE versions; --" })],
        ['observeGrants', () => ledger.observeGrants({ alice: 'a'.repeat(16), bob: 'b'.repeat(16) })],
        ['endSessions', () => ledger.endSessions(hostile)],
        ['endSessions', () => ledger.endSessions('alice')],
        ['publish', () => ledger.publish({ target: 'global', text: 'Stale.', base: first.version, by: 'carol' })],
        ['publish', () => ledger.publish({ target: hostile, text: 'Nowhere.', base: 0, by: 'carol' })],
        ['publish', () => ledger.publish({ target: 'global', text: 'Hi\u001b[2J', base: second.version, by: 'carol' })],
        [
          'publish',
          () => ledger.publish({ target: 'global', text: 'Ok.', base: second.version, by: 'carol', note: 'a\u0000' }),
        ],
        ['publish', () => ledger.publish({ target: 'global', text: 'Ok.', base: second.version, by: 'carol\u202e' })],
        ['publish', () => ledger.publish({ target: 'global', text: 'Ok.', base: `kv-${'0'.repeat(64)}`, by: 'carol' })],
        ['publish', () => ledger.publish({ target: 'global', text: 'Ok.', base: '1 OR 1=1', by: 'carol' })],
        [
          'publish',
          () => ledger.publish({ target: 'global', text: 'The third text.', base: second.version, by: 'carol' }),
          true,
        ],
        ['propose', () => ledger.propose({ target: 'global', text: 'Proposed \u2066text', base: 0, by: 'alice' })],
        [
          'propose',
          () => ledger.propose({ target: 'exploring-kratom', text: 'Proposed.', base: 0, by: 'alice' }),
          true,
        ],
        [
          'publish',
          () =>
            ledger.publish({
              target: 'home',
              text: 'Later still.',
              base: 0,
              by: 'carol',
              effectiveAt: new Date(Date.now() + 7_200_000).toISOString(),
            }),
          true,
        ],
        ['approve', () => ledger.approve({ id: open.proposal.id, by: 'alice' })],
        ['approve', () => ledger.approve({ id: 10_000, by: 'bob' })],
        ['approve', () => ledger.approve({ id: decided.proposal.id, by: 'carol' })],
        ['approve', () => ledger.approve({ id: open.proposal.id, by: 'bob', note: 'looks right' }), true],
        ['reject', () => ledger.reject({ id: open.proposal.id, by: 'carol', reason: 'after the fact' })],
        ['reject', () => ledger.reject({ id: -1, by: 'carol', reason: 'no' })],
        ['reject', () => ledger.reject({ id: decided.proposal.id, by: 'carol', reason: '\u0000' })],
        ['reject', () => ledger.reject({ id: toReject.proposal.id, by: 'carol', reason: 'not this' }), true],
        ['rollback', () => ledger.rollback({ target: 'global', to: 10_000, base: 0, by: 'carol' })],
        ['rollback', () => ledger.rollback({ target: 'home', to: first.version, base: 0, by: 'carol' })],
        ['rollback', () => ledger.rollback({ target: 'global', to: first.version, base: first.version, by: 'carol' })],
        [
          'rollback',
          async () =>
            ledger.rollback({ target: 'global', to: first.version, base: await currentOf('global'), by: 'carol' }),
          true,
        ],
        ['reviewStates', () => ledger.read('reviewStates')],
        ['pageAt', () => ledger.read('pageAt', hostile, hostile)],
        ['pageAt', () => ledger.read('pageAt', 'home', "'; DROP TABLE page_servings; --")],
        ['pageAt', () => ledger.read('pageAt', 'home', '9999-12-31T23:59:59.999Z')],
        ['pageReviews', () => ledger.read('pageReviews', hostile, { before: -1, limit: -1 })],
        ['pageReviews', () => ledger.read('pageReviews', 'home', { before: Number.MAX_SAFE_INTEGER, limit: 10_000 })],
        ['attest', () => ledger.attest({ page: hostile, hash: hostile, by: 'drlee' })],
        ['attest', () => ledger.attest({ page: 'home', hash: "'; DROP TABLE reviews; --", by: 'drlee' })],
        ['attest', () => ledger.attest({ page: 'home', hash: HOME_HASH, by: 'drlee\u202e' })],
        ['attest', () => ledger.attest({ page: 'home', hash: HOME_HASH, by: 'drlee', note: 'a\u0000' })],
        ['attest', () => ledger.attest({ page: 'home', hash: HOME_HASH, by: 'drlee', note: 'read it all' }), true],
        [
          'observePages',
          () => ledger.observePages({ pages: [{ page: hostile, hash: hostile }], workerVersion: hostile }),
        ],
        [
          'observePages',
          () => ledger.observePages({ pages: [{ page: 'home', hash: HOME_HASH, words: PAGE_WORDS.get('home') }] }),
          true,
        ],
        ['seed', () => ledger.seed('mallory')],
        ['seed', () => ledger.seed('alice'), true],
        [
          'reconcile',
          async () => {
            await env.DISCLAIMERS.put('disclaimer', 'Edited around the ledger again.')
            return ledger.reconcile()
          },
          true,
        ],
        // Point-in-time recovery: local workerd keeps no storage history, so the first two refuse; the restart ends
        // the object, which starts again on its next call with every row as it was.
        ['recoveryPoint', () => ledger.recoveryPoint(hostile)],
        ['restoreOnNextStart', () => ledger.restoreOnNextStart(hostile)],
        ['restart', () => theLedger().restart(hostile)],
        ['alarm', () => runInDurableObject(theLedger(), (instance: DisclaimerLedger) => instance.alarm())],
        // The console's drafts are not record: saving, changing and throwing one away touch no row of it.
        ['startDraft', () => ledger.startDraft('alice', { target: hostile, base: hostile, text: hostile, note: '' })],
        ['openDraft', () => ledger.read('openDraft', 'alice', hostile)],
        ['draft', () => ledger.read('draft', 'bob', hostile)],
        [
          'changeDraft',
          async () =>
            ledger.changeDraft('alice', (await ledger.read('openDraft', 'alice', hostile))?.id ?? '', { text: 'x' }),
        ],
        [
          'discardDraft',
          async () => ledger.discardDraft('alice', (await ledger.read('openDraft', 'alice', hostile))?.id ?? ''),
        ],
      ]

      // The import runs in the watched reconcile, with the legacy entry above; nothing before it may have run it.
      expect(await ledger.read('importRecord')).toBeNull()
      for (const [name, call, appends] of calls) {
        const before = await storedRows()
        await call().catch(() => {})
        const after = await storedRows()
        for (const table of APPEND_ONLY_TABLES) {
          // Decisions are stored by proposal id, not in the order they were made, so rows are matched by content.
          expect(after[table], `${name} changed or removed a row of ${table}`).toEqual(
            expect.arrayContaining(before[table]),
          )
        }
        if (appends) expect(rowCount(after), `${name} appended nothing`).toBeGreaterThan(rowCount(before))
      }
      // The restart above ended the object `ledger` was a stub of: a stub made now reaches it as it started again.
      expect(await theLedger().read('importRecord')).toMatchObject({ imported: 1 })
      const tried = new Set(calls.map(([name]) => name))
      // Every read is one name of `read`'s table, tried by that name.
      const ways = [...PUBLIC_METHODS.filter((name) => name !== 'read'), ...Object.keys(READS)]
      expect([...tried].sort()).toEqual(ways.sort())
      for (const name of PUBLIC_METHODS)
        expect(typeof Reflect.get(DisclaimerLedger.prototype, name), name).toBe('function')
    })

    it('guards every table that has append-only triggers, and each of those refuses both UPDATE and DELETE', async () => {
      const triggers = await runInDurableObject(theLedger(), (_instance: DisclaimerLedger, state) =>
        state.storage.sql
          .exec<{ name: string; tbl_name: string }>("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'")
          .toArray(),
      )
      const guarded = (kind: string) =>
        triggers
          .filter((trigger) => trigger.name === `${trigger.tbl_name}_no_${kind}`)
          .map((trigger) => trigger.tbl_name)

      expect(guarded('update').sort()).toEqual([...APPEND_ONLY_TABLES, ...LOG_TABLES].sort())
      expect(guarded('delete').sort()).toEqual([...APPEND_ONLY_TABLES, ...LOG_TABLES].sort())
    })

    it.each(APPEND_ONLY_TABLES)('refuses UPDATE, DELETE and REPLACE on %s, whatever code runs them', async (table) => {
      const first = await publish('global', 'The first text.', 'alice')
      const proposed = await openProposal({
        target: 'global',
        text: 'Proposed.',
        base: first.version,
        by: 'alice',
      })
      await theLedger().approve({ id: proposed.id, by: 'bob' })
      await theLedger().reconcile()
      const effectiveAt = new Date(Date.now() + 3_600_000).toISOString()
      const later = await theLedger().publish({ target: 'home', text: 'Later.', base: 0, by: 'alice', effectiveAt })
      if (!later.ok || !('schedule' in later)) throw new Error('the scheduled publish was refused')
      await theLedger().cancel({ id: later.schedule.id, by: 'bob', reason: 'not this week' })
      await theLedger().attest({ page: 'home', hash: HOME_HASH, by: 'drlee' })
      await theLedger().observePages({ pages: [{ page: 'home', hash: HOME_HASH, words: PAGE_WORDS.get('home') }] })
      const before = await storedRows()
      expect(before[table].length).toBeGreaterThan(0)

      const outcomes = await runInDurableObject(theLedger(), (_instance: DisclaimerLedger, state) =>
        tampering(table).map((statement) => {
          try {
            state.storage.sql.exec(statement).toArray()
            return `${statement}: allowed`
          } catch (error) {
            return `${statement}: ${error instanceof Error ? error.message : String(error)}`
          }
        }),
      )

      for (const outcome of outcomes) expect(outcome).toMatch(/append-only/)
      expect(await storedRows()).toEqual(before)
    })
  })

  describe('legacy import', () => {
    /** The pre-ledger store's history: each write kept the text it replaced, with who, when and both hashes. */
    async function seedLegacyHistory() {
      const texts = [
        'The text set before any history was kept.',
        'The text after the legal review.',
        'The text a hostile client wrote.',
      ]
      const hashes = await Promise.all(texts.map(contentHash))
      const writes = [
        {
          at: '2026-01-05T10:00:00.000Z',
          id: 'aaaa1111',
          replaced: 0,
          made: 1,
          by: 'alice',
          action: 'set',
          note: 'legal review',
        },
        {
          at: '2026-02-01T08:30:00.000Z',
          id: 'bbbb2222',
          replaced: 1,
          made: 2,
          by: '\u001b]0;pwned\u0007',
          action: 'set',
          note: 'see\u0000this',
        },
        {
          at: '2026-03-10T17:45:00.000Z',
          id: 'cccc3333',
          replaced: 2,
          made: 1,
          by: 'bob',
          action: 'rollback',
          note: undefined,
        },
      ]
      for (const write of writes) {
        await env.DISCLAIMERS.put(`history/disclaimer/${write.at}-${write.id}`, texts[write.replaced] as string, {
          metadata: {
            at: write.at,
            by: write.by,
            action: write.action,
            version: hashes[write.made],
            previousVersion: hashes[write.replaced],
            ...(write.note ? { note: write.note } : {}),
          },
        })
      }
      await env.DISCLAIMERS.put('disclaimer', texts[1] as string)
      // A page key's first write replaced nothing: the old store kept an empty text for it.
      await env.DISCLAIMERS.put('history/disclaimer:dosage-and-safety/2026-02-02T09:00:00.000Z-dddd4444', '', {
        metadata: {
          at: '2026-02-02T09:00:00.000Z',
          by: 'carol',
          action: 'seed',
          version: await contentHash('The dosage note.'),
          previousVersion: 'absent',
        },
      })
      await env.DISCLAIMERS.put('disclaimer:dosage-and-safety', 'The dosage note.')
      return { texts, hashes, writes }
    }

    it('imports each legacy write as the text it produced, once, from the cron, and leaves the old keys in place', async () => {
      const { texts, writes } = await seedLegacyHistory()
      const legacyKeys = (await env.DISCLAIMERS.list({ prefix: 'history/' })).keys.map((key) => key.name)
      expect(await theLedger().read('importRecord')).toBeNull()

      await runCron()
      const afterFirst = await storedRows()
      await publish('global', 'A text published through the ledger between the two runs.', 'carol')
      await runCron()

      expect(await theLedger().read('importRecord')).toMatchObject({ by: 'the cron', imported: 5, problems: [] })
      const after = await storedRows()
      expect(after.imports).toEqual(afterFirst.imports)
      expect(after.versions.filter((row) => row.how === 'import')).toEqual(afterFirst.versions)
      const global = (await versionsOf('global')).filter((row) => row.how === 'import').reverse()
      expect(global.map((row) => row.text)).toEqual([texts[0], ...writes.map((write) => texts[write.made])])
      expect(global.map((row) => row.at)).toEqual(['1970-01-01T00:00:00.000Z', ...writes.map((write) => write.at)])
      expect(global.map((row) => row.by)).toEqual([
        'legacy:unknown',
        'legacy:alice',
        'legacy:\\u{1b}]0;pwned\\u{7}',
        'legacy:bob',
      ])
      expect(global.map((row) => row.note)).toEqual([
        expect.stringContaining('not known'),
        'set: legal review',
        'set: see\\u{0}this',
        'rollback',
      ])
      for (const row of (await theLedger().read('audit')).versions) {
        expect(`${row.by}${row.note ?? ''}`).not.toMatch(/\p{Cc}/u)
      }
      for (const row of global) expect(row.hash).toBe(await contentHash(row.text as string))
      expect(await versionsOf('dosage-and-safety')).toMatchObject([
        { text: 'The dosage note.', how: 'import', by: 'legacy:carol', note: 'seed', valid: true },
      ])
      expect((await env.DISCLAIMERS.list({ prefix: 'history/' })).keys.map((key) => key.name)).toEqual(legacyKeys)
      expect(await env.DISCLAIMERS.get(`history/disclaimer/${writes[0]?.at}-${writes[0]?.id}`)).toBe(texts[0])
    })

    it('records as unknown, never as another text, the text of a legacy write that KV no longer holds', async () => {
      vi.spyOn(console, 'error').mockImplementation(() => {})
      const { texts, writes } = await seedLegacyHistory()
      // The ledger went live before the import ran. Its first publish found the old store's text in KV, recorded it
      // as an external version and refused the stale base; the editor then published over it.
      const early = { target: 'global', text: 'A text published through the ledger before the import.', by: 'carol' }
      expect(await theLedger().publish({ ...early, base: 0 })).toMatchObject({ ok: false, code: 'version_mismatch' })
      await publish(early.target, early.text, 'carol')

      await runCron()

      const imported = (await versionsOf('global')).filter((row) => row.how === 'import')
      expect(imported[0]?.at).toBe(writes[2]?.at)
      expect(imported[0]).toMatchObject({ text: null, valid: false, problem: expect.stringContaining('no longer') })
      expect(imported.slice(1).map((row) => row.text)).toEqual([texts[2], texts[1], texts[0]])
      expect(await theLedger().read('importRecord')).toMatchObject({
        imported: 5,
        problems: [expect.stringContaining('no longer in KV')],
      })
      expect(await theLedger().read('current', 'global')).toMatchObject({ text: early.text, how: 'publish' })
    })

    it('imports an entry whose recorded time cannot be read, at the time in its key', async () => {
      await env.DISCLAIMERS.put('history/disclaimer/2026-04-01T12:00:00.000Z-eeee5555', '', {
        metadata: { at: 'the day before yesterday', by: 'alice', action: 'set' },
      })
      await env.DISCLAIMERS.put('disclaimer', 'The text that write made.')

      await runCron()

      expect(await theLedger().read('importRecord')).toMatchObject({ imported: 1, problems: [] })
      expect(await versionsOf('global')).toMatchObject([
        { text: 'The text that write made.', at: '2026-04-01T12:00:00.000Z', how: 'import' },
      ])
    })

    it('is run by the cron alone: no request imports a forged legacy entry, and a second run adds nothing', async () => {
      const shown = await publish('global', 'The text the site shows.', 'alice')
      await env.DISCLAIMERS.put(FORGED_LEGACY_KEY, 'A text the site never showed.')
      const app = createApp()

      const post = await request(
        '/admin/import',
        { method: 'POST', headers: { ...bearer('alice'), 'Content-Type': 'application/json' }, body: '{}' },
        {},
        app,
      )
      expect([404, 405]).toContain(post.status)
      for (const path of ['/', '/admin/disclaimers', '/admin/disclaimers/global', '/admin/audit', '/admin/import']) {
        expect((await request(path, { headers: bearer('alice') }, {}, app)).status, path).toBe(200)
      }
      expect(await (await request('/admin/import', { headers: bearer('alice') }, {}, app)).json()).toEqual({
        import: null,
      })
      expect((await storedRows()).versions).toHaveLength(1)

      await runCron()
      const record = await theLedger().read('importRecord')
      const afterFirst = await storedRows()
      await runCron()
      const next = await publish('global', 'A text published after both cron runs.', 'bob')

      expect(record).toMatchObject({ by: 'the cron', imported: 2 })
      expect(afterFirst.versions.filter((row) => row.how === 'import').map((row) => row.text)).toEqual([
        'A text the site never showed.',
        shown.text,
      ])
      expect((await storedRows()).imports).toEqual(afterFirst.imports)
      // Version numbers run without a gap, so none looks like a deleted row.
      const numbers = (await theLedger().read('audit')).versions.map((row) => row.version)
      expect(numbers).toEqual(Array.from({ length: next.version }, (_, index) => next.version - index))
      expect(numbers).toHaveLength(afterFirst.versions.length + 1)
      expect(await (await request('/admin/import', { headers: bearer('alice') }, {}, app)).json()).toEqual({
        import: record,
      })
    })

    it('refuses, where approval is required, a rollback to an imported text the site never showed', async () => {
      const shown = await publish('global', 'The text the site shows.', 'alice')
      await env.DISCLAIMERS.put(FORGED_LEGACY_KEY, 'A text the site never showed.')
      await runCron()
      await requireApproval()
      const forged = (await versionsOf('global')).find((row) => row.text === 'A text the site never showed.')
      expect(forged).toMatchObject({ how: 'import', valid: true, landedAt: null })

      const result = await theLedger().rollback({
        target: 'global',
        to: (forged as LedgerVersion).version,
        base: shown.version,
        by: 'alice',
      })

      expect(result).toMatchObject({
        ok: false,
        code: 'approval_required',
        message: expect.stringContaining('was imported from the old store'),
      })
      expect((result as { message: string }).message).toContain('propose its text instead')
      expect(await theLedger().read('current', 'global')).toMatchObject({ version: shown.version })
      expect(await env.DISCLAIMERS.get('disclaimer')).toBe(shown.text)
      // Proposed and approved by a second editor, the same text may go live.
      const proposed = await openProposal({
        target: 'global',
        text: (forged as LedgerVersion).text as string,
        base: shown.version,
        by: 'alice',
      })
      expect(await theLedger().approve({ id: proposed.id, by: 'bob' })).toMatchObject({ ok: true, status: 'live' })
    })

    it('lets one editor alone roll back to an imported text the ledger saw live only where approval is off', async () => {
      vi.spyOn(console, 'error').mockImplementation(() => {})
      const { texts } = await seedLegacyHistory()
      // The ledger went live before the cron's import: its first publish recorded the text KV held then, which the
      // old store's first write had made (and its last write put back).
      const published = await publish('global', 'The first text published through the ledger.', 'carol')
      await runCron()
      const imported = (await versionsOf('global')).filter((row) => row.how === 'import')
      const sawLive = imported.find((row) => row.text === texts[1]) as LedgerVersion
      expect(sawLive).toMatchObject({ valid: true, landedAt: null })
      await requireApproval()

      // No second editor approved it, whoever saw it live: where approval is required, it must be proposed.
      const refused = await theLedger().rollback({
        target: 'global',
        to: sawLive.version,
        base: published.version,
        by: 'alice',
      })
      await runInDurableObject(theLedger(), ({ ledger }: DisclaimerLedger) => {
        ledger.env = { ...ledger.env, REQUIRE_APPROVAL: 'false' }
      })
      const result = await theLedger().rollback({
        target: 'global',
        to: sawLive.version,
        base: published.version,
        by: 'alice',
      })

      expect(refused).toMatchObject({ ok: false, code: 'approval_required' })
      expect(result).toMatchObject({
        ok: true,
        status: 'live',
        version: { how: 'rollback', rollbackOf: sawLive.version, text: texts[1], by: 'alice', approvedBy: null },
      })
      expect(await env.DISCLAIMERS.get('disclaimer')).toBe(texts[1])
    })

    it('clamps a legacy time in the future to the import, so the entry never outranks a later version', async () => {
      const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
      await env.DISCLAIMERS.put(
        'history/disclaimer:conclusion/2999-01-01T00:00:00.000Z-x',
        'The closing note before.',
        {
          metadata: { at: '2999-01-01T00:00:00.000Z', by: 'mallory', action: 'set' },
        },
      )
      await env.DISCLAIMERS.put('disclaimer:conclusion', 'The closing note the old store wrote.')

      await runCron()
      const importedBy = Date.now()
      const published = await publish('conclusion', 'A closing note published after the import.', 'alice')

      const [made, before] = (await versionsOf('conclusion')).slice(1) as [LedgerVersion, LedgerVersion]
      expect(made).toMatchObject({ how: 'import', text: 'The closing note the old store wrote.' })
      expect(before).toMatchObject({ how: 'import', text: 'The closing note before.' })
      expect(Date.parse(made.at)).toBeLessThanOrEqual(importedBy)
      expect(Date.parse(published.at)).toBeLessThan(importedBy + 60_000)
      expect((await versionsOf('conclusion'))[0]?.version).toBe(published.version)
      expect(await theLedger().read('current', 'conclusion')).toMatchObject({ version: published.version })
      for (const time of [new Date().toISOString(), '2999-06-01T00:00:00.000Z']) {
        expect((await theLedger().read('versionAt', 'conclusion', time))?.version, time).toBe(published.version)
      }
      expect(await theLedger().read('importRecord')).toMatchObject({
        problems: [expect.stringContaining('2999-01-01T00:00:00.000Z is later than')],
      })
      expect(errors).toHaveBeenCalledWith(expect.stringContaining('legacy import found problems'), expect.anything())
    })
  })

  describe('rollback', () => {
    it('changes nothing and records nothing when rolling back to the current text', async () => {
      const first = await publish('conclusion', 'Text A.', 'alice')
      const second = await publish('conclusion', 'Text B.', 'bob')
      const third = await publish('conclusion', 'Text A.', 'carol')

      const toItself = await theLedger().rollback({
        target: 'conclusion',
        to: third.version,
        base: third.version,
        by: 'alice',
      })
      const toSameText = await theLedger().rollback({
        target: 'conclusion',
        to: first.version,
        base: third.version,
        by: 'alice',
      })

      expect(toItself).toMatchObject({ ok: true, status: 'unchanged', version: { version: third.version } })
      expect(toSameText).toMatchObject({ ok: true, status: 'unchanged', version: { version: third.version } })
      expect((await versionsOf('conclusion')).map((row) => row.version)).toEqual([
        third.version,
        second.version,
        first.version,
      ])
    })

    it('refuses a version that never went live, superseded while KV was failing', async () => {
      const first = await publish('conclusion', 'Live first.', 'alice')
      await failKvPuts(1, () => new Error('KV PUT failed: 429 Too Many Requests'))
      const neverLive = await publish('conclusion', 'Accepted, never written.', 'bob')
      const third = await publish('conclusion', 'Written over it before KV held it.', 'carol')
      expect(neverLive.landedAt).toBeNull()
      expect((await theLedger().read('version', neverLive.version))?.landedAt).toBeNull()
      const thirdLanded = Date.parse((await theLedger().read('version', third.version))?.landedAt ?? '')
      expect(thirdLanded).toBeGreaterThanOrEqual(Date.parse(third.at))
      expect(thirdLanded).toBeLessThanOrEqual(Date.now())

      const result = await theLedger().rollback({
        target: 'conclusion',
        to: neverLive.version,
        base: third.version,
        by: 'alice',
      })

      expect(result).toMatchObject({ ok: false, code: 'never_live' })
      expect((await versionsOf('conclusion')).map((row) => row.version)).toEqual([
        third.version,
        neverLive.version,
        first.version,
      ])
      expect(await env.DISCLAIMERS.get('disclaimer:conclusion')).toBe('Written over it before KV held it.')
    })

    it('refuses an invalid external version, naming its problem', async () => {
      vi.spyOn(console, 'error').mockImplementation(() => {})
      await publish('conclusion', 'Live first.', 'alice')
      await env.DISCLAIMERS.put('disclaimer:conclusion', 'Hidden\u200Bcharacter.')
      const [invalid] = (await theLedger().reconcile()) as [LedgerVersion]
      expect(invalid).toMatchObject({ how: 'external', valid: false })

      const result = await theLedger().rollback({
        target: 'conclusion',
        to: invalid.version,
        base: invalid.version,
        by: 'alice',
      })

      expect(result).toMatchObject({ ok: false, code: 'never_live', message: expect.stringContaining('U+200B') })
      expect(await versionsOf('conclusion')).toHaveLength(2)
    })

    it('refuses a version of another disclaimer', async () => {
      const other = await publish('global', 'The global text.', 'alice')
      const current = await publish('conclusion', 'The closing note.', 'alice')

      const result = await theLedger().rollback({
        target: 'conclusion',
        to: other.version,
        base: current.version,
        by: 'bob',
      })

      expect(result).toMatchObject({ ok: false, code: 'unknown_version' })
      expect(await versionsOf('conclusion')).toHaveLength(1)
    })
  })

  describe('purges', () => {
    it('keeps a failed purge as a job with its attempts and error, retries it on the alarm until it works, and keeps the second', async () => {
      const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
      const edge = await failPurges(3, () => new Error('Workers Cache refused the purge'))
      const tags = ['disclaimer:conclusion']

      await publish('conclusion', 'The closing note.')

      const failed = await purgeJobs()
      expect(failed.jobs).toMatchObject([
        { tags, attempts: 1, lastError: 'Workers Cache refused the purge' },
        { tags, attempts: 0, lastError: null },
      ])
      const [retry, second] = failed.jobs as [(typeof failed.jobs)[number], (typeof failed.jobs)[number]]
      expect(second.due - retry.due).toBeGreaterThan(SECOND_PURGE_AFTER_MS / 2)
      expect(failed.alarm).toBeLessThanOrEqual(retry.due)

      // The alarm retries it, each time once the longest of the first three retry delays has passed and before the
      // second purge is due: refused twice more (the third time is reported as an error), then done.
      const step = Math.max(...PURGE_RETRY_DELAYS_MS.slice(0, 3))
      expect(3 * step).toBeLessThan(SECOND_PURGE_AFTER_MS)
      for (const attempts of [2, 3]) {
        await advanceClock(step)
        expect(await runDurableObjectAlarm(theLedger())).toBe(true)
        expect((await purgeJobs()).jobs).toMatchObject([
          { tags, attempts },
          { tags, attempts: 0 },
        ])
      }
      expect(errors).toHaveBeenCalledWith(
        expect.stringContaining('purging the edge cache failed'),
        expect.objectContaining({ tags, attempts: 3 }),
      )
      await advanceClock(step)
      expect(await runDurableObjectAlarm(theLedger())).toBe(true)

      const retried = await purgeJobs()
      expect(retried.jobs).toEqual([second])
      expect(retried.alarm).toBeLessThanOrEqual(second.due)
      expect(edge.refused).toEqual([tags, tags, tags])
      expect(edge.purged).toEqual([tags])
      await advanceClock(SECOND_PURGE_AFTER_MS)
      expect(await runDurableObjectAlarm(theLedger())).toBe(true)
      expect(await purgeJobs()).toEqual({ jobs: [], alarm: null })
      expect(edge.purged).toEqual([tags, tags])
    })
  })

  describe('proposals', () => {
    it('lists an open proposal however many were decided after it', async () => {
      const open = await openProposal({ target: 'home', text: 'Still waiting.', base: 0, by: 'alice' })
      for (let index = 0; index < 200; index++) {
        const later = await openProposal({ target: 'conclusion', text: `Idea ${index}.`, base: 0, by: 'alice' })
        await theLedger().reject({ id: later.id, by: 'bob', reason: 'not now' })
      }

      expect(
        (await theLedger().read('proposals', { status: 'open' })).proposals.map((proposal) => proposal.id),
      ).toEqual([open.id])
      expect(
        (await theLedger().read('proposals', { target: 'home' })).proposals.map((proposal) => proposal.id),
      ).toEqual([open.id])
    }, 30_000)
  })

  describe('cost', () => {
    it('reads and writes the same rows per publish however long the history is', async () => {
      // A publish also tells people, from the alarm, at once: each measure waits for that too, so two measures of
      // the same work count the same statements.
      async function measure() {
        const base = await publish('conclusion', `Before the measured publish ${crypto.randomUUID()}.`, 'alice')
        await settled()
        let status = 0
        const rows = await rowsTouched(async () => {
          status = (await putDisclaimer('conclusion', 'The measured publish.', 'bob', base.version)).status
          await settled()
        })
        expect(status).toBe(200)
        return rows
      }
      const short = await measure()
      await reset()
      await clearKv()
      for (let index = 0; index < 100; index++) {
        const at = new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString()
        await env.DISCLAIMERS.put(
          `history/disclaimer:conclusion/${at}-${String(index).padStart(8, '0')}`,
          `Old text ${index}.`,
          {
            metadata: { at, by: 'alice', action: 'set' },
          },
        )
      }
      await env.DISCLAIMERS.put('disclaimer:conclusion', 'Old text 100.')
      await theLedger().reconcile()
      expect(await theLedger().read('importRecord')).toMatchObject({ imported: 101 })
      expect((await versionsOf('conclusion', { limit: 500 })).length).toBe(101)
      const long = await measure()

      console.log(
        `one publish through PUT /admin/disclaimers/:target, with the notifications it sends: ${short.statements} statements, ${short.read} rows read, ${short.written} rows written (with 101 earlier versions: ${long.read} read, ${long.written} written)`,
      )
      // Besides the log tree's hashes, which grow as O(log n): for each leaf appended, at most one hash per level read
      // (its left siblings) and written (the subtrees it completes), and the checkpoint's root read once per level.
      const { tree: longTree, ...longRest } = long
      const { tree: shortTree, ...shortRest } = short
      expect(longRest).toEqual(shortRest)
      expect(longTree.leaves).toBe(shortTree.leaves)
      for (const tree of [shortTree, longTree]) {
        const levels = Math.ceil(Math.log2(1_000))
        expect(tree.read).toBeLessThanOrEqual((tree.leaves + 1) * levels)
        expect(tree.written).toBeLessThanOrEqual(tree.leaves * 2 + levels)
      }
    }, 15_000)
  })
})
