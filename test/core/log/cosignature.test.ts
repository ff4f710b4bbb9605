import { describe, expect, it } from 'vitest'
import {
  cosignatureMessage,
  cosignatureTime,
  cosignatureVerifier,
  cosigner,
  verifierFor,
} from '../../../src/core/log/cosignature.ts'
import { utf8 } from '../../../src/core/log/encoding.ts'
import { openNote, parseNote, signNote } from '../../../src/core/log/note.ts'
import { ed25519Signer, parseSignerKey, parseVerifierKey } from '../../../src/core/log/note-keys.ts'
import vectors from './vectors.json'

const { notes } = vectors

async function privateKey(text: string) {
  const parsed = await parseSignerKey(text)
  if (!parsed.ok) throw new Error(parsed.problem)
  return parsed.key
}

function publicKey(text: string) {
  const parsed = parseVerifierKey(text)
  if (!parsed.ok) throw new Error(parsed.problem)
  return parsed.key
}

describe('cosignatureMessage', () => {
  it('is the header line, the time line, then the checkpoint text, as the spec’s example', () => {
    const text = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n'
    expect(cosignatureMessage(1679315147, text)).toBe(`cosignature/v1\ntime 1679315147\n${text}`)
    expect(() => cosignatureMessage(-1, text)).toThrow("a cosignature's time is whole seconds, not -1")
    expect(cosignatureMessage(0, text)).toBe(`cosignature/v1\ntime 0\n${text}`)
  })
})

describe('cosigner', () => {
  it('cosigns as the Go judge’s independent cosignature/v1 does, byte for byte', async () => {
    const log = ed25519Signer(await privateKey(notes.logSignerKey))
    const witness = cosigner(await privateKey(notes.witnessSignerKey), () => notes.cosignedAt)
    expect(await signNote(notes.checkpointText, [log, witness])).toBe(notes.cosigned)
  })

  it('signs only with a cosignature key', async () => {
    await expect(async () => cosigner(await privateKey(notes.logSignerKey), () => 0)).rejects.toThrow(
      'key example.com/log is not a cosignature/v1 key (type 0x04)',
    )
  })
})

describe('cosignatureVerifier', () => {
  // Made in each test, not while the file loads: a fault in cosignatureVerifier then fails a test.
  const witnessVerifier = () => cosignatureVerifier(publicKey(notes.witnessVerifierKey))

  it('verifies a witness’s cosignature and reads the time it states', async () => {
    const opened = await openNote(notes.cosigned, [witnessVerifier()])
    expect(opened.ok && opened.verified.map((s) => s.name)).toEqual(['example.com/witness'])
    expect(opened.ok && opened.unverified.map((s) => s.name)).toEqual(['example.com/log'])
    expect(opened.ok && cosignatureTime(opened.verified[0]?.signature as Uint8Array)).toBe(1767225600)
  })

  it('refuses a cosignature whose time or checkpoint was changed', async () => {
    const parsed = parseNote(notes.cosigned)
    if (!parsed.ok) throw new Error(parsed.problem)
    const signature = parsed.signatures[1]?.signature as Uint8Array
    expect(await witnessVerifier().verify(utf8(notes.checkpointText), signature)).toBe(true)
    const later = Uint8Array.from(signature)
    later[7] = (later[7] as number) + 1
    expect(await witnessVerifier().verify(utf8(notes.checkpointText), later)).toBe(false)
    expect(await witnessVerifier().verify(utf8(notes.checkpointText.replace('13', '14')), signature)).toBe(false)
    expect(await witnessVerifier().verify(utf8(notes.checkpointText), signature.slice(8))).toBe(false)
  })

  it('reads no time from a signature of the wrong length or past 2^53 seconds', () => {
    expect(cosignatureTime(new Uint8Array(71))).toBeNull()
    const far = new Uint8Array(72)
    new DataView(far.buffer).setBigUint64(0, 2n ** 53n)
    expect(cosignatureTime(far)).toBeNull()
    new DataView(far.buffer).setBigUint64(0, 2n ** 53n - 1n)
    expect(cosignatureTime(far)).toBe(2 ** 53 - 1)
  })

  it('is chosen for a type 0x04 key, and the plain verifier for a log’s key', async () => {
    const [log, w] = [verifierFor(publicKey(notes.logVerifierKey)), verifierFor(publicKey(notes.witnessVerifierKey))]
    const opened = await openNote(notes.cosigned, [log, w])
    expect(opened.ok && opened.verified.map((s) => s.name)).toEqual(['example.com/log', 'example.com/witness'])
    expect(() => cosignatureVerifier(publicKey(notes.logVerifierKey))).toThrow(
      'key example.com/log is not a cosignature/v1 key (type 0x04)',
    )
  })
})
