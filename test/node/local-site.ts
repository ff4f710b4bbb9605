// The site as `npm start` runs it (scripts/start.ts: wrangler dev, a seeded store of its own, local editors),
// on a free port of its own, with what it logs collected: the messages wrangler's Email Service simulation says it sent.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../../scripts/lib/free-port.ts'
import { type LOCAL_EDITORS, tokenFile } from '../../scripts/lib/local-editors.ts'
import { PROJECT_ROOT } from '../../scripts/lib/paths.ts'

export interface SentEmail {
  to: string
  subject: string
  /** The body, as the simulation wrote it under .wrangler/tmp/email/. */
  text: string
  path: string
}

type LocalEditor = (typeof LOCAL_EDITORS)[number]

export interface LocalSite {
  origin: string
  store: string
  token(editor: LocalEditor): string
  /** A request to the admin API as a local editor, JSON in and out. */
  api(editor: LocalEditor, path: string, init?: RequestInit): Promise<Response>
  /** Every message the site has sent so far, in order. */
  emails(): SentEmail[]
  /** Waits until a message matching `match` has been sent; fails after `timeoutMs`. */
  email(match: (email: SentEmail) => boolean, timeoutMs?: number): Promise<SentEmail>
  stop(): Promise<void>
}

const EMAIL_BLOCK =
  /send_email binding called with MessageBuilder:\s*\nFrom: .*\nTo: (.*)\nSubject: (.*)\n\s*\nText: (\S+)/g

/** What wrangler dev says when another server took the port first. */
const PORT_TAKEN = 'Address already in use'

/**
 * Starts `node scripts/start.ts` on a free port with a store of its own; resolves once it is seeded and serving. A
 * port taken between choosing it and wrangler binding it is chosen again (three tries).
 */
export async function startLocalSite(vars: string[] = []): Promise<LocalSite> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOn(await freePort(), vars)
    } catch (error) {
      if (attempt >= 3 || !(error instanceof Error && error.message.includes(PORT_TAKEN))) throw error
    }
  }
}

async function startOn(port: number, vars: string[]): Promise<LocalSite> {
  const store = mkdtempSync(join(tmpdir(), 'local-site-'))
  const args = [
    'scripts/start.ts',
    '--port',
    String(port),
    '--persist-to',
    store,
    ...vars.flatMap((pair) => ['--var', pair]),
  ]
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: PROJECT_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: 'false',
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      NO_COLOR: '1',
      FORCE_COLOR: '0',
    },
  })
  let log = ''
  child.stdout?.on('data', (chunk) => {
    log += chunk
  })
  child.stderr?.on('data', (chunk) => {
    log += chunk
  })
  const until = async (done: () => boolean, timeoutMs: number, what: string) => {
    const deadline = Date.now() + timeoutMs
    while (!done()) {
      if (Date.now() > deadline)
        throw new Error(`${what} did not happen within ${timeoutMs} ms; the site logged:\n${log}`)
      if (child.exitCode !== null) throw new Error(`the site stopped (${child.exitCode}); it logged:\n${log}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  try {
    await until(() => log.includes('npm start: the site is on'), 90_000, 'starting the site')
  } catch (error) {
    if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGTERM')
    rmSync(store, { recursive: true, force: true })
    throw error
  }
  const token = (editor: LocalEditor) => readFileSync(tokenFile(store, editor), 'utf8').trim()
  const emails = () =>
    // biome-ignore lint/suspicious/noControlCharactersInRegex: wrangler colours its log with escape sequences
    [...log.replace(/\u001b\[[0-9;]*m/g, '').matchAll(EMAIL_BLOCK)].map(([, to, subject, path]) => ({
      to: to as string,
      subject: subject as string,
      path: path as string,
      text: readFileSync(path as string, 'utf8'),
    }))
  return {
    origin: `http://localhost:${port}`,
    store,
    token,
    api: (editor, path, init = {}) => {
      const headers = { Authorization: `Bearer ${token(editor)}`, 'Content-Type': 'application/json', ...init.headers }
      return fetch(`http://localhost:${port}/admin${path}`, { ...init, headers })
    },
    emails,
    async email(match, timeoutMs = 30_000) {
      let found: SentEmail | undefined
      await until(
        () => {
          found = emails().find(match)
          return found !== undefined
        },
        timeoutMs,
        'the message',
      )
      return found as SentEmail
    },
    async stop() {
      if (child.exitCode === null && child.pid) {
        process.kill(-child.pid, 'SIGTERM')
        await new Promise((resolve) => child.once('exit', resolve))
      }
      rmSync(store, { recursive: true, force: true })
    },
  }
}
