import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { request } from '../helpers.ts'

const TOKEN = 'correct-horse-battery-staple'
const AUTH = { Authorization: `Bearer ${TOKEN}` }
const JSON_TYPE = { 'Content-Type': 'application/json' }

function admin(path: string, init: RequestInit = {}) {
  return request(`/admin${path}`, init, { ADMIN_TOKEN: TOKEN })
}

async function currentVersion(target = 'global'): Promise<string> {
  const body = (await (await admin(`/disclaimers/${target}`, { headers: AUTH })).json()) as { version: string }
  return body.version
}

function put(text: string, version: string, extra: Record<string, unknown> = {}, target = 'global') {
  return admin(`/disclaimers/${target}`, {
    method: 'PUT',
    headers: { ...AUTH, ...JSON_TYPE, 'If-Match': `"${version}"` },
    body: JSON.stringify({ text, ...extra }),
  })
}

async function historyOf(target = 'global') {
  const res = await admin(`/disclaimers/${target}/history`, { headers: AUTH })
  return (
    (await res.json()) as {
      entries: { version: string; previousVersion: string; action: string; by: string; note?: string }[]
    }
  ).entries
}

beforeEach(async () => {
  vi.spyOn(console, 'warn').mockImplementation(() => {})
  for (const { name } of (await env.DISCLAIMERS.list()).keys) await env.DISCLAIMERS.delete(name)
  await env.DISCLAIMERS.put('disclaimer', 'The first disclaimer.')
})

describe('admin auth', () => {
  it('answers with the text and its version for the right token, never cached', async () => {
    const res = await admin('/disclaimers/global', { headers: AUTH })
    expect(res.status).toBe(200)
    expect(res.headers.get('Cache-Control')).toBe('no-store')
    expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull()
    const body = (await res.json()) as { text: string; version: string }
    expect(body.text).toBe('The first disclaimer.')
    expect(res.headers.get('ETag')).toBe(`"${body.version}"`)
  })

  it.each([
    ['no Authorization header', {}],
    ['a wrong token', { Authorization: 'Bearer not-the-token' }],
    ['a token that only starts right', { Authorization: `Bearer ${TOKEN}x` }],
    ['a Basic credential', { Authorization: `Basic ${btoa(`admin:${TOKEN}`)}` }],
    ['a malformed bearer header', { Authorization: `Bearer  ${TOKEN}` }],
    ['an empty bearer', { Authorization: 'Bearer ' }],
  ])('refuses %s with 401 and a JSON error', async (_, headers) => {
    const res = await admin('/disclaimers/global', { headers })
    expect(res.status).toBe(401)
    expect(res.headers.get('WWW-Authenticate')).toContain('Bearer')
    expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } })
  })

  it.each([
    ['not configured', undefined],
    ['empty', ''],
  ])('does not exist when the token is %s, whatever is sent', async (_, token) => {
    for (const headers of [AUTH, { Authorization: 'Bearer ' }, {}]) {
      const res = await request('/admin/disclaimers/global', { headers }, { ADMIN_TOKEN: token })
      expect(res.status).toBe(404)
      expect(await res.text()).toContain('<h1>Page not found</h1>')
    }
  })

  it.each([
    '/ADMIN/disclaimers/global',
    '/Admin/disclaimers/global',
    '/%61dmin/disclaimers/global',
    '/admin/%64isclaimers/global',
    '//admin/disclaimers/global',
    '/admin//disclaimers/global',
    '/admin/disclaimers/global/',
    '/admin/./disclaimers/global',
    '/x/../admin/disclaimers/global',
  ])('never serves %s without auth', async (path) => {
    const res = await request(path, {}, { ADMIN_TOKEN: TOKEN })
    expect([301, 401, 404]).toContain(res.status)
    expect(await res.text()).not.toContain('"version"')
  })

  it('answers a method a route does not take with a JSON 405 and Allow', async () => {
    const res = await admin('/disclaimers/global', { method: 'DELETE', headers: AUTH })
    expect(res.status).toBe(405)
    expect(res.headers.get('Allow')).toBe('GET, HEAD, PUT')
    expect(await res.json()).toEqual({ error: { code: 'method_not_allowed', message: expect.any(String) } })
  })

  it('answers an unknown admin path with a JSON 404', async () => {
    const res = await admin('/disclaimers/', { method: 'PATCH', headers: AUTH })
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } })
  })

  it('reveals no route or method when the API is off', async () => {
    const res = await request('/admin/disclaimers/global', { method: 'DELETE' }, { ADMIN_TOKEN: undefined })
    expect(res.status).toBe(404)
    expect(res.headers.get('Allow')).toBeNull()
    expect(await res.text()).toContain('<h1>Page not found</h1>')
  })

  it('refuses too many writes from one token with 429', async () => {
    let version = await currentVersion()
    const app = (await import('../../src/index.ts')).createApp()
    const bindings = { ...env, ADMIN_TOKEN: TOKEN }
    let last: Response | undefined
    for (let i = 0; i <= 10; i++) {
      last = await app.request(
        '/admin/disclaimers/global',
        {
          method: 'PUT',
          headers: { ...AUTH, ...JSON_TYPE, 'If-Match': version },
          body: JSON.stringify({ text: `Text ${i}.` }),
        },
        bindings,
      )
      if (last.status === 200) version = ((await last.json()) as { version: string }).version
    }
    expect(last?.status).toBe(429)
    expect(Number(last?.headers.get('Retry-After'))).toBeGreaterThan(0)
    expect((await historyOf()).length).toBe(10)
  })
})

