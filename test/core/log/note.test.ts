import { describe, expect, it } from 'vitest'
import { utf8 } from '../../../src/core/log/encoding.ts'
import { openNote, parseNote, signatureLine, signNote } from '../../../src/core/log/note.ts'
import {
  ed25519Signer,
  ed25519Verifier,
  type NoteSigner,
  type NoteVerifier,
  parseSignerKey,
  parseVerifierKey,
} from '../../../src/core/log/note-keys.ts'
import vectors from './vectors.json'

const { notes } = vectors

async function signer(text: string): Promise<NoteSigner> {
  const parsed = await parseSignerKey(text)
  if (!parsed.ok) throw new Error(parsed.problem)
  return ed25519Signer(parsed.key)
}

function verifier(text: string): NoteVerifier {
  const parsed = parseVerifierKey(text)
  if (!parsed.ok) throw new Error(parsed.problem)
  return ed25519Verifier(parsed.key)
}

const PETER_TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
const PETER_LINE =
  '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n'

describe('signNote', () => {
  it('signs as Go’s note.Sign does, byte for byte (Ed25519 is deterministic)', async () => {
    expect(await signNote(notes.checkpointText, [await signer(notes.logSignerKey)])).toBe(notes.signedByLog)
    const both = [await signer(notes.logSignerKey), await signer(notes.otherSignerKey)]
    expect(await signNote(notes.checkpointText, both)).toBe(notes.signedByBoth)
  })

  it('reproduces the example in Go’s note package documentation', async () => {
    const peter = await signer('PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz')
    expect(await signNote(PETER_TEXT, [peter])).toBe(`${PETER_TEXT}\n${PETER_LINE}`)
  })

  it('keeps other signatures and replaces its own', async () => {
    const parsed = parseNote(notes.signedByBoth)
    if (!parsed.ok) throw new Error(parsed.problem)
    const log = await signer(notes.logSignerKey)
    const resigned = await signNote(notes.checkpointText, [log], parsed.signatures)
    const [logLine, otherLine] = (notes.signedByBoth.split('\n\n')[1] as string).split(/(?<=\n)/)
    expect(resigned).toBe(`${notes.checkpointText}\n${otherLine}${logLine}`)
    expect(await signNote(notes.checkpointText, [], parsed.signatures)).toBe(notes.signedByBoth)
  })

  it('replaces only a kept signature of the same name and key ID as a signer', async () => {
    const log = await signer(notes.logSignerKey)
    const sameName = { name: log.name, keyId: log.keyId + 1, signature: new Uint8Array([1]) }
    const sameId = { name: 'example.com/other', keyId: log.keyId, signature: new Uint8Array([2]) }
    const signed = await signNote(notes.checkpointText, [log], [sameName, sameId])
    const logLine = notes.signedByLog.split('\n\n')[1] as string
    expect(signed).toBe(`${notes.checkpointText}\n${signatureLine(sameName)}${signatureLine(sameId)}${logLine}`)
  })

  it('refuses a text it cannot sign', async () => {
    const log = await signer(notes.logSignerKey)
    await expect(signNote('no newline', [log])).rejects.toThrow('a note text ends in a newline')
    await expect(signNote('a\r\n', [log])).rejects.toThrow(
      'a note text holds no control character but newline (U+000d at 1)',
    )
    await expect(signNote('a\ud800\n', [log])).rejects.toThrow('a note text must be valid Unicode')
    await expect(signNote('a\n', [{ ...log, name: 'a b' }])).rejects.toThrow('"a b" cannot name a key')
    await expect(signNote('a\n', [])).rejects.toThrow('a signed note needs at least one signature')
  })
})

