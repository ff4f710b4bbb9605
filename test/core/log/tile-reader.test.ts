import { describe, expect, it } from 'vitest'
import { toBase64, utf8 } from '../../../src/core/log/encoding.ts'
import { leafHash } from '../../../src/core/log/merkle.ts'
import {
  consistencyProofFromTiles,
  inclusionProofFromTiles,
  proveConsistencyFromTiles,
  proveInclusionFromTiles,
  readNodes,
} from '../../../src/core/log/tile-reader.ts'
import { parseTilePath, tilePath, tilesForInclusion } from '../../../src/core/log/tiles.ts'
import {
  appendLeaf,
  consistencyProof,
  inclusionProof,
  MemoryHashStore,
  readTile,
  treeRoot,
} from '../../../src/core/log/tree-store.ts'
import { Rfc6962, sampleIndices } from './rfc6962.ts'

function treeOf(count: number, entry = (i: number) => `entry ${i}`): MemoryHashStore {
  const store = new MemoryHashStore()
  for (let i = 0; i < count; i++) appendLeaf(store, i, leafHash(utf8(entry(i))))
  return store
}

/**
 * A log's tile server over a store of `size` leaves: every tile that tree has (and so every tile of a smaller tree,
 * a path's contents never changing), and the paths it was asked for.
 */
function server(store: MemoryHashStore, size: number, cache = new Map<string, Uint8Array>()) {
  const asked: string[] = []
  const fetch = async (path: string) => {
    asked.push(path)
    const parsed = parseTilePath(path)
    if (!parsed.ok || parsed.kind !== 'hashes') throw new Error(`404 ${path}`)
    const bytes = cache.get(path) ?? readTile(store, parsed.tile, size)
    cache.set(path, bytes)
    return bytes
  }
  return { fetch, asked }
}

const reference = Rfc6962.ofCount(1000)
const thousand = treeOf(1000)
const join = (proof: Uint8Array[]) => proof.map(toBase64).join()

describe('proofs from tiles', () => {
  it('are RFC 6962’s PATH for a leaf of every tree from 1 to 1,000, the ends and the middle in turn', async () => {
    const wrong: string[] = []
    const { fetch } = server(thousand, 1000)
    for (let size = 1; size <= 1000; size++) {
      // Each proof rehashes up to 255 tile hashes (as every tile client does), so one leaf per size.
      const samples = sampleIndices(size)
      const index = samples[size % samples.length] as number
      if (join(await inclusionProofFromTiles(index, size, fetch)) !== join(reference.path(index, size))) {
        wrong.push(`${index} in ${size}`)
      }
      if (wrong.length > 0) break
    }
    expect(wrong).toEqual([])
  }, 60_000)

  it('are RFC 6962’s PROOF for every old size of a tree of 300, and from old sizes to 1,000', async () => {
    const wrong: string[] = []
    const { fetch } = server(thousand, 300)
    for (let oldSize = 1; oldSize <= 300; oldSize++) {
      if (join(await consistencyProofFromTiles(oldSize, 300, fetch)) !== join(reference.proof(oldSize, 300))) {
        wrong.push(`${oldSize} to 300`)
      }
      if (wrong.length > 0) break
    }
    for (const oldSize of [1, 255, 256, 257, 511, 512, 513, 999]) {
      const all = server(thousand, 1000)
      if (join(await consistencyProofFromTiles(oldSize, 1000, all.fetch)) !== join(reference.proof(oldSize, 1000))) {
        wrong.push(`${oldSize} to 1000`)
      }
    }
    expect(wrong).toEqual([])
  }, 60_000)

  it('read hashes from two tile levels up in a tree of 70,000 as the store holds them', async () => {
    const store = treeOf(70_000)
    const { fetch } = server(store, 70_000)
    for (const index of [0, 255, 256, 65_535, 65_536, 69_631, 69_632, 69_999]) {
      expect(join(await inclusionProofFromTiles(index, 70_000, fetch))).toBe(join(inclusionProof(store, index, 70_000)))
    }
    for (const oldSize of [1, 256, 4097, 65_536, 65_537, 69_888, 69_999]) {
      expect(join(await consistencyProofFromTiles(oldSize, 70_000, fetch))).toBe(
        join(consistencyProof(store, oldSize, 70_000)),
      )
    }
    const nodes = [
      { level: 16, index: 0 },
      { level: 12, index: 16 },
      { level: 9, index: 1 },
      { level: 3, index: 8749 },
    ]
    const hashes = await readNodes(nodes, 70_000, fetch)
    expect(hashes.map(toBase64)).toEqual(store.read(nodes).map((hash) => toBase64(hash as Uint8Array)))
  }, 60_000)

  it('fetches each tile a proof needs once', async () => {
    const { fetch, asked } = server(thousand, 1000)
    await inclusionProofFromTiles(3, 1000, fetch)
    expect(asked).toEqual(tilesForInclusion(3, 1000).map(tilePath))
    expect(asked).toEqual(['tile/0/000', 'tile/1/000.p/3', 'tile/0/003.p/232'])
  })
})

