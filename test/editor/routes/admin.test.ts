import { reset } from 'cloudflare:test'
import { env, exports } from 'cloudflare:workers'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { DEFAULT_DISCLAIMERS } from '../../../src/core/defaults.ts'
import { keyOf } from '../../../src/core/keys.ts'
import type { LedgerVersion, Proposal } from '../../../src/core/ledger-types.ts'
import { TARGETS } from '../../../src/core/site-map.ts'
import { MAX_DISCLAIMER_LENGTH, MAX_NOTE_LENGTH } from '../../../src/core/validate.ts'
import { MAX_BODY_BYTES } from '../../../src/editor/http/json-body.ts'
import { bearer, type TestEditor } from '../../fixtures/editors.ts'
import { request } from '../../helpers.ts'
import { admin, clientAddress, get, headersOf, newClientAddress, put, send } from './admin-helpers.ts'

type ErrorBody = { error: { code: string; message: string; field?: string; current?: LedgerVersion | null } }
type Published = { ok: true; status: 'live' | 'pending' | 'unchanged'; version: LedgerVersion }

const SITE_404 = '<h1>Page not found</h1>'

// Every test starts from empty storage (reset) and its own client address, so no count or version leaks between
// tests; each also keeps to its own targets, so it would stand on its own without the reset too.
beforeEach(async () => {
  await reset()
  newClientAddress()
  vi.spyOn(console, 'warn').mockImplementation(() => {})
})

async function current(target: string): Promise<LedgerVersion | null> {
  return ((await (await get(`/disclaimers/${target}`)).json()) as { current: LedgerVersion | null }).current
}

async function history(target: string): Promise<LedgerVersion[]> {
  return ((await (await get(`/disclaimers/${target}/history`)).json()) as { versions: LedgerVersion[] }).versions
}

/** Makes `text` the target's current text, whatever it held, and returns the new version. */
async function publish(target: string, text: string, editor: TestEditor = 'alice', note?: string) {
  const now = await current(target)
  const precondition: Record<string, string> = now ? { 'If-Match': `"${now.version}"` } : { 'If-None-Match': '*' }
  const res = await put(target, note === undefined ? { text } : { text, note }, editor, precondition)
  expect(res.status, await res.clone().text()).toBe(200)
  return ((await res.json()) as Published).version
}

/** What a refused write must leave as it was: the KV value with its metadata, and the ledger's rows. */
async function stateOf(target: string) {
  const kv = await env.DISCLAIMERS.getWithMetadata(keyOf(target), 'text')
  return { value: kv.value, metadata: kv.metadata, versions: await history(target), current: await current(target) }
}

/** Every UTF-16 unit as a \uXXXX escape, the longest way to write a text in JSON (12 bytes per astral character). */
function escaped(text: string): string {
  return text
    .split('')
    .map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .join('')
}

/** Rate-limit windows are aligned to the clock; make sure the current one is not about to roll over. */
async function awayFromWindowEdge(marginMs = 10_000) {
  const left = 60_000 - (Date.now() % 60_000)
  if (left < marginMs) await scheduler.wait(left + 250)
}

async function errorOf(res: Response) {
  return ((await res.json()) as ErrorBody).error
}

async function pageText(path: string) {
  return (await request(path)).text()
}

