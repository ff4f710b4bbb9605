// What the benchmark's H2 fixture (slow-kv-worker.ts) and the benchmark both need to know about it.

/** How late the fixture's KV answers every read. */
export const KV_DELAY_MS = 100

/**
 * The path, only in the fixture, that answers with the isolate cache's freshness and when each KV read was sent,
 * by key set: `{ "freshMs": 15000, "reads": { "<keys>": [ms since the epoch, …] } }`.
 */
export const KV_READS_PATH = '/__bench/kv-reads'
