// The disclaimer CLI's one way in: the Worker's admin API, on a local Worker over the local store, or on the
// staging or production site over HTTPS. Every change therefore goes through the ledger, like the console's.
import { existsSync, readFileSync } from 'node:fs'
import type { ChainEntry } from '../../src/core/chain.ts'
import { newToken } from '../../src/core/editors.ts'
import type {
  ImportRecord,
  LedgerEvent,
  LedgerVersion,
  LiveState,
  Proposal,
  PublishResult,
  Schedule,
  ShownAtAnswer,
} from '../../src/core/ledger-types.ts'
import type { ReviewRules } from '../../src/core/review-rules.ts'
import type { PageAt, PageReviewState, ReviewRecord } from '../../src/core/review-types.ts'
import { printable } from '../../src/core/validate.ts'
import { CliError } from './cli-error.ts'
import {
  devVarsOf,
  ensureLedgerSecret,
  ensureLocalEditors,
  ensureLogSigningKey,
  LOCAL_STORE,
  tokenFile,
} from './local-editors.ts'
import { readLocalSite, runningSite } from './local-site.ts'
import { CONFIG_PATH } from './paths.ts'

export { CliError }

export interface Where {
  /** Said before every result: which store or site this is. */
  label: string
  fetch(path: string, init?: RequestInit): Promise<Response>
  close(): Promise<void>
}

/** Where `npm run dev` (plain wrangler dev, which records nothing in the store) serves the default store. */
const PLAIN_DEV_SERVER = 'http://127.0.0.1:8787'

/**
 * Whether `origin` answers as this site's admin API does a request without a token (401, a Bearer challenge, our
 * JSON): asked before any token is sent there.
 */
async function answersAsSite(origin: string, waitMs: number): Promise<boolean> {
  try {
    const response = await fetch(`${origin}/admin/whoami`, { signal: AbortSignal.timeout(waitMs) })
    const body = (await response.json()) as { error?: { code?: string } }
    return (
      response.status === 401 &&
      response.headers.get('WWW-Authenticate') === 'Bearer realm="disclaimer editors"' &&
      body.error?.code === 'unauthorized'
    )
  } catch {
    return false
  }
}

/**
 * The local store. Where `npm start` runs on it, its site answers, on the port the store says it runs on, while the
 * process that serves it lives (one ledger, one writer); a token goes there only then, and only once that port
 * answers as this site. Otherwise the CLI starts the Worker itself on the store, with the store's editors and the
 * variables `npm start` last ran it with (REQUIRE_APPROVAL above all), and stops it after.
 */
