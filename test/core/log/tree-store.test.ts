import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import { describe, expect, it } from 'vitest'
import { CountingStore } from '../../../scripts/lib/counting-store.ts'
import { fromBase64, toBase64, utf8 } from '../../../src/core/log/encoding.ts'
import { EMPTY_ROOT, leafHash } from '../../../src/core/log/merkle.ts'
import { parseTilePath } from '../../../src/core/log/tiles.ts'
import {
  appendLeaf,
  consistencyProof,
  type HashStore,
  inclusionProof,
  MemoryHashStore,
  readTile,
  treeRoot,
} from '../../../src/core/log/tree-store.ts'
import { Rfc6962, sampleIndices } from './rfc6962.ts'
import vectors from './vectors.json'

function treeOf(count: number, store: HashStore = new MemoryHashStore()): HashStore {
  for (let i = 0; i < count; i++) appendLeaf(store, i, leafHash(utf8(`entry ${i}`)))
  return store
}

const reference = Rfc6962.ofCount(1000)
const b64 = (text: string) => fromBase64(text) as Uint8Array

describe('appendLeaf', () => {
  it('stores each leaf and the subtrees it completes, reading only their left siblings', () => {
    const store = new CountingStore()
    const costs: { reads: number; writes: number }[] = []
    for (let size = 0; size < 1000; size++) {
      const [reads, writes] = [store.reads, store.writes]
      const written = appendLeaf(store, size, leafHash(utf8(`entry ${size}`)))
      costs.push({ reads: store.reads - reads, writes: store.writes - writes })
      expect(written.length).toBe(costs[size]?.writes)
    }
    // One write per leaf plus one per completed subtree: 2n minus the 1 bits of n (1000 = 0b1111101000 has 6).
    expect(store.writes).toBe(1994)
    expect(store.size).toBe(1994)
    expect(store.reads).toBe(1994 - 1000)
    expect(Math.max(...costs.map((c) => c.reads))).toBe(9)
    expect(costs[511]).toEqual({ reads: 9, writes: 10 })
    expect(costs[512]).toEqual({ reads: 0, writes: 1 })
  })

  it('writes the leaf and the completed subtrees where RFC 6962 puts them', () => {
    const store = treeOf(7)
    const written = appendLeaf(store, 7, leafHash(utf8('entry 7')))
    expect(written.map(({ level, index }) => [level, index])).toEqual([
      [0, 7],
      [1, 3],
      [2, 1],
      [3, 0],
    ])
    expect(written.map((w) => w.hash)).toEqual([
      reference.mth(7, 8),
      reference.mth(6, 8),
      reference.mth(4, 8),
      reference.mth(0, 8),
    ])
  })

  it('names the missing hash when it is told a wrong size', () => {
    const store = treeOf(2)
    expect(() => appendLeaf(store, 5, leafHash(utf8('entry 5')))).toThrow(
      'the hash store has no hash for level 0 index 4 (leaves 4 to 4): the tree was appended to with a wrong size, or the store lost a row',
    )
    expect(() => appendLeaf(store, -1, leafHash(utf8('entry -1')))).toThrow(
      'tree size must be a whole number from 0 to 2^53 - 1, not -1',
    )
  })
})

describe('treeRoot', () => {
  it('gives RFC 6962’s root at every size from 0 to 1,000 from one stored hash per 1 bit of the size', () => {
    const store = treeOf(1000, new CountingStore()) as CountingStore
    expect(treeRoot(store, 0)).toEqual(EMPTY_ROOT)
    const wrong: number[] = []
    for (let size = 1; size <= 1000; size++) {
      const reads = store.reads
      if (toBase64(treeRoot(store, size)) !== toBase64(reference.mth(0, size))) wrong.push(size)
      const ones = size.toString(2).replaceAll('0', '').length
      if (store.reads - reads !== ones) wrong.push(-size)
      if (wrong.length > 0) break
    }
    expect(wrong).toEqual([])
  })

  it('matches the roots Go’s tlog.TreeHash gives', () => {
    const store = treeOf(1000)
    for (const [size, root] of Object.entries(vectors.roots)) {
      if (Number(size) <= 1000) expect(toBase64(treeRoot(store, Number(size)))).toBe(root)
    }
  })
})

