import { fileURLToPath } from 'node:url'
import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'
import {
  TEST_EDITORS_SECRET,
  TEST_LEDGER_SECRET,
  TEST_LOG_SIGNING_KEY,
  TEST_SESSION_SECRET,
} from './test/fixtures/editors.ts'

// Four projects: the Worker's own tests run inside workerd; test/node drives a built bundle from Node (the CLI, the
// deploy check, end-to-end runs of the local site); test/bench holds the load runs and the benchmark harness's own
// tests (`npm run test:bench`); test/browser drives the site from Chromium and the web's checkers (`npm run test:browser`).
// The workers and node projects share one group, three files at a time on two cores (measured: 152 s, against 266 s at
// two): a node file often waits on a site, a CLI or a schedule it started, and keeps its own store, port and scratch
// directory.
const TEST_WORKERS = 3

export default defineConfig({
  test: {
    // `npm run coverage` turns it on: src/'s line coverage for `npm test`, read by scripts/coverage.ts.
    coverage: {
      provider: 'istanbul',
      include: ['src/**'],
      reporter: ['json', 'text-summary'],
      reportsDirectory: 'artifacts/coverage',
    },
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.toml' },
            // The secrets wrangler.toml requires, as the tests hold them (test/fixtures/editors.ts).
            miniflare: {
              bindings: {
                EDITORS: TEST_EDITORS_SECRET,
                SESSION_SECRET: TEST_SESSION_SECRET,
                LEDGER_SECRET: TEST_LEDGER_SECRET,
                LOG_SIGNING_KEY: TEST_LOG_SIGNING_KEY,
              },
            },
          }),
        ],
        // The ledger enforces no reviewer rule in the tests unless one sets it (test/fixtures/enforced-review-rules.ts).
        resolve: {
          alias: [
            {
              find: /^.*\/enforced-review-rules\.ts$/,
              replacement: fileURLToPath(new URL('./test/fixtures/enforced-review-rules.ts', import.meta.url)),
            },
          ],
        },
        test: {
          name: 'workers',
          // The Worker's dependencies are bundled once by esbuild rather than served module by module: served, every call
          // between their modules goes through a getter, which made SHA-256 4× slower here than in workerd itself
          // (measured: 100,000 hashes 1,567 ms served, 374 ms bundled, 255 ms in wrangler's workerd), and the whole
          // project took 7 % more CPU.
          deps: {
            optimizer: {
              ssr: {
                enabled: true,
                include: [
                  '@hono/standard-validator',
                  '@noble/hashes/sha2.js',
                  '@noble/hashes/utils.js',
                  'canonicalize',
                  'diff',
                  'fast-check',
                  'hono',
                  'hono/body-limit',
                  'hono/cookie',
                  'hono/csrf',
                  'hono/html',
                  'hono/http-exception',
                  'hono/jsx',
                  'hono/jsx/jsx-runtime',
                  'hono/jsx/jsx-dev-runtime',
                  'hono/jwt',
                  'hono/method-not-allowed',
                  'hono/utils/buffer',
                  'hono/utils/http-status',
                  'hono/utils/jwt/jws',
                  'marked',
                  'standardwebhooks',
                  'valibot',
                ],
              },
            },
          },
          maxWorkers: TEST_WORKERS,
          // One workerd per test worker runs its files in turn, rather than a new one per file (which cost about as
          // much CPU as the tests): test/fresh-runtime.ts starts each file on empty storage and fresh modules.
          isolate: false,
          setupFiles: ['test/fresh-runtime.ts'],
          include: ['test/**/*.test.{ts,tsx}'],
          exclude: ['test/node/**', 'test/bench/**', 'test/browser/**'],
        },
      },
      {
        test: {
          name: 'node',
          environment: 'node',
          // One process per test worker runs its files in turn, so wrangler, Miniflare and vitest load once per worker,
          // not once per file (measured: the node project's CPU 153 s to 112 s). Each file keeps its own store, port and
          // scratch directory, and nothing here mocks a module.
          isolate: false,
          include: ['test/node/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          maxWorkers: TEST_WORKERS,
        },
      },
      {
        test: {
          name: 'bench',
          environment: 'node',
          include: ['test/bench/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'browser',
          environment: 'node',
          // Processed by Vite rather than Node, so that test/browser/observatory.ts can replace its HSTS preload module.
          server: { deps: { inline: ['@mdn/mdn-http-observatory'] } },
          include: ['test/browser/**/*.test.ts'],
          // One bundle and one read-only site for the whole run (test/browser/global-setup.ts).
          globalSetup: ['test/browser/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          // Two files at a time, each with its own Chromium, site, port and store; a file often waits (on the ledger's
          // alarm, the isolate's cache, a JVM) while the other works. One process per worker, so Miniflare, wrangler,
          // Playwright and Lighthouse load once per worker, not once per file.
          maxWorkers: 2,
          isolate: false,
        },
      },
    ],
  },
})
