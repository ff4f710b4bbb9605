// How disclaimers are named: a target ("global" or a page slug), its KV key, its bundled default file.
// Pure, so the build step, the Worker and the CLI all name things the same way.

export const GLOBAL_TARGET = 'global'
export const GLOBAL_KEY = 'disclaimer'
export const PAGE_KEY_PREFIX = 'disclaimer:'
/** Where the pre-ledger store kept replaced texts, `history/<key>/<time>-<id>`; read once by the import. */
export const LEGACY_HISTORY_PREFIX = 'history/'
export const DEFAULTS_DIR = 'content/disclaimers'

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

/** A content hash of a text, 16 hex digits of its SHA-256: what pages, the ledger and the CLI call its hash. */
export async function contentHash(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return [...new Uint8Array(digest).slice(0, 8)].map((byte) => byte.toString(16).padStart(2, '0')).join('')
}
