// The public log under /log/ (C2SP tlog-tiles): forwarded to the ledger object, which holds it, and kept by the edge
// and browsers: a full tile or bundle for a year (it never changes), the checkpoint and partial tiles a few seconds.
import { Hono } from 'hono'
import { ledgerOf } from '../../core/ledger-address.ts'
import { NO_STORE } from '../http/caching.ts'
import { withSecurityHeaders } from '../http/security-headers.ts'
import type { AppEnv } from './pages.tsx'

export const LOG_IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable'
export const LOG_LATEST_CACHE_CONTROL = 'public, max-age=5'

// Only these reach the ledger object: anything else is answered here.
const LOG_PATH = /^(?:checkpoint|key|tile\/(?:entries|[0-9]{1,2})\/(?:x[0-9]{3}\/)*[0-9]{3}(?:\.p\/[0-9]{1,3})?)$/

export function logRoutes() {
  const app = new Hono<AppEnv>()
  app.get('/log/*', async (c) => {
    const path = c.req.path.slice('/log/'.length)
    const known = LOG_PATH.test(path)
    const file = known ? await ledgerOf(c.env).read('logFile', path) : null
    c.header('Access-Control-Allow-Origin', '*')
    if (!file) {
      c.header('Cache-Control', NO_STORE)
      const said = known
        ? `The log has no file ${path} (yet).`
        : 'That is not a file of the log (checkpoint, key, tile/…).'
      return withSecurityHeaders(c.text(`${said}\n`, 404))
    }
    c.header('Content-Type', file.contentType)
    c.header('Cache-Control', file.immutable ? LOG_IMMUTABLE_CACHE_CONTROL : LOG_LATEST_CACHE_CONTROL)
    return withSecurityHeaders(c.body(typeof file.body === 'string' ? file.body : new Uint8Array(file.body)))
  })
  return app
}
