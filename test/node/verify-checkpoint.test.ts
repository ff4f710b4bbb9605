import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CliError } from '../../scripts/lib/admin-client.ts'
import { freePort } from '../../scripts/lib/free-port.ts'
import { MemoryLog, type ServedLog, serveLog } from '../../scripts/lib/memory-log.ts'
import { checkpointsIn, verifyCheckpoint } from '../../scripts/lib/verify-checkpoint.ts'
import { toBase64, utf8 } from '../../src/core/log/encoding.ts'
import { keyLabel } from '../../src/core/log/log-client.ts'
import { COSIGNATURE_V1 } from '../../src/core/log/note-keys.ts'
import { otherEntry, type TestKey, testKey } from './log-fixtures.ts'

let served: ServedLog
let log: MemoryLog
let logKey: TestKey
let witness: TestKey
let origin: string
const scratch = mkdtempSync(join(tmpdir(), 'verify-checkpoint-'))

function grow(to: number, entry = (i: number) => otherEntry('events', i)) {
  while (log.size < to) log.append(entry(log.size))
}

/** A file holding `text`. */
function saved(name: string, text: string): string {
  const file = join(scratch, name)
  writeFileSync(file, text)
  return file
}

/** Quoted-printable (RFC 2045), with soft line breaks at 76 characters, as a mail system sends a UTF-8 body. */
function quotedPrintable(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const encoded = [...utf8(line)]
        .map((byte) =>
          byte === 0x3d || byte > 0x7e
            ? `=${byte.toString(16).toUpperCase().padStart(2, '0')}`
            : String.fromCharCode(byte),
        )
        .join('')
      const pieces: string[] = []
      let rest = encoded
      while (rest.length > 75) {
        let cut = 75
        while (rest[cut - 1] === '=' || rest[cut - 2] === '=') cut--
        pieces.push(`${rest.slice(0, cut)}=`)
        rest = rest.slice(cut)
      }
      return [...pieces, rest].join('\r\n')
    })
    .join('\r\n')
}

beforeAll(async () => {
  served = await serveLog(() => log)
  origin = `${new URL(served.origin).hostname}/disclaimer-log`
  logKey = await testKey(origin)
  witness = await testKey('witness.example/alice', COSIGNATURE_V1)
  log = new MemoryLog(origin)
})

afterAll(async () => {
  await served.close()
  rmSync(scratch, { recursive: true, force: true })
})

const trust = () => ({ log: logKey.key, witnesses: [witness.key], quorum: 1 })

