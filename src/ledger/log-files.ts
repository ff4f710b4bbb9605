// The public log's files as the ledger serves them (C2SP tlog-tiles): the latest checkpoint with its cosignatures,
// hash tiles and entry bundles from the stored tree, and the log's verifier key. Read-only: nothing here writes.
import { parseTilePath } from '../core/log/tiles.ts'
import { logSigner, servedCheckpoint } from './log-checkpoints.ts'
import { entryBundle, hashTile } from './log-tree.ts'

export interface LogFile {
  body: Uint8Array | string
  contentType: string
  /** A full tile or bundle never changes; a checkpoint, a partial tile and the key may. */
  immutable: boolean
}

const TEXT = 'text/plain; charset=utf-8'
const BYTES = 'application/octet-stream'

/** The file at `path` under the log's base (`checkpoint`, `key`, `tile/…`), or null when the log has none there. */
export async function logFile(
  sql: SqlStorage,
  env: { LOG_SIGNING_KEY?: string; SITE_ORIGIN?: string },
  path: string,
): Promise<LogFile | null> {
  if (path === 'checkpoint') {
    const note = servedCheckpoint(sql)
    return note === null ? null : { body: note, contentType: TEXT, immutable: false }
  }
  if (path === 'key') {
    const signer = await logSigner(env)
    if (!signer.ok) return null
    return { body: `${signer.verifierKey}\n`, contentType: TEXT, immutable: false }
  }
  const parsed = parseTilePath(path)
  if (!parsed.ok) return null
  const full = path.indexOf('.p/') === -1
  const body = parsed.kind === 'entries' ? entryBundle(sql, parsed.bundle) : hashTile(sql, parsed.tile)
  return body === null ? null : { body, contentType: BYTES, immutable: full }
}
