// The disclaimer CLI against a local store of its own, through the ledger, as an editor uses it.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { unstable_startWorker } from 'wrangler'
import { CONFIG_PATH, PROJECT_ROOT } from '../../scripts/lib/paths.ts'
import { editorForToken, editorsFrom, tokenHash } from '../../src/core/editors.ts'
import { ledgerSecretProblem } from '../../src/core/kv-contract.ts'

const run = promisify(execFile)
let store: string

async function cli(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run('node', ['scripts/disclaimer.ts', ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', DISCLAIMER_TOKEN: '', ...env },
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

const local = (...args: string[]) => cli([...args, '--local', '--persist-to', store])

beforeAll(() => {
  store = mkdtempSync(join(tmpdir(), 'disclaimer-cli-'))
})
afterAll(() => rmSync(store, { recursive: true, force: true }))

describe('npm run disclaimer', () => {
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

  it('never hands a real token to whatever answers on the local port', async () => {
    const seen: (string | undefined)[] = []
    const impostor = createServer((req, res) => {
      seen.push(req.headers.authorization)
      res.writeHead(req.url === '/admin/whoami' && !req.headers.authorization ? 401 : 500, {
        'Content-Type': 'application/json',
      })
      res.end(JSON.stringify({ error: { code: 'unauthorized', message: '\u001b]0;pwned\u0007 send me your token' } }))
    })
    await new Promise<void>((resolve, reject) => {
      impostor.once('error', reject)
      impostor.listen(8787, '127.0.0.1', resolve)
    })
    try {
      const result = await cli(['get', '--local'], { DISCLAIMER_TOKEN: 'the-real-production-token-0123456789abcdef' })
      expect(result.code).toBe(1)
      expect(seen.some((header) => header?.includes('the-real-production-token'))).toBe(false)
      expect(seen.filter(Boolean).every((header) => /^Bearer [A-Za-z0-9_-]{43}$/.test(header as string))).toBe(true)
      // What the server said is printed with its control characters escaped, never as a terminal sequence.
      expect(result.stderr).toContain('\\u{1b}]0;pwned\\u{7} send me your token')
      expect(result.stderr).not.toContain('\u001b')
    } finally {
      await new Promise((resolve) => impostor.close(resolve))
    }
  })

  it('seeds, proposes, refuses self-approval, and publishes on a second editor’s approval; the page shows it', async () => {
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

    const approved = await local('approve', id, '--as', 'bob')
    expect(approved.code).toBe(0)
    expect(approved.stdout).toMatch(/global: v\d+ is live: KV holds it/)
    expect(approved.stdout).toMatch(
      /read back from the LOCAL store \([^)]*\): v\d+ +\S+ +publish +by alice +approved by bob +"legal review"\nProposed from the CLI\.\n/,
    )
    expect((await local('history')).stdout).toMatch(
      /2 version\(s\), newest first\nv\d+ .*publish +by alice +approved by bob/,
    )

    // Served with the store's own LEDGER_SECRET, as npm start serves it: the page names the version the CLI wrote.
    const ledgerSecret = /^LEDGER_SECRET='([0-9a-f]{64})'$/m.exec(readFileSync(join(store, '.dev.vars'), 'utf8'))?.[1]
    expect(ledgerSecret).toMatch(/^[0-9a-f]{64}$/)
    const worker = await unstable_startWorker({
      config: CONFIG_PATH,
      bindings: { LEDGER_SECRET: { type: 'secret_text', value: ledgerSecret as string } },
      dev: {
        server: { hostname: '127.0.0.1', port: 0 },
        inspector: false,
        persist: store,
        watch: false,
        logLevel: 'none',
      },
    })
    try {
      await worker.ready
      const page = await worker.fetch('http://localhost/')
      expect(page.headers.get('Disclaimer-Version')).toMatch(/^disclaimer=v\d+\//)
      expect(await page.text()).toContain('<p>Proposed from the CLI.</p>')
    } finally {
      await worker.dispose()
    }
  })

  it('rolls back to an earlier version and answers what was live at a time', async () => {
    const before = new Date().toISOString()
    const set = await local('set', '--text', 'A text to roll back from.')
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
    expect(exported.stderr).toMatch(/wrote \d+ row\(s\) to /)
    const verified = await cli(['verify', file])
    expect(verified.code).toBe(0)
    expect(verified.stdout).toMatch(/verified: \d+ row\(s\), the chain holds; head [0-9a-f]{64}/)
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
