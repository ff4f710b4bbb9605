// The limits `npm run check` enforces and `npm run bench` judges against, each stated once (README, "Budgets").

/**
 * Gzip of the upload `wrangler deploy --dry-run` reports, for every environment: just above what it measures (52.8
 * KiB with the ledger, the editor console, valibot and the word diff; 29.0 before them), so any real growth fails.
 */
export const BUNDLE_GZIP_BUDGET_KIB = 56

/**
 * The site's startup CPU over a hello-world Hono Worker's (scripts/bench/hello-worker.ts), both evaluated in
 * fresh isolates in the same run (scripts/lib/startup-ratio.ts): a ratio, because absolute milliseconds on a
 * shared machine either fail on noise or miss a doubling. The measure counts each module graph's own evaluation
 * (the runtime's fixed cost is subtracted), where the site, with its pages, ledger and console, measures 7.4× a
 * hello world (6.4 ms against 0.87 ms); the budget leaves 1.35× of that, so a regression of a third fails.
 */
export const STARTUP_RATIO_BUDGET = 10

/** A page with its response headers fits one TCP first flight (ten segments). */
export const PAGE_BYTES_BUDGET = 14 * 1024

/** Benchmark targets (issue 6): our Worker's saturation rate over a constant Worker's, at least. */
export const THROUGHPUT_RATIO_TARGET = 0.95

/** Benchmark targets (issue 6): our Worker's p99 minus the constant Worker's at half its rate, at most. */
export const P99_GAP_TARGET_MS = 1

/** Benchmark targets (issue 13): H2's warm p50 (KV answering in 100 ms) minus H0's, at most, either way. */
export const SLOW_KV_P50_GAP_TARGET_MS = 0.1
