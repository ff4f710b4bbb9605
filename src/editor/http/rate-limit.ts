import type { Context, MiddlewareHandler } from 'hono'
import { errorJson } from '../../site/http/errors.ts'

/** Both limiters are Workers Rate Limiting bindings ([[ratelimits]] in wrangler.toml): 60 s windows. */
export const RATE_LIMIT_PERIOD_SECONDS = 60

/**
 * True when `key` is still within its limit. Counts are kept per Cloudflare location and are approximate
 * (Cloudflare's rate limiter is eventually consistent), so a limit stops floods, not the n+1st request exactly.
 */
export async function withinLimit(limiter: RateLimit, key: string): Promise<boolean> {
  const { success } = await limiter.limit({ key })
  return success
}

/** Failed sign-ins one address may make in a window; after them, every sign-in from it waits, right or wrong. */
export const FAILED_SIGN_INS_PER_WINDOW = 10
/**
 * What AUTH_FAILURES counts: 1 for every sign-in attempt (every admin API request is one), this many for a failed
 * one. Its limit in wrangler.toml is FAILED_SIGN_INS_PER_WINDOW times this: an address may fail 10 times a minute, or
 * sign in about 500 times. (The binding counts one per call: the local runtime takes no weight.)
 */
export const FAILED_SIGN_IN_COST = 50

/**
 * Counts a sign-in attempt from `address` before its token is looked at: false once the address is over its limit,
 * and then the attempt waits, whatever token it carries (the binding counts nothing more for it).
 */
export async function signInAllowed(limiter: RateLimit, address: string): Promise<boolean> {
  return withinLimit(limiter, address)
}

/** Counts a sign-in that failed: the rest of FAILED_SIGN_IN_COST, the attempt itself having counted one. */
export async function signInFailed(limiter: RateLimit, address: string): Promise<void> {
  await Promise.all(Array.from({ length: FAILED_SIGN_IN_COST - 1 }, () => limiter.limit({ key: address })))
}

export function tooManyRequests(c: Context, what: string) {
  return errorJson(c, 429, 'rate_limited', `${what}; try again in a minute`, {
    headers: { 'Retry-After': String(RATE_LIMIT_PERIOD_SECONDS) },
  })
}

/** Limits the writes (PUT, POST) each signed-in editor makes, by the EDITOR_WRITES binding. */
export const editorWriteLimit: MiddlewareHandler<{ Bindings: Env; Variables: { editor: string } }> = async (
  c,
  next,
) => {
  if (c.req.method !== 'PUT' && c.req.method !== 'POST') return next()
  if (!(await withinLimit(c.env.EDITOR_WRITES, c.get('editor')))) {
    return tooManyRequests(c, `${c.get('editor')} made too many changes in the last minute`)
  }
  return next()
}
