import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type ChainEntry,
  type ChainRow,
  canonicalRow,
  chainHash,
  exportChecker,
  exportLine,
  exportLines,
  exportStream,
  exportText,
  GENESIS,
  verifyExport,
  verifyExportStream,
} from '../../src/core/chain.ts'
import EXPORT from '../fixtures/chain/export.jsonl?raw'
import HASHES from '../fixtures/chain/hashes.txt?raw'
import ROW_1 from '../fixtures/chain/row-1.txt?raw'
import ROW_2 from '../fixtures/chain/row-2.txt?raw'
import ROW_3 from '../fixtures/chain/row-3.txt?raw'
import ROW_4 from '../fixtures/chain/row-4.txt?raw'

/** The rows of test/fixtures/chain, as the ledger holds them; their bytes and hashes were made by hand. */
const KNOWN: [string, ChainRow][] = [
  [
    'versions',
    { seq: 1, key: 'disclaimer', text: 'First.', at: '2026-12-01T00:00:00.000Z', by: 'alice', valid: 1, note: null },
  ],
  ['landings', { seq: 1, at: '2026-12-01T00:00:00.100Z' }],
  [
    'proposals',
    {
      id: 7,
      text: 'Él dice: “no” — 😀\u2028fin',
      note: 'line\nbreak "quoted" back\\slash \u0001 bell',
      by: 'bob',
      big: 1e21,
      half: 0.5,
      minus: -3,
      when: null,
    },
  ],
  ['events', { s: 'a\ud800', id: 8 }],
]
const KNOWN_BYTES = [ROW_1, ROW_2, ROW_3, ROW_4]
const KNOWN_HASHES = HASHES.trim()
  .split('\n')
  .map((line) => line.slice(0, 64))

function chainOf(rows: [string, ChainRow][]): ChainEntry[] {
  let previous = GENESIS
  return rows.map(([table, row], index) => {
    previous = chainHash(previous, table, row)
    return { pos: index + 1, table, row, hash: previous }
  })
}

const ROWS: [string, ChainRow][] = [
  [
    'versions',
    { seq: 1, key: 'disclaimer', text: 'First.', at: '2026-12-01T00:00:00.000Z', by: 'alice', valid: 1, note: null },
  ],
  ['landings', { seq: 1, at: '2026-12-01T00:00:00.100Z' }],
  [
    'proposals',
    { id: 1, key: 'disclaimer', text: 'Second.', base: 1, by: 'alice', at: '2026-12-02T00:00:00.000Z', note: 'why' },
  ],
  [
    'decisions',
    { proposal_id: 1, decision: 'approved', by: 'bob', at: '2026-12-02T01:00:00.000Z', reason: null, published_seq: 2 },
  ],
]

const END_AT = '2026-12-03T00:00:00.000Z'

/** The chain hash of ROWS' row at `index`. */
function entriesHash(index: number): string {
  return chainOf(ROWS)[index]?.hash as string
}

/** An export as the ledger writes it: the rows' lines, then the end line (unless `end` is null). */
function exportOf(
  entries: ChainEntry[],
  end: { head: string | null; rows: number } | null = { head: entries.at(-1)?.hash ?? null, rows: entries.length },
): string {
  const lines = entries.map(exportLine)
  if (end) lines.push(exportLine({ ...end, exportedAt: END_AT }))
  return lines.join('')
}

function linesOf(text: string): string[] {
  return text.slice(0, -1).split('\n')
}

function problemOf(text: string, head?: string): string {
  const verdict = verifyExport(text, { head })
  return verdict.ok ? 'verified' : verdict.problem
}