describe('verifyCheckpoint', () => {
  it('proves the log served now extends a checkpoint kept in a file, from the tiles of the proof', async () => {
    log = new MemoryLog(origin)
    grow(300)
    const old = saved('old.checkpoint', await log.sign([logKey.signer, witness.signer]))
    const oldRoot = toBase64(log.root())
    grow(700)
    await log.sign([logKey.signer, witness.signer])
    const outcome = await verifyCheckpoint({ file: old, trust: trust(), site: served.origin })
    expect(outcome.ok).toBe(true)
    expect(outcome.lines).toEqual([
      `checkpoint 1 in ${old}: ${origin}, 300 entries, root ${oldRoot}; signed by the log key you gave, cosigned by ${keyLabel(witness.key)}`,
      `checkpoint ${served.origin}/log/checkpoint: ${origin}, 700 entries, root ${toBase64(log.root())}`,
      `  signed by the log key you gave, ${keyLabel(logKey.key)}`,
      `  cosigned by witness ${keyLabel(witness.key)} at 2026-01-01T00:00:00.000Z`,
      'the log now (700 entries) extends your checkpoint of 300 entries, a proof of 9 hash(es) from tile/0/001, tile/1/000.p/2, tile/0/002.p/188',
      `fetched 4 URL(s), ${outcome.fetched.bytes.toLocaleString('en-US')} bytes`,
      `PROVED: the log at ${served.origin}/log/ extends every checkpoint in ${old} (1)`,
    ])
  })

  it('finds the checkpoint in a whole message, raw and quoted-printable, or its text pasted', async () => {
    log = new MemoryLog(origin)
    grow(50)
    const note = await log.sign([logKey.signer])
    const body = `bob approved alice's proposal.\n\nThe log's signed checkpoint once this was recorded:\n\n${note}\n--\nSent by the disclaimer ledger of ${served.origin}.\n`
    const raw = [
      'From: disclaimers@example.org',
      'To: alice@example.org',
      'Subject: [Disclaimers] Approved',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      quotedPrintable(body),
    ].join('\r\n')
    // The signature line is longer than a quoted-printable line: only the parsed message holds it whole.
    expect(raw).toContain('=E2=80=94')
    expect(await checkpointsIn(raw)).toEqual([note])
    expect(await checkpointsIn(body)).toEqual([note])
    grow(60)
    await log.sign([logKey.signer, witness.signer])
    const outcome = await verifyCheckpoint({ file: saved('message.eml', raw), trust: trust(), site: served.origin })
    expect(outcome.lines.at(-1)).toBe(
      `PROVED: the log at ${served.origin}/log/ extends every checkpoint in ${join(scratch, 'message.eml')} (1)`,
    )
    expect(outcome.ok).toBe(true)
  })

  it('fails loudly for a log rewritten under an old checkpoint, and for one that lost entries', async () => {
    log = new MemoryLog(origin)
    grow(300)
    const old = saved('before.checkpoint', await log.sign([logKey.signer]))
    // The same key signs a history in which entry 40 was changed, and it grows on from there.
    log = new MemoryLog(origin)
    grow(700, (i) => (i === 40 ? utf8('entry 40, rewritten') : otherEntry('events', i)))
    await log.sign([logKey.signer, witness.signer])
    const outcome = await verifyCheckpoint({ file: old, trust: trust(), site: served.origin })
    expect(outcome.ok).toBe(false)
    expect(outcome.lines.at(-3)).toMatch(
      /^THE LOG WAS REWRITTEN: it does not extend your checkpoint of 300 entries: the newer tree does not extend the older, or a tile was changed: the proof leads to old root .*\. Keep .*before\.checkpoint and a copy of http:\/\/127\.0\.0\.1:[0-9]+\/log\/checkpoint: together they are the evidence\.$/,
    )
    expect(outcome.lines.at(-1)).toBe(`NOT PROVED: the log served at ${served.origin}/log/ rewrote its history`)

    log = new MemoryLog(origin)
    grow(200)
    await log.sign([logKey.signer, witness.signer])
    const shrunk = await verifyCheckpoint({ file: old, trust: trust(), site: served.origin })
    expect(shrunk.ok).toBe(false)
    expect(shrunk.lines.at(-3)).toBe(
      `THE LOG WAS REWRITTEN: it does not extend your checkpoint of 300 entries: the log now has 200 entries, fewer than the 300 of your checkpoint: entries were removed. Keep ${old} and a copy of ${served.origin}/log/checkpoint: together they are the evidence.`,
    )
  })

  it('uses no checkpoint the log key did not sign, and refuses a file that holds none', async () => {
    log = new MemoryLog(origin)
    grow(10)
    const stranger = await testKey(origin)
    const forged = saved('forged.checkpoint', await log.sign([stranger.signer]))
    const outcome = await verifyCheckpoint({ file: forged, trust: trust(), site: served.origin })
    expect(outcome.ok).toBe(false)
    expect(outcome.lines[0]).toBe(
      `checkpoint 1 in ${forged} is not used: the checkpoint's note: no signature by a known key (${keyLabel(logKey.key)}); the note is signed by ${keyLabel(stranger.key)}: it is not signed by the log key you gave (${keyLabel(logKey.key)})`,
    )
    expect(outcome.lines.at(-1)).toBe(`NOT PROVED: no checkpoint in ${forged} is signed by the log key you gave`)
    expect(outcome.fetched.urls).toEqual([])

    const none = saved('none.txt', 'Record checkpoint: the chain stood at row 3.')
    await expect(verifyCheckpoint({ file: none, trust: trust(), site: served.origin })).rejects.toEqual(
      new CliError(
        `${none} holds no signed checkpoint (an origin line, a size, a base64 root, a blank line, then “— ” signature lines)`,
        2,
      ),
    )
  })

  it('says a log it could not reach proved nothing, and does not call it rewritten', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`
    const unreached = new MemoryLog(`${new URL(closed).hostname}/disclaimer-log`)
    unreached.append(utf8('entry 0'))
    const kept = saved('unreached.checkpoint', await unreached.sign([logKey.signer]))
    const outcome = await verifyCheckpoint({ file: kept, trust: { ...trust(), quorum: 0 }, site: closed })
    expect(outcome.ok).toBe(false)
    expect(outcome.lines.slice(1)).toEqual([
      `NOT PROVED: the log's checkpoint could not be read: could not fetch ${closed}/log/checkpoint: ECONNREFUSED`,
      'fetched 1 URL(s), 0 bytes',
      'NOT PROVED: nothing is proved without the log’s checkpoint signed by your key (and cosigned as --quorum asks)',
    ])
  })
})
