// A page's content hash: SHA-256 over the RFC 8785 canonical JSON of its words, made at build time and recomputable
// by anyone from the words the ledger records.
import canonicalize from 'canonicalize'
import { sha256Hex } from '../keys.ts'
import type { PageWords } from './words.ts'

/** 64 hex digits: SHA-256 of UTF-8 `{"page": <the page's words>}` in canonical JSON. */
export function pageHash(words: PageWords): Promise<string> {
  return sha256Hex(canonicalize({ page: words }) as string)
}
