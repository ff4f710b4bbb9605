// The public log end to end on a local site (the built Worker on 127.0.0.1): pages published through the admin API are
// proved by verify-page against the site's checkpoint, cosigned by the witness LOG_WITNESSES names (the witness
// command's server, run here), and refused once a text is changed; Go's sumdb/note and sumdb/tlog open the
// checkpoint, check the witness's cosignature and prove the page's entry from the site's tiles.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../scripts/lib/free-port.ts'
import { readTrust } from '../../scripts/lib/log-trust.ts'
import { buildBundle, type ServedBundle, serveBundle } from '../../scripts/lib/serve-bundle.ts'
import { verifyPage } from '../../scripts/lib/verify-page.ts'
import { type RunningWitness, startWitness } from '../../scripts/lib/witness-server.ts'
import { WitnessState } from '../../scripts/lib/witness-state.ts'
import { keyLabel } from '../../src/core/log/log-client.ts'
import { COSIGNATURE_V1, ed25519Verifier } from '../../src/core/log/note-keys.ts'
import { SITE_PAGES } from '../../src/core/site-map.ts'
import { judgeSite } from './go-judge.ts'
import { type TestKey, testKey } from './log-fixtures.ts'

const TOKEN = 'log-site-test-token-0123456789abcdef'
const TEXT = 'This page is not medical advice.\n\nAsk a clinician before you change what you take.'
const PAGE = SITE_PAGES.find((page) => page.notes.length === 1) as (typeof SITE_PAGES)[number]
const scratch = mkdtempSync(join(tmpdir(), 'log-site-'))
let site: ServedBundle
let logKey: TestKey
let witnessKey: TestKey
let witness: RunningWitness
const said: string[] = []

async function until(done: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await done()) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`gave up waiting: ${what}`)
}

async function publish(target: string, text: string): Promise<void> {
  const put = await fetch(new URL(`/admin/disclaimers/${target}`, site.url), {
    method: 'PUT',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', 'If-None-Match': '*' },
    body: JSON.stringify({ text }),
  })
  if (put.status !== 200) throw new Error(`the publish was refused: ${put.status} ${await put.text()}`)
}

beforeAll(async () => {
  // SITE_ORIGIN is where it is served: the canonical link of a saved page leads back to its log.
  const port = await freePort()
  logKey = await testKey('127.0.0.1/disclaimer-log')
  witnessKey = await testKey('auditor.example/witness', COSIGNATURE_V1)
  // A witness as an auditor runs it (npm run witness serve), following this site's log.
  witness = await startWitness({
    cosigner: witnessKey.signer,
    logs: new Map([['127.0.0.1/disclaimer-log', [ed25519Verifier(logKey.key)]]]),
    state: new WitnessState(join(scratch, 'witness.json'), keyLabel(witnessKey.key)),
    host: '127.0.0.1',
    port: 0,
    say: (line) => said.push(line),
  })
  site = await serveBundle({
    bundle: buildBundle(),
    // The global disclaimer goes live only with a reviewer's approval (content/review-rules.json).
    editors: { drlee: TOKEN },
    reviewers: { drlee: { name: 'Dr. Ana Lee', credentials: 'MD, toxicology' } },
    port,
    siteOrigin: `http://127.0.0.1:${port}`,
    logKeys: logKey,
    logWitnesses: JSON.stringify([{ name: 'auditor', key: witnessKey.verifierKey, url: witness.url }]),
  })
  // Both boxes of the page: a box showing a bundled default names no log entry, so no page with one is proved.
  await publish('global', TEXT)
  await publish(PAGE.slug, 'Soreness that lasts more than a week is worth a visit.')
  // The ledger's alarm signs the checkpoint right after the publishes, then asks the witness to cosign it.
  await until(async () => {
    const served = await fetch(new URL('/log/checkpoint', site.url))
    return served.status === 200 && (await served.text()).includes('\u2014 auditor.example/witness ')
  }, 'a checkpoint the witness cosigned')
})

afterAll(async () => {
  await site?.stop()
  await witness?.close()
  rmSync(scratch, { recursive: true, force: true })
})

describe('the public log of a local site', () => {
  it('proves the disclaimer a page shows with verify-page, and refuses the page once its text is changed', async () => {
    const trust = readTrust({ key: site.logVerifierKey, witness: [witnessKey.verifierKey], quorum: '1' })
    const page = new URL(PAGE.path, site.url).href
    const proved = await verifyPage({ source: page, trust })

    expect(proved.lines.at(-1)).toBe(
      'PROVED: the text of every box on the page (2) is an entry of the log in the checkpoint above',
    )
    expect(proved.ok).toBe(true)

    const html = await (await fetch(page)).text()
    const saved = join(scratch, 'changed.html')
    writeFileSync(saved, html.replace('Ask a clinician before', 'There is no need to ask anyone before'))
    const refused = await verifyPage({ source: saved, trust })
    expect(refused.ok).toBe(false)
    expect(refused.lines.find((line) => line.startsWith('box 1'))).toBe(
      'box 1 (disclaimer, v1) NOT PROVED: the text on the page is not entry 0: paragraph 2 differs: the page reads "There is no need to ask anyone before you change what you take.", the entry "Ask a clinician before you change what you take."',
    )
    expect(refused.lines.at(-1)).toBe('NOT PROVED: 1 of 2 box(es) do not hold')
  })

  it("opens the site's checkpoint with Go's note.Open and proves the page's entry with Go's tlog", async () => {
    const html = await (await fetch(new URL(PAGE.path, site.url))).text()
    const index = Number(/data-log-index="([0-9]+)"/.exec(html)?.[1])
    const base = new URL('/log/', site.url).href
    const witnessed = { witnessKey: witnessKey.verifierKey }
    const judged = await judgeSite({ base, verifierKey: site.logVerifierKey, index, ...witnessed })

    expect(judged.code).toBe(0)
    // The origin has no port, and is the log key's name: one name for the log wherever it is served.
    expect(site.url.port).not.toBe('')
    expect(judged.verdict?.origin).toBe('127.0.0.1/disclaimer-log')
    expect(judged.verdict?.sigs).toEqual([`127.0.0.1/disclaimer-log+${site.logVerifierKey.split('+')[1]}`])
    expect(judged.verdict?.inclusion).toEqual({ ok: true })
    expect(judged.verdict?.cosignature).toEqual({ ok: true, text: '1767225600' })
    expect(said.filter((line) => line.startsWith('witness: cosigned')).length).toBeGreaterThan(0)
    const entry = JSON.parse(Buffer.from(judged.verdict?.entry ?? '', 'base64').toString('utf8'))
    expect(entry).toMatchObject({ table: 'versions', row: { key: 'disclaimer', text: TEXT } })
  })
})
