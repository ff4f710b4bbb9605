// The transparency log's settings, once: its origin (from SITE_ORIGIN), LOG_SIGNING_KEY's form, and the witnesses
// of LOG_WITNESSES. settings.ts reports their problems; the ledger signs and asks witnesses with what they give.
import { fromBase64 } from './log/encoding.ts'
import { COSIGNATURE_V1, ED25519, isKeyName, type PublicKey, parseVerifierKey } from './log/note-keys.ts'

/** What follows the site's host in the log's origin, the first line of every checkpoint. */
export const LOG_ORIGIN_PATH = '/disclaimer-log'
/** The most witnesses asked after each checkpoint. */
export const MAX_WITNESSES = 10

/**
 * The log's origin for a site served at `siteOrigin`, or any URL on it (`https://kratom.example.org` →
 * `kratom.example.org/disclaimer-log`): its host name without a port, so it is the same wherever the site is
 * reached from, and the name of the key that signs its checkpoints (C2SP tlog-checkpoint: a key's name is its origin).
 */
export function logOrigin(siteOrigin: string): string {
  return `${new URL(siteOrigin).hostname}${LOG_ORIGIN_PATH}`
}

/**
 * Why LOG_SIGNING_KEY is not a note signer key for Ed25519, or undefined. Only its form is checked here, with no
 * WebCrypto; the ledger checks its key ID when it first signs, and says so if it does not hold.
 */
export function signingKeyProblem(value: unknown): string | undefined {
  const fix =
    'make one with `npm run disclaimer -- log-key <site host>` and put it with `wrangler secret put LOG_SIGNING_KEY`'
  const text = typeof value === 'string' ? value.trim() : ''
  if (text === '') return `LOG_SIGNING_KEY is not set, so no checkpoint of the log is signed; ${fix}`
  if (!text.startsWith('PRIVATE+KEY+')) {
    return `LOG_SIGNING_KEY does not start with PRIVATE+KEY+ (is it the verifier key?); ${fix}`
  }
  const parts = /^PRIVATE\+KEY\+([^+]+)\+([0-9a-f]{8})\+(.+)$/.exec(text)
  const bytes = parts ? fromBase64(parts[3] as string) : null
  if (!parts || !isKeyName(parts[1] as string) || bytes?.length !== 33) {
    return `LOG_SIGNING_KEY is not PRIVATE+KEY+<name>+<8 hex digits>+<base64 of the key>; ${fix}`
  }
  if (bytes[0] !== ED25519) return `LOG_SIGNING_KEY is not an Ed25519 signer key (type 0x01); ${fix}`
  return undefined
}

/** A witness the ledger asks to cosign each checkpoint (C2SP tlog-witness). */
export interface Witness {
  /** How operators name it, and the ledger keeps its place by. */
  name: string
  /** Its cosignature/v1 verifier key. */
  key: PublicKey
  /** Its add-checkpoint endpoint: `<url>/add-checkpoint`. */
  url: string
}

export type WitnessList = { ok: true; witnesses: Witness[] } | { ok: false; problems: string[] }

const EXAMPLE = '[{"name": "alice-laptop", "key": "<name>+<id>+<key>", "url": "https://witness.example.org"}]'
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

function urlProblem(at: string, value: unknown): string | undefined {
  let url: URL
  try {
    url = new URL(typeof value === 'string' ? value : '')
  } catch {
    return `${at}: "url" is not an address; put the witness's https:// address there`
  }
  const local = url.protocol === 'http:' && LOOPBACK.has(url.hostname)
  if (url.protocol !== 'https:' && !local) return `${at}: "url" must be https:// (plain http only for localhost)`
  if (url.search || url.hash || url.username || url.password) {
    return `${at}: "url" holds a query, fragment or password; give only the address add-checkpoint is under`
  }
  return undefined
}

/**
 * LOG_WITNESSES: a JSON list of {name, key, url}, or empty for none. Every problem names the entry and what to fix;
 * the list is used only when it has none.
 */
export function parseWitnesses(value: unknown): WitnessList {
  const text = typeof value === 'string' ? value.trim() : ''
  if (text === '') return { ok: true, witnesses: [] }
  let list: unknown
  try {
    list = JSON.parse(text)
  } catch {
    return { ok: false, problems: [`LOG_WITNESSES is not JSON; write it as a list, e.g. ${EXAMPLE}`] }
  }
  if (!Array.isArray(list)) return { ok: false, problems: [`LOG_WITNESSES is not a list; e.g. ${EXAMPLE}`] }
  if (list.length > MAX_WITNESSES) {
    return { ok: false, problems: [`LOG_WITNESSES lists ${list.length} witnesses; at most ${MAX_WITNESSES} are asked`] }
  }
  const problems: string[] = []
  const witnesses: Witness[] = []
  const names = new Set<string>()
  for (const [index, entry] of list.entries()) {
    const at = `LOG_WITNESSES entry ${index + 1}`
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(`${at} is not an object with "name", "key" and "url"`)
      continue
    }
    const { name, key, url, ...rest } = entry as Record<string, unknown>
    const extra = Object.keys(rest)
    if (extra.length > 0) problems.push(`${at} has fields it does not use: ${extra.join(', ')}; remove them`)
    if (typeof name !== 'string' || !isKeyName(name)) {
      problems.push(`${at}: "name" must be a word with no spaces or +, e.g. "alice-laptop"`)
    } else if (names.has(name)) {
      problems.push(`${at}: another witness is already named ${JSON.stringify(name)}; give each its own name`)
    }
    const parsed = typeof key === 'string' ? parseVerifierKey(key) : null
    if (!parsed?.ok) {
      problems.push(`${at}: "key" is not a verifier key: ${parsed ? parsed.problem : 'it is missing'}`)
    } else if (parsed.key.type !== COSIGNATURE_V1) {
      problems.push(`${at}: "key" is not a cosignature key (type 0x04); ask the witness for its cosignature key`)
    }
    const badUrl = urlProblem(at, url)
    if (badUrl) problems.push(badUrl)
    if (typeof name === 'string') names.add(name)
    if (parsed?.ok && !badUrl && typeof url === 'string' && typeof name === 'string') {
      witnesses.push({ name, key: parsed.key, url: url.replace(/\/+$/, '') })
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, witnesses }
}
