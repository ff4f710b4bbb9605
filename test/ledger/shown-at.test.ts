// "What was live at", called directly on a fresh object's SqlStorage: what pages showed, said exactly, for broken and
// deleted texts, notes without a default, and times before the ledger's first look at a key.
import { describe, expect, it } from 'vitest'
import { DEFAULT_DISCLAIMERS } from '../../src/core/defaults.ts'
import { recordImport } from '../../src/ledger/legacy-import.ts'
import { EXTERNAL_EDITOR } from '../../src/ledger/reconcile.ts'
import { shownAt } from '../../src/ledger/shown-at.ts'
import { addVersion, withFreshSql } from './helpers.ts'

const T = Date.parse('2026-12-01T10:00:00.000Z')
const iso = (ms: number) => new Date(ms).toISOString()
const GLOBAL = 'disclaimer'
/** A page note with no bundled default (content/disclaimers has no conclusion.txt). */
const NOTE = 'disclaimer:conclusion'
const GLOBAL_DEFAULT = DEFAULT_DISCLAIMERS.get(GLOBAL)?.text as string

describe('shownAt', () => {
  it('answers a version the ledger wrote from when KV took it, and one found in KV from when it was seen', async () => {
    const answers = await withFreshSql(async (sql) => {
      const published = await addVersion(sql, GLOBAL, 'Published.', { now: T, landedAt: T + 50 })
      // Written again later by the ledger (to sign it), a text found in KV still counts from when it was seen.
      const external = await addVersion(sql, GLOBAL, 'Put in KV.', {
        how: 'external',
        by: EXTERNAL_EDITOR,
        now: T + 100,
        landedAt: T + 200_000,
      })
      return {
        published: published.version,
        external: external.version,
        beforeLanding: shownAt(sql, GLOBAL, iso(T + 49)).shows,
        landed: shownAt(sql, GLOBAL, iso(T + 50)),
        seen: shownAt(sql, GLOBAL, iso(T + 101)),
      }
    })

    expect(answers.beforeLanding).toBe('default')
    expect(answers.landed).toMatchObject({
      shows: 'version',
      version: { version: answers.published },
      text: 'Published.',
      reason: `v${answers.published} (publish by alice) was live`,
    })
    expect(answers.seen).toMatchObject({
      shows: 'version',
      version: { version: answers.external },
      text: 'Put in KV.',
      reason: `v${answers.external} (changed outside the ledger) was live`,
    })
  })

  it('says pages showed the bundled default for a broken or deleted text, and no note where a page has no default', async () => {
    const answers = await withFreshSql(async (sql) => {
      for (const key of [GLOBAL, NOTE]) {
        await addVersion(sql, key, 'A good text.', { now: T, landedAt: T + 1 })
        await addVersion(sql, key, 'Hidden\u200Bcharacter.', {
          how: 'external',
          by: EXTERNAL_EDITOR,
          valid: false,
          problem: 'character U+200B at position 7',
          now: T + 100,
        })
        await addVersion(sql, key, null, { how: 'external', by: EXTERNAL_EDITOR, valid: false, now: T + 200 })
      }
      const at = (key: string, ms: number) => shownAt(sql, key, iso(ms))
      return {
        broken: at(GLOBAL, T + 150),
        deleted: at(GLOBAL, T + 250),
        brokenNote: at(NOTE, T + 150),
        deletedNote: at(NOTE, T + 250),
      }
    })

    expect(answers.broken).toMatchObject({
      shows: 'default',
      version: { text: 'Hidden\u200Bcharacter.', valid: false },
      text: GLOBAL_DEFAULT,
    })
    expect(answers.broken.reason).toMatch(
      /^v\d+ \(changed outside the ledger\) breaks the rule \(character U\+200B at position 7\): pages showed the bundled default$/,
    )
    expect(answers.deleted).toMatchObject({ shows: 'default', version: { text: null }, text: GLOBAL_DEFAULT })
    expect(answers.deleted.reason).toMatch(/the key was deleted from KV: pages showed the bundled default$/)
    expect(answers.brokenNote).toMatchObject({ shows: 'none', text: null })
    expect(answers.brokenNote.reason).toMatch(/breaks the rule .*: the page showed no note$/)
    expect(answers.deletedNote).toMatchObject({ shows: 'none', text: null })
  })

  it('says no note, never the bundled default, for a page note with no default and no version', async () => {
    const answer = await withFreshSql((sql) => shownAt(sql, NOTE, iso(T)))

    expect(answer).toEqual({
      shows: 'none',
      version: null,
      text: null,
      reason: 'KV held no text the ledger knows of then: the page showed no note',
    })
  })

  it('answers a time before the ledger first looked with what KV held then, as far as the ledger knows', async () => {
    const answers = await withFreshSql(async (sql) => {
      const found = await addVersion(sql, GLOBAL, 'Found in KV on the first look.', {
        how: 'external',
        by: EXTERNAL_EDITOR,
        now: T,
      })
      await addVersion(sql, GLOBAL, 'Published over it.', { now: T + 10, landedAt: T + 20 })
      await addVersion(sql, NOTE, 'The first note, published.', { now: T, landedAt: T + 1 })
      return {
        found: found.version,
        global: shownAt(sql, GLOBAL, iso(T - 60_000)),
        note: shownAt(sql, NOTE, iso(T - 1)),
      }
    })

    expect(answers.global).toMatchObject({
      shows: 'version',
      version: { version: answers.found },
      text: 'Found in KV on the first look.',
      reason: `v${answers.found} (changed outside the ledger) is what KV held when the ledger first read it, at ${iso(T)}; the ledger has no record of it before then`,
    })
    // Its first row was its own write, which the ledger makes only where KV holds nothing it has not recorded.
    expect(answers.note).toEqual({
      shows: 'none',
      version: null,
      text: null,
      reason: 'KV held no text the ledger knows of then: the page showed no note',
    })
  })

  it("never answers with an imported text pages did not show: a lost one, or the last write's read after the ledger wrote", async () => {
    const answers = await withFreshSql(async (sql) => {
      const published = await addVersion(sql, GLOBAL, 'The ledger text.', { now: T, landedAt: T + 1 })
      // The import ran an hour later: the old store's last write "made" what KV held then, the ledger's own text.
      recordImport(
        sql,
        new Map([
          [
            GLOBAL,
            [
              {
                importId: 'a',
                text: 'The old text.',
                hash: 'h1',
                at: iso(T - 3_000_000),
                by: 'legacy:ann',
                note: null,
              },
              {
                importId: 'b',
                text: null,
                hash: null,
                at: iso(T - 2_000_000),
                by: 'legacy:ann',
                note: null,
                lost: 'the text this write made is no longer in KV; only its hash, h2, is known',
              },
              {
                importId: 'c',
                text: 'The ledger text.',
                hash: 'h3',
                at: iso(T - 1_000_000),
                by: 'legacy:ann',
                note: null,
              },
            ],
          ],
        ]),
        'the cron',
        T + 3_600_000,
      )
      return {
        published,
        old: shownAt(sql, GLOBAL, iso(T - 2_500_000)),
        lost: shownAt(sql, GLOBAL, iso(T - 1_500_000)),
        readLate: shownAt(sql, GLOBAL, iso(T - 500_000)),
        after: shownAt(sql, GLOBAL, iso(T + 5)),
      }
    })

    expect(answers.old).toMatchObject({
      shows: 'version',
      text: 'The old text.',
      version: { how: 'import' },
      reason: expect.stringContaining("(the old store's history) was live, by the old store"),
    })
    expect(answers.lost).toMatchObject({ shows: 'unknown', text: null, version: { how: 'import', text: null } })
    expect(answers.lost.reason).toContain('only its hash, h2, is known; what pages showed then is not known')
    expect(answers.readLate).toMatchObject({ shows: 'unknown', text: null, version: { how: 'import' } })
    expect(answers.readLate.reason).toContain("is the old store's last write, imported after the ledger had changed")
    expect(answers.after).toMatchObject({ shows: 'version', version: { version: answers.published.version } })
  })

  it("trusts the old store's last write read after the ledger's first look where that look found the same text", async () => {
    const answer = await withFreshSql(async (sql) => {
      await addVersion(sql, GLOBAL, 'What the old store made.', { how: 'external', by: EXTERNAL_EDITOR, now: T })
      recordImport(
        sql,
        new Map([
          [
            GLOBAL,
            [
              {
                importId: 'a',
                text: 'What the old store made.',
                hash: 'h',
                at: iso(T - 1_000_000),
                by: 'legacy:ann',
                note: null,
              },
            ],
          ],
        ]),
        'the cron',
        T + 60_000,
      )
      return shownAt(sql, GLOBAL, iso(T - 500_000))
    })

    expect(answer).toMatchObject({ shows: 'version', text: 'What the old store made.', version: { how: 'import' } })
  })
})
