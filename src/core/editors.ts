// The named editors who may change disclaimers, from the EDITORS secret: who they are and how each signs in.
import { timingSafeEqual } from 'hono/utils/buffer'
import { sha256Hex } from './keys.ts'

/** Tokens are random secrets of at least this many characters; `npm run disclaimer -- editor <name>` makes them. */
export const MIN_TOKEN_LENGTH = 32
/** An editor's name: their email when they sign in through Cloudflare Access, else a plain name. */
export const EDITOR_NAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$/
const TOKEN = /^[\x21-\x7E]+$/
const TOKEN_HASH = /^sha256:[0-9a-f]{64}$/
/** The value for an editor who only signs in through Cloudflare Access and has no token. */
export const ACCESS_ONLY = 'access'
/**
 * An email address the ledger may write to: plain ASCII, no spaces, quotes or line breaks, so it can never carry a
 * second header or recipient.
 */
export const EMAIL_ADDRESS =
  /^[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/

export interface Editors {
  names: ReadonlySet<string>
  /** `sha256:<hex>` of each token-holding editor's token, by name. */
  tokenHashes: ReadonlyMap<string, string>
  /** Where each editor is told of changes: the address their entry gives, or their name when it is one. */
  emails: ReadonlyMap<string, string>
}

export type EditorsConfig = { ok: true; editors: Editors } | { ok: false; reason: string }

const EXAMPLE = '{"alice":{"token":"sha256:<64 hex digits>","email":"alice@example.org"},"bob@example.org":"access"}'

/** An entry: a token hash, "access", or an object with a token hash (or "access") and an email address. */
function readEntry(name: string, entry: unknown): { token?: string; email?: string } | string {
  const problem = `EDITORS: the entry for "${name}" must be "sha256:<64 hex digits>" (from \`npm run disclaimer -- editor ${name}\`), "${ACCESS_ONLY}", or {"token": …, "email": "<address>"}`
  const plain = typeof entry === 'string' ? { token: entry } : entry
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) return problem
  const { token, email, ...rest } = plain as Record<string, unknown>
  if (Object.keys(rest).length > 0) return `${problem}; it has ${Object.keys(rest).join(', ')}`
  if (token !== ACCESS_ONLY && !(typeof token === 'string' && TOKEN_HASH.test(token))) return problem
  if (email !== undefined && !(typeof email === 'string' && EMAIL_ADDRESS.test(email))) {
    return `EDITORS: the email of "${name}" is not an address the ledger can write to`
  }
  return { token: token === ACCESS_ONLY ? undefined : token, email: email as string | undefined }
}

function parse(raw: string | undefined): EditorsConfig {
  if (raw === undefined || raw.trim() === '') return { ok: false, reason: 'EDITORS is not set' }
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    return { ok: false, reason: `EDITORS is not JSON; set it to an object such as ${EXAMPLE}` }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: `EDITORS must be a JSON object such as ${EXAMPLE}` }
  }
  const names = new Set<string>()
  const tokenHashes = new Map<string, string>()
  const emails = new Map<string, string>()
  for (const [name, raw] of Object.entries(value)) {
    if (!EDITOR_NAME.test(name)) {
      return { ok: false, reason: `EDITORS: "${name}" is not a valid editor name (letters, digits, . _ @ + -)` }
    }
    const entry = readEntry(name, raw)
    if (typeof entry === 'string') return { ok: false, reason: entry }
    names.add(name)
    if (entry.token) tokenHashes.set(name, entry.token)
    const email = entry.email ?? (EMAIL_ADDRESS.test(name) ? name : undefined)
    if (email) emails.set(name, email)
  }
  if (names.size === 0) return { ok: false, reason: 'EDITORS names no editor' }
  return { ok: true, editors: { names, tokenHashes, emails } }
}

let cached: { raw: string | undefined; config: EditorsConfig } | undefined

/** Parses EDITORS once per distinct value; never throws. */
export function editorsFrom(raw: string | undefined): EditorsConfig {
  if (cached && cached.raw === raw) return cached.config
  const config = parse(raw)
  cached = { raw, config }
  return config
}

export async function tokenHash(token: string): Promise<string> {
  return `sha256:${await sha256Hex(token)}`
}

/**
 * The editor a token belongs to, or undefined. A token shorter than MIN_TOKEN_LENGTH or outside printable
 * ASCII is refused before any comparison; the hashes are compared in constant time, every one of them.
 */
export async function editorForToken(editors: Editors, token: string): Promise<string | undefined> {
  if (token.length < MIN_TOKEN_LENGTH || !TOKEN.test(token)) return undefined
  const hash = await tokenHash(token)
  let found: string | undefined
  for (const [name, expected] of editors.tokenHashes) {
    if ((await timingSafeEqual(hash, expected)) && found === undefined) found = name
  }
  return found
}

/** Editor → a fingerprint of the token they hold now: what a console session is granted under. */
export type Grants = Record<string, string>

const grantsCache = new WeakMap<Editors, Promise<Grants>>()

/**
 * Every token-holding editor's grant, once per EDITORS value: a new token gives a new fingerprint, so the sessions the
 * old one opened end; the ledger remembers each grant it is shown, so removal ends them too, for good.
 */
export function grantsOf(editors: Editors): Promise<Grants> {
  let grants = grantsCache.get(editors)
  if (!grants) {
    grants = Promise.all(
      [...editors.tokenHashes].map(async ([name, hash]) => [name, (await sha256Hex(hash)).slice(0, 16)] as const),
    ).then(Object.fromEntries)
    grantsCache.set(editors, grants)
  }
  return grants
}

/** A new random token: 32 bytes, base64url, 43 characters. */
export function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32))
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
}
