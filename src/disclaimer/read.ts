// The read path: one bulk KV get per render at most, cached in the isolate, never failing.
import { DEFAULT_DISCLAIMERS, GLOBAL_KEY, pageKey } from './defaults'
import { validateDisclaimer } from './validate'

export type DisclaimerSource = 'kv' | 'default'

export interface Disclaimer {
  key: string
  source: DisclaimerSource
  paragraphs: string[]
}

export interface PageDisclaimers {
  global: Disclaimer
  /** Extra text per page slug; a slug is absent when neither KV nor the bundle has one. */
  pages: ReadonlyMap<string, Disclaimer>
  /** `kv` when every disclaimer shown came from KV, `default` when any fell back. */
  source: DisclaimerSource
}

/** The slice of a KV namespace this module uses; tests hand in failing or slow ones. */
export interface DisclaimerNamespace {
  get(keys: string[], options: { type: 'text'; cacheTtl?: number }): Promise<Map<string, string | null>>
}

export interface DisclaimerReaderOptions {
  /** How long a read is reused inside one isolate. */
  cacheTtlMs?: number
  /** KV's own edge cache for the read (KV's minimum is 30 s). */
  kvCacheTtlSeconds?: number
  /** How long to wait for KV before showing the bundled defaults. */
  timeoutMs?: number
  /** How soon to ask KV again after it failed. */
  retryAfterFailureMs?: number
  now?: () => number
}

export const DISCLAIMER_CACHE_TTL_MS = 15_000
export const KV_CACHE_TTL_SECONDS = 30
export const KV_TIMEOUT_MS = 300
export const RETRY_AFTER_FAILURE_MS = 2_000

interface CacheEntry {
  disclaimer: Disclaimer | undefined
  expires: number
}

function bundledDefault(key: string): Disclaimer | undefined {
  const fallback = DEFAULT_DISCLAIMERS.get(key)
  return fallback && { key, source: 'default', paragraphs: fallback.paragraphs }
}

const DEFAULT_GLOBAL = bundledDefault(GLOBAL_KEY) as Disclaimer

/** The bundled global disclaimer alone: what error pages show, without touching KV. */
export const BUNDLED_DISCLAIMERS: PageDisclaimers = { global: DEFAULT_GLOBAL, pages: new Map(), source: 'default' }

async function bulkGet(
  kv: DisclaimerNamespace,
  keys: string[],
  cacheTtl: number,
  timeoutMs: number,
): Promise<Map<string, string | null>> {
  let timer: ReturnType<typeof setTimeout> | null = null
  const read = kv.get(keys, { type: 'text', cacheTtl })
  // A read that loses the race may still reject later; that must not surface as an unhandled rejection.
  read.catch(() => {})
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`KV did not answer within ${timeoutMs} ms`)), timeoutMs)
  })
  try {
    return await Promise.race([read, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Returns `readDisclaimers(kv, slugs)`, which never throws: a missing, empty, too long or
 * otherwise invalid KV value, a KV error or a KV timeout all yield the bundled default
 * (and a logged warning). Each reader keeps its own isolate cache.
 */
export function createDisclaimerReader(options: DisclaimerReaderOptions = {}) {
  const cacheTtlMs = options.cacheTtlMs ?? DISCLAIMER_CACHE_TTL_MS
  const kvCacheTtl = options.kvCacheTtlSeconds ?? KV_CACHE_TTL_SECONDS
  const timeoutMs = options.timeoutMs ?? KV_TIMEOUT_MS
  const retryMs = Math.min(options.retryAfterFailureMs ?? RETRY_AFTER_FAILURE_MS, cacheTtlMs)
  const now = options.now ?? Date.now
  const cache = new Map<string, CacheEntry>()

  async function refresh(kv: DisclaimerNamespace, keys: string[]): Promise<void> {
    let values: Map<string, string | null> | undefined
    let failure: string | undefined
    try {
      values = await bulkGet(kv, keys, kvCacheTtl, timeoutMs)
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error)
    }
    const expires = now() + (failure ? retryMs : cacheTtlMs)
    for (const key of keys) {
      const raw = values?.get(key) ?? null
      const checked = raw === null ? undefined : validateDisclaimer(raw)
      let disclaimer: Disclaimer | undefined
      if (checked?.ok) {
        disclaimer = { key, source: 'kv', paragraphs: checked.paragraphs }
      } else {
        disclaimer = bundledDefault(key)
        // A page key that is unset and has no bundled default is normal: that page has no extra text.
        if (disclaimer || checked) {
          const reason = failure ?? checked?.reason ?? 'the key is not set in KV'
          console.warn('disclaimer fallback', { key, reason, shown: disclaimer ? 'bundled default' : 'none' })
        }
      }
      cache.set(key, { disclaimer, expires })
    }
  }

  return async function readDisclaimers(kv: DisclaimerNamespace, slugs: readonly string[]): Promise<PageDisclaimers> {
    const keys = [GLOBAL_KEY, ...slugs.map(pageKey)]
    const at = now()
    if (keys.some((key) => (cache.get(key)?.expires ?? 0) <= at)) await refresh(kv, keys)
    const pages = new Map<string, Disclaimer>()
    for (const slug of slugs) {
      const disclaimer = cache.get(pageKey(slug))?.disclaimer
      if (disclaimer) pages.set(slug, disclaimer)
    }
    const global = cache.get(GLOBAL_KEY)?.disclaimer ?? DEFAULT_GLOBAL
    const source: DisclaimerSource = [global, ...pages.values()].every((d) => d.source === 'kv') ? 'kv' : 'default'
    return { global, pages, source }
  }
}

export type ReadDisclaimers = ReturnType<typeof createDisclaimerReader>
