// What the reader and the ledger agree on about KV: the signed metadata only the ledger can write beside a text, and
// how long a page may serve a text it read earlier (the terms the staleness bounds are built from).

/** What the ledger stores beside each KV value it writes. */
export interface LedgerMetadata {
  /** The ledger row whose text this is. */
  seq: number
  /** The text's short content hash, as pages show it. */
  hash: string
  /** The row's chain hash (src/core/chain.ts). */
  chain?: string
  /** The row's entry in the public log (its chain position less one): what pages name for verify-page. */
  log?: number
  /**
   * HMAC-SHA256 under LEDGER_SECRET, in hex, over the key, the row, the text's full SHA-256 and the chain hash: what
   * makes the rest trustworthy. Absent only when the Worker has no usable LEDGER_SECRET.
   */
  sig?: string
}

/** What a signature that holds names: the ledger row whose text KV holds under that key. */
export interface SignedVersion {
  seq: number
  chain: string | null
  log: number | null
}

/** LEDGER_SECRET is at least this many random bytes, written as hex. */
export const LEDGER_SECRET_MIN_BYTES = 32

const HOW_TO_SET = 'make one with `npm run disclaimer -- secret` and set it with `wrangler secret put LEDGER_SECRET`'

/** Why `secret` cannot be LEDGER_SECRET, or undefined when it can. */
export function ledgerSecretProblem(secret: string | undefined): string | undefined {
  if (!secret) return `LEDGER_SECRET is not set; ${HOW_TO_SET}`
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(secret) || secret.length < 2 * LEDGER_SECRET_MIN_BYTES) {
    return `LEDGER_SECRET must be at least ${LEDGER_SECRET_MIN_BYTES} random bytes written as hex (${2 * LEDGER_SECRET_MIN_BYTES} or more hex digits, no spaces); ${HOW_TO_SET}`
  }
  return undefined
}

/** A fresh LEDGER_SECRET: 32 random bytes as hex. */
export function newLedgerSecret(): string {
  return hex(crypto.getRandomValues(new Uint8Array(LEDGER_SECRET_MIN_BYTES)))
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('')
}

function bytesOf(hexText: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(hexText.length / 2)
  for (let index = 0; index < bytes.length; index++)
    bytes[index] = Number.parseInt(hexText.slice(2 * index, 2 * index + 2), 16)
  return bytes
}

// One imported key per secret per isolate: a deploy that changes the secret starts new isolates anyway.
const keys = new Map<string, Promise<CryptoKey | undefined>>()

/** The HMAC key for `secret`; undefined (said once per isolate, as an error) when it cannot be one. */
function hmacKey(secret: string | undefined): Promise<CryptoKey | undefined> {
  const name = secret ?? ''
  let key = keys.get(name)
  if (!key) {
    const problem = ledgerSecretProblem(secret)
    if (problem) console.error(`${problem}. Until then pages name no ledger version and the ledger signs nothing.`)
    key = problem
      ? Promise.resolve(undefined)
      : crypto.subtle.importKey('raw', bytesOf(name), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
    keys.set(name, key)
  }
  return key
}

// A log index is signed on a line of its own after the chain hash, so metadata written before the log still verifies.
function signedBytes(
  key: string,
  seq: number,
  sha256: string,
  chain: string | null,
  log: number | null,
): Uint8Array<ArrayBuffer> {
  const text = `disclaimer ledger kv metadata v1\n${key}\n${seq}\n${sha256}\n${chain ?? ''}${log === null ? '' : `\nlog ${log}`}`
  return new Uint8Array(new TextEncoder().encode(text))
}

/**
 * The metadata the ledger writes beside version `seq` of `key`: `sha256` is the full SHA-256 of the text as written.
 * Unsigned (pages then show the text as `unrecorded`) when the secret cannot be used.
 */
export async function signMetadata(
  secret: string | undefined,
  entry: { key: string; seq: number; sha256: string; chain: string | null; log?: number | null },
): Promise<LedgerMetadata> {
  const log = entry.log ?? null
  const metadata: LedgerMetadata = {
    seq: entry.seq,
    hash: entry.sha256.slice(0, 16),
    ...(entry.chain && { chain: entry.chain }),
    ...(log !== null && { log }),
  }
  const key = await hmacKey(secret)
  if (!key) return metadata
  const sig = await crypto.subtle.sign('HMAC', key, signedBytes(entry.key, entry.seq, entry.sha256, entry.chain, log))
  return { ...metadata, sig: hex(new Uint8Array(sig)) }
}

/**
 * The ledger row KV's metadata names for the text under `key` (whose full SHA-256 is `sha256`), when its signature
 * holds under `secret`; null for anything else: no metadata, metadata not made by the ledger, made for another key,
 * row or text, or made under another secret. Never throws.
 */
export async function verifyMetadata(
  secret: string | undefined,
  key: string,
  sha256: string,
  metadata: unknown,
): Promise<SignedVersion | null> {
  const claimed = metadata as Partial<Record<keyof LedgerMetadata, unknown>> | null
  const { seq, chain, sig, log } = claimed ?? {}
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return null
  if (log !== undefined && (typeof log !== 'number' || !Number.isSafeInteger(log) || log < 0)) return null
  if (typeof sig !== 'string' || !/^[0-9a-f]{64}$/.test(sig)) return null
  if (chain !== undefined && (typeof chain !== 'string' || !/^[0-9a-f]{64}$/.test(chain))) return null
  const hmac = await hmacKey(secret)
  if (!hmac) return null
  const signed = signedBytes(key, seq, sha256, chain ?? null, log ?? null)
  const holds = await crypto.subtle.verify('HMAC', hmac, bytesOf(sig), signed)
  return holds ? { seq, chain: chain ?? null, log: log ?? null } : null
}

/** How long a read is served without asking KV again. */
export const FRESH_MS = 15_000
/** The most a served value may lag KV: past it, a request reads KV itself instead of serving the old value. */
export const MAX_STALE_MS = 30_000
/** KV's own edge cache for every read (`cacheTtl`; KV's minimum is 30 s). */
export const KV_CACHE_TTL_SECONDS = 30
