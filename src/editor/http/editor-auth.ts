import type { MiddlewareHandler } from 'hono'
import { editorForToken, editorsFrom, MIN_TOKEN_LENGTH } from '../../core/editors.ts'
import { errorJson } from '../../site/http/errors.ts'
import { signInAllowed, signInFailed, tooManyRequests } from './rate-limit.ts'

export type EditorEnv = { Bindings: Env; Variables: { editor: string } }

const warned = new Set<string>()

/**
 * The client's address as Cloudflare (or, locally, wrangler dev) saw it; every failed sign-in from it counts against
 * AUTH_FAILURES. Undefined for a request that did not come from a client's connection (both always set the header).
 */
export function clientAddress(headers: Headers): string | undefined {
  return headers.get('CF-Connecting-IP') ?? undefined
}

/** Why a sign-in without a client address is refused before its token is looked at. */
export const NO_CLIENT_ADDRESS =
  'this request carries no client address (CF-Connecting-IP, which Cloudflare and wrangler dev always set), so failed sign-ins from it could not be limited; it is refused before the token is checked'

/**
 * Signs in an editor by their own token (`Authorization: Bearer <token>`) and sets `editor` to their name: the
 * only name any write records. Without a valid EDITORS secret the API does not exist (the site's 404, and a
 * logged reason). Sign-ins are limited per client address by the AUTH_FAILURES binding: once an address has failed
 * too often, every request from it waits (429) before its token is looked at, the right one too. A request without
 * an address is refused before its token is checked, so no shared bucket exists to lock others out.
 */
export const editorAuth: MiddlewareHandler<EditorEnv> = async (c, next) => {
  const config = editorsFrom(c.env.EDITORS)
  if (!config.ok) {
    if (!warned.has(config.reason)) {
      warned.add(config.reason)
      console.error('admin API is off', { reason: config.reason })
    }
    return c.notFound()
  }
  const address = clientAddress(c.req.raw.headers)
  if (address === undefined) return errorJson(c, 400, 'no_client_address', NO_CLIENT_ADDRESS)
  if (!(await signInAllowed(c.env.AUTH_FAILURES, address))) {
    return tooManyRequests(c, 'too many failed sign-ins from your address')
  }
  const match = /^Bearer ([\x21-\x7E]+)$/.exec(c.req.header('Authorization') ?? '')
  const editor = match?.[1] ? await editorForToken(config.editors, match[1]) : undefined
  if (!editor) {
    // A request that sends no token guesses nothing: it counts as an attempt, not as a failed sign-in.
    if (c.req.header('Authorization') !== undefined) await signInFailed(c.env.AUTH_FAILURES, address)
    return errorJson(
      c,
      401,
      'unauthorized',
      `send your editor token as "Authorization: Bearer <token>" (at least ${MIN_TOKEN_LENGTH} characters)`,
      { headers: { 'WWW-Authenticate': 'Bearer realm="disclaimer editors"' } },
    )
  }
  c.set('editor', editor)
  return next()
}
