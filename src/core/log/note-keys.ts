// Ed25519 keys for signed notes (C2SP signed-note), in the strings Go's golang.org/x/mod/sumdb/note reads and
// writes: a verifier key `<name>+<key ID>+base64(type || public key)` and a signer key `PRIVATE+KEY+<name>+<key ID>+
// base64(type || seed)`. Signing and verifying use WebCrypto, which workerd and Node both have.
import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes, fromBase64, toBase64, utf8 } from './encoding.ts'

/** Signature types (signed-note §Signature types): a plain Ed25519 note signature, and a witness cosignature. */
export const ED25519 = 0x01
export const COSIGNATURE_V1 = 0x04
const KNOWN_TYPES = [ED25519, COSIGNATURE_V1]

export interface NoteVerifier {
  readonly name: string
  readonly keyId: number
  /** Whether `signature` (without its 4-byte key ID) signs the note text `text`. */
  verify(text: Uint8Array, signature: Uint8Array): Promise<boolean>
}

export interface NoteSigner {
  readonly name: string
  readonly keyId: number
  /** The signature of the note text, without its key ID. */
  sign(text: Uint8Array): Promise<Uint8Array>
}

export interface PublicKey {
  name: string
  keyId: number
  type: number
  publicKey: Uint8Array
}

export interface PrivateKey extends PublicKey {
  seed: Uint8Array
}

export type KeyResult<K> = { ok: true; key: K } | { ok: false; problem: string }

/** A name is non-empty and holds no Unicode space and no `+`. */
export function isKeyName(name: string): boolean {
  return name !== '' && name.isWellFormed() && !/[\p{White_Space}+]/u.test(name)
}

/** SHA-256(name || 0x0A || type || public key), its first four bytes read big-endian. */
export function keyId(name: string, type: number, publicKey: Uint8Array): number {
  const digest = sha256(concatBytes(utf8(name), new Uint8Array([0x0a, type]), publicKey))
  return new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0)
}

export function keyIdHex(id: number): string {
  return id.toString(16).padStart(8, '0')
}

export function formatVerifierKey({ name, type, publicKey }: Omit<PublicKey, 'keyId'>): string {
  if (!isKeyName(name)) throw new RangeError(`${JSON.stringify(name)} cannot name a key: no spaces, no +, not empty`)
  const id = keyId(name, type, publicKey)
  return `${name}+${keyIdHex(id)}+${toBase64(concatBytes(new Uint8Array([type]), publicKey))}`
}

function formatSignerKey(name: string, type: number, seed: Uint8Array, publicKey: Uint8Array): string {
  const id = keyId(name, type, publicKey)
  return `PRIVATE+KEY+${name}+${keyIdHex(id)}+${toBase64(concatBytes(new Uint8Array([type]), seed))}`
}

/** Reads a verifier key; a wrong key ID, an unknown type or a key of the wrong length is named. */
export function parseVerifierKey(text: string): KeyResult<PublicKey> {
  const parts = splitKey(text.trim())
  const shown = JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text)
  if (!parts) return refuse(`${shown} is not a verifier key: expected <name>+<8 hex digits>+<base64 key>`)
  const [name, hex, encoded] = parts
  const material = parseMaterial(name, hex, encoded, `verifier key ${shown}`)
  if (!material.ok) return material
  const { type, bytes } = material
  const id = keyId(name, type, bytes)
  if (id !== Number.parseInt(hex, 16)) {
    return refuse(
      `verifier key ${shown} says key ID ${hex}, but its name and key give ${keyIdHex(id)}: it was copied wrong, or its name was changed`,
    )
  }
  return { ok: true, key: { name, keyId: id, type, publicKey: bytes } }
}

/** Reads a signer key, deriving its public key; problems never repeat the secret. */
export async function parseSignerKey(text: string): Promise<KeyResult<PrivateKey>> {
  const trimmed = text.trim()
  if (!trimmed.startsWith('PRIVATE+KEY+')) {
    return refuse('a signer key starts with PRIVATE+KEY+ (was a verifier key given where the private key belongs?)')
  }
  const parts = splitKey(trimmed.slice('PRIVATE+KEY+'.length))
  if (!parts) return refuse('the signer key is not PRIVATE+KEY+<name>+<8 hex digits>+<base64 key>')
  const [name, hex, encoded] = parts
  const material = parseMaterial(name, hex, encoded, `the signer key for ${name}`)
  if (!material.ok) return material
  const { type, bytes: seed } = material
  const publicKey = await ed25519PublicKey(seed)
  const id = keyId(name, type, publicKey)
  if (id !== Number.parseInt(hex, 16)) {
    return refuse(
      `the signer key for ${name} says key ID ${hex}, but its key gives ${keyIdHex(id)}: it was copied wrong`,
    )
  }
  return { ok: true, key: { name, keyId: id, type, publicKey, seed } }
}

// <name>+<hex>+<base64>: the name holds no +, the base64 may.
function splitKey(text: string): [name: string, hex: string, encoded: string] | null {
  const first = text.indexOf('+')
  const second = first < 0 ? -1 : text.indexOf('+', first + 1)
  if (second < 0) return null
  return [text.slice(0, first), text.slice(first + 1, second), text.slice(second + 1)]
}

