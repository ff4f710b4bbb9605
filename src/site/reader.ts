// The read path: one bulk KV read per set of keys per refresh interval, served from the isolate, never failing.
import { DEFAULT_DISCLAIMERS } from '../core/defaults.ts'
import { contentHash, GLOBAL_KEY, pageKey, sha256Hex, shortHash } from '../core/keys.ts'
import { FRESH_MS, KV_CACHE_TTL_SECONDS, MAX_STALE_MS, verifyMetadata } from '../core/kv-contract.ts'
import { type PageReview, parseReview, reviewKey } from '../core/reviews.ts'
import { validateDisclaimer } from '../core/validate.ts'

export type DisclaimerSource = 'kv' | 'default'

export interface Disclaimer {
  key: string
  source: DisclaimerSource
  paragraphs: string[]
  /** Content hash of the text shown. */
  hash: string
  /**
   * Which text this is: `v<n>` is ledger row n (KV carried metadata signed by the ledger, under LEDGER_SECRET, for
   * exactly this key and text), `default` the bundled default, `unrecorded` a KV text without such metadata: written
   * around the ledger (the cron records it, then signs it), or signed under a secret since rotated.
   */
  version: string
  /** For a ledger version: its chain hash (src/core/chain.ts), tying a saved page to one row of an export. */
  chain?: string
  /** For a ledger version: its entry in the public log, which verify-page proves the text against. */
  logIndex?: number
}

export interface PageDisclaimers {
  global: Disclaimer
  /** Extra text per page slug; a slug is absent when neither KV nor the bundle has one. */
  pages: ReadonlyMap<string, Disclaimer>
  /** `kv` when every disclaimer shown came from KV, `default` when any fell back. */
  source: DisclaimerSource
  /**
   * The page's current review, read in the same KV read as its disclaimers, when the ledger's signature on it holds;
   * the page shows it only while its words hash to the review's. Absent whenever it cannot be trusted or read.
   */
  review?: PageReview
}

type ValueWithMetadata = { value: string | null; metadata: unknown }

/** The slice of a KV namespace this module uses; tests and the benchmark hand in failing or slow ones. */
export interface DisclaimerNamespace {
  getWithMetadata(
    keys: string[],
    options: { type: 'text'; cacheTtl?: number },
  ): Promise<Map<string, ValueWithMetadata | null>>
}

/** What a read needs of the Worker's env: the namespace, and the secret the ledger signs its metadata with. */
export interface ReaderEnv {
  DISCLAIMERS: DisclaimerNamespace
  LEDGER_SECRET?: string
}

/** Runs work after the response without making the visitor wait: the request's own `ctx.waitUntil`. */
export type Background = (work: Promise<unknown>) => void

export interface DisclaimerReaderOptions {
  /** How long a read is served without asking KV again. */
  freshMs?: number
  /** The most a served value may lag KV: past it, a request reads KV itself instead of serving the old value. */
  maxStaleMs?: number
  /** KV's own edge cache for the read (KV's minimum is 30 s). */
  kvCacheTtlSeconds?: number
  /** How long to wait for KV before showing the bundled defaults. */
  timeoutMs?: number
  /** How soon to ask KV again after it failed. */
  retryAfterFailureMs?: number
  now?: () => number
}

export const KV_TIMEOUT_MS = 300
export const RETRY_AFTER_FAILURE_MS = 2_000
/**
 * How long a version this isolate just published is kept over older answers from KV: KV's cache at this location
 * may answer the text it replaced for up to its cacheTtl, and a read elsewhere may lag by KV's propagation.
 */
const REMEMBER_MS = 90_000

function bundledDefault(key: string): Disclaimer | undefined {
  const fallback = DEFAULT_DISCLAIMERS.get(key)
  return (
    fallback && { key, source: 'default', paragraphs: fallback.paragraphs, hash: fallback.hash, version: 'default' }
  )
}

const DEFAULT_GLOBAL = bundledDefault(GLOBAL_KEY) as Disclaimer

/** The bundled global disclaimer alone: what error pages show, without touching KV. */
export const BUNDLED_DISCLAIMERS: PageDisclaimers = { global: DEFAULT_GLOBAL, pages: new Map(), source: 'default' }

