// The log's signed checkpoints: at most one per tree size, never two for one size, signed with LOG_SIGNING_KEY right
// after the transaction that grew the tree (and by the alarm when that did not happen), kept with the cosignatures
// of the witnesses that checked them.
import { formatCheckpoint } from '../core/log/checkpoint.ts'
import { equalBytes, toBase64 } from '../core/log/encoding.ts'
import { signNote } from '../core/log/note.ts'
import { ed25519Signer, formatVerifierKey, type NoteSigner, parseSignerKey } from '../core/log/note-keys.ts'
import { logOrigin } from '../core/log-config.ts'
import { usableSiteOrigin } from '../core/settings.ts'
import { treeHead, treeSize } from './log-tree.ts'

export interface StoredCheckpoint {
  size: number
  root: Uint8Array
  /** The note as the log signed it. */
  note: string
  signedAt: string
}

type CheckpointRow = { size: number; root: ArrayBuffer; note: string; signed_at: string }

function stored(row: CheckpointRow | undefined): StoredCheckpoint | null {
  return row ? { size: row.size, root: new Uint8Array(row.root), note: row.note, signedAt: row.signed_at } : null
}

/** The checkpoint of the largest tree signed: one row read. */
export function latestCheckpoint(sql: SqlStorage): StoredCheckpoint | null {
  return stored(sql.exec<CheckpointRow>('SELECT * FROM log_checkpoints ORDER BY size DESC LIMIT 1').toArray()[0])
}

export function checkpointOfSize(sql: SqlStorage, size: number): StoredCheckpoint | null {
  return stored(sql.exec<CheckpointRow>('SELECT * FROM log_checkpoints WHERE size = ?', size).toArray()[0])
}

/** True when the tree holds leaves no checkpoint covers yet: the alarm then signs one. */
export function checkpointDue(sql: SqlStorage): boolean {
  return treeSize(sql) > (latestCheckpoint(sql)?.size ?? 0)
}

/** The signer and the origin the log signs with, or why it cannot sign. */
export type LogSigner =
  | { ok: true; signer: NoteSigner; origin: string; verifierKey: string }
  | { ok: false; problem: string }

const signers = new Map<string, Promise<LogSigner>>()

/** LOG_SIGNING_KEY and SITE_ORIGIN read once per isolate (per value), with what is wrong with either. */
export function logSigner(env: { LOG_SIGNING_KEY?: string; SITE_ORIGIN?: string }): Promise<LogSigner> {
  const site = usableSiteOrigin(env.SITE_ORIGIN)
  const secret = env.LOG_SIGNING_KEY ?? ''
  const cacheKey = `${site}\n${secret}`
  let signer = signers.get(cacheKey)
  if (!signer) {
    signer = (async (): Promise<LogSigner> => {
      if (!site) return { ok: false, problem: 'SITE_ORIGIN is not an address, so the log has no origin to sign' }
      if (secret === '') return { ok: false, problem: 'LOG_SIGNING_KEY is not set, so no checkpoint is signed' }
      const parsed = await parseSignerKey(secret)
      if (!parsed.ok) return { ok: false, problem: `LOG_SIGNING_KEY cannot sign: ${parsed.problem}` }
      const verifierKey = formatVerifierKey(parsed.key)
      return { ok: true, signer: ed25519Signer(parsed.key), origin: logOrigin(site), verifierKey }
    })()
    signers.set(cacheKey, signer)
  }
  return signer
}

export interface SigningPorts {
  sql: SqlStorage
  transact<T>(work: () => T): T
  now(): number
}

/**
 * Signs the tree as it stands, unless a checkpoint of that size or larger exists; stores it in one transaction with
 * `then` (waking the witnesses), unless another signing stored one first. Answers the checkpoint stored, or null.
 * A second checkpoint for one size is never made: if the tree's root ever differed from the one signed for its size,
 * this throws, saying so, rather than sign a contradiction.
 */
export async function signCheckpoint(
  ports: SigningPorts,
  { signer, origin }: { signer: NoteSigner; origin: string },
  then: (checkpoint: StoredCheckpoint) => void = () => {},
): Promise<StoredCheckpoint | null> {
  const { size, root } = treeHead(ports.sql)
  if (size === 0 || signedAlready(ports.sql, size, root)) return null
  const note = await signNote(formatCheckpoint({ origin, size, root, extensions: [] }), [signer])
  return ports.transact(() => {
    if (signedAlready(ports.sql, size, root)) return null
    const signedAt = new Date(ports.now()).toISOString()
    ports.sql.exec(
      'INSERT INTO log_checkpoints (size, root, note, signed_at) VALUES (?, ?, ?, ?)',
      size,
      root.slice().buffer,
      note,
      signedAt,
    )
    const checkpoint = { size, root, note, signedAt }
    then(checkpoint)
    return checkpoint
  })
}

// True when a checkpoint of this size or a larger one exists; throws if the one of this size has another root.
function signedAlready(sql: SqlStorage, size: number, root: Uint8Array): boolean {
  const same = checkpointOfSize(sql, size)
  if (same && !equalBytes(same.root, root)) {
    throw new Error(
      `the log's tree of ${size} leaves has root ${toBase64(root)}, but its checkpoint of that size says ${toBase64(same.root)}: the tree's stored hashes were changed; nothing was signed`,
    )
  }
  return same !== null || (latestCheckpoint(sql)?.size ?? 0) > size
}

/** Keeps a witness's verified cosignature line of the checkpoint of `size` (its first, if it sends another). */
export function addCosignature(sql: SqlStorage, size: number, witness: string, line: string, now: number): void {
  sql.exec(
    'INSERT OR IGNORE INTO log_cosignatures (size, witness, line, at) VALUES (?, ?, ?, ?)',
    size,
    witness,
    line,
    new Date(now).toISOString(),
  )
}

/** The witnesses' cosignature lines of the checkpoint of `size`, by witness name. */
export function cosignatures(sql: SqlStorage, size: number): { witness: string; line: string; at: string }[] {
  return sql
    .exec<{ witness: string; line: string; at: string }>(
      'SELECT witness, line, at FROM log_cosignatures WHERE size = ? ORDER BY witness',
      size,
    )
    .toArray()
}

/**
 * The first signed checkpoint whose tree holds the row at chain position `pos` (its log entry is `pos` - 1), with the
 * cosignatures collected for it: what a message about that row carries. Null until one is signed.
 */
export function checkpointCovering(sql: SqlStorage, pos: number): string | null {
  const row = sql
    .exec<{ size: number; note: string }>(
      'SELECT size, note FROM log_checkpoints WHERE size >= ? ORDER BY size LIMIT 1',
      pos,
    )
    .toArray()[0]
  return row ? withCosignatures(sql, row) : null
}

/** The latest checkpoint as served: the log's note with every cosignature collected for its size, or null. */
export function servedCheckpoint(sql: SqlStorage): string | null {
  const latest = latestCheckpoint(sql)
  return latest ? withCosignatures(sql, latest) : null
}

/** A checkpoint's note followed by every cosignature collected for its size. */
function withCosignatures(sql: SqlStorage, checkpoint: { size: number; note: string }): string {
  return (
    checkpoint.note +
    cosignatures(sql, checkpoint.size)
      .map(({ line }) => line)
      .join('')
  )
}