export async function localTarget(store = LOCAL_STORE): Promise<Where> {
  const name = store === LOCAL_STORE ? '.wrangler/state, used by npm start' : store
  const site = readLocalSite(store)
  const running = runningSite(site)
  if (running) {
    const origin = `http://127.0.0.1:${running.port}`
    if (!(await answersAsSite(origin, 10_000))) {
      throw new CliError(
        `npm start says its site for ${name} runs on ${origin} (process ${running.pid}), but what answers there is not that site; nothing was sent. Stop npm start and start it again`,
      )
    }
    return {
      label: `the LOCAL store (${name}; its site on ${origin})`,
      fetch: (path, init) => fetch(`${origin}${path}`, init),
      close: async () => {},
    }
  }
  if (store === LOCAL_STORE && (await answersAsSite(PLAIN_DEV_SERVER, 2000))) {
    throw new CliError(
      `a site answers on ${PLAIN_DEV_SERVER} as this one, but npm start did not record it in the store (plain npm run dev?): the CLI sends it no token and will not open the store beside it. Stop it, or run npm start`,
    )
  }
  const editors = await ensureLocalEditors(store)
  // The store's own: what `npm start` signs with, so pages name the versions this server writes.
  const ledgerSecret = ensureLedgerSecret(devVarsOf(store))
  const logSigningKey = await ensureLogSigningKey(devVarsOf(store))
  // Cloudflare and wrangler dev give every request its client's address; requests made straight into the Worker
  // carry this machine's, so that failed sign-ins are counted as they would be anywhere else.
  const local = { 'CF-Connecting-IP': '127.0.0.1' }
  // Offline, fetching Cloudflare's request.cf sample only costs time and prints a stack trace.
  process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= 'false'
  // Loaded only here: importing wrangler takes about a second, which a running `npm start` spares.
  const { unstable_startWorker } = await import('wrangler')
  const vars = Object.fromEntries(
    Object.entries(site.vars).map(([key, value]) => [key, { type: 'plain_text' as const, value }]),
  )
  const worker = await unstable_startWorker({
    config: CONFIG_PATH,
    bindings: {
      ...vars,
      EDITORS: { type: 'secret_text', value: editors },
      SESSION_SECRET: { type: 'secret_text', value: newToken() },
      LEDGER_SECRET: { type: 'secret_text', value: ledgerSecret },
      LOG_SIGNING_KEY: { type: 'secret_text', value: logSigningKey },
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
  const rule =
    site.vars.REQUIRE_APPROVAL === undefined
      ? ''
      : `; REQUIRE_APPROVAL=${site.vars.REQUIRE_APPROVAL}, as npm start last ran it`
  return {
    label: `the LOCAL store (${name}${rule})`,
    fetch: async (path, init) => {
      const headers = { ...local, ...(init?.headers as Record<string, string> | undefined) }
      return (await worker.fetch(`http://localhost${path}`, { ...init, headers } as never)) as unknown as Response
    },
    close: () => worker.dispose(),
  }
}

/** A deployed environment, by the SITE_ORIGIN in its config; refused while its config still has placeholders. */
export async function remoteTarget(environment: string): Promise<Where> {
  const { deployProblems, siteOriginOf } = await import('./environments.ts')
  const problems = deployProblems(environment)
  if (problems.length > 0) {
    throw new CliError(
      `${environment} is not set up yet, so nothing was sent:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
    )
  }
  const origin = siteOriginOf(environment)
  return {
    label: `the REMOTE ${environment} site (${origin})`,
    fetch: (path, init) => fetchRemote(`${origin}${path}`, init),
    close: async () => {},
  }
}

/** How long the CLI waits for a deployed site to answer a request. */
export const REMOTE_TIMEOUT_MS = 30_000

const TLS_CODE = /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH|ERR_CERT|EPROTO$)/

/**
 * Why a request to a deployed site got no answer, in one sentence naming the host: its name not found (DNS), the
 * connection refused, TLS failing, or no answer in time; with what to check for each.
 */
export function unreachable(url: URL, error: unknown, timeoutMs = REMOTE_TIMEOUT_MS): string {
  const { host } = url
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause
  const code = String(cause?.code ?? (error as { code?: unknown }).code ?? '')
  const detail = printable(String(cause?.message ?? (error as Error).message ?? error))
  if ((error as Error).name === 'TimeoutError' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') {
    return `${host} did not answer within ${timeoutMs / 1000} s (timeout); check that the site is up (curl -sI ${url.origin}/); a change may have been made: read it back before trying again`
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL') {
    return `cannot find ${host} (DNS: ${code}); check SITE_ORIGIN and the custom domain in wrangler.toml, and that the deploy attached it (docs/operations.md, "The hostname"); nothing was sent`
  }
  if (code === 'ECONNREFUSED') {
    return `${host} refused the connection (ECONNREFUSED); nothing answers there: check SITE_ORIGIN; nothing was sent`
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') {
    return `${host} dropped the connection (${code}); a change may have been made: read it back before trying again`
  }
  if (TLS_CODE.test(code)) {
    return `${host} could not be reached over TLS (${code}); a new custom domain's certificate takes a few minutes after the first deploy: try again, or check the domain in the dashboard; nothing was sent`
  }
  return `could not reach ${host}: ${detail}${code ? ` (${code})` : ''}`
}

/** `fetch` to a deployed site, bounded by `timeoutMs`; a request that gets no answer fails naming the host and why. */
export async function fetchRemote(
  url: string,
  init: RequestInit = {},
  timeoutMs = REMOTE_TIMEOUT_MS,
): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) })
  } catch (error) {
    throw new CliError(unreachable(new URL(url), error, timeoutMs))
  }
}