/** A valid text from KV as pages show it, named by the ledger row a signature vouched for (or `unrecorded`). */
function kvDisclaimer(
  key: string,
  paragraphs: string[],
  hash: string,
  signed: { seq: number; chain: string | null; log?: number | null } | null,
) {
  const version = signed ? `v${signed.seq}` : 'unrecorded'
  const log = signed?.log ?? null
  return {
    key,
    source: 'kv' as const,
    paragraphs,
    hash,
    version,
    ...(signed?.chain && { chain: signed.chain }),
    ...(log !== null && { logIndex: log }),
  }
}

/**
 * The disclaimer a KV value gives for `key`: the value when valid (named by the ledger row only when its metadata's
 * signature holds under `secret`), else the bundled default (or none).
 */
export async function disclaimerFrom(
  key: string,
  entry: ValueWithMetadata | null | undefined,
  secret: string | undefined,
  failure?: string,
): Promise<Disclaimer | undefined> {
  const raw = entry?.value ?? null
  const checked = raw === null ? undefined : validateDisclaimer(raw)
  if (checked?.ok) {
    const sha256 = await sha256Hex(checked.text)
    const signed = await verifyMetadata(secret, key, sha256, entry?.metadata)
    return kvDisclaimer(key, checked.paragraphs, shortHash(sha256), signed)
  }
  const fallback = bundledDefault(key)
  // A page key that is unset and has no bundled default is normal: that page has no extra text.
  if (fallback || checked) {
    const reason = failure ?? (checked && !checked.ok ? checked.reason : 'the key is not set in KV')
    console.warn('disclaimer fallback', { key, reason, shown: fallback ? 'bundled default' : 'none' })
  }
  return fallback
}

/** The review a KV value holds for `page`, when the ledger's signature on it holds; undefined for anything else. */
export async function reviewFrom(
  page: string,
  entry: ValueWithMetadata | null | undefined,
  secret: string | undefined,
): Promise<PageReview | undefined> {
  try {
    const review = parseReview(page, entry?.value)
    if (!review) return undefined
    const signed = await verifyMetadata(
      secret,
      reviewKey(page),
      await sha256Hex(entry?.value as string),
      entry?.metadata,
    )
    return signed ? { ...review, ...(signed.log !== null && { logIndex: signed.log }) } : undefined
  } catch (error) {
    console.warn('review not shown', { page, reason: error instanceof Error ? error.message : String(error) })
    return undefined
  }
}

type ReadResult = Map<string, Disclaimer | undefined> & { review?: PageReview }

async function bulkRead(
  { DISCLAIMERS: kv, LEDGER_SECRET: secret }: ReaderEnv,
  { keys, review }: KeySet,
  cacheTtl: number,
  timeoutMs: number,
): Promise<ReadResult> {
  let timer: ReturnType<typeof setTimeout> | undefined
  let values: Map<string, ValueWithMetadata | null> | undefined
  let failure: string | undefined
  try {
    const read = kv.getWithMetadata(review ? [...keys, reviewKey(review)] : keys, { type: 'text', cacheTtl })
    // A read that loses the race may still reject later; that must not surface as an unhandled rejection.
    read.catch(() => {})
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`KV did not answer within ${timeoutMs} ms`)), timeoutMs)
    })
    values = await Promise.race([read, timeout])
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error)
  } finally {
    if (timer !== undefined) clearTimeout(timer)
  }
  const disclaimers: ReadResult = new Map<string, Disclaimer | undefined>()
  for (const key of keys) disclaimers.set(key, await disclaimerFrom(key, values?.get(key), secret, failure))
  if (failure) throw Object.assign(new Error(failure), { fallback: disclaimers })
  if (review) disclaimers.review = await reviewFrom(review, values?.get(reviewKey(review)), secret)
  return disclaimers
}

interface CacheEntry {
  disclaimers: ReadResult
  /** Until then the entry is served as it is. */
  freshUntil: number
  /** Until then the entry may be served while a background refresh runs; after it a request reads KV itself. */
  staleUntil: number
  /** No refresh starts before this (a failed one waits out the retry interval). */
  nextRefreshAt: number
  /** When the refresh now under way started, if one is. */
  refreshingSince?: number
  /** What `readDisclaimers` answers from this entry, built on first use, again after `remember` changes it. */
  answer?: PageDisclaimers
}

