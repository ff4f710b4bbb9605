import { describe, expect, it } from 'vitest'
import { fromBase64, utf8 } from '../../../src/core/log/encoding.ts'
import {
  COSIGNATURE_V1,
  ED25519,
  ed25519Sign,
  ed25519Signer,
  ed25519Verifier,
  ed25519Verify,
  formatVerifierKey,
  generateKeyPair,
  isKeyName,
  keyId,
  parseSignerKey,
  parseVerifierKey,
} from '../../../src/core/log/note-keys.ts'
import vectors from './vectors.json'

const { logSignerKey, logVerifierKey, witnessVerifierKey } = vectors.notes

async function signerKey(text: string) {
  const parsed = await parseSignerKey(text)
  if (!parsed.ok) throw new Error(parsed.problem)
  return parsed.key
}

function verifierKey(text: string) {
  const parsed = parseVerifierKey(text)
  if (!parsed.ok) throw new Error(parsed.problem)
  return parsed.key
}

describe('key names', () => {
  it('are non-empty, with no Unicode space and no plus', () => {
    expect(['example.com/log', 'PeterNeumann', 'é/ü', 'a\u200bb'].map(isKeyName)).toEqual([true, true, true, true])
    expect(
      ['', 'a b', 'a+b', 'a\tb', 'a\u00a0b', 'a\u0085b', 'a\u2003b', 'a\u3000b', 'a\ud800'].map(isKeyName),
    ).toEqual(Array(9).fill(false))
  })
})

describe('verifier keys', () => {
  it('reads the signed-note spec’s and Go’s example keys', () => {
    expect(verifierKey('example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k')).toMatchObject({
      name: 'example.com/foo',
      keyId: 0x530d903a,
      type: ED25519,
    })
    const peter = verifierKey('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')
    expect(peter.keyId).toBe(0xc74f20a3)
    expect(peter.publicKey).toEqual((fromBase64('ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW') as Uint8Array).slice(1))
  })

  it('computes the key ID as SHA-256(name || 0x0A || type || key)[:4], as Go’s note.NewVerifier checks it', () => {
    const key = verifierKey(logVerifierKey)
    expect(keyId(key.name, ED25519, key.publicKey)).toBe(0x296d67e0)
    expect(formatVerifierKey(key)).toBe(logVerifierKey)
    const witness = verifierKey(witnessVerifierKey)
    expect(witness).toMatchObject({ name: 'example.com/witness', keyId: 0x1658d80b, type: COSIGNATURE_V1 })
    expect(keyId(witness.name, ED25519, witness.publicKey)).not.toBe(witness.keyId)
  })

  it('says what is wrong with a key that does not read', () => {
    const problem = (text: string) => {
      const parsed = parseVerifierKey(text)
      return parsed.ok ? 'accepted' : parsed.problem
    }
    expect(problem('example.com/log')).toBe(
      '"example.com/log" is not a verifier key: expected <name>+<8 hex digits>+<base64 key>',
    )
    expect(problem(logVerifierKey.replace('+296d67e0+', '+296d67e1+'))).toBe(
      `verifier key ${JSON.stringify(logVerifierKey.replace('+296d67e0+', '+296d67e1+'))} says key ID 296d67e1, but its name and key give 296d67e0: it was copied wrong, or its name was changed`,
    )
    expect(problem(logVerifierKey.replace('example.com/log', 'example.com/other'))).toMatch(
      /says key ID 296d67e0, but its name and key give [0-9a-f]{8}: it was copied wrong/,
    )
    expect(problem(logVerifierKey.replace('+296d67e0+', '+296D67E0+'))).toMatch(
      /: the key ID must be 8 lowercase hex digits$/,
    )
    expect(problem('a b+296d67e0+AZUA')).toMatch(/: the name "a b" is empty or holds a space$/)
    expect(problem('example.com/log+296d67e0+AZUA!')).toMatch(/: the key is not base64$/)
    expect(problem('example.com/log+296d67e0+AgAA')).toMatch(
      /: signature type 0x02 is not Ed25519 \(0x01\) or cosignature\/v1 \(0x04\)$/,
    )
    expect(problem('example.com/log+296d67e0+AQAA')).toMatch(/: an Ed25519 key is 32 bytes, this one 2$/)
    expect(problem('example.com/log+296d67e0+')).toBe('verifier key "example.com/log+296d67e0+": the key is not base64')
    expect(problem('a b+296d67e0+AZUA')).toBe(
      'verifier key "a b+296d67e0+AZUA": the name "a b" is empty or holds a space',
    )
    expect(problem('+296d67e0+AZUA')).toBe('verifier key "+296d67e0+AZUA": the name "" is empty or holds a space')
    expect(problem(logVerifierKey.replace('+296d67e0+', '+296d67e00+'))).toMatch(
      /: the key ID must be 8 lowercase hex digits$/,
    )
    expect(problem(logVerifierKey.replace('+296d67e0+', '+0296d67e0+'))).toMatch(
      /: the key ID must be 8 lowercase hex digits$/,
    )
  })

  it('reads a key with spaces or a newline around it, and shows at most 120 characters of one that does not read', () => {
    expect(verifierKey(` ${logVerifierKey}\n`).keyId).toBe(0x296d67e0)
    const expected = ': expected <name>+<8 hex digits>+<base64 key>'
    const refused = (text: string) => {
      const parsed = parseVerifierKey(text)
      return parsed.ok ? 'accepted' : parsed.problem
    }
    expect(refused('x'.repeat(120))).toBe(`"${'x'.repeat(120)}" is not a verifier key${expected}`)
    expect(refused('x'.repeat(121))).toBe(`"${'x'.repeat(120)}…" is not a verifier key${expected}`)
  })

  it('formats only a key with a name', () => {
    const key = verifierKey(logVerifierKey)
    expect(() => formatVerifierKey({ ...key, name: 'a b' })).toThrow(
      '"a b" cannot name a key: no spaces, no +, not empty',
    )
  })
})