/**
 * The editor's token. For a deployed site: $DISCLAIMER_TOKEN, else the file --token-file names; never a
 * command-line argument, where it would sit in shell history. For the local store: only the local editor --as
 * names (its token file beside the store), never $DISCLAIMER_TOKEN or a token file: whatever answers on the
 * local port must never be handed a real editor's token.
 */
export function readToken(options: { tokenFile?: string; as?: string; store?: string }): string {
  if (options.store) {
    if (options.tokenFile) {
      throw new CliError('--token-file is for a deployed site; with --local, pick a local editor with --as', 2)
    }
    const path = tokenFile(options.store, options.as ?? 'alice')
    if (!existsSync(path)) throw new CliError(`no local editor "${printable(options.as ?? 'alice')}" (no ${path})`, 2)
    return readFileSync(path, 'utf8').trim()
  }
  if (process.env.DISCLAIMER_TOKEN) return process.env.DISCLAIMER_TOKEN.trim()
  if (!options.tokenFile) {
    throw new CliError('no token: set DISCLAIMER_TOKEN or pass --token-file <file holding your editor token>', 2)
  }
  if (!existsSync(options.tokenFile)) throw new CliError(`no token file at ${options.tokenFile}`, 2)
  return readFileSync(options.tokenFile, 'utf8').trim()
}

/** A copy of the record in the BACKUPS bucket, as `POST /admin/backups` answers it (src/core/backups.ts). */
export interface Backup {
  key: string
  bytes: number
  rows: number
  head: string | null
  exportedAt: string
}