describe('/admin access', () => {
  it('names the signed-in editor', async () => {
    const res = await get('/whoami', 'bob')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ editor: 'bob', requiresApproval: false })
  })

  it('answers every response with Cache-Control: no-store', async () => {
    await awayFromWindowEdge()
    await publish('conclusion', 'Conclusion note.')
    const json = { 'Content-Type': 'application/json' }
    const stranger = { 'CF-Connecting-IP': `198.18.${clientAddress()}.1`, Authorization: `Bearer ${'w'.repeat(40)}` }
    const cases: [number, () => Promise<Response>][] = [
      [200, () => get('/disclaimers/conclusion')],
      [200, () => get('/disclaimers')],
      [200, () => put('conclusion', { text: 'Another note.' }, 'alice', { 'If-Match': '*' })],
      [301, () => get('/disclaimers/conclusion/')],
      [400, () => put('conclusion', { text: 'x', editor: 'mallory' }, 'carol', { 'If-Match': '*' })],
      [400, () => put('conclusion', '{"text":', 'carol', { 'If-Match': '*' })],
      [401, () => admin('/disclaimers/conclusion', { headers: stranger })],
      [404, () => get('/nowhere')],
      [404, () => get('/disclaimers/nowhere')],
      [405, () => admin('/disclaimers/conclusion', { method: 'DELETE', headers: headersOf('carol') })],
      [412, () => put('conclusion', { text: 'Stale.' }, 'carol', { 'If-Match': '"999"' })],
      [
        413,
        () =>
          admin('/seed', { method: 'POST', headers: headersOf('carol', json), body: ' '.repeat(MAX_BODY_BYTES + 1) }),
      ],
      [415, () => admin('/seed', { method: 'POST', headers: headersOf('carol', { 'Content-Type': 'text/plain' }) })],
      [422, () => put('conclusion', { text: 'Bad\u0007text.' }, 'carol', { 'If-Match': '*' })],
      [428, () => put('conclusion', { text: 'No precondition.' }, 'carol', {})],
    ]
    for (const [status, call] of cases) {
      const res = await call()
      expect(res.status).toBe(status)
      expect(res.headers.get('Cache-Control'), `a ${status}`).toBe('no-store')
    }
    // The 401 above was this address's first failed sign-in (a wrong token); the 11th within a minute is refused.
    for (let attempt = 2; attempt <= 10; attempt++) await admin('/whoami', { headers: stranger })
    const limited = await admin('/whoami', { headers: stranger })
    expect(limited.status).toBe(429)
    expect(limited.headers.get('Cache-Control')).toBe('no-store')
  }, 20_000)

  it('answers a method a route does not take with a JSON 405 and Allow', async () => {
    const cases: [string, string, string][] = [
      ['DELETE', '/disclaimers/conclusion', 'GET, HEAD, PUT'],
      ['PATCH', '/disclaimers/conclusion', 'GET, HEAD, PUT'],
      ['GET', '/seed', 'POST'],
      ['PUT', '/disclaimers/conclusion/rollback', 'POST'],
      ['POST', '/audit', 'GET, HEAD'],
    ]
    for (const [method, path, allow] of cases) {
      // A write's media type is checked first (415), so these come as JSON.
      const res = await admin(path, { method, headers: headersOf('carol', { 'Content-Type': 'application/json' }) })
      expect(res.status, `${method} ${path}`).toBe(405)
      expect(res.headers.get('Allow'), `${method} ${path}`).toBe(allow)
      expect(res.headers.get('Content-Type')).toMatch(/^application\/json/)
      expect(await errorOf(res)).toEqual({ code: 'method_not_allowed', message: expect.stringContaining(method) })
    }
  })

  it('tells no one who is not signed in which methods a route takes', async () => {
    const res = await admin('/disclaimers/conclusion', {
      method: 'DELETE',
      headers: { 'CF-Connecting-IP': '198.18.0.1' },
    })
    expect(res.status).toBe(401)
    expect(res.headers.get('Allow')).toBeNull()
  })

  it.each([
    ['GET', '/admin'],
    ['GET', '/admin/whoami'],
    ['GET', '/admin/disclaimers'],
    ['GET', '/admin/disclaimers/global'],
    ['PUT', '/admin/disclaimers/global'],
    ['DELETE', '/admin/disclaimers/global'],
    ['POST', '/admin/seed'],
    ['GET', '/admin/no-such-route'],
  ])('is the site 404 for %s %s when EDITORS is unset, whatever is sent', async (method, path) => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const headers = headersOf('alice', { 'Content-Type': 'application/json', 'If-None-Match': '*' })
    const body = method === 'GET' ? undefined : '{"text":"Written with the API off."}'
    const res = await request(path, { method, headers, body }, { EDITORS: undefined })
    expect(res.status).toBe(404)
    expect(res.headers.get('Allow')).toBeNull()
    expect(res.headers.get('WWW-Authenticate')).toBeNull()
    expect(await res.text()).toContain(SITE_404)
    expect(await env.DISCLAIMERS.get(keyOf('global'))).toBeNull()
  })

  it('answers an unknown admin path and an unknown target with a JSON 404', async () => {
    const route = await get('/nowhere')
    expect(route.status).toBe(404)
    expect(await errorOf(route)).toEqual({ code: 'not_found', message: expect.stringContaining('no such admin route') })
    const target = await get('/disclaimers/nowhere')
    expect(target.status).toBe(404)
    expect((await errorOf(target)).message).toContain(TARGETS.join(', '))
  })
})

describe('GET /admin/disclaimers', () => {
  it('lists every target with its current version', async () => {
    const exploring = await publish('exploring-kratom', 'Exploring note.')
    const res = await get('/disclaimers')
    expect(res.status).toBe(200)
    const { disclaimers } = (await res.json()) as {
      disclaimers: { target: string; key: string; current: LedgerVersion | null; pending: object | null }[]
    }
    expect(disclaimers.map((entry) => entry.target)).toEqual([...TARGETS])
    expect(disclaimers.map((entry) => entry.key)).toEqual(TARGETS.map(keyOf))
    const byTarget = new Map(disclaimers.map((entry) => [entry.target, entry]))
    expect(byTarget.get('exploring-kratom')?.current?.version).toBe(exploring.version)
    expect(byTarget.get('full-article')?.current).toBeNull()
    expect(disclaimers.every((entry) => entry.pending === null)).toBe(true)
  })
})

describe('GET /admin/disclaimers/:target', () => {
  it('answers the current version with its ETag, and the bundled default beside it', async () => {
    const version = await publish('dosage-and-safety', 'Dosage note.')
    const res = await get('/disclaimers/dosage-and-safety')
    expect(res.status).toBe(200)
    expect(res.headers.get('ETag')).toBe(`"${version.version}"`)
    const body = (await res.json()) as { current: LedgerVersion; bundledDefault: { file: string; text: string } }
    expect(body.current.text).toBe('Dosage note.')
    expect(body.bundledDefault).toMatchObject({
      file: 'content/disclaimers/dosage-and-safety.txt',
      text: DEFAULT_DISCLAIMERS.get(keyOf('dosage-and-safety'))?.text,
    })
  })

  it('answers If-None-Match naming the version pages show with 304, and a changed text with 200', async () => {
    const version = await publish('dosage-and-safety', 'Dosage note, to revalidate.')
    const etag = `"${version.version}"`
    const same = await get('/disclaimers/dosage-and-safety', 'carol', { 'If-None-Match': etag })
    expect(same.status).toBe(304)
    expect(same.headers.get('ETag')).toBe(etag)
    expect(same.headers.get('Cache-Control')).toBe('no-store')
    expect(await same.text()).toBe('')
    const newer = await publish('dosage-and-safety', 'Dosage note, changed since.')
    const changed = await get('/disclaimers/dosage-and-safety', 'carol', { 'If-None-Match': etag })
    expect(changed.status).toBe(200)
    expect(changed.headers.get('ETag')).toBe(`"${newer.version}"`)
    expect(((await changed.json()) as { current: LedgerVersion }).current.text).toBe('Dosage note, changed since.')
  })

  it('answers a target with no version yet without an ETag', async () => {
    const res = await get('/disclaimers/full-article')
    expect(res.status).toBe(200)
    expect(res.headers.get('ETag')).toBeNull()
    expect(await res.json()).toMatchObject({ target: 'full-article', current: null, bundledDefault: null })
  })
})

