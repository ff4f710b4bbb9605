// Builds the deployable bundle with `wrangler deploy --dry-run` and serves it with Miniflare on 127.0.0.1, with
// the bindings wrangler.toml declares (KV, the ledger's Durable Object, the rate limiters), read through wrangler.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { convertV4MiniflareOptions, Miniflare } from 'miniflare'
import { unstable_getMiniflareWorkerOptions } from 'wrangler'
import { DEFAULT_DISCLAIMERS } from '../../src/core/defaults.ts'
import { newToken, tokenHash } from '../../src/core/editors.ts'
import { newLedgerSecret } from '../../src/core/kv-contract.ts'
import { generateKeyPair } from '../../src/core/log/note-keys.ts'
import { CONFIG_PATH, PROJECT_ROOT } from './environments.ts'
import { parseUploadSize } from './measure.ts'
import { WRANGLER_BIN } from './paths.ts'

export { PROJECT_ROOT } from './environments.ts'

/** The bundled defaults as KV entries, key → text: what a seeded store holds. */
export const SEEDED_DISCLAIMERS: Record<string, string> = Object.fromEntries(
  [...DEFAULT_DISCLAIMERS].map(([key, entry]) => [key, entry.text]),
)

export interface BuiltBundle {
  outdir: string
  mainPath: string
  /** The upload size wrangler reported, when this bundle came from `buildBundle`. */
  size?: { rawKiB: number; gzipKiB: number }
}

/**
 * Runs `wrangler deploy --dry-run --outdir` and returns where the bundle went. `entry` (relative to the
 * project) swaps the Worker's main module for another, e.g. one that injects a fault into a binding; `root` builds a
 * copy of the project instead (its own content/, through the same build command).
 */
export function buildBundle(
  outdir = mkdtempSync(join(tmpdir(), 'kratom-bundle-')),
  entry?: string,
  root = PROJECT_ROOT,
): BuiltBundle {
  const output = execFileSync(
    process.execPath,
    [WRANGLER_BIN, 'deploy', '--dry-run', '--env=', '--outdir', outdir, ...(entry ? [entry] : [])],
    {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    },
  )
  return {
    outdir,
    mainPath: join(outdir, entry ? `${basename(entry).replace(/\.tsx?$/, '')}.js` : 'index.js'),
    size: parseUploadSize(output),
  }
}

export interface ServeOptions {
  bundle: BuiltBundle
  port?: number
  /** KV values written straight into KV before the first request, as `wrangler kv key put` would; none by default. */
  disclaimers?: Record<string, string>
  /** Editors by name and token; with them, the admin API and the console (token sign-in) are on. */
  editors?: Record<string, string>
  /** Gives each editor the address `<name>@example.org`, so the ledger emails them (Miniflare keeps the messages). */
  editorEmails?: boolean
  /** Which of `editors` are reviewers, with the name and credentials pages show for them. */
  reviewers?: Record<string, { name: string; credentials: string }>
  siteOrigin?: string
  /** "true" turns the two-person rule on. */
  requireApproval?: string
  /**
   * Serve from a socket straight into the Worker, skipping Miniflare's entry Worker (which adds
   * request.cf and pretty errors): what the benchmark wants, so that only our Worker is measured.
   */
  direct?: boolean
  /** False for a bundle that exports no ledger (the benchmark's constant Worker T): its Durable Object is left out. */
  ledger?: boolean
  /** A directory to keep storage in (KV, the ledger's SQLite), so a server started again on it finds it; else memory. */
  persistTo?: string
  /** LOG_WITNESSES, as wrangler.toml's vars would give it. */
  logWitnesses?: string
  /** The log's key pair (LOG_SIGNING_KEY and its verifier key); a new one by default. */
  logKeys?: { signerKey: string; verifierKey: string }
  /** LEDGER_SECRET, for a server started again on `persistTo` whose pages must trust what KV holds; a new one by default. */
  ledgerSecret?: string
  /** Opens workerd's inspector on a free port (`miniflare.getInspectorURL()`), for CPU profiles. */
  inspect?: boolean
}

export interface ServedBundle {
  url: URL
  miniflare: Miniflare
  kv: Awaited<ReturnType<Miniflare['getKVNamespace']>>
  /** The verifier key of the LOG_SIGNING_KEY made for this server: what checks its log's checkpoints. */
  logVerifierKey: string
  stop(): Promise<void>
}

// wrangler writes the Worker's main module plus any additional module files.
function bundleModules(bundle: BuiltBundle) {
  const main = basename(bundle.mainPath)
  return readdirSync(bundle.outdir)
    .filter((name) => name === main || /\.(js|mjs)$/.test(name))
    .sort((a, b) => Number(b === main) - Number(a === main))
    .map((name) => ({ type: 'ESModule' as const, path: join(bundle.outdir, name) }))
}

/** Serves a built bundle on 127.0.0.1 with in-memory storage and the bindings of wrangler.toml's top level. */
export async function serveBundle(options: ServeOptions): Promise<ServedBundle> {
  const { workerOptions } = unstable_getMiniflareWorkerOptions(CONFIG_PATH, undefined, {})
  if (options.ledger === false) workerOptions.durableObjects = {}
  const editors: Record<string, string | { token: string; email?: string; reviewer?: true }> = {}
  for (const [name, token] of Object.entries(options.editors ?? {})) {
    const hash = await tokenHash(token)
    const email = options.editorEmails ? { email: `${name}@example.org` } : {}
    const reviewer = options.reviewers?.[name]
    editors[name] =
      reviewer || options.editorEmails
        ? { token: hash, ...email, ...(reviewer && { reviewer: true, ...reviewer }) }
        : hash
  }
  const logKeys = options.logKeys ?? (await generateKeyPair('127.0.0.1/disclaimer-log'))
  // wrangler hands out Miniflare 4-style options; this Miniflare converts them to its own.
  const miniflare = new Miniflare({
    ...convertV4MiniflareOptions({
      host: '127.0.0.1',
      port: options.direct ? 0 : (options.port ?? 0),
      workers: [
        {
          ...workerOptions,
          name: 'site',
          modulesRoot: options.bundle.outdir,
          modules: bundleModules(options.bundle),
          bindings: {
            ...(workerOptions.bindings as Record<string, unknown>),
            SITE_ORIGIN: options.siteOrigin ?? 'http://127.0.0.1',
            REQUIRE_APPROVAL: options.requireApproval ?? 'false',
            ...(options.editors ? { EDITORS: JSON.stringify(editors), SESSION_SECRET: newToken() } : {}),
            LEDGER_SECRET: options.ledgerSecret ?? newLedgerSecret(),
            LOG_SIGNING_KEY: logKeys.signerKey,
            ...(options.logWitnesses === undefined ? {} : { LOG_WITNESSES: options.logWitnesses }),
          },
          ...(options.direct ? { unsafeDirectSockets: [{ host: '127.0.0.1', port: options.port ?? 0 }] } : {}),
        },
      ],
    } as Parameters<typeof convertV4MiniflareOptions>[0]),
    ...(options.persistTo ? { resourcePersistencePath: options.persistTo } : {}),
    ...(options.inspect ? { inspectorPort: 0 } : {}),
  })
  const entryUrl = await miniflare.ready
  const url = options.direct ? await miniflare.unsafeGetDirectURL('site') : entryUrl
  const kv = await miniflare.getKVNamespace('DISCLAIMERS')
  for (const [key, value] of Object.entries(options.disclaimers ?? {})) await kv.put(key, value)
  return { url, miniflare, kv, logVerifierKey: logKeys.verifierKey, stop: () => miniflare.dispose() }
}
