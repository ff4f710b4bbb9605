import { describe, expect, it } from 'vitest'
import { formatCheckpoint } from '../../../src/core/log/checkpoint.ts'
import { cosignatureTime, cosignatureVerifier, cosigner } from '../../../src/core/log/cosignature.ts'
import { toBase64, utf8 } from '../../../src/core/log/encoding.ts'
import { EMPTY_ROOT, leafHash } from '../../../src/core/log/merkle.ts'
import { openNote, signNote } from '../../../src/core/log/note.ts'
import {
  ed25519Signer,
  ed25519Verifier,
  type NoteSigner,
  parseSignerKey,
  parseVerifierKey,
} from '../../../src/core/log/note-keys.ts'
import { appendLeaf, consistencyProof, MemoryHashStore, treeRoot } from '../../../src/core/log/tree-store.ts'
import {
  type CosignedCheckpoint,
  decideAddCheckpoint,
  type WitnessDecision,
  witnessAnswer,
} from '../../../src/core/log/witness.ts'
import { formatAddCheckpointRequest } from '../../../src/core/log/witness-protocol.ts'
import vectors from './vectors.json'

const { notes } = vectors
const ORIGIN = 'example.com/log'

async function signer(text: string): Promise<NoteSigner> {
  const parsed = await parseSignerKey(text)
  if (!parsed.ok) throw new Error(parsed.problem)
  return parsed.key.type === 1 ? ed25519Signer(parsed.key) : cosigner(parsed.key, () => 1767225600)
}

function publicKey(text: string) {
  const parsed = parseVerifierKey(text)
  if (!parsed.ok) throw new Error(parsed.problem)
  return parsed.key
}

function treeOf(count: number, entry = (i: number) => `entry ${i}`): MemoryHashStore {
  const store = new MemoryHashStore()
  for (let i = 0; i < count; i++) appendLeaf(store, i, leafHash(utf8(entry(i))))
  return store
}

const honest = treeOf(20)
// The same log with entry 3 rewritten: every checkpoint from size 4 on contradicts the honest one.
const forged = treeOf(20, (i) => (i === 3 ? 'entry 3, rewritten' : `entry ${i}`))

async function checkpoint(store: MemoryHashStore, size: number, by = notes.logSignerKey): Promise<string> {
  const text = formatCheckpoint({ origin: ORIGIN, size, root: treeRoot(store, size), extensions: [] })
  return signNote(text, [await signer(by)])
}

async function request(store: MemoryHashStore, oldSize: number, size: number, note?: string): Promise<string> {
  const proof = consistencyProof(store, oldSize, size)
  return formatAddCheckpointRequest({ oldSize, proof, checkpoint: note ?? (await checkpoint(store, size)) })
}

/** A witness following one log, keeping its latest cosigned checkpoint in memory. */
async function witness() {
  const latest = new Map<string, CosignedCheckpoint>()
  const log = ed25519Verifier(publicKey(notes.logVerifierKey))
  const state = {
    logKeys: (origin: string) => (origin === ORIGIN ? [log] : undefined),
    latest: (o: string) => latest.get(o),
  }
  const cosigning = await signer(notes.witnessSignerKey)
  return {
    latest,
    async submit(
      body: string,
    ): Promise<{ decision: WitnessDecision; answer: Awaited<ReturnType<typeof witnessAnswer>> }> {
      const decision = await decideAddCheckpoint(body, state)
      if (decision.verdict === 'cosign') latest.set(decision.origin, decision.record)
      return { decision, answer: await witnessAnswer(decision, [cosigning]) }
    },
  }
}