describe('PUT /admin/disclaimers/:target', () => {
  it('creates the first version with If-None-Match: *, recorded as the signed-in editor, and pages show it', async () => {
    const res = await put('home', { text: 'Home note, first version.', note: 'first' }, 'bob', { 'If-None-Match': '*' })
    expect(res.status).toBe(200)
    const { status, version } = (await res.json()) as Published
    expect(status).toBe('live')
    expect(res.headers.get('ETag')).toBe(`"${version.version}"`)
    expect(version).toMatchObject({
      target: 'home',
      text: 'Home note, first version.',
      by: 'bob',
      how: 'publish',
      note: 'first',
    })
    const kv = await env.DISCLAIMERS.getWithMetadata(keyOf('home'), 'text')
    expect(kv.value).toBe('Home note, first version.')
    expect(kv.metadata).toEqual({
      seq: version.version,
      hash: version.hash,
      chain: version.chain,
      log: expect.any(Number),
      sig: expect.stringMatching(/^[0-9a-f]{64}$/),
    })
    expect(version.chain).toMatch(/^[0-9a-f]{64}$/)
    const page = await request('/')
    expect(page.headers.get('Disclaimer-Version')).toContain(`disclaimer:home=v${version.version}/`)
    const html = await page.text()
    expect(html).toContain('Home note, first version.')
    expect(html).toContain(`data-log-index="${(kv.metadata as { log: number }).log}"`)
  })

  it('refuses If-None-Match: * once a version exists, changing nothing', async () => {
    await publish('home', 'Home note.')
    const before = await stateOf('home')
    const res = await put('home', { text: 'Overwrite.' }, 'bob', { 'If-None-Match': '*' })
    expect(res.status).toBe(412)
    const error = await errorOf(res)
    expect(error.code).toBe('version_mismatch')
    expect(error.current?.version).toBe(before.current?.version)
    expect(await stateOf('home')).toEqual(before)
  })

  it('requires a precondition: 428 without one, changing nothing', async () => {
    await publish('conclusion', 'Conclusion note.')
    const before = await stateOf('conclusion')
    const res = await put('conclusion', { text: 'No precondition.' }, 'bob', {})
    expect(res.status).toBe(428)
    expect((await errorOf(res)).code).toBe('precondition_required')
    expect(await stateOf('conclusion')).toEqual(before)
  })

  it('compares If-Match strongly: a weak tag of the current version gets 412', async () => {
    const version = await publish('conclusion', 'Conclusion note.')
    const before = await stateOf('conclusion')
    const res = await put('conclusion', { text: 'Weakly matched.' }, 'bob', { 'If-Match': `W/"${version.version}"` })
    expect(res.status).toBe(412)
    expect(await stateOf('conclusion')).toEqual(before)
  })

  it('accepts an If-Match list when any tag in it is current', async () => {
    const version = await publish('conclusion', 'Conclusion note.')
    const res = await put('conclusion', { text: 'Matched in a list.' }, 'bob', {
      'If-Match': `"999", W/"${version.version}", "${version.version}"`,
    })
    expect(res.status).toBe(200)
    expect(await env.DISCLAIMERS.get(keyOf('conclusion'))).toBe('Matched in a list.')
  })

  it('refuses a stale If-Match with 412 and the current version, changing nothing', async () => {
    const first = await publish('conclusion', 'Conclusion note.')
    await publish('conclusion', 'Conclusion note, revised.')
    const before = await stateOf('conclusion')
    const res = await put('conclusion', { text: 'Based on the old text.' }, 'bob', { 'If-Match': `"${first.version}"` })
    expect(res.status).toBe(412)
    expect((await errorOf(res)).current?.text).toBe('Conclusion note, revised.')
    expect(await stateOf('conclusion')).toEqual(before)
  })

  it('takes If-Match: * as "whatever is current" when there is a text, and refuses it with 412 when there is none', async () => {
    const none = await put('full-article', { text: 'Nothing to match.' }, 'bob', { 'If-Match': '*' })
    expect(none.status).toBe(412)
    expect(await current('full-article')).toBeNull()
    expect(await env.DISCLAIMERS.get(keyOf('full-article'))).toBeNull()
    await publish('full-article', 'Full article note.')
    const some = await put('full-article', { text: 'Matched by a star.' }, 'bob', { 'If-Match': '*' })
    expect(some.status).toBe(200)
    expect(await env.DISCLAIMERS.get(keyOf('full-article'))).toBe('Matched by a star.')
  })

  it.each(['editor', 'by', 'author', 'name'])(
    'records who wrote from the token: a body field "%s" is refused as unknown',
    async (field) => {
      await publish('understanding-muscle-soreness', 'Soreness note.')
      const before = await stateOf('understanding-muscle-soreness')
      const res = await put(
        'understanding-muscle-soreness',
        { text: 'Signed as someone else.', [field]: 'alice' },
        'bob',
        {
          'If-Match': '*',
        },
      )
      expect(res.status).toBe(400)
      expect(await errorOf(res)).toEqual({
        code: 'invalid_body',
        message: `${field}: unknown field; allowed: text, note, effectiveAt`,
      })
      expect(await stateOf('understanding-muscle-soreness')).toEqual(before)
      const accepted = await put('understanding-muscle-soreness', { text: 'Signed by the token.' }, 'bob', {
        'If-Match': '*',
      })
      expect(((await accepted.json()) as Published).version.by).toBe('bob')
      expect((await history('understanding-muscle-soreness'))[0]?.by).toBe('bob')
    },
  )

  it.each([
    ['__proto__', '{"text":"Prototype.","__proto__":{}}'],
    ['constructor', '{"text":"Constructor.","constructor":1}'],
  ])('refuses an own "%s" key beside text with 400, changing nothing', async (field, body) => {
    await publish('exploring-kratom', 'Exploring note.')
    const before = await stateOf('exploring-kratom')
    const res = await put('exploring-kratom', body, 'bob', { 'If-Match': '*' })
    expect(res.status).toBe(400)
    expect((await errorOf(res)).message).toBe(`${field}: unknown field; allowed: text, note, effectiveAt`)
    expect(await stateOf('exploring-kratom')).toEqual(before)
  })

  it.each([
    ['a zero-width space', 'Not\u200Bmedical advice.', 'U+200B'],
    ['a word joiner', 'Not\u2060medical advice.', 'U+2060'],
    ['a byte order mark inside the text', 'Not\uFEFFmedical advice.', 'U+FEFF'],
    ['an Arabic letter mark', 'Not\u061Cmedical advice.', 'U+061C'],
    ['a tag character', 'Not medical advice.\u{E0001}', 'U+E0001'],
    ['an escape sequence', 'Not \u001b[2Jmedical advice.', 'U+001B'],
    ['a NUL', 'Not\u0000medical advice.', 'U+0000'],
    ['a bidi override', 'Not \u202Emedical advice.', 'U+202E'],
  ])('refuses a text with %s with 422 naming it, changing nothing', async (_, text, codePoint) => {
    await publish('dosage-and-safety', 'Dosage note.')
    const before = await stateOf('dosage-and-safety')
    const res = await put('dosage-and-safety', { text }, 'bob', { 'If-Match': '*' })
    expect(res.status).toBe(422)
    const error = await errorOf(res)
    expect(error).toMatchObject({ code: 'invalid_text', field: 'text' })
    expect(error.message).toContain(codePoint)
    expect(await stateOf('dosage-and-safety')).toEqual(before)
  })

  it('accepts 30 combining marks on one character and refuses 31 with 422', async () => {
    await publish('dosage-and-safety', 'Dosage note.')
    const thirty = `Not medical advice e${'\u0301'.repeat(30)}.`
    const accepted = await put('dosage-and-safety', { text: thirty }, 'bob', { 'If-Match': '*' })
    expect(accepted.status).toBe(200)
    const before = await stateOf('dosage-and-safety')
    const res = await put('dosage-and-safety', { text: `Not medical advice e${'\u0301'.repeat(31)}.` }, 'bob', {
      'If-Match': '*',
    })
    expect(res.status).toBe(422)
    expect((await errorOf(res)).message).toContain('stacks 31 combining marks')
    expect(await stateOf('dosage-and-safety')).toEqual(before)
  })

  it('refuses a text with a lone surrogate written raw into the JSON with 422; KV and the ledger are unchanged', async () => {
    await publish('conclusion', 'Conclusion note.')
    const before = await stateOf('conclusion')
    const res = await put('conclusion', '{"text":"Broken \\ud800 text."}', 'bob', { 'If-Match': '*' })
    expect(res.status).toBe(422)
    expect(await errorOf(res)).toMatchObject({
      code: 'invalid_text',
      field: 'text',
      message: expect.stringMatching(/lone surrogate/),
    })
    expect(await stateOf('conclusion')).toEqual(before)
  })

  it.each([
    ['an escape sequence', '"Legal \\u001b]0;pwned\\u0007 review"', 'U+001B'],
    ['a NUL', '"legal\\u0000review"', 'U+0000'],
    ['a bidi override', '"legal \\u202Ereview"', 'U+202E'],
    ['a zero-width space', '"legal\\u200Breview"', 'U+200B'],
    ['a lone surrogate', '"legal \\udc00 review"', 'lone surrogate'],
  ])('refuses a note with %s with 422 naming it, changing nothing', async (_, note, named) => {
    await publish('home', 'Home note.')
    const before = await stateOf('home')
    const res = await put('home', `{"text":"A fine text.","note":${note}}`, 'bob', { 'If-Match': '*' })
    expect(res.status).toBe(422)
    const error = await errorOf(res)
    expect(error).toMatchObject({ code: 'invalid_text', field: 'note' })
    expect(error.message).toContain(named)
    expect(await stateOf('home')).toEqual(before)
  })

  it('admits the longest valid body, every character JSON-escaped, and refuses one byte over MAX_BODY_BYTES with 413', async () => {
    const text = '😀'.repeat(MAX_DISCLAIMER_LENGTH)
    const note = '😀'.repeat(MAX_NOTE_LENGTH)
    const body = `{"text":"${escaped(text)}","note":"${escaped(note)}"}`
    const res = await put('global', body, 'bob', { 'If-None-Match': '*' })
    expect(res.status).toBe(200)
    expect(((await res.json()) as Published).version).toMatchObject({ text, note })
    const before = await stateOf('global')
    const exactly = await put('global', body.padEnd(MAX_BODY_BYTES, ' '), 'bob', { 'If-Match': '*' })
    expect(exactly.status).toBe(200)
    const over = await put('global', body.padEnd(MAX_BODY_BYTES + 1, ' '), 'bob', { 'If-Match': '*' })
    expect(over.status).toBe(413)
    expect((await errorOf(over)).code).toBe('body_too_large')
    expect(await stateOf('global')).toEqual(before)
  })

  it.each([
    ['cut short', '{"text":'],
    ['empty', ''],
    ['not JSON at all', 'text=hello'],
  ])('refuses a JSON body that is %s with 400, changing nothing', async (_, body) => {
    await publish('conclusion', 'Conclusion note.')
    const before = await stateOf('conclusion')
    const res = await put('conclusion', body, 'bob', { 'If-Match': '*' })
    expect(res.status).toBe(400)
    expect(await errorOf(res)).toEqual({ code: 'invalid_json', message: expect.stringContaining('not valid JSON') })
    expect(await stateOf('conclusion')).toEqual(before)
  })

  it('refuses a body that is not JSON with 415, changing nothing', async () => {
    await publish('conclusion', 'Conclusion note.')
    const before = await stateOf('conclusion')
    const res = await admin('/disclaimers/conclusion', {
      method: 'PUT',
      headers: headersOf('bob', { 'Content-Type': 'text/plain', 'If-Match': '*' }),
      body: 'Plain text.',
    })
    expect(res.status).toBe(415)
    expect(await stateOf('conclusion')).toEqual(before)
  })

  it('answers the same text again as unchanged, without a new version', async () => {
    const version = await publish('exploring-kratom', 'Exploring note.')
    const res = await put('exploring-kratom', { text: '  Exploring note.\n' }, 'bob', {
      'If-Match': `"${version.version}"`,
    })
    expect(res.status).toBe(200)
    expect(((await res.json()) as Published).status).toBe('unchanged')
    expect(await history('exploring-kratom')).toHaveLength(1)
  })
})

