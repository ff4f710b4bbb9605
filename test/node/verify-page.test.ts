import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemoryLog, type ServedLog, serveLog } from '../../scripts/lib/memory-log.ts'
import { verifyPage } from '../../scripts/lib/verify-page.ts'
import { toBase64, utf8 } from '../../src/core/log/encoding.ts'
import { keyLabel } from '../../src/core/log/log-client.ts'
import { COSIGNATURE_V1 } from '../../src/core/log/note-keys.ts'
import { type Box, otherEntry, page, type TestKey, testKey, versionEntry } from './log-fixtures.ts'

const GLOBAL = 'This is general information, not medical advice.\n\nAsk a doctor before you take anything.'
const DOSAGE = 'Start low & go slow: <one> dose.'

let served: ServedLog
let log: MemoryLog
let logKey: TestKey
let witness: TestKey
let pages: Record<string, string> = {}
const scratch = mkdtempSync(join(tmpdir(), 'verify-page-'))

function boxes(): Box[] {
  return [
    { key: 'disclaimer:global', version: 'v3', logIndex: 2, text: GLOBAL },
    { key: 'disclaimer:page:dosage', version: 'v7', logIndex: 6, text: DOSAGE },
  ]
}

beforeAll(async () => {
  served = await serveLog(
    () => log,
    () => pages,
  )
  logKey = await testKey(`${new URL(served.origin).hostname}/disclaimer-log`)
  witness = await testKey('witness.example/alice', COSIGNATURE_V1)
  log = new MemoryLog(`${new URL(served.origin).hostname}/disclaimer-log`)
  for (let i = 0; i < 300; i++) {
    if (i === 2) log.append(versionEntry('disclaimer:global', 3, GLOBAL))
    else if (i === 6) log.append(versionEntry('disclaimer:page:dosage', 7, DOSAGE))
    else if (i === 9) log.append(versionEntry('disclaimer:page:dosage', 8, null))
    else log.append(otherEntry('events', i))
  }
  await log.sign([logKey.signer, witness.signer])
  pages = { '/dosage': page(`${served.origin}/dosage`, boxes()) }
})

afterAll(async () => {
  await served.close()
  rmSync(scratch, { recursive: true, force: true })
})

const trust = () => ({ log: logKey.key, witnesses: [witness.key], quorum: 1 })

