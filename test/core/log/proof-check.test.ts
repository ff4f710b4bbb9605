import { describe, expect, it } from 'vitest'
import { fromBase64 } from '../../../src/core/log/encoding.ts'
import { EMPTY_ROOT, leafHash } from '../../../src/core/log/merkle.ts'
import {
  type ConsistencyClaim,
  type InclusionClaim,
  verifyConsistency,
  verifyInclusion,
} from '../../../src/core/log/proof-check.ts'
import { Rfc6962, sampleIndices, sampleOldSizes } from './rfc6962.ts'
import vectors from './vectors.json'

const reference = Rfc6962.ofCount(1000)
const b64 = (text: string) => fromBase64(text) as Uint8Array
const REFUSED_INCLUSIONS = 8894
// Tens of thousands of hashes: seconds on a quiet machine, and several times that on a busy one.
const HEAVY = 60_000
const REFUSED_CONSISTENCIES = 7874

function flipped(proof: Uint8Array[], at: number): Uint8Array[] {
  return proof.map((hash, i) => (i === at ? hash.map((byte, j) => (j === (at * 7) % 32 ? byte ^ 1 : byte)) : hash))
}

/** Every way a proof can be spoiled: each hash changed, one dropped, one added, two neighbours swapped. */
function tamperings(proof: Uint8Array[]): [string, Uint8Array[]][] {
  const spoiled: [string, Uint8Array[]][] = proof.map((_, at) => [`hash ${at} changed`, flipped(proof, at)])
  if (proof.length > 0)
    spoiled.push(['the last hash dropped', proof.slice(0, -1)], ['the first dropped', proof.slice(1)])
  spoiled.push(
    ['a hash added last', [...proof, reference.mth(0, 1)]],
    ['a hash added first', [reference.mth(0, 1), ...proof]],
  )
  for (let at = 0; at + 1 < proof.length; at++) {
    const swapped = [...proof]
    ;[swapped[at], swapped[at + 1]] = [proof[at + 1] as Uint8Array, proof[at] as Uint8Array]
    spoiled.push([`hashes ${at} and ${at + 1} swapped`, swapped])
  }
  return spoiled
}