interface KeySet {
  keys: string[]
  /** The page whose review is read with the disclaimers, if any. */
  review?: string
  /** The keys joined: the entry's name in the isolate cache. */
  name: string
}

// Callers pass the same slugs array on every request (each page's own), so its keys are worked out once.
const keySets = new WeakMap<readonly string[], Map<string, KeySet>>()

function keySetOf(slugs: readonly string[], review?: string): KeySet {
  let byReview = keySets.get(slugs)
  if (!byReview) {
    byReview = new Map()
    keySets.set(slugs, byReview)
  }
  let keySet = byReview.get(review ?? '')
  if (!keySet) {
    const keys = [GLOBAL_KEY, ...slugs.map(pageKey)]
    const name = [...keys, ...(review ? [reviewKey(review)] : [])].join('\n')
    keySet = { keys, name, ...(review && { review }) }
    byReview.set(review ?? '', keySet)
  }
  return keySet
}

function answerOf(disclaimers: ReadResult, slugs: readonly string[]): PageDisclaimers {
  const pages = new Map<string, Disclaimer>()
  for (const slug of slugs) {
    const disclaimer = disclaimers.get(pageKey(slug))
    if (disclaimer) pages.set(slug, disclaimer)
  }
  const global = disclaimers.get(GLOBAL_KEY) ?? DEFAULT_GLOBAL
  const source: DisclaimerSource = [global, ...pages.values()].every((d) => d.source === 'kv') ? 'kv' : 'default'
  return { global, pages, source, ...(disclaimers.review && { review: disclaimers.review }) }
}

/**
 * Returns `readDisclaimers(env, slugs, background)`, which never throws and, once an isolate has read a set of
 * keys, never makes a visitor wait for KV: a value older than `freshMs` is served while one background read per
 * key set refreshes it, through the calling request's own `background` (never a promise another request made,
 * which workerd cancels when that request ends). A value is never served more than `maxStaleMs` after it was
 * read: past that a request reads KV itself. A missing, empty, too long or otherwise invalid KV value, a KV error
 * or a KV timeout all yield the bundled default (and a logged warning); a failed refresh keeps the last good
 * value until `maxStaleMs`. Each reader keeps its own isolate cache, and answers a set of slugs with the same
 * object until it reads KV again or `remember` changes it, so callers may key work they derive from it on it.
 */