describe('a scheduled change', () => {
  it('refuses a second one for the disclaimer while one is pending, 409 naming the first, and records nothing', async () => {
    const live = await publish('conclusion', 'Conclusion note.')
    const at = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString()
    const first = await put('conclusion', { text: 'At ten.', effectiveAt: at(2) }, 'alice', {
      'If-Match': `"${live.version}"`,
    })
    expect(first.status).toBe(202)
    const { schedule } = (await first.json()) as { schedule: { id: number; effectiveAt: string } }

    const second = await put('conclusion', { text: 'At eleven.', effectiveAt: at(3) }, 'bob', {
      'If-Match': `"${live.version}"`,
    })

    expect(second.status).toBe(409)
    const error = (await second.json()) as { error: { code: string; message: string; schedule: { id: number } } }
    expect(error.error).toMatchObject({ code: 'schedule_conflict', schedule: { id: schedule.id } })
    expect(error.error.message).toMatch(
      new RegExp(
        `^schedule ${schedule.id}, by alice, already changes this disclaimer at \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} \\(UTC-0[45]:00, America/New_York\\); .*cancel that one first$`,
      ),
    )
    const schedules = (await (await get('/schedules')).json()) as { schedules: { id: number }[] }
    expect(schedules.schedules.map((entry) => entry.id)).toEqual([schedule.id])
  })
})

