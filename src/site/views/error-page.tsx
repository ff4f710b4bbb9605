import { html } from 'hono/html'
import { BUNDLED_DISCLAIMERS } from '../reader.ts'
import { ErrorPage } from './pages.tsx'

/**
 * Shown only if the error page itself cannot be rendered: still the bundled disclaimer, as plain markup, escaped by
 * Hono's `html` helper rather than its JSX renderer. Nothing in it is asynchronous, so `html` answers a string.
 */
function plainErrorPage(): string {
  return String(
    html`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>Something went wrong</title></head><body><main><h1>Something went wrong</h1><div role="note"><p><strong>Health disclaimer</strong></p>${BUNDLED_DISCLAIMERS.global.paragraphs.map((paragraph) => html`<p>${paragraph}</p>`)}</div><p>This page could not be shown just now. Please try again in a moment.</p></main></body></html>`,
  )
}

let rendered: Promise<string> | undefined

/**
 * The 500 page, with the bundled disclaimer and never KV: rendered on first use, then kept for the isolate
 * (rendering it up front was half of the Worker's startup). If rendering fails, a plain page that still shows the
 * disclaimer. Never rejects.
 */
export function errorPageHtml(): Promise<string> {
  rendered ??= Promise.resolve()
    .then(async () => `<!DOCTYPE html>${await (<ErrorPage disclaimers={BUNDLED_DISCLAIMERS} />).toString()}`)
    .catch(plainErrorPage)
  return rendered
}
