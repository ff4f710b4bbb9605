import { describe, expect, it } from 'vitest'
import type { Span } from '../../../src/core/log/merkle.ts'
import { assembleProof, consistencySpans, inclusionSpans, proofNodes } from '../../../src/core/log/proof-plan.ts'
import { Rfc6962, sampleIndices, sampleOldSizes } from './rfc6962.ts'

const reference = Rfc6962.ofCount(1000)
const hashes = (spans: Span[]) => spans.map(({ start, end }) => reference.mth(start, end))

describe('inclusionSpans', () => {
  it('names the subtrees of RFC 6962’s PATH for sampled leaves of every tree from 1 to 1,000', () => {
    let checked = 0
    for (let size = 1; size <= 1000; size++) {
      for (const index of sampleIndices(size)) {
        expect(hashes(inclusionSpans(index, size))).toEqual(reference.path(index, size))
        checked++
      }
    }
    expect(checked).toBe(6932)
  })

  it('names every leaf’s path in trees up to 64', () => {
    for (let size = 1; size <= 64; size++) {
      for (let index = 0; index < size; index++) {
        expect(hashes(inclusionSpans(index, size))).toEqual(reference.path(index, size))
      }
    }
  })

  it('needs at most two stored hashes per level, even at 2^53 - 1 leaves', () => {
    for (const size of [2 ** 53 - 1, 2 ** 40 + 12345, 1_000_000]) {
      for (const index of [0, size - 1, Math.floor(size / 3)]) {
        const levels = Math.ceil(Math.log2(size))
        expect(inclusionSpans(index, size).length).toBeLessThanOrEqual(levels)
        expect(proofNodes(inclusionSpans(index, size)).length).toBeLessThanOrEqual(2 * levels)
      }
    }
    expect(inclusionSpans(2 ** 53 - 2, 2 ** 53 - 1)).toEqual(
      [...Array(52).keys()]
        .map((level) => {
          const width = 2 ** (52 - level)
          return { start: 2 ** 53 - 2 * width, end: 2 ** 53 - width }
        })
        .reverse(),
    )
  })

  it('refuses a leaf outside the tree', () => {
    expect(() => inclusionSpans(5, 5)).toThrow('leaf 5 is not in a tree of 5 leaves')
    expect(() => inclusionSpans(-1, 5)).toThrow('leaf index must be a whole number')
    expect(() => inclusionSpans(0, -1)).toThrow('tree size must be a whole number from 0 to 2^53 - 1, not -1')
  })
})

describe('consistencySpans', () => {
  it('names the subtrees of RFC 6962’s PROOF for every pair of sizes up to 64', () => {
    for (let newSize = 1; newSize <= 64; newSize++) {
      for (let oldSize = 1; oldSize <= newSize; oldSize++) {
        expect(hashes(consistencySpans(oldSize, newSize))).toEqual(reference.proof(oldSize, newSize))
      }
    }
  })

  it('names them for sampled old sizes of every tree from 65 to 1,000', () => {
    let checked = 0
    for (let newSize = 65; newSize <= 1000; newSize++) {
      for (const oldSize of sampleOldSizes(newSize)) {
        expect(hashes(consistencySpans(oldSize, newSize))).toEqual(reference.proof(oldSize, newSize))
        checked++
      }
    }
    expect(checked).toBe(7459)
  })

  it('is empty from the empty tree and between equal sizes', () => {
    expect(consistencySpans(0, 10)).toEqual([])
    expect(consistencySpans(7, 7)).toEqual([])
    expect(consistencySpans(4, 8)).toEqual([{ start: 4, end: 8 }])
    expect(consistencySpans(3, 8)).toEqual([
      { start: 2, end: 3 },
      { start: 3, end: 4 },
      { start: 0, end: 2 },
      { start: 4, end: 8 },
    ])
  })

  it('refuses a tree that shrinks', () => {
    expect(() => consistencySpans(8, 7)).toThrow('a tree of 8 leaves cannot grow into one of 7')
    expect(() => consistencySpans(-1, 5)).toThrow('old tree size must be a whole number from 0 to 2^53 - 1, not -1')
    expect(() => consistencySpans(1, 1.5)).toThrow('new tree size must be a whole number from 0 to 2^53 - 1, not 1.5')
  })
})

describe('assembleProof', () => {
  it('folds each span from the hashes of its nodes', () => {
    const spans = inclusionSpans(0, 13)
    const nodes = proofNodes(spans)
    expect(nodes).toEqual([
      { level: 0, index: 1 },
      { level: 1, index: 1 },
      { level: 2, index: 1 },
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ])
    const stored = nodes.map(({ level, index }) => reference.mth(index * 2 ** level, (index + 1) * 2 ** level))
    expect(assembleProof(spans, stored)).toEqual(reference.path(0, 13))
  })

  it('refuses too few or too many hashes', () => {
    const spans = inclusionSpans(0, 13)
    const five = Array.from({ length: 5 }, () => new Uint8Array(32))
    expect(() => assembleProof(spans, five.slice(1))).toThrow('the proof needs 5 node hashes, and was given 4')
    expect(() => assembleProof(spans, [...five, new Uint8Array(32)])).toThrow(
      'the proof needs 5 node hashes, and was given 6',
    )
  })
})
