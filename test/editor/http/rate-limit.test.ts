import { reset } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { Hono } from 'hono'
import { beforeEach, describe, expect, it } from 'vitest'
import { RATE_LIMIT_PERIOD_SECONDS, tooManyRequests, withinLimit } from '../../../src/editor/http/rate-limit.ts'
import { bearer, type TestEditor } from '../../fixtures/editors.ts'
import { request } from '../../helpers.ts'

const WRITES_PER_MINUTE = 20

/** Rate-limit windows are aligned to the clock; start a count well inside one so it cannot roll over midway. */
async function awayFromWindowEdge(marginMs = 10_000) {
  const left = 60_000 - (Date.now() % 60_000)
  if (left < marginMs) await scheduler.wait(left + 250)
}

function publish(editor: TestEditor, target: string, text: string, precondition: Record<string, string>) {
  return request(`/admin/disclaimers/${target}`, {
    method: 'PUT',
    headers: {
      ...bearer(editor),
      'Content-Type': 'application/json',
      'CF-Connecting-IP': '192.0.2.20',
      ...precondition,
    },
    body: JSON.stringify({ text }),
  })
}

async function versionsOf(target: string): Promise<number[]> {
  const res = await request(`/admin/disclaimers/${target}/history`, { headers: bearer('carol') })
  return ((await res.json()) as { versions: { version: number }[] }).versions.map((entry) => entry.version)
}

beforeEach(async () => {
  await reset()
})

describe('withinLimit', () => {
  it('allows a key its limit per window, then refuses it, and counts each key on its own', async () => {
    await awayFromWindowEdge()
    const results = []
    for (let i = 0; i < WRITES_PER_MINUTE + 1; i++) results.push(await withinLimit(env.EDITOR_WRITES, 'limit-a'))
    expect(results.filter(Boolean)).toHaveLength(WRITES_PER_MINUTE)
    expect(results.at(-1)).toBe(false)
    expect(await withinLimit(env.EDITOR_WRITES, 'limit-b')).toBe(true)
  }, 20_000)
})

describe('tooManyRequests', () => {
  it('answers 429 in JSON with Retry-After for the whole window', async () => {
    const app = new Hono()
    app.get('/', (c) => tooManyRequests(c, 'too many tries'))
    const res = await app.request('/')
    expect(res.status).toBe(429)
    expect(res.headers.get('Retry-After')).toBe(String(RATE_LIMIT_PERIOD_SECONDS))
    expect(await res.json()).toEqual({
      error: { code: 'rate_limited', message: 'too many tries; try again in a minute' },
    })
  })
})

describe('editorWriteLimit', () => {
  it('accepts 20 changes a minute from one editor, refuses the 21st with 429 and writes nothing', async () => {
    await awayFromWindowEdge()
    const target = 'conclusion'
    let precondition: Record<string, string> = { 'If-None-Match': '*' }
    for (let write = 1; write <= WRITES_PER_MINUTE; write++) {
      const res = await publish('alice', target, `Conclusion note, edit ${write}.`, precondition)
      expect(res.status, `write ${write}`).toBe(200)
      precondition = { 'If-Match': res.headers.get('ETag') as string }
    }
    const before = await versionsOf(target)
    const limited = await publish('alice', target, 'One edit too many.', precondition)
    expect(limited.status).toBe(429)
    expect(limited.headers.get('Retry-After')).toBe('60')
    expect(((await limited.json()) as { error: { message: string } }).error.message).toContain(
      'alice made too many changes in the last minute',
    )
    expect(await versionsOf(target)).toEqual(before)
    expect(await env.DISCLAIMERS.get('disclaimer:conclusion')).toBe(`Conclusion note, edit ${WRITES_PER_MINUTE}.`)
  }, 30_000)

  it('counts each editor on their own and never counts reads', async () => {
    await awayFromWindowEdge()
    for (let write = 1; write <= WRITES_PER_MINUTE; write++) {
      // Refused writes (no precondition) count too: the limit is on what an editor sends, not what lands.
      expect((await publish('bob', 'home', 'Never written.', {})).status).toBe(428)
    }
    expect((await publish('bob', 'home', 'Never written.', {})).status).toBe(429)
    for (let read = 0; read < WRITES_PER_MINUTE + 5; read++) {
      expect((await request('/admin/disclaimers/home', { headers: bearer('bob') })).status).toBe(200)
    }
    const other = await publish('carol', 'home', 'Home note from carol.', { 'If-None-Match': '*' })
    expect(other.status).toBe(200)
  }, 30_000)
})