type Material = { ok: true; type: number; bytes: Uint8Array } | { ok: false; problem: string }

function parseMaterial(name: string, hex: string, encoded: string, what: string): Material {
  if (!isKeyName(name)) return refuse(`${what}: the name ${JSON.stringify(name)} is empty or holds a space`)
  if (!/^[0-9a-f]{8}$/.test(hex)) return refuse(`${what}: the key ID must be 8 lowercase hex digits`)
  const decoded = fromBase64(encoded)
  if (!decoded || decoded.length === 0) return refuse(`${what}: the key is not base64`)
  const type = decoded[0] as number
  if (!KNOWN_TYPES.includes(type)) {
    return refuse(
      `${what}: signature type 0x${type.toString(16).padStart(2, '0')} is not Ed25519 (0x01) or cosignature/v1 (0x04)`,
    )
  }
  const bytes = decoded.slice(1)
  if (bytes.length !== 32) return refuse(`${what}: an Ed25519 key is 32 bytes, this one ${bytes.length}`)
  return { ok: true, type, bytes }
}

function refuse(problem: string): { ok: false; problem: string } {
  return { ok: false, problem }
}

/** A new key pair for `name`, as the signer and verifier key strings. */
export async function generateKeyPair(
  name: string,
  type: number = ED25519,
): Promise<{ signerKey: string; verifierKey: string }> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair
  const pkcs8 = new Uint8Array((await crypto.subtle.exportKey('pkcs8', pair.privateKey)) as ArrayBuffer)
  const publicKey = new Uint8Array((await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer)
  const seed = pkcs8.slice(pkcs8.length - 32)
  return {
    signerKey: formatSignerKey(name, type, seed, publicKey),
    verifierKey: formatVerifierKey({ name, type, publicKey }),
  }
}

// RFC 8410 PrivateKeyInfo for Ed25519, before the 32-byte seed: WebCrypto imports a seed only this way.
const PKCS8_PREFIX = new Uint8Array([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
])

// WebCrypto takes bytes over an ArrayBuffer of their own.
function own(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes)
}

function importSeed(seed: Uint8Array, extractable: boolean): Promise<CryptoKey> {
  const pkcs8 = own(concatBytes(PKCS8_PREFIX, seed))
  return crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, extractable, ['sign'])
}

function assertEd25519(key: PublicKey): void {
  if (key.type !== ED25519) {
    throw new RangeError(`key ${key.name} is of type 0x${key.type.toString(16).padStart(2, '0')}, not Ed25519 (0x01)`)
  }
}

async function ed25519PublicKey(seed: Uint8Array): Promise<Uint8Array> {
  const jwk = (await crypto.subtle.exportKey('jwk', await importSeed(seed, true))) as JsonWebKey
  const base64 = (jwk.x ?? '').replaceAll('-', '+').replaceAll('_', '/')
  const bytes = fromBase64(base64.padEnd(Math.ceil(base64.length / 4) * 4, '='))
  if (bytes?.length !== 32) throw new Error('WebCrypto gave no Ed25519 public key for a seed')
  return bytes
}

/** Signs with an Ed25519 seed (RFC 8032: deterministic, so the same seed and message give the same bytes). */
export function ed25519Signer(key: PrivateKey): NoteSigner {
  assertEd25519(key)
  let signing: Promise<CryptoKey> | undefined
  return {
    name: key.name,
    keyId: key.keyId,
    async sign(text) {
      // Stryker disable next-line BooleanLiteral: extractable or not, the imported key signs and verifies the same
      signing ??= importSeed(key.seed, false)
      return new Uint8Array(await crypto.subtle.sign('Ed25519', await signing, own(text)))
    },
  }
}

/** Verifies plain Ed25519 note signatures (type 0x01) by `key`. */
export function ed25519Verifier(key: PublicKey): NoteVerifier {
  assertEd25519(key)
  const verify = ed25519Verify(key.publicKey)
  return { name: key.name, keyId: key.keyId, verify: (text, signature) => verify(text, signature) }
}

/**
 * A check of `publicKey`'s Ed25519 signatures: whether a signature signs a message (false for one of the wrong
 * length). The key is imported once.
 */
export function ed25519Verify(publicKey: Uint8Array): (message: Uint8Array, signature: Uint8Array) => Promise<boolean> {
  let key: Promise<CryptoKey> | undefined
  return async (message, signature) => {
    if (signature.length !== 64) return false
    // Stryker disable next-line BooleanLiteral: extractable or not, the imported key signs and verifies the same
    key ??= crypto.subtle.importKey('raw', own(publicKey), { name: 'Ed25519' }, false, ['verify'])
    try {
      return await crypto.subtle.verify('Ed25519', await key, own(signature), own(message))
    } catch {
      return false
    }
  }
}

/** The Ed25519 signature of `message` by the key with `seed`. */
export async function ed25519Sign(seed: Uint8Array, message: Uint8Array): Promise<Uint8Array> {
  // Stryker disable next-line BooleanLiteral: extractable or not, the imported key signs and verifies the same
  return new Uint8Array(await crypto.subtle.sign('Ed25519', await importSeed(seed, false), own(message)))
}