describe('openNote', () => {
  it('opens the signed-note spec’s example and Go’s documented one', async () => {
    const spec =
      'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n'
    const opened = await openNote(spec, [
      verifier('example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'),
    ])
    expect(opened).toMatchObject({ ok: true, text: 'This is an example message.\n', unverified: [] })
    const peter = verifier('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')
    expect(await openNote(`${PETER_TEXT}\n${PETER_LINE}`, [peter])).toMatchObject({ ok: true, text: PETER_TEXT })
  })

  it('verifies every known key’s signature and returns the others unverified', async () => {
    const [log, other] = [verifier(notes.logVerifierKey), verifier(notes.otherVerifierKey)]
    const one = await openNote(notes.signedByBoth, [log])
    expect(one.ok && one.verified.map((s) => [s.name, s.keyId, s.line])).toEqual([['example.com/log', 0x296d67e0, 5]])
    expect(one.ok && one.unverified.map((s) => [s.name, s.keyId, s.line])).toEqual([
      ['example.com/other', 0x1e336bb1, 6],
    ])
    const both = await openNote(utf8(notes.signedByBoth), [other, log])
    expect(both.ok && both.verified.map((s) => s.name)).toEqual(['example.com/log', 'example.com/other'])
    expect(both.ok && both.text).toBe(notes.checkpointText)
  })

  it('ignores a signature whose name or key ID matches no known key, and refuses a note with none that does', async () => {
    const log = verifier(notes.logVerifierKey)
    const renamed = notes.signedByLog.replace('— example.com/log ', '— example.com/log2 ')
    expect(await openNote(renamed, [log])).toEqual({
      ok: false,
      reason: 'unverified',
      problem:
        'no signature by a known key (example.com/log+296d67e0); the note is signed by example.com/log2+296d67e0',
    })
    const line = notes.signedByLog.split('\n\n')[1] as string
    const otherId = signatureLine({ name: 'example.com/log', keyId: 0x296d67e1, signature: new Uint8Array(64) })
    const opened = await openNote(`${notes.checkpointText}\n${otherId}${line}`, [log])
    expect(opened.ok && opened.unverified.map((s) => s.keyId)).toEqual([0x296d67e1])
    expect(opened.ok && opened.verified.map((s) => s.keyId)).toEqual([0x296d67e0])
  })

  it('returns each different unknown signature, and names every known key and every signer when none verifies', async () => {
    const log = verifier(notes.logVerifierKey)
    const line = notes.signedByLog.split('\n\n')[1] as string
    const unknown = (keyId: number, byte: number) =>
      signatureLine({ name: 'example.com/log', keyId, signature: new Uint8Array(64).fill(byte) })
    const note = `${notes.checkpointText}\n${unknown(1, 0)}${unknown(1, 1)}${unknown(2, 0)}${line}`
    const opened = await openNote(note, [log])
    expect(opened.ok && opened.unverified.map((s) => [s.keyId, s.signature[0], s.line])).toEqual([
      [1, 0, 5],
      [1, 1, 6],
      [2, 0, 7],
    ])
    const strangers = [
      { name: 'a', keyId: 1, verify: async () => true },
      { name: 'b', keyId: 2, verify: async () => true },
    ]
    expect(await openNote(notes.signedByBoth, strangers)).toEqual({
      ok: false,
      reason: 'unverified',
      problem:
        'no signature by a known key (a+00000001, b+00000002); the note is signed by example.com/log+296d67e0, example.com/other+1e336bb1',
    })
    expect(await openNote(notes.signedByLog, [])).toEqual({
      ok: false,
      reason: 'unverified',
      problem: 'no signature by a known key (none); the note is signed by example.com/log+296d67e0',
    })
  })

  it('refuses a malformed note as parseNote does', async () => {
    expect(await openNote('text\n', [verifier(notes.logVerifierKey)])).toStrictEqual({
      ok: false,
      reason: 'malformed',
      problem: 'the note has no blank line between its text and its signatures',
    })
  })

  it('refuses the whole note when a known key’s signature does not verify, naming the line and key', async () => {
    const log = verifier(notes.logVerifierKey)
    const changed = notes.signedByBoth.replace('\n13\n', '\n14\n')
    expect(await openNote(changed, [log, verifier(notes.otherVerifierKey)])).toEqual({
      ok: false,
      reason: 'bad-signature',
      problem:
        "line 5: the signature by example.com/log+296d67e0 does not verify: the note's text was changed after it was signed, or the signature is not by this key",
      line: 5,
      key: 'example.com/log+296d67e0',
    })
  })

  it('counts a repeated signature once, and refuses two known keys of one name and ID', async () => {
    const log = verifier(notes.logVerifierKey)
    const line = notes.signedByLog.split('\n\n')[1] as string
    const twice = await openNote(`${notes.signedByLog}${line}`, [log])
    expect(twice.ok && twice.verified).toHaveLength(1)
    expect(await openNote(notes.signedByLog, [log, verifier(notes.logVerifierKey)])).toEqual({
      ok: false,
      reason: 'ambiguous-key',
      problem: 'two known keys are named example.com/log+296d67e0: fix the key list',
      key: 'example.com/log+296d67e0',
    })
  })

  it('keeps blank lines inside the text: the signatures follow the last one', async () => {
    const log = await signer(notes.logSignerKey)
    const text = 'first\n\nsecond\n\n'
    const note = await signNote(text, [log])
    expect(await openNote(note, [verifier(notes.logVerifierKey)])).toMatchObject({ ok: true, text })
  })
})

