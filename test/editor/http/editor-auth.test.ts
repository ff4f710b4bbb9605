import { reset } from 'cloudflare:test'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { tokenHash } from '../../../src/core/editors.ts'
import { clientAddress } from '../../../src/editor/http/editor-auth.ts'
import { FAILED_SIGN_IN_COST, FAILED_SIGN_INS_PER_WINDOW } from '../../../src/editor/http/rate-limit.ts'
import WRANGLER from '../../../wrangler.toml?raw'
import { bearer, TEST_EDITORS } from '../../fixtures/editors.ts'
import { request } from '../../helpers.ts'

const SITE_404 = '<h1>Page not found</h1>'

function whoami(headers: Record<string, string>, bindings: Partial<Env> = {}) {
  return request('/admin/whoami', { headers }, bindings)
}

/** Rate-limit windows are aligned to the clock; start a count well inside one so it cannot roll over midway. */
async function awayFromWindowEdge(marginMs = 5_000) {
  const left = 60_000 - (Date.now() % 60_000)
  if (left < marginMs) await scheduler.wait(left + 250)
}

beforeEach(async () => {
  await reset()
})

afterEach(() => {
  vi.restoreAllMocks()
})

describe('editorAuth', () => {
  it.each(['alice', 'bob'] as const)('signs %s in by their own token and names them', async (editor) => {
    const res = await whoami({ ...bearer(editor), 'CF-Connecting-IP': '192.0.2.1' })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { editor: string }).editor).toBe(editor)
  })

  it.each([
    ['no Authorization header', {}],
    ['an unknown token of the right length', { Authorization: `Bearer ${'x'.repeat(40)}` }],
    ['a token that only starts right', { Authorization: `Bearer ${TEST_EDITORS.alice.token}x` }],
    ['a token cut short by one character', { Authorization: `Bearer ${TEST_EDITORS.alice.token.slice(0, -1)}` }],
    ['the token hash instead of the token', { Authorization: `Bearer ${TEST_EDITORS.alice.hash}` }],
    ['a Basic credential', { Authorization: `Basic ${btoa(`alice:${TEST_EDITORS.alice.token}`)}` }],
    ['a lower-case scheme', { Authorization: `bearer ${TEST_EDITORS.alice.token}` }],
    ['two spaces after the scheme', { Authorization: `Bearer  ${TEST_EDITORS.alice.token}` }],
    ['an empty bearer', { Authorization: 'Bearer ' }],
  ])('refuses %s with 401, a Bearer challenge and a JSON error', async (_, headers) => {
    const res = await whoami({ ...headers, 'CF-Connecting-IP': '192.0.2.2' })
    expect(res.status).toBe(401)
    expect(res.headers.get('WWW-Authenticate')).toBe('Bearer realm="disclaimer editors"')
    expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: expect.stringContaining('Bearer') } })
  })

  it('never signs in with a token shorter than 32 characters, even one EDITORS holds the hash of', async () => {
    const short = 's'.repeat(31)
    const exact = 'e'.repeat(32)
    const EDITORS = JSON.stringify({ shorty: await tokenHash(short), exacta: await tokenHash(exact) })
    const refused = await whoami({ Authorization: `Bearer ${short}`, 'CF-Connecting-IP': '192.0.2.3' }, { EDITORS })
    expect(refused.status).toBe(401)
    const accepted = await whoami({ Authorization: `Bearer ${exact}`, 'CF-Connecting-IP': '192.0.2.3' }, { EDITORS })
    expect(accepted.status).toBe(200)
    expect(((await accepted.json()) as { editor: string }).editor).toBe('exacta')
  })

  it('answers the 11th bad token from one address within a minute with 429 and Retry-After', async () => {
    await awayFromWindowEdge()
    const bad = { Authorization: `Bearer ${'b'.repeat(40)}`, 'CF-Connecting-IP': '198.51.100.11' }
    for (let attempt = 1; attempt <= 10; attempt++) {
      expect((await whoami(bad)).status, `attempt ${attempt}`).toBe(401)
    }
    const limited = await whoami(bad)
    expect(limited.status).toBe(429)
    expect(limited.headers.get('Retry-After')).toBe('60')
    expect(await limited.json()).toEqual({
      error: { code: 'rate_limited', message: expect.stringContaining('too many failed sign-ins') },
    })
  }, 15_000)

  it('makes every sign-in from an address over the limit wait, the right token too, and only that address', async () => {
    await awayFromWindowEdge()
    const address = '198.51.100.12'
    const bad = { Authorization: `Bearer ${'b'.repeat(40)}`, 'CF-Connecting-IP': address }
    for (let attempt = 1; attempt <= 10; attempt++) expect((await whoami(bad)).status, `attempt ${attempt}`).toBe(401)
    const right = await whoami({ ...bearer('carol'), 'CF-Connecting-IP': address })
    expect(right.status).toBe(429)
    expect(right.headers.get('Retry-After')).toBe('60')
    expect(await right.json()).toEqual({
      error: { code: 'rate_limited', message: 'too many failed sign-ins from your address; try again in a minute' },
    })
    expect((await whoami({ ...bad, 'CF-Connecting-IP': '198.51.100.13' })).status).toBe(401)
    expect((await whoami({ ...bearer('carol'), 'CF-Connecting-IP': '198.51.100.13' })).status).toBe(200)
  }, 15_000)

  it('counts an editor’s own requests one each: after 9 failures dozens still sign in, and the 10th locks the address', async () => {
    await awayFromWindowEdge()
    const address = '198.51.100.14'
    const bad = { Authorization: `Bearer ${'b'.repeat(40)}`, 'CF-Connecting-IP': address }
    for (let attempt = 1; attempt <= 9; attempt++) expect((await whoami(bad)).status).toBe(401)
    for (let request = 1; request <= 40; request++) {
      const res = await whoami({ ...bearer('alice'), 'CF-Connecting-IP': address })
      expect(res.status, `request ${request}`).toBe(200)
    }
    expect((await whoami(bad)).status).toBe(401)
    expect((await whoami({ ...bearer('alice'), 'CF-Connecting-IP': address })).status).toBe(429)
  }, 60_000)

  it('counts a request that sends no token as an attempt, not as a failed sign-in', async () => {
    await awayFromWindowEdge()
    const address = '198.51.100.15'
    for (let attempt = 1; attempt <= 15; attempt++) {
      expect((await whoami({ 'CF-Connecting-IP': address })).status, `attempt ${attempt}`).toBe(401)
    }
    expect((await whoami({ ...bearer('alice'), 'CF-Connecting-IP': address })).status).toBe(200)
  }, 15_000)

  it('has AUTH_FAILURES limit 10 failed sign-ins a minute in every environment', () => {
    const limits = [...WRANGLER.matchAll(/AUTH_FAILURES"[\s\S]*?limit = (\d+), period = (\d+)/g)]
    expect(limits.map((found) => [Number(found[1]), Number(found[2])])).toEqual([
      [FAILED_SIGN_INS_PER_WINDOW * FAILED_SIGN_IN_COST, 60],
      [FAILED_SIGN_INS_PER_WINDOW * FAILED_SIGN_IN_COST, 60],
      [FAILED_SIGN_INS_PER_WINDOW * FAILED_SIGN_IN_COST, 60],
    ])
    expect(FAILED_SIGN_INS_PER_WINDOW).toBe(10)
  })

  it.each([
    ['unset', undefined],
    ['empty', ''],
  ])('is the site 404 when EDITORS is %s, whatever is sent', async (_, EDITORS) => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    for (const headers of [bearer('alice'), { Authorization: 'Bearer ' }, {}]) {
      const res = await whoami({ ...headers, 'CF-Connecting-IP': '192.0.2.4' }, { EDITORS })
      expect(res.status).toBe(404)
      expect(res.headers.get('WWW-Authenticate')).toBeNull()
      expect(await res.text()).toContain(SITE_404)
    }
  })

  it.each([
    ['not JSON', 'alice=sha256:abc', /EDITORS is not JSON/],
    ['a JSON array', '["alice"]', /EDITORS must be a JSON object/],
    ['an object naming nobody', '{}', /EDITORS names no editor/],
    [
      'an entry that is a plain token',
      '{"alice":"test-token-alice-plain-text-0000"}',
      /entry for "alice" must be "sha256:<64 hex digits>"/,
    ],
    ['an entry with a short hash', '{"bob":"sha256:abc123"}', /entry for "bob" must be "sha256:<64 hex digits>"/],
    ['an entry with upper-case hex', `{"carol":"${TEST_EDITORS.carol.hash.toUpperCase()}"}`, /entry for "carol"/],
    [
      'an invalid editor name',
      `{"alice smith":"${TEST_EDITORS.alice.hash}"}`,
      /"alice smith" is not a valid editor name/,
    ],
  ])('is the site 404, and logs why, when EDITORS is %s', async (_, EDITORS, reason) => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const res = await whoami({ ...bearer('alice'), 'CF-Connecting-IP': '192.0.2.5' }, { EDITORS })
    expect(res.status).toBe(404)
    expect(await res.text()).toContain(SITE_404)
    expect(error).toHaveBeenCalledWith('admin API is off', { reason: expect.stringMatching(reason) })
  })

  it('logs a bad EDITORS once, not on every request', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const EDITORS = '{"dave":"sha256:0"}'
    for (let i = 0; i < 3; i++) {
      expect((await whoami({ ...bearer('alice'), 'CF-Connecting-IP': '192.0.2.6' }, { EDITORS })).status).toBe(404)
    }
    expect(error).toHaveBeenCalledTimes(1)
  })
})

describe('clientAddress', () => {
  it('is the address Cloudflare saw, and none (never a shared bucket, never a header a client can set) without it', () => {
    expect(clientAddress(new Headers({ 'CF-Connecting-IP': '2001:db8::1' }))).toBe('2001:db8::1')
    expect(clientAddress(new Headers({ 'X-Forwarded-For': '203.0.113.9' }))).toBeUndefined()
  })
})
