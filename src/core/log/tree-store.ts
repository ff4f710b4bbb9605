// The Merkle tree kept as the hashes of its complete subtrees, in any store that can read and write a hash by
// (level, index), synchronously: an append costs O(log n) hashes, reads and writes, and roots, proofs and tiles
// read O(log n) (a tile, its width) hashes. The caller owns the tree's size and calls this inside its transaction.
import { assertCount, foldSpan, nodeHash, nodeSpan, rootNodes, type TreeNode } from './merkle.ts'
import { assembleProof, consistencySpans, inclusionSpans, proofNodes } from './proof-plan.ts'
import { type Tile, tileBytes, tileNodes, tileWidth } from './tiles.ts'

export interface StoredHash extends TreeNode {
  hash: Uint8Array
}

/** Where the tree's hashes live: a SQL table keyed by (level, index), or memory. */
export interface HashStore {
  /** The hashes of `nodes`, in the same order; undefined where a node has no stored hash. */
  read(nodes: readonly TreeNode[]): (Uint8Array | undefined)[]
  write(hashes: readonly StoredHash[]): void
}

/**
 * Appends the leaf with `leafHash` to the tree of `size` leaves: stores the leaf and every subtree it completes
 * (one more per trailing 1 bit of `size`), reading the left sibling of each. Returns what it wrote.
 * `size` must be the tree's true size: the store cannot tell.
 */
export function appendLeaf(store: HashStore, size: number, leafHash: Uint8Array): StoredHash[] {
  assertCount(size, 'tree size')
  const siblings: TreeNode[] = []
  for (let level = 0, index = size; index % 2 === 1; level++, index = (index - 1) / 2) {
    siblings.push({ level, index: index - 1 })
  }
  const left = readAll(store, siblings)
  const written: StoredHash[] = [{ level: 0, index: size, hash: leafHash }]
  let hash = leafHash
  for (const [at, sibling] of siblings.entries()) {
    hash = nodeHash(left[at] as Uint8Array, hash)
    written.push({ level: sibling.level + 1, index: sibling.index / 2, hash })
  }
  store.write(written)
  return written
}

/** The root of the tree of `size` leaves (EMPTY_ROOT for 0), from at most log2(size) + 1 stored hashes. */
export function treeRoot(store: HashStore, size: number): Uint8Array {
  return foldSpan(readAll(store, rootNodes(size)))
}

/** The inclusion proof of leaf `index` in the tree of `size` leaves. */
export function inclusionProof(store: HashStore, index: number, size: number): Uint8Array[] {
  const spans = inclusionSpans(index, size)
  return assembleProof(spans, readAll(store, proofNodes(spans)))
}

/** The consistency proof from the tree of `oldSize` leaves to the tree of `newSize` leaves. */
export function consistencyProof(store: HashStore, oldSize: number, newSize: number): Uint8Array[] {
  const spans = consistencySpans(oldSize, newSize)
  return assembleProof(spans, readAll(store, proofNodes(spans)))
}

/** A tile's bytes as the tree of `size` leaves serves it; refuses a tile that tree does not have at that width. */
export function readTile(store: HashStore, tile: Tile, size: number): Uint8Array {
  const width = tileWidth(tile.level, tile.index, size)
  if (tile.width > width) {
    throw new RangeError(
      `the tree of ${size} leaves has tile ${tile.level}/${tile.index} ${width ? `${width} wide` : 'not at all'}, not ${tile.width} wide`,
    )
  }
  return tileBytes(readAll(store, tileNodes(tile)))
}

function readAll(store: HashStore, nodes: readonly TreeNode[]): Uint8Array[] {
  if (nodes.length === 0) return []
  const hashes = store.read(nodes)
  return nodes.map((node, at) => {
    const hash = hashes[at]
    if (hash) return hash
    const { start, end } = nodeSpan(node)
    throw new Error(
      `the hash store has no hash for level ${node.level} index ${node.index} (leaves ${start} to ${end - 1}): the tree was appended to with a wrong size, or the store lost a row`,
    )
  })
}

/** A hash store in memory, for tests, benchmarks and verifiers that build a tree themselves. */
export class MemoryHashStore implements HashStore {
  readonly #hashes = new Map<string, Uint8Array>()

  read(nodes: readonly TreeNode[]): (Uint8Array | undefined)[] {
    return nodes.map(({ level, index }) => this.#hashes.get(`${level}/${index}`))
  }

  write(hashes: readonly StoredHash[]): void {
    for (const { level, index, hash } of hashes) this.#hashes.set(`${level}/${index}`, hash)
  }

  get size(): number {
    return this.#hashes.size
  }
}