describe('parseNote', () => {
  const line = notes.signedByLog.split('\n\n')[1] as string
  const problem = (note: string | Uint8Array) => {
    const parsed = parseNote(note)
    return parsed.ok ? 'accepted' : [parsed.problem, parsed.line]
  }

  it('names what makes a note malformed', () => {
    expect(problem('text\n— example.com/log AAAA\n')).toEqual([
      'the note has no blank line between its text and its signatures',
      undefined,
    ])
    expect(problem('text\n\n')).toEqual(['the note has no signature lines after its last blank line', 3])
    expect(problem(notes.signedByLog.slice(0, -1))).toEqual(['the last signature line does not end in a newline', 5])
    expect(problem(`text\n\n${line}- example.com/log AAAAAAA=\n`)).toEqual([
      'line 4 is not a signature line (“— <key name> <base64>”)',
      4,
    ])
    expect(problem('text\n\n— example.com/log\n')).toEqual([
      'line 3: the signature by example.com/log is not base64 of a key ID and a signature',
      3,
    ])
    expect(problem('text\n\n— example.com/log AAAAAA==\n')).toEqual([
      'line 3: the signature by example.com/log is not base64 of a key ID and a signature',
      3,
    ])
    expect(problem('text\n\n— a+b AAAAAAA=\n')).toEqual(['line 3: "a+b" is not a key name', 3])
    expect(problem('text\r\n\n— a AAAAAAA=\n')).toEqual([
      'line 1 holds a carriage return (was it saved with Windows line endings?) (U+000d)',
      1,
    ])
    expect(problem('text\n\u0000\n\n— a AAAAAAA=\n')).toEqual(['line 2 holds a control character (U+0000)', 2])
    expect(problem(new Uint8Array([0x61, 0xff, 0x0a, 0x0a]))).toEqual(['the note is not valid UTF-8', undefined])
    expect(problem('a\ud800\n\n— a AAAAAAA=\n')).toEqual(['the note is not valid UTF-8', undefined])
  })

  it('says malformed, with the line only when there is one', () => {
    expect(parseNote('text\n')).toStrictEqual({
      ok: false,
      reason: 'malformed',
      problem: 'the note has no blank line between its text and its signatures',
    })
    expect(parseNote('text\n\n')).toStrictEqual({
      ok: false,
      reason: 'malformed',
      problem: 'the note has no signature lines after its last blank line',
      line: 3,
    })
  })

  it('names an empty key name, and a line with a name but no signature', () => {
    expect(problem('text\n\n—  AAAAAQI=\n')).toEqual(['line 3: "" is not a key name', 3])
    expect(problem('text\n\n— AAAAAQI=\n')).toEqual([
      'line 3: the signature by AAAAAQI= is not base64 of a key ID and a signature',
      3,
    ])
  })

  it('reads a note whose text is one empty line', () => {
    expect(parseNote('\n\n— a AAAAAQI=\n')).toEqual({
      ok: true,
      text: '\n',
      signatures: [{ name: 'a', keyId: 1, signature: new Uint8Array([2]), line: 3 }],
    })
  })

  it('reads up to 100 signature lines and refuses more', () => {
    const lines = (count: number) => `text\n\n${'— a AAAAAAA=\n'.repeat(count)}`
    expect(parseNote(lines(100))).toMatchObject({ ok: true, text: 'text\n' })
    expect(problem(lines(101))).toEqual(['the note has 101 signature lines; at most 100 are read', undefined])
  })

  it('reads each line’s name, key ID and signature', () => {
    expect(parseNote('text\n\n— a AAAAAQI=\n— b/c ASNFZ4mrze8=\n')).toEqual({
      ok: true,
      text: 'text\n',
      signatures: [
        { name: 'a', keyId: 1, signature: new Uint8Array([2]), line: 3 },
        { name: 'b/c', keyId: 0x01234567, signature: new Uint8Array([0x89, 0xab, 0xcd, 0xef]), line: 4 },
      ],
    })
  })
})
