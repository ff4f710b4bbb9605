import { describe, expect, it } from 'vitest'
import { utf8 } from '../../../src/core/log/encoding.ts'
import {
  bundleBytes,
  bundlePath,
  nodeInTile,
  parseBundle,
  parseTilePath,
  type Tile,
  tileBytes,
  tileNodes,
  tilePath,
  tilesForConsistency,
  tilesForInclusion,
  tileWidth,
} from '../../../src/core/log/tiles.ts'
import vectors from './vectors.json'

describe('tile paths', () => {
  it('writes the index in 3-digit groups, all but the last behind an x, as the spec’s example', () => {
    expect(tilePath({ level: 0, index: 1234067, width: 256 })).toBe('tile/0/x001/x234/067')
    expect(tilePath({ level: 3, index: 1234067, width: 1 })).toBe('tile/3/x001/x234/067.p/1')
    expect(tilePath({ level: 0, index: 0, width: 256 })).toBe('tile/0/000')
    expect(tilePath({ level: 1, index: 999, width: 255 })).toBe('tile/1/999.p/255')
    expect(tilePath({ level: 63, index: 1000, width: 256 })).toBe('tile/63/x001/000')
    expect(bundlePath({ index: 273, width: 112 })).toBe('tile/entries/273.p/112')
    expect(bundlePath({ index: 1_000_000, width: 256 })).toBe('tile/entries/x001/x000/000')
  })

  it('are Go’s tlog tile paths without its height element', () => {
    for (const [goPath] of vectors.tiles.sha256 as [string, string][]) {
      const parsed = parseTilePath(goPath.replace(/^tile\/8\//, 'tile/'))
      expect(parsed.ok && parsed.kind === 'hashes' && `tile/8/${tilePath(parsed.tile).slice(5)}`).toBe(goPath)
    }
  })

  it('refuses a level, index or width outside the spec', () => {
    expect(() => tilePath({ level: 64, index: 0, width: 256 })).toThrow('a tile level is 0 to 63, not 64')
    expect(() => tilePath({ level: -1, index: 0, width: 256 })).toThrow('a tile level is 0 to 63, not -1')
    expect(() => tilePath({ level: 1.5, index: 0, width: 256 })).toThrow('a tile level is 0 to 63, not 1.5')
    expect(() => tilePath({ level: 0, index: -1, width: 256 })).toThrow('a tile index is a whole number, not -1')
    expect(() => tilePath({ level: 0, index: 0, width: 0 })).toThrow('a tile is 1 to 256 wide, not 0')
    expect(() => bundlePath({ index: 0, width: 257 })).toThrow('a tile is 1 to 256 wide, not 257')
  })

  it('reads back every path it writes', () => {
    for (const index of [0, 5, 999, 1000, 1001, 123456789, 2 ** 45]) {
      for (const width of [1, 17, 255, 256]) {
        for (const level of [0, 1, 7, 63]) {
          const tile = { level, index, width }
          expect(parseTilePath(tilePath(tile))).toEqual({ ok: true, kind: 'hashes', tile })
        }
        expect(parseTilePath(bundlePath({ index, width }))).toEqual({
          ok: true,
          kind: 'entries',
          bundle: { index, width },
        })
      }
    }
  })

  it('refuses every other spelling, and says how a path looks', () => {
    const refused = (path: string) => {
      const parsed = parseTilePath(path)
      return parsed.ok ? 'accepted' : parsed.problem
    }
    for (const path of [
      'tile/0/5',
      'tile/0/0005',
      'tile/00/000',
      'tile/0/x001/23',
      'tile/0/001/234',
      'tile/0/x001',
      'tile/0/000.p/0',
      'tile/0/000.p/007',
      'tile/8/0/000',
      '/tile/0/000',
      'tile/0/000/',
      'tile/data/000',
    ]) {
      expect(refused(path)).toBe(
        `${JSON.stringify(path)} is not a tile path: it does not have the shape (expected tile/<L>/<N>[.p/<W>], e.g. tile/0/x001/234.p/5)`,
      )
    }
    expect(refused('tile/0/x000/005')).toMatch(/: the index has a leading zero group \(/)
    expect(refused('tile/0/000.p/256')).toMatch(/: a partial tile is 1 to 255 wide \(/)
    expect(refused('tile/64/000')).toMatch(/: the level is above 63 \(/)
    expect(refused('tile/0/x999/x999/x999/x999/x999/999')).toMatch(/: the index is too large \(/)
  })
})

describe('tileWidth', () => {
  it('gives the tiles of the spec’s tree of 70,000', () => {
    expect(tileWidth(0, 272, 70_000)).toBe(256)
    expect(tileWidth(0, 273, 70_000)).toBe(112)
    expect(tileWidth(0, 274, 70_000)).toBe(0)
    expect(tileWidth(1, 0, 70_000)).toBe(256)
    expect(tileWidth(1, 1, 70_000)).toBe(17)
    expect(tileWidth(2, 0, 70_000)).toBe(1)
    expect(tileWidth(3, 0, 70_000)).toBe(0)
  })

  it('gives a tree of 256 one full tile and one partial tile of width 1 above it', () => {
    expect([tileWidth(0, 0, 256), tileWidth(0, 1, 256), tileWidth(1, 0, 256), tileWidth(2, 0, 256)]).toEqual([
      256, 0, 1, 0,
    ])
  })
})

describe('tile contents', () => {
  it('holds 256 hashes of tree level 8·L in order', () => {
    const nodes = tileNodes({ level: 1, index: 2, width: 3 })
    expect(nodes).toEqual([
      { level: 8, index: 512 },
      { level: 8, index: 513 },
      { level: 8, index: 514 },
    ])
    expect(tileNodes({ level: 0, index: 0, width: 256 })).toHaveLength(256)
    expect(tileBytes([new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)])).toEqual(
      Uint8Array.from([...new Uint8Array(32).fill(1), ...new Uint8Array(32).fill(2)]),
    )
    expect(() => tileBytes([new Uint8Array(31)])).toThrow('a tile holds 32-byte hashes, not 31 bytes')
  })

  it('finds where a node’s hash comes from in a tree’s tiles', () => {
    expect(nodeInTile({ level: 0, index: 70_000 - 1 }, 70_000)).toEqual({
      tile: { level: 0, index: 273, width: 112 },
      offset: 111,
      count: 1,
    })
    expect(nodeInTile({ level: 3, index: 5, width: 0 } as never, 70_000)).toEqual({
      tile: { level: 0, index: 0, width: 256 },
      offset: 40,
      count: 8,
    })
    expect(nodeInTile({ level: 9, index: 1, width: 0 } as never, 70_000)).toEqual({
      tile: { level: 1, index: 0, width: 256 },
      offset: 2,
      count: 2,
    })
    expect(() => nodeInTile({ level: 2, index: 3 }, 13)).toThrow(
      'node 2/3 is not a complete subtree of a tree of 13 leaves',
    )
  })

  it('lists the tiles a proof needs, once each', () => {
    const paths = (tiles: Tile[]) => tiles.map(tilePath)
    expect(paths(tilesForInclusion(5, 13))).toEqual(['tile/0/000.p/13'])
    expect(paths(tilesForInclusion(69_999, 70_000))).toEqual(['tile/0/273.p/112', 'tile/1/001.p/17', 'tile/2/000.p/1'])
    expect(paths(tilesForInclusion(0, 70_000))).toEqual([
      'tile/0/000',
      'tile/1/000',
      'tile/1/001.p/17',
      'tile/0/273.p/112',
    ])
    expect(paths(tilesForConsistency(1000, 70_000))).toEqual([
      'tile/0/003',
      'tile/1/000',
      'tile/1/001.p/17',
      'tile/0/273.p/112',
    ])
    expect(tilesForConsistency(70_000, 70_000)).toEqual([])
  })
})

describe('entry bundles', () => {
  it('writes each entry behind its big-endian uint16 length, and reads them back', () => {
    const entries = [utf8('a'), new Uint8Array(0), new Uint8Array(300).fill(7)]
    const bytes = bundleBytes(entries)
    expect([...bytes.slice(0, 6)]).toEqual([0, 1, 97, 0, 0, 1])
    expect(bytes[6]).toBe(44)
    expect(bytes).toHaveLength(2 + 1 + 2 + 2 + 300)
    expect(parseBundle(bytes)).toEqual({ ok: true, entries })
  })

  it('refuses an entry too long for its length, or a bundle of more than 256', () => {
    expect(() => bundleBytes([new Uint8Array(65_536)])).toThrow("entry 0 is 65536 bytes; a bundle's are < 65,536")
    const longest = bundleBytes([new Uint8Array(65_535)])
    expect([longest.length, longest[0], longest[1]]).toEqual([65_537, 0xff, 0xff])
    expect(() => bundleBytes(Array.from({ length: 257 }, () => new Uint8Array(1)))).toThrow(
      'a bundle holds at most 256 entries',
    )
  })

  it('refuses a bundle cut short, naming the entry', () => {
    const bytes = bundleBytes([utf8('abc'), utf8('de')])
    expect(parseBundle(bytes.slice(0, -1))).toEqual({
      ok: false,
      problem: 'entry 1 says 2 bytes; the bundle ends before them',
    })
    expect(parseBundle(bytes.slice(0, 6))).toEqual({ ok: false, problem: "the bundle ends inside entry 1's length" })
    expect(parseBundle(bundleBytes(Array.from({ length: 256 }, () => new Uint8Array(0))))).toMatchObject({ ok: true })
    expect(parseBundle(new Uint8Array(2 * 257))).toEqual({
      ok: false,
      problem: 'the bundle holds more than 256 entries',
    })
  })
})
