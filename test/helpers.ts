import { env } from 'cloudflare:workers'
import { createApp } from '../src'
import type { DisclaimerNamespace } from '../src/disclaimer/read'

/** A fresh app (its own isolate cache) answering one request, with the real bindings unless told otherwise. */
export function request(
  path: string,
  init: RequestInit = {},
  bindings: { DISCLAIMERS?: DisclaimerNamespace | KVNamespace; SITE_ORIGIN?: string; ADMIN_TOKEN?: string } = {},
): Promise<Response> {
  return Promise.resolve(createApp().request(`https://kratom.test${path}`, init, { ...env, ...bindings }))
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

export { PAGE_PATHS } from './page-paths'
