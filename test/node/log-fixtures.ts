// Keys, entries and pages for the Node tests of the log's tools: a log in memory served on 127.0.0.1
// (scripts/lib/memory-log.ts), with version entries in a test format until the ledger's entry format is merged.

import type { EntryReader } from '../../scripts/lib/verify-page.ts'
import { cosigner } from '../../src/core/log/cosignature.ts'
import { decodeUtf8, utf8 } from '../../src/core/log/encoding.ts'
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

/** A version row as a log entry, in the tests' own format. */
export function versionEntry(key: string, version: number, text: string | null): Uint8Array {
  return utf8(JSON.stringify({ table: 'versions', row: { seq: version, key, text } }))
}

export function otherEntry(table: string, id: number): Uint8Array {
  return utf8(JSON.stringify({ table, row: { id } }))
}

export const readTestEntry: EntryReader = (bytes) => {
  try {
    const { table, row } = JSON.parse(decodeUtf8(bytes) ?? '') as { table: string; row: Record<string, unknown> }
    if (table !== 'versions') return { ok: true, table }
    return {
      ok: true,
      table,
      version: { key: row.key as string, version: row.seq as number, text: row.text as string | null },
    }
  } catch (error) {
    return { ok: false, problem: (error as Error).message }
  }
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