describe('verifyPage', () => {
  it('proves each box’s text is the entry it names, fetching the checkpoint, one bundle and the tiles of the proof', async () => {
    const outcome = await verifyPage({ source: `${served.origin}/dosage`, trust: trust() })
    const root = toBase64(log.root())
    expect(outcome.lines).toEqual([
      `page ${served.origin}/dosage: 2 disclaimer box(es)`,
      `checkpoint ${served.origin}/log/checkpoint: ${log.origin}, 300 entries, root ${root}`,
      `  signed by the log key you gave, ${keyLabel(logKey.key)}`,
      `  cosigned by witness ${keyLabel(witness.key)} at 2026-01-01T00:00:00.000Z`,
      'box 1 (disclaimer:global, v3): the text on the page is entry 2 (v3), included in the tree of 300 (from tile/entries/000, tile/0/000, tile/0/001.p/44)',
      'box 2 (disclaimer:page:dosage, v7): the text on the page is entry 6 (v7), included in the tree of 300 (from tile/entries/000, tile/0/000, tile/0/001.p/44)',
      `fetched 5 URL(s) (4 from the log), ${outcome.fetched.bytes.toLocaleString('en-US')} bytes`,
      'PROVED: the text of every box on the page (2) is an entry of the log in the checkpoint above',
    ])
    expect(outcome.ok).toBe(true)
    expect(outcome.fetched.urls.map((url) => url.slice(served.origin.length))).toEqual([
      '/dosage',
      '/log/checkpoint',
      '/log/tile/entries/000',
      '/log/tile/0/000',
      '/log/tile/0/001.p/44',
    ])
  })

  it('fails for a page whose text was changed, naming the box, the entry and the paragraph', async () => {
    const changed = boxes()
    ;(changed[1] as Box).text = 'Start high: two doses.'
    pages['/changed'] = page(`${served.origin}/changed`, changed)
    const outcome = await verifyPage({ source: `${served.origin}/changed`, trust: trust() })
    expect(outcome.ok).toBe(false)
    expect(outcome.lines.filter((line) => line.startsWith('box') || line.startsWith('NOT'))).toEqual([
      'box 1 (disclaimer:global, v3): the text on the page is entry 2 (v3), included in the tree of 300 (from tile/entries/000, tile/0/000, tile/0/001.p/44)',
      'box 2 (disclaimer:page:dosage, v7) NOT PROVED: the text on the page is not entry 6: paragraph 1 differs: the page reads "Start high: two doses.", the entry "Start low & go slow: <one> dose."',
      'NOT PROVED: 1 of 2 box(es) do not hold',
    ])
  })

  it('checks a saved page against the log its canonical link names', async () => {
    const file = join(scratch, 'saved.html')
    writeFileSync(file, pages['/dosage'] as string)
    const outcome = await verifyPage({ source: file, trust: trust() })
    expect(outcome.ok).toBe(true)
    expect(outcome.fetched.urls[0]).toBe(`${served.origin}/log/checkpoint`)
    expect(outcome.lines.at(-2)).toBe(
      `fetched 4 URL(s) (4 from the log), ${outcome.fetched.bytes.toLocaleString('en-US')} bytes`,
    )
  })

  it('says which box names a wrong entry: another key’s, another version, a row that is no version, none at all', async () => {
    pages['/wrong'] = page(`${served.origin}/wrong`, [
      { key: 'disclaimer:global', version: 'v3', logIndex: 6, text: DOSAGE },
      { key: 'disclaimer:page:dosage', version: 'v6', logIndex: 6, text: DOSAGE },
      { key: 'disclaimer:global', version: 'v3', logIndex: 5, text: GLOBAL },
      { key: 'disclaimer:global', version: 'default', text: GLOBAL },
      { key: 'disclaimer:page:dosage', version: 'v8', logIndex: 9, text: DOSAGE },
      { key: 'disclaimer:global', version: 'v3', logIndex: 300, text: GLOBAL },
    ])
    const outcome = await verifyPage({ source: `${served.origin}/wrong`, trust: trust() })
    expect(outcome.ok).toBe(false)
    expect(outcome.lines.filter((line) => line.startsWith('box'))).toEqual([
      'box 1 (disclaimer:global, v3) NOT PROVED: entry 6 is a version of disclaimer:page:dosage, not of disclaimer:global',
      'box 2 (disclaimer:page:dosage, v6) NOT PROVED: entry 6 is version v7, but the box says v6',
      "box 3 (disclaimer:global, v3) NOT PROVED: entry 5 is a row of events, not a disclaimer's version",
      'box 4 (disclaimer:global, default) NOT PROVED: it names no log entry (no data-log-index): the log cannot prove what it shows',
      'box 5 (disclaimer:page:dosage, v8) NOT PROVED: entry 9 shows no text (a key deleted around the ledger, or a text the rule refuses, which pages never show)',
      "box 6 (disclaimer:global, v3) NOT PROVED: entry 300 is not in the checkpoint's tree of 300 entries",
    ])
  })

  it('proves nothing when the checkpoint is not signed by the key given, or fewer witnesses cosigned than asked', async () => {
    const stranger = await testKey(log.origin)
    const other = await verifyPage({
      source: `${served.origin}/dosage`,
      trust: { ...trust(), log: stranger.key },
    })
    expect(other.ok).toBe(false)
    expect(other.lines.slice(1, 2)).toEqual([
      `NOT PROVED: ${served.origin}/log/checkpoint does not hold: the checkpoint's note: no signature by a known key (${keyLabel(stranger.key)}); the note is signed by ${keyLabel(logKey.key)}, ${keyLabel(witness.key)}: it is not signed by the log key you gave (${keyLabel(stranger.key)})`,
    ])
    expect(other.lines.at(-1)).toBe(
      'NOT PROVED: no box is proved without the log’s checkpoint signed by your key (and cosigned as --quorum asks)',
    )

    const absent = await testKey('witness.example/bob', COSIGNATURE_V1)
    const short = await verifyPage({
      source: `${served.origin}/dosage`,
      trust: { log: logKey.key, witnesses: [witness.key, absent.key], quorum: 2 },
    })
    expect(short.ok).toBe(false)
    expect(short.lines.slice(3, 6)).toEqual([
      `  cosigned by witness ${keyLabel(witness.key)} at 2026-01-01T00:00:00.000Z`,
      `  NOT cosigned by witness ${keyLabel(absent.key)}: no cosignature by this key`,
      'NOT PROVED: 1 of the 2 witness(es) you gave cosigned this checkpoint; --quorum asks for 2',
    ])
  })

  it('names the tile that does not hold when the log serves one changed', async () => {
    const honest = log
    const forged = new MemoryLog(honest.origin)
    for (let i = 0; i < honest.size; i++) forged.append(i === 100 ? utf8('rewritten') : honest.entry(i))
    // The forger serves the honest checkpoint with its own tiles: the proof from them cannot reach its root.
    forged.checkpoint = honest.checkpoint
    log = forged
    try {
      const outcome = await verifyPage({ source: `${served.origin}/dosage`, trust: trust() })
      expect(outcome.ok).toBe(false)
      expect(outcome.lines[4]).toMatch(
        /^box 1 \(disclaimer:global, v3\) NOT PROVED: entry 2 from tile\/entries\/000 is not proved in the checkpoint's tree \(tile\/entries\/000 or one of tile\/0\/000, tile\/0\/001.p\/44\): entry 2 is not this leaf in the checkpoint's tree, or a tile was changed: the proof leads to root /,
      )
    } finally {
      log = honest
    }
  })
})
