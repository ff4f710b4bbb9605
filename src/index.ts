// Assembles the Worker: the pages, then 404 and error pages, security headers on every response; the editor half
// (admin API and console) loaded on its first request; the crons that record edits made around the ledger and copy
// the record to R2 once a day; the ledger.
import { WorkerEntrypoint } from 'cloudflare:workers'
import { type Context, Hono, type NotFoundHandler } from 'hono'
import { ledgerOf } from './core/ledger-address.ts'
import { BACKUP_CRON, logSettingsProblems, settingsProblems } from './core/settings.ts'
import type { EditorOptions } from './editor/index.ts'
import { NO_STORE } from './site/http/caching.ts'
import { methodNotAllowedText } from './site/http/errors.ts'
import { withSecurityHeaders } from './site/http/security-headers.ts'
import { trailingSlashRedirect } from './site/http/trailing-slash.ts'
import { createDisclaimerReader, type DisclaimerReaderOptions } from './site/reader.ts'
import { logRoutes } from './site/routes/log.ts'
import { type AppEnv, notFoundPage, pageRoutes } from './site/routes/pages.tsx'
import { seoRoutes } from './site/routes/seo.ts'
import { errorPageHtml } from './site/views/error-page.tsx'

export { DisclaimerLedger } from './ledger/object.ts'

export type AppOptions = DisclaimerReaderOptions & Partial<EditorOptions>

/** Builds the app with its own disclaimer cache; the Worker below holds one per isolate. */
export function createApp(options: AppOptions = {}) {
  const readDisclaimers = createDisclaimerReader(options)
  // No middleware: a page request then runs its one handler and nothing else, since Hono composes a chain (at some
  // µs per request) only when more than one handler matches. Pages and the SEO routes build their headers once,
  // security headers included; every other answer gets them below, through withSecurityHeaders.
  const app = new Hono<AppEnv>()
  app.route('/', pageRoutes(readDisclaimers))
  app.route('/', seoRoutes())
  app.route('/', logRoutes())

  // What a request no route answers gets, worked out only then: the path without its trailing slash, the methods
  // the path has, or the 404 page.
  const notFoundPageOf = notFoundPage(readDisclaimers)
  let methodsByPath: Map<string, string[]> | undefined
  const notFound: NotFoundHandler<AppEnv> = async (c) => {
    methodsByPath ??= methodsOf(app)
    const methods = methodsByPath.get(c.req.path)
    if (methods && !methods.includes(c.req.method)) return withSecurityHeaders(methodNotAllowedText(c, methods))
    return withSecurityHeaders(trailingSlashRedirect(c) ?? (await notFoundPageOf(c)))
  }

  // The editor half: a visitor's isolate never evaluates it (the bundler defers a dynamically imported module).
  let editor: Promise<Hono<AppEnv>> | undefined
  const editorHalf = async (c: Context<AppEnv>) => {
    editor ??= import('./editor/index.ts').then(({ createEditorApp }) =>
      createEditorApp(readDisclaimers, notFound, options),
    )
    const answer = await (await editor).fetch(c.req.raw, c.env, executionContextOf(c))
    // `/admin/…/` that the API does not know is `/admin/…`, as for pages; like everything there, never stored.
    const redirect = answer.status === 404 ? trailingSlashRedirect(c) : undefined
    redirect?.headers.set('Cache-Control', NO_STORE)
    return withSecurityHeaders(redirect ?? answer)
  }
  for (const path of ['/admin', '/admin/*', '/console', '/console/*']) app.all(path, editorHalf)

  app.notFound(notFound)
  app.onError(async (error, c) => {
    console.error('request failed', { path: c.req.path, error: error instanceof Error ? error.message : String(error) })
    c.header('Cache-Control', NO_STORE)
    c.header('Disclaimer-Source', 'default')
    return withSecurityHeaders(c.html(await errorPageHtml(), 500))
  })
  return app
}

/** The methods each path of `app` answers (HEAD wherever GET), for the 405 of a request with another method. */
function methodsOf(app: Hono<AppEnv>): Map<string, string[]> {
  const methods = new Map<string, string[]>()
  for (const { method, path } of app.routes) {
    if (method === 'ALL') continue
    methods.set(path, [...(methods.get(path) ?? []), ...(method === 'GET' ? ['GET', 'HEAD'] : [method])])
  }
  return methods
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

  /**
   * Every minute, tells the ledger the editors as they are (a removal ends the editor's sessions for good, even
   * unseen) and records edits made around the ledger; once a day (BACKUP_CRON), copies the record to BACKUPS instead.
   * Either way, every problem with the settings is logged (once per isolate).
   */
  override async scheduled(controller?: ScheduledController): Promise<void> {
    logSettingsProblems(settingsProblems(this.env))
    if (controller?.cron === BACKUP_CRON) return this.backUp()
    const ledger = ledgerOf(this.env)
    const { editorsFrom, grantsOf } = await import('./core/editors.ts')
    const editors = editorsFrom(this.env.EDITORS)
    if (editors.ok) await ledger.observeGrants(await grantsOf(editors.editors))
    const recorded = await ledger.reconcile()
    if (recorded.length > 0) console.log('recorded edits made outside the ledger', { versions: recorded.length })
    await this.reportPages(ledger)
  }

  /**
   * Tells the ledger the content hash of every page this deploy serves (and the words of those it has not seen), with
   * this Worker's version where the version metadata binding gives one: a page whose reviewed words changed lapses.
   */
  private async reportPages(ledger: ReturnType<typeof ledgerOf>): Promise<void> {
    try {
      const [{ SITE_PAGES }, { PAGE_WORDS }] = await Promise.all([
        import('./core/site-map.ts'),
        import('./core/article/index.ts'),
      ])
      // Absent where a Worker runs without the binding (an older wrangler.toml); an empty id names no version.
      const workerVersion = (this.env.CF_VERSION_METADATA as WorkerVersionMetadata | undefined)?.id || null
      const pages = SITE_PAGES.map((page) => ({ page: page.slug, hash: page.hash }))
      const { needWords } = await ledger.observePages({ pages, workerVersion })
      if (needWords.length === 0) return
      const words = pages
        .filter((page) => needWords.includes(page.page))
        .map((page) => ({ ...page, words: PAGE_WORDS.get(page.page) }))
      await ledger.observePages({ pages: words, workerVersion })
    } catch (error) {
      console.error('the pages served could not be reported to the ledger; the next cron run tries again', {
        error: error instanceof Error ? error.message : String(error),
      })
    }
  }

  private async backUp(): Promise<void> {
    if (!this.env.BACKUPS) return
    const { backUpLedger } = await import('./core/backups.ts')
    try {
      const { backup, deleted } = await backUpLedger(this.env)
      console.log('copied the record to BACKUPS', { ...backup, deleted })
    } catch (error) {
      console.error('the daily copy of the record failed', { error: error instanceof Error ? error.message : error })
      throw error
    }
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
