// C2SP signed-note: a text, a blank line, and signature lines `— <key name> base64(key ID || signature)`. Opening a
// note verifies every signature by a known key and ignores the rest; a failure names the line and the key.
import { controlCharacter, decodeUtf8, fromBase64, toBase64, utf8 } from './encoding.ts'
import { isKeyName, keyIdHex, type NoteSigner, type NoteVerifier } from './note-keys.ts'

/** Opening refuses a note with more signature lines than this (signed-note asks for at least 16). */
export const MAX_SIGNATURES = 100

export interface NoteSignature {
  name: string
  keyId: number
  /** The signature proper, after the key ID. */
  signature: Uint8Array
  /** The line's number in the note, from 1. */
  line: number
}

export type ParsedNote =
  | { ok: true; text: string; signatures: NoteSignature[] }
  | { ok: false; reason: 'malformed'; problem: string; line?: number }

/** Splits a note into its text and signature lines, checking their form but no signature. */
export function parseNote(note: string | Uint8Array): ParsedNote {
  const message = typeof note === 'string' ? note : decodeUtf8(note)
  if (message === null || !message.isWellFormed()) return malformed('the note is not valid UTF-8')
  const control = controlCharacter(message)
  if (control) {
    const line = lineOf(message, control.at)
    const what =
      control.code === 0x0d ? 'a carriage return (was it saved with Windows line endings?)' : 'a control character'
    return malformed(`line ${line} holds ${what} (U+${control.code.toString(16).padStart(4, '0')})`, line)
  }
  const split = message.lastIndexOf('\n\n')
  if (split < 0) return malformed('the note has no blank line between its text and its signatures')
  const text = message.slice(0, split + 1)
  const block = message.slice(split + 2)
  const first = lineOf(message, split + 2)
  if (block === '') return malformed('the note has no signature lines after its last blank line', first)
  if (!block.endsWith('\n'))
    return malformed('the last signature line does not end in a newline', lineOf(message, message.length))
  const lines = block.slice(0, -1).split('\n')
  if (lines.length > MAX_SIGNATURES)
    return malformed(`the note has ${lines.length} signature lines; at most ${MAX_SIGNATURES} are read`)
  const signatures: NoteSignature[] = []
  for (const [at, content] of lines.entries()) {
    const line = first + at
    if (!content.startsWith('— '))
      return malformed(`line ${line} is not a signature line (“— <key name> <base64>”)`, line)
    const rest = content.slice(2)
    const name = rest.split(' ', 1)[0] as string
    const encoded = rest.slice(name.length + 1)
    if (!isKeyName(name)) return malformed(`line ${line}: ${JSON.stringify(name)} is not a key name`, line)
    const bytes = fromBase64(encoded)
    if (!bytes || bytes.length < 5) {
      return malformed(`line ${line}: the signature by ${name} is not base64 of a key ID and a signature`, line)
    }
    const keyId = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0)
    signatures.push({ name, keyId, signature: bytes.slice(4), line })
  }
  return { ok: true, text, signatures }
}

function lineOf(text: string, at: number): number {
  return text.slice(0, at).split('\n').length
}

function malformed(problem: string, line?: number): ParsedNote {
  return line === undefined
    ? { ok: false, reason: 'malformed', problem }
    : { ok: false, reason: 'malformed', problem, line }
}

export type OpenedNote =
  | { ok: true; text: string; verified: NoteSignature[]; unverified: NoteSignature[] }
  | {
      ok: false
      reason: 'malformed' | 'bad-signature' | 'unverified' | 'ambiguous-key'
      problem: string
      line?: number
      /** `<name>+<key ID>` of the key concerned. */
      key?: string
    }

/**
 * Opens a note: every signature whose name and key ID match a verifier must verify (else the note is refused,
 * naming the line and key); signatures by other keys are returned unverified; at least one must verify.
 */
export async function openNote(note: string | Uint8Array, verifiers: readonly NoteVerifier[]): Promise<OpenedNote> {
  const parsed = parseNote(note)
  if (!parsed.ok) return parsed
  const text = utf8(parsed.text)
  const verified: NoteSignature[] = []
  const unverified: NoteSignature[] = []
  const seen = new Set<string>()
  for (const signature of parsed.signatures) {
    const key = `${signature.name}+${keyIdHex(signature.keyId)}`
    const matching = verifiers.filter((v) => v.name === signature.name && v.keyId === signature.keyId)
    if (matching.length > 1) {
      return { ok: false, reason: 'ambiguous-key', problem: `two known keys are named ${key}: fix the key list`, key }
    }
    const verifier = matching[0]
    const identity = verifier ? key : `${key} ${toBase64(signature.signature)}`
    if (seen.has(identity)) continue
    seen.add(identity)
    if (!verifier) {
      unverified.push(signature)
      continue
    }
    if (!(await verifier.verify(text, signature.signature))) {
      return {
        ok: false,
        reason: 'bad-signature',
        problem: `line ${signature.line}: the signature by ${key} does not verify: the note's text was changed after it was signed, or the signature is not by this key`,
        line: signature.line,
        key,
      }
    }
    verified.push(signature)
  }
  if (verified.length === 0) {
    const known = verifiers.map((v) => `${v.name}+${keyIdHex(v.keyId)}`).join(', ') || 'none'
    const others = unverified.map((s) => `${s.name}+${keyIdHex(s.keyId)}`).join(', ')
    return {
      ok: false,
      reason: 'unverified',
      problem: `no signature by a known key (${known}); the note is signed by ${others || 'nobody'}`,
    }
  }
  return { ok: true, text: parsed.text, verified, unverified }
}

/** One signature line, newline included. */
export function signatureLine({ name, keyId, signature }: Pick<NoteSignature, 'name' | 'keyId' | 'signature'>): string {
  const bytes = new Uint8Array(4 + signature.length)
  new DataView(bytes.buffer).setUint32(0, keyId)
  bytes.set(signature, 4)
  return `— ${name} ${toBase64(bytes)}\n`
}

/**
 * The signed note of `text` (which ends in a newline): signatures in `keep` first, less any by a key in `signers`,
 * then one per signer, in order.
 */
export async function signNote(
  text: string,
  signers: readonly NoteSigner[],
  keep: readonly Pick<NoteSignature, 'name' | 'keyId' | 'signature'>[] = [],
): Promise<string> {
  if (!text.endsWith('\n')) throw new RangeError('a note text ends in a newline')
  if (!text.isWellFormed()) throw new RangeError('a note text must be valid Unicode')
  const control = controlCharacter(text)
  if (control)
    throw new RangeError(
      `a note text holds no control character but newline (U+${control.code.toString(16).padStart(4, '0')} at ${control.at})`,
    )
  const bad = [...signers, ...keep].find((s) => !isKeyName(s.name))
  if (bad) throw new RangeError(`${JSON.stringify(bad.name)} cannot name a key: no spaces, no +, not empty`)
  const bytes = utf8(text)
  const lines = keep
    .filter((s) => !signers.some((signer) => signer.name === s.name && signer.keyId === s.keyId))
    .map(signatureLine)
  for (const signer of signers) {
    lines.push(signatureLine({ name: signer.name, keyId: signer.keyId, signature: await signer.sign(bytes) }))
  }
  if (lines.length === 0) throw new RangeError('a signed note needs at least one signature')
  return `${text}\n${lines.join('')}`
}
