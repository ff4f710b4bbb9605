// Proofs read from a log's tiles alone (C2SP tlog-tiles): the caller says how to fetch a path; this fetches each
// tile a proof needs once, checks its length, computes the proof and checks it against a checkpoint's root.
import { HASH_SIZE, nodeHash, type TreeNode } from './merkle.ts'
import { verifyConsistency, verifyInclusion } from './proof-check.ts'
import { assembleProof, consistencySpans, inclusionSpans, proofNodes } from './proof-plan.ts'
import { nodeInTile, tilePath, tilesFor } from './tiles.ts'

/** Fetches a tile by its path under the log's prefix (`tile/0/x001/234`); throws if it cannot. */
export type FetchTile = (path: string) => Promise<Uint8Array>

/** A failure to read a tile, with its path. */
export class TileError extends Error {
  readonly path: string

  constructor(path: string, message: string) {
    super(`${path}: ${message}`)
    this.path = path
  }
}

/** The hashes of `nodes` in the tree of `size` leaves, from its tiles. */
export async function readNodes(nodes: readonly TreeNode[], size: number, fetch: FetchTile): Promise<Uint8Array[]> {
  const tiles = tilesFor(nodes, size)
  const data = new Map<string, Uint8Array>()
  await Promise.all(
    tiles.map(async (tile) => {
      const path = tilePath(tile)
      let bytes: Uint8Array
      try {
        bytes = await fetch(path)
      } catch (error) {
        throw new TileError(path, `could not be fetched: ${(error as Error).message}`)
      }
      if (bytes.length !== tile.width * HASH_SIZE) {
        throw new TileError(path, `is ${bytes.length} bytes; a tile ${tile.width} wide is ${tile.width * HASH_SIZE}`)
      }
      data.set(path, bytes)
    }),
  )
  return nodes.map((node) => {
    const { tile, offset, count } = nodeInTile(node, size)
    const bytes = data.get(tilePath(tile)) as Uint8Array
    const hashes = Array.from({ length: count }, (_, i) =>
      bytes.subarray((offset + i) * HASH_SIZE, (offset + i + 1) * HASH_SIZE),
    )
    return foldComplete(hashes)
  })
}

// The hash of a complete subtree from its 2^k hashes at the tile's level, pairwise.
function foldComplete(hashes: Uint8Array[]): Uint8Array {
  if (hashes.length === 1) return hashes[0] as Uint8Array
  const half = hashes.length / 2
  return nodeHash(foldComplete(hashes.slice(0, half)), foldComplete(hashes.slice(half)))
}

export async function inclusionProofFromTiles(index: number, size: number, fetch: FetchTile): Promise<Uint8Array[]> {
  const spans = inclusionSpans(index, size)
  return assembleProof(spans, await readNodes(proofNodes(spans), size, fetch))
}

export async function consistencyProofFromTiles(
  oldSize: number,
  newSize: number,
  fetch: FetchTile,
): Promise<Uint8Array[]> {
  const spans = consistencySpans(oldSize, newSize)
  return assembleProof(spans, await readNodes(proofNodes(spans), newSize, fetch))
}

export type TileVerdict = { ok: true; proof: Uint8Array[] } | { ok: false; problem: string }

/** Proves from tiles that the leaf with `leafHash` is entry `index` of the tree a checkpoint names. */
export async function proveInclusionFromTiles(
  tree: { size: number; root: Uint8Array },
  index: number,
  leafHash: Uint8Array,
  fetch: FetchTile,
): Promise<TileVerdict> {
  if (index >= tree.size)
    return { ok: false, problem: `entry ${index} is not in the checkpoint's tree of ${tree.size}` }
  let proof: Uint8Array[]
  try {
    proof = await inclusionProofFromTiles(index, tree.size, fetch)
  } catch (error) {
    return { ok: false, problem: `the tiles could not be read: ${(error as Error).message}` }
  }
  const verdict = verifyInclusion({ index, size: tree.size, leafHash, proof, root: tree.root })
  if (!verdict.ok) {
    return {
      ok: false,
      problem: `entry ${index} is not this leaf in the checkpoint's tree, or a tile was changed: ${verdict.problem}`,
    }
  }
  return { ok: true, proof }
}

/** Proves from the newer tree's tiles that it extends the older tree (an old checkpoint's size and root). */
export async function proveConsistencyFromTiles(
  older: { size: number; root: Uint8Array },
  newer: { size: number; root: Uint8Array },
  fetch: FetchTile,
): Promise<TileVerdict> {
  if (older.size > newer.size) {
    return {
      ok: false,
      problem: `the older checkpoint's tree (${older.size}) is larger than the newer one's (${newer.size})`,
    }
  }
  let proof: Uint8Array[]
  try {
    proof = await consistencyProofFromTiles(older.size, newer.size, fetch)
  } catch (error) {
    return { ok: false, problem: `the tiles could not be read: ${(error as Error).message}` }
  }
  const verdict = verifyConsistency({
    oldSize: older.size,
    oldRoot: older.root,
    newSize: newer.size,
    newRoot: newer.root,
    proof,
  })
  if (!verdict.ok)
    return { ok: false, problem: `the newer tree does not extend the older, or a tile was changed: ${verdict.problem}` }
  return { ok: true, proof }
}
