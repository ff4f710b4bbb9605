// The editor half of the Worker: the admin API and the console, both through the ledger. Loaded on the first
// request under /admin or /console, so a visitor's isolate never evaluates it.
import { Hono, type NotFoundHandler } from 'hono'
import { methodNotAllowed } from 'hono/method-not-allowed'
import { methodNotAllowedText } from '../site/http/errors.ts'
import type { ReadDisclaimers } from '../site/reader.ts'
import type { AppEnv } from '../site/routes/pages.tsx'
import { fetchAccessKeys } from './http/console-auth.ts'
import { adminMethodNotAllowed, adminRoutes } from './routes/admin.ts'
import { type ConsoleOptions, consoleRoutes } from './routes/console/index.tsx'

/** Where the console gets Cloudflare Access's signing keys; by default from the team domain, once an hour. */
export type EditorOptions = ConsoleOptions

/**
 * The admin API and the console, sharing the site's disclaimer reader (so an editor's change shows at once in this
 * isolate) and its 404 page.
 */
export function createEditorApp(
  readDisclaimers: ReadDisclaimers,
  notFound: NotFoundHandler<AppEnv>,
  options: Partial<EditorOptions> = {},
) {
  const app = new Hono<AppEnv>()
  app.notFound(notFound)
  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) =>
        /^\/admin(\/|$)/.test(c.req.path) ? adminMethodNotAllowed(c, methods, c.res) : methodNotAllowedText(c, methods),
    }),
  )
  app.route('/admin', adminRoutes(readDisclaimers))
  app.route('/console', consoleRoutes(readDisclaimers, { accessKeys: options.accessKeys ?? fetchAccessKeys() }))
  return app
}
