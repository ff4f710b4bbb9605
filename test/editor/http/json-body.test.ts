import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import {
  MAX_DISCLAIMER_LENGTH,
  MAX_NOTE_LENGTH,
  validateDisclaimer,
  validateField,
} from '../../../src/core/validate.ts'
import { jsonOnly, MAX_BODY_BYTES } from '../../../src/editor/http/json-body.ts'

/** A fresh app behind jsonOnly that answers with the size of the body it was let read. */
function appBehindJsonOnly() {
  const app = new Hono()
  app.use(jsonOnly)
  app.all('/', async (c) => c.json({ bytes: (await c.req.arrayBuffer()).byteLength }))
  return app
}

function send(
  body: BodyInit | null,
  { method = 'PUT', type = 'application/json' }: { method?: string; type?: string } = {},
) {
  const headers: Record<string, string> = type ? { 'Content-Type': type } : {}
  return appBehindJsonOnly().request('/', { method, headers, body })
}

/** A JSON body of exactly `size` bytes. */
function bodyOfSize(size: number): string {
  return `{"text":"${'a'.repeat(size - '{"text":""}'.length)}"}`
}

/** The body sent in chunks, so no Content-Length tells its size in advance. */
function streamed(body: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(body)
  let offset = 0
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close()
      controller.enqueue(bytes.slice(offset, offset + 4096))
      offset += 4096
    },
  })
}

/** Every UTF-16 unit as a \uXXXX escape, the longest way to write a text in JSON (12 bytes per astral character). */
function escaped(text: string): string {
  return text
    .split('')
    .map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .join('')
}

describe('jsonOnly', () => {
  it.each([
    ['a PUT', 'PUT'],
    ['a POST', 'POST'],
  ])('lets %s with a JSON body through', async (_, method) => {
    const res = await send('{"text":"x"}', { method })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ bytes: 12 })
  })

  it.each(['application/json; charset=utf-8', 'Application/JSON', 'application/json ;charset=UTF-8'])(
    'takes the media type %s as JSON',
    async (type) => {
      expect((await send('{}', { type })).status).toBe(200)
    },
  )

  it.each([
    ['no Content-Type', ''],
    ['text/plain', 'text/plain'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['multipart', 'multipart/form-data; boundary=x'],
    ['a type that only starts like JSON', 'application/jsonp'],
    ['a +json type', 'application/merge-patch+json'],
  ])('refuses a write with %s: 415 in JSON, saying what to send', async (_, type) => {
    const res = await send('{"text":"x"}', { type })
    expect(res.status).toBe(415)
    expect(await res.json()).toEqual({
      error: { code: 'unsupported_media_type', message: expect.stringContaining('Content-Type: application/json') },
    })
  })

  it.each(['GET', 'DELETE'])('does not check a %s', async (method) => {
    const res = await send(null, { method, type: 'text/plain' })
    expect(res.status).toBe(200)
  })

  it('admits the longest valid body: every character of a maximal text and note JSON-escaped', async () => {
    const text = '😀'.repeat(MAX_DISCLAIMER_LENGTH)
    const note = '😀'.repeat(MAX_NOTE_LENGTH)
    expect(validateDisclaimer(text).ok).toBe(true)
    expect(validateField(note, 'note').ok).toBe(true)
    const body = `{"text":"${escaped(text)}","note":"${escaped(note)}"}`
    expect(JSON.parse(body)).toEqual({ text, note })
    expect(body.length).toBeLessThanOrEqual(MAX_BODY_BYTES)
    const res = await send(body)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ bytes: body.length })
  })

  it('admits a body of exactly MAX_BODY_BYTES and refuses one byte more with 413 in JSON', async () => {
    expect((await send(bodyOfSize(MAX_BODY_BYTES))).status).toBe(200)
    const res = await send(bodyOfSize(MAX_BODY_BYTES + 1))
    expect(res.status).toBe(413)
    expect(await res.json()).toEqual({
      error: { code: 'body_too_large', message: `the body is larger than ${MAX_BODY_BYTES} bytes` },
    })
  })

  it('counts a body sent without Content-Length as it is read', async () => {
    expect(
      new Request('https://kratom.test/', { method: 'PUT', body: streamed('{}') }).headers.has('Content-Length'),
    ).toBe(false)
    const within = await send(streamed(bodyOfSize(MAX_BODY_BYTES)))
    expect(within.status).toBe(200)
    expect(await within.json()).toEqual({ bytes: MAX_BODY_BYTES })
    const over = await send(streamed(bodyOfSize(MAX_BODY_BYTES + 1)))
    expect(over.status).toBe(413)
  })
})
