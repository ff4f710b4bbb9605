// Shared by the browser suite: build the deployable bundle, serve it on a free 127.0.0.1 port with KV seeded,
// read the page list from the sitemap, and launch the system Chromium.
import { mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, inject } from 'vitest'
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

/** The bundle global-setup.ts built for this run (one `wrangler deploy --dry-run` for every file). */
function builtBundle(): BuiltBundle {
  process.env.WRANGLER_SEND_METRICS = 'false'
  bundle ??= inject('browserBundle') ?? buildBundle()
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

/** A served site as a browser sees it: its address and pages. */
export interface SiteAddress {
  origin: string
  /** Paths from /sitemap.xml, in its order. */
  pages: string[]
  /** Absolute URL of a path on the served site. */
  at(path: string): string
}

export interface Site extends ServedBundle, SiteAddress {}

/**
 * The site global-setup.ts serves for the whole run, with the shipped disclaimers and no editors: for files that only
 * read its pages. A file that writes to KV or needs editors starts a site of its own.
 */
export function sharedSite(): SiteAddress {
  const { origin, pages } = inject('sharedSite')
  return { origin, pages, at: (path) => new URL(path, origin).href }
}

/**
 * Serves the built bundle with the shipped disclaimers in KV and SITE_ORIGIN set to the served origin,
 * so canonical links and the sitemap point at this server. `editors` turns the admin API and the console on;
 * `disclaimers` replaces what KV holds at the start.
 */
export async function startSite(
  options: Pick<ServeOptions, 'editors' | 'reviewers' | 'requireApproval' | 'disclaimers'> = {},
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

/** The shared site, and Chromium started before a test file's tests and stopped after them. */
export function useSiteInChromium(): { site: SiteAddress; browser: Browser } {
  const live = { site: sharedSite() } as { site: SiteAddress; browser: Browser }
  beforeAll(async () => {
    live.browser = await launchChromium()
  })
  afterAll(async () => {
    await live.browser?.close()
  })
  return live
}
