// Proves every page and the 404 score A+ on the MDN HTTP Observatory's rules (./observatory.ts), test by test.
// Served locally over http, two penalties are unavoidable and are lifted only by HTTPS in production: HSTS is
// ignored over http, and there is no http → https redirect. The projection re-scores the same response as
// production serves it (https URL, Cloudflare's http → https redirect on the same host) and must lose nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NOT_FOUND_PATH, type Site, startSite } from './harness.ts'
import { type Observation, type Outcome, scan, type TestName } from './observatory.ts'

let site: Site

beforeAll(async () => {
  site = await startSite()
})
afterAll(async () => {
  await site?.stop()
})

/** Fetches a page the way the scanner does: plain, with a foreign Origin, and following redirects by hand. */
async function observe(path: string): Promise<Observation> {
  const url = new URL(site.at(path))
  const response = await fetch(url, { redirect: 'manual' })
  const cors = await fetch(url, { redirect: 'manual', headers: { Origin: 'https://cross-origin.example' } })
  await cors.body?.cancel()
  const httpChain: Observation['httpChain'] = []
  for (let next: URL | undefined = new URL(`http://${url.host}${url.pathname}`); next && httpChain.length < 10; ) {
    const hop: Response = await fetch(next, { redirect: 'manual' })
    await hop.body?.cancel()
    httpChain.push({ url: next, status: hop.status })
    const location = hop.headers.get('location')
    next = hop.status >= 300 && hop.status < 400 && location ? new URL(location, next) : undefined
  }
  return { url, headers: response.headers, body: await response.text(), corsHeaders: cors.headers, httpChain }
}

/** The same response as production serves it: over https, reached from http by a same-host redirect. */
function asServedInProduction(local: Observation): Observation {
  const url = new URL(local.url)
  url.protocol = 'https:'
  const http = new URL(local.url)
  return {
    ...local,
    url,
    httpChain: [
      { url: http, status: 301 },
      { url, status: 200 },
    ],
  }
}

const EXPECTED: Record<TestName, Outcome> = {
  'content-security-policy': 'csp-implemented-with-no-unsafe-default-src-none',
  cookies: 'cookies-not-found',
  'cross-origin-resource-sharing': 'cross-origin-resource-sharing-not-implemented',
  redirection: 'redirection-missing',
  'referrer-policy': 'referrer-policy-private',
  'strict-transport-security': 'hsts-not-implemented-no-https',
  // Pages carry one inline JSON-LD script and no external script; the 404 has no script at all.
  'subresource-integrity': 'sri-not-implemented-but-all-scripts-loaded-from-secure-origin',
  'x-content-type-options': 'x-content-type-options-nosniff',
  'x-frame-options': 'x-frame-options-implemented-via-csp',
  'cross-origin-resource-policy': 'corp-implemented-with-same-origin',
}

describe('MDN HTTP Observatory rules', () => {
  it('gives every page and the 404 exactly the expected outcome in each test, and A+ as production serves it', async () => {
    const rows: string[] = []
    for (const path of [...site.pages, NOT_FOUND_PATH]) {
      const observed = await observe(path)
      const local = scan(observed)
      const expected = {
        ...EXPECTED,
        ...(path === NOT_FOUND_PATH && { 'subresource-integrity': 'sri-not-implemented-but-no-scripts-loaded' }),
      }
      expect(local.outcomes, `${path} over http`).toEqual(expected)
      // Only the two penalties that HTTPS in production lifts; with them the bonuses do not count yet.
      expect(local.penalties, path).toEqual({ redirection: -20, 'strict-transport-security': -20 })
      expect(local.score, path).toBe(60)

      const production = scan(asServedInProduction(observed))
      expect(production.outcomes, `${path} as served in production`).toEqual({
        ...expected,
        redirection: 'redirection-to-https',
        'strict-transport-security': 'hsts-implemented-max-age-at-least-six-months',
      })
      expect(production.penalties, path).toEqual({})
      expect(production.score, path).toBeGreaterThanOrEqual(100)
      expect(production.grade, path).toBe('A+')
      rows.push(
        `${path.padEnd(32)} local ${local.score} ${local.grade.padEnd(2)}  production ${production.score} ${production.grade}`,
      )
    }
    console.log(`Observatory scores\n${rows.join('\n')}`)
  })
})

describe('the rules themselves', () => {
  const base = (headers: Record<string, string>, body = '<!DOCTYPE html><p>x</p>'): Observation => ({
    url: new URL('https://site.example/'),
    headers: new Headers({ 'content-type': 'text/html', ...headers }),
    body,
    corsHeaders: new Headers(headers),
    httpChain: [
      { url: new URL('http://site.example/'), status: 301 },
      { url: new URL('https://site.example/'), status: 200 },
    ],
  })
  const strong = {
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'strict-transport-security': 'max-age=63072000',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
  }

  it('start at 100, add bonuses only from 90 up, and penalise each broken rule', () => {
    expect(scan(base(strong))).toMatchObject({ score: 130, grade: 'A+', penalties: {} })
    const without = (header: keyof typeof strong) =>
      scan(base(Object.fromEntries(Object.entries(strong).filter(([name]) => name !== header))))
    expect(without('content-security-policy').outcomes['content-security-policy']).toBe('csp-not-implemented')
    expect(without('content-security-policy').outcomes['x-frame-options']).toBe('x-frame-options-not-implemented')
    expect(without('content-security-policy').score).toBe(55)
    expect(without('x-content-type-options').penalties).toEqual({ 'x-content-type-options': -5 })
    expect(without('strict-transport-security').penalties).toEqual({ 'strict-transport-security': -20 })
    expect(without('referrer-policy').score).toBe(125)
    expect(scan(base({ ...strong, 'content-security-policy': "script-src 'unsafe-inline'" })).outcomes).toMatchObject({
      'content-security-policy': 'csp-implemented-with-unsafe-inline',
    })
    expect(scan(base({ ...strong, 'referrer-policy': 'unsafe-url' })).penalties).toEqual({ 'referrer-policy': -5 })
    expect(scan(base({ ...strong, 'set-cookie': 'sessionid=1; Path=/' })).outcomes.cookies).toBe(
      'cookies-session-without-httponly-flag',
    )
    expect(
      scan(base(strong, '<script src="https://cdn.example/x.js"></script>')).outcomes['subresource-integrity'],
    ).toBe('sri-not-implemented-but-external-scripts-loaded-securely')
    const credentialed = { ...strong, 'access-control-allow-origin': 'https://cross-origin.example' }
    expect(scan(base({ ...credentialed, 'access-control-allow-credentials': 'true' })).penalties).toEqual({
      'cross-origin-resource-sharing': -50,
    })
    expect(
      scan({ ...base(strong), httpChain: [{ url: new URL('http://site.example/'), status: 200 }] }).penalties,
    ).toEqual({
      redirection: -20,
    })
  })
})
