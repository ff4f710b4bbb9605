import { reset } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { sign } from 'hono/jwt'
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { verifyExport } from '../../../src/core/chain.ts'
import { TARGETS } from '../../../src/core/site-map.ts'
import { inZone } from '../../../src/core/time.ts'
import type { AccessKeys } from '../../../src/editor/http/console-auth.ts'
import { createApp } from '../../../src/index.ts'
import { TEST_EDITORS } from '../../fixtures/editors.ts'
import { request } from '../../helpers.ts'
import { fillBusyRecord } from '../../ledger/helpers.ts'
import { currentBase, form, get, saveDraft, send, signIn, versionCount } from './console-helpers.ts'

const TEAM = 'https://kratom-team.access.test'
/** An Access application's audience tag: 64 hexadecimal digits (core/settings.ts). */
const AUD = 'c0501e0a0d1e2c3e4a5b6c7d8e9f00112233445566778899aabbccddeeff0011'
const ACCESS = { ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD }

let privateKey: JsonWebKey & { alg: string; kid: string }
let otherKey: JsonWebKey & { alg: string; kid: string }
let publicKeys: JsonWebKey[]

/** A key pair made here with Web Crypto; the console gets the public half through its AccessKeys seam. */
async function rsaKey(kid: string) {
  const pair = (await crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair
  const exported = async (key: CryptoKey) => ({
    ...((await crypto.subtle.exportKey('jwk', key)) as JsonWebKey),
    kid,
    alg: 'RS256',
  })
  return { privateKey: await exported(pair.privateKey), publicKey: await exported(pair.publicKey) }
}

beforeAll(async () => {
  const ours = await rsaKey('key-1')
  const theirs = await rsaKey('key-1')
  privateKey = ours.privateKey
  otherKey = theirs.privateKey
  publicKeys = [ours.publicKey]
})

const accessKeys: AccessKeys = async (team) => {
  expect(team).toBe(TEAM)
  return publicKeys as never
}

function accessToken(claims: Record<string, unknown> = {}, key = privateKey) {
  const now = Math.floor(Date.now() / 1000)
  return sign(
    { iss: TEAM, aud: [AUD], email: 'dana@example.org', iat: now - 10, exp: now + 600, ...claims },
    key as never,
  )
}

function viaAccess(path: string, token: string | undefined, init: RequestInit = {}) {
  const headers = new Headers(init.headers)
  if (token) headers.set('Cf-Access-Jwt-Assertion', token)
  return request(path, { ...init, headers }, ACCESS, createApp({ accessKeys }))
}

beforeEach(() => {
  vi.spyOn(console, 'warn').mockImplementation(() => {})
})

describe('console sign-in through Cloudflare Access', () => {
  it('lets in an editor whose Access token is valid', async () => {
    const res = await viaAccess('/console', await accessToken())
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('Signed in as dana@example.org')
  })

  it.each([
    ['expired', () => accessToken({ exp: Math.floor(Date.now() / 1000) - 60 })],
    ['for another application', () => accessToken({ aud: ['another-app'] })],
    ['issued by another team', () => accessToken({ iss: 'https://other-team.access.test' })],
    ['signed by another key', () => accessToken({}, otherKey)],
    ['without an expiry', () => accessToken({ exp: undefined })],
    ['missing', async () => undefined],
  ])('refuses a token that is %s with 401 and shows no console', async (_, token) => {
    const res = await viaAccess('/console', await token())
    expect(res.status).toBe(401)
    const html = await res.text()
    expect(html).toContain('Not signed in')
    expect(html).not.toContain('Signed in as')
    expect(res.headers.get('Cache-Control')).toBe('no-store')
  })

  it('refuses with 403 a valid Access identity who is not an editor', async () => {
    const res = await viaAccess('/console', await accessToken({ email: 'visitor@example.org' }))
    expect(res.status).toBe(403)
    expect(await res.text()).toContain(
      'visitor@example.org is signed in through Cloudflare Access but is not one of the editors',
    )
  })

  it('has no token sign-in form where Access is configured', async () => {
    expect((await viaAccess('/console/sign-in', undefined)).status).toBe(401)
    expect((await viaAccess('/console/sign-in', await accessToken())).status).toBe(404)
  })
})

describe('console sign-in with a token (local)', () => {
  it('gives a signed, HttpOnly, SameSite=Strict session cookie that expires, Secure off only on localhost', async () => {
    const res = await request('/console/sign-in', form({ token: TEST_EDITORS.alice.token }))
    expect(res.status).toBe(303)
    const cookie = res.headers.get('Set-Cookie') ?? ''
    // The editor, when it was issued, when it expires, and which of the editor's tokens opened it; then the signature.
    expect(cookie).toMatch(/^console_session=alice%7C\d+%7C\d+%7C[0-9a-f]{16}\.[A-Za-z0-9%_-]+/)
    expect(cookie).toContain('Max-Age=28800')
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('SameSite=Strict')
    expect(cookie).toContain('Secure')
    const signInForm = form({ token: TEST_EDITORS.alice.token })
    const local = await createApp().request(
      'http://localhost:8787/console/sign-in',
      {
        ...signInForm,
        headers: { ...(signInForm.headers as Record<string, string>), 'CF-Connecting-IP': '127.0.0.1' },
      },
      env,
    )
    expect(local.headers.get('Set-Cookie')).not.toContain('Secure')
  })

  it('opens the console for a signed-in editor and sends others to the sign-in page', async () => {
    const cookie = await signIn('alice')
    const res = await get('/console', cookie)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('Signed in as alice')
    const anonymous = await request('/console')
    expect(anonymous.status).toBe(303)
    expect(anonymous.headers.get('Location')).toBe('/console/sign-in')
  })

  it.each([
    ['tampered with', (cookie: string) => cookie.replace('alice', 'bob')],
    ['signed with another secret', (cookie: string) => cookie.replace(/\.[^.]+$/, '.AAAA')],
    ['expired', (cookie: string) => cookie.replace(/(%7C\d+%7C)\d+/, `$1${Date.now() - 1000}`)],
    ['missing', () => ''],
  ])('refuses a session cookie that is %s', async (_, change) => {
    const cookie = change(await signIn('alice'))
    const res = await get('/console', cookie)
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toBe('/console/sign-in')
    const post = await request('/console/disclaimers/global/drafts', form({ base: '0', text: 'x', note: '' }, cookie))
    expect(post.status).toBe(401)
  })

  it('refuses a wrong token, keeps no session, and signs out', async () => {
    const wrong = await request('/console/sign-in', form({ token: `${TEST_EDITORS.alice.token}x` }))
    expect(wrong.status).toBe(401)
    expect(wrong.headers.get('Set-Cookie')).toBeNull()
    expect(await wrong.text()).toContain('That token does not belong to an editor')
    const cookie = await signIn('alice')
    const out = await request('/console/sign-out', form({}, cookie))
    expect(out.status).toBe(303)
    expect(out.headers.get('Set-Cookie')).toContain('console_session=;')
  })

  it('makes every sign-in from an address that failed 10 times wait, the right token too', async () => {
    const left = 60_000 - (Date.now() % 60_000)
    if (left < 5_000) await scheduler.wait(left + 250)
    const from = (token: string) => {
      const init = form({ token })
      return request('/console/sign-in', {
        ...init,
        headers: { ...(init.headers as object), 'CF-Connecting-IP': '198.51.100.30' },
      })
    }
    for (let attempt = 1; attempt <= 10; attempt++) {
      expect((await from(`${TEST_EDITORS.alice.token}x`)).status, `attempt ${attempt}`).toBe(401)
    }
    const right = await from(TEST_EDITORS.alice.token)
    expect(right.status).toBe(429)
    expect(right.headers.get('Retry-After')).toBe('60')
    expect(right.headers.get('Set-Cookie')).toBeNull()
    expect(await right.text()).toContain(
      'Too many failed sign-ins from your address: every sign-in from it waits a minute.',
    )
  }, 15_000)

  it('does not exist without editors', async () => {
    const res = await request('/console', {}, { EDITORS: '' })
    expect(res.status).toBe(404)
    expect(await res.text()).toContain('<h1>Page not found</h1>')
    expect((await request('/console/sign-in', {}, { EDITORS: '' })).status).toBe(404)
  })
})

describe('console forms', () => {
  it('refuses a cross-origin POST with 403 and writes nothing', async () => {
    const cookie = await signIn('alice')
    const before = await currentBase('home')
    const attack = form({ base: before, text: 'Written by another site.', note: '' }, cookie)
    ;(attack.headers as Record<string, string>).Origin = 'https://evil.example'
    ;(attack.headers as Record<string, string>)['Sec-Fetch-Site'] = 'cross-site'
    const res = await request('/console/disclaimers/home/drafts', attack)
    expect(res.status).toBe(403)
    expect(await res.text()).toContain('sent from another site, so nothing was changed')
    expect(await currentBase('home')).toBe(before)
  })

  it('publishes a reviewed draft and says where it is live', async () => {
    const cookie = await signIn('alice')
    const { location, draft } = await saveDraft('conclusion', 'A conclusion note.', cookie, 'first')
    expect(location).toBe(`${draft}/review`)
    const review = await get(location, cookie)
    expect(review.status).toBe(200)
    const html = await review.text()
    expect(html).toContain('<ins>[inserted: A conclusion note.]</ins>')
    expect(html).toContain(`href="${draft}/preview?page=%2Fconclusion">Preview the page “Conclusion”</a>`)
    expect(html).toContain(`href="${draft}/preview?page=%2Ffull-article">Preview the page “Full article”</a>`)
    const done = await send(draft, 'publish', cookie)
    expect(done).toBe(`${draft}/done`)
    const published = await get(done, cookie)
    expect(published.status).toBe(200)
    expect(await published.text()).toMatch(/v\d+ is live: KV holds it.*within 2 minutes/s)
    expect(await env.DISCLAIMERS.get('disclaimer:conclusion')).toBe('A conclusion note.')
  })

  it('keeps the text and says what is wrong, next to the field, when a draft breaks the rule', async () => {
    const cookie = await signIn('alice')
    const { location } = await saveDraft('global', 'Hidden\u200Bspace', cookie, 'n')
    expect(location).toBe('/console/disclaimers/global/edit')
    const res = await get(location, cookie)
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('<p class="field-error" id="text-error">')
    expect(html).toContain('U+200B at position 7')
    // The field cites its hint and its error; the note, which passed, cites only its hint.
    expect(html).toMatch(/<textarea [^>]*aria-describedby="text-hint text-error" aria-invalid="true"/)
    expect(html).toMatch(/<input type="text" id="note" [^>]*aria-describedby="note-hint"\/?>/)
    expect(html).toContain('>Hidden\u200Bspace</textarea>')
  })

  it('shows both texts when the draft went stale, sends nothing, and overwrites nothing', async () => {
    const cookie = await signIn('alice')
    const { draft } = await saveDraft('exploring-kratom', 'Alice was late.', cookie)
    const bob = await signIn('bob')
    const first = await saveDraft('exploring-kratom', 'Bob got here first.', bob)
    await send(first.draft, 'publish', bob)
    const stale = await get(`${draft}/review`, cookie)
    expect(stale.status).toBe(409)
    const html = await stale.text()
    expect(html).toContain('Your text (not saved)')
    expect(html).toContain('Alice was late.')
    expect(html).toContain('Bob got here first.')
    const sent = await request(`${draft}/publish`, form({ seen: '', effective: '' }, cookie))
    expect(sent.headers.get('Location')).toBe(`${draft}/review`)
    expect(await env.DISCLAIMERS.get('disclaimer:exploring-kratom')).toBe('Bob got here first.')
  })

  it('starts again from the live text after a conflict, with the editor’s own text beside it', async () => {
    const cookie = await signIn('alice')
    const { draft } = await saveDraft('home', 'Mine, unsaved.', cookie)
    const bob = await signIn('bob')
    await send((await saveDraft('home', 'Bob’s home note.', bob)).draft, 'publish', bob)
    const again = await request(`${draft}/restart`, form({}, cookie))
    expect(again.headers.get('Location')).toBe('/console/disclaimers/home/edit')
    const html = await (await get('/console/disclaimers/home/edit', cookie)).text()
    expect(html).toContain('>Bob’s home note.</textarea>')
    expect(html).toContain('Your earlier text (not saved), to copy from</h2><p class="text">Mine, unsaved.</p>')
    const review = await get(`${draft}/review`, cookie)
    expect(review.status).toBe(200)
  })

  it('says in the overview what pages show, an edit made around the ledger included, and records nothing', async () => {
    const cookie = await signIn('alice')
    await env.DISCLAIMERS.put('disclaimer:exploring-kratom', 'Typed into the dashboard.')
    const before = await versionCount('exploring-kratom')
    for (const method of ['GET', 'HEAD']) {
      const res = await request('/console', { method, headers: { Cookie: cookie } })
      expect(res.status, method).toBe(200)
    }
    const html = await (await get('/console', cookie)).text()
    const section = html.slice(html.indexOf('id="t-exploring-kratom"'))
    expect(section).toMatch(/Pages show<\/dt><dd>the text below, changed outside the ledger and not recorded yet/)
    expect(section).toContain('<p class="text">Typed into the dashboard.</p>')
    expect(await versionCount('exploring-kratom')).toBe(before)
  })

  it('edits a text changed around the ledger from what pages show, recording it only when the change is written', async () => {
    const cookie = await signIn('alice')
    await env.DISCLAIMERS.put('disclaimer:dosage-and-safety', 'Typed into the dashboard.')
    const before = await versionCount('dosage-and-safety')
    const edit = await (await get('/console/disclaimers/dosage-and-safety/edit', cookie)).text()
    expect(edit).toContain('You are editing the text in KV, changed outside the ledger')
    expect(edit).toContain('>Typed into the dashboard.</textarea>')
    expect(await versionCount('dosage-and-safety')).toBe(before)
    const { draft, base } = await saveDraft('dosage-and-safety', 'Fixed through the console.', cookie)
    expect(base).toMatch(/^kv-[0-9a-f]{64}$/)
    // The form the editor sends names that text as its base.
    expect(edit).toContain(`<input type="hidden" name="base" value="${base}"/>`)
    expect(await send(draft, 'publish', cookie)).toBe(`${draft}/done`)
    expect(await versionCount('dosage-and-safety')).toBe(before + 2)
  })

  it('shows the real page with the draft, marked as a preview, with ways back to the review and the edit', async () => {
    const cookie = await signIn('alice')
    const { draft } = await saveDraft('dosage-and-safety', 'Draft dosage note.', cookie)
    const res = await get(`${draft}/preview?page=/`, cookie)
    expect(res.status).toBe(200)
    expect(res.headers.get('X-Robots-Tag')).toBe('noindex')
    expect(res.headers.get('Cache-Control')).toBe('no-store')
    const html = await res.text()
    expect(html).toContain('<p>Preview of the page “Overview” with your draft, not live.</p>')
    expect(html).toContain(`<a href="${draft}/review">Back to the review</a>`)
    expect(html).toContain('<a href="/console/disclaimers/dosage-and-safety/edit">Back to editing</a>')
    expect(html).toContain('<p>Draft dosage note.</p>')
    expect(html).toContain('<meta name="robots" content="noindex"/>')
    expect(await env.DISCLAIMERS.get('disclaimer:dosage-and-safety')).not.toBe('Draft dosage note.')
  })

  it('lets a different editor approve a proposal, and never its proposer', async () => {
    const alice = await signIn('alice')
    const { draft } = await saveDraft('understanding-muscle-soreness', 'Proposed by Alice.', alice, 'please review')
    const location = await send(draft, 'propose', alice)
    expect(location).toMatch(/^\/console\/proposals\/\d+$/)
    expect(await (await get(location, alice)).text()).toContain('You proposed this, so another editor must approve it.')
    const self = await request(`${location}/approve`, form({ seen: '' }, alice))
    expect(self.status).toBe(403)
    expect(await env.DISCLAIMERS.get('disclaimer:understanding-muscle-soreness')).not.toBe('Proposed by Alice.')
    const bob = await signIn('bob')
    const approved = await request(`${location}/approve`, form({ seen: '' }, bob))
    expect(approved.status).toBe(303)
    expect(approved.headers.get('Location')).toBe(location)
    expect(await (await get(location, bob)).text()).toMatch(/v\d+ is live: KV holds it/)
    expect(await env.DISCLAIMERS.get('disclaimer:understanding-muscle-soreness')).toBe('Proposed by Alice.')
  })

  it('rolls back from the history after a confirmation step', async () => {
    const cookie = await signIn('alice')
    let base = await currentBase('full-article')
    for (const text of ['Full article note one.', 'Full article note two.']) {
      await send((await saveDraft('full-article', text, cookie)).draft, 'publish', cookie)
      base = await currentBase('full-article')
    }
    const history = await (await get('/console/disclaimers/full-article/history', cookie)).text()
    const link = /href="(\/console\/disclaimers\/full-article\/rollback\/\d+)"/.exec(history)?.[1] as string
    const confirm = await get(link, cookie)
    expect(await confirm.text()).toContain('Yes, roll back to')
    expect(await env.DISCLAIMERS.get('disclaimer:full-article')).toBe('Full article note two.')
    const done = await request(link, form({ base, note: 'back' }, cookie))
    expect(done.status).toBe(200)
    expect(await env.DISCLAIMERS.get('disclaimer:full-article')).toBe('Full article note one.')
  })

  it('sends every console page no-store, noindex, unframable, with forms allowed only to this site', async () => {
    const cookie = await signIn('alice')
    for (const path of [
      '/console',
      '/console/proposals',
      '/console/disclaimers/global/edit',
      '/console/disclaimers/global/history',
      '/console/sign-in',
    ]) {
      const res = await get(path, cookie)
      expect(res.status, path).toBe(200)
      expect(res.headers.get('Cache-Control'), path).toBe('no-store')
      expect(res.headers.get('X-Robots-Tag'), path).toBe('noindex')
      const csp = res.headers.get('Content-Security-Policy') ?? ''
      expect(csp, path).toContain("form-action 'self'")
      expect(csp, path).toContain("frame-ancestors 'none'")
      expect(csp, path).not.toMatch(/script-src|unsafe-inline/)
      expect(await res.text(), path).toContain('<meta name="robots" content="noindex"/>')
    }
  })

  it('shows the new text on the next page this server serves, at once', async () => {
    const cookie = await signIn('alice')
    const app = createApp()
    expect(await (await request('/', {}, {}, app)).text()).not.toContain('The global disclaimer, as just published.')
    const base = await currentBase('global')
    const saved = await request(
      '/console/disclaimers/global/drafts',
      form({ base, text: 'The global disclaimer, as just published.', note: '' }, cookie),
      {},
      app,
    )
    const draft = (saved.headers.get('Location') as string).replace(/\/review$/, '')
    const published = await request(`${draft}/publish`, form({ seen: '', effective: '' }, cookie), {}, app)
    expect(published.headers.get('Location')).toBe(`${draft}/done`)
    expect(await (await request('/', {}, {}, app)).text()).toContain('The global disclaimer, as just published.')
  })
})

describe('signing out', () => {
  it('ends the session everywhere: a copy of the cookie taken before no longer opens the console', async () => {
    const cookie = await signIn('carol')
    expect((await get('/console', cookie)).status).toBe(200)
    expect((await request('/console/sign-out', form({}, cookie))).status).toBe(303)
    const copy = await get('/console', cookie)
    expect(copy.status).toBe(303)
    expect(copy.headers.get('Location')).toBe('/console/sign-in')
    const write = await request('/console/disclaimers/home/drafts', form({ base: 'none', text: 'x', note: '' }, cookie))
    expect(write.status).toBe(401)
  })
})

describe('downloading the record', () => {
  it('streams every row with its end line, as an attachment that verifies offline', async () => {
    const cookie = await signIn('alice')
    const base = await currentBase('home')
    const published = await request('/admin/disclaimers/home', {
      method: 'PUT',
      headers: {
        Authorization: `Bearer ${TEST_EDITORS.carol.token}`,
        'Content-Type': 'application/json',
        ...(base === 'none' ? { 'If-None-Match': '*' } : { 'If-Match': `"${base}"` }),
      },
      body: JSON.stringify({ text: 'Home note, to export.' }),
    })
    expect(published.status).toBe(200)
    const res = await get('/console/export', cookie)
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe('application/jsonl; charset=utf-8')
    expect(res.headers.get('Content-Disposition')).toMatch(
      /^attachment; filename="disclaimer-ledger-\d{4}-\d{2}-\d{2}\.jsonl"$/,
    )
    const text = await res.text()
    const verdict = verifyExport(text)
    expect(verdict.ok).toBe(true)
    const end = JSON.parse(text.trimEnd().split('\n').at(-1) as string)
    expect(end).toEqual({ head: verdict.ok ? verdict.head : '', rows: verdict.rows, exportedAt: expect.any(String) })
    expect(verdict.rows).toBeGreaterThan(0)
  })
})

describe('console query strings', () => {
  it.each([
    ['/console?x=1', 'x: unknown query parameter'],
    ['/console/proposals?target=nowhere', 'target: expected one of global'],
    ['/console/proposals?target=home&target=conclusion', 'target: expected one of'],
    ['/console/disclaimers/global/history?at=yesterday', 'at: expected a date and time'],
    ['/console/disclaimers/global/history?at=2026-02-31T10:00', 'at: expected a date and time'],
    ['/console/disclaimers/global/history?before=abc', 'before: expected a whole number'],
    ['/console/disclaimers/global/edit?base=3', 'base: unknown query parameter'],
  ])('refuses %s with 400 saying what is wrong', async (path, problem) => {
    const cookie = await signIn('alice')
    const res = await get(path, cookie)
    expect(res.status).toBe(400)
    expect(await res.text()).toContain(problem)
  })
})

describe('a second scheduled change', () => {
  it('is refused while one is pending, the review saying which one and the refusal naming it', async () => {
    const cookie = await signIn('editor-01')
    const nextYear = new Date().getUTCFullYear() + 1
    const first = await saveDraft('full-article', 'Scheduled first.', cookie)
    await send(first.draft, 'publish', cookie, { effective: `${nextYear}-01-15T09:00` })

    const second = await saveDraft('full-article', 'Scheduled second.', cookie)
    const review = await (await get(`${second.draft}/review`, cookie)).text()
    expect(review).toContain(`At ${nextYear}-01-15 09:00 (UTC-05:00, America/New_York), by editor-01`)
    expect(review).toContain('Yours cannot be given a time while this one is pending')
    const refused = await send(second.draft, 'publish', cookie, { effective: `${nextYear}-02-15T09:00` })
    expect(refused).toBe(`${second.draft}/review`)
    expect(await (await get(refused, cookie)).text()).toMatch(
      new RegExp(
        `schedule \\d+, by editor-01, already changes this disclaimer at ${nextYear}-01-15 09:00 \\(UTC-05:00, America/New_York\\); a second change scheduled now would replace the same text`,
      ),
    )
  })
})

describe('what was live at, in the site’s time zone', () => {
  it('reads the time typed in America/New_York, answers a past time with its version and a time to come with what is scheduled', async () => {
    const cookie = await signIn('carol')
    await send((await saveDraft('conclusion', 'Live now.', cookie)).draft, 'publish', cookie)
    const past = await (await get('/console/disclaimers/conclusion/history?at=2020-01-01T12:00', cookie)).text()
    expect(past).toContain(
      'At 2020-01-01 12:00 (UTC-05:00, America/New_York): KV held no text the ledger knows of then: the page showed no note.',
    )
    const nextYear = new Date().getUTCFullYear() + 1
    const later = await (await get(`/console/disclaimers/conclusion/history?at=${nextYear}-01-15T09:00`, cookie)).text()
    expect(later).toMatch(
      new RegExp(
        `${nextYear}-01-15 09:00 \\(UTC-05:00, America/New_York\\) is a time to come\\. Now: v\\d+ \\(publish by carol\\) was live`,
      ),
    )
    expect(later).toContain('nothing is scheduled to change it by then')
  })

  it('refuses a time the clocks skip in the site’s zone, saying which times exist', async () => {
    const cookie = await signIn('alice')
    const res = await get('/console/disclaimers/global/history?at=2026-03-08T02:30', cookie)
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('does not exist in America/New_York: the clocks go forward from')
  })
})

describe('who was told', () => {
  it('shows a message still being retried, with its attempts and the email service’s error, and one delivered', async () => {
    const { runInDurableObject, runDurableObjectAlarm } = await import('cloudflare:test')
    const { ledgerOf } = await import('../../../src/core/ledger-address.ts')
    const stub = ledgerOf(env)
    await runInDurableObject(stub, ({ ledger }: import('../../../src/ledger/object.ts').DisclaimerLedger) => {
      ledger.notifier = {
        send: async (message) => {
          if (message.to === 'dana@example.org' && message.event.target === 'home')
            throw new Error('mailbox unavailable')
        },
      }
    })
    const cookie = await signIn('carol')
    await send((await saveDraft('home', 'A note dana is told of later.', cookie)).draft, 'publish', cookie)
    await runDurableObjectAlarm(stub)
    const html = await (await get('/console/notifications', cookie)).text()
    expect(html).toContain(
      'dana@example.org: not yet, still retrying (1 attempt(s); last error: mailbox unavailable; next at',
    )
    const history = await (await get('/console/disclaimers/home/history', cookie)).text()
    expect(history).toContain('still retrying')
  })
})

describe('the overview when messages cannot be delivered', () => {
  it('warns everyone who opens the console of messages given up, since email cannot say so itself', async () => {
    const { runInDurableObject } = await import('cloudflare:test')
    const { ledgerOf } = await import('../../../src/core/ledger-address.ts')
    const cookie = await signIn('alice')
    const quiet = await (await get('/console', cookie)).text()
    expect(quiet).not.toContain('could not be delivered')
    await request(
      '/console/disclaimers/conclusion/publish',
      form({ base: await currentBase('conclusion'), text: 'A note nobody was told of.', note: '' }, cookie),
    )
    // Three days of a refusing mailbox, as the alarm would have left it.
    const gaveUpAt = new Date().toISOString()
    await runInDurableObject(ledgerOf(env), (_instance: unknown, state: DurableObjectState) => {
      state.storage.sql.exec(
        "UPDATE deliveries SET attempts = 150, next_at = NULL, last_error = 'Email Service: 503', gave_up_at = ?",
        gaveUpAt,
      )
    })

    const html = await (await get('/console', cookie)).text()

    expect(html).toMatch(/<p class="notice" role="status">\d+ message\(s\) could not be delivered and were given up/)
    expect(html).toContain(
      `in the last week (the last at ${inZone(Date.parse(gaveUpAt), 'America/New_York')}: Email Service: 503)`,
    )
    expect(html).toContain('check Email Service and EMAIL_FROM')
  })
})

describe('the console, its long lists', () => {
  it('shows 25 versions or events a page, newest first, with the pager to the older ones', async () => {
    await reset()
    await fillBusyRecord({ versions: 60 * TARGETS.length, proposals: 10, schedules: 5, events: 60 })
    const api = async <T,>(path: string) =>
      (await (
        await request(`/admin${path}`, { headers: { Authorization: `Bearer ${TEST_EDITORS.carol.token}` } })
      ).json()) as T
    const cookie = await signIn('alice')
    const rowsOf = (html: string) => [...html.matchAll(/<th scope="row">v(\d+)/g)].map((found) => Number(found[1]))
    const newest = await api<{ versions: { version: number }[]; next: number }>('/disclaimers/global/history?limit=25')
    const first = await (await get('/console/disclaimers/global/history', cookie)).text()
    expect(rowsOf(first)).toEqual(newest.versions.map((row) => row.version))
    expect(first).toContain(`href="/console/disclaimers/global/history?before=${newest.next}"`)
    const older = await api<{ versions: { version: number }[] }>(
      `/disclaimers/global/history?limit=25&before=${newest.next}`,
    )
    const second = await (await get(`/console/disclaimers/global/history?before=${newest.next}`, cookie)).text()
    expect(rowsOf(second)).toEqual(older.versions.map((row) => row.version))

    const events = await api<{ events: { id: number }[]; next: number }>('/notifications?limit=25')
    const told = await (await get('/console/notifications', cookie)).text()
    expect(told.match(/<li><strong>/g)?.length).toBe(25)
    expect(told).toContain(`href="/console/notifications?before=${events.next}"`)
  })
})
