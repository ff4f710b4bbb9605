// Which subtree hashes an inclusion or a consistency proof carries (RFC 6962 §2.1.1 PATH, §2.1.2 PROOF), and the
// proof assembled from the stored hashes of their nodes: the same plan serves a hash store and a tile reader.
import { assertCount, foldSpan, type Span, spanNodes, splitPoint, type TreeNode } from './merkle.ts'

/** The spans of the audit path of leaf `index` in the tree of `size` leaves, leaf-side first. */
export function inclusionSpans(index: number, size: number): Span[] {
  assertCount(index, 'leaf index')
  assertCount(size, 'tree size')
  if (index >= size) throw new RangeError(`leaf ${index} is not in a tree of ${size} leaves`)
  const topDown: Span[] = []
  let [lo, hi] = [0, size]
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo)
    if (index < lo + k) {
      topDown.push({ start: lo + k, end: hi })
      hi = lo + k
    } else {
      topDown.push({ start: lo, end: lo + k })
      lo += k
    }
  }
  return topDown.reverse()
}

/**
 * The spans of the consistency proof from the tree of `oldSize` leaves to the tree of `newSize`, old-side first.
 * Empty when the sizes are equal or the old tree is empty: nothing is needed then.
 */
export function consistencySpans(oldSize: number, newSize: number): Span[] {
  assertCount(oldSize, 'old tree size')
  assertCount(newSize, 'new tree size')
  if (oldSize > newSize) throw new RangeError(`a tree of ${oldSize} leaves cannot grow into one of ${newSize}`)
  if (oldSize === 0 || oldSize === newSize) return []
  const topDown: Span[] = []
  let [lo, hi] = [0, newSize]
  let whole = true
  while (oldSize !== hi) {
    const k = splitPoint(hi - lo)
    if (oldSize <= lo + k) {
      topDown.push({ start: lo + k, end: hi })
      hi = lo + k
    } else {
      topDown.push({ start: lo, end: lo + k })
      lo += k
      whole = false
    }
  }
  if (!whole) topDown.push({ start: lo, end: hi })
  return topDown.reverse()
}

/** Every node whose hash the spans need, span by span. */
export function proofNodes(spans: readonly Span[]): TreeNode[] {
  return spans.flatMap(spanNodes)
}

/** The proof: one hash per span, from the hashes of `proofNodes(spans)` in that order. */
export function assembleProof(spans: readonly Span[], hashes: readonly Uint8Array[]): Uint8Array[] {
  const proof: Uint8Array[] = []
  let at = 0
  for (const span of spans) {
    const count = spanNodes(span).length
    proof.push(foldSpan(hashes.slice(at, at + count)))
    at += count
  }
  if (at !== hashes.length) throw new RangeError(`the proof needs ${at} node hashes, and was given ${hashes.length}`)
  return proof
}
