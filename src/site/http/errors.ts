import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

/** Every admin API error: `{ error: { code, message } }`, the message saying what was wrong and what to do. */
export function errorJson(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  { headers, ...extra }: { headers?: Record<string, string>; [field: string]: unknown } = {},
) {
  return c.json({ error: { code, message, ...extra } }, status, headers)
}

/** A 405 in plain text for a path that answers other methods: it names them, and so does `Allow`. */
export function methodNotAllowedText(c: Context, methods: readonly string[]): Response {
  return c.text(`${c.req.method} is not allowed here; use ${methods.join(' or ')}.\n`, 405, {
    Allow: methods.join(', '),
  })
}
