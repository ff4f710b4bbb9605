// Assembles the Worker: headers on every response, the pages, the admin API, then 404 and error pages; the
// cron that records edits made around the ledger; and the ledger's Durable Object class.
import { WorkerEntrypoint } from 'cloudflare:workers'
import { Hono } from 'hono'
import { methodNotAllowed } from 'hono/method-not-allowed'
import { ledgerOf } from './disclaimer/ledger.ts'
import { createDisclaimerReader, type DisclaimerReaderOptions } from './disclaimer/read.ts'
import { NO_STORE } from './http/caching.ts'
import { type AccessKeys, fetchAccessKeys } from './http/console-auth.ts'
import { securityHeaders } from './http/security-headers.ts'
import { trimTrailingSlash } from './http/trailing-slash.ts'
import { adminMethodNotAllowed, adminRoutes } from './routes/admin.ts'
import { consoleRoutes } from './routes/console.tsx'
import { type AppEnv, notFoundPage, pageRoutes } from './routes/pages.tsx'
import { seoRoutes } from './routes/seo.ts'
import { errorPageHtml } from './views/error-page.tsx'

export { DisclaimerLedger } from './disclaimer/ledger.ts'

export type AppOptions = DisclaimerReaderOptions & {
  /** Where the console gets Cloudflare Access's signing keys; by default from the team domain, once an hour. */
  accessKeys?: AccessKeys
}

/** Builds the app with its own disclaimer cache; the Worker below holds one per isolate. */
export function createApp(options: AppOptions = {}) {
  const readDisclaimers = createDisclaimerReader(options)
  const app = new Hono<AppEnv>()
  app.use(securityHeaders)
  app.use(trimTrailingSlash)
  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) =>
        /^\/admin(\/|$)/.test(c.req.path)
          ? adminMethodNotAllowed(c, methods, c.res)
          : c.text(`${c.req.method} is not allowed here; use ${methods.join(' or ')}.\n`, 405, {
              Allow: methods.join(', '),
            }),
    }),
  )
  app.route('/', pageRoutes(readDisclaimers))
  app.route('/', seoRoutes())
  app.route('/admin', adminRoutes())
  app.route('/console', consoleRoutes(readDisclaimers, { accessKeys: options.accessKeys ?? fetchAccessKeys() }))
  app.notFound(notFoundPage(readDisclaimers))
  app.onError(async (error, c) => {
    console.error('request failed', { path: c.req.path, error: error instanceof Error ? error.message : String(error) })
    c.header('Cache-Control', NO_STORE)
    c.header('Disclaimer-Source', 'default')
    return c.html(await errorPageHtml(), 500)
  })
  return app
}

const app = createApp()

/** The Worker: pages and API over HTTP, the reconciliation cron, and the edge-cache purge the ledger asks for. */
export default class Site extends WorkerEntrypoint<Env> {
  override fetch(request: Request): Response | Promise<Response> {
    return app.fetch(request, this.env, this.ctx)
  }

  override async scheduled(_controller?: ScheduledController): Promise<void> {
    const recorded = await ledgerOf(this.env).reconcile()
    if (recorded.length > 0) console.log('recorded edits made outside the ledger', { versions: recorded.length })
  }

  /**
   * Purges pages by tag from Cloudflare's cache in front of this Worker. Called by the ledger over RPC, since a
   * purge only reaches the cache of the entrypoint that calls it. Where there is no such cache (local workerd),
   * there is nothing to purge.
   */
  async purgeEdgeCache(tags: string[]): Promise<void> {
    const cache = this.ctx.cache
    if (!cache) return
    const result = await cache.purge({ tags })
    if (!result.success) throw new Error(`Workers Cache refused the purge of ${tags.join(', ')}`)
  }
}
