import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { createApp } from '../src/index.ts'
import type { DisclaimerNamespace } from '../src/site/reader.ts'

type Bindings = Partial<Omit<Env, 'DISCLAIMERS'>> & { DISCLAIMERS?: DisclaimerNamespace | KVNamespace }

/** The client address Cloudflare would report for a test's requests, unless a test sends its own. */
export const TEST_CLIENT_ADDRESS = '203.0.113.9'

/**
 * One request to `app` (a fresh one, with its own isolate cache, unless given) with the real bindings unless told
 * otherwise, and a real execution context whose background work finishes before this returns. It carries a client
 * address, as every request through Cloudflare does, unless the test sets `CF-Connecting-IP` itself (to "" for none).
 */
export async function request(
  path: string,
  init: RequestInit = {},
  bindings: Bindings = {},
  app = createApp(),
): Promise<Response> {
  const ctx = createExecutionContext()
  const headers = new Headers(init.headers)
  if (!headers.has('CF-Connecting-IP')) headers.set('CF-Connecting-IP', TEST_CLIENT_ADDRESS)
  if (headers.get('CF-Connecting-IP') === '') headers.delete('CF-Connecting-IP')
  const response = await app.request(`https://kratom.test${path}`, { ...init, headers }, { ...env, ...bindings }, ctx)
  await waitOnExecutionContext(ctx)
  return response
}

/** The visible text of an HTML page, tags dropped and entities decoded. */
export function textOf(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#(\d+);/g, (_, code) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code) => String.fromCodePoint(Number.parseInt(code, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
}

/** Every path the sitemap lists, in reading order, from the bundled article itself. */
export { SITE_PATHS } from './site-paths.ts'
