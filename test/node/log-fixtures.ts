// Keys, entries and pages for the Node tests of the log's tools: a log in memory served on 127.0.0.1
// (scripts/lib/memory-log.ts), with version entries in a test format until the ledger's entry format is merged.

import { cosigner } from '../../src/core/log/cosignature.ts'
import { encodeEntry } from '../../src/core/log/entry.ts'
import {
  COSIGNATURE_V1,
  ED25519,
  ed25519Signer,
  generateKeyPair,
  type NoteSigner,
  type PublicKey,
  parseSignerKey,
  parseVerifierKey,
} from '../../src/core/log/note-keys.ts'

export interface TestKey {
  signer: NoteSigner
  key: PublicKey
  verifierKey: string
  signerKey: string
}

export async function testKey(name: string, type = ED25519, now = () => 1767225600): Promise<TestKey> {
  const pair = await generateKeyPair(name, type)
  const signing = await parseSignerKey(pair.signerKey)
  const verifying = parseVerifierKey(pair.verifierKey)
  if (!signing.ok || !verifying.ok) throw new Error('a fresh key pair does not read')
  const signer = type === COSIGNATURE_V1 ? cosigner(signing.key, now) : ed25519Signer(signing.key)
  return { signer, key: verifying.key, ...pair }
}

const SALT = new Uint8Array(32).fill(9)

/** A version row's log entry, as the ledger writes it (src/core/log/entry.ts). */
export function versionEntry(key: string, version: number, text: string | null): Uint8Array {
  const row = {
    seq: version,
    key,
    text,
    hash: text === null ? null : 'ab'.repeat(32),
    at: '2026-12-01T10:00:00.000Z',
    by: 'alice@example.org',
    how: text === null ? 'external' : 'publish',
    note: null,
    approved_by: null,
    proposal_id: null,
    rollback_of: null,
    valid: text === null ? 0 : 1,
    problem: text === null ? 'the key was deleted' : null,
    import_id: null,
  }
  return encodeEntry('versions', row, SALT)
}

/** Another row's log entry: an event. */
export function otherEntry(table: string, id: number): Uint8Array {
  return encodeEntry(table, { id, at: '2026-12-01T10:00:00.000Z', kind: 'version_live', key: null }, SALT)
}

export interface Box {
  key: string
  version: string
  logIndex?: number
  text: string
}

const escapeHtml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')

/** A page as the site renders it (src/site/views/disclaimer-note.tsx), with a canonical link to `url`. */
export function page(url: string, boxes: Box[]): string {
  const notes = boxes.map(
    (box, at) =>
      `<div class="disclaimer" role="note" aria-labelledby="d${at}" data-disclaimer="${escapeHtml(box.key)}" data-disclaimer-version="${box.version}"${box.logIndex === undefined ? '' : ` data-log-index="${box.logIndex}"`}><p class="disclaimer-title" id="d${at}">Disclaimer</p>${box.text
        .split('\n\n')
        .map((p) => `<p>${escapeHtml(p)}</p>`)
        .join('')}</div>`,
  )
  return `<!doctype html><html lang="en"><head><title>A page</title><link rel="canonical" href="${url}"></head><body><main><h1>A page</h1>${notes.join('<p>Body.</p>')}</main></body></html>`
}