export type Current = LiveState & { bundledDefault: { file: string; text: string; hash: string } | null }

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
      const { code, message } = (json as { error?: { code?: unknown; message?: unknown } }).error ?? {}
      // The server's words are printed escaped: a stored string can carry terminal control sequences.
      throw new CliError(`${printable(String(message))} [${printable(String(code))}, HTTP ${response.status}]`)
    }
    return json as T
  }

  /** The precondition naming what an edit replaces: the base the read returned (its ETag). */
  const replacing = (read: Pick<LiveState, 'base'>): Record<string, string> =>
    read.base === 'none' ? { 'If-None-Match': '*' } : { 'If-Match': `"${read.base}"` }

  /** Every page of a paged list, oldest page last. */
  async function all<T>(path: string, field: 'versions' | 'events' | 'schedules', limit?: number): Promise<T[]> {
    const rows: T[] = []
    let before: number | null | undefined
    do {
      const query = new URLSearchParams({ limit: String(Math.min(limit ?? 500, 500)) })
      if (before) query.set('before', String(before))
      const page = await call<Record<string, unknown> & { next: number | null }>('GET', `${path}?${query}`)
      rows.push(...(page[field] as T[]))
      before = page.next
    } while (before && (limit === undefined || rows.length < limit))
    return limit === undefined ? rows : rows.slice(0, limit)
  }

  return {
    whoami: () => call<{ editor: string; requiresApproval: boolean }>('GET', '/whoami'),
    current: (target: string) => call<Current>('GET', `/disclaimers/${target}`),
    /** Every version, newest first, however many pages the API answers in. */
    history: (target: string) => all<LedgerVersion>(`/disclaimers/${target}/history`, 'versions'),
    at: (target: string, time: string) =>
      call<ShownAtAnswer & { target: string; at: string }>(
        'GET',
        `/disclaimers/${target}/at?time=${encodeURIComponent(time)}`,
      ),
    version: (target: string, version: number) =>
      call<LedgerVersion>('GET', `/disclaimers/${target}/versions/${version}`),
    audit: (limit: number) => all<LedgerVersion>('/audit', 'versions', limit),
    proposals: () => call<{ proposals: Proposal[] }>('GET', '/proposals?status=open'),
    publish: (target: string, base: Pick<LiveState, 'base'>, text: string, note?: string, effectiveAt?: string) =>
      call<PublishResult & { ok: true }>('PUT', `/disclaimers/${target}`, {
        body: { text, note, effectiveAt },
        headers: replacing(base),
      }),
    propose: (target: string, base: Pick<LiveState, 'base'>, text: string, note?: string, effectiveAt?: string) =>
      call<{ proposal: Proposal }>('POST', `/disclaimers/${target}/proposals`, {
        body: { text, note, effectiveAt },
        headers: replacing(base),
      }),
    /** Every schedule, newest first, however many pages the API answers in. */
    schedules: () => all<Schedule>('/schedules', 'schedules'),
    exportPage: (after: number) =>
      call<{ rows: ChainEntry[]; next: number | null; head: { pos: number; hash: string } | null }>(
        'GET',
        `/export?after=${after}&limit=1000`,
      ),
    cancel: (id: number, reason: string) =>
      call<{ schedule: Schedule }>('POST', `/schedules/${id}/cancel`, { body: { reason } }),
    approve: (id: number, note?: string) =>
      call<PublishResult & { ok: true }>('POST', `/proposals/${id}/approve`, { body: { note } }),
    reject: (id: number, reason: string) =>
      call<{ proposal: Proposal }>('POST', `/proposals/${id}/reject`, { body: { reason } }),
    rollback: (target: string, base: Pick<LiveState, 'base'>, version: number, note?: string) =>
      call<PublishResult & { ok: true }>('POST', `/disclaimers/${target}/rollback`, {
        body: { version, note },
        headers: replacing(base),
      }),
    seed: () => call<{ seeded: (PublishResult & { ok: true })[] }>('POST', '/seed', { body: {} }),
    importRecord: () => call<{ import: ImportRecord | null }>('GET', '/import'),
    notifications: (limit: number) => all<LedgerEvent>('/notifications', 'events', limit),
    settings: () => call<{ problems: string[] }>('GET', '/settings'),
    reconcile: () => call<{ recorded: LedgerVersion[] }>('POST', '/reconcile', { body: {} }),
    backup: () => call<{ backup: Backup; deleted: string[] }>('POST', '/backups', { body: {} }),
    backups: () =>
      call<{ retentionDays: number; backups: { key: string; bytes: number; uploaded: string }[] }>('GET', '/backups'),
    recoveryPoint: (time: string) =>
      call<{ time: string; bookmark: string; current: string }>('GET', `/recovery?time=${encodeURIComponent(time)}`),
    reviews: () =>
      call<{
        pages: PageReviewState[]
        rules: ReviewRules
        reviewers: { editor: string; name: string; credentials: string }[]
      }>('GET', '/reviews'),
    pageReview: (page: string) =>
      call<{ state: PageReviewState; reviews: ReviewRecord[]; next: number | null }>('GET', `/reviews/${page}`),
    attest: (page: string, hash: string, note?: string) =>
      call<{ review: ReviewRecord }>('POST', `/reviews/${page}`, { body: { hash, note } }),
    pageAt: (page: string, time: string) => call<PageAt>('GET', `/pages/${page}/at?time=${encodeURIComponent(time)}`),
    recover: (body: { time?: string; bookmark?: string; reason: string }) =>
      call<{
        restoredTo: string
        time: string | null
        undo: string
        copy: Backup
        head: { pos: number; hash: string } | null
      }>('POST', '/recovery', { body }),
  }
}

export type AdminClient = ReturnType<typeof adminClient>