export function createDisclaimerReader(options: DisclaimerReaderOptions = {}) {
  const freshMs = options.freshMs ?? FRESH_MS
  const maxStaleMs = Math.max(options.maxStaleMs ?? MAX_STALE_MS, freshMs)
  const kvCacheTtl = options.kvCacheTtlSeconds ?? KV_CACHE_TTL_SECONDS
  const timeoutMs = options.timeoutMs ?? KV_TIMEOUT_MS
  const retryMs = Math.min(options.retryAfterFailureMs ?? RETRY_AFTER_FAILURE_MS, freshMs)
  const now = options.now ?? Date.now
  const cache = new Map<string, CacheEntry>()
  /** Versions this isolate published, kept over older KV answers for REMEMBER_MS. */
  const remembered = new Map<string, { disclaimer: Disclaimer; seq: number; until: number }>()

  /** A read answer, with any version this isolate published since put back over an older one. */
  function withRemembered(disclaimers: Map<string, Disclaimer | undefined>, at: number) {
    for (const [key, kept] of remembered) {
      if (at >= kept.until) {
        remembered.delete(key)
        continue
      }
      if (!disclaimers.has(key)) continue
      const read = /^v(\d+)$/.exec(disclaimers.get(key)?.version ?? '')
      if (read && Number(read[1]) >= kept.seq) remembered.delete(key)
      else disclaimers.set(key, kept.disclaimer)
    }
    return disclaimers
  }

  /** Reads the keys and stores the result; on failure keeps what the entry had, or stores the defaults. */
  async function refresh(env: ReaderEnv, keySet: KeySet): Promise<CacheEntry> {
    const setKey = keySet.name
    // A value's age counts from when it was asked for, not from when the answer came.
    const asked = now()
    try {
      const read = await bulkRead(env, keySet, kvCacheTtl, timeoutMs)
      const at = now()
      const disclaimers = withRemembered(read, at)
      const entry = {
        disclaimers,
        freshUntil: asked + freshMs,
        staleUntil: asked + maxStaleMs,
        nextRefreshAt: Math.max(at, asked + freshMs),
      }
      cache.set(setKey, entry)
      return entry
    } catch (error) {
      const at = now()
      const previous = cache.get(setKey)
      if (previous && at < previous.staleUntil) {
        const kept = { ...previous, refreshingSince: undefined, nextRefreshAt: at + retryMs }
        cache.set(setKey, kept)
        return kept
      }
      // No good value to keep: serve the defaults, and ask KV again in the background after the retry interval.
      const fallback = (error as { fallback: Map<string, Disclaimer | undefined> }).fallback
      const entry = {
        disclaimers: withRemembered(fallback, at),
        freshUntil: at + retryMs,
        staleUntil: at + maxStaleMs,
        nextRefreshAt: at + retryMs,
      }
      cache.set(setKey, entry)
      return entry
    }
  }

  /** The entry a request may be served from without waiting, starting the background refresh it is due. */
  function servableEntry(env: ReaderEnv, keySet: KeySet, background?: Background) {
    const { name } = keySet
    const at = now()
    const entry = cache.get(name)
    if (!entry || at >= entry.staleUntil) return undefined
    const refreshing = entry.refreshingSince !== undefined && at - entry.refreshingSince < 2 * timeoutMs
    if (at >= entry.freshUntil && at >= entry.nextRefreshAt && !refreshing && background) {
      entry.refreshingSince = at
      background(refresh(env, keySet))
    }
    return entry
  }

  /**
   * What `readDisclaimers` answers, when the isolate cache can answer it at once (the state almost every request is
   * in); undefined when only a read of KV can. For callers whose whole answer can then be synchronous.
   */
  function cachedDisclaimers(
    env: ReaderEnv,
    slugs: readonly string[],
    background?: Background,
    review?: string,
  ): PageDisclaimers | undefined {
    const entry = servableEntry(env, keySetOf(slugs, review), background)
    if (entry) entry.answer ??= answerOf(entry.disclaimers, slugs)
    return entry?.answer
  }

  /** `review`: a page whose current review is read in the same KV read (at most one per page). */
  async function readDisclaimers(
    env: ReaderEnv,
    slugs: readonly string[],
    background?: Background,
    review?: string,
  ): Promise<PageDisclaimers> {
    const cached = cachedDisclaimers(env, slugs, background, review)
    if (cached) return cached
    const entry = await refresh(env, keySetOf(slugs, review))
    entry.answer ??= answerOf(entry.disclaimers, slugs)
    return entry.answer
  }

  /**
   * Write-through for a version this isolate just saw KV take (a publish, an approval, a rollback): every cached
   * read holding its key shows it at once, and for REMEMBER_MS no older answer from KV replaces it.
   */
  async function remember(written: {
    key: string
    text: string | null
    version: number
    chain: string | null
    /** Its log entry: required, so no page names a version this isolate remembers without naming its entry too. */
    log: number | null
  }): Promise<void> {
    const checked = written.text === null ? undefined : validateDisclaimer(written.text)
    if (!checked?.ok) return
    // The ledger answered this version itself: it needs no signature to be named.
    const signed = { seq: written.version, chain: written.chain, log: written.log }
    const disclaimer = kvDisclaimer(written.key, checked.paragraphs, await contentHash(checked.text), signed)
    remembered.set(written.key, { disclaimer, seq: written.version, until: now() + REMEMBER_MS })
    for (const entry of cache.values()) {
      if (!entry.disclaimers.has(written.key)) continue
      entry.disclaimers.set(written.key, disclaimer)
      entry.answer = undefined
    }
  }

  return Object.assign(readDisclaimers, { cached: cachedDisclaimers, remember })
}

export type ReadDisclaimers = ReturnType<typeof createDisclaimerReader>

/** The `Disclaimer-Version` header: each disclaimer on the page as `<key>=<version>/<hash>`. */
export function versionHeader(disclaimers: PageDisclaimers): string {
  return [disclaimers.global, ...disclaimers.pages.values()]
    .map((disclaimer) => `${disclaimer.key}=${disclaimer.version}/${disclaimer.hash}`)
    .join(', ')
}
