import { describe, expect, it } from 'vitest'
import {
  type ChainEntry,
  type ChainRow,
  canonicalRow,
  chainHash,
  exportLine,
  GENESIS,
  verifyChain,
  verifyExport,
} from '../../src/core/chain.ts'

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

describe('canonicalRow', () => {
  it('is RFC 8785 JSON: members sorted, no space, the same whatever order the columns came in', () => {
    expect(canonicalRow('landings', { seq: 1, at: 'x' })).toBe('{"row":{"at":"x","seq":1},"table":"landings"}')
    expect(canonicalRow('landings', { at: 'x', seq: 1 })).toBe(canonicalRow('landings', { seq: 1, at: 'x' }))
    expect(canonicalRow('t', { n: 1.5e21, s: 'é\u2028"' })).toBe('{"row":{"n":1.5e+21,"s":"é\u2028\\""},"table":"t"}')
  })

  it('writes a string that is not well-formed as its code units, so hashing never fails on one', () => {
    expect(canonicalRow('t', { s: 'a\ud800' })).toBe('{"row":{"s":{"utf16":[97,55296]}},"table":"t"}')
    expect(chainHash(GENESIS, 't', { s: 'a\ud800' })).not.toBe(chainHash(GENESIS, 't', { s: 'a\ud801' }))
  })
})

describe('verifyChain', () => {
  it('holds for an untouched chain and names its head', () => {
    const entries = chainOf(ROWS)
    expect(verifyChain(entries)).toEqual({ ok: true, rows: 4, head: entries[3]?.hash })
  })

  it('names the first row whose content was changed', () => {
    const entries = chainOf(ROWS)
    const changed = entries.map((entry) =>
      entry.pos === 3 ? { ...entry, row: { ...entry.row, text: 'Forged.' } } : entry,
    )
    const verdict = verifyChain(changed)
    expect(verdict).toMatchObject({ ok: false, pos: 3, rows: 2 })
    expect(!verdict.ok && verdict.problem).toContain('row 3 (proposals 1) does not match its chain hash')
  })

  it('fails where a row was removed, or two rows swapped, even with their own hashes kept', () => {
    const entries = chainOf(ROWS)
    expect(verifyChain([entries[0], entries[2], entries[3]] as ChainEntry[])).toMatchObject({ ok: false, pos: 2 })
    const renumbered = [entries[0], { ...entries[2], pos: 2 }, { ...entries[3], pos: 3 }] as ChainEntry[]
    expect(verifyChain(renumbered)).toMatchObject({ ok: false, pos: 2 })
    const swapped = [entries[0], { ...entries[2], pos: 2 }, { ...entries[1], pos: 3 }, entries[3]] as ChainEntry[]
    expect(verifyChain(swapped)).toMatchObject({ ok: false, pos: 2 })
  })

  it('finds a head remembered earlier among the rows, and refuses one that is not there', () => {
    const entries = chainOf(ROWS)
    expect(verifyChain(entries, { head: entries[1]?.hash })).toMatchObject({ ok: true, headFound: 2 })
    const elsewhere = chainOf([['landings', { seq: 9, at: 'x' }]])[0]?.hash as string
    const verdict = verifyChain(entries, { head: elsewhere })
    expect(verdict.ok).toBe(false)
    expect(!verdict.ok && verdict.problem).toContain('is not a row of this export')
  })
})

describe('verifyExport', () => {
  const text = (
    entries: ChainEntry[],
    end = { head: entries.at(-1)?.hash ?? null, rows: entries.length, exportedAt: 'now' },
  ) => [...entries.map(exportLine), exportLine(end)].join('')

  it('checks the end line against the rows, so rows cut from the end are seen', () => {
    const entries = chainOf(ROWS)
    expect(verifyExport(text(entries))).toMatchObject({ ok: true, rows: 4 })
    const cut = [
      ...entries.slice(0, 3).map(exportLine),
      exportLine({ head: entries[3]?.hash as string, rows: 4, exportedAt: 'now' }),
    ]
    expect(verifyExport(cut.join(''))).toMatchObject({ ok: false, rows: 3 })
  })

  it('names a line that is not JSON or not a row', () => {
    expect(verifyExport('{"pos":1}\n')).toMatchObject({
      ok: false,
      problem: 'line 1 is not a row of an export (pos, table, row, hash)',
    })
    expect(verifyExport('not json\n')).toMatchObject({ ok: false, problem: 'line 1 is not JSON' })
  })
})
