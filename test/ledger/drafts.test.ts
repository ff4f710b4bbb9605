// Console drafts on real SQLite storage: owned by one editor, bounded in number and age, never in the record.
import { describe, expect, it } from 'vitest'
import {
  changeDraft,
  DRAFT_MAX_AGE_MS,
  discardDraft,
  draft,
  MAX_DRAFTS_PER_EDITOR,
  openDraft,
  startDraft,
} from '../../src/ledger/drafts.ts'
import { freshObject, withFreshSql } from './helpers.ts'

const T = Date.parse('2026-12-01T10:00:00.000Z')
const START = { target: 'global', base: '3', text: 'A draft.', note: 'why' }

describe('drafts', () => {
  it('keeps a draft for its editor and shows it to no other', async () => {
    const seen = await withFreshSql((sql) => {
      const made = startDraft(sql, 'alice', START, T)
      return {
        made,
        again: draft(sql, 'alice', made.id, T + 1),
        bob: draft(sql, 'bob', made.id, T + 1),
        bobOpen: openDraft(sql, 'bob', 'global', T + 1),
        bobChange: changeDraft(sql, 'bob', made.id, { text: 'Bob’s.' }, T + 1),
        bobDiscard: discardDraft(sql, 'bob', made.id),
        after: draft(sql, 'alice', made.id, T + 2)?.text,
      }
    })

    expect(seen.made).toMatchObject({ ...START, editor: 'alice', effective: '', outcome: null, savedAt: T })
    expect(seen.made.id).toMatch(/^[0-9a-f]{24}$/)
    expect(seen.again).toEqual(seen.made)
    expect(seen).toMatchObject({ bob: null, bobOpen: null, bobChange: null, bobDiscard: false, after: 'A draft.' })
  })

  it('saves changes, and answers the newest draft not yet sent as the open one', async () => {
    const seen = await withFreshSql((sql) => {
      const first = startDraft(sql, 'alice', START, T)
      const second = startDraft(sql, 'alice', { ...START, text: 'Second.' }, T + 1)
      const changed = changeDraft(sql, 'alice', second.id, { text: 'Changed.', effective: '2027-01-01T09:00' }, T + 2)
      const openBefore = openDraft(sql, 'alice', 'global', T + 3)?.id
      changeDraft(sql, 'alice', second.id, { outcome: { kind: 'proposed', proposal: 9 } }, T + 4)
      return {
        first,
        second,
        changed,
        openBefore,
        openAfter: openDraft(sql, 'alice', 'global', T + 5)?.id,
        home: openDraft(sql, 'alice', 'home', T + 5),
      }
    })

    expect(seen.changed).toMatchObject({
      text: 'Changed.',
      note: 'why',
      effective: '2027-01-01T09:00',
      savedAt: T + 2,
    })
    expect(seen.openBefore).toBe(seen.second.id)
    expect(seen.openAfter).toBe(seen.first.id)
    expect(seen.home).toBeNull()
  })

  it(`keeps at most ${MAX_DRAFTS_PER_EDITOR} drafts per editor, removing the least recently saved`, async () => {
    const seen = await withFreshSql((sql) => {
      const bobs = startDraft(sql, 'bob', START, T)
      const ids = Array.from(
        { length: MAX_DRAFTS_PER_EDITOR + 2 },
        (_, index) => startDraft(sql, 'alice', START, T + index).id,
      )
      const count = sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM drafts WHERE editor = 'alice'").one().n
      return {
        count,
        oldest: ids.slice(0, 2).map((id) => draft(sql, 'alice', id, T + 100)),
        kept: ids.slice(2).every((id) => draft(sql, 'alice', id, T + 100) !== null),
        bobs: draft(sql, 'bob', bobs.id, T + 100)?.id,
        bobsId: bobs.id,
      }
    })

    expect(seen.count).toBe(MAX_DRAFTS_PER_EDITOR)
    expect(seen.oldest).toEqual([null, null])
    expect(seen.kept).toBe(true)
    expect(seen.bobs).toBe(seen.bobsId)
  })

  it('forgets a draft not saved for a week, and removes it at the next save', async () => {
    const seen = await withFreshSql((sql) => {
      const old = startDraft(sql, 'alice', START, T)
      const stillThere = draft(sql, 'alice', old.id, T + DRAFT_MAX_AGE_MS)?.id
      const aged = draft(sql, 'alice', old.id, T + DRAFT_MAX_AGE_MS + 1)
      startDraft(sql, 'bob', START, T + DRAFT_MAX_AGE_MS + 1)
      const rows = sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM drafts WHERE id = ?', old.id).one().n
      return { id: old.id, stillThere, aged, rows }
    })

    expect(seen.stillThere).toBe(seen.id)
    expect(seen.aged).toBeNull()
    expect(seen.rows).toBe(0)
  })

  it('keeps drafts out of the record: no chain row, through the object', async () => {
    const ledger = freshObject()
    const made = await ledger.startDraft('alice', START)
    expect(await ledger.read('openDraft', 'alice', 'global')).toMatchObject({ id: made.id, text: 'A draft.' })
    expect(await ledger.changeDraft('alice', made.id, { note: 'better' })).toMatchObject({ note: 'better' })
    expect((await ledger.read('exportPage')).rows).toEqual([])
    expect(await ledger.discardDraft('alice', made.id)).toBe(true)
    expect(await ledger.read('draft', 'alice', made.id)).toBeNull()
  })
})
