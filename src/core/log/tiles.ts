// C2SP tlog-tiles: where each tile and entry bundle lives, what a tile holds, which tiles a proof needs, and the
// entry bundle's bytes. Tiles are 256 hashes wide; a tile at level L holds hashes of tree level 8·L.
import { concatBytes, isCount } from './encoding.ts'
import { HASH_SIZE, type TreeNode } from './merkle.ts'
import { consistencySpans, inclusionSpans, proofNodes } from './proof-plan.ts'

export const TILE_HEIGHT = 8
export const TILE_WIDTH = 256
export const MAX_TILE_LEVEL = 63

/** A hash tile: the `width` hashes at tree level 8·`level` from 256·`index` on; 256 wide when full. */
export interface Tile {
  level: number
  index: number
  width: number
}

/** An entry bundle: entries 256·`index` to 256·`index` + `width` - 1. */
export interface Bundle {
  index: number
  width: number
}

/** `tile/<L>/<N>[.p/<W>]`, with N written in 3-digit groups, all but the last behind an `x`. */
export function tilePath({ level, index, width }: Tile): string {
  if (!Number.isInteger(level) || level < 0 || level > MAX_TILE_LEVEL) {
    throw new RangeError(`a tile level is 0 to ${MAX_TILE_LEVEL}, not ${level}`)
  }
  return `tile/${level}/${indexPath(index, width)}`
}

/** `tile/entries/<N>[.p/<W>]`. */
export function bundlePath({ index, width }: Bundle): string {
  return `tile/entries/${indexPath(index, width)}`
}

function indexPath(index: number, width: number): string {
  if (!isCount(index)) throw new RangeError(`a tile index is a whole number, not ${index}`)
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) {
    throw new RangeError(`a tile is 1 to ${TILE_WIDTH} wide, not ${width}`)
  }
  const groups: string[] = []
  let rest = index
  do {
    groups.unshift(String(rest % 1000).padStart(3, '0'))
    rest = Math.floor(rest / 1000)
  } while (rest > 0)
  const n = groups.map((group, at) => (at < groups.length - 1 ? `x${group}` : group)).join('/')
  return width === TILE_WIDTH ? n : `${n}.p/${width}`
}

export type ParsedTilePath =
  | { ok: true; kind: 'hashes'; tile: Tile }
  | { ok: true; kind: 'entries'; bundle: Bundle }
  | { ok: false; problem: string }

/** Reads a tile or bundle path back, accepting only the one spelling `tilePath` / `bundlePath` would give. */
export function parseTilePath(path: string): ParsedTilePath {
  const match = /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/.exec(path)
  const refuse = (why: string): ParsedTilePath => ({
    ok: false,
    problem: `${JSON.stringify(path)} is not a tile path: ${why} (expected tile/<L>/<N>[.p/<W>], e.g. tile/0/x001/234.p/5)`,
  })
  if (!match) return refuse('it does not have the shape')
  const [, level, groups, partial] = match as unknown as [string, string, string, string | undefined]
  const index = Number(groups.replaceAll('x', '').replaceAll('/', ''))
  const width = partial === undefined ? TILE_WIDTH : Number(partial)
  if (!Number.isSafeInteger(index)) return refuse('the index is too large')
  if (partial !== undefined && width >= TILE_WIDTH) return refuse(`a partial tile is 1 to ${TILE_WIDTH - 1} wide`)
  if (groups.startsWith('x000')) return refuse('the index has a leading zero group')
  if (level === 'entries') return { ok: true, kind: 'entries', bundle: { index, width } }
  if (Number(level) > MAX_TILE_LEVEL) return refuse(`the level is above ${MAX_TILE_LEVEL}`)
  return { ok: true, kind: 'hashes', tile: { level: Number(level), index, width } }
}

/** How wide tile `index` at `level` is in the tree of `size` leaves: 256 when full, 0 when it does not exist yet. */
export function tileWidth(level: number, index: number, size: number): number {
  const hashes = Math.floor(size / TILE_WIDTH ** level)
  return Math.max(0, Math.min(TILE_WIDTH, hashes - index * TILE_WIDTH))
}

