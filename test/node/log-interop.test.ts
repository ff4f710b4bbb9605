// The outside judge: Go's reference code (golang.org/x/mod/sumdb/note and tlog, from Debian's packages) opens the
// notes our TypeScript signs and checks the proofs it makes; ours opens Go's notes and signs as Go does; and the
// committed known-answer vectors (test/core/log/vectors.json) are what Go computes now. test/interop/judge.go.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MemoryLog, serveLog } from '../../scripts/lib/memory-log.ts'
import { PROJECT_ROOT } from '../../scripts/lib/paths.ts'
import { formatCheckpoint } from '../../src/core/log/checkpoint.ts'
import { cosigner } from '../../src/core/log/cosignature.ts'
import { toBase64, utf8 } from '../../src/core/log/encoding.ts'
import { leafHash } from '../../src/core/log/merkle.ts'
import { openNote, signNote } from '../../src/core/log/note.ts'
import {
  COSIGNATURE_V1,
  ed25519Signer,
  ed25519Verifier,
  generateKeyPair,
  parseSignerKey,
  parseVerifierKey,
} from '../../src/core/log/note-keys.ts'
import { inclusionProofFromTiles } from '../../src/core/log/tile-reader.ts'
import { parseTilePath } from '../../src/core/log/tiles.ts'
import {
  appendLeaf,
  consistencyProof,
  inclusionProof,
  MemoryHashStore,
  readTile,
  treeRoot,
} from '../../src/core/log/tree-store.ts'
import { judgeSite, runJudge, type Verdict } from './go-judge.ts'

const ORIGIN = 'interop.example/log'
const store = new MemoryHashStore()
for (let i = 0; i < 1000; i++) appendLeaf(store, i, leafHash(utf8(`entry ${i}`)))
const b64 = toBase64

function flip(hash: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(hash)
  copy[0] = (copy[0] as number) ^ 1
  return copy
}

async function fromTiles(index: number, size: number): Promise<Uint8Array[]> {
  return inclusionProofFromTiles(index, size, async (path) => {
    const parsed = parseTilePath(path)
    if (!parsed.ok || parsed.kind !== 'hashes') throw new Error(path)
    return readTile(store, parsed.tile, size)
  })
}

