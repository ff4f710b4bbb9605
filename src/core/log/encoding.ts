// The byte and text encodings the log's formats share: strict base64, strict decimals, UTF-8 that is checked.

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/** Standard base64 (RFC 4648 §4) with padding. */
export function toBase64(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}

/**
 * Decodes standard, padded base64, and only its one canonical spelling: no whitespace, no missing padding, no stray
 * bits in the last character. Returns null for anything else, so that two texts never mean the same bytes.
 */
export function fromBase64(text: string): Uint8Array | null {
  if (!BASE64.test(text)) return null
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return toBase64(bytes) === text ? bytes : null
}

/** A count as the formats write it: ASCII digits, no sign, no leading zero (0 itself is `0`), at most 2^53 - 1. */
export function parseCount(text: string): number | null {
  if (!/^(?:0|[1-9][0-9]{0,15})$/.test(text)) return null
  const value = Number(text)
  return Number.isSafeInteger(value) ? value : null
}

export function isCount(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let difference = 0
  for (let i = 0; i < a.length; i++) difference |= (a[i] as number) ^ (b[i] as number)
  return difference === 0
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

const ENCODER = new TextEncoder()
const DECODER = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

export function utf8(text: string): Uint8Array {
  return ENCODER.encode(text)
}

/** The text of UTF-8 bytes, or null when they are not valid UTF-8 (a byte-order mark is kept as text). */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return DECODER.decode(bytes)
  } catch {
    return null
  }
}

/** The first ASCII control character other than a newline, with where it stands, or null if there is none. */
export function controlCharacter(text: string): { at: number; code: number } | null {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x20 && code !== 0x0a) return { at: i, code }
  }
  return null
}
