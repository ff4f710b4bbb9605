// What the reader and the ledger agree on about KV: the metadata the ledger writes beside each text, and how long
// a page may serve a text it read earlier (the terms the staleness bounds are built from).

/** What the ledger stores beside each KV value it writes. */
export interface LedgerMetadata {
  seq: number
  hash: string
  /** The version's chain hash, once the ledger has chained it. */
  chain?: string
}

export function isLedgerMetadata(metadata: unknown): metadata is LedgerMetadata {
  const candidate = metadata as Partial<LedgerMetadata> | null
  return typeof candidate?.seq === 'number' && typeof candidate.hash === 'string'
}

/** How long a read is served without asking KV again. */
export const FRESH_MS = 15_000
/** The most a served value may lag KV: past it, a request reads KV itself instead of serving the old value. */
export const MAX_STALE_MS = 30_000
/** KV's own edge cache for every read (`cacheTtl`; KV's minimum is 30 s). */
export const KV_CACHE_TTL_SECONDS = 30