describe('canonicalRow', () => {
  it('is RFC 8785 JSON: members sorted, no space, the same whatever order the columns came in', () => {
    expect(canonicalRow('landings', { seq: 1, at: 'x' })).toBe('{"row":{"at":"x","seq":1},"table":"landings"}')
    expect(canonicalRow('landings', { at: 'x', seq: 1 })).toBe(canonicalRow('landings', { seq: 1, at: 'x' }))
  })

  it('gives exactly the bytes written out by hand in test/fixtures/chain', () => {
    expect(KNOWN.map(([table, row]) => canonicalRow(table, row))).toEqual(KNOWN_BYTES)
  })

  it('writes a string that is not well-formed as its code units, so hashing never fails on one', () => {
    expect(canonicalRow('t', { s: 'a\ud800' })).toBe('{"row":{"s":{"utf16":[97,55296]}},"table":"t"}')
    expect(chainHash(GENESIS, 't', { s: 'a\ud800' })).not.toBe(chainHash(GENESIS, 't', { s: 'a\ud801' }))
  })

  it.each([
    ['an object', { utf16: [97, 55296] }, 'the column s holds an object'],
    ['a list', [1], 'the column s holds a list'],
    ['a boolean', true, 'the column s holds a boolean'],
    ['NaN', Number.NaN, 'the column s holds the number NaN'],
    ['Infinity', Number.POSITIVE_INFINITY, 'the column s holds the number Infinity'],
    ['nothing', undefined, 'the column s holds nothing'],
  ])('refuses a column holding %s, so no other value can share the bytes of a row', (_, value, problem) => {
    const row = { s: value } as unknown as ChainRow
    expect(() => canonicalRow('t', row)).toThrow(`${problem}; a column holds a string, a finite number or null`)
    expect(() => exportLine({ pos: 1, table: 't', row, hash: GENESIS })).toThrow(problem)
  })

  it('refuses a column name that is not an SQL identifier', () => {
    expect(() => canonicalRow('t', { '9': 1 })).toThrow('the column "9" is not a column name (letters, digits and _)')
    expect(() => canonicalRow('t', { 'a b': 1 })).toThrow('the column "a b" is not a column name')
    expect(canonicalRow('t', { _a9: 1 })).toBe('{"row":{"_a9":1},"table":"t"}')
  })
})

describe('chainHash', () => {
  it('gives the chain hashes computed by hand with sha256sum from 32 zero bytes (test/fixtures/chain)', () => {
    expect(GENESIS).toBe('0000000000000000000000000000000000000000000000000000000000000000')
    expect(chainOf(KNOWN).map((entry) => entry.hash)).toEqual(KNOWN_HASHES)
    expect(KNOWN_HASHES).toHaveLength(4)
  })
})

describe('exportLine', () => {
  it('writes the lines of the export written out by hand, byte for byte', () => {
    const entries = chainOf(KNOWN)
    expect(exportOf(entries)).toBe(EXPORT)
  })
})

describe('exportLines', () => {
  it('reads page by page and ends with the end line naming the last page’s head and the rows', async () => {
    const entries = chainOf(ROWS)
    const pages = [entries.slice(0, 3), entries.slice(3)]
    const asked: number[] = []
    const lines: string[] = []
    for await (const line of exportLines(async (after) => {
      asked.push(after)
      const page = pages.shift() ?? []
      return { rows: page, next: pages.length ? 3 : null, head: { hash: entries[3]?.hash as string } }
    })) {
      lines.push(line)
    }
    expect(asked).toEqual([0, 3])
    expect(lines.slice(0, 4)).toEqual(entries.map(exportLine))
    expect(JSON.parse(lines[4] as string)).toMatchObject({ head: entries[3]?.hash, rows: 4 })
    expect(verifyExport(lines.join(''))).toMatchObject({ ok: true, rows: 4 })
  })

  it('writes nothing for a page that holds no rows and goes on to the next', async () => {
    const entries = chainOf(ROWS)
    const pages = [[], entries]
    const lines: string[] = []
    for await (const line of exportLines(async () => {
      const page = pages.shift() ?? []
      return { rows: page, next: pages.length ? 0 : null, head: { hash: entries[3]?.hash as string } }
    })) {
      lines.push(line)
    }
    expect(lines.slice(0, 4)).toEqual(entries.map(exportLine))
    expect(lines).toHaveLength(5)
  })

  it('writes the end line alone for a record with no rows', async () => {
    const lines: string[] = []
    for await (const line of exportLines(async () => ({ rows: [], next: null, head: null }))) lines.push(line)
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0] as string)).toEqual({ head: null, rows: 0, exportedAt: expect.any(String) })
    expect(verifyExport(lines.join(''))).toStrictEqual({ ok: true, rows: 0, head: GENESIS })
  })

  it('ends with the error of a page that fails, and no end line, so what was written cannot pass for the whole', async () => {
    const entries = chainOf(ROWS)
    const lines: string[] = []
    const reading = (async () => {
      for await (const line of exportLines(async (after) => {
        if (after > 0) throw new Error('the ledger went away')
        return { rows: entries.slice(0, 2), next: 3, head: null }
      })) {
        lines.push(line)
      }
    })()
    await expect(reading).rejects.toThrow('the ledger went away')
    expect(lines).toEqual(entries.slice(0, 2).map(exportLine))
    expect(problemOf(lines.join(''))).toBe(
      'the export stops after row 2 without its end line: it is incomplete (cut off while it was written or downloaded); export it again',
    )
  })
})

