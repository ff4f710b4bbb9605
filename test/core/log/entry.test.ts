import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import { describe, expect, it } from 'vitest'
import { canonicalRow } from '../../../src/core/chain.ts'
import { utf8 } from '../../../src/core/log/encoding.ts'
import {
  checkEntry,
  commitment,
  encodeEntry,
  MAX_ENTRY_BYTES,
  PUBLIC_COLUMNS,
  parseEntry,
  publicColumns,
} from '../../../src/core/log/entry.ts'

const SALT = new Uint8Array(32).fill(7)
const OTHER_SALT = new Uint8Array(32).fill(8)

const VERSION = {
  seq: 12,
  key: 'disclaimer:global',
  text: 'Not medical advice.\n\nAsk your doctor.',
  hash: 'ab'.repeat(32),
  at: '2026-12-01T10:00:00.000Z',
  by: 'alice@example.com',
  how: 'publish',
  note: 'typo, do not tell anyone',
  approved_by: 'bob@example.com',
  proposal_id: 3,
  rollback_of: null,
  valid: 1,
  problem: null,
  import_id: null,
}

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

describe('encodeEntry', () => {
  it('writes the public columns and a commitment to the whole row as RFC 8785 canonical JSON', () => {
    const committed = bytesToHex(sha256(new Uint8Array([...SALT, ...utf8(canonicalRow('versions', VERSION))])))
    expect(decode(encodeEntry('versions', VERSION, SALT))).toBe(
      `{"commitment":"${committed}","row":{"at":"2026-12-01T10:00:00.000Z","hash":"${'ab'.repeat(32)}","how":"publish","import_id":null,"key":"disclaimer:global","problem":null,"proposal_id":3,"rollback_of":null,"seq":12,"text":"Not medical advice.\\n\\nAsk your doctor.","valid":1},"table":"versions"}`,
    )
  })

  it('never shows who did it, their note, or whom it was approved by', () => {
    const text = decode(encodeEntry('versions', VERSION, SALT))
    for (const secret of ['alice@example.com', 'bob@example.com', 'typo', '"by"', '"note"', '"approved_by"']) {
      expect(text).not.toContain(secret)
    }
  })

  it('keeps a text that fails the rule, and its hash, out of sight', () => {
    const row = { ...VERSION, how: 'external', valid: 0, problem: 'the disclaimer is empty', text: 'secret paste' }
    const parsed = parseEntry(encodeEntry('versions', row, SALT))
    expect(parsed.ok && parsed.entry.row).toEqual({
      seq: 12,
      key: 'disclaimer:global',
      at: '2026-12-01T10:00:00.000Z',
      how: 'external',
      proposal_id: 3,
      rollback_of: null,
      valid: 0,
      problem: 'the disclaimer is empty',
      import_id: null,
    })
  })

  it('shows only the named columns of each table, and nothing of a table it does not know', () => {
    const decision = { proposal_id: 3, decision: 'rejected', by: 'bob', at: 't', reason: 'rude', published_seq: null }
    expect(publicColumns('decisions', decision)).toEqual({
      proposal_id: 3,
      decision: 'rejected',
      at: 't',
      published_seq: null,
    })
    const event = { id: 9, at: 't', kind: 'proposal_opened', key: 'k', version_seq: null, proposal_id: 3 }
    expect(publicColumns('events', { ...event, actor: 'alice', detail: '{"note":"x"}' })).toEqual(event)
    expect(publicColumns('drafts', { id: 'd', text: 'draft', note: 'mine' })).toEqual({})
    // A table the log does not know shows no column at all, whatever its columns are called.
    const oddNames = Object.fromEntries(['', ' ', 'x y', 'Stryker was here', '__proto__x'].map((name) => [name, 1]))
    expect(publicColumns('not-a-table', oddNames)).toEqual({})
    expect(Object.keys(PUBLIC_COLUMNS).sort()).toEqual([
      'decisions',
      'events',
      'imports',
      'landings',
      'page_contents',
      'page_servings',
      'proposals',
      'reviews',
      'schedule_outcomes',
      'schedules',
      'versions',
    ])
  })

  it('shows the named columns of every table, a hash even where valid is not 1, and no column the row lacks', () => {
    const rows: Record<string, Record<string, string | number | null>> = {
      proposals: { id: 1, key: 'k', base: 2, at: 't' },
      imports: { id: 1, at: 't', imported: 3 },
      schedules: { id: 1, key: 'k', base: 2, at: 't', effective_at: 'u', proposal_id: 4 },
      schedule_outcomes: { schedule_id: 1, outcome: 'published', at: 't', version_seq: 5 },
      reviews: { id: 1, page: '/p', hash: 'h', name: 'Dr A', credentials: 'MD', at: 't', due_at: 'u' },
      page_contents: { id: 1, page: '/p', hash: 'h', words: 'w', at: 't', worker_version: 'v' },
      page_servings: { id: 1, page: '/p', hash: 'h', at: 't', worker_version: 'v' },
    }
    for (const [table, row] of Object.entries(rows)) {
      expect(publicColumns(table, { ...row, by: 'alice', note: 'private' })).toStrictEqual(row)
    }
    expect(publicColumns('landings', { seq: 1 })).toStrictEqual({ seq: 1 })
  })

  it('writes an entry of a table it does not know with no public columns', () => {
    const committed = commitment('drafts', { id: 'd', text: 'draft' }, SALT)
    expect(decode(encodeEntry('drafts', { id: 'd', text: 'draft' }, SALT))).toBe(
      `{"commitment":"${committed}","row":{},"table":"drafts"}`,
    )
  })

  it('keeps the text of an entry of exactly 65,535 bytes', () => {
    const length = (text: string) => encodeEntry('versions', { ...VERSION, text }, SALT).length
    const text = 'a'.repeat(MAX_ENTRY_BYTES - length(''))
    expect(length(text)).toBe(MAX_ENTRY_BYTES)
    const parsed = parseEntry(encodeEntry('versions', { ...VERSION, text }, SALT))
    expect(parsed.ok && parsed.entry.row.text).toBe(text)
  })

  it('refuses a row whose id alone does not fit a bundle', () => {
    expect(() => encodeEntry('versions', { ...VERSION, seq: 'x'.repeat(70_000) }, SALT)).toThrow(
      'the entry of a versions row does not fit in 65535 bytes even with only its id',
    )
  })

  it('gives the same bytes for the same row whatever the order of its columns', () => {
    const reversed = Object.fromEntries(Object.entries(VERSION).reverse())
    expect(encodeEntry('versions', reversed, SALT)).toEqual(encodeEntry('versions', VERSION, SALT))
  })

  it('changes the commitment with the salt or any private column', () => {
    const base = commitment('versions', VERSION, SALT)
    expect(commitment('versions', VERSION, OTHER_SALT)).not.toBe(base)
    expect(commitment('versions', { ...VERSION, note: 'typo' }, SALT)).not.toBe(base)
    expect(commitment('landings', VERSION, SALT)).not.toBe(base)
    expect(() => commitment('versions', VERSION, new Uint8Array(31))).toThrow('salt is 32 bytes, not 31')
  })

  it('leaves out the text of an entry that would not fit a bundle, then all but the id', () => {
    const long = { ...VERSION, text: 'é'.repeat(40_000) }
    const parsed = parseEntry(encodeEntry('versions', long, SALT))
    expect(parsed.ok && Object.keys(parsed.entry.row)).not.toContain('text')
    expect(parsed.ok && parsed.entry.row.hash).toBe(VERSION.hash)
    const huge = { ...long, problem: 'x'.repeat(70_000) }
    const small = parseEntry(encodeEntry('versions', huge, SALT))
    expect(small.ok && small.entry.row).toEqual({ seq: 12 })
    expect(encodeEntry('versions', huge, SALT).length).toBeLessThanOrEqual(MAX_ENTRY_BYTES)
    const fits = { ...VERSION, text: 'a'.repeat(MAX_ENTRY_BYTES - 400) }
    expect(parseEntry(encodeEntry('versions', fits, SALT)).ok && fits.text.length).toBe(MAX_ENTRY_BYTES - 400)
  })

  it('writes a string that is not well-formed UTF-16 as its code units', () => {
    const row = { seq: 1, at: 'a\ud800' }
    const bytes = encodeEntry('landings', row, SALT)
    expect(decode(bytes)).toContain('"row":{"at":{"utf16":[97,55296]},"seq":1}')
    const parsed = parseEntry(bytes)
    expect(parsed.ok && parsed.entry.row.at).toBe('a\ud800')
  })
})

