// A log's public files fetched over HTTP from `<site>/log/`, each once, with every request and byte counted; a
// partial tile or bundle that is gone (C2SP tlog-tiles lets a log drop one once the full tile exists) is read from
// the full one, cut to the width asked for.
import { HASH_SIZE } from '../../src/core/log/merkle.ts'
import { bundleBytes, parseBundle, parseTilePath } from '../../src/core/log/tiles.ts'
import { printable } from '../../src/core/validate.ts'

/** How long one request may take. */
export const FETCH_TIMEOUT_MS = 30_000
/** Larger than any file a log serves (an entry bundle of 256 entries of 64 KiB), so a hostile server cannot flood. */
export const MAX_FILE_BYTES = 17 * 1024 * 1024

export class HttpError extends Error {
  readonly status: number
  constructor(url: string, status: number) {
    super(`${url} answered HTTP ${status}`)
    this.status = status
  }
}

export interface Fetched {
  /** Every URL fetched, in order. */
  urls: string[]
  bytes: number
}

/** Fetches a URL's body, bounded in time and size; a failure says which URL and why. Counts into `fetched`. */
export async function fetchBytes(url: string, fetched: Fetched, timeoutMs = FETCH_TIMEOUT_MS): Promise<Uint8Array> {
  fetched.urls.push(url)
  let response: Response
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' })
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause
    const why =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${timeoutMs / 1000} s`
        : String(cause?.code ?? cause?.message ?? (error as Error).message)
    throw new Error(`could not fetch ${url}: ${printable(why)}`)
  }
  if (!response.ok) {
    await response.body?.cancel()
    throw new HttpError(url, response.status)
  }
  const declared = Number(response.headers.get('content-length') ?? 0)
  if (declared > MAX_FILE_BYTES) {
    await response.body?.cancel()
    throw new Error(`${url} is ${declared} bytes, more than any log file (${MAX_FILE_BYTES})`)
  }
  const bytes = new Uint8Array(await response.arrayBuffer())
  if (bytes.length > MAX_FILE_BYTES) throw new Error(`${url} is more than ${MAX_FILE_BYTES} bytes`)
  fetched.bytes += bytes.length
  return bytes
}

export interface LogFiles {
  /** The log's base URL, ending in `/log/`. */
  base: string
  /** A file by its path under the base: `checkpoint`, `tile/0/000`, `tile/entries/001.p/7`. Fetched once. */
  file(path: string): Promise<Uint8Array>
}

/** The log served under `base` (`https://example.org/log/`), counting into `fetched`. */
export function logFiles(base: string, fetched: Fetched, timeoutMs = FETCH_TIMEOUT_MS): LogFiles {
  const cache = new Map<string, Promise<Uint8Array>>()
  const get = (path: string) => {
    let pending = cache.get(path)
    if (!pending) {
      pending = fetchBytes(new URL(path, base).href, fetched, timeoutMs)
      cache.set(path, pending)
    }
    return pending
  }
  return {
    base,
    async file(path) {
      try {
        return await get(path)
      } catch (error) {
        const partial = /^(.*)\.p\/([0-9]+)$/.exec(path)
        if (!(error instanceof HttpError) || error.status !== 404 || !partial) throw error
        return cut(path, await get(partial[1] as string), Number(partial[2]))
      }
    },
  }
}

// The first `width` hashes or entries of a full tile or bundle: what its partial tile of that width held.
function cut(path: string, full: Uint8Array, width: number): Uint8Array {
  const parsed = parseTilePath(path)
  if (parsed.ok && parsed.kind === 'hashes') return full.slice(0, width * HASH_SIZE)
  const bundle = parseBundle(full)
  if (!bundle.ok) throw new Error(`${path} is gone and its full bundle is not a bundle: ${bundle.problem}`)
  return bundleBytes(bundle.entries.slice(0, width))
}

/** `<site>/log/` for a site's origin or any URL on it. */
export function logBase(site: string): string {
  return new URL('/log/', site).href
}
