// RFC 6962 / RFC 9162 Merkle tree hashing, and the names of the tree's complete subtrees that everything else stores,
// reads and proves with.
import { sha256 } from '@noble/hashes/sha2.js'
import { isCount } from './encoding.ts'

export const HASH_SIZE = 32

/** The root of the empty tree: SHA-256 of the empty string (RFC 6962 §2.1). */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0))

/** SHA-256(0x00 || entry). */
export function leafHash(entry: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + entry.length)
  input.set(entry, 1)
  return sha256(input)
}

/** SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    throw new RangeError(`a tree node hashes two 32-byte hashes, not ${left.length} and ${right.length} bytes`)
  }
  const input = new Uint8Array(1 + 2 * HASH_SIZE)
  input[0] = 1
  input.set(left, 1)
  input.set(right, 1 + HASH_SIZE)
  return sha256(input)
}

/** The complete subtree over leaves [index·2^level, (index+1)·2^level): level 0 is a leaf hash. */
export interface TreeNode {
  level: number
  index: number
}

/** A run of leaves [start, end) whose Merkle Tree Hash a proof carries. */
export interface Span {
  start: number
  end: number
}

/** The largest power of two strictly below n (n ≥ 2): RFC 6962's k. Exact for every safe integer. */
export function splitPoint(n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

/**
 * The complete subtrees that make up the leaves [start, end), largest first, left to right: the nodes whose hashes
 * give MTH(D[start:end]). The spans RFC 6962's recursion produces always decompose this way.
 */
export function spanNodes({ start, end }: Span): TreeNode[] {
  const nodes: TreeNode[] = []
  let at = start
  while (at < end) {
    let size = 1
    let level = 0
    while (size * 2 <= end - at && at % (size * 2) === 0) {
      size *= 2
      level++
    }
    nodes.push({ level, index: at / size })
    at += size
  }
  return nodes
}

/** MTH of a span from the hashes of its `spanNodes`, in that order: folded from the right. */
export function foldSpan(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return EMPTY_ROOT
  let hash = hashes[hashes.length - 1] as Uint8Array
  for (let i = hashes.length - 2; i >= 0; i--) hash = nodeHash(hashes[i] as Uint8Array, hash)
  return hash
}

/** The nodes whose hashes give the root of the tree of `size` leaves. */
export function rootNodes(size: number): TreeNode[] {
  assertCount(size, 'tree size')
  return spanNodes({ start: 0, end: size })
}

/** The leaves a node covers. */
export function nodeSpan({ level, index }: TreeNode): Span {
  const width = 2 ** level
  return { start: index * width, end: (index + 1) * width }
}

export function assertCount(value: number, what: string): void {
  if (!isCount(value)) throw new RangeError(`${what} must be a whole number from 0 to 2^53 - 1, not ${value}`)
}
