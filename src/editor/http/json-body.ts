import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { MAX_DISCLAIMER_LENGTH, MAX_NOTE_LENGTH } from '../../core/validate.ts'
import { errorJson } from '../../site/http/errors.ts'

/**
 * The largest body a valid request can need: the longest text and note with every character written as a
 * JSON escape (an astral character is two `\uXXXX` escapes, 12 bytes), plus room for the field names.
 */
export const MAX_BODY_BYTES = (MAX_DISCLAIMER_LENGTH + MAX_NOTE_LENGTH) * 12 + 1024

/** Writes (PUT, POST) must send JSON (415 otherwise) of at most MAX_BODY_BYTES, counted as it is read (413). */
export const jsonOnly: MiddlewareHandler = async (c, next) => {
  if (c.req.method !== 'PUT' && c.req.method !== 'POST') return next()
  if (!/^application\/json\s*(;|$)/i.test(c.req.header('Content-Type') ?? '')) {
    return errorJson(c, 415, 'unsupported_media_type', 'send the body as JSON with "Content-Type: application/json"')
  }
  return limit(c, next)
}

const limit = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: (c) => errorJson(c, 413, 'body_too_large', `the body is larger than ${MAX_BODY_BYTES} bytes`),
})
