// How disclaimers are named: a target ("global" or a page slug), its KV key, its bundled default file.
// Pure, so the build step, the Worker and the CLI all name things the same way.

export const GLOBAL_TARGET = 'global'
export const GLOBAL_KEY = 'disclaimer'
export const PAGE_KEY_PREFIX = 'disclaimer:'
/** Where the pre-ledger store kept replaced texts, `history/<key>/<time>-<id>`; read once by the import. */
export const LEGACY_HISTORY_PREFIX = 'history/'
export const DEFAULTS_DIR = 'content/disclaimers'

/** A target's bundled default, from its file in content/disclaimers, checked at build time. */
export interface BundledDefault {
  target: string
  key: string
  /** The file it came from, e.g. content/disclaimers/global.txt. */
  file: string
  text: string
  paragraphs: string[]
  hash: string
}

export function keyOf(target: string): string {
  return target === GLOBAL_TARGET ? GLOBAL_KEY : `${PAGE_KEY_PREFIX}${target}`
}

export function targetOf(key: string): string {
  return key === GLOBAL_KEY ? GLOBAL_TARGET : key.slice(PAGE_KEY_PREFIX.length)
}

export function pageKey(slug: string): string {
  return `${PAGE_KEY_PREFIX}${slug}`
}

/** `content/disclaimers/global.txt` is the global default, `<slug>.txt` the default for that page. */
export function defaultFileOf(target: string): string {
  return `${DEFAULTS_DIR}/${target}.txt`
}

/** The target a file in content/disclaimers is the default for, or undefined for a file that is not `*.txt`. */
export function targetOfDefaultFile(name: string): string | undefined {
  return name.endsWith('.txt') ? name.slice(0, -'.txt'.length) : undefined
}

export function legacyHistoryPrefix(key: string): string {
  return `${LEGACY_HISTORY_PREFIX}${key}/`
}

/** The Cache-Tag of every page that shows the disclaimer stored under a target ("global" or a page slug). */
/** The edge-cache tag of one page: what a change to its review purges. */
export function pageTag(slug: string): string {
  return `page:${slug}`
}

export function disclaimerTag(target: string): string {
  return `disclaimer:${target}`
}

/** The full SHA-256 of a text, 64 hex digits: what the ledger compares texts by. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('')
}

/** A short content hash of a text, the first 16 hex digits of its SHA-256: what pages and headers show. */
export async function contentHash(text: string): Promise<string> {
  return shortHash(await sha256Hex(text))
}

/** The short content hash from a full SHA-256 already computed (`sha256Hex`). */
export function shortHash(sha256: string): string {
  return sha256.slice(0, 16)
}
