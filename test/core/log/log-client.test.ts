import { describe, expect, it } from 'vitest'
import { type Checkpoint, formatCheckpoint } from '../../../src/core/log/checkpoint.ts'
import { cosigner } from '../../../src/core/log/cosignature.ts'
import { toBase64, utf8 } from '../../../src/core/log/encoding.ts'
import {
  keyLabel,
  openServedCheckpoint,
  proveEntry,
  proveExtension,
  readEntry,
} from '../../../src/core/log/log-client.ts'
import { leafHash } from '../../../src/core/log/merkle.ts'
import { signNote } from '../../../src/core/log/note.ts'
import {
  COSIGNATURE_V1,
  ed25519Signer,
  generateKeyPair,
  type NoteSigner,
  type PublicKey,
  parseSignerKey,
  parseVerifierKey,
} from '../../../src/core/log/note-keys.ts'
import { bundleBytes, parseBundle, parseTilePath, TILE_WIDTH } from '../../../src/core/log/tiles.ts'
import { appendLeaf, MemoryHashStore, readTile, treeRoot } from '../../../src/core/log/tree-store.ts'

const ORIGIN = 'example.com/disclaimer-log'

async function keys(name: string, type = 1): Promise<{ signer: NoteSigner; key: PublicKey; text: string }> {
  const pair = await generateKeyPair(name, type)
  const signing = await parseSignerKey(pair.signerKey)
  const verifying = parseVerifierKey(pair.verifierKey)
  if (!signing.ok || !verifying.ok) throw new Error('a fresh key pair does not read')
  const signer = type === COSIGNATURE_V1 ? cosigner(signing.key, () => 1767225600) : ed25519Signer(signing.key)
  return { signer, key: verifying.key, text: pair.verifierKey }
}

const log = await keys(ORIGIN)
const witness = await keys('witness.example/w1', COSIGNATURE_V1)
const stranger = await keys('witness.example/w2', COSIGNATURE_V1)

/** A log of `count` entries in memory, and its files as a tile server serves them for the tree of `size`. */
function memoryLog(count: number, entry = (i: number) => `entry ${i}`) {
  const store = new MemoryHashStore()
  const entries = Array.from({ length: count }, (_, i) => utf8(entry(i)))
  for (const [i, bytes] of entries.entries()) appendLeaf(store, i, leafHash(bytes))
  const asked: string[] = []
  const files = (size: number) => async (path: string) => {
    asked.push(path)
    const parsed = parseTilePath(path)
    if (!parsed.ok) throw new Error(`404 ${path}`)
    if (parsed.kind === 'hashes') return readTile(store, parsed.tile, size)
    const from = parsed.bundle.index * TILE_WIDTH
    if (from + parsed.bundle.width > size) throw new Error(`404 ${path}`)
    return bundleBytes(entries.slice(from, from + parsed.bundle.width))
  }
  const checkpoint = (size: number): Checkpoint => ({
    origin: ORIGIN,
    size,
    root: treeRoot(store, size),
    extensions: [],
  })
  return { store, files, asked, checkpoint }
}