describe('POST /admin/disclaimers/:target/rollback', () => {
  it('makes an earlier version current again as a new rollback version, and pages show it', async () => {
    const first = await publish('conclusion', 'Conclusion note, first.')
    const second = await publish('conclusion', 'Conclusion note, second.')
    const res = await send(
      'POST',
      '/disclaimers/conclusion/rollback',
      { version: first.version, note: 'back' },
      'bob',
      {
        'If-Match': `"${second.version}"`,
      },
    )
    expect(res.status).toBe(200)
    const { version } = (await res.json()) as Published
    expect(version).toMatchObject({
      how: 'rollback',
      rollbackOf: first.version,
      text: first.text,
      by: 'bob',
      note: 'back',
    })
    expect(version.version).toBeGreaterThan(second.version)
    expect(await env.DISCLAIMERS.get(keyOf('conclusion'))).toBe('Conclusion note, first.')
    expect(await pageText('/conclusion')).toContain('Conclusion note, first.')
  })

  it('treats a rollback to the current version as a no-op: 200, status unchanged, no new history row', async () => {
    await publish('conclusion', 'Conclusion note, first.')
    const live = await publish('conclusion', 'Conclusion note, second.')
    const before = await stateOf('conclusion')
    const res = await send('POST', '/disclaimers/conclusion/rollback', { version: live.version }, 'bob', {
      'If-Match': `"${live.version}"`,
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as Published
    expect(body.status).toBe('unchanged')
    expect(body.version.version).toBe(live.version)
    expect(await stateOf('conclusion')).toEqual(before)
  })

  it('refuses a version of another target with 404, and a rollback without a precondition with 428', async () => {
    const other = await publish('home', 'Home note.')
    const live = await publish('conclusion', 'Conclusion note.')
    const before = await stateOf('conclusion')
    const foreign = await send('POST', '/disclaimers/conclusion/rollback', { version: other.version }, 'bob', {
      'If-Match': `"${live.version}"`,
    })
    expect(foreign.status).toBe(404)
    expect((await errorOf(foreign)).code).toBe('unknown_version')
    const bare = await send('POST', '/disclaimers/conclusion/rollback', { version: live.version }, 'bob')
    expect(bare.status).toBe(428)
    expect(await stateOf('conclusion')).toEqual(before)
  })
})

describe('history, versions, time and audit', () => {
  it('lists a target’s versions newest first and answers each by number', async () => {
    const first = await publish('full-article', 'Full article note, first.')
    const second = await publish('full-article', 'Full article note, second.')
    expect((await history('full-article')).map((entry) => entry.version)).toEqual([second.version, first.version])
    const one = await get(`/disclaimers/full-article/versions/${first.version}`)
    expect(one.status).toBe(200)
    expect(((await one.json()) as LedgerVersion).text).toBe('Full article note, first.')
    const elsewhere = await get(`/disclaimers/home/versions/${first.version}`)
    expect(elsewhere.status).toBe(404)
  })

  it('answers /at?time= with the version pages showed then, from when KV took it', async () => {
    const first = await publish('understanding-muscle-soreness', 'Soreness note, first.')
    const second = await publish('understanding-muscle-soreness', 'Soreness note, second.')
    const at = async (time: number | string) => {
      const iso = typeof time === 'number' ? new Date(time).toISOString() : time
      const res = await get(`/disclaimers/understanding-muscle-soreness/at?time=${encodeURIComponent(iso)}`)
      expect(res.status).toBe(200)
      return ((await res.json()) as { version: LedgerVersion | null }).version?.version ?? null
    }
    const landed = (version: LedgerVersion) => Date.parse(version.landedAt as string)
    expect(await at(landed(first) - 1)).toBeNull()
    expect(await at(landed(first))).toBe(first.version)
    expect(await at(landed(second) - 1)).toBe(first.version)
    expect(await at(landed(second))).toBe(second.version)
    expect(await at(landed(second) + 86_400_000)).toBe(second.version)
  })

  it('answers /at with what pages showed: the bundled default for a broken text, and no note where a page has none', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    await publish('global', 'Global note.')
    await publish('conclusion', 'Conclusion note.')
    await env.DISCLAIMERS.put(keyOf('global'), 'Broken\u200Bglobal note.')
    await env.DISCLAIMERS.put(keyOf('conclusion'), 'Broken\u200Bconclusion note.')
    await exports.default.scheduled()
    const at = async (target: string) => {
      const res = await get(`/disclaimers/${target}/at?time=${encodeURIComponent(new Date().toISOString())}`)
      expect(res.status).toBe(200)
      return (await res.json()) as { shows: string; text: string | null; reason: string; version: LedgerVersion }
    }

    const global = await at('global')
    const conclusion = await at('conclusion')

    expect(global).toMatchObject({
      shows: 'default',
      text: DEFAULT_DISCLAIMERS.get('disclaimer')?.text,
      version: { how: 'external', valid: false, text: 'Broken\u200Bglobal note.' },
    })
    expect(global.reason).toMatch(/breaks the rule \(.*U\+200B.*\): pages showed the bundled default$/)
    expect(conclusion).toMatchObject({ shows: 'none', text: null, version: { how: 'external', valid: false } })
    expect(conclusion.reason).toMatch(/: the page showed no note$/)
  })

  it('refuses /at without a date and time with its offset with 400, saying what to send', async () => {
    for (const query of [
      '',
      '?time=',
      '?time=yesterday',
      '?time=1',
      '?time=2026-11-28T09:30:00',
      '?time=2026-02-31T09:30Z',
    ]) {
      const res = await get(`/disclaimers/home/at${query}`)
      expect(res.status, query).toBe(400)
      const error = await errorOf(res)
      expect(error.code, query).toBe('invalid_query')
      expect(error.message, query).toContain('e.g. 2026-11-28T09:30:00Z')
    }
  })

  it('lists every version of every target newest first, in pages', async () => {
    const a = await publish('home', 'Home note.')
    const b = await publish('conclusion', 'Conclusion note.')
    const c = await publish('home', 'Home note, revised.')
    const audit = async (query: string) =>
      ((await (await get(`/audit${query}`)).json()) as { versions: LedgerVersion[] }).versions.map((v) => v.version)
    expect(await audit('')).toEqual([c.version, b.version, a.version])
    expect(await audit('?limit=2')).toEqual([c.version, b.version])
    expect(await audit(`?limit=2&before=${b.version}`)).toEqual([a.version])
  })

  it.each(['limit=1.5', 'limit=-1', 'limit=0', 'limit=501', 'before=abc', 'before=', 'limit=2&limit=3', 'page=2'])(
    'refuses /audit?%s with 400 naming the parameter, instead of answering a list an auditor could trust',
    async (query) => {
      await publish('home', 'Home note.')
      const res = await get(`/audit?${query}`)
      expect(res.status).toBe(400)
      const error = await errorOf(res)
      expect(error.code).toBe('invalid_query')
      expect(error.message).toContain(query.split('=')[0])
    },
  )
})

describe('proposals', () => {
  async function propose(target: string, text: string, editor: TestEditor, note?: string) {
    const now = await current(target)
    const precondition: Record<string, string> = now ? { 'If-Match': `"${now.version}"` } : { 'If-None-Match': '*' }
    return send(
      'POST',
      `/disclaimers/${target}/proposals`,
      note === undefined ? { text } : { text, note },
      editor,
      precondition,
    )
  }

  it('records a proposal (201) without making it live', async () => {
    const live = await publish('exploring-kratom', 'Exploring note.')
    const before = await stateOf('exploring-kratom')
    const res = await propose('exploring-kratom', 'Exploring note, proposed.', 'alice', 'for review')
    expect(res.status).toBe(201)
    const { proposal } = (await res.json()) as { proposal: Proposal }
    expect(proposal).toMatchObject({ status: 'open', by: 'alice', base: live.version, note: 'for review' })
    expect(await stateOf('exploring-kratom')).toEqual(before)
    const open = (await (await get('/proposals?status=open')).json()) as { proposals: Proposal[] }
    expect(open.proposals.map((entry) => entry.id)).toEqual([proposal.id])
  })

  it('refuses the proposer’s own approval with 403, leaving the proposal open', async () => {
    await publish('exploring-kratom', 'Exploring note.')
    const { proposal } = (await (await propose('exploring-kratom', 'Self-approved?', 'alice')).json()) as {
      proposal: Proposal
    }
    const before = await stateOf('exploring-kratom')
    const res = await send('POST', `/proposals/${proposal.id}/approve`, {}, 'alice')
    expect(res.status).toBe(403)
    expect((await errorOf(res)).code).toBe('self_approval')
    expect(await stateOf('exploring-kratom')).toEqual(before)
    expect(((await (await get(`/proposals/${proposal.id}`)).json()) as Proposal).status).toBe('open')
  })

  it('answers an approval sent again (a reload) with 409 already_approved, naming the version, and writes nothing', async () => {
    await publish('exploring-kratom', 'Exploring note.')
    const { proposal } = (await (await propose('exploring-kratom', 'Approved once.', 'alice')).json()) as {
      proposal: Proposal
    }
    const first = await send('POST', `/proposals/${proposal.id}/approve`, {}, 'bob')
    const { version } = (await first.json()) as Published
    const before = await stateOf('exploring-kratom')
    const again = await send('POST', `/proposals/${proposal.id}/approve`, {}, 'bob')
    expect(again.status).toBe(409)
    expect(await errorOf(again)).toEqual({
      code: 'already_approved',
      message: `proposal ${proposal.id} was already approved by bob and published as version ${version.version}`,
    })
    expect(await stateOf('exploring-kratom')).toEqual(before)
  })

  it('publishes when another editor approves: written by the proposer, approved by the approver', async () => {
    await publish('exploring-kratom', 'Exploring note.')
    const { proposal } = (await (
      await propose('exploring-kratom', 'Exploring note, approved.', 'alice', 'legal review')
    ).json()) as {
      proposal: Proposal
    }
    const res = await send('POST', `/proposals/${proposal.id}/approve`, { note: 'checked' }, 'bob')
    expect(res.status).toBe(200)
    const { version } = (await res.json()) as Published
    expect(version).toMatchObject({
      text: 'Exploring note, approved.',
      how: 'publish',
      by: 'alice',
      approvedBy: 'bob',
      proposalId: proposal.id,
      note: 'legal review',
    })
    expect(await env.DISCLAIMERS.get(keyOf('exploring-kratom'))).toBe('Exploring note, approved.')
    expect(await pageText('/exploring-kratom')).toContain('Exploring note, approved.')
    const decided = (await (await get(`/proposals/${proposal.id}`)).json()) as Proposal
    expect(decided).toMatchObject({
      status: 'approved',
      decidedBy: 'bob',
      reason: 'checked',
      publishedVersion: version.version,
    })
  })

  it('refuses to approve a proposal whose base is no longer current with 412', async () => {
    await publish('exploring-kratom', 'Exploring note.')
    const { proposal } = (await (await propose('exploring-kratom', 'Based on the old text.', 'alice')).json()) as {
      proposal: Proposal
    }
    await publish('exploring-kratom', 'Exploring note, edited meanwhile.', 'carol')
    const before = await stateOf('exploring-kratom')
    const res = await send('POST', `/proposals/${proposal.id}/approve`, {}, 'bob')
    expect(res.status).toBe(412)
    expect(await errorOf(res)).toMatchObject({ code: 'version_mismatch' })
    expect(await stateOf('exploring-kratom')).toEqual(before)
    expect((await (await get(`/proposals/${proposal.id}`)).json()) as Proposal).toMatchObject({
      status: 'open',
      publishedVersion: null,
    })
  })

  it('rejects with a reason, and refuses a reason with control characters with 422 naming them', async () => {
    await publish('exploring-kratom', 'Exploring note.')
    const { proposal } = (await (await propose('exploring-kratom', 'Not good enough.', 'alice')).json()) as {
      proposal: Proposal
    }
    const bad = await send('POST', `/proposals/${proposal.id}/reject`, '{"reason":"no \\u001b[2J source"}', 'bob')
    expect(bad.status).toBe(422)
    expect(await errorOf(bad)).toMatchObject({
      code: 'invalid_text',
      field: 'reason',
      message: expect.stringContaining('U+001B'),
    })
    expect(((await (await get(`/proposals/${proposal.id}`)).json()) as Proposal).status).toBe('open')
    const res = await send('POST', `/proposals/${proposal.id}/reject`, { reason: 'cites no source' }, 'bob')
    expect(res.status).toBe(200)
    expect(((await (await get(`/proposals/${proposal.id}`)).json()) as Proposal).status).toBe('rejected')
  })

  it('refuses a proposal whose note has control characters with 422, recording nothing', async () => {
    await publish('exploring-kratom', 'Exploring note.')
    const res = await propose('exploring-kratom', 'A fine text.', 'alice', 'note \u202E reversed')
    expect(res.status).toBe(422)
    expect((await errorOf(res)).message).toContain('U+202E')
    expect(((await (await get('/proposals')).json()) as { proposals: Proposal[] }).proposals).toEqual([])
  })

  it('answers an unknown proposal with 404, and an unknown status or target filter with 400', async () => {
    expect((await get('/proposals/4242')).status).toBe(404)
    expect((await get('/proposals?status=pending')).status).toBe(400)
    const unknownTarget = await get('/proposals?target=nowhere')
    expect(unknownTarget.status).toBe(400)
    expect(await errorOf(unknownTarget)).toMatchObject({
      code: 'invalid_query',
      message: `target: no disclaimer "nowhere"; use one of: ${TARGETS.join(', ')}`,
    })
  })
})

describe('POST /admin/seed', () => {
  it('writes the bundled defaults once; a second call seeds nothing', async () => {
    const first = await send('POST', '/seed', {}, 'carol')
    expect(first.status).toBe(200)
    const { seeded } = (await first.json()) as { seeded: Published[] }
    expect(seeded.map((result) => result.version.key).sort()).toEqual([...DEFAULT_DISCLAIMERS.keys()].sort())
    for (const { version } of seeded) {
      expect(version).toMatchObject({ how: 'seed', by: 'carol', text: DEFAULT_DISCLAIMERS.get(version.key)?.text })
      expect(await env.DISCLAIMERS.get(version.key)).toBe(version.text)
    }
    const again = await send('POST', '/seed', {}, 'carol')
    expect(again.status).toBe(200)
    expect(await again.json()).toEqual({ seeded: [] })
    expect(await history('global')).toHaveLength(1)
  })

  it('leaves a target that already has a version alone', async () => {
    const own = await publish('dosage-and-safety', 'Dosage note from an editor.')
    const res = await send('POST', '/seed', {}, 'carol')
    const { seeded } = (await res.json()) as { seeded: Published[] }
    expect(seeded.map((result) => result.version.target)).toEqual(['global'])
    expect((await current('dosage-and-safety'))?.version).toBe(own.version)
  })
})

describe('a read that a write builds on (a text changed around the ledger)', () => {
  it('answers what KV holds, unrecorded, with an ETag naming it, and records nothing', async () => {
    const own = await publish('conclusion', 'Conclusion note, through the ledger.')
    await env.DISCLAIMERS.put('disclaimer:conclusion', 'Put with plain wrangler.')
    const res = await get('/disclaimers/conclusion')
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      current: LedgerVersion
      unrecorded: { text: string; valid: boolean }
      base: string
    }
    expect(body.current.version).toBe(own.version)
    expect(body.unrecorded).toMatchObject({ text: 'Put with plain wrangler.', valid: true })
    expect(res.headers.get('ETag')).toBe(`"${body.base}"`)
    expect(body.base).toMatch(/^kv-[0-9a-f]{64}$/)
    expect(await history('conclusion')).toHaveLength(1)
  })

  it('lets a write on that ETag through the first time: the side door is recorded, then the change', async () => {
    await publish('conclusion', 'Conclusion note, through the ledger.')
    await env.DISCLAIMERS.put('disclaimer:conclusion', 'Put with plain wrangler.')
    const etag = (await get('/disclaimers/conclusion')).headers.get('ETag') as string
    const res = await put('conclusion', { text: 'Conclusion note, fixed.' }, 'alice', { 'If-Match': etag })
    expect(res.status, await res.clone().text()).toBe(200)
    const [fixed, side] = await history('conclusion')
    expect(side).toMatchObject({ how: 'external', text: 'Put with plain wrangler.', by: 'outside the ledger' })
    expect(fixed).toMatchObject({ how: 'publish', text: 'Conclusion note, fixed.', by: 'alice' })
  })

  it('refuses a write on what it read once KV changed again, saying the text was changed outside the ledger', async () => {
    await publish('conclusion', 'Conclusion note, through the ledger.')
    const etag = (await get('/disclaimers/conclusion')).headers.get('ETag') as string
    await env.DISCLAIMERS.put('disclaimer:conclusion', 'Put with plain wrangler after the read.')
    const res = await put('conclusion', { text: 'Conclusion note, edited.' }, 'alice', { 'If-Match': etag })
    expect(res.status).toBe(412)
    const error = await errorOf(res)
    expect(error.code).toBe('version_mismatch')
    expect(error.message).toContain('changed outside the ledger (external)')
    expect(await env.DISCLAIMERS.get('disclaimer:conclusion')).toBe('Put with plain wrangler after the read.')
  })

  it('lists every target as pages show it, an unrecorded text included, and records nothing', async () => {
    await env.DISCLAIMERS.put('disclaimer:home', 'Home note put around the ledger.')
    const res = await get('/disclaimers')
    const { disclaimers } = (await res.json()) as {
      disclaimers: { target: string; unrecorded: { text: string } | null }[]
    }
    expect(disclaimers.find((entry) => entry.target === 'home')?.unrecorded?.text).toBe(
      'Home note put around the ledger.',
    )
    expect(await history('home')).toEqual([])
  })
})

