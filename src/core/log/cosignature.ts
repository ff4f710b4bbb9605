// C2SP tlog-cosignature, Ed25519 (type 0x04): a witness signs "cosignature/v1\ntime <t>\n" followed by the
// checkpoint's note text, and its signature is the 8-byte big-endian timestamp followed by the Ed25519 signature.
import { concatBytes, utf8 } from './encoding.ts'
import {
  COSIGNATURE_V1,
  ED25519,
  ed25519Sign,
  ed25519Verifier,
  ed25519Verify,
  type NoteSigner,
  type NoteVerifier,
  type PrivateKey,
  type PublicKey,
} from './note-keys.ts'

/** The message a cosigner signs: the header line, the time line, then the checkpoint's note text. */
export function cosignatureMessage(timestamp: number, text: string): string {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0)
    throw new RangeError(`a cosignature's time is whole seconds, not ${timestamp}`)
  return `cosignature/v1\ntime ${timestamp}\n${text}`
}

/** The time (POSIX seconds) a cosignature states, or null when it is not a cosignature/v1 signature. */
export function cosignatureTime(signature: Uint8Array): number | null {
  if (signature.length !== 8 + 64) return null
  const time = new DataView(signature.buffer, signature.byteOffset, 8).getBigUint64(0)
  return time <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(time) : null
}

/** Cosigns with a type 0x04 key, stating the time `now()` gives (POSIX seconds). */
export function cosigner(key: PrivateKey, now: () => number): NoteSigner {
  if (key.type !== COSIGNATURE_V1) throw new RangeError(`key ${key.name} is not a cosignature/v1 key (type 0x04)`)
  const decoder = new TextDecoder()
  return {
    name: key.name,
    keyId: key.keyId,
    async sign(text) {
      const timestamp = now()
      const message = utf8(cosignatureMessage(timestamp, decoder.decode(text)))
      const time = new Uint8Array(8)
      new DataView(time.buffer).setBigUint64(0, BigInt(timestamp))
      return concatBytes(time, await ed25519Sign(key.seed, message))
    },
  }
}

/** Verifies a witness's cosignatures (type 0x04) on a checkpoint's note text. */
export function cosignatureVerifier(key: PublicKey): NoteVerifier {
  if (key.type !== COSIGNATURE_V1) throw new RangeError(`key ${key.name} is not a cosignature/v1 key (type 0x04)`)
  const verify = ed25519Verify(key.publicKey)
  const decoder = new TextDecoder()
  return {
    name: key.name,
    keyId: key.keyId,
    async verify(text, signature) {
      const timestamp = cosignatureTime(signature)
      if (timestamp === null) return false
      return verify(utf8(cosignatureMessage(timestamp, decoder.decode(text))), signature.slice(8))
    },
  }
}

/** The verifier a key's type calls for: a log's Ed25519 key or a witness's cosignature key. */
export function verifierFor(key: PublicKey): NoteVerifier {
  return key.type === ED25519 ? ed25519Verifier(key) : cosignatureVerifier(key)
}