describe('exportText', () => {
  it('writes a page as its rows’ lines, with its last position, where the next starts and the head', () => {
    const entries = chainOf(ROWS)
    const head = { hash: entries[3]?.hash as string }
    expect(exportText({ rows: entries.slice(0, 3), next: 3, head })).toStrictEqual({
      lines: entries.slice(0, 3).map(exportLine).join(''),
      last: 3,
      next: 3,
      head,
    })
    expect(exportText({ rows: [], next: null, head: null })).toStrictEqual({
      lines: '',
      last: null,
      next: null,
      head: null,
    })
  })
})

describe('exportStream', () => {
  async function readAll(stream: ReadableStream<Uint8Array>): Promise<{ text: string; error?: string }> {
    const reader = stream.getReader()
    const decoder = new TextDecoder()
    let text = ''
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) return { text }
        text += decoder.decode(value, { stream: true })
      }
    } catch (error) {
      return { text, error: (error as Error).message }
    }
  }

  it('reads no page before the response asks for one', async () => {
    const asked: number[] = []
    const reader = exportStream(async (after) => {
      asked.push(after)
      return exportText({ rows: [], next: null, head: null })
    }).getReader()
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(asked).toEqual([])
    expect((await reader.read()).done).toBe(false)
    expect(asked).toEqual([0])
  })

  it('sends the export’s bytes, end line last, and closes', async () => {
    const entries = chainOf(ROWS)
    const { text, error } = await readAll(
      exportStream(async () => exportText({ rows: entries, next: null, head: { hash: entries[3]?.hash as string } })),
    )
    expect(error).toBeUndefined()
    expect(verifyExport(text)).toEqual({ ok: true, rows: 4, head: entries[3]?.hash })
  })

  it('sends each page the ledger serves as one chunk, the end line with the last, never a chunk per line', async () => {
    const entries = chainOf(ROWS)
    const pages = [entries.slice(0, 3), entries.slice(3)]
    const reader = exportStream(async () => {
      const page = pages.shift() ?? []
      return exportText({ rows: page, next: pages.length ? 3 : null, head: { hash: entries[3]?.hash as string } })
    }).getReader()
    const chunks: string[] = []
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      chunks.push(new TextDecoder().decode(chunk.value))
    }
    expect(chunks).toHaveLength(2)
    expect(chunks[0]).toBe(entries.slice(0, 3).map(exportLine).join(''))
    expect(chunks[1]?.startsWith(exportLine(entries[3] as ChainEntry))).toBe(true)
    expect(JSON.parse((chunks[1] as string).split('\n')[1] as string)).toMatchObject({
      head: entries[3]?.hash,
      rows: 4,
    })
    expect(verifyExport(chunks.join(''))).toEqual({ ok: true, rows: 4, head: entries[3]?.hash })
  })

  it('errors instead of closing when a page fails, so a download is cut, and what came has no end line', async () => {
    const entries = chainOf(ROWS)
    const { text, error } = await readAll(
      exportStream(async (after) => {
        if (after > 0) throw new Error('the ledger went away')
        return exportText({ rows: entries.slice(0, 2), next: 3, head: null })
      }),
    )
    expect(error).toBe('the ledger went away')
    expect(text).toBe(entries.slice(0, 2).map(exportLine).join(''))
    expect(problemOf(text)).toBe(
      'the export stops after row 2 without its end line: it is incomplete (cut off while it was written or downloaded); export it again',
    )
  })
})