describe('admin writes', () => {
  it('writes a new text, keeps the old one in history and shows the new one on pages', async () => {
    const before = await currentVersion()
    const res = await put('A revised disclaimer.\n\nWith two paragraphs.', before, {
      note: 'legal review',
      editor: 'Dana',
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { version: string; text: string }
    expect(body.text).toBe('A revised disclaimer.\n\nWith two paragraphs.')
    const entries = await historyOf()
    expect(entries).toEqual([
      expect.objectContaining({
        action: 'set',
        by: 'Dana',
        note: 'legal review',
        previousVersion: before,
        version: body.version,
      }),
    ])
    const page = await (await request('/')).text()
    expect(page).toContain('<p>A revised disclaimer.</p><p>With two paragraphs.</p>')
  })

  it('refuses a write without If-Match with 428, and a stale one with 412, writing nothing', async () => {
    const noMatch = await admin('/disclaimers/global', {
      method: 'PUT',
      headers: { ...AUTH, ...JSON_TYPE },
      body: JSON.stringify({ text: 'Sneaky.' }),
    })
    expect(noMatch.status).toBe(428)
    expect(((await noMatch.json()) as { error: { code: string } }).error.code).toBe('precondition_required')
    const stale = await put('Also sneaky.', '0123456789abcdef')
    expect(stale.status).toBe(412)
    expect(((await stale.json()) as { error: { code: string } }).error.code).toBe('version_mismatch')
    expect(await env.DISCLAIMERS.get('disclaimer')).toBe('The first disclaimer.')
    expect(await historyOf()).toEqual([])
  })

  it.each([
    ['an empty text', { text: '  ' }, 422, 'invalid_text'],
    ['a text over 2000 characters', { text: 'a'.repeat(2001) }, 422, 'invalid_text'],
    ['control characters', { text: 'Bad\u0007text' }, 422, 'invalid_text'],
    ['a missing text', { note: 'no text' }, 400, 'invalid_body'],
    ['a text that is not a string', { text: 42 }, 400, 'invalid_body'],
    ['an unknown field', { text: 'Fine.', html: '<b>x</b>' }, 400, 'invalid_body'],
    ['a note over 140 characters', { text: 'Fine.', note: 'n'.repeat(141) }, 400, 'invalid_body'],
  ])('refuses %s, changing nothing', async (_, body, status, code) => {
    const version = await currentVersion()
    const res = await admin('/disclaimers/global', {
      method: 'PUT',
      headers: { ...AUTH, ...JSON_TYPE, 'If-Match': version },
      body: JSON.stringify(body),
    })
    expect(res.status).toBe(status)
    const error = ((await res.json()) as { error: { code: string; message: string } }).error
    expect(error.code).toBe(code)
    expect(error.message).not.toMatch(/at .*\.ts:\d+/)
    expect(await env.DISCLAIMERS.get('disclaimer')).toBe('The first disclaimer.')
    expect(await historyOf()).toEqual([])
  })

  it('refuses malformed JSON with 400, a non-JSON body with 415 and a body over the limit with 413', async () => {
    const version = await currentVersion()
    const headers = { ...AUTH, 'If-Match': version }
    const malformed = await admin('/disclaimers/global', {
      method: 'PUT',
      headers: { ...headers, ...JSON_TYPE },
      body: '{"text":',
    })
    expect(malformed.status).toBe(400)
    expect(await malformed.json()).toEqual({ error: { code: 'invalid_request', message: expect.any(String) } })
    const form = await admin('/disclaimers/global', {
      method: 'PUT',
      headers: { ...headers, 'Content-Type': 'text/plain' },
      body: 'text=hello',
    })
    expect(form.status).toBe(415)
    const huge = await admin('/disclaimers/global', {
      method: 'PUT',
      headers: { ...headers, ...JSON_TYPE },
      body: JSON.stringify({ text: 'x'.repeat(20_000) }),
    })
    expect(huge.status).toBe(413)
    expect(await env.DISCLAIMERS.get('disclaimer')).toBe('The first disclaimer.')
  })

  it('answers an unknown disclaimer with a 404 that lists the valid ones', async () => {
    const res = await admin('/disclaimers/nope', { headers: AUTH })
    expect(res.status).toBe(404)
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('dosage-and-safety')
  })

  it('turns a KV 429 on write into a 503 with Retry-After, losing nothing', async () => {
    const version = await currentVersion()
    const refusing = {
      ...env.DISCLAIMERS,
      get: env.DISCLAIMERS.get.bind(env.DISCLAIMERS),
      list: env.DISCLAIMERS.list.bind(env.DISCLAIMERS),
      delete: env.DISCLAIMERS.delete.bind(env.DISCLAIMERS),
      put: async (key: string, value: string, options?: KVNamespacePutOptions) => {
        if (key === 'disclaimer') throw new Error('KV PUT failed: 429 Too Many Requests')
        return env.DISCLAIMERS.put(key, value, options)
      },
    } as KVNamespace
    const res = await request(
      '/admin/disclaimers/global',
      {
        method: 'PUT',
        headers: { ...AUTH, ...JSON_TYPE, 'If-Match': version },
        body: JSON.stringify({ text: 'New.' }),
      },
      { ADMIN_TOKEN: TOKEN, DISCLAIMERS: refusing },
    )
    expect(res.status).toBe(503)
    expect(res.headers.get('Retry-After')).toBe('1')
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('kv_rate_limited')
    expect(await env.DISCLAIMERS.get('disclaimer')).toBe('The first disclaimer.')
    expect(await historyOf()).toEqual([])
  })
})

describe('admin history and rollback', () => {
  it('grows history by one per accepted write and rolls back byte for byte', async () => {
    const original = 'The first disclaimer.'
    const v0 = await currentVersion()
    const first = (await (await put('Second version.', v0)).json()) as { version: string }
    await put('', first.version)
    const second = (await (await put('Third version.', first.version)).json()) as { version: string }
    expect((await historyOf()).map((entry) => entry.action)).toEqual(['set', 'set'])

    const res = await admin('/disclaimers/global/rollback', {
      method: 'POST',
      headers: { ...AUTH, ...JSON_TYPE, 'If-Match': second.version },
      body: JSON.stringify({ version: v0, note: 'back to the original' }),
    })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { version: string }).version).toBe(v0)
    expect(await env.DISCLAIMERS.get('disclaimer')).toBe(original)
    const entries = await historyOf()
    expect(entries).toHaveLength(3)
    expect(entries[0]).toMatchObject({ action: 'rollback', version: v0, previousVersion: second.version })
    expect(await (await request('/')).text()).toContain(`<p>${original}</p>`)
  })

  it('refuses a rollback to a version that never existed, and one without If-Match', async () => {
    const version = await currentVersion()
    const unknown = await admin('/disclaimers/global/rollback', {
      method: 'POST',
      headers: { ...AUTH, ...JSON_TYPE, 'If-Match': version },
      body: JSON.stringify({ version: 'ffffffffffffffff' }),
    })
    expect(unknown.status).toBe(422)
    const noMatch = await admin('/disclaimers/global/rollback', {
      method: 'POST',
      headers: { ...AUTH, ...JSON_TYPE },
      body: JSON.stringify({ version }),
    })
    expect(noMatch.status).toBe(428)
    expect(await historyOf()).toEqual([])
  })

  it('writes a page key, which the page then shows', async () => {
    const version = await currentVersion('dosage-and-safety')
    expect(version).toBe('absent')
    const res = await put('Edited dosage note.', version, {}, 'dosage-and-safety')
    expect(res.status).toBe(200)
    expect(await (await request('/dosage-and-safety')).text()).toContain('<p>Edited dosage note.</p>')
  })

  it('lets exactly one of two concurrent writers with the same version win', async () => {
    const version = await currentVersion()
    const app = (await import('../../src/index.ts')).createApp()
    const bindings = { ...env, ADMIN_TOKEN: TOKEN }
    const send = (text: string) =>
      app.request(
        '/admin/disclaimers/global',
        { method: 'PUT', headers: { ...AUTH, ...JSON_TYPE, 'If-Match': version }, body: JSON.stringify({ text }) },
        bindings,
      )
    const statuses = (await Promise.all([send('Writer A.'), send('Writer B.')])).map((res) => res.status).sort()
    expect(statuses).toEqual([200, 412])
    expect(['Writer A.', 'Writer B.']).toContain(await env.DISCLAIMERS.get('disclaimer'))
    expect(await historyOf()).toHaveLength(1)
  })
})
