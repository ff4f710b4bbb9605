// The ledger benchmark's view of one served site: its admin API and console as an editor uses them, and the paths
// only its benchmark Worker has (fill the record, count rows, run the alarm and the cron).
import { LEDGER_BENCH_PATH, type LedgerBenchAction, type RowsCounted } from '../bench/ledger-bench.ts'
import type { ServedBundle } from './serve-bundle.ts'

/** Editors the benchmark signs in as: one per kind of write, as each has a rate limit of its own (20 a minute). */
export const BENCH_EDITORS = {
  alice: 'bench-token-alice-0123456789abcdef0123456789',
  bob: 'bench-token-bob-0123456789abcdef0123456789ab',
  carol: 'bench-token-carol-0123456789abcdef0123456789',
  dave: 'bench-token-dave-0123456789abcdef0123456789a',
  erin: 'bench-token-erin-0123456789abcdef0123456789a',
}
export type BenchEditor = keyof typeof BENCH_EDITORS
/** Every benchmark editor is a reviewer, so the shipped reviewer rule (content/review-rules.json) refuses none of their writes. */
export const BENCH_REVIEWERS = Object.fromEntries(
  Object.keys(BENCH_EDITORS).map((name) => [name, { name: `Dr. ${name}`, credentials: 'MD (benchmark)' }]),
)

export interface LedgerClient {
  served: ServedBundle
  /**
   * A request as `editor` (a bearer token for /admin, the session cookie for /console); the body read to its end, or
   * to its `lines`th line, after which the rest is cancelled.
   */
  call(
    path: string,
    init?: RequestInit & { as?: BenchEditor; lines?: number },
  ): Promise<{ status: number; body: string; location: string | null }>
  /** One of the benchmark Worker's own paths; answers its JSON result. */
  bench<T = unknown>(action: LedgerBenchAction, init?: RequestInit): Promise<T>
  /** Rows the ledger read and wrote for `work`, and how long it took (ms, wall clock from here). */
  measure(work: () => Promise<unknown>): Promise<{ rows: RowsCounted; ms: number }>
  /** Signs `editor` in to the console once; later console calls carry the cookie. */
  signIn(editor: BenchEditor): Promise<void>
}

export function ledgerClient(served: ServedBundle): LedgerClient {
  const cookies = new Map<BenchEditor, string>()
  const origin = served.url.origin
  const client: LedgerClient = {
    served,
    async call(path, { as = 'alice', lines, ...init } = {}) {
      const headers = new Headers(init.headers)
      headers.set('CF-Connecting-IP', '198.51.100.7')
      if (path.startsWith('/admin')) headers.set('Authorization', `Bearer ${BENCH_EDITORS[as]}`)
      if (path.startsWith('/console')) {
        headers.set('Cookie', cookies.get(as) ?? '')
        headers.set('Origin', origin)
        headers.set('Sec-Fetch-Site', 'same-origin')
      }
      const response = await fetch(new URL(path, served.url), { ...init, headers, redirect: 'manual' })
      const location = response.headers.get('Location')
      if (lines === undefined || !response.body)
        return { status: response.status, body: await response.text(), location }
      return { status: response.status, body: await firstLines(response.body, lines), location }
    },
    async bench(action, init = {}) {
      const method = action === 'rows' || action === 'ping' ? 'GET' : 'POST'
      const response = await fetch(new URL(`${LEDGER_BENCH_PATH}/${action}`, served.url), { method, ...init })
      if (!response.ok)
        throw new Error(`${LEDGER_BENCH_PATH}/${action} answered ${response.status}: ${await response.text()}`)
      return ((await response.json()) as { result: never }).result
    },
    async measure(work) {
      await client.bench('count')
      const started = performance.now()
      await work()
      const ms = performance.now() - started
      return { rows: await client.bench<RowsCounted>('rows'), ms }
    },
    async signIn(editor) {
      const response = await fetch(new URL('/console/sign-in', served.url), {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'CF-Connecting-IP': '198.51.100.7',
          Origin: origin,
          'Sec-Fetch-Site': 'same-origin',
        },
        body: new URLSearchParams({ token: BENCH_EDITORS[editor] }).toString(),
      })
      await response.text()
      const cookie = (response.headers.get('Set-Cookie') ?? '').split(';')[0]
      if (response.status !== 303 || !cookie) throw new Error(`${editor} could not sign in: ${response.status}`)
      cookies.set(editor, cookie)
    },
  }
  return client
}

/** The text of a stream up to its `count`th line; the rest of the stream is cancelled, unread. */
async function firstLines(body: ReadableStream<Uint8Array>, count: number): Promise<string> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let text = ''
  let seen = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return text
    const chunk = decoder.decode(value, { stream: true })
    text += chunk
    seen += chunk.split('\n').length - 1
    if (seen >= count) {
      await reader.cancel()
      return text
    }
  }
}

/** A form post as the console's pages send one. */
export function formOf(fields: Record<string, string>): RequestInit {
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  }
}

/** A JSON body, for the admin API's writes. */
export function jsonOf(method: 'PUT' | 'POST', body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) }
}