describe('verifyExport', () => {
  it('holds for the export written out by hand, names its head, and finds a head given from it', () => {
    expect(verifyExport(EXPORT)).toEqual({ ok: true, rows: 4, head: KNOWN_HASHES[3] })
    expect(verifyExport(EXPORT, { head: KNOWN_HASHES[1]?.toUpperCase() })).toEqual({
      ok: true,
      rows: 4,
      head: KNOWN_HASHES[3],
      headFound: 2,
    })
  })

  it('holds for an export of nothing: its end line alone', () => {
    expect(verifyExport(exportOf([]))).toStrictEqual({ ok: true, rows: 0, head: GENESIS })
  })

  it('names the first row whose content was changed', () => {
    const entries = chainOf(ROWS)
    const changed = entries.map((entry) =>
      entry.pos === 3 ? { ...entry, row: { ...entry.row, text: 'Forged.' } } : entry,
    )
    const verdict = verifyExport(exportOf(changed))
    expect(verdict).toMatchObject({ ok: false, pos: 3, rows: 2 })
    expect(!verdict.ok && verdict.problem).toBe(
      `row 3 (proposals 1) does not match its chain hash: its content or a row before it was changed (computed ${chainHash(entries[1]?.hash as string, 'proposals', changed[2]?.row as ChainRow)}, the export says ${entries[2]?.hash})`,
    )
  })

  it('refuses a renumbered export whose hashes are intact: positions are checked, not only hashes', () => {
    const renumbered = chainOf(ROWS).map((entry) => ({ ...entry, pos: entry.pos + 1 }))
    const verdict = verifyExport(exportOf(renumbered))
    expect(verdict).toEqual({
      ok: false,
      rows: 0,
      pos: 1,
      problem: 'row 1 (versions 1) is numbered 2: a row is missing, added or out of order',
    })
  })

  it('fails where a row was removed, or two rows swapped, with their own numbers and hashes kept', () => {
    const entries = chainOf(ROWS) as [ChainEntry, ChainEntry, ChainEntry, ChainEntry]
    expect(verifyExport(exportOf([entries[0], entries[2], entries[3]]))).toMatchObject({ ok: false, pos: 2 })
    expect(problemOf(exportOf([entries[0], entries[2], entries[1], entries[3]]))).toBe(
      'row 2 (proposals 1) is numbered 3: a row is missing, added or out of order',
    )
  })

  it('refuses an end line with the right count and another head', () => {
    const entries = chainOf(ROWS)
    const text = exportOf(entries, { head: entries[2]?.hash as string, rows: 4 })
    expect(verifyExport(text)).toEqual({
      ok: false,
      rows: 4,
      problem: `the end line names the head ${entries[2]?.hash}, but its 4 row(s) lead to ${entries[3]?.hash}: the end line or the rows were changed`,
    })
    expect(problemOf(exportOf([], { head: GENESIS, rows: 0 }))).toBe(
      `the end line names the head ${GENESIS}, but its 0 row(s) lead to null: the end line or the rows were changed`,
    )
  })

  it('refuses an end line whose count is not the rows before it: rows cut from the end, or added', () => {
    const entries = chainOf(ROWS)
    const cut = exportOf(entries.slice(0, 3), { head: entries[3]?.hash as string, rows: 4 })
    expect(verifyExport(cut)).toEqual({
      ok: false,
      rows: 3,
      problem: 'the end line says 4 row(s); the export holds 3: rows were removed from the end, or added',
    })
  })

  it('refuses an export without its end line, an empty file, and a file cut inside a line', () => {
    const entries = chainOf(ROWS)
    const whole = exportOf(entries)
    expect(verifyExport(exportOf(entries, null))).toEqual({
      ok: false,
      rows: 4,
      problem:
        'the export stops after row 4 without its end line: it is incomplete (cut off while it was written or downloaded); export it again',
    })
    expect(problemOf('')).toBe('the file is empty: an export holds at least its end line; export it again')
    expect(problemOf(whole.slice(0, whole.length - 10))).toBe(
      'the file ends inside line 5 (no newline after it): the export was cut off or edited; export it again',
    )
    expect(problemOf(whole.slice(0, -1))).toBe(
      'the file ends inside line 5 (no newline after it): the export was cut off or edited; export it again',
    )
  })

  it('refuses a line that states a column twice, though JSON.parse would keep the real value', () => {
    const entries = chainOf(ROWS)
    const lines = linesOf(exportOf(entries))
    lines[2] = (lines[2] as string).replace('"text":"Second."', '"text":"FORGED.","text":"Second."')
    const verdict = verifyExport(`${lines.join('\n')}\n`)
    expect(verdict).toMatchObject({ ok: false, rows: 2, pos: 3 })
    const problem = verdict.ok ? '' : verdict.problem
    expect(problem).toMatch(/^line 3 is not written as an export writes it \(from character \d+ it reads "FORGED\./)
    expect(problem).toContain(
      '): a field was repeated, added, dropped or moved, or the spacing or escaping changed, and an export is checked byte for byte',
    )
  })

  it.each([
    ['a field beside row', (line: string) => line.replace('"row":', '"forged":"yes","row":')],
    ['a field after hash', (line: string) => line.replace(/}$/, ',"note":"x"}')],
    [
      'the fields in another order',
      (line: string) => line.replace(/^\{"pos":(\d+),"table":("\w+"),/, '{"table":$2,"pos":$1,'),
    ],
    ['a space after a colon', (line: string) => line.replace('"pos":', '"pos": ')],
    ['a carriage return before the newline', (line: string) => `${line}\r`],
    ['an escape where the character is written', (line: string) => line.replace('First.', 'Fir\\u0073t.')],
    ['a number written another way', (line: string) => line.replace('"seq":1', '"seq":1.0')],
  ])('refuses a row line with %s, whatever its hash says', (_, change) => {
    const lines = linesOf(exportOf(chainOf(ROWS)))
    lines[0] = change(lines[0] as string)
    expect(lines[0]).not.toBe(linesOf(exportOf(chainOf(ROWS)))[0])
    const verdict = verifyExport(`${lines.join('\n')}\n`)
    expect(verdict).toMatchObject({ ok: false, rows: 0, pos: 1 })
    expect(!verdict.ok && verdict.problem).toMatch(
      /^line 1 is not written as an export writes it \(from character \d+ /,
    )
  })

  it('refuses an end line with a field more, or written another way', () => {
    const lines = linesOf(exportOf(chainOf(ROWS)))
    const end = lines[4] as string
    for (const changed of [end.replace(/}$/, ',"note":"x"}'), end.replace('"rows":4', '"rows": 4')]) {
      expect(problemOf(`${[...lines.slice(0, 4), changed].join('\n')}\n`)).toMatch(
        /^line 5, the end line, is not written as an export writes it: from character \d+ it reads /,
      )
    }
    const wrongTime = end.replace(END_AT, '2026-12-03')
    expect(problemOf(`${[...lines.slice(0, 4), wrongTime].join('\n')}\n`)).toBe(
      'line 5 is not an export\'s end line ({"head", "rows", "exportedAt"})',
    )
  })

  it('refuses columns out of order, naming the two', () => {
    const lines = linesOf(exportOf(chainOf(ROWS)))
    lines[0] = (lines[0] as string).replace('"by":"alice",', '').replace('"text"', '"by":"alice","text"')
    expect(verifyExport(`${lines.join('\n')}\n`)).toStrictEqual({
      ok: false,
      rows: 0,
      pos: 1,
      problem:
        "line 1 is not written as an export writes it: its column by comes after seq, and an export writes them in RFC 8785's order",
    })
  })

  it('says where a line first differs from the form an export writes, with a little of each', () => {
    const lines = linesOf(exportOf(chainOf(ROWS)))
    lines[1] = (lines[1] as string).replace('"seq":1', '"seq": 1')
    expect(problemOf(`${lines.join('\n')}\n`)).toBe(
      `line 2 is not written as an export writes it (from character 74 it reads " 1},\\"hash\\":\\"${entriesHash(1).slice(0, 12)}" where an export writes "1},\\"hash\\":\\"${entriesHash(1).slice(0, 13)}"): a field was repeated, added, dropped or moved, or the spacing or escaping changed, and an export is checked byte for byte`,
    )
  })

  it.each([
    ['pos as text', '{"pos":"1","table":"t","row":{},"hash":"x"}'],
    ['table as a number', '{"pos":1,"table":5,"row":{},"hash":"x"}'],
    ['hash as a number', '{"pos":1,"table":"t","row":{},"hash":5}'],
    ['row as a list', '{"pos":1,"table":"t","row":[1],"hash":"x"}'],
    ['row as text', '{"pos":1,"table":"t","row":"x","hash":"x"}'],
    ['row null', '{"pos":1,"table":"t","row":null,"hash":"x"}'],
  ])('refuses a row line with %s as not a row', (_, line) => {
    expect(verifyExport(`${line}\n`)).toStrictEqual({
      ok: false,
      rows: 0,
      pos: 1,
      problem: 'line 1 is not a row of an export (pos, table, row, hash)',
    })
  })

  it.each([
    ['a head that is a number', '{"head":5,"rows":0,"exportedAt":"2026-12-03T00:00:00.000Z"}'],
    ['a head in a list', `{"head":["${'a'.repeat(64)}"],"rows":0,"exportedAt":"2026-12-03T00:00:00.000Z"}`],
    ['a time in a list', '{"head":null,"rows":0,"exportedAt":["2026-12-03T00:00:00.000Z"]}'],
    ['a head in capitals', `{"head":"${'A'.repeat(64)}","rows":0,"exportedAt":"2026-12-03T00:00:00.000Z"}`],
    ['a head with more before it', `{"head":"x${'a'.repeat(64)}","rows":0,"exportedAt":"2026-12-03T00:00:00.000Z"}`],
    ['a head with more after it', `{"head":"${'a'.repeat(64)}x","rows":0,"exportedAt":"2026-12-03T00:00:00.000Z"}`],
    ['a count below zero', '{"head":null,"rows":-1,"exportedAt":"2026-12-03T00:00:00.000Z"}'],
    ['a count with a fraction', '{"head":null,"rows":1.5,"exportedAt":"2026-12-03T00:00:00.000Z"}'],
    ['a count as text', '{"head":null,"rows":"0","exportedAt":"2026-12-03T00:00:00.000Z"}'],
    ['a time that is a number', '{"head":null,"rows":0,"exportedAt":5}'],
    ['a time with more before it', '{"head":null,"rows":0,"exportedAt":"x2026-12-03T00:00:00.000Z"}'],
    ['a time with more after it', '{"head":null,"rows":0,"exportedAt":"2026-12-03T00:00:00.000Zx"}'],
  ])('refuses an end line with %s', (_, line) => {
    expect(verifyExport(`${line}\n`)).toStrictEqual({
      ok: false,
      rows: 0,
      problem: 'line 1 is not an export\'s end line ({"head", "rows", "exportedAt"})',
    })
  })

  it('names a row by its table alone when it has no number, and verifies a column in capitals', () => {
    const [entry] = chainOf([['t', { Aa: 1, id: null }]]) as [ChainEntry]
    expect(verifyExport(exportOf([entry]))).toStrictEqual({ ok: true, rows: 1, head: entry.hash })
    expect(problemOf(exportOf([{ ...entry, pos: 2 }]))).toBe(
      'row 1 (t) is numbered 2: a row is missing, added or out of order',
    )
    const [scheduled] = chainOf([['t', { schedule_id: null }]]) as [ChainEntry]
    expect(problemOf(exportOf([{ ...scheduled, pos: 2 }]))).toBe(
      'row 1 (t) is numbered 2: a row is missing, added or out of order',
    )
    const [plain] = chainOf([['t', { at: 'x' }]]) as [ChainEntry]
    expect(problemOf(exportOf([{ ...plain, pos: 2 }]))).toBe(
      'row 1 (t) is numbered 2: a row is missing, added or out of order',
    )
  })

  it('cannot read a row whose table name holds a lone surrogate, and says so', () => {
    const line = `{"pos":1,"table":"t\\ud800","row":{},"hash":"${'a'.repeat(64)}"}`
    expect(verifyExport(`${line}\n`)).toStrictEqual({
      ok: false,
      rows: 0,
      pos: 1,
      problem: 'row 1 (t\ud800) cannot be read: Lone surrogate is not allowed',
    })
  })

  it('keeps its first verdict, whatever is read after it', () => {
    const checker = exportChecker()
    const first = checker.write('not json\n')
    expect(first).toStrictEqual({ ok: false, rows: 0, pos: 1, problem: 'line 1 is not JSON' })
    expect(checker.write(exportOf([]))).toBe(first)
    expect(checker.end()).toBe(first)
  })

  it('refuses the {"utf16": …} object in place of the string it encodes, though both hash the same', () => {
    const [entry] = chainOf([['events', { s: 'a\ud800' }]]) as [ChainEntry]
    const stated = exportLine(entry).replace('"a\\ud800"', '{"utf16":[97,55296]}')
    expect(stated).toContain('"row":{"s":{"utf16":[97,55296]}}')
    const text = `${stated}${exportLine({ head: entry.hash, rows: 1, exportedAt: END_AT })}`
    expect(verifyExport(text)).toEqual({
      ok: false,
      rows: 0,
      pos: 1,
      problem: 'line 1: the column s holds an object; a column holds a string, a finite number or null',
    })
    expect(verifyExport(exportOf([entry]))).toMatchObject({ ok: true, rows: 1 })
  })

  it('names a line that is not JSON, not a row, empty, or after the end line', () => {
    expect(problemOf('{"pos":1}\n')).toBe('line 1 is not a row of an export (pos, table, row, hash)')
    for (const line of ['[1]', '5', 'null', '"x"', 'true']) {
      expect(verifyExport(`${line}\n`), line).toStrictEqual({
        ok: false,
        rows: 0,
        pos: 1,
        problem: 'line 1 is not a row of an export (pos, table, row, hash)',
      })
    }
    expect(verifyExport('not json\n')).toStrictEqual({ ok: false, rows: 0, pos: 1, problem: 'line 1 is not JSON' })
    expect(verifyExport(`\uFEFF${exportOf([])}`)).toStrictEqual({
      ok: false,
      rows: 0,
      pos: 1,
      problem: 'line 1 starts with a byte order mark, which an export never has: the file was saved again by an editor',
    })
    const one = exportOf(chainOf(ROWS.slice(0, 1)), null)
    expect(verifyExport(`${one}\n`)).toStrictEqual({
      ok: false,
      rows: 1,
      pos: 2,
      problem: 'line 2 is empty: an export has no blank lines',
    })
    expect(verifyExport(`${one}oops\n`)).toStrictEqual({ ok: false, rows: 1, pos: 2, problem: 'line 2 is not JSON' })
    expect(verifyExport(`${one}[]\n`)).toMatchObject({ ok: false, rows: 1, pos: 2 })
    const whole = exportOf(chainOf(ROWS))
    expect(problemOf(whole.replace('\n', '\n\n'))).toBe('line 2 is empty: an export has no blank lines')
    expect(problemOf(`${whole}${linesOf(whole)[0]}\n`)).toBe("line 6 comes after the export's end line")
  })

  it('finds a head remembered earlier among the rows, and refuses one that is not there', () => {
    const entries = chainOf(ROWS)
    expect(verifyExport(exportOf(entries), { head: entries[1]?.hash })).toMatchObject({ ok: true, headFound: 2 })
    const elsewhere = chainOf([['landings', { seq: 9, at: 'x' }]])[0]?.hash as string
    expect(problemOf(exportOf(entries), elsewhere)).toBe(
      `the head ${elsewhere} is not a row of this export: the record was rewritten since it, or the export is of another ledger`,
    )
  })

  it('reads a line as long as the bound', () => {
    const checker = exportChecker({ maxLineChars: 10 })
    expect(checker.write('{"pos":123')).toBeUndefined()
    expect(checker.write('4')).toStrictEqual({
      ok: false,
      rows: 0,
      problem: 'line 1 is longer than 10 characters: it is not a line of an export',
    })
  })

  it('refuses a line longer than the bound, without reading on', () => {
    const verdict = verifyExport(`{"pos":1,"table":"t","row":{"s":"${'x'.repeat(100)}`, { maxLineChars: 64 })
    expect(verdict).toEqual({
      ok: false,
      rows: 0,
      problem: 'line 1 is longer than 64 characters: it is not a line of an export',
    })
  })

  it('stops reading at the first line that does not hold', async () => {
    let asked = 0
    async function* pieces() {
      asked++
      yield 'not json\n'
      asked++
      yield exportOf([])
    }
    expect(await verifyExportStream(pieces())).toStrictEqual({
      ok: false,
      rows: 0,
      pos: 1,
      problem: 'line 1 is not JSON',
    })
    expect(asked).toBe(1)
  })

  it('checks a piece of an export going on from the row before it, and says where the check stands', () => {
    const entries = chainOf(ROWS)
    const lines = linesOf(exportOf(entries)).map((line) => `${line}\n`)
    const piece = exportChecker({ from: { pos: 2, hash: entries[1]?.hash as string }, head: entries[2]?.hash })
    expect(piece.progress()).toStrictEqual({ rows: 2, head: entries[1]?.hash, ended: false })
    expect(piece.write(lines[2] as string)).toBeUndefined()
    expect(piece.progress()).toStrictEqual({ rows: 3, head: entries[2]?.hash, headFound: 3, ended: false })
    expect(piece.write(`${lines[3]}${lines[4]}`)).toBeUndefined()
    expect(piece.progress()).toStrictEqual({ rows: 4, head: entries[3]?.hash, headFound: 3, ended: true })
    expect(exportChecker().progress()).toStrictEqual({ rows: 0, head: GENESIS, ended: false })
  })

  it('refuses a piece that does not go on from the row it was given, by hash or by position', () => {
    const entries = chainOf(ROWS)
    const third = linesOf(exportOf(entries))[2] as string
    expect(exportChecker({ from: { pos: 2, hash: entries[0]?.hash as string } }).write(`${third}\n`)).toStrictEqual({
      ok: false,
      rows: 2,
      pos: 3,
      problem: `row 3 (proposals 1) does not match its chain hash: its content or a row before it was changed (computed ${chainHash(entries[0]?.hash as string, 'proposals', entries[2]?.row as ChainRow)}, the export says ${entries[2]?.hash})`,
    })
    expect(exportChecker({ from: { pos: 1, hash: entries[1]?.hash as string } }).write(`${third}\n`)).toStrictEqual({
      ok: false,
      rows: 1,
      pos: 2,
      problem: 'row 2 (proposals 1) is numbered 3: a row is missing, added or out of order',
    })
  })

  it('reads the same whether the export comes whole or in pieces cut anywhere', async () => {
    async function* pieces(text: string, size: number) {
      for (let index = 0; index < text.length; index += size) yield text.slice(index, index + size)
    }
    for (const size of [1, 7, 64, 100_000]) {
      expect(await verifyExportStream(pieces(EXPORT, size))).toEqual(verifyExport(EXPORT))
      const cut = EXPORT.slice(0, EXPORT.lastIndexOf('{"head"'))
      expect(await verifyExportStream(pieces(cut, size))).toEqual(verifyExport(cut))
    }
  })

  it('hashes every row it accepts as chainHash does, whatever the columns hold', () => {
    const column = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.constantFrom('a\ud800', '\udfff', '\ud83d', '\u2028"\\'),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
      fc.constant(null),
    )
    const row = fc.dictionary(fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/), column, { maxKeys: 6 })
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('versions', 'events'), row), { maxLength: 5 }), (rows) => {
        const entries = chainOf(rows)
        expect(verifyExport(exportOf(entries))).toEqual({
          ok: true,
          rows: rows.length,
          head: entries.at(-1)?.hash ?? GENESIS,
        })
      }),
      { numRuns: 60 },
    )
  }, 30_000)
})