describe('Go’s sumdb/note and sumdb/tlog as the outside judge', () => {
  it('compute now the known-answer vectors the workers tests hold', () => {
    const committed = JSON.parse(readFileSync(join(PROJECT_ROOT, 'test/core/log/vectors.json'), 'utf8'))
    expect(runJudge('vectors')).toEqual(committed)
  })

  it('open our signed checkpoints and cosignatures, check our proofs, and refuse them spoiled', async () => {
    const log = await generateKeyPair(ORIGIN)
    const witness = await generateKeyPair('interop.example/witness', COSIGNATURE_V1)
    const logKey = await parseSignerKey(log.signerKey)
    const witnessKey = await parseSignerKey(witness.signerKey)
    if (!logKey.ok || !witnessKey.ok) throw new Error('our own keys do not read')
    const text = formatCheckpoint({ origin: ORIGIN, size: 1000, root: treeRoot(store, 1000), extensions: [] })
    const signed = await signNote(text, [ed25519Signer(logKey.key)])
    const cosigned = await signNote(text, [ed25519Signer(logKey.key), cosigner(witnessKey.key, () => 1767225600)])
    const other = await generateKeyPair(ORIGIN)

    const inclusion: object[] = []
    const expectedInclusion: boolean[] = []
    for (let size = 1; size <= 1000; size += size < 70 ? 1 : 37) {
      const root = b64(treeRoot(store, size))
      for (const index of new Set([0, Math.floor(size / 2), size - 1])) {
        const proof = inclusionProof(store, index, size)
        const claim = { index, size, root, leafHash: b64(leafHash(utf8(`entry ${index}`))), proof: proof.map(b64) }
        inclusion.push(claim)
        expectedInclusion.push(true)
        if (proof.length > 0) {
          inclusion.push({ ...claim, proof: [b64(flip(proof[0] as Uint8Array)), ...claim.proof.slice(1)] })
          expectedInclusion.push(false)
        }
      }
    }
    for (const [index, size] of [
      [0, 1000],
      [511, 1000],
      [999, 1000],
      [300, 777],
    ] as const) {
      const proof = await fromTiles(index, size)
      inclusion.push({
        index,
        size,
        root: b64(treeRoot(store, size)),
        leafHash: b64(leafHash(utf8(`entry ${index}`))),
        proof: proof.map(b64),
      })
      expectedInclusion.push(true)
    }
    const consistency: object[] = []
    const expectedConsistency: boolean[] = []
    for (let newSize = 1; newSize <= 1000; newSize += newSize < 40 ? 1 : 97) {
      for (let oldSize = 1; oldSize <= newSize; oldSize += oldSize < 40 ? 1 : 53) {
        const proof = consistencyProof(store, oldSize, newSize)
        const claim = {
          oldSize,
          oldRoot: b64(treeRoot(store, oldSize)),
          size: newSize,
          root: b64(treeRoot(store, newSize)),
          proof: proof.map(b64),
        }
        consistency.push(claim)
        expectedConsistency.push(true)
        if (proof.length > 0) {
          consistency.push({ ...claim, proof: [...claim.proof.slice(0, -1), b64(flip(proof.at(-1) as Uint8Array))] })
          expectedConsistency.push(false)
        }
      }
    }

    const answer = runJudge(
      'check',
      JSON.stringify({
        notes: [
          { note: signed, verifierKeys: [log.verifierKey] },
          { note: cosigned, verifierKeys: [log.verifierKey] },
          { note: signed.replace('\n1000\n', '\n1001\n'), verifierKeys: [log.verifierKey] },
          { note: signed, verifierKeys: [other.verifierKey] },
        ],
        cosignatures: [
          { note: cosigned, verifierKey: witness.verifierKey },
          { note: cosigned.replace('\n1000\n', '\n999\n'), verifierKey: witness.verifierKey },
        ],
        inclusion,
        consistency,
        signText: text,
        keyNames: [],
      }),
    ) as { notes: Verdict[]; cosignatures: Verdict[]; inclusion: Verdict[]; consistency: Verdict[] }

    const keyName = `${ORIGIN}+${log.verifierKey.split('+')[1]}`
    expect(answer.notes).toEqual([
      { ok: true, text, sigs: [keyName] },
      { ok: true, text, sigs: [keyName] },
      { ok: false, error: `invalid signature for key ${keyName}` },
      { ok: false, error: 'note has no verifiable signatures' },
    ])
    expect(answer.cosignatures).toEqual([
      { ok: true, text: '1767225600' },
      { ok: false, error: 'cosignature does not verify' },
    ])
    expect(answer.inclusion.map((v) => v.ok)).toEqual(expectedInclusion)
    expect(answer.consistency.map((v) => v.ok)).toEqual(expectedConsistency)
    expect(answer.inclusion.find((v) => !v.ok)?.error).toBe('invalid transparency proof')
    console.log(
      `Go checked ${expectedInclusion.length} inclusion proofs (${expectedInclusion.filter((ok) => !ok).length} spoiled) and ${expectedConsistency.length} consistency proofs (${expectedConsistency.filter((ok) => !ok).length} spoiled)`,
    )
  })

  it('sign notes with fresh Go keys that our code opens, and signs the same bytes with', async () => {
    const text = formatCheckpoint({
      origin: 'interop.example/go-log',
      size: 77,
      root: treeRoot(store, 77),
      extensions: ['x'],
    })
    const answer = runJudge(
      'check',
      JSON.stringify({ signText: text, keyNames: ['interop.example/go-log', 'PeterNeumann'] }),
    ) as {
      fresh: { signerKey: string; verifierKey: string; note: string }[]
    }
    expect(answer.fresh).toHaveLength(2)
    for (const { signerKey, verifierKey, note } of answer.fresh) {
      const verifying = parseVerifierKey(verifierKey)
      const signing = await parseSignerKey(signerKey)
      if (!verifying.ok || !signing.ok) throw new Error(`Go's keys do not read: ${verifierKey}`)
      expect(await openNote(note, [ed25519Verifier(verifying.key)])).toMatchObject({ ok: true, text })
      expect(await signNote(text, [ed25519Signer(signing.key)])).toBe(note)
    }
  })

  it('read a log served over HTTP: open its checkpoint, prove an entry and an extension from its tiles', async () => {
    const origin = 'interop.example/disclaimer-log'
    const log = new MemoryLog(origin)
    for (let i = 0; i < 700; i++) log.append(utf8(`entry ${i}`))
    const logKey = await generateKeyPair(origin)
    const witnessKey = await generateKeyPair('interop.example/witness', COSIGNATURE_V1)
    const signer = await parseSignerKey(logKey.signerKey)
    const cosigning = await parseSignerKey(witnessKey.signerKey)
    if (!signer.ok || !cosigning.ok) throw new Error('our own keys do not read')
    const old = await log.sign([ed25519Signer(signer.key)])
    for (let i = 700; i < 1234; i++) log.append(utf8(`entry ${i}`))
    await log.sign([ed25519Signer(signer.key), cosigner(cosigning.key, () => 1767225600)])
    let served = log
    const server = await serveLog(() => served)
    try {
      const base = `${server.origin}/log/`
      const request = {
        base,
        verifierKey: logKey.verifierKey,
        index: 1000,
        oldCheckpoint: old,
        witnessKey: witnessKey.verifierKey,
      }
      const judged = await judgeSite(request)
      expect(judged.verdict).toEqual({
        origin,
        size: 1234,
        sigs: [`${origin}+${logKey.verifierKey.split('+')[1]}`],
        entry: b64(utf8('entry 1000')),
        inclusion: { ok: true },
        consistency: { ok: true },
        cosignature: { ok: true, text: '1767225600' },
      })
      // A log that changed entry 3 under the same key and serves its own tiles: Go's tile reader catches it.
      const forged = new MemoryLog(origin)
      for (let i = 0; i < 1234; i++) forged.append(utf8(i === 3 ? 'entry 3, rewritten' : `entry ${i}`))
      await forged.sign([ed25519Signer(signer.key)])
      served = forged
      const refused = await judgeSite(request)
      expect(refused.verdict?.inclusion).toEqual({ ok: true })
      expect(refused.verdict?.consistency).toEqual({ ok: false, error: 'invalid transparency proof' })
    } finally {
      await server.close()
    }
  })
})