describe('write-through', () => {
  it('shows a publish on the next page this isolate serves, though its cache still held the old text', async () => {
    const { createApp } = await import('../../../src/index.ts')
    const app = createApp()
    const same = (path: string, init: RequestInit = {}) => request(path, init, {}, app)
    await publish('global', 'The global disclaimer before the edit.')
    expect(await (await same('/')).text()).toContain('The global disclaimer before the edit.')
    const etag = (await same('/admin/disclaimers/global', { headers: headersOf('carol') })).headers.get('ETag')
    const res = await same('/admin/disclaimers/global', {
      method: 'PUT',
      headers: headersOf('alice', { 'Content-Type': 'application/json', 'If-Match': etag as string }),
      body: JSON.stringify({ text: 'The global disclaimer after the edit.' }),
    })
    expect(res.status).toBe(200)
    const page = await same('/')
    expect(await page.text()).toContain('The global disclaimer after the edit.')
    expect(page.headers.get('Disclaimer-Version')).toContain(
      `disclaimer=v${((await res.json()) as Published).version.version}/`,
    )
  })
})

describe('the legacy import', () => {
  it('cannot be run by a request, only read: whether it ran and what it found', async () => {
    const run = await send('POST', '/import', {}, 'alice')
    expect(run.status).toBe(405)
    expect(run.headers.get('Allow')).toBe('GET, HEAD')
    const read = await get('/import')
    expect(read.status).toBe(200)
    expect(await read.json()).toEqual({ import: null })
  })
})

