// The outside judge: Go's reference code (golang.org/x/mod/sumdb/note and tlog, from Debian's packages) opens the
// notes our TypeScript signs and checks the proofs it makes; ours opens Go's notes and signs as Go does; and the
// committed known-answer vectors (test/core/log/vectors.json) are what Go computes now. test/interop/judge.go.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
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

const GOPATH = '/usr/share/gocode'
const INSTALL = 'apt-get update && apt-get install -y golang-go golang-golang-x-mod-dev'
const scratch = mkdtempSync(join(tmpdir(), 'log-interop-'))
const judge = join(scratch, 'judge')
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

let built: string | undefined

/** The judge, built once; a machine without Go fails every test here with the line that installs it. */
function judgeProgram(): string {
  if (built) return built
  const go = spawnSync('go', ['version'], { encoding: 'utf8' })
  if (go.error || go.status !== 0 || !existsSync(join(GOPATH, 'src/golang.org/x/mod/sumdb/note/note.go'))) {
    throw new Error(`Go and golang.org/x/mod are needed as the outside judge of the log's formats: run ${INSTALL}`)
  }
  const started = performance.now()
  execFileSync('go', ['build', '-o', judge, 'judge.go'], {
    cwd: join(PROJECT_ROOT, 'test/interop'),
    env: { ...process.env, GO111MODULE: 'off', GOPATH, GOFLAGS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  console.log(`${go.stdout.trim()}; go build of the judge: ${(performance.now() - started).toFixed(0)} ms`)
  built = judge
  return built
}

function runJudge(mode: 'vectors' | 'check', input = ''): unknown {
  const started = performance.now()
  const output = execFileSync(judgeProgram(), [mode], { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  console.log(`judge ${mode}: ${(performance.now() - started).toFixed(0)} ms`)
  return JSON.parse(output)
}

type Verdict = { ok: boolean; error?: string; text?: string; sigs?: string[] }

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
})
