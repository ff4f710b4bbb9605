// How long an edit takes to reach every visitor, term by term: the numbers docs/delivery.md, the console and the
// ledger's second purge all use.
import { KV_CACHE_TTL_SECONDS, MAX_STALE_MS } from './kv-contract.ts'

/** Workers KV makes a write visible at every location within about this long (Cloudflare's documented bound). */
export const KV_PROPAGATION_MS = 60_000
/** The cron trigger that records edits made outside the ledger runs this often (`[triggers] crons`). */
export const RECONCILE_INTERVAL_MS = 60_000

/**
 * After KV holds a new text, a location may still render the old one for at most: KV's propagation to that
 * location, plus KV's edge cache there (the `cacheTtl` of every read), plus the isolate's cap on serving a value
 * it read earlier. A page rendered after this window shows the new text.
 */
export const STALE_RENDER_WINDOW_MS = KV_PROPAGATION_MS + KV_CACHE_TTL_SECONDS * 1000 + MAX_STALE_MS

/**
 * For this long after KV took one of the ledger's writes, a read at the ledger's own location may still answer an
 * older value (KV's propagation plus its edge cache): a difference seen then is looked at again, not recorded.
 */
export const STALE_READ_MS = KV_PROPAGATION_MS + KV_CACHE_TTL_SECONDS * 1000

/** The ledger purges the edge cache when KV holds a version, and again this long after, so no location keeps
 * a page it rendered from a stale read in between. */
export const SECOND_PURGE_AFTER_MS = STALE_RENDER_WINDOW_MS

/** Every visitor sees an edit made through the ledger within this long after KV holds it. */
export const LEDGER_EDIT_BOUND_MS = SECOND_PURGE_AFTER_MS
/** The same bound in whole minutes, as the console and messages say it. */
export const LEDGER_EDIT_BOUND_MINUTES = Math.ceil(LEDGER_EDIT_BOUND_MS / 60_000)

/**
 * An edit made outside the ledger (plain `wrangler kv key put`) is first seen by the cron at the ledger's location
 * after KV's propagation and edge cache there and up to one cron interval; it is then purged twice as above.
 */
export const EXTERNAL_EDIT_BOUND_MS =
  KV_PROPAGATION_MS + KV_CACHE_TTL_SECONDS * 1000 + RECONCILE_INTERVAL_MS + SECOND_PURGE_AFTER_MS
