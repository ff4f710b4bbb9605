// Who is using the editor console: in staging and production, the editor Cloudflare Access vouches for (its
// signed JWT, verified here); locally, an editor who signed in with their token and holds a signed session cookie.
import type { Context, MiddlewareHandler } from 'hono'
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie'
import { verifyWithJwks } from 'hono/jwt'
import type { HonoJsonWebKey } from 'hono/utils/jwt/jws'
import { type Editors, editorsFrom, grantsOf } from '../../core/editors.ts'
import { ledgerOf } from '../../core/ledger-address.ts'
import { consoleSignInProblem, logSettingsProblems } from '../../core/settings.ts'

export type ConsoleEnv = { Bindings: Env; Variables: { editor: string } }

/** The JWKS of an Access team, e.g. fetched from `<team domain>/cdn-cgi/access/certs`; a seam for tests. */
export type AccessKeys = (teamDomain: string) => Promise<HonoJsonWebKey[]>

export const SESSION_COOKIE = 'console_session'
export const SESSION_HOURS = 8
const ACCESS_KEYS_TTL_MS = 60 * 60 * 1000

/**
 * How editors sign in here: `access` where ACCESS_TEAM_DOMAIN and ACCESS_AUD are both set and well formed, `token`
 * where both are empty and a SESSION_SECRET (for signing session cookies) is long enough, else undefined: without
 * valid EDITORS the console does not exist; otherwise it says why nobody can sign in (consoleSignInProblem). A
 * half-made Access setting never falls back to tokens.
 */
export function signInMethod(env: Env): 'access' | 'token' | undefined {
  if (!editorsFrom(env.EDITORS).ok || consoleSignInProblem(env) !== undefined) return undefined
  return env.ACCESS_TEAM_DOMAIN ? 'access' : 'token'
}

/** Fetches an Access team's signing keys once an hour per isolate. */
export function fetchAccessKeys(): AccessKeys {
  const cache = new Map<string, { keys: HonoJsonWebKey[]; until: number }>()
  return async (teamDomain) => {
    const cached = cache.get(teamDomain)
    if (cached && Date.now() < cached.until) return cached.keys
    const response = await fetch(`${teamDomain}/cdn-cgi/access/certs`)
    if (!response.ok) throw new Error(`Cloudflare Access answered ${response.status} for its signing keys`)
    const { keys } = (await response.json()) as { keys: HonoJsonWebKey[] }
    cache.set(teamDomain, { keys, until: Date.now() + ACCESS_KEYS_TTL_MS })
    return keys
  }
}

/**
 * The email Access vouches for in `Cf-Access-Jwt-Assertion`, or why not: the token must be signed (RS256) by one of
 * the team's keys, issued by the configured team domain, for the configured application audience, and in date.
 */
export async function accessEmail(c: Context<ConsoleEnv>, keys: AccessKeys): Promise<string | { problem: string }> {
  const token = c.req.header('Cf-Access-Jwt-Assertion')
  if (!token) return { problem: 'the request did not come through Cloudflare Access (no Cf-Access-Jwt-Assertion)' }
  try {
    const payload = await verifyWithJwks(token, {
      keys: await keys(c.env.ACCESS_TEAM_DOMAIN),
      allowedAlgorithms: ['RS256'],
      verification: { iss: c.env.ACCESS_TEAM_DOMAIN, aud: c.env.ACCESS_AUD },
    })
    // Hono checks exp only when the token has one; an Access token always does, so one without it is refused.
    if (typeof payload.exp !== 'number') return { problem: 'the Access token has no expiry (exp)' }
    if (typeof payload.email !== 'string') return { problem: 'the Access token names no email' }
    return payload.email
  } catch (error) {
    return { problem: `the Access token was refused (${error instanceof Error ? error.name : 'invalid'})` }
  }
}

function isLocalhost(c: Context): boolean {
  const { hostname } = new URL(c.req.url)
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]'
}

/**
 * Signs `editor` in for SESSION_HOURS: a signed, HttpOnly, SameSite=Strict cookie, Secure except on localhost. It
 * names when it was issued and the grant it was issued under (a fingerprint of the editor's token), so signing out
 * (which ends every session issued before, server-side), a new token and removal all end it. The ledger is shown the
 * grants first, so a grant it sees for the first time (an editor re-added) ends only the sessions issued before.
 */
