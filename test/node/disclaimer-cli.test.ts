// The disclaimer CLI against a local store of its own, through the ledger, as an editor uses it: mostly through the
// site running on the store, as npm start leaves it, and once through a Worker the CLI starts itself. The commands run
// in this process (cli-runner.ts); one is spawned, to prove the entry end to end.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { unstable_startWorker } from 'wrangler'
import { ensureLocalEditors } from '../../scripts/lib/local-editors.ts'
import { rememberLocalSite } from '../../scripts/lib/local-site.ts'
import { CONFIG_PATH } from '../../scripts/lib/paths.ts'
import { editorForToken, editorsFrom, newToken, tokenHash } from '../../src/core/editors.ts'
import { ledgerSecretProblem } from '../../src/core/kv-contract.ts'
import { runCli as cli, spawnCli } from './cli-runner.ts'

let store: string
let site: Awaited<ReturnType<typeof unstable_startWorker>>

const local = (...args: string[]) => cli([...args, '--local', '--persist-to', store])

/** The site on a store as npm start runs it: its editors, a free port, and the store's record of where it runs. */
async function startSite(dir: string) {
  const worker = await unstable_startWorker({
    config: CONFIG_PATH,
    bindings: {
      EDITORS: { type: 'secret_text', value: await ensureLocalEditors(dir) },
      SESSION_SECRET: { type: 'secret_text', value: newToken() },
    },
    dev: {
      server: { hostname: '127.0.0.1', port: 0 },
      inspector: false,
      persist: dir,
      watch: false,
      logLevel: 'none',
    },
  })
  await worker.ready
  rememberLocalSite(dir, { vars: {}, running: { port: Number((await worker.url).port), pid: process.pid } })
  return worker
}

