// Proves every page and the 404 score A+ on the MDN HTTP Observatory (its own analyzers and grader, ./observatory.ts),
// test by test. Served locally over http, two penalties are unavoidable and are lifted only by HTTPS in production:
// HSTS is ignored over http, and there is no http → https redirect. The projection re-scores the same response as
// production serves it (https, Cloudflare's http → https redirect on the same host) and must lose nothing.
import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NOT_FOUND_PATH, sharedSite } from './harness.ts'
import { asServedInProduction, retrievePage, score } from './observatory.ts'

const site = sharedSite()

const EXPECTED: Record<string, string> = {
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
const ALL_PASS = Object.fromEntries(Object.keys(EXPECTED).map((test) => [test, true]))

describe('MDN HTTP Observatory', () => {
  it('gives every page and the 404 exactly the expected outcome in each test, and A+ as production serves it', async () => {
    const rows: string[] = []
    for (const path of [...site.pages, NOT_FOUND_PATH]) {
      const retrieved = await retrievePage(site.origin, path)
      expect(retrieved.responses.auto?.status, path).toBe(path === NOT_FOUND_PATH ? 404 : 200)
      const local = score(retrieved)
      const expected = {
        ...EXPECTED,
        ...(path === NOT_FOUND_PATH && { 'subresource-integrity': 'sri-not-implemented-but-no-scripts-loaded' }),
      }
      expect(local.outcomes, `${path} over http`).toEqual(expected)
      expect(local.passed, path).toEqual({ ...ALL_PASS, redirection: false, 'strict-transport-security': false })
      // Only the two penalties that HTTPS in production lifts; with them the bonuses do not count yet.
      expect(local.penalties, path).toEqual({ redirection: -20, 'strict-transport-security': -20 })
      expect(local.score, path).toBe(60)

      const production = score(asServedInProduction(retrieved))
      expect(production.outcomes, `${path} as served in production`).toEqual({
        ...expected,
        redirection: 'redirection-to-https',
        'strict-transport-security': 'hsts-implemented-max-age-at-least-six-months',
      })
      expect(production.passed, path).toEqual(ALL_PASS)
      expect(production.penalties, path).toEqual({})
      expect(production.score, path).toBe(130)
      expect(production.grade, path).toBe('A+')
      rows.push(
        `${path.padEnd(32)} local ${local.score} ${local.grade.padEnd(2)}  production ${production.score} ${production.grade}`,
      )
    }
    console.log(`Observatory scores\n${rows.join('\n')}`)
  })
})

describe('observatory.ts', () => {
  const STRONG = {
    'content-type': 'text/html',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'strict-transport-security': 'max-age=63072000',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
  }
  const PAGES: Record<string, Record<string, string>> = {
    '/strong': STRONG,
    '/sniffable': { ...STRONG, 'x-content-type-options': '' },
    '/no-hsts': { ...STRONG, 'strict-transport-security': '' },
    '/bare': { 'content-type': 'text/html' },
  }
  let server: Server
  let origin: string

  beforeAll(async () => {
    server = createServer((request, response) => {
      const headers = Object.entries(PAGES[request.url ?? ''] ?? {}).filter(([, value]) => value)
      response.writeHead(request.url && PAGES[request.url] ? 200 : 404, headers).end('<!DOCTYPE html><p>x</p>')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    if (typeof address !== 'object' || !address) throw new Error('the canary server has no port')
    origin = `http://127.0.0.1:${address.port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('starts at 100, adds bonuses only while the penalties leave 90, and fails a page without the headers', async () => {
    const strong = score(asServedInProduction(await retrievePage(origin, '/strong')))
    expect(strong).toMatchObject({ score: 130, grade: 'A+', penalties: {} })

    const sniffable = score(asServedInProduction(await retrievePage(origin, '/sniffable')))
    expect(sniffable.penalties).toEqual({ 'x-content-type-options': -5 })
    expect(sniffable).toMatchObject({ score: 125, grade: 'A+' })

    const bare = await retrievePage(origin, '/bare')
    expect(score(bare)).toMatchObject({
      score: 10,
      grade: 'F',
      penalties: {
        'content-security-policy': -25,
        redirection: -20,
        'strict-transport-security': -20,
        'x-content-type-options': -5,
        'x-frame-options': -20,
      },
    })
    // The same four bonuses as /strong, dropped because the penalty alone leaves less than 90.
    const noHsts = score(asServedInProduction(await retrievePage(origin, '/no-hsts')))
    expect(noHsts.penalties).toEqual({ 'strict-transport-security': -20 })
    expect(noHsts).toMatchObject({ score: 80, grade: 'B+' })
  })
})