describe('verifyInclusion', () => {
  it(
    'accepts RFC 6962’s PATH for every leaf of trees up to 32, and refuses it spoiled in every way',
    () => {
      const wrong: string[] = []
      let refused = 0
      const expectVerdict = (what: string, claim: InclusionClaim, ok: boolean) => {
        if (verifyInclusion(claim).ok !== ok) wrong.push(`${what} of leaf ${claim.index} in ${claim.size}`)
        else if (!ok) refused++
      }
      for (let size = 1; size <= 32; size++) {
        const root = reference.mth(0, size)
        for (let index = 0; index < size; index++) {
          const claim = {
            index,
            size,
            leafHash: reference.mth(index, index + 1),
            proof: reference.path(index, size),
            root,
          }
          expectVerdict('the proof', claim, true)
          for (const [what, proof] of tamperings(claim.proof)) expectVerdict(what, { ...claim, proof }, false)
          expectVerdict('another leaf', { ...claim, leafHash: reference.mth(0, 2) }, false)
          expectVerdict('another root', { ...claim, root: reference.mth(0, size + 1) }, false)
          if (size > 1) expectVerdict('another index', { ...claim, index: index === 0 ? 1 : index - 1 }, false)
          // A size is only ever claimed with its root (a checkpoint signs both): the proof must fit them together.
          if (index < size - 1) {
            expectVerdict('a smaller tree', { ...claim, size: size - 1, root: reference.mth(0, size - 1) }, false)
          }
          expectVerdict('a larger tree', { ...claim, size: size + 1, root: reference.mth(0, size + 1) }, false)
        }
        if (wrong.length > 0) break
      }
      expect(wrong).toEqual([])
      expect(refused).toBe(REFUSED_INCLUSIONS)
    },
    HEAVY,
  )

  it(
    'accepts PATH for sampled leaves of every tree from 33 to 1,000, and refuses a changed hash or index',
    () => {
      const wrong: string[] = []
      for (let size = 33; size <= 1000; size++) {
        const root = reference.mth(0, size)
        for (const index of sampleIndices(size)) {
          const proof = reference.path(index, size)
          const claim = { index, size, leafHash: reference.mth(index, index + 1), proof, root }
          if (!verifyInclusion(claim).ok) wrong.push(`the proof of leaf ${index} in ${size}`)
          const at = (index + size) % proof.length
          if (verifyInclusion({ ...claim, proof: flipped(proof, at) }).ok)
            wrong.push(`hash ${at} changed, ${index} in ${size}`)
          if (verifyInclusion({ ...claim, index: index ^ 1 }).ok)
            wrong.push(`index ${index ^ 1} for ${index} in ${size}`)
        }
        if (wrong.length > 0) break
      }
      expect(wrong).toEqual([])
    },
    HEAVY,
  )

  it('accepts the proofs Go’s tlog.ProveRecord made', () => {
    for (const p of vectors.inclusion) {
      const claim = {
        index: p.index ?? 0,
        size: p.size,
        leafHash: b64(p.leafHash as string),
        proof: p.proof.map(b64),
        root: b64(p.root),
      }
      expect(verifyInclusion(claim)).toEqual({ ok: true })
    }
  })

  it('says what did not hold', () => {
    const claim = {
      index: 5,
      size: 13,
      leafHash: reference.mth(5, 6),
      proof: reference.path(5, 13),
      root: reference.mth(0, 13),
    }
    expect(verifyInclusion({ ...claim, proof: claim.proof.slice(1) })).toEqual({
      ok: false,
      problem: 'the proof has 3 hashes, too few for leaf 5 of 13',
    })
    expect(verifyInclusion({ ...claim, proof: [...claim.proof, claim.root] })).toEqual({
      ok: false,
      problem: 'the proof has 5 hashes; leaf 5 of 13 needs 4',
    })
    expect(verifyInclusion({ ...claim, leafHash: reference.mth(4, 5) })).toMatchObject({ ok: false })
    const wrong = verifyInclusion({ ...claim, leafHash: reference.mth(4, 5) })
    expect(!wrong.ok && wrong.problem).toMatch(
      /^the proof leads to root [A-Za-z0-9+/]{43}=, not [A-Za-z0-9+/]{43}=: the leaf or a proof hash differs$/,
    )
    expect(verifyInclusion({ ...claim, index: 13 })).toEqual({
      ok: false,
      problem: 'leaf 13 cannot be in a tree of 13 leaves',
    })
    expect(verifyInclusion({ ...claim, root: new Uint8Array(31) })).toEqual({
      ok: false,
      problem: 'a hash is 31 bytes, not 32',
    })
    expect(verifyInclusion({ ...claim, index: -1 })).toEqual({
      ok: false,
      problem: 'leaf -1 cannot be in a tree of 13 leaves',
    })
    expect(verifyInclusion({ ...claim, index: 4.5 })).toEqual({
      ok: false,
      problem: 'leaf 4.5 cannot be in a tree of 13 leaves',
    })
  })

  it('proves the only leaf of a tree of one with an empty proof', () => {
    const hash = leafHash(new TextEncoder().encode('entry 0'))
    expect(verifyInclusion({ index: 0, size: 1, leafHash: hash, proof: [], root: hash })).toEqual({ ok: true })
  })
})

