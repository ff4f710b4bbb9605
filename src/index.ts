// Assembles the Worker: headers on every response, then the pages, then 404 and error pages.
import { Hono } from 'hono'
import { methodNotAllowed } from 'hono/method-not-allowed'
import { trimTrailingSlash } from 'hono/trailing-slash'
import { createDisclaimerReader, type DisclaimerReaderOptions } from './disclaimer/read'
import { securityHeaders } from './http/security-headers'
import { type AdminOptions, adminMethodNotAllowed, adminRoutes } from './routes/admin'
import { type AppEnv, notFoundPage, pageRoutes } from './routes/pages'
import { seoRoutes } from './routes/seo'
import { errorPageHtml } from './views/error-page'

export type AppOptions = DisclaimerReaderOptions & { admin?: AdminOptions }

/** Builds the app with its own disclaimer cache; the Worker's default export is one per isolate. */
export function createApp(options: AppOptions = {}) {
  const readDisclaimers = createDisclaimerReader(options)
  const app = new Hono<AppEnv>()
  app.use(securityHeaders)
  app.use(trimTrailingSlash())
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
  app.route('/admin', adminRoutes(options.admin))
  app.notFound(notFoundPage(readDisclaimers))
  app.onError((error, c) => {
    console.error('request failed', { path: c.req.path, error: error instanceof Error ? error.message : String(error) })
    c.header('Cache-Control', 'no-store')
    c.header('X-Disclaimer-Source', 'default')
    return c.html(errorPageHtml, 500)
  })
  return app
}

export default createApp()