describe('openServedCheckpoint', () => {
  const tree = memoryLog(10)
  const text = formatCheckpoint(tree.checkpoint(10))

  it('opens a checkpoint signed by the log key given, naming each witness that cosigned it and when', async () => {
    const note = await signNote(text, [log.signer, witness.signer, stranger.signer])
    const opened = await openServedCheckpoint(note, { log: log.key, witnesses: [witness.key] }, ORIGIN)
    expect(opened).toEqual({
      ok: true,
      trusted: {
        checkpoint: tree.checkpoint(10),
        text,
        logKey: keyLabel(log.key),
        witnesses: [{ key: keyLabel(witness.key), cosigned: true, time: 1767225600 }],
        unchecked: [keyLabel(stranger.key)],
      },
    })
  })

  it('says a witness given did not cosign, and which cosignature does not verify', async () => {
    const absent = await openServedCheckpoint(await signNote(text, [log.signer]), {
      log: log.key,
      witnesses: [witness.key],
    })
    expect(absent.ok && absent.trusted.witnesses).toEqual([
      { key: keyLabel(witness.key), cosigned: false, problem: 'no cosignature by this key' },
    ])
    // The witness's line moved onto another checkpoint the log signed: its signature is over other text.
    const other = await signNote(formatCheckpoint(tree.checkpoint(9)), [witness.signer])
    const moved = `${await signNote(text, [log.signer])}${other.slice(other.lastIndexOf('\n—') + 1)}`
    const bad = await openServedCheckpoint(moved, { log: log.key, witnesses: [witness.key] })
    expect(bad.ok && bad.trusted.witnesses).toEqual([
      {
        key: keyLabel(witness.key),
        cosigned: false,
        problem: `line 6: the cosignature by ${keyLabel(witness.key)} does not verify: it is not this witness's, or the checkpoint was changed after it was cosigned`,
      },
    ])
  })

  it('finds a witness’s cosignature by its key’s name and key ID together', async () => {
    const note = await signNote(text, [log.signer, witness.signer])
    const renamed = { ...witness.key, name: 'witness.example/renamed' }
    const sameName = { ...stranger.key, name: witness.key.name }
    const opened = await openServedCheckpoint(note, { log: log.key, witnesses: [renamed, sameName] })
    expect(opened.ok && opened.trusted.witnesses).toEqual([
      { key: keyLabel(renamed), cosigned: false, problem: 'no cosignature by this key' },
      { key: keyLabel(sameName), cosigned: false, problem: 'no cosignature by this key' },
    ])
  })

  it('refuses a checkpoint the log key did not sign, even one a witness cosigned', async () => {
    const other = await keys(ORIGIN)
    const note = await signNote(text, [other.signer, witness.signer])
    expect(await openServedCheckpoint(note, { log: log.key, witnesses: [witness.key] })).toEqual({
      ok: false,
      problem: `the checkpoint's note: no signature by a known key (${keyLabel(log.key)}); the note is signed by ${keyLabel(other.key)}, ${keyLabel(witness.key)}: it is not signed by the log key you gave (${keyLabel(log.key)})`,
    })
  })

  it('refuses a changed checkpoint, naming the line of the signature that no longer verifies', async () => {
    const note = (await signNote(text, [log.signer])).replace('\n10\n', '\n11\n')
    const opened = await openServedCheckpoint(note, { log: log.key, witnesses: [] })
    expect(opened.ok).toBe(false)
    expect(!opened.ok && opened.problem).toMatch(/^the checkpoint's note: line 5: the signature by .* does not verify/)
  })

  it('refuses a checkpoint of another origin, and keys of the wrong kind', async () => {
    const note = await signNote(text, [log.signer])
    expect(await openServedCheckpoint(note, { log: log.key, witnesses: [] }, 'other.example/disclaimer-log')).toEqual({
      ok: false,
      problem: `the checkpoint is of log "${ORIGIN}", not "other.example/disclaimer-log"`,
    })
    expect(await openServedCheckpoint(note, { log: witness.key, witnesses: [] })).toEqual({
      ok: false,
      problem: `the log key ${keyLabel(witness.key)} is not an Ed25519 note key (type 0x01)`,
    })
    expect(await openServedCheckpoint(note, { log: log.key, witnesses: [log.key] })).toEqual({
      ok: false,
      problem: `the witness key ${keyLabel(log.key)} is not a cosignature/v1 key (type 0x04)`,
    })
  })
})

describe('readEntry and proveEntry', () => {
  const tree = memoryLog(600)

  it('read an entry from the bundle the tree has at its index, partial at the right edge', async () => {
    expect(await readEntry(599, 600, tree.files(600))).toEqual({
      ok: true,
      entry: utf8('entry 599'),
      path: 'tile/entries/002.p/88',
    })
    expect(await readEntry(7, 600, tree.files(600))).toMatchObject({ ok: true, path: 'tile/entries/000' })
  })

  it('name the bundle that could not be fetched or is not a bundle', async () => {
    const gone = async () => Promise.reject(new Error('404'))
    expect(await readEntry(7, 600, gone)).toEqual({
      ok: false,
      path: 'tile/entries/000',
      problem: 'tile/entries/000 could not be fetched: 404',
    })
    const bundle = parseBundle(new Uint8Array([0]))
    expect(bundle.ok).toBe(false)
    expect(await readEntry(7, 600, async () => new Uint8Array([0]))).toEqual({
      ok: false,
      path: 'tile/entries/000',
      problem: `tile/entries/000 is not an entry bundle: ${!bundle.ok && bundle.problem}`,
    })
  })

  it('prove the first entry, and refuse a negative index', async () => {
    const files = tree.files(600)
    const first = await proveEntry(tree.checkpoint(600), 0, files)
    expect(first.ok && first.entry).toEqual(utf8('entry 0'))
    expect(await proveEntry(tree.checkpoint(600), -1, files)).toEqual({
      ok: false,
      problem: "entry -1 is not in the checkpoint's tree of 600 entries",
    })
  })

  it('refuse the entry of a one-entry tree whose bundle was changed, which no tile proves', async () => {
    const single = memoryLog(1)
    const changed = async (path: string) =>
      path === 'tile/entries/000.p/1' ? bundleBytes([utf8('x')]) : single.files(1)(path)
    const proved = await proveEntry(single.checkpoint(1), 0, changed)
    expect(!proved.ok && proved.problem).toMatch(
      /^entry 0 from tile\/entries\/000.p\/1 is not proved in the checkpoint's tree \(tile\/entries\/000.p\/1 or one of no tiles\): entry 0 is not this leaf/,
    )
  })

  it('prove an entry with the few tiles its inclusion proof needs', async () => {
    const files = tree.files(600)
    tree.asked.length = 0
    const proved = await proveEntry(tree.checkpoint(600), 300, files)
    expect(proved).toEqual({
      ok: true,
      entry: utf8('entry 300'),
      bundle: 'tile/entries/001',
      // Leaves 0 to 255 are one node of level 8: tile 1 holds it, so tile/0/000 is never fetched.
      tiles: ['tile/0/001', 'tile/1/000.p/2', 'tile/0/002.p/88'],
    })
    expect(tree.asked.sort()).toEqual(['tile/0/001', 'tile/0/002.p/88', 'tile/1/000.p/2', 'tile/entries/001'])
  })

  it('refuse an entry whose bundle was changed, naming the bundle', async () => {
    const files = tree.files(600)
    const changed = async (path: string) =>
      path === 'tile/entries/001' ? bundleBytes([...Array(255)].map(() => utf8('x')).concat(utf8('y'))) : files(path)
    const proved = await proveEntry(tree.checkpoint(600), 300, changed)
    expect(proved.ok).toBe(false)
    expect(!proved.ok && proved.problem).toMatch(
      /^entry 300 from tile\/entries\/001 is not proved in the checkpoint's tree \(tile\/entries\/001 or one of tile\/0\/001, tile\/1\/000.p\/2, tile\/0\/002.p\/88\): entry 300 is not this leaf/,
    )
  })

  it('name the tile that could not be fetched, and refuse an index outside the tree', async () => {
    const files = tree.files(600)
    const missing = async (path: string) => (path === 'tile/1/000.p/2' ? Promise.reject(new Error('404')) : files(path))
    expect(await proveEntry(tree.checkpoint(600), 300, missing)).toEqual({
      ok: false,
      file: 'tile/1/000.p/2',
      problem:
        "entry 300 from tile/entries/001 is not proved in the checkpoint's tree (tile/1/000.p/2): the tiles could not be read: tile/1/000.p/2: could not be fetched: 404",
    })
    expect(await proveEntry(tree.checkpoint(600), 600, files)).toEqual({
      ok: false,
      problem: "entry 600 is not in the checkpoint's tree of 600 entries",
    })
    const short = async (path: string) => (path === 'tile/entries/002.p/88' ? bundleBytes([utf8('a')]) : files(path))
    expect(await proveEntry(tree.checkpoint(600), 599, short)).toEqual({
      ok: false,
      file: 'tile/entries/002.p/88',
      problem: 'tile/entries/002.p/88 holds 1 entries, not 88',
    })
  })
})

describe('proveExtension', () => {
  const honest = memoryLog(1000)
  const rewritten = memoryLog(1000, (i) => (i === 40 ? 'entry 40, rewritten' : `entry ${i}`))

  it('proves a later tree extends an older checkpoint from the later tree’s tiles', async () => {
    const extension = await proveExtension(honest.checkpoint(300), honest.checkpoint(1000), honest.files(1000))
    expect(extension.ok).toBe(true)
    expect(extension.ok && extension.tiles).toEqual(['tile/0/001', 'tile/1/000.p/3', 'tile/0/003.p/232'])
    expect(await proveExtension(honest.checkpoint(300), honest.checkpoint(300), honest.files(300))).toEqual({
      ok: true,
      proof: [],
      tiles: [],
    })
  })

  it('says a log rewritten before the older checkpoint’s size does not extend it', async () => {
    const extension = await proveExtension(honest.checkpoint(300), rewritten.checkpoint(1000), rewritten.files(1000))
    expect(extension.ok).toBe(false)
    expect(!extension.ok && extension.rewritten).toBe(true)
    expect(!extension.ok && extension.problem).toMatch(/^the newer tree does not extend the older/)
  })

  it('says a log that shrank, or changed at the same size, was rewritten, without fetching', async () => {
    const none = async (path: string): Promise<Uint8Array> => Promise.reject(new Error(`asked for ${path}`))
    expect(await proveExtension(honest.checkpoint(300), honest.checkpoint(200), none)).toEqual({
      ok: false,
      rewritten: true,
      problem: 'the log now has 200 entries, fewer than the 300 of your checkpoint: entries were removed',
    })
    expect(await proveExtension(honest.checkpoint(300), rewritten.checkpoint(300), none)).toEqual({
      ok: false,
      rewritten: true,
      problem: `the log has 300 entries as in your checkpoint, but root ${toBase64(treeRoot(rewritten.store, 300))} instead of ${toBase64(treeRoot(honest.store, 300))}: entries were changed`,
    })
    expect(
      await proveExtension(honest.checkpoint(300), { ...honest.checkpoint(1000), origin: 'other/log' }, none),
    ).toEqual({
      ok: false,
      rewritten: false,
      problem: `the checkpoints are of two logs: "${ORIGIN}" and "other/log"`,
    })
  })

  it('says tiles it could not read are not a rewrite', async () => {
    const none = async (path: string): Promise<Uint8Array> => Promise.reject(new Error(`503 for ${path}`))
    const extension = await proveExtension(honest.checkpoint(300), honest.checkpoint(1000), none)
    expect(extension).toMatchObject({ ok: false, rewritten: false })
  })
})