describe('verifyConsistency', () => {
  it(
    'accepts RFC 6962’s PROOF between every pair of sizes up to 64, refusing it spoiled in every way up to 24',
    () => {
      const wrong: string[] = []
      let refused = 0
      const expectVerdict = (what: string, claim: ConsistencyClaim, ok: boolean) => {
        if (verifyConsistency(claim).ok !== ok) wrong.push(`${what} from ${claim.oldSize} to ${claim.newSize}`)
        else if (!ok) refused++
      }
      for (let newSize = 1; newSize <= 64; newSize++) {
        for (let oldSize = 1; oldSize <= newSize; oldSize++) {
          const [oldRoot, newRoot] = [reference.mth(0, oldSize), reference.mth(0, newSize)]
          const claim = { oldSize, oldRoot, newSize, newRoot, proof: reference.proof(oldSize, newSize) }
          expectVerdict('the proof', claim, true)
          expectVerdict('another old root', { ...claim, oldRoot: reference.mth(1, oldSize + 1) }, false)
          expectVerdict('another new root', { ...claim, newRoot: reference.mth(0, newSize + 1) }, false)
          if (newSize > 24) continue
          for (const [what, proof] of tamperings(claim.proof)) expectVerdict(what, { ...claim, proof }, false)
          if (oldSize > 1) {
            const smaller = { ...claim, oldSize: oldSize - 1, oldRoot: reference.mth(0, oldSize - 1) }
            expectVerdict('a smaller old tree', smaller, false)
          }
          if (oldSize < newSize) {
            const larger = { ...claim, newSize: newSize + 1, newRoot: reference.mth(0, newSize + 1) }
            expectVerdict('a larger new tree', larger, false)
          }
        }
        if (wrong.length > 0) break
      }
      expect(wrong).toEqual([])
      expect(refused).toBe(REFUSED_CONSISTENCIES)
    },
    HEAVY,
  )

  it(
    'accepts PROOF for sampled old sizes of every tree from 65 to 1,000, and refuses a changed hash',
    () => {
      const wrong: string[] = []
      for (let newSize = 65; newSize <= 1000; newSize++) {
        const newRoot = reference.mth(0, newSize)
        for (const oldSize of sampleOldSizes(newSize)) {
          const proof = reference.proof(oldSize, newSize)
          const claim = { oldSize, oldRoot: reference.mth(0, oldSize), newSize, newRoot, proof }
          if (!verifyConsistency(claim).ok) wrong.push(`the proof from ${oldSize} to ${newSize}`)
          const at = newSize % Math.max(1, proof.length)
          if (proof.length > 0 && verifyConsistency({ ...claim, proof: flipped(proof, at) }).ok) {
            wrong.push(`hash ${at} changed from ${oldSize} to ${newSize}`)
          }
        }
        if (wrong.length > 0) break
      }
      expect(wrong).toEqual([])
    },
    HEAVY,
  )

  it('accepts the proofs Go’s tlog.ProveTree made', () => {
    for (const p of vectors.consistency) {
      const claim = {
        oldSize: p.oldSize ?? 0,
        oldRoot: b64(p.oldRoot as string),
        newSize: p.size,
        newRoot: b64(p.root),
        proof: p.proof.map(b64),
      }
      expect(verifyConsistency(claim)).toEqual({ ok: true })
    }
  })

  it('holds from the empty tree with no proof, and between equal trees only with equal roots', () => {
    const root = reference.mth(0, 5)
    expect(verifyConsistency({ oldSize: 0, oldRoot: EMPTY_ROOT, newSize: 5, newRoot: root, proof: [] })).toEqual({
      ok: true,
    })
    expect(verifyConsistency({ oldSize: 0, oldRoot: EMPTY_ROOT, newSize: 5, newRoot: root, proof: [root] })).toEqual({
      ok: false,
      problem: 'from 0 to 5 leaves the proof must be empty',
    })
    expect(verifyConsistency({ oldSize: 5, oldRoot: root, newSize: 5, newRoot: root, proof: [] })).toEqual({ ok: true })
    const other = verifyConsistency({ oldSize: 5, oldRoot: root, newSize: 5, newRoot: reference.mth(0, 6), proof: [] })
    expect(!other.ok && other.problem).toMatch(/^two trees of 5 leaves with different roots: /)
  })

  it('says what did not hold', () => {
    const claim = {
      oldSize: 3,
      oldRoot: reference.mth(0, 3),
      newSize: 8,
      newRoot: reference.mth(0, 8),
      proof: reference.proof(3, 8),
    }
    expect(verifyConsistency({ ...claim, proof: [] })).toEqual({
      ok: false,
      problem: 'from 3 to 8 leaves the proof cannot be empty',
    })
    expect(verifyConsistency({ ...claim, proof: claim.proof.slice(0, -1) })).toEqual({
      ok: false,
      problem: 'the proof has 3 hashes, too few for 3 to 8 leaves',
    })
    expect(verifyConsistency({ ...claim, proof: [...claim.proof, claim.newRoot] })).toEqual({
      ok: false,
      problem: 'the proof has 5 hashes, more than 3 to 8 needs',
    })
    const old = verifyConsistency({ ...claim, oldRoot: reference.mth(0, 4) })
    expect(!old.ok && old.problem).toMatch(/: the old tree is not a prefix$/)
    const grown = verifyConsistency({ ...claim, newRoot: reference.mth(0, 9) })
    expect(!grown.ok && grown.problem).toMatch(/: the new tree does not extend the old$/)
    expect(verifyConsistency({ ...claim, oldSize: 9 })).toEqual({
      ok: false,
      problem: 'a tree of 9 leaves cannot grow into one of 8',
    })
    expect(verifyConsistency({ ...claim, oldSize: -1 })).toEqual({
      ok: false,
      problem: 'a tree of -1 leaves cannot grow into one of 8',
    })
    expect(verifyConsistency({ ...claim, oldSize: 2.5 })).toEqual({
      ok: false,
      problem: 'a tree of 2.5 leaves cannot grow into one of 8',
    })
    for (const spoiled of [
      { ...claim, oldRoot: claim.oldRoot.slice(1) },
      { ...claim, newRoot: claim.newRoot.slice(1) },
      { ...claim, proof: [...claim.proof.slice(0, -1), (claim.proof.at(-1) as Uint8Array).slice(1)] },
    ]) {
      expect(verifyConsistency(spoiled)).toEqual({ ok: false, problem: 'a hash is 31 bytes, not 32' })
    }
  })
})