describe('decideAddCheckpoint', () => {
  it('cosigns a log’s first checkpoint, and its answer verifies as the witness’s cosignature', async () => {
    const w = await witness()
    const note = await checkpoint(honest, 5)
    const { decision, answer } = await w.submit(await request(honest, 0, 5, note))
    expect(decision).toMatchObject({ verdict: 'cosign', origin: ORIGIN, checkpoint: { size: 5 } })
    expect(answer.status).toBe(200)
    const cosigned = `${note}${answer.status === 200 ? answer.cosignatures : ''}`
    const opened = await openNote(cosigned, [cosignatureVerifier(publicKey(notes.witnessVerifierKey))])
    expect(opened.ok && opened.verified.map((s) => s.name)).toEqual(['example.com/witness'])
    expect(opened.ok && cosignatureTime(opened.verified[0]?.signature as Uint8Array)).toBe(1767225600)
    expect(w.latest.get(ORIGIN)).toEqual({ size: 5, root: treeRoot(honest, 5), note })
  })

  it('cosigns each checkpoint shown consistent with the last one it cosigned, the same one again included', async () => {
    const w = await witness()
    await w.submit(await request(honest, 0, 5))
    expect((await w.submit(await request(honest, 5, 12))).answer.status).toBe(200)
    expect((await w.submit(await request(honest, 12, 12))).answer.status).toBe(200)
    expect((await w.submit(await request(honest, 12, 20))).answer.status).toBe(200)
    expect(w.latest.get(ORIGIN)?.size).toBe(20)
  })

  it('refuses loudly a second tree of a size it cosigned, keeping both notes as evidence', async () => {
    const w = await witness()
    const cosigned = await checkpoint(honest, 10)
    await w.submit(await request(honest, 0, 10, cosigned))
    const shown = await checkpoint(forged, 10)
    const { decision, answer } = await w.submit(await request(forged, 10, 10, shown))
    expect(decision).toMatchObject({
      verdict: 'refuse',
      status: 422,
      fork: { origin: ORIGIN, certain: true, cosigned: { size: 10, note: cosigned }, shown: { size: 10, note: shown } },
    })
    expect(answer).toEqual({
      status: 422,
      problem: `FORK: example.com/log signed two different trees of size 10: root ${toBase64(treeRoot(honest, 10))} (cosigned earlier) and root ${toBase64(treeRoot(forged, 10))} (shown now). Keep both notes: they are proof the log showed two histories.`,
    })
    expect(w.latest.get(ORIGIN)?.note).toBe(cosigned)
  })

  it('refuses a larger tree that rewrote the past, whatever proof the log makes for it', async () => {
    const w = await witness()
    const cosigned = await checkpoint(honest, 10)
    await w.submit(await request(honest, 0, 10, cosigned))
    const { decision } = await w.submit(await request(forged, 10, 15))
    expect(decision).toMatchObject({
      verdict: 'refuse',
      status: 422,
      fork: { certain: false, cosigned: { note: cosigned } },
    })
    expect(decision.verdict === 'refuse' && decision.problem).toMatch(
      /^POSSIBLE FORK: the checkpoint of example.com\/log at size 15 is not shown consistent with the one cosigned at size 10: the proof leads to old root .*: the old tree is not a prefix\. If the log cannot prove it, it has rewritten its history; keep both notes\.$/,
    )
    const honestProof = await request(honest, 10, 15, await checkpoint(forged, 15))
    expect((await w.submit(honestProof)).decision).toMatchObject({ verdict: 'refuse', status: 422 })
    expect(w.latest.get(ORIGIN)?.size).toBe(10)
  })

  it('answers 409 with its latest size when the log proves from another', async () => {
    const w = await witness()
    await w.submit(await request(honest, 0, 10))
    for (const oldSize of [0, 5, 12]) {
      const { decision, answer } = await w.submit(await request(honest, oldSize, 15))
      expect(decision).toEqual({
        verdict: 'conflict',
        origin: ORIGIN,
        size: 10,
        problem: `the request proves from size ${oldSize}, but this witness last cosigned example.com/log at size 10`,
      })
      expect(answer).toEqual({ status: 409, size: 10 })
    }
  })

  it('answers 404 for a log it does not follow, and 403 for a checkpoint its log did not sign', async () => {
    const w = await witness()
    const other = await signNote('example.com/unknown\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n', [
      await signer(notes.logSignerKey),
    ])
    expect((await w.submit(formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: other }))).answer).toEqual({
      status: 404,
      problem: 'this witness does not follow a log with origin "example.com/unknown"',
    })
    const byOther = await checkpoint(honest, 5, notes.otherSignerKey)
    const unsigned = await w.submit(await request(honest, 0, 5, byOther))
    expect(unsigned.decision).toMatchObject({ verdict: 'refuse', status: 403, origin: ORIGIN })
    expect(unsigned.answer).toEqual({
      status: 403,
      problem:
        'the checkpoint of example.com/log is not signed by its log: no signature by a known key (example.com/log+296d67e0); the note is signed by example.com/other+1e336bb1',
    })
    const altered = (await checkpoint(honest, 5)).replace('\n5\n', '\n6\n')
    const bad = await w.submit(await request(honest, 0, 6, altered))
    expect(bad.answer).toMatchObject({ status: 403 })
    expect(bad.answer.status === 403 && bad.answer.problem).toMatch(
      /line 5: the signature by example.com\/log\+296d67e0 does not verify/,
    )
    expect(w.latest.size).toBe(0)
  })

  it('answers 400 for a malformed request or an old size past the checkpoint', async () => {
    const w = await witness()
    const note = await checkpoint(honest, 5)
    expect(await w.submit(`old 5\n${note}`)).toStrictEqual({
      decision: {
        verdict: 'refuse',
        status: 400,
        problem: 'the request is malformed: line 2 is not the base64 of a 32-byte hash: "example.com/log"',
      },
      answer: {
        status: 400,
        problem: 'the request is malformed: line 2 is not the base64 of a 32-byte hash: "example.com/log"',
      },
    })
    expect(
      (await w.submit(formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: 'no note\n' }))).answer,
    ).toEqual({
      status: 400,
      problem: 'the checkpoint is not a signed note: the note has no blank line between its text and its signatures',
    })
    const notCheckpoint = await signNote('example.com/log\nfive\n', [await signer(notes.logSignerKey)])
    expect(
      (await w.submit(formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: notCheckpoint }))).answer,
    ).toEqual({
      status: 400,
      problem: 'the checkpoint is malformed: a checkpoint has at least 3 lines (origin, size, root), not 2',
    })
    expect((await w.submit(formatAddCheckpointRequest({ oldSize: 6, proof: [], checkpoint: note }))).answer).toEqual({
      status: 400,
      problem: "the old size 6 is larger than the checkpoint's size 5",
    })
  })

  it('calls a failed proof from a cosigned empty tree no fork: nothing was cosigned that could be rewritten', async () => {
    const w = await witness()
    const empty = await signNote(formatCheckpoint({ origin: ORIGIN, size: 0, root: EMPTY_ROOT, extensions: [] }), [
      await signer(notes.logSignerKey),
    ])
    await w.submit(formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: empty }))
    expect(w.latest.get(ORIGIN)?.size).toBe(0)
    const note = await checkpoint(honest, 5)
    const { decision } = await w.submit(
      formatAddCheckpointRequest({ oldSize: 0, proof: [treeRoot(honest, 1)], checkpoint: note }),
    )
    expect(decision).toStrictEqual({
      verdict: 'refuse',
      status: 422,
      problem: 'the consistency proof does not verify: from 0 to 5 leaves the proof must be empty',
      origin: ORIGIN,
    })
  })

  it('answers 422 for an empty tree with another root, or a proof from nothing', async () => {
    const w = await witness()
    const wrongEmpty = await signNote(
      formatCheckpoint({ origin: ORIGIN, size: 0, root: treeRoot(honest, 1), extensions: [] }),
      [await signer(notes.logSignerKey)],
    )
    expect(
      (await w.submit(formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: wrongEmpty }))).answer,
    ).toEqual({
      status: 422,
      problem: `a checkpoint of size 0 must have the empty tree's root ${toBase64(EMPTY_ROOT)}`,
    })
    const note = await checkpoint(honest, 5)
    const withProof = formatAddCheckpointRequest({ oldSize: 0, proof: [treeRoot(honest, 1)], checkpoint: note })
    expect((await w.submit(withProof)).answer).toEqual({
      status: 422,
      problem: 'the consistency proof does not verify: from 0 to 5 leaves the proof must be empty',
    })
    const empty = await signNote(formatCheckpoint({ origin: ORIGIN, size: 0, root: EMPTY_ROOT, extensions: [] }), [
      await signer(notes.logSignerKey),
    ])
    expect(
      (await w.submit(formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: empty }))).answer.status,
    ).toBe(200)
  })
})

describe('witnessAnswer', () => {
  it('answers one cosignature line per cosigning key, in order', async () => {
    const decision = await decideAddCheckpoint(await request(honest, 0, 3), {
      logKeys: () => [ed25519Verifier(publicKey(notes.logVerifierKey))],
      latest: () => undefined,
    })
    const [first, second] = [await signer(notes.witnessSignerKey), await signer(notes.otherSignerKey)]
    const answer = await witnessAnswer(decision, [first, second])
    const lines = answer.status === 200 ? answer.cosignatures.split(/(?<=\n)/) : []
    expect(lines.map((line) => line.split(' ')[1])).toEqual(['example.com/witness', 'example.com/other'])
    expect(lines.every((line) => line.endsWith('\n'))).toBe(true)
  })

  it('needs a key to cosign with', async () => {
    const decision = await decideAddCheckpoint(await request(honest, 0, 3), {
      logKeys: () => [ed25519Verifier(publicKey(notes.logVerifierKey))],
      latest: () => undefined,
    })
    await expect(witnessAnswer(decision, [])).rejects.toThrow('a witness needs at least one cosigning key')
  })
})
