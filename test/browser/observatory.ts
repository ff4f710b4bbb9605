// Scores a page of the local site with the MDN HTTP Observatory's own retriever, analyzers and grader.
import { ALL_TESTS } from '@mdn/mdn-http-observatory/src/constants.js'
import { MINIMUM_SCORE_FOR_EXTRA_CREDIT } from '@mdn/mdn-http-observatory/src/grader/charts.js'
import { getGradeForScore, getScoreModifier } from '@mdn/mdn-http-observatory/src/grader/grader.js'
import { retrieve } from '@mdn/mdn-http-observatory/src/retriever/retriever.js'
import { Session } from '@mdn/mdn-http-observatory/src/retriever/session.js'
import { Requests } from '@mdn/mdn-http-observatory/src/types.js'
import { vi } from 'vitest'
import { freePort } from './harness.ts'

// The package's install script downloads the HSTS preload list, and install scripts are off here. No 127.0.0.1
// host can be on that list, so an empty one gives the outcomes the real one would. vitest.config.ts inlines the
// package in the browser project so that this replaces the module its analyzers import.
vi.mock('@mdn/mdn-http-observatory/src/analyzer/hsts.js', () => ({
  hsts: () => new Map(),
  isHstsPreloaded: () => null,
}))

export interface Scan {
  score: number
  grade: string
  /** Each test's result, by the test's name. */
  outcomes: Record<string, string>
  passed: Record<string, boolean>
  /** Tests whose modifier is below zero, with it. */
  penalties: Record<string, number>
}

/** Retrieves `path` as the scanner does: over http, over https (nothing listens there), a CORS preflight, robots.txt. */
export async function retrievePage(origin: string, path: string): Promise<Requests> {
  const { hostname, port } = new URL(origin)
  return retrieve(hostname, { httpPort: port, httpsPort: String(await freePort()), path })
}

/**
 * The scoring loop of the package's scanner/index.js, whose scan() cannot be given a port: every test's modifier
 * counts, but bonuses only when the penalties alone leave MINIMUM_SCORE_FOR_EXTRA_CREDIT (90) or more.
 */
export function score(requests: Requests): Scan {
  const scan: Scan = { score: 0, grade: '', outcomes: {}, passed: {}, penalties: {} }
  let withBonuses = 100
  let penaltiesOnly = 100
  for (const test of ALL_TESTS) {
    const output = test(requests)
    const name = output.constructor.name
    if (!output.result) throw new Error(`the Observatory's ${name} test gave no result`)
    const modifier = getScoreModifier(output.result)
    scan.outcomes[name] = output.result
    scan.passed[name] = output.pass === true
    withBonuses += modifier
    if (modifier < 0) {
      penaltiesOnly += modifier
      scan.penalties[name] = modifier
    }
  }
  const final = getGradeForScore(penaltiesOnly >= MINIMUM_SCORE_FOR_EXTRA_CREDIT ? withBonuses : penaltiesOnly)
  return { ...scan, score: final.score, grade: final.grade }
}

/**
 * The same page as production serves it: the response over https with a valid certificate, reached from http by
 * Cloudflare's same-host 301. Only the transport changes; headers and body are the ones retrieved.
 */
export function asServedInProduction(local: Requests): Requests {
  const page = local.responses.auto
  if (!page || !local.session) throw new Error(`nothing was retrieved from ${local.hostname}`)
  const http = new URL(local.session.url)
  const https = new URL(http)
  https.protocol = 'https:'
  https.port = ''
  const production = new Requests(local.hostname)
  production.resources = local.resources
  production.responses.auto = { ...page, verified: true }
  production.responses.https = production.responses.auto
  production.responses.http = { ...page, status: 301, verified: true }
  production.responses.cors = local.responses.cors
  production.responses.httpRedirects = [
    { url: http, status: 301 },
    { url: https, status: 200 },
  ]
  production.responses.httpsRedirects = [{ url: https, status: 200 }]
  production.session = Object.assign(new Session(https), {
    jar: local.session.jar,
    response: production.responses.auto,
  })
  return production
}
