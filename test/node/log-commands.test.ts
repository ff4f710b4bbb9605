// verify-page and verify --checkpoint as a person runs them (in this process: cli-runner.ts): output, exit codes 0, 1, 2.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { siteOriginOf } from '../../scripts/lib/environments.ts'
import { logKeyName } from '../../scripts/lib/key-commands.ts'
import { LOCAL_LOG_KEY_NAME } from '../../scripts/lib/local-editors.ts'
import { MemoryLog, type ServedLog, serveLog } from '../../scripts/lib/memory-log.ts'
import { openNote, signNote } from '../../src/core/log/note.ts'
import {
  COSIGNATURE_V1,
  ed25519Signer,
  ed25519Verifier,
  parseSignerKey,
  parseVerifierKey,
} from '../../src/core/log/note-keys.ts'
import { logOrigin } from '../../src/core/log-config.ts'
import { runCli as cli } from './cli-runner.ts'
import { otherEntry, page, type TestKey, testKey, versionEntry } from './log-fixtures.ts'

const TEXT = 'Not medical advice.\n\nAsk your doctor.'
const scratch = mkdtempSync(join(tmpdir(), 'log-commands-'))
let served: ServedLog
let log: MemoryLog
let logKey: TestKey
let witness: TestKey
let pages: Record<string, string>

beforeAll(async () => {
  served = await serveLog(
    () => log,
    () => pages,
  )
  const origin = `${new URL(served.origin).hostname}/disclaimer-log`
  logKey = await testKey(origin)
  witness = await testKey('auditor.example/witness', COSIGNATURE_V1)
  log = new MemoryLog(origin)
  log.append(otherEntry('events', 1))
  log.append(versionEntry('disclaimer', 2, TEXT))
  await log.sign([logKey.signer, witness.signer])
  const box = { key: 'disclaimer', version: 'v2', logIndex: 1, text: TEXT }
  pages = {
    '/': page(`${served.origin}/`, [box]),
    '/changed': page(`${served.origin}/changed`, [{ ...box, text: 'Medical advice.\n\nAsk your doctor.' }]),
  }
})

afterAll(async () => {
  await served.close()
  rmSync(scratch, { recursive: true, force: true })
})

describe('npm run disclaimer -- verify-page', () => {
  it('exits 0 and says PROVED for a page whose disclaimers are in the signed log', async () => {
    const keyFile = join(scratch, 'log.vkey')
    writeFileSync(keyFile, `# the log's verifier key, from docs/ledger.md\n${logKey.verifierKey}\n`)
    const result = await cli(['verify-page', `${served.origin}/`, '--key', keyFile, '--witness', witness.verifierKey])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('box 1 (disclaimer, v2): the text on the page is entry 1 (v2)')
    expect(result.stdout.trim().split('\n').at(-1)).toBe(
      'PROVED: the text of every box on the page (1) is an entry of the log in the checkpoint above',
    )
  })

  it('exits 1 for a page whose text was changed, naming the box on stdout and the verdict on stderr', async () => {
    const result = await cli(['verify-page', `${served.origin}/changed`, '--key', logKey.verifierKey])
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(
      'box 1 (disclaimer, v2) NOT PROVED: the text on the page is not entry 1: paragraph 1 differs: the page reads "Medical advice.", the entry "Not medical advice."',
    )
    expect(result.stderr).toBe('disclaimer: NOT PROVED: 1 of 1 box(es) do not hold\n')
  })

  it('exits 2 without the log key the checker brings, or with a key of the wrong kind', async () => {
    const none = await cli(['verify-page', `${served.origin}/`])
    expect(none.code).toBe(2)
    expect(none.stderr).toContain("--key is needed: the log's verifier key, as docs/ledger.md publishes it")
    const wrong = await cli(['verify-page', `${served.origin}/`, '--key', witness.verifierKey])
    expect(wrong.code).toBe(2)
    expect(wrong.stderr).toContain("is a witness's cosignature key (type 0x04), not the log's verifier key")
    expect((await cli(['verify-page', '--key', logKey.verifierKey])).code).toBe(2)
  })
})