describe('parseEntry', () => {
  const bytes = encodeEntry('landings', { seq: 4, at: '2026-12-01T10:00:00.000Z' }, SALT)
  const committed = commitment('landings', { seq: 4, at: '2026-12-01T10:00:00.000Z' }, SALT)

  it('reads back what encodeEntry wrote', () => {
    expect(parseEntry(bytes)).toEqual({
      ok: true,
      entry: { table: 'landings', row: { at: '2026-12-01T10:00:00.000Z', seq: 4 }, commitment: committed },
    })
  })

  it('reads the lowest and highest code units of a string that is not well-formed', () => {
    const bytes = utf8(`{"commitment":"${committed}","row":{"a":{"utf16":[0,55296,65535]}},"table":"t"}`)
    expect(parseEntry(bytes)).toEqual({
      ok: true,
      entry: { table: 't', row: { a: '\u0000\ud800\uffff' }, commitment: committed },
    })
  })

  it.each([
    ['not UTF-8', new Uint8Array([0xff]), 'the entry is not valid UTF-8'],
    ['not JSON', utf8('{'), 'the entry is not JSON'],
    ['a list', utf8('[]'), 'the entry is not a JSON object'],
    ['null', utf8('null'), 'the entry is not a JSON object'],
    ['an extra field', utf8(`{"commitment":"${committed}","row":{},"table":"t","x":1}`), 'fields it should not: x'],
    ['no table', utf8(`{"commitment":"${committed}","row":{}}`), 'the entry names no table'],
    ['an empty table', utf8(`{"commitment":"${committed}","row":{},"table":""}`), 'the entry names no table'],
    ['a short commitment', utf8('{"commitment":"ab","row":{},"table":"t"}'), 'no commitment of 64 lowercase hex'],
    ['an upper-case commitment', utf8(`{"commitment":"${'AB'.repeat(32)}","row":{},"table":"t"}`), 'lowercase hex'],
    ['a row that is a list', utf8(`{"commitment":"${committed}","row":[],"table":"t"}`), 'row is not an object'],
    ['a row that is null', utf8(`{"commitment":"${committed}","row":null,"table":"t"}`), 'row is not an object'],
    ['a column holding a list', utf8(`{"commitment":"${committed}","row":{"a":[1]},"table":"t"}`), 'column "a"'],
    ['a column holding true', utf8(`{"commitment":"${committed}","row":{"a":true},"table":"t"}`), 'column "a"'],
    ['a column named 1', utf8(`{"commitment":"${committed}","row":{"1":2},"table":"t"}`), 'column "1"'],
    [
      'a well-formed string as code units',
      utf8(`{"commitment":"${committed}","row":{"a":{"utf16":[97]}},"table":"t"}`),
      'column "a"',
    ],
    [
      'code units out of range',
      utf8(`{"commitment":"${committed}","row":{"a":{"utf16":[55296,65536]}},"table":"t"}`),
      'column "a"',
    ],
    [
      'code units and more',
      utf8(`{"commitment":"${committed}","row":{"a":{"utf16":[55296],"x":1}},"table":"t"}`),
      'column "a"',
    ],
    ['a string', utf8('"x"'), 'the entry is not a JSON object'],
    ['two extra fields', utf8(`{"commitment":"${committed}","row":{},"table":"t","x":1,"y":2}`), 'should not: x, y'],
    ['a commitment in a list', utf8(`{"commitment":["${committed}"],"row":{},"table":"t"}`), 'no commitment of 64'],
    ['a commitment after a letter', utf8(`{"commitment":"x${committed}","row":{},"table":"t"}`), 'no commitment of 64'],
    [
      'a commitment before a letter',
      utf8(`{"commitment":"${committed}x","row":{},"table":"t"}`),
      'no commitment of 64',
    ],
    ['a row that is a string', utf8(`{"commitment":"${committed}","row":"ab","table":"t"}`), 'row is not an object'],
    ['a column named 1a', utf8(`{"commitment":"${committed}","row":{"1a":2},"table":"t"}`), 'column "1a"'],
    ['a column named a-', utf8(`{"commitment":"${committed}","row":{"a-":2},"table":"t"}`), 'column "a-"'],
    ['a number too large', utf8(`{"commitment":"${committed}","row":{"n":1e400},"table":"t"}`), 'column "n"'],
    [
      'a negative code unit',
      utf8(`{"commitment":"${committed}","row":{"a":{"utf16":[55296,-1]}},"table":"t"}`),
      'column "a"',
    ],
    ['keys out of order', utf8(`{"row":{},"commitment":"${committed}","table":"t"}`), 'RFC 8785 canonical form'],
    ['a space', utf8(`{"commitment":"${committed}", "row":{},"table":"t"}`), 'RFC 8785 canonical form'],
    ['a number spelled otherwise', utf8(`{"commitment":"${committed}","row":{"n":1.0},"table":"t"}`), 'canonical'],
  ])('refuses %s', (_, input, problem) => {
    const parsed = parseEntry(input)
    expect(parsed.ok).toBe(false)
    expect(!parsed.ok && parsed.problem).toContain(problem)
  })
})

describe('checkEntry', () => {
  const entry = encodeEntry('versions', VERSION, SALT)

  it('holds for the full row and its salt', () => {
    expect(checkEntry(entry, 'versions', VERSION, SALT)).toEqual({ ok: true })
  })

  it('fails for another salt, a changed private column, another table, or changed public columns', () => {
    expect(checkEntry(entry, 'versions', VERSION, OTHER_SALT)).toEqual({
      ok: false,
      problem: 'the entry does not commit to this row with this salt: a column or the salt differs',
    })
    expect(checkEntry(entry, 'versions', { ...VERSION, note: 'other' }, SALT).ok).toBe(false)
    expect(checkEntry(entry, 'landings', VERSION, SALT)).toEqual({
      ok: false,
      problem: 'the entry is of a versions row, not a landings row',
    })
    const forged = utf8(decode(entry).replace('Ask your doctor.', 'Ask nobody.'))
    expect(checkEntry(forged, 'versions', VERSION, SALT)).toEqual({
      ok: false,
      problem: "the entry's public columns are not this row's",
    })
    expect(checkEntry(utf8('{}'), 'versions', VERSION, SALT)).toEqual({
      ok: false,
      problem: 'the entry names no table',
    })
  })
})
