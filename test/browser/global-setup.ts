// Once per run of the browser suite: one `wrangler deploy --dry-run` that every file's sites serve, and one site with
// the shipped disclaimers and no editors that the files which only read pages share (nothing writes to it).
import { rmSync } from 'node:fs'
import type { TestProject } from 'vitest/node'
import { type BuiltBundle, buildBundle, SEEDED_DISCLAIMERS, serveBundle } from '../../scripts/lib/serve-bundle.ts'
import { freePort, sitemapPaths } from './harness.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The bundle built for this run. */
    browserBundle: BuiltBundle
    /** The shared read-only site: its origin and the paths its sitemap lists. */
    sharedSite: { origin: string; pages: string[] }
  }
}

export default async function setup(project: TestProject) {
  process.env.WRANGLER_SEND_METRICS = 'false'
  const bundle = buildBundle()
  const port = await freePort()
  const origin = `http://127.0.0.1:${port}`
  const served = await serveBundle({ bundle, port, disclaimers: SEEDED_DISCLAIMERS, siteOrigin: origin })
  if (served.url.origin !== origin) throw new Error(`served on ${served.url.origin}, expected ${origin}`)
  project.provide('browserBundle', bundle)
  project.provide('sharedSite', { origin, pages: await sitemapPaths(origin) })
  return async () => {
    await served.stop()
    rmSync(bundle.outdir, { recursive: true, force: true })
  }
}
