// A log's client over its public files (C2SP tlog-tiles): the served checkpoint opened with keys the caller brings,
// never keys the log serves; an entry read from its bundle and proved in the checkpoint's tree; an older checkpoint
// proved extended by a newer one. Fetching is the caller's function; each failure names the file, line or key.
import { type Checkpoint, openCheckpoint } from './checkpoint.ts'
import { cosignatureTime, cosignatureVerifier } from './cosignature.ts'
import { equalBytes, toBase64, utf8 } from './encoding.ts'
import { leafHash } from './merkle.ts'
import { parseNote } from './note.ts'
import { COSIGNATURE_V1, ED25519, ed25519Verifier, keyIdHex, type PublicKey } from './note-keys.ts'
import { type FetchTile, proveConsistencyFromTiles, proveInclusionFromTiles } from './tile-reader.ts'
import { bundlePath, parseBundle, TILE_WIDTH, tilePath, tilesForConsistency, tilesForInclusion } from './tiles.ts'

/** Fetches a file by its path under the log's prefix (`checkpoint`, `tile/0/000`, `tile/entries/000.p/7`). */
export type FetchLogFile = FetchTile

/** `<name>+<key ID>`, as a signature line and a verifier key name a key. */
export function keyLabel(key: Pick<PublicKey, 'name' | 'keyId'>): string {
  return `${key.name}+${keyIdHex(key.keyId)}`
}

export type WitnessSeen =
  | { key: string; cosigned: true; time: number }
  | { key: string; cosigned: false; problem: string }

export interface TrustedCheckpoint {
  checkpoint: Checkpoint
  /** The note's text, as signed. */
  text: string
  logKey: string
  /** One per witness key the caller gave, in that order. */
  witnesses: WitnessSeen[]
  /** Signatures by keys the caller gave none for: not checked, only named. */
  unchecked: string[]
}

export type OpenedServedCheckpoint = { ok: true; trusted: TrustedCheckpoint } | { ok: false; problem: string }

/**
 * Opens a checkpoint with the log's key (an Ed25519 note key) and the witnesses' keys (cosignature/v1) the caller
 * trusts: the log's signature must verify; each witness key is reported as cosigned (with the time it states) or
 * not, and why. `origin`, when given, must be the checkpoint's first line.
 */
export async function openServedCheckpoint(
  note: string | Uint8Array,
  keys: { log: PublicKey; witnesses: readonly PublicKey[] },
  origin?: string,
): Promise<OpenedServedCheckpoint> {
  if (keys.log.type !== ED25519) {
    return { ok: false, problem: `the log key ${keyLabel(keys.log)} is not an Ed25519 note key (type 0x01)` }
  }
  const wrong = keys.witnesses.find((key) => key.type !== COSIGNATURE_V1)
  if (wrong) {
    return { ok: false, problem: `the witness key ${keyLabel(wrong)} is not a cosignature/v1 key (type 0x04)` }
  }
  const opened = await openCheckpoint(note, [ed25519Verifier(keys.log)], origin)
  if (!opened.ok) {
    const signedBy = opened.problem.includes('no signature by a known key')
    return {
      ok: false,
      problem: signedBy
        ? `${opened.problem}: it is not signed by the log key you gave (${keyLabel(keys.log)})`
        : opened.problem,
    }
  }
  const parsed = parseNote(note)
  const signatures = parsed.ok ? parsed.signatures : []
  const text = utf8(opened.text)
  const witnesses: WitnessSeen[] = []
  for (const key of keys.witnesses) {
    const label = keyLabel(key)
    const lines = signatures.filter((s) => s.name === key.name && s.keyId === key.keyId)
    if (lines.length === 0) {
      witnesses.push({ key: label, cosigned: false, problem: 'no cosignature by this key' })
      continue
    }
    const verifier = cosignatureVerifier(key)
    let seen: WitnessSeen | undefined
    for (const line of lines) {
      const time = cosignatureTime(line.signature)
      if (time !== null && (await verifier.verify(text, line.signature))) {
        seen = { key: label, cosigned: true, time }
        break
      }
      seen = {
        key: label,
        cosigned: false,
        problem: `line ${line.line}: the cosignature by ${label} does not verify: it is not this witness's, or the checkpoint was changed after it was cosigned`,
      }
    }
    witnesses.push(seen as WitnessSeen)
  }
  const known = [keys.log, ...keys.witnesses].map(keyLabel)
  const unchecked = [
    ...new Set(signatures.map((s) => `${s.name}+${keyIdHex(s.keyId)}`).filter((k) => !known.includes(k))),
  ]
  return {
    ok: true,
    trusted: { checkpoint: opened.checkpoint, text: opened.text, logKey: keyLabel(keys.log), witnesses, unchecked },
  }
}

