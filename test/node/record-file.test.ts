// The record as a file on Node: verify reads it in pieces with Node's SHA-256, export writes it whole or not at all.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PROJECT_ROOT } from '../../scripts/lib/paths.ts'
import { exportToFile, NotUtf8Error, nodeChainStep, utf8Pieces, verifyFile } from '../../scripts/lib/record-file.ts'
import { type ChainEntry, chainStep, GENESIS } from '../../src/core/chain.ts'

const FIXTURES = join(PROJECT_ROOT, 'test/fixtures/chain')
const HASHES = readFileSync(join(FIXTURES, 'hashes.txt'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => line.slice(0, 64))

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'record-file-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

async function textOf(file: string): Promise<string> {
  let text = ''
  for await (const piece of utf8Pieces(file)) text += piece
  return text
}

describe('nodeChainStep', () => {
  it('gives the hashes made by hand with sha256sum, as the ledger’s own step does', () => {
    let previous = GENESIS
    for (const [index, expected] of HASHES.entries()) {
      const body = readFileSync(join(FIXTURES, `row-${index + 1}.txt`), 'utf8')
      expect(chainStep(previous, body)).toBe(expected)
      previous = nodeChainStep(previous, body)
      expect(previous).toBe(expected)
    }
  })
})

describe('verifyFile', () => {
  it('verifies the export written out by hand, and names a head given from it', async () => {
    expect(await verifyFile(join(FIXTURES, 'export.jsonl'), HASHES[1])).toEqual({
      ok: true,
      rows: 4,
      head: HASHES[3],
      headFound: 2,
    })
  })
})

describe('utf8Pieces', () => {
  it('keeps a character cut between two pieces whole, and keeps a byte order mark', async () => {
    const file = join(dir, 'wide.txt')
    const text = `\uFEFF${'a'.repeat((1 << 20) - 5)}😀é\n${'b'.repeat(10)}`
    writeFileSync(file, text)
    expect(await textOf(file)).toBe(text)
  })

  it('refuses bytes that are not UTF-8, and a file that ends inside a character', async () => {
    const bad = join(dir, 'bad.txt')
    writeFileSync(bad, Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d, 0x0a]))
    await expect(textOf(bad)).rejects.toThrow(new NotUtf8Error('the file is not UTF-8 (within bytes 1 to 6)'))
    writeFileSync(bad, Buffer.from([0x7b, 0xf0, 0x9f, 0x98]))
    await expect(textOf(bad)).rejects.toThrow('the file is not UTF-8: it ends inside a character')
  })
})

describe('exportToFile', () => {
  const entry: ChainEntry = { pos: 1, table: 'landings', row: { seq: 1, at: 'x' }, hash: 'f'.repeat(64) }

  it('writes every line and the end line, then names the file', async () => {
    const file = join(dir, 'record.jsonl')
    const rows = await exportToFile(file, async () => ({ rows: [entry], next: null, head: { hash: entry.hash } }))
    expect(rows).toBe(1)
    const lines = readFileSync(file, 'utf8').split('\n')
    expect(lines[0]).toBe(`{"pos":1,"table":"landings","row":{"at":"x","seq":1},"hash":"${'f'.repeat(64)}"}`)
    expect(JSON.parse(lines[1] as string)).toMatchObject({ head: entry.hash, rows: 1 })
    expect(existsSync(`${file}.partial`)).toBe(false)
  })

  it('leaves no file, whole-looking or partial, when a page fails', async () => {
    const file = join(dir, 'record.jsonl')
    const failing = exportToFile(file, async (after) => {
      if (after > 0) throw new Error('the site went away')
      return { rows: [entry], next: 2, head: null }
    })
    await expect(failing).rejects.toThrow('the site went away')
    expect(existsSync(file)).toBe(false)
    expect(existsSync(`${file}.partial`)).toBe(false)
  })
})
