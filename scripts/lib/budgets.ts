// The limits `npm run check` enforces and `npm run bench` judges against, each stated once (README, "Budgets").

/** Gzip of the upload `wrangler deploy --dry-run` reports, for every environment. */
export const BUNDLE_GZIP_BUDGET_KIB = 32

/**
 * The site's startup CPU over a hello-world Hono Worker's (scripts/bench/hello-worker.ts), both evaluated in
 * fresh isolates in the same run (scripts/lib/startup-ratio.ts): a ratio, because absolute milliseconds on a
 * shared machine either fail on noise or miss a doubling.
 */
export const STARTUP_RATIO_BUDGET = 1.3

/** A page with its response headers fits one TCP first flight (ten segments). */
export const PAGE_BYTES_BUDGET = 14 * 1024

/** Benchmark targets (issue 6): our Worker's saturation rate over a constant Worker's, at least. */
export const THROUGHPUT_RATIO_TARGET = 0.95

/** Benchmark targets (issue 6): our Worker's p99 minus the constant Worker's at half its rate, at most. */
export const P99_GAP_TARGET_MS = 1

/** Benchmark targets (issue 13): H2's warm p50 (KV answering in 100 ms) minus H0's, at most, either way. */
export const SLOW_KV_P50_GAP_TARGET_MS = 0.1
