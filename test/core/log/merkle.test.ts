import { describe, expect, it } from 'vitest'
import { fromBase64, toBase64, utf8 } from '../../../src/core/log/encoding.ts'
import {
  EMPTY_ROOT,
  foldSpan,
  leafHash,
  nodeHash,
  nodeSpan,
  rootNodes,
  spanNodes,
  splitPoint,
} from '../../../src/core/log/merkle.ts'
import { Rfc6962 } from './rfc6962.ts'
import vectors from './vectors.json'

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')

describe('merkle hashing', () => {
  it('hashes a leaf as SHA-256(0x00 || entry), as Go’s tlog.RecordHash does', () => {
    for (const [entry, hash] of vectors.leafHashes as [string, string][]) {
      expect(toBase64(leafHash(fromBase64(entry) as Uint8Array))).toBe(hash)
    }
    // RFC 6962's well-known hash of the empty leaf, written out by hand (sha256 of the single byte 0x00).
    expect(hex(leafHash(new Uint8Array()))).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d')
  })

  it('hashes a node as SHA-256(0x01 || left || right), in that order', () => {
    const [a, b] = [leafHash(utf8('entry 0')), leafHash(utf8('entry 1'))]
    expect(toBase64(nodeHash(a, b))).toBe(vectors.roots['2'])
    expect(toBase64(nodeHash(b, a))).not.toBe(vectors.roots['2'])
  })

  it('refuses to hash a node from anything but two 32-byte hashes', () => {
    expect(() => nodeHash(new Uint8Array(31), new Uint8Array(32))).toThrow(
      'a tree node hashes two 32-byte hashes, not 31 and 32 bytes',
    )
    expect(() => nodeHash(new Uint8Array(32), new Uint8Array(33))).toThrow('not 32 and 33 bytes')
  })

  it('gives the empty tree the hash of the empty string', () => {
    expect(toBase64(EMPTY_ROOT)).toBe(vectors.emptyRoot)
    expect(hex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    expect(foldSpan([])).toEqual(EMPTY_ROOT)
  })
})

describe('tree nodes', () => {
  it('splits at the largest power of two below n', () => {
    expect([2, 3, 4, 5, 8, 9, 1000].map(splitPoint)).toEqual([1, 2, 2, 4, 4, 8, 512])
    expect(splitPoint(2 ** 53)).toBe(2 ** 52)
    expect(splitPoint(2 ** 52 + 1)).toBe(2 ** 52)
  })

  it('names the complete subtrees of a tree, largest first', () => {
    expect(rootNodes(0)).toEqual([])
    expect(rootNodes(1)).toEqual([{ level: 0, index: 0 }])
    expect(rootNodes(13)).toEqual([
      { level: 3, index: 0 },
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ])
    expect(rootNodes(2 ** 53 - 1)).toHaveLength(53)
    expect(spanNodes({ start: 4, end: 7 })).toEqual([
      { level: 1, index: 2 },
      { level: 0, index: 6 },
    ])
    expect(nodeSpan({ level: 2, index: 2 })).toEqual({ start: 8, end: 12 })
    expect(rootNodes(8)).toEqual([{ level: 3, index: 0 }])
    expect(spanNodes({ start: 4, end: 12 })).toEqual([
      { level: 2, index: 1 },
      { level: 2, index: 2 },
    ])
  })

  it('refuses a tree size that is not a whole number', () => {
    expect(() => rootNodes(-1)).toThrow('tree size must be a whole number from 0 to 2^53 - 1, not -1')
    expect(() => rootNodes(1.5)).toThrow('not 1.5')
    expect(() => rootNodes(2 ** 53)).toThrow('not 9007199254740992')
  })

  it('folds the subtrees of every size from 1 to 300 into the RFC 6962 root', () => {
    const reference = Rfc6962.ofCount(300)
    const leaves = reference.entries.map(leafHash)
    const hashOf = ({ level, index }: { level: number; index: number }) =>
      reference.mth(index * 2 ** level, (index + 1) * 2 ** level)
    for (let size = 1; size <= 300; size++) {
      expect(foldSpan(rootNodes(size).map(hashOf))).toEqual(reference.mth(0, size))
    }
    expect(leaves[7]).toEqual(reference.mth(7, 8))
  })

  it('matches the roots Go’s tlog.TreeHash gives', () => {
    const reference = Rfc6962.ofCount(1000)
    for (const [size, root] of Object.entries(vectors.roots)) {
      if (Number(size) <= 1000) expect(toBase64(reference.mth(0, Number(size)))).toBe(root)
    }
  })
})