describe('sign-in without a client address', () => {
  it('is refused before the token is checked, so no shared count exists to lock others out', async () => {
    for (const editor of ['alice', 'nobody'] as const) {
      const res = await admin('/whoami', {
        headers: {
          Authorization: `Bearer ${editor === 'alice' ? bearer('alice').Authorization.slice(7) : 'x'.repeat(40)}`,
          'CF-Connecting-IP': '',
        },
      })
      expect(res.status, editor).toBe(400)
      expect((await errorOf(res)).code).toBe('no_client_address')
    }
  })
})

describe('history in pages', () => {
  it('says where the next page starts, and lists every version across pages', async () => {
    const made: LedgerVersion[] = []
    for (let index = 1; index <= 5; index++) made.push(await publish('home', `Home note ${index}.`))
    const page = async (query: string) =>
      (await (await get(`/disclaimers/home/history${query}`)).json()) as {
        versions: LedgerVersion[]
        next: number | null
      }
    const first = await page('?limit=2')
    expect(first.versions.map((entry) => entry.version)).toEqual([made[4]?.version, made[3]?.version])
    const second = await page(`?limit=2&before=${first.next}`)
    const third = await page(`?limit=2&before=${second.next}`)
    expect([...first.versions, ...second.versions, ...third.versions].map((entry) => entry.text)).toEqual(
      made.map((entry) => entry.text).toReversed(),
    )
    expect(third.next).toBeNull()
  })
})
