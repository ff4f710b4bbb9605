// The disclaimer ledger inside workerd, with its real SQLite storage and real local KV: compare-and-swap under
// concurrency, write-through that survives KV failures, edits made around it, the two-person rule, "live at T",
// the append-only record, the legacy import, rollback's limits, and what one publish costs.
import { reset, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env, exports } from 'cloudflare:workers'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DEFAULT_DISCLAIMERS } from '../../src/disclaimer/defaults.ts'
import { contentHash } from '../../src/disclaimer/keys.ts'
import {
  DisclaimerLedger,
  EXTERNAL_EDITOR,
  type LedgerVersion,
  type PublishResult,
} from '../../src/disclaimer/ledger.ts'
import { SECOND_PURGE_AFTER_MS } from '../../src/disclaimer/staleness.ts'
import { createApp } from '../../src/index.ts'
import { TEST_EDITORS, type TestEditor } from '../fixtures/editors.ts'
import {
  APPEND_ONLY_TABLES,
  type AppendOnlyTable,
  failKvPuts,
  openProposal,
  page,
  publish,
  putDisclaimer,
  recordPurges,
  requireApproval,
  rowsTouched,
  type StoredRows,
  scheduledPurges,
  storedRows,
  theLedger,
  until,
} from './ledger-helpers.ts'

const TWENTY_EDITORS = Object.keys(TEST_EDITORS).filter((name) => name.startsWith('editor-')) as TestEditor[]
const GLOBAL_DEFAULT = DEFAULT_DISCLAIMERS.get('disclaimer')?.paragraphs[0] as string

type PublishBody = Extract<PublishResult, { ok: true }>
type ErrorBody = { error: { code: string; message: string } }

async function clearKv() {
  for (const { name } of (await env.DISCLAIMERS.list()).keys) await env.DISCLAIMERS.delete(name)
}

