// The disclaimer CLI's one way in: the Worker's admin API, on a local Worker over the local store, or on the
// staging or production site over HTTPS. Every change therefore goes through the ledger, like the console's.
import { existsSync, readFileSync } from 'node:fs'
import { newToken } from '../../src/disclaimer/editors.ts'
import type { LedgerVersion, Proposal, PublishResult } from '../../src/disclaimer/records.ts'
import { ensureLocalEditors, LOCAL_STORE, tokenFile } from './local-editors.ts'
import { CONFIG_PATH } from './paths.ts'

/** A failure the CLI explains in one line; exit code 2 for a usage error, 1 for a refused or failed command. */
export class CliError extends Error {
  readonly exitCode: number
  constructor(message: string, exitCode = 1) {
    super(message)
    this.exitCode = exitCode
  }
}

export interface Where {
  /** Said before every result: which store or site this is. */
  label: string
  fetch(path: string, init?: RequestInit): Promise<Response>
  close(): Promise<void>
}

/** The port `npm start` serves on; when it answers as this site, the CLI uses that Worker instead of starting one. */
const DEV_SERVER = 'http://127.0.0.1:8787'

async function runningDevServer(): Promise<boolean> {
  try {
    const response = await fetch(`${DEV_SERVER}/admin/whoami`, { signal: AbortSignal.timeout(500) })
    const body = (await response.json()) as { error?: { code?: string } }
    return response.status === 401 && body.error?.code === 'unauthorized'
  } catch {
    return false
  }
}

/**
 * The local store. With the default store and `npm start` running, its Worker answers (one ledger, one writer);
 * otherwise the CLI starts the Worker itself on the store, with the store's editors, and stops it after.
 */
export async function localTarget(store = LOCAL_STORE): Promise<Where> {
  const label = `the LOCAL store (${store === LOCAL_STORE ? '.wrangler/state, used by npm start' : store})`
  if (store === LOCAL_STORE && (await runningDevServer())) {
    return { label, fetch: (path, init) => fetch(`${DEV_SERVER}${path}`, init), close: async () => {} }
  }
  const editors = await ensureLocalEditors(store)
  // Offline, fetching Cloudflare's request.cf sample only costs time and prints a stack trace.
  process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= 'false'
  // Loaded only here: importing wrangler takes about a second, which a running `npm start` spares.
  const { unstable_startWorker } = await import('wrangler')
  const worker = await unstable_startWorker({
    config: CONFIG_PATH,
    bindings: {
      EDITORS: { type: 'secret_text', value: editors },
      SESSION_SECRET: { type: 'secret_text', value: newToken() },
    },
    dev: {
      server: { hostname: '127.0.0.1', port: 0 },
      inspector: false,
      persist: store,
      watch: false,
      logLevel: 'error',
    },
  })
  await worker.ready
  return {
    label,
    fetch: async (path, init) => (await worker.fetch(`http://localhost${path}`, init as never)) as unknown as Response,
    close: () => worker.dispose(),
  }
}

/** A deployed environment, by the SITE_ORIGIN in its config; refused while its config still has placeholders. */
export async function remoteTarget(environment: string): Promise<Where> {
  const { placeholderProblems, siteOriginOf } = await import('./environments.ts')
  const problems = placeholderProblems(environment)
  if (problems.length > 0) {
    throw new CliError(
      `${environment} is not set up yet, so nothing was sent:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
    )
  }
  const origin = siteOriginOf(environment)
  return {
    label: `the REMOTE ${environment} site (${origin})`,
    fetch: (path, init) => fetch(`${origin}${path}`, init),
    close: async () => {},
  }
}

/**
 * The editor's token: $DISCLAIMER_TOKEN, else the file --token-file names, else (local store only) the token
 * file of the local editor --as names. Never from a command-line argument, where it would sit in shell history.
 */
export function readToken(options: { tokenFile?: string; as?: string; store?: string }): string {
  if (process.env.DISCLAIMER_TOKEN) return process.env.DISCLAIMER_TOKEN.trim()
  const path = options.tokenFile ?? (options.store ? tokenFile(options.store, options.as ?? 'alice') : undefined)
  if (!path) {
    throw new CliError('no token: set DISCLAIMER_TOKEN or pass --token-file <file holding your editor token>', 2)
  }
  if (!existsSync(path)) throw new CliError(`no token file at ${path}`, 2)
  return readFileSync(path, 'utf8').trim()
}

export interface Current {
  target: string
  key: string
  current: LedgerVersion | null
  pending: { attempts: number; lastError: string | null; nextAt: string } | null
  bundledDefault: { file: string; text: string; hash: string } | null
}

/** Typed calls to the admin API; an error answer becomes a CliError carrying the API's own message. */
export function adminClient(where: Where, token: string) {
  async function call<T>(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ) {
    const response = await where.fetch(`/admin${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    })
    const text = await response.text()
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      throw new CliError(`${where.label} answered ${response.status} without JSON; is the admin API on there?`)
    }
    if (!response.ok) {
      const { code, message } = (json as { error: { code: string; message: string } }).error
      throw new CliError(`${message} [${code}, HTTP ${response.status}]`)
    }
    return json as T
  }

  /** The precondition naming the version an edit replaces. */
  const replacing = (version: LedgerVersion | null): Record<string, string> =>
    version ? { 'If-Match': `"${version.version}"` } : { 'If-None-Match': '*' }

  return {
    whoami: () => call<{ editor: string; requiresApproval: boolean }>('GET', '/whoami'),
    current: (target: string) => call<Current>('GET', `/disclaimers/${target}`),
    history: (target: string) => call<{ versions: LedgerVersion[] }>('GET', `/disclaimers/${target}/history`),
    at: (target: string, time: string) =>
      call<{ at: string; version: LedgerVersion | null }>(
        'GET',
        `/disclaimers/${target}/at?time=${encodeURIComponent(time)}`,
      ),
    version: (target: string, version: number) =>
      call<LedgerVersion>('GET', `/disclaimers/${target}/versions/${version}`),
    audit: (limit: number) => call<{ versions: LedgerVersion[] }>('GET', `/audit?limit=${limit}`),
    proposals: () => call<{ proposals: Proposal[] }>('GET', '/proposals?status=open'),
    publish: (target: string, base: LedgerVersion | null, text: string, note?: string) =>
      call<PublishResult & { ok: true }>('PUT', `/disclaimers/${target}`, {
        body: { text, note },
        headers: replacing(base),
      }),
    propose: (target: string, base: LedgerVersion | null, text: string, note?: string) =>
      call<{ proposal: Proposal }>('POST', `/disclaimers/${target}/proposals`, {
        body: { text, note },
        headers: replacing(base),
      }),
    approve: (id: number, note?: string) =>
      call<PublishResult & { ok: true }>('POST', `/proposals/${id}/approve`, { body: { note } }),
    reject: (id: number, reason: string) =>
      call<{ proposal: Proposal }>('POST', `/proposals/${id}/reject`, { body: { reason } }),
    rollback: (target: string, base: LedgerVersion | null, version: number, note?: string) =>
      call<PublishResult & { ok: true }>('POST', `/disclaimers/${target}/rollback`, {
        body: { version, note },
        headers: replacing(base),
      }),
    seed: () => call<{ seeded: (PublishResult & { ok: true })[] }>('POST', '/seed', { body: {} }),
    importLegacy: () => call<{ imported: number; skipped: number }>('POST', '/import', { body: {} }),
  }
}

export type AdminClient = ReturnType<typeof adminClient>