describe('proveInclusionFromTiles', () => {
  const size = 1000
  const tree = { size, root: treeRoot(thousand, size) }

  it('proves an entry is in a checkpoint’s tree from its tiles alone', async () => {
    const { fetch } = server(thousand, size)
    const verdict = await proveInclusionFromTiles(tree, 700, leafHash(utf8('entry 700')), fetch)
    expect(verdict).toEqual({ ok: true, proof: reference.path(700, size) })
  })

  it('says so when the entry is not the one at that index', async () => {
    const { fetch } = server(thousand, size)
    const verdict = await proveInclusionFromTiles(tree, 700, leafHash(utf8('entry 701')), fetch)
    expect(verdict.ok).toBe(false)
    expect(!verdict.ok && verdict.problem).toMatch(
      /^entry 700 is not this leaf in the checkpoint's tree, or a tile was changed: the proof leads to root /,
    )
  })

  it('fails when a tile was changed, though the entry is right', async () => {
    const { fetch } = server(thousand, size)
    const changed = async (path: string) => {
      const bytes = Uint8Array.from(await fetch(path))
      if (path === 'tile/1/000.p/3') bytes[40] = (bytes[40] as number) ^ 1
      return bytes
    }
    const verdict = await proveInclusionFromTiles(tree, 700, leafHash(utf8('entry 700')), changed)
    expect(verdict.ok).toBe(false)
  })

  it('names a tile of the wrong length, or one that could not be fetched', async () => {
    const { fetch } = server(thousand, size)
    const short = async (path: string) => (await fetch(path)).slice(0, 32)
    expect(await proveInclusionFromTiles(tree, 700, leafHash(utf8('entry 700')), short)).toEqual({
      ok: false,
      problem: 'the tiles could not be read: tile/0/002: is 32 bytes; a tile 256 wide is 8192',
    })
    const down = async (path: string) => {
      throw new Error(`503 for ${path}`)
    }
    expect(await proveInclusionFromTiles(tree, 700, leafHash(utf8('entry 700')), down)).toEqual({
      ok: false,
      problem: 'the tiles could not be read: tile/0/002: could not be fetched: 503 for tile/0/002',
    })
    expect(await proveInclusionFromTiles(tree, 1000, leafHash(utf8('entry 1000')), fetch)).toEqual({
      ok: false,
      problem: "entry 1000 is not in the checkpoint's tree of 1000",
    })
  })
})

describe('proveConsistencyFromTiles', () => {
  const older = { size: 400, root: treeRoot(thousand, 400) }
  const newer = { size: 1000, root: treeRoot(thousand, 1000) }

  it('proves a later tree extends an earlier checkpoint’s from its tiles', async () => {
    const { fetch } = server(thousand, 1000)
    expect(await proveConsistencyFromTiles(older, newer, fetch)).toEqual({
      ok: true,
      proof: reference.proof(400, 1000),
    })
    expect(await proveConsistencyFromTiles(newer, newer, fetch)).toEqual({ ok: true, proof: [] })
  })

  it('fails for a log that rewrote an entry before the earlier checkpoint', async () => {
    const rewritten = treeOf(1000, (i) => (i === 123 ? 'entry 123, rewritten' : `entry ${i}`))
    const forged = { size: 1000, root: treeRoot(rewritten, 1000) }
    const verdict = await proveConsistencyFromTiles(older, forged, server(rewritten, 1000).fetch)
    expect(verdict.ok).toBe(false)
    expect(!verdict.ok && verdict.problem).toMatch(
      /^the newer tree does not extend the older, or a tile was changed: the proof leads to old root .*: the old tree is not a prefix$/,
    )
  })

  it('says which tile could not be fetched', async () => {
    const down = async (path: string) => {
      throw new Error(`503 for ${path}`)
    }
    expect(await proveConsistencyFromTiles(older, newer, down)).toEqual({
      ok: false,
      problem: 'the tiles could not be read: tile/0/001: could not be fetched: 503 for tile/0/001',
    })
  })

  it('refuses an older tree larger than the newer', async () => {
    expect(await proveConsistencyFromTiles(newer, older, server(thousand, 1000).fetch)).toEqual({
      ok: false,
      problem: "the older checkpoint's tree (1000) is larger than the newer one's (400)",
    })
  })
})