describe('proofs from stored hashes', () => {
  // Built in the first test that asks, not while the file loads: a fault in appendLeaf then fails a test.
  let built: CountingStore | undefined
  const stored = () => (built ??= treeOf(1000, new CountingStore()) as CountingStore)

  it('are the proofs Go’s tlog.ProveRecord and ProveTree made, byte for byte', () => {
    const store = stored()
    for (const p of vectors.inclusion) {
      expect(inclusionProof(store, p.index ?? 0, p.size).map(toBase64)).toEqual(p.proof)
    }
    for (const p of vectors.consistency) {
      expect(consistencyProof(store, p.oldSize ?? 0, p.size).map(toBase64)).toEqual(p.proof)
    }
  })

  it('are RFC 6962’s PATH for sampled leaves of every tree from 1 to 1,000, each from O(log n) reads', () => {
    const store = stored()
    const wrong: string[] = []
    for (let size = 1; size <= 1000; size++) {
      const bound = 2 * Math.ceil(Math.log2(size))
      for (const index of sampleIndices(size)) {
        const reads = store.reads
        const proof = inclusionProof(store, index, size)
        if (store.reads - reads > bound) wrong.push(`${store.reads - reads} reads for ${index} in ${size}`)
        if (proof.map(toBase64).join() !== reference.path(index, size).map(toBase64).join())
          wrong.push(`${index} in ${size}`)
      }
      if (wrong.length > 0) break
    }
    expect(wrong).toEqual([])
  }, 60_000)

  it('are RFC 6962’s PROOF from each size to 1,000, each from O(log n) reads', () => {
    const store = stored()
    const wrong: string[] = []
    for (let oldSize = 0; oldSize <= 1000; oldSize++) {
      const reads = store.reads
      const proof = consistencyProof(store, oldSize, 1000)
      if (store.reads - reads > 2 * 10) wrong.push(`${store.reads - reads} reads from ${oldSize}`)
      const expected = oldSize === 0 ? [] : reference.proof(oldSize, 1000)
      if (proof.map(toBase64).join() !== expected.map(toBase64).join()) wrong.push(`from ${oldSize}`)
      if (wrong.length > 0) break
    }
    expect(wrong).toEqual([])
  }, 60_000)
})

describe('readTile', () => {
  it('serves every tile of a tree of 70,000 as Go’s tlog.ReadTileData does', () => {
    const store = treeOf(70_000)
    expect(toBase64(treeRoot(store, 70_000))).toBe(vectors.roots['70000'])
    const served = vectors.tiles.sha256.map(([goPath]) => {
      const path = (goPath as string).replace(/^tile\/8\//, 'tile/')
      const parsed = parseTilePath(path)
      if (!parsed.ok || parsed.kind !== 'hashes') throw new Error(`${path} did not parse`)
      return [goPath, bytesToHex(sha256(readTile(store, parsed.tile, 70_000)))]
    })
    expect(served).toEqual(vectors.tiles.sha256)
  }, 60_000)

  it('refuses a tile wider than the tree has it', () => {
    const store = treeOf(300)
    expect(readTile(store, { level: 0, index: 1, width: 44 }, 300)).toHaveLength(44 * 32)
    expect(() => readTile(store, { level: 0, index: 1, width: 45 }, 300)).toThrow(
      'the tree of 300 leaves has tile 0/1 44 wide, not 45 wide',
    )
    expect(() => readTile(store, { level: 1, index: 0, width: 2 }, 300)).toThrow('has tile 1/0 1 wide, not 2 wide')
    expect(() => readTile(store, { level: 0, index: 2, width: 1 }, 300)).toThrow('has tile 0/2 not at all, not 1 wide')
    expect(readTile(store, { level: 1, index: 0, width: 1 }, 300)).toEqual(b64(toBase64(reference.mth(0, 256))))
  })
})