function pause(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

/** With the two-person rule on: `proposer` proposes over whatever is current, `approver` approves. */
async function publishApproved(target: string, text: string, proposer: TestEditor, approver: TestEditor) {
  const current = await theLedger().current(target)
  const proposed = await openProposal({ target, text, base: current?.version ?? 0, by: proposer })
  const approved = await theLedger().approve({ id: proposed.id, by: approver })
  if (!approved.ok) throw new Error(approved.message)
  return approved.version
}

function rowCount(rows: StoredRows): number {
  return APPEND_ONLY_TABLES.reduce((sum, table) => sum + rows[table].length, 0)
}

async function currentOf(target: string): Promise<number> {
  return (await theLedger().current(target))?.version ?? 0
}

const PUBLIC_METHODS = [
  'current',
  'history',
  'versionAt',
  'version',
  'audit',
  'proposals',
  'proposal',
  'pending',
  'requiresApproval',
  'publish',
  'propose',
  'approve',
  'reject',
  'rollback',
  'seed',
  'importLegacy',
  'reconcile',
  'alarm',
]

/** Each way SQL can change or remove a stored row: UPDATE, DELETE, and an insert that replaces a row on conflict. */
const TAMPERING: Record<AppendOnlyTable, string[]> = {
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
}

beforeEach(async () => {
  // The plugin keeps Durable Object storage and KV from one test to the next, so every test starts from an empty
  // ledger and an empty namespace and seeds its own. reset() empties the ledger; it left KV as it was after a test
  // that had not touched KV for seconds, so KV is cleared here too.
  await reset()
  await clearKv()
  expect(await theLedger().audit()).toEqual([])
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
      expect((await theLedger().history('global')).map((row) => row.version)).toEqual([
        accepted.version.version,
        base.version,
      ])
      expect(await env.DISCLAIMERS.get('disclaimer')).toBe(textBy(winner))
      const home = await page('/')
      expect(home.status).toBe(200)
      expect(home.text).toContain(textBy(winner))
      expect(home.versions).toContain(`disclaimer=v${accepted.version.version}/${accepted.version.hash}`)
      expect(home.html).toContain(
        `data-disclaimer="disclaimer" data-disclaimer-version="v${accepted.version.version}" data-disclaimer-hash="${accepted.version.hash}"`,
      )
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
        expect(await theLedger().pending()).toMatchObject([
          { key, version: version.version, attempts: 1, lastError: error().message },
        ])
        expect((await page('/dosage-and-safety')).text).toContain('The dosage note before the edit.')

        // Nothing but the object's own alarm retries: after 1 s (refused again), then 2 s later (lands).
        await until(async () => (await theLedger().pending()).length === 0, 10_000)

        expect(puts.refused).toEqual([key, key])
        expect(puts.landed).toEqual([{ key, value: text, metadata: { seq: version.version, hash: version.hash } }])
        // A further alarm (the one set for the second purge) writes nothing again.
        expect(await runDurableObjectAlarm(theLedger())).toBe(true)
        expect(puts.landed).toHaveLength(1)
        const { landings } = await storedRows()
        expect(landings.filter((row) => row.seq === version.version)).toHaveLength(1)
        expect((await theLedger().history('dosage-and-safety')).map((row) => row.version)).toEqual([
          version.version,
          base.version,
        ])
        expect(await env.DISCLAIMERS.getWithMetadata(key)).toEqual({
          value: text,
          metadata: { seq: version.version, hash: version.hash },
          cacheStatus: null,
        })
        const dosage = await page('/dosage-and-safety')
        expect(dosage.text).toContain(text)
        expect(dosage.versions).toContain(`${key}=v${version.version}/${version.hash}`)
        expect(await theLedger().pending()).toEqual([])
      },
      15_000,
    )
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
      expect(await theLedger().current('global')).toMatchObject({ version: external.version })
      expect(purged).toEqual([['disclaimer:global']])
      const { purges, alarm } = await scheduledPurges()
      expect(purges).toHaveLength(scheduledBefore + 1)
      const second = purges.at(-1) as { tags: string[]; due: number }
      expect(second.tags).toEqual(['disclaimer:global'])
      expect(second.due).toBeGreaterThanOrEqual(noticedFrom + SECOND_PURGE_AFTER_MS)
      expect(second.due).toBeLessThanOrEqual(Date.now() + SECOND_PURGE_AFTER_MS)
      expect(alarm).not.toBeNull()
      expect(alarm).toBeLessThanOrEqual(second.due)
      expect((await page('/')).text).toContain(text)

      expect(await theLedger().reconcile()).toEqual([])
      expect(await theLedger().history('global')).toHaveLength(2)
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
        expect(await theLedger().history('global')).toHaveLength(1)
      },
    )

    it("runs from the Worker's cron trigger", async () => {
      vi.spyOn(console, 'log').mockImplementation(() => {})
      const purged = await recordPurges()
      const text = 'A closing note typed into the Cloudflare dashboard.'
      await env.DISCLAIMERS.put('disclaimer:conclusion', text)

      await exports.default.scheduled()

      expect(await theLedger().history('conclusion')).toMatchObject([{ text, how: 'external', valid: true }])
      expect(purged).toEqual([['disclaimer:conclusion']])
      await exports.default.scheduled()
      expect(await theLedger().history('conclusion')).toHaveLength(1)
    })
  })

  describe('two-person rule', () => {
    it('refuses a direct publish and records nothing', async () => {
      await requireApproval()
      expect(await theLedger().requiresApproval()).toBe(true)

      const result = await theLedger().publish({
        target: 'conclusion',
        text: 'Straight to the site.',
        base: 0,
        by: 'alice',
      })

      expect(result).toMatchObject({ ok: false, code: 'approval_required' })
      expect(await theLedger().history('conclusion')).toEqual([])
    })

    it('refuses the proposer approving their own proposal', async () => {
      await requireApproval()
      const proposed = await openProposal({
        target: 'conclusion',
        text: 'A closing note.',
        base: 0,
        by: 'alice',
      })

      const result = await theLedger().approve({ id: proposed.id, by: 'alice' })

      expect(result).toMatchObject({ ok: false, code: 'self_approval' })
      expect(await theLedger().proposal(proposed.id)).toMatchObject({ status: 'open', decidedBy: null })
      expect(await theLedger().history('conclusion')).toEqual([])
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
      expect(await theLedger().proposal(proposed.id)).toMatchObject({ status: 'open' })
      expect(await theLedger().history('conclusion')).toHaveLength(1)
    })

    it('refuses to approve a proposal written against a version that is no longer current', async () => {
      await requireApproval()
      const live = await publishApproved('conclusion', 'A closing note.', 'alice', 'bob')
      const first = await theLedger().propose({
        target: 'conclusion',
        text: 'Edit one.',
        base: live.version,
        by: 'alice',
      })
      const second = await theLedger().propose({
        target: 'conclusion',
        text: 'Edit two.',
        base: live.version,
        by: 'carol',
      })
      if (!first.ok || !second.ok) throw new Error('a proposal was refused')
      const newer = await theLedger().approve({ id: second.proposal.id, by: 'bob' })
      if (!newer.ok) throw new Error(newer.message)

      const result = await theLedger().approve({ id: first.proposal.id, by: 'bob' })

      expect(result).toMatchObject({ ok: false, code: 'version_mismatch', current: { version: newer.version.version } })
      expect(await theLedger().proposal(first.proposal.id)).toMatchObject({ status: 'open', publishedVersion: null })
      expect((await theLedger().current('conclusion'))?.text).toBe('Edit two.')
    })

    it("publishes a proposal on a different editor's approval, recording proposer and approver", async () => {
      await requireApproval()
      const proposed = await openProposal({
        target: 'conclusion',
        text: 'A closing note, reviewed twice.',
        base: 0,
        by: 'alice',
        note: 'legal review',
      })

      const result = await theLedger().approve({
        id: proposed.id,
        by: 'bob',
        note: 'checked against the FDA page',
      })

      expect(result).toMatchObject({
        ok: true,
        status: 'live',
        version: {
          text: 'A closing note, reviewed twice.',
          how: 'publish',
          by: 'alice',
          approvedBy: 'bob',
          proposalId: proposed.id,
          note: 'legal review',
        },
      })
      const published = (result as PublishBody).version
      expect(await theLedger().proposal(proposed.id)).toMatchObject({
        status: 'approved',
        decidedBy: 'bob',
        reason: 'checked against the FDA page',
        publishedVersion: published.version,
      })
      expect(await env.DISCLAIMERS.get('disclaimer:conclusion')).toBe('A closing note, reviewed twice.')
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
      expect(await theLedger().proposal(proposed.id)).toMatchObject({ status: 'open' })
      expect(await theLedger().history('conclusion')).toEqual([])
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
      expect(await theLedger().history('conclusion')).toEqual([])
    })

    it('refuses to decide a proposal twice', async () => {
      await requireApproval()
      const approved = await openProposal({ target: 'conclusion', text: 'Approved once.', base: 0, by: 'alice' })
      const published = await theLedger().approve({ id: approved.id, by: 'bob' })
      if (!published.ok) throw new Error(published.message)
      const rejected = await openProposal({
        target: 'conclusion',
        text: 'Rejected once.',
        base: published.version.version,
        by: 'alice',
      })
      await theLedger().reject({ id: rejected.id, by: 'bob', reason: 'no' })

      const results = [
        await theLedger().approve({ id: approved.id, by: 'carol' }),
        await theLedger().reject({ id: approved.id, by: 'carol', reason: 'too late' }),
        await theLedger().approve({ id: rejected.id, by: 'carol' }),
      ]

      for (const result of results) expect(result).toMatchObject({ ok: false, code: 'proposal_decided' })
      expect(await theLedger().history('conclusion')).toHaveLength(1)
      expect(await theLedger().proposal(approved.id)).toMatchObject({ decidedBy: 'bob', status: 'approved' })
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
      if (!rolledBack.ok) throw new Error(rolledBack.message)
      rows.push(rolledBack.version)
      await pause(5)
      await env.DISCLAIMERS.put('disclaimer:exploring-kratom', 'Fourth: put straight into KV.')
      rows.push(...(await theLedger().reconcile()))
      expect(rows.map((row) => row.how)).toEqual(['publish', 'publish', 'rollback', 'external'])

      const ms = (row: LedgerVersion | undefined) => Date.parse((row as LedgerVersion).at)
      const iso = (time: number) => new Date(time).toISOString()
      const at = async (time: string) => (await theLedger().versionAt(target, time))?.version ?? null

      expect(await at(iso(ms(rows[0]) - 1))).toBeNull()
      for (const [index, row] of rows.entries()) {
        expect(await at(row.at), `at ${row.how} #${index}`).toBe(row.version)
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
      expect(await theLedger().versionAt('conclusion', iso(Date.now()))).toBeNull()
      expect(await at('not a time')).toBeNull()
    })
  })

  describe('append-only record', () => {
    it('keeps every earlier row byte for byte through every public method, hostile input included', async () => {
      const ledger = theLedger()
      const first = await publish('global', 'The first text.', 'alice')
      const second = await publish('global', 'The second text.', 'bob')
      await env.DISCLAIMERS.put('disclaimer:conclusion', 'An edit around the ledger.')
      await ledger.reconcile()
      const open = await ledger.propose({ target: 'home', text: 'A home note.', base: 0, by: 'alice' })
      const decided = await ledger.propose({
        target: 'understanding-muscle-soreness',
        text: 'Decided.',
        base: 0,
        by: 'alice',
      })
      const toReject = await ledger.propose({
        target: 'conclusion',
        text: 'Not this.',
        base: await currentOf('conclusion'),
        by: 'bob',
      })
      if (!open.ok || !decided.ok || !toReject.ok) throw new Error('a proposal was refused')
      await ledger.reject({ id: decided.proposal.id, by: 'bob', reason: 'stale' })
      await env.DISCLAIMERS.put('history/disclaimer:home/2026-01-01T00:00:00.000Z-aaaaaaaa', '', {
        metadata: { at: '2026-01-01T00:00:00.000Z', by: 'old\u001bcli', action: 'set', note: 'x\u0000' },
      })
      const hostile = "global'; DELETE FROM versions; --"
      // Each call with `true` is an ordinary one that must append a row, so every kind of write runs while watched.
      const calls: [string, () => Promise<unknown>, true?][] = [
        ['current', () => ledger.current(hostile)],
        ['history', () => ledger.history('global', -1)],
        ['versionAt', () => ledger.versionAt('global', "'; DROP TABLE versions; --")],
        ['versionAt', () => ledger.versionAt(hostile, '9999-12-31T23:59:59.999Z')],
        ['version', () => ledger.version(-1)],
        ['audit', () => ledger.audit(-1, Number.MAX_SAFE_INTEGER)],
        ['proposals', () => ledger.proposals('open', hostile)],
        ['proposal', () => ledger.proposal(0)],
        ['pending', () => ledger.pending()],
        ['requiresApproval', () => ledger.requiresApproval()],
        ['publish', () => ledger.publish({ target: 'global', text: 'Stale.', base: first.version, by: 'carol' })],
        ['publish', () => ledger.publish({ target: hostile, text: 'Nowhere.', base: 0, by: 'carol' })],
        ['publish', () => ledger.publish({ target: 'global', text: 'Hi\u001b[2J', base: second.version, by: 'carol' })],
        [
          'publish',
          () => ledger.publish({ target: 'global', text: 'Ok.', base: second.version, by: 'carol', note: 'a\u0000' }),
        ],
        ['publish', () => ledger.publish({ target: 'global', text: 'Ok.', base: second.version, by: 'carol\u202e' })],
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
        ['seed', () => ledger.seed('mallory')],
        ['seed', () => ledger.seed('alice'), true],
        ['importLegacy', () => ledger.importLegacy('mallory')],
        ['importLegacy', () => ledger.importLegacy('alice'), true],
        [
          'reconcile',
          async () => {
            await env.DISCLAIMERS.put('disclaimer', 'Edited around the ledger again.')
            return ledger.reconcile()
          },
          true,
        ],
        ['alarm', () => runInDurableObject(ledger, (instance: DisclaimerLedger) => instance.alarm())],
      ]

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
      const tried = new Set(calls.map(([name]) => name))
      expect([...tried].sort()).toEqual([...PUBLIC_METHODS].sort())
      for (const name of PUBLIC_METHODS)
        expect(typeof Reflect.get(DisclaimerLedger.prototype, name), name).toBe('function')
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
      const before = await storedRows()
      expect(before[table].length).toBeGreaterThan(0)

      const outcomes = await runInDurableObject(theLedger(), (_instance: DisclaimerLedger, state) =>
        TAMPERING[table].map((statement) => {
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

  describe('importLegacy', () => {
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

    it('imports each legacy write as the text it produced, once, and leaves the old keys in place', async () => {
      const { texts, writes } = await seedLegacyHistory()
      const legacyKeys = (await env.DISCLAIMERS.list({ prefix: 'history/' })).keys.map((key) => key.name)

      const firstRun = await theLedger().importLegacy('alice')
      const afterFirst = await storedRows()
      await publish('global', 'A text published through the ledger between the two runs.', 'carol')
      const secondRun = await theLedger().importLegacy('alice')

      expect(firstRun).toEqual({ imported: 5, skipped: 0 })
      expect(secondRun).toEqual({ imported: 0, skipped: 5 })
      const imported = (await storedRows()).versions.filter((row) => row.how === 'import')
      expect(imported).toEqual(afterFirst.versions)
      const global = (await theLedger().history('global')).filter((row) => row.how === 'import').reverse()
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
      for (const row of await theLedger().audit()) {
        expect(`${row.by}${row.note ?? ''}`).not.toMatch(/\p{Cc}/u)
      }
      for (const row of global) expect(row.hash).toBe(await contentHash(row.text as string))
      expect(await theLedger().history('dosage-and-safety')).toMatchObject([
        { text: 'The dosage note.', how: 'import', by: 'legacy:carol', note: 'seed', valid: true },
      ])
      expect((await env.DISCLAIMERS.list({ prefix: 'history/' })).keys.map((key) => key.name)).toEqual(legacyKeys)
      expect(await env.DISCLAIMERS.get(`history/disclaimer/${writes[0]?.at}-${writes[0]?.id}`)).toBe(texts[0])
    })

    it('records as unknown, never as another text, the text of a legacy write that KV no longer holds', async () => {
      const { texts, writes } = await seedLegacyHistory()
      // The ledger went live before the import ran. Its first publish found the old store's text in KV, recorded it
      // as an external version and refused the stale base; the editor then published over it.
      const early = { target: 'global', text: 'A text published through the ledger before the import.', by: 'carol' }
      expect(await theLedger().publish({ ...early, base: 0 })).toMatchObject({ ok: false, code: 'version_mismatch' })
      await publish(early.target, early.text, 'carol')

      await theLedger().importLegacy('alice')

      const last = (await theLedger().history('global')).find((row) => row.how === 'import')
      expect(last?.at).toBe(writes[2]?.at)
      expect(last).toMatchObject({ text: null, valid: false, problem: expect.stringContaining('no longer') })
      const earlier = (await theLedger().history('global')).filter((row) => row.how === 'import').map((row) => row.text)
      expect(earlier.slice(1)).toEqual([texts[2], texts[1], texts[0]])
    })

    it('imports an entry whose recorded time cannot be read, at the time in its key', async () => {
      await env.DISCLAIMERS.put('history/disclaimer/2026-04-01T12:00:00.000Z-eeee5555', '', {
        metadata: { at: 'the day before yesterday', by: 'alice', action: 'set' },
      })
      await env.DISCLAIMERS.put('disclaimer', 'The text that write made.')

      const result = await theLedger().importLegacy('alice')

      expect(result).toEqual({ imported: 1, skipped: 0 })
      expect(await theLedger().history('global')).toMatchObject([
        { text: 'The text that write made.', at: '2026-04-01T12:00:00.000Z', how: 'import' },
      ])
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
      expect((await theLedger().history('conclusion')).map((row) => row.version)).toEqual([
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
      expect((await theLedger().version(neverLive.version))?.landedAt).toBeNull()
      expect((await theLedger().version(third.version))?.landedAt).not.toBeNull()

      const result = await theLedger().rollback({
        target: 'conclusion',
        to: neverLive.version,
        base: third.version,
        by: 'alice',
      })

      expect(result).toMatchObject({ ok: false, code: 'never_live' })
      expect((await theLedger().history('conclusion')).map((row) => row.version)).toEqual([
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
      expect(await theLedger().history('conclusion')).toHaveLength(2)
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
      expect(await theLedger().history('conclusion')).toHaveLength(1)
    })
  })

  describe('proposals', () => {
    it('lists an open proposal however many were decided after it', async () => {
      const open = await openProposal({ target: 'home', text: 'Still waiting.', base: 0, by: 'alice' })
      for (let index = 0; index < 200; index++) {
        const later = await openProposal({ target: 'conclusion', text: `Idea ${index}.`, base: 0, by: 'alice' })
        await theLedger().reject({ id: later.id, by: 'bob', reason: 'not now' })
      }

      expect((await theLedger().proposals('open')).map((proposal) => proposal.id)).toEqual([open.id])
      expect((await theLedger().proposals(undefined, 'home')).map((proposal) => proposal.id)).toEqual([open.id])
    }, 30_000)
  })

  describe('cost', () => {
    it('reads and writes the same rows per publish however long the history is', async () => {
      async function measure() {
        const base = await publish('conclusion', `Before the measured publish ${crypto.randomUUID()}.`, 'alice')
        let status = 0
        const rows = await rowsTouched(async () => {
          status = (await putDisclaimer('conclusion', 'The measured publish.', 'bob', base.version)).status
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
      await theLedger().importLegacy('alice')
      expect((await theLedger().history('conclusion', 500)).length).toBe(101)
      const long = await measure()

      console.log(
        `one publish through PUT /admin/disclaimers/:target: ${short.statements} statements, ${short.read} rows read, ${short.written} rows written (with 101 earlier versions: ${long.read} read, ${long.written} written)`,
      )
      expect(long).toEqual(short)
    }, 15_000)

    it('publishes through the API in a few milliseconds locally (median of 20 sequential PUTs)', async () => {
      const app = createApp()
      let base = (await publish('home', 'The home note, version 0.', 'alice')).version
      const times: number[] = []
      for (const [index, editor] of TWENTY_EDITORS.entries()) {
        const started = performance.now()
        const res = await putDisclaimer('home', `The home note, version ${index + 1}.`, editor, base, app)
        times.push(performance.now() - started)
        expect(res.status).toBe(200)
        base = ((await res.json()) as PublishBody).version.version
      }

      console.log(
        `publish latency through the ledger (PUT, local workerd): median ${median(times).toFixed(1)} ms, min ${Math.min(...times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms over ${times.length}`,
      )
      expect(await theLedger().history('home')).toHaveLength(21)
    })
  })
})
