// Builds the deployable bundle with `wrangler deploy --dry-run` and serves it with Miniflare on 127.0.0.1.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { convertV4MiniflareOptions, Miniflare } from 'miniflare'
import { parseUploadSize } from './measure.ts'

export const PROJECT_ROOT = new URL('../..', import.meta.url).pathname

export interface BuiltBundle {
  outdir: string
  mainPath: string
  /** The upload size wrangler reported, when this bundle came from `buildBundle`. */
  size?: { rawKiB: number; gzipKiB: number }
}

/**
 * Runs `wrangler deploy --dry-run --outdir` and returns where the bundle went. `entry` (relative to the
 * project) swaps the Worker's main module for another, e.g. one that injects a fault into a binding.
 */
export function buildBundle(outdir = mkdtempSync(join(tmpdir(), 'kratom-bundle-')), entry?: string): BuiltBundle {
  const output = execFileSync(
    'npx',
    ['wrangler', 'deploy', '--dry-run', '--env=', '--outdir', outdir, ...(entry ? [entry] : [])],
    {
      cwd: PROJECT_ROOT,
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
  /** KV values written before the first request; defaults to none. */
  disclaimers?: Record<string, string>
  siteOrigin?: string
  /**
   * Serve from a socket straight into the Worker, skipping Miniflare's entry Worker (which adds
   * request.cf and pretty errors): what the benchmark wants, so that only our Worker is measured.
   */
  direct?: boolean
}

export interface ServedBundle {
  url: URL
  miniflare: Miniflare
  kv: Awaited<ReturnType<Miniflare['getKVNamespace']>>
  stop(): Promise<void>
}

function compatibilityDate(): string {
  const match = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(readFileSync(join(PROJECT_ROOT, 'wrangler.toml'), 'utf8'))
  if (!match?.[1]) throw new Error('wrangler.toml: no compatibility_date')
  return match[1]
}

// wrangler writes the Worker's main module plus one file per bundled text module (content/*.md, *.txt).
function bundleModules(bundle: BuiltBundle) {
  const main = basename(bundle.mainPath)
  return readdirSync(bundle.outdir)
    .filter((name) => name === main || /\.(md|txt)$/.test(name))
    .sort((a, b) => Number(b === main) - Number(a === main))
    .map((name) => ({
      type: name.endsWith('.js') ? ('ESModule' as const) : ('Text' as const),
      path: join(bundle.outdir, name),
    }))
}

/** Serves a built bundle on 127.0.0.1 with an in-memory KV namespace bound as DISCLAIMERS. */
export async function serveBundle(options: ServeOptions): Promise<ServedBundle> {
  const miniflare = new Miniflare(
    convertV4MiniflareOptions({
      host: '127.0.0.1',
      port: options.direct ? 0 : (options.port ?? 0),
      workers: [
        {
          name: 'site',
          modulesRoot: options.bundle.outdir,
          modules: bundleModules(options.bundle),
          compatibilityDate: compatibilityDate(),
          kvNamespaces: ['DISCLAIMERS'],
          bindings: { SITE_ORIGIN: options.siteOrigin ?? 'http://127.0.0.1' },
          ...(options.direct ? { unsafeDirectSockets: [{ host: '127.0.0.1', port: options.port ?? 0 }] } : {}),
        },
      ],
    }),
  )
  const entryUrl = await miniflare.ready
  const url = options.direct ? await miniflare.unsafeGetDirectURL('site') : entryUrl
  const kv = await miniflare.getKVNamespace('DISCLAIMERS')
  for (const [key, value] of Object.entries(options.disclaimers ?? {})) await kv.put(key, value)
  return { url, miniflare, kv, stop: () => miniflare.dispose() }
}