describe('signer keys', () => {
  it('reads Go’s signer key and derives the public key of its verifier key', async () => {
    const key = await signerKey(logSignerKey)
    expect(key).toMatchObject({ name: 'example.com/log', keyId: 0x296d67e0, type: ED25519 })
    expect(key.publicKey).toEqual(verifierKey(logVerifierKey).publicKey)
    // The witness's public key holds a _ in base64url (WebCrypto's JWK), the log's a -.
    const witness = await signerKey(` ${vectors.notes.witnessSignerKey}\n`)
    expect(witness).toMatchObject({ name: 'example.com/witness', keyId: 0x1658d80b, type: COSIGNATURE_V1 })
    expect(witness.publicKey).toEqual(verifierKey(witnessVerifierKey).publicKey)
  })

  it('names the key a signer key problem is about', async () => {
    expect(await parseSignerKey('PRIVATE+KEY+example.com/log+296d67e0+AZUA!')).toEqual({
      ok: false,
      problem: 'the signer key for example.com/log: the key is not base64',
    })
  })

  it('refuses a key whose ID does not match, and never repeats the secret', async () => {
    const wrong = logSignerKey.replace('+296d67e0+', '+00000000+')
    const parsed = await parseSignerKey(wrong)
    expect(parsed).toEqual({
      ok: false,
      problem:
        'the signer key for example.com/log says key ID 00000000, but its key gives 296d67e0: it was copied wrong',
    })
    const secret = logSignerKey.split('+').at(-1) as string
    for (const text of [wrong, `${logSignerKey.slice(0, -4)}AAA=`, logSignerKey.replace('AWnE', 'A2nE')]) {
      const result = await parseSignerKey(text)
      expect(result.ok).toBe(false)
      expect(JSON.stringify(result)).not.toContain(secret.slice(4, 20))
    }
    expect(await parseSignerKey(logVerifierKey)).toEqual({
      ok: false,
      problem: 'a signer key starts with PRIVATE+KEY+ (was a verifier key given where the private key belongs?)',
    })
    expect(await parseSignerKey('PRIVATE+KEY+nothing')).toEqual({
      ok: false,
      problem: 'the signer key is not PRIVATE+KEY+<name>+<8 hex digits>+<base64 key>',
    })
  })
})

describe('generateKeyPair', () => {
  it('makes a signer and a verifier key that belong together', async () => {
    const { signerKey: skey, verifierKey: vkey } = await generateKeyPair('example.com/new')
    expect(skey).toMatch(/^PRIVATE\+KEY\+example\.com\/new\+[0-9a-f]{8}\+A[A-Za-z0-9+/]{43}$/)
    expect(vkey).toMatch(/^example\.com\/new\+[0-9a-f]{8}\+A[A-Za-z0-9+/]{43}$/)
    const [signing, verifying] = [await signerKey(skey), verifierKey(vkey)]
    expect(signing.keyId).toBe(verifying.keyId)
    const signature = await ed25519Signer(signing).sign(utf8('text\n'))
    expect(await ed25519Verifier(verifying).verify(utf8('text\n'), signature)).toBe(true)
    expect(await ed25519Verifier(verifying).verify(utf8('text!\n'), signature)).toBe(false)
    expect(await ed25519Sign(signing.seed, utf8('text\n'))).toEqual(signature)
  })

  it('makes cosignature keys of type 0x04, and refuses a name with a space', async () => {
    const { verifierKey: vkey } = await generateKeyPair('witness.example/w1', COSIGNATURE_V1)
    expect(verifierKey(vkey).type).toBe(COSIGNATURE_V1)
    expect(vkey.split('+')[2]?.startsWith('B')).toBe(true)
    await expect(generateKeyPair('a log')).rejects.toThrow('"a log" cannot name a key: no spaces, no +, not empty')
  })
})

describe('Ed25519', () => {
  it('signs and verifies only with keys of the plain note type', () => {
    expect(() => ed25519Verifier(verifierKey(witnessVerifierKey))).toThrow(
      'key example.com/witness is of type 0x04, not Ed25519 (0x01)',
    )
    const cosigning = {
      name: 'w',
      keyId: 1,
      type: COSIGNATURE_V1,
      seed: new Uint8Array(32),
      publicKey: new Uint8Array(32),
    }
    expect(() => ed25519Signer(cosigning)).toThrow('key w is of type 0x04, not Ed25519 (0x01)')
  })

  it('refuses a signature of the wrong length or by an unusable key, without throwing', async () => {
    const key = verifierKey(logVerifierKey)
    const verify = ed25519Verify(key.publicKey)
    expect(await verify(utf8('x'), new Uint8Array(63))).toBe(false)
    expect(await verify(utf8('x'), new Uint8Array(64))).toBe(false)
    expect(await ed25519Verify(new Uint8Array(32).fill(0xff))(utf8('x'), new Uint8Array(64))).toBe(false)
  })
})
