import type { MiddlewareHandler } from 'hono'
import { STYLE_HASH_SOURCES } from './style-hashes.generated.ts'

/** Response headers as name and value pairs, in the form `new Response(body, { headers })` takes. */
export type HeaderList = readonly (readonly [string, string])[]

function contentSecurityPolicy(styleSources: string[], formAction: string): string {
  return [
    "default-src 'none'",
    `style-src ${styleSources.join(' ')}`,
    "img-src 'self'",
    // No script runs, so this grants nothing; Lighthouse reads /robots.txt with a fetch from inside the page.
    "connect-src 'self'",
    "base-uri 'none'",
    `form-action ${formAction}`,
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ')
}

const COMMON_HEADERS: HeaderList = [
  // Other sites may not embed these responses.
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Referrer-Policy', 'no-referrer'],
  ['Strict-Transport-Security', 'max-age=63072000; includeSubDomains; preload'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
  ['Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()'],
]

/**
 * What every response carries, errors and 404s included. Pages run no script and load nothing but the favicon.
 * Obsolete headers (X-XSS-Protection, X-DNS-Prefetch-Control, X-Download-Options,
 * X-Permitted-Cross-Domain-Policies) and the Origin-Agent-Cluster hint (which would push a page past one TCP
 * flight) are not sent.
 * Nor are Cross-Origin-Opener-Policy and -Embedder-Policy: together they isolate a page's script from other
 * origins', and these pages run none and hold nothing private. COOP is not free: it makes Chromium open every
 * arrival from another page in a new browsing context group, a fresh renderer, and Lighthouse measured that as
 * 119–454 ms of mobile Total Blocking Time on /conclusion against 19–145 ms without it (README, Browser suite).
 */
export const SECURITY_HEADERS: HeaderList = [
  ...COMMON_HEADERS,
  ['Content-Security-Policy', contentSecurityPolicy([STYLE_HASH_SOURCES.site], "'none'")],
]

/**
 * The editor console's: the same, plus its own stylesheet, forms that may post to this site only, and a window no
 * other origin keeps a handle on (COOP same-origin), since an editor is signed in there.
 */
const CONSOLE_SECURITY_HEADERS: HeaderList = [
  ...COMMON_HEADERS,
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Cross-Origin-Embedder-Policy', 'require-corp'],
  ['Content-Security-Policy', contentSecurityPolicy([STYLE_HASH_SOURCES.site, STYLE_HASH_SOURCES.console], "'self'")],
]

/**
 * `response` with SECURITY_HEADERS, unless it carries a Content-Security-Policy of its own: one that does carries its
 * whole set (the pages build theirs with SECURITY_HEADERS once per render; the console sets the stricter
 * CONSOLE_SECURITY_HEADERS) and is left as it is.
 */
export function withSecurityHeaders(response: Response): Response {
  const { headers } = response
  if (!headers.has('Content-Security-Policy')) for (const [name, value] of SECURITY_HEADERS) headers.set(name, value)
  return response
}

/** Sets CONSOLE_SECURITY_HEADERS on every console response. */
export const consoleSecurityHeaders: MiddlewareHandler = async (c, next) => {
  await next()
  for (const [name, value] of CONSOLE_SECURITY_HEADERS) c.res.headers.set(name, value)
}
