// 60 s of load at high concurrency against the built Worker served by workerd (Miniflare) on 127.0.0.1:
// zero errors and a disclaimer in every response, first with KV answering, then with every KV read failing.
// LOAD_SECONDS sets another length for both runs (CI runs them for 15 s; the assertions are the same).
import type { IncomingHttpHeaders } from 'node:http'
import autocannon from 'autocannon'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildBundle, type ServedBundle, serveBundle } from '../../scripts/lib/serve-bundle.ts'
import { SITE_PATHS } from '../site-paths.ts'

const SECONDS = loadSeconds(process.env.LOAD_SECONDS)
const CONNECTIONS = 64
const KV_TEXT = 'Load-test disclaimer from KV: information only, not medical advice.'
const KV_DISCLAIMERS = { disclaimer: KV_TEXT, 'disclaimer:dosage-and-safety': 'Load-test dosage note from KV.' }
const DEFAULT_OPENING = 'This site is for general information only and is not medical advice.'

/** How long each run lasts: 60 s, or LOAD_SECONDS, a whole number of seconds from 5 to 600. */
function loadSeconds(setting: string | undefined): number {
  if (setting === undefined || setting === '') return 60
  const seconds = Number(setting)
  if (!/^\d+$/.test(setting) || seconds < 5 || seconds > 600) {
    throw new Error(
      `LOAD_SECONDS is "${setting}": give a whole number of seconds from 5 to 600, or leave it unset for 60`,
    )
  }
  return seconds
}

interface Tally {
  responses: number
  withoutDisclaimer: number
  wrongSource: number
  firstProblem?: string
}

/** Runs autocannon over every page for SECONDS and checks each response's body and headers as it arrives. */
async function load(url: URL, expected: { text: string; source: string }) {
  const tally: Tally = { responses: 0, withoutDisclaimer: 0, wrongSource: 0 }
  const check = (status: number, body: string, _context: object, headers?: IncomingHttpHeaders) => {
    tally.responses++
    if (!body.includes('id="health-disclaimer"') || !body.includes(expected.text)) {
      tally.withoutDisclaimer++
      tally.firstProblem ??= `status ${status}, body starts ${JSON.stringify(body.slice(0, 200))}`
    }
    // autocannon hands over the raw header names, as the server cased them.
    const source = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'disclaimer-source')?.[1]
    if (source !== expected.source) {
      tally.wrongSource++
      tally.firstProblem ??= `Disclaimer-Source: ${source}`
    }
  }
  const result = await autocannon({
    url: url.href,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: SITE_PATHS.map((path) => ({ method: 'GET', path, onResponse: check })),
  })
  console.log(
    `${SECONDS} s × ${CONNECTIONS} connections: ${result.requests.total} responses, ${result.requests.average} req/s, ` +
      `p99 ${result.latency.p99} ms, errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}`,
  )
  return { result, tally }
}

function expectNothingLost({ result, tally }: Awaited<ReturnType<typeof load>>) {
  expect(result.errors).toBe(0)
  expect(result.timeouts).toBe(0)
  expect(result.non2xx).toBe(0)
  expect(result['2xx']).toBeGreaterThan(1000)
  expect(tally.responses).toBe(result['2xx'])
  expect(tally.firstProblem).toBeUndefined()
  expect(tally.withoutDisclaimer).toBe(0)
  expect(tally.wrongSource).toBe(0)
}

describe('under load, KV answering', () => {
  let site: ServedBundle
  beforeAll(async () => {
    site = await serveBundle({ bundle: buildBundle(), disclaimers: KV_DISCLAIMERS })
  })
  afterAll(() => site?.stop())

  it(`serves ${SECONDS} s of requests with no error, each with the KV disclaimer`, async () => {
    expectNothingLost(await load(site.url, { text: KV_TEXT, source: 'kv' }))
  })
})

describe('under load, every KV read failing', () => {
  let site: ServedBundle
  beforeAll(async () => {
    const bundle = buildBundle(undefined, 'test/bench/entries/failing-kv-worker.ts')
    site = await serveBundle({ bundle, disclaimers: KV_DISCLAIMERS })
  })
  afterAll(() => site?.stop())

  it(`serves ${SECONDS} s of requests with no error, each with the bundled default disclaimer`, async () => {
    expectNothingLost(await load(site.url, { text: DEFAULT_OPENING, source: 'default' }))
  })
})