/** The nodes whose hashes a tile holds, in order. */
export function tileNodes({ level, index, width }: Tile): TreeNode[] {
  return Array.from({ length: width }, (_, i) => ({ level: level * TILE_HEIGHT, index: index * TILE_WIDTH + i }))
}

/** A tile's bytes: its hashes, concatenated. */
export function tileBytes(hashes: readonly Uint8Array[]): Uint8Array {
  const wrong = hashes.find((hash) => hash.length !== HASH_SIZE)
  if (wrong) throw new RangeError(`a tile holds 32-byte hashes, not ${wrong.length} bytes`)
  return concatBytes(...hashes)
}

/**
 * Where the hash of `node` comes from in the tree of `size` leaves: the tile (as wide as that tree has it) and the
 * run of its hashes, `count` long from `offset`, that hash up to the node (one hash when the node's level is 8·L).
 */
export function nodeInTile(node: TreeNode, size: number): { tile: Tile; offset: number; count: number } {
  const level = Math.floor(node.level / TILE_HEIGHT)
  const count = 2 ** (node.level - level * TILE_HEIGHT)
  const first = node.index * count
  const index = Math.floor(first / TILE_WIDTH)
  const width = tileWidth(level, index, size)
  const offset = first - index * TILE_WIDTH
  if (offset + count > width) {
    throw new RangeError(`node ${node.level}/${node.index} is not a complete subtree of a tree of ${size} leaves`)
  }
  return { tile: { level, index, width }, offset, count }
}

/** The distinct tiles that hold `nodes` in the tree of `size` leaves, in the order first needed. */
export function tilesFor(nodes: readonly TreeNode[], size: number): Tile[] {
  const tiles = new Map<string, Tile>()
  for (const node of nodes) {
    const { tile } = nodeInTile(node, size)
    tiles.set(tilePath(tile), tile)
  }
  return [...tiles.values()]
}

/** The tiles from which leaf `index`'s inclusion proof in the tree of `size` leaves is computed. */
export function tilesForInclusion(index: number, size: number): Tile[] {
  return tilesFor(proofNodes(inclusionSpans(index, size)), size)
}

/** The tiles from which the consistency proof from `oldSize` to `newSize` leaves is computed. */
export function tilesForConsistency(oldSize: number, newSize: number): Tile[] {
  return tilesFor(proofNodes(consistencySpans(oldSize, newSize)), newSize)
}

/** An entry bundle's bytes: each entry behind its length as a big-endian uint16. */
export function bundleBytes(entries: readonly Uint8Array[]): Uint8Array {
  if (entries.length > TILE_WIDTH) throw new RangeError(`a bundle holds at most ${TILE_WIDTH} entries`)
  return concatBytes(
    ...entries.map((entry, at) => {
      if (entry.length > 0xffff) throw new RangeError(`entry ${at} is ${entry.length} bytes; a bundle's are < 65,536`)
      return concatBytes(new Uint8Array([entry.length >> 8, entry.length & 0xff]), entry)
    }),
  )
}

export type ParsedBundle = { ok: true; entries: Uint8Array[] } | { ok: false; problem: string }

/** An entry bundle's entries; a bundle that ends inside an entry, or holds more than 256, is refused. */
export function parseBundle(bytes: Uint8Array): ParsedBundle {
  const entries: Uint8Array[] = []
  let at = 0
  while (at < bytes.length) {
    if (at + 2 > bytes.length) return { ok: false, problem: `the bundle ends inside entry ${entries.length}'s length` }
    const length = ((bytes[at] as number) << 8) | (bytes[at + 1] as number)
    if (at + 2 + length > bytes.length) {
      return { ok: false, problem: `entry ${entries.length} says ${length} bytes; the bundle ends before them` }
    }
    entries.push(bytes.slice(at + 2, at + 2 + length))
    at += 2 + length
    if (entries.length > TILE_WIDTH) return { ok: false, problem: `the bundle holds more than ${TILE_WIDTH} entries` }
  }
  return { ok: true, entries }
}
