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