export async function startSession(c: Context<ConsoleEnv>, editor: string, editors: Editors): Promise<void> {
  const grants = await grantsOf(editors)
  const cutoff = await ledgerOf(c.env).sessionCutoff(editor, grants)
  const issued = Math.max(Date.now(), (cutoff ?? 0) + 1)
  const expires = issued + SESSION_HOURS * 3600 * 1000
  const value = `${editor}|${issued}|${expires}|${grants[editor] ?? ''}`
  await setSignedCookie(c, SESSION_COOKIE, value, c.env.SESSION_SECRET as string, {
    path: '/console',
    httpOnly: true,
    sameSite: 'Strict',
    secure: !isLocalhost(c),
    maxAge: SESSION_HOURS * 3600,
  })
}

/** Ends every session of `editor`, on every device (the ledger keeps the cut-off), and deletes this browser's cookie. */
export async function endSession(c: Context<ConsoleEnv>, editor: string): Promise<void> {
  await ledgerOf(c.env).endSessions(editor)
  deleteCookie(c, SESSION_COOKIE, { path: '/console', secure: !isLocalhost(c) })
}

/**
 * The editor a session cookie names, if its signature is ours, it has not expired, they are still an editor holding
 * the token that opened it, and no sign-out or change in their grant (removal, another token) has ended it since it
 * was issued. The ledger is shown the grants as this request holds them every time, so a removal it sees ends the
 * session for good, though the editor be re-added with the same token.
 */
export async function sessionEditor(c: Context<ConsoleEnv>): Promise<string | undefined> {
  const value = await getSignedCookie(c, c.env.SESSION_SECRET as string, SESSION_COOKIE)
  if (!value) return undefined
  const [editor = '', issued = '', expires = '', fingerprint = ''] = value.split('|')
  if (!(Number(expires) > Date.now()) || !Number.isSafeInteger(Number(issued))) return undefined
  const config = editorsFrom(c.env.EDITORS)
  if (!config.ok) return undefined
  const grants = await grantsOf(config.editors)
  const cutoff = await ledgerOf(c.env).sessionCutoff(editor, grants)
  if (!Object.hasOwn(grants, editor) || fingerprint !== grants[editor]) return undefined
  return cutoff === null || Number(issued) > cutoff ? editor : undefined
}

/**
 * Sets `editor` for every console route but the sign-in pages. Without valid EDITORS the console is the site's 404;
 * with them but no way to sign in (Access half set or malformed, no session secret) it is a 503 saying what to fix.
 * An Access identity who is not among the editors gets 403; a missing or bad Access token 401; locally, no session
 * means the sign-in page.
 */
export function consoleAuth(
  keys: AccessKeys,
  refuse: (c: Context<ConsoleEnv>, status: 401 | 403 | 503, why: string) => Response | Promise<Response>,
): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    const method = signInMethod(c.env)
    if (!method) {
      if (!editorsFrom(c.env.EDITORS).ok) return c.notFound()
      const problem = consoleSignInProblem(c.env) as string
      logSettingsProblems([problem])
      return refuse(c, 503, `The console cannot sign anyone in: ${problem}.`)
    }
    if (method === 'access') {
      const email = await accessEmail(c, keys)
      if (typeof email !== 'string') return refuse(c, 401, email.problem)
      const config = editorsFrom(c.env.EDITORS)
      if (!config.ok || !config.editors.names.has(email)) {
        return refuse(c, 403, `${email} is signed in through Cloudflare Access but is not one of the editors`)
      }
      c.set('editor', email)
      return next()
    }
    if (/^\/console\/sign-in\/?$/.test(c.req.path)) return next()
    const editor = await sessionEditor(c)
    if (!editor) {
      if (c.req.method === 'GET' || c.req.method === 'HEAD') return c.redirect('/console/sign-in', 303)
      return refuse(c, 401, 'you are not signed in, or your session has expired; sign in again')
    }
    c.set('editor', editor)
    return next()
  }
}