describe('npm run disclaimer -- verify --checkpoint', () => {
  it('exits 0 when the log extends the checkpoint kept, and 1 once it was rewritten', async () => {
    const kept = join(scratch, 'kept.txt')
    writeFileSync(kept, `Saved from a message:\n\n${log.checkpoint}`)
    const good = await cli(['verify', '--checkpoint', kept, '--key', logKey.verifierKey, '--site', served.origin])
    expect(good.code).toBe(0)
    expect(good.stdout.trim().split('\n').at(-1)).toBe(
      `PROVED: the log at ${served.origin}/log/ extends every checkpoint in ${kept} (1)`,
    )
    const honest = log
    log = new MemoryLog(honest.origin)
    log.append(otherEntry('events', 1))
    log.append(versionEntry('disclaimer', 2, 'A quieter history.'))
    log.append(otherEntry('events', 3))
    await log.sign([logKey.signer])
    try {
      const bad = await cli(['verify', '--checkpoint', kept, '--key', logKey.verifierKey, '--site', served.origin])
      expect(bad.code).toBe(1)
      expect(bad.stdout).toContain('THE LOG WAS REWRITTEN: it does not extend your checkpoint of 2 entries')
      expect(bad.stderr).toBe(`disclaimer: NOT PROVED: the log served at ${served.origin}/log/ rewrote its history\n`)
    } finally {
      log = honest
    }
  })
})

describe('npm run disclaimer -- log-key', () => {
  it("makes a LOG_SIGNING_KEY named for the log's origin and the verifier key that opens what it signs", async () => {
    const made = await cli(['log-key', 'kratom.example.org'])
    expect(made.code).toBe(0)
    expect(made.stdout).toContain("the log's origin, and so the key's name: kratom.example.org/disclaimer-log\n")
    const name = 'kratom\\.example\\.org/disclaimer-log'
    const signerKey = new RegExp(`^PRIVATE\\+KEY\\+${name}\\+[0-9a-f]{8}\\+\\S+$`, 'm').exec(made.stdout)?.[0] ?? ''
    const verifierKey = new RegExp(`^${name}\\+[0-9a-f]{8}\\+\\S+$`, 'm').exec(made.stdout)?.[0] ?? ''
    expect(made.stdout).toContain('npx wrangler secret put LOG_SIGNING_KEY --env <environment>')
    const signing = await parseSignerKey(signerKey)
    const verifying = parseVerifierKey(verifierKey)
    if (!signing.ok || !verifying.ok) throw new Error('log-key printed keys that do not read')
    const note = await signNote(`kratom.example.org/disclaimer-log\n1\n${'A'.repeat(43)}=\n`, [
      ed25519Signer(signing.key),
    ])
    const opened = await openNote(note, [ed25519Verifier(verifying.key)])
    expect(opened.ok).toBe(true)

    const refused = await cli(['log-key', 'two words'])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain("log-key needs the site's host (e.g. kratom.example.org) or its SITE_ORIGIN")
  })

  it("names the key the log's origin as the ledger signs it, from a host, an origin with a port, or an environment", async () => {
    for (const site of ['kratom.example.org', 'https://kratom.example.org:8443', 'http://localhost:8787']) {
      expect(logKeyName(site)).toBe(logOrigin(new URL(site.includes('//') ? site : `https://${site}`).origin))
    }
    expect(logKeyName('https://kratom.example.org:8443')).toBe('kratom.example.org/disclaimer-log')
    expect(() => logKeyName('https://kratom.example.org/disclaimer-log')).toThrow(
      'not "https://kratom.example.org/disclaimer-log"',
    )
    // npm start's key: the name of the local site's log, whatever port it is served on.
    expect(LOCAL_LOG_KEY_NAME).toBe(logOrigin(siteOriginOf('')))
    expect(LOCAL_LOG_KEY_NAME).toBe('localhost/disclaimer-log')
    const placeholder = await cli(['log-key', '--env', 'staging'])
    expect(placeholder.code).toBe(2)
    expect(placeholder.stderr).toContain(
      "staging's SITE_ORIGIN is still a placeholder (https://replace-with-staging-hostname.invalid)",
    )
  })
})
