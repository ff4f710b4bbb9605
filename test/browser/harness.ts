// Shared by the browser suite: build the deployable bundle, serve it on a free 127.0.0.1 port with KV seeded,
// read the page list from the sitemap, and launch the system Chromium.
import { mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import {
  type BuiltBundle,
  buildBundle,
  PROJECT_ROOT,
  SEEDED_DISCLAIMERS,
  type ServedBundle,
  type ServeOptions,
  serveBundle,
} from '../../scripts/lib/serve-bundle.ts'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const ARTIFACTS = join(PROJECT_ROOT, 'artifacts')

/** An address no route answers, to see the 404 page. */
export const NOT_FOUND_PATH = '/no-such-page'

export const VIEWPORTS = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1366, height: 768 },
} as const
export type ViewportName = keyof typeof VIEWPORTS

export { SEEDED_DISCLAIMERS }

let bundle: BuiltBundle | undefined

/** One `wrangler deploy --dry-run` per test file (each file runs in its own worker). */
function builtBundle(): BuiltBundle {
  process.env.WRANGLER_SEND_METRICS = 'false'
  bundle ??= buildBundle()
  return bundle
}

/** Asks the OS for a port that is free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

export interface Site extends ServedBundle {
  origin: string
  /** Paths from /sitemap.xml, in its order. */
  pages: string[]
  /** Absolute URL of a path on the served site. */
  at(path: string): string
}

/**
 * Serves the built bundle with the shipped disclaimers in KV and SITE_ORIGIN set to the served origin,
 * so canonical links and the sitemap point at this server. `editors` turns the admin API and the console on;
 * `disclaimers` replaces what KV holds at the start.
 */
export async function startSite(
  options: Pick<ServeOptions, 'editors' | 'requireApproval' | 'disclaimers'> = {},
): Promise<Site> {
  const port = await freePort()
  const origin = `http://127.0.0.1:${port}`
  const served = await serveBundle({
    disclaimers: SEEDED_DISCLAIMERS,
    ...options,
    bundle: builtBundle(),
    port,
    siteOrigin: origin,
  })
  if (served.url.origin !== origin) throw new Error(`served on ${served.url.origin}, expected ${origin}`)
  const at = (path: string) => new URL(path, origin).href
  const pages = await sitemapPaths(origin)
  return { ...served, origin, pages, at }
}

/** The paths listed in /sitemap.xml; throws if an entry points at another origin. */
export async function sitemapPaths(origin: string): Promise<string[]> {
  const response = await fetch(`${origin}/sitemap.xml`)
  if (response.status !== 200) throw new Error(`/sitemap.xml answered ${response.status}`)
  const xml = await response.text()
  const locs = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map(
    (match) => new URL((match[1] ?? '').replace(/&amp;/g, '&')),
  )
  for (const loc of locs) if (loc.origin !== origin) throw new Error(`sitemap entry ${loc.href} is not on ${origin}`)
  if (locs.length === 0) throw new Error('/sitemap.xml lists no pages')
  return locs.map((loc) => loc.pathname)
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] })
}

/** A file-name-safe name for a path: `/` is `home`. */
export function pageName(path: string): string {
  return path === '/' ? 'home' : path.replace(/^\//, '').replace(/[^a-z0-9-]+/gi, '_')
}

export function artifactDir(...parts: string[]): string {
  const dir = join(ARTIFACTS, ...parts)
  mkdirSync(dir, { recursive: true })
  return dir
}

/** Starts the site and Chromium before a test file's tests and stops both after them. */
export function useSiteInChromium(): { site: Site; browser: Browser } {
  const live = {} as { site: Site; browser: Browser }
  beforeAll(async () => {
    live.site = await startSite()
    live.browser = await launchChromium()
  })
  afterAll(async () => {
    await live.browser?.close()
    await live.site?.stop()
  })
  return live
}
