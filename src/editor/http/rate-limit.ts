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
