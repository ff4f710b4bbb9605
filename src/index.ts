// Assembles the Worker: headers on every response, the pages, then 404 and error pages; the editor half (admin API
// and console) loaded on its first request; the cron that records edits made around the ledger; the ledger itself.
import { WorkerEntrypoint } from 'cloudflare:workers'
import { type Context, Hono } from 'hono'
import { methodNotAllowed } from 'hono/method-not-allowed'
import { ledgerOf } from './disclaimer/ledger/object.ts'
import { createDisclaimerReader, type DisclaimerReaderOptions } from './disclaimer/read.ts'
import type { EditorOptions } from './editor.ts'
import { NO_STORE } from './http/caching.ts'
import { securityHeaders } from './http/security-headers.ts'
import { trimTrailingSlash } from './http/trailing-slash.ts'
import { type AppEnv, notFoundPage, pageRoutes } from './routes/pages.tsx'
import { seoRoutes } from './routes/seo.ts'
import { errorPageHtml } from './views/error-page.tsx'

export { DisclaimerLedger } from './disclaimer/ledger/object.ts'

export type AppOptions = DisclaimerReaderOptions & Partial<EditorOptions>

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
        c.text(`${c.req.method} is not allowed here; use ${methods.join(' or ')}.\n`, 405, { Allow: methods.join(', ') }),
    }),
  )
  app.route('/', pageRoutes(readDisclaimers))
  app.route('/', seoRoutes())

  // The editor half: a visitor's isolate never evaluates it (the bundler defers a dynamically imported module).
  const notFound = notFoundPage(readDisclaimers)
  let editor: Promise<Hono<AppEnv>> | undefined
  const editorHalf = async (c: Context<AppEnv>) => {
    editor ??= import('./editor.ts').then(({ createEditorApp }) => createEditorApp(readDisclaimers, notFound, options))
    return (await editor).fetch(c.req.raw, c.env, executionContextOf(c))
  }
  for (const path of ['/admin', '/admin/*', '/console', '/console/*']) app.all(path, editorHalf)

  app.notFound(notFound)
  app.onError(async (error, c) => {
    console.error('request failed', { path: c.req.path, error: error instanceof Error ? error.message : String(error) })
    c.header('Cache-Control', NO_STORE)
    c.header('Disclaimer-Source', 'default')
    return c.html(await errorPageHtml(), 500)
  })
  return app
}

function executionContextOf(c: Context): ExecutionContext | undefined {
  try {
    return c.executionCtx as ExecutionContext
  } catch {
    return undefined
  }
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
   * purge only reaches its own entrypoint's cache. Where there is no such cache (local workerd), there is nothing to
   * purge.
   */
  async purgeEdgeCache(tags: string[]): Promise<void> {
    const cache = this.ctx.cache
    if (!cache) return
    const result = await cache.purge({ tags })
    if (!result.success) throw new Error(`Workers Cache refused the purge of ${tags.join(', ')}`)
  }
}