/** A server on a free port that is not the site, with every Authorization header it was sent. */
async function impostor(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  const seen: (string | undefined)[] = []
  const server = createServer((req, res) => {
    seen.push(req.headers.authorization)
    answer(req, res)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return { seen, port: (server.address() as AddressInfo).port, close: () => new Promise((done) => server.close(done)) }
}

/** The id of a process that has ended. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''])
  await once(child, 'exit')
  return child.pid as number
}

beforeAll(async () => {
  store = mkdtempSync(join(tmpdir(), 'disclaimer-cli-'))
  site = await startSite(store)
})
afterAll(async () => {
  await site?.dispose()
  rmSync(store, { recursive: true, force: true })
})

describe('npm run disclaimer', () => {
  it('reads the text through the site the store says runs on it, as a process of its own', async () => {
    const result = await spawnCli(['get', '--local', '--persist-to', store])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(
      `global (disclaimer) in the LOCAL store (${store}; its site on http://127.0.0.1:${(await site.url).port}):\n`,
    )
    expect(result.stderr).toBe('')
  })

  it('sends nothing without saying where', async () => {
    const result = await cli(['set', '--text', 'No target given.'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('say where: --local, or --env <environment>')
  })

  it('refuses an environment whose wrangler.toml section still holds placeholders, naming each', async () => {
    const result = await cli(['get', '--env', 'production'], { DISCLAIMER_TOKEN: 'x'.repeat(43) })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('production is not set up yet, so nothing was sent')
    expect(result.stderr).toContain('REPLACE_WITH_PRODUCTION_KV_NAMESPACE_ID')
    expect(result.stderr).toContain('SITE_ORIGIN')
    expect((await cli(['get', '--env', 'nowhere'])).stderr).toContain('--env must be one of staging, production')
  })

  it('makes a token for a new editor and the EDITORS entry holding only its hash', async () => {
    const result = await cli(['editor', 'erin@example.org'])
    expect(result.code).toBe(0)
    const token = /privately; it is not stored anywhere\):\n(\S+)\n/.exec(result.stdout)?.[1] as string
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const entry = JSON.parse(result.stdout.trim().split('\n').at(-1) as string)
    expect(entry).toEqual({ 'erin@example.org': await tokenHash(token) })
    const config = editorsFrom(JSON.stringify(entry))
    expect(config.ok && (await editorForToken(config.editors, token))).toBe('erin@example.org')
    expect((await cli(['editor', 'not a name'])).code).toBe(2)
  })

  it('refuses a text that breaks the rule before starting anything, and changes nothing', async () => {
    const result = await local('set', '--text', 'Invisible\u200Bspace.')
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('U+200B at position 10; remove it; nothing was sent')
    const long = await local('set', '--text', 'x'.repeat(2001))
    expect(long.stderr).toContain('the limit is 2000, so shorten it; nothing was sent')
  })

  it('takes the token from the environment or a file, never from an argument', async () => {
    const result = await cli(['get', '--local', '--persist-to', store, '--token', 'secret'])
    expect(result.code).not.toBe(0)
    expect(result.stderr).toMatch(/Unknown option '--token'/)
    const wrong = await cli(['get', '--env', 'staging', '--token-file', '/nonexistent/token'])
    expect(wrong.code).not.toBe(0)
    expect(wrong.stderr).toMatch(/no token file at \/nonexistent\/token|staging is not set up yet/)
    const local = await cli(['get', '--local', '--persist-to', store, '--token-file', '/nonexistent/token'])
    expect(local.code).toBe(2)
    expect(local.stderr).toContain('--token-file is for a deployed site; with --local, pick a local editor with --as')
  })

  it('goes to the site only where the store says it runs, and only once it answers as the site', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'disclaimer-cli-impostor-'))
    const other = await impostor((_, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' })
      res.end('<p>another app</p>')
    })
    try {
      await ensureLocalEditors(dir)
      rememberLocalSite(dir, { vars: {}, running: { port: other.port, pid: process.pid } })
      const result = await cli(['get', '--local', '--persist-to', dir])
      expect(result.code).toBe(1)
      expect(result.stderr).toContain(
        `runs on http://127.0.0.1:${other.port} (process ${process.pid}), but what answers there is not that site; nothing was sent`,
      )
      expect(other.seen).toEqual([undefined])
    } finally {
      await other.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('never hands a real token to a local site, only the local editor’s, and prints what it says escaped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'disclaimer-cli-impostor-'))
    const mimic = await impostor((req, res) => {
      const status = req.url === '/admin/whoami' && !req.headers.authorization ? 401 : 500
      res.writeHead(status, {
        'Content-Type': 'application/json',
        'WWW-Authenticate': 'Bearer realm="disclaimer editors"',
      })
      res.end(JSON.stringify({ error: { code: 'unauthorized', message: '\u001b]0;pwned\u0007 send me your token' } }))
    })
    try {
      await ensureLocalEditors(dir)
      rememberLocalSite(dir, { vars: {}, running: { port: mimic.port, pid: process.pid } })
      const result = await cli(['get', '--local', '--persist-to', dir], {
        DISCLAIMER_TOKEN: 'the-real-production-token-0123456789abcdef',
      })
      expect(result.code).toBe(1)
      const alice = readFileSync(join(dir, 'editors', 'alice.token'), 'utf8').trim()
      expect(mimic.seen).toEqual([undefined, `Bearer ${alice}`])
      // What the server said is printed with its control characters escaped, never as a terminal sequence.
      expect(result.stderr).toContain('\\u{1b}]0;pwned\\u{7} send me your token')
      expect(result.stderr).not.toContain('\u001b')
    } finally {
      await mimic.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('keeps the rule the store was run with when npm start is gone: with approval on, set is refused alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'disclaimer-cli-approval-'))
    const stale = await impostor((_, res) => res.end())
    try {
      await ensureLocalEditors(dir)
      // npm start ran this store with approval on, on a port something else holds now, and has ended.
      rememberLocalSite(dir, {
        vars: { REQUIRE_APPROVAL: 'true' },
        running: { port: stale.port, pid: await deadPid() },
      })
      const result = await cli(['set', '--local', '--persist-to', dir, '--text', 'Published alone.'])
      expect(result.code).toBe(1)
      expect(result.stderr).toContain('[approval_required, HTTP 403]')
      expect(stale.seen).toEqual([])
    } finally {
      await stale.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('seeds, proposes, refuses self-approval and a non-reviewer, and publishes on the reviewer’s approval', async () => {
    const seeded = await local('seed')
    expect(seeded.code).toBe(0)
    expect(seeded.stdout).toContain('seeded 2 bundled default(s)')

    const proposed = await local('propose', '--text', 'Proposed from the CLI.', '--note', 'legal review')
    expect(proposed.code).toBe(0)
    const id = /proposal (\d+)/.exec(proposed.stdout)?.[1] as string
    expect(proposed.stdout).toContain(`approve ${id} --local`)

    const self = await local('approve', id)
    expect(self.code).toBe(1)
    expect(self.stderr).toContain('alice proposed this text, so a different editor must approve it [self_approval')

    const byBob = await local('approve', id, '--as', 'bob')
    expect(byBob.code).toBe(1)
    expect(byBob.stderr).toContain('bob is not a reviewer: ask a reviewer to approve proposal')
    expect(byBob.stderr).toContain('who can approve: Dr. Ana Lee (drlee)')

    const approved = await local('approve', id, '--as', 'drlee')
    expect(approved.code).toBe(0)
    expect(approved.stdout).toMatch(/global: v\d+ is live: KV holds it/)
    expect(approved.stdout).toMatch(
      /read back from the LOCAL store \([^)]*\): v\d+ +\S+ +publish +by alice +approved by drlee +"legal review"\nProposed from the CLI\.\n/,
    )
    expect((await local('history')).stdout).toMatch(
      /2 version\(s\), newest first\nv\d+ .*publish +by alice +approved by drlee/,
    )

    const page = await site.fetch('http://localhost/')
    // Served with the store's own LEDGER_SECRET, as npm start serves it: the page names the version the CLI wrote.
    expect(page.headers.get('Disclaimer-Version')).toMatch(/^disclaimer=v\d+\//)
    expect(await page.text()).toContain('<p>Proposed from the CLI.</p>')
  })

  it('rolls back to an earlier version and answers what was live at a time', async () => {
    const before = new Date().toISOString()
    const set = await local('set', '--text', 'A text to roll back from.', '--as', 'drlee')
    expect(set.code).toBe(0)
    const versions = [...(await local('history')).stdout.matchAll(/^v(\d+) /gm)].map((match) => match[1])
    const earlier = versions[1] as string
    const rolled = await local('rollback', earlier, '--note', 'undo')
    expect(rolled.code).toBe(0)
    expect(rolled.stdout).toContain(`(back to v${earlier})  "undo"\nProposed from the CLI.`)
    const at = await local('at', before)
    expect(at.stdout).toContain('Proposed from the CLI.')
    expect(at.stdout).not.toContain('A text to roll back from.')
    const audit = await local('audit')
    expect(audit.stdout).toMatch(/global +v\d+ .*rollback/)
  })

  it('schedules one change per disclaimer: a second is refused naming the first, and get says it is pending', async () => {
    const at = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString()
    const first = await local('set', 'conclusion', '--text', 'Scheduled from the CLI.', '--at', at(2))
    expect(first.code).toBe(0)
    const id = /schedule (\d+)/.exec(first.stdout)?.[1] as string

    const second = await local(
      'set',
      'conclusion',
      '--text',
      'A second scheduled change.',
      '--at',
      at(3),
      '--as',
      'bob',
    )
    expect(second.code).toBe(1)
    expect(second.stderr).toMatch(
      new RegExp(
        `schedule ${id}, by alice, already changes this disclaimer at .*cancel that one first \\[schedule_conflict, HTTP 409\\]`,
      ),
    )
    const get = await local('get', 'conclusion')
    expect(get.stdout).toContain(`scheduled: schedule ${id} `)
    expect(get.stdout).toContain('no second change can be scheduled until it has gone live or is cancelled')
  })

  it('records a review as the local reviewer, lists where pages stand, says what a page said at a time', async () => {
    const refused = await local('review', 'conclusion', '--note', 'not mine to give')
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('alice is not one; who can review: Dr. Ana Lee (drlee)')
    const reviewed = await local('review', 'conclusion', '--as', 'drlee', '--note', 'checked the claims')
    expect(reviewed.code).toBe(0)
    expect(reviewed.stdout).toMatch(
      /recorded: .* {2}Dr\. Ana Lee, MD, toxicology \(example credentials\) \(drlee\) {2}words [0-9a-f]{64}/,
    )
    const listed = await local('reviews')
    expect(listed.stdout).toMatch(/^conclusion +reviewed$/m)
    expect(listed.stdout).toMatch(/^home +NEEDS REVIEW: never reviewed$/m)
    const unrecorded = await local('page-at', 'conclusion', new Date().toISOString())
    expect(unrecorded.stdout).toContain('the ledger had not recorded this page’s words yet then')
    // The every-minute cron reports the words each page serves (README: how to run it locally).
    const cron = await site.fetch('http://localhost/cdn-cgi/local/scheduled?cron=*+*+*+*+*')
    expect(cron.status).toBe(200)
    const at = await local('page-at', 'conclusion', new Date().toISOString())
    expect(at.code).toBe(0)
    expect(at.stdout).toContain('conclusion at ')
    expect(at.stdout).toMatch(/reviewed: .*Dr\. Ana Lee/)
  })

  it('makes a LEDGER_SECRET: 32 random bytes as hex, a new one each time, sending nothing', async () => {
    const [one, two] = await Promise.all([cli(['secret']), cli(['secret'])])
    const secretOf = (stdout: string) => stdout.split('\n')[1] as string
    expect(one.code).toBe(0)
    expect(secretOf(one.stdout)).toMatch(/^[0-9a-f]{64}$/)
    expect(ledgerSecretProblem(secretOf(one.stdout))).toBeUndefined()
    expect(secretOf(one.stdout)).not.toBe(secretOf(two.stdout))
    expect(one.stdout).toContain('wrangler secret put LEDGER_SECRET --env <environment>')
  })

  it('exports the whole record, which verifies offline; a changed row fails with its number', async () => {
    const file = join(store, 'record.jsonl')
    const exported = await local('export', '--out', file)
    expect(exported.code).toBe(0)
    expect(exported.stderr).toMatch(/wrote \d+ row\(s\) and the end line to /)
    const verified = await cli(['verify', file])
    expect(verified.code).toBe(0)
    expect(verified.stdout).toMatch(/verified: \d+ row\(s\) and the end line, the chain holds; head [0-9a-f]{64}/)
    // Without --out the record goes to stdout, written as the ledger pages it out: the same whole, verifiable record.
    const printed = await local('export')
    expect([printed.code, printed.stderr]).toEqual([0, ''])
    const printedFile = join(store, 'printed.jsonl')
    writeFileSync(printedFile, printed.stdout)
    expect((await cli(['verify', printedFile])).stdout).toMatch(/verified: \d+ row\(s\) and the end line/)
    const lines = readFileSync(file, 'utf8').trim().split('\n')
    const second = JSON.parse(lines[1] as string)
    const head = second.hash as string
    expect((await cli(['verify', file, '--head', head])).stdout).toContain('the head you gave is row 2')
    lines[1] = JSON.stringify({ ...second, row: { ...second.row, at: '2020-01-01T00:00:00.000Z' } })
    writeFileSync(file, `${lines.join('\n')}\n`)
    const forged = await cli(['verify', file])
    expect(forged.code).toBe(1)
    expect(forged.stderr).toContain('NOT VERIFIED after 1 row(s): row 2')
  })
})