export type EntryRead = { ok: true; entry: Uint8Array; path: string } | { ok: false; problem: string; path: string }

/** Entry `index` of the tree of `size` leaves, from the entry bundle that tree has at that index. */
export async function readEntry(index: number, size: number, fetch: FetchLogFile): Promise<EntryRead> {
  const bundleIndex = Math.floor(index / TILE_WIDTH)
  const width = Math.min(TILE_WIDTH, size - bundleIndex * TILE_WIDTH)
  const path = bundlePath({ index: bundleIndex, width })
  let bytes: Uint8Array
  try {
    bytes = await fetch(path)
  } catch (error) {
    return { ok: false, path, problem: `${path} could not be fetched: ${(error as Error).message}` }
  }
  const parsed = parseBundle(bytes)
  if (!parsed.ok) return { ok: false, path, problem: `${path} is not an entry bundle: ${parsed.problem}` }
  if (parsed.entries.length !== width) {
    return { ok: false, path, problem: `${path} holds ${parsed.entries.length} entries, not ${width}` }
  }
  return { ok: true, entry: parsed.entries[index % TILE_WIDTH] as Uint8Array, path }
}

export type EntryProof =
  | { ok: true; entry: Uint8Array; bundle: string; tiles: string[] }
  | { ok: false; problem: string; file?: string }

/** Reads entry `index` and proves it is leaf `index` of the tree a trusted checkpoint names. */
export async function proveEntry(
  tree: Pick<Checkpoint, 'size' | 'root'>,
  index: number,
  fetch: FetchLogFile,
): Promise<EntryProof> {
  if (!Number.isSafeInteger(index) || index < 0 || index >= tree.size) {
    return { ok: false, problem: `entry ${index} is not in the checkpoint's tree of ${tree.size} entries` }
  }
  const read = await readEntry(index, tree.size, fetch)
  if (!read.ok) return { ok: false, problem: read.problem, file: read.path }
  const tiles = tilesForInclusion(index, tree.size).map(tilePath)
  const proved = await proveInclusionFromTiles(tree, index, leafHash(read.entry), fetch)
  if (!proved.ok) {
    const file = /^(tile\/[^:]+):/.exec(proved.problem.replace(/^the tiles could not be read: /, ''))?.[1]
    const which = file ?? `${read.path} or one of ${tiles.join(', ') || 'no tiles'}`
    return {
      ok: false,
      problem: `entry ${index} from ${read.path} is not proved in the checkpoint's tree (${which}): ${proved.problem}`,
      ...(file ? { file } : {}),
    }
  }
  return { ok: true, entry: read.entry, bundle: read.path, tiles }
}

export type Extension =
  | { ok: true; proof: Uint8Array[]; tiles: string[] }
  /**
   * `rewritten`: what the log serves contradicts the older checkpoint (its history was rewritten, or it serves tiles
   * its own signed checkpoint does not match: the log's doing either way); false when it could not be read.
   */
  | { ok: false; rewritten: boolean; problem: string }

/** Proves from the newer tree's tiles that it extends the older checkpoint's tree, or says how the log was rewritten. */
export async function proveExtension(older: Checkpoint, newer: Checkpoint, fetch: FetchLogFile): Promise<Extension> {
  if (older.origin !== newer.origin) {
    return {
      ok: false,
      rewritten: false,
      problem: `the checkpoints are of two logs: ${JSON.stringify(older.origin)} and ${JSON.stringify(newer.origin)}`,
    }
  }
  if (newer.size < older.size) {
    return {
      ok: false,
      rewritten: true,
      problem: `the log now has ${newer.size} entries, fewer than the ${older.size} of your checkpoint: entries were removed`,
    }
  }
  if (newer.size === older.size && !equalBytes(newer.root, older.root)) {
    return {
      ok: false,
      rewritten: true,
      problem: `the log has ${newer.size} entries as in your checkpoint, but root ${toBase64(newer.root)} instead of ${toBase64(older.root)}: entries were changed`,
    }
  }
  const tiles = tilesForConsistency(older.size, newer.size).map(tilePath)
  const proved = await proveConsistencyFromTiles(older, newer, fetch)
  if (!proved.ok) {
    const unread = proved.problem.startsWith('the tiles could not be read')
    return { ok: false, rewritten: !unread, problem: proved.problem }
  }
  return { ok: true, proof: proved.proof, tiles }
}
