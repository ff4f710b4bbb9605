// verify on several threads answers only an export that holds, and exactly as the one-thread check does.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { utf8Pieces, verifyFile } from '../../scripts/lib/record-file.ts'
import { verifyOnThreads } from '../../scripts/lib/verify-threads.ts'
import { type ChainEntry, chainHash, exportLine, GENESIS, verifyExportStream } from '../../src/core/chain.ts'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'verify-threads-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** 60 rows: ASCII, other UTF-8 and a lone surrogate, so that pieces of each kind are read. */
function entries(): ChainEntry[] {
  let previous = GENESIS
  return Array.from({ length: 60 }, (_, index) => {
    const text = index % 7 === 3 ? `Él dice: “no” — 😀 ${index}` : index === 41 ? `a\ud800${index}` : `Plain ${index}.`
    const row = { seq: index + 1, key: 'disclaimer', text, at: '2026-12-01T00:00:00.000Z', note: null }
    previous = chainHash(previous, 'versions', row)
    return { pos: index + 1, table: 'versions', row, hash: previous }
  })
}

function exportText(rows: ChainEntry[], end = true): string {
  const last = rows.at(-1)
  const endLine = exportLine({ head: last?.hash ?? null, rows: rows.length, exportedAt: '2026-12-03T00:00:00.000Z' })
  return `${rows.map(exportLine).join('')}${end ? endLine : ''}`
}

function fileOf(content: string | Buffer): string {
  const file = join(dir, 'export.jsonl')
  writeFileSync(file, content)
  return file
}

const oneThread = (file: string, head?: string) => verifyExportStream(utf8Pieces(file), { head })

describe('verifyOnThreads', () => {
  it('verifies an export read in pieces of every size, on this thread or others too, and finds a head given', async () => {
    const rows = entries()
    const file = fileOf(exportText(rows))
    const whole = { ok: true, rows: 60, head: rows[59]?.hash }
    for (const pieceBytes of [1, 90, 250, 1000, 1 << 20]) {
      expect(await verifyOnThreads(file, { threads: 0, pieceBytes }), `${pieceBytes}`).toStrictEqual(whole)
      expect(await verifyOnThreads(file, { threads: 0, pieceBytes, head: rows[40]?.hash })).toStrictEqual({
        ...whole,
        headFound: 41,
      })
    }
    expect(await verifyOnThreads(file, { threads: 2, pieceBytes: 250, head: rows[40]?.hash })).toStrictEqual({
      ...whole,
      headFound: 41,
    })
    expect(await oneThread(file, rows[40]?.hash)).toStrictEqual({ ...whole, headFound: 41 })
    expect(await verifyOnThreads(fileOf(exportText([])), { threads: 1 })).toStrictEqual({
      ok: true,
      rows: 0,
      head: GENESIS,
    })
  })

  it('answers nothing for an export that does not hold, which verifyFile then names as one thread does', async () => {
    const rows = entries()
    const text = exportText(rows)
    const lines = text.split('\n').slice(0, -1)
    const changed = rows.map((entry) =>
      entry.pos === 30 ? { ...entry, row: { ...entry.row, text: 'Forged.' } } : entry,
    )
    const swapped = [...rows.slice(0, 20), rows[21], rows[20], ...rows.slice(22)] as ChainEntry[]
    const bad: [string, string | Buffer, string?][] = [
      ['a row changed', exportText(changed)],
      ['two rows swapped', exportText(swapped)],
      ['a row removed', exportText(rows.filter((entry) => entry.pos !== 50))],
      ['a column stated twice', text.replace('"text":"Plain 20."', '"text":"Forged.","text":"Plain 20."')],
      ['no end line', exportText(rows, false)],
      ['cut inside a line', text.slice(0, text.length - 10)],
      ['a line after the end line', `${text}${lines[3]}\n`],
      [
        'rows after an end line',
        `${exportText(rows.slice(0, 30))}${exportText(rows).split('\n').slice(30).join('\n')}`,
      ],
      ['a blank line', text.replace('\n', '\n\n')],
      [
        'a byte that is not UTF-8',
        Buffer.concat([Buffer.from(text.slice(0, 3000)), Buffer.from([0xff]), Buffer.from(text.slice(3000))]),
      ],
      ['an empty file', ''],
      ['a head that is no row', text, 'f'.repeat(64)],
    ]
    for (const [what, content, head] of bad) {
      const file = fileOf(content)
      for (const pieceBytes of [90, 1000, 1 << 20]) {
        expect(await verifyOnThreads(file, { threads: 0, pieceBytes, head }), `${what} ${pieceBytes}`).toBeUndefined()
      }
      const sequential = await oneThread(file, head).catch((error: Error) => error)
      const threaded = await verifyFile(file, head, 1).catch((error: Error) => error)
      expect(threaded, what).toStrictEqual(sequential)
      expect(threaded instanceof Error || threaded.ok, what).toBe(what === 'a byte that is not UTF-8')
    }
  })
})
