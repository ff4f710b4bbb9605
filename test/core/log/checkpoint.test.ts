import { describe, expect, it } from 'vitest'
import { type Checkpoint, formatCheckpoint, openCheckpoint, parseCheckpoint } from '../../../src/core/log/checkpoint.ts'
import { fromBase64 } from '../../../src/core/log/encoding.ts'
import { EMPTY_ROOT } from '../../../src/core/log/merkle.ts'
import { signNote } from '../../../src/core/log/note.ts'
import { ed25519Signer, ed25519Verifier, parseSignerKey, parseVerifierKey } from '../../../src/core/log/note-keys.ts'
import vectors from './vectors.json'

const { notes } = vectors
const SOFA = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n'

function logVerifier() {
  const parsed = parseVerifierKey(notes.logVerifierKey)
  if (!parsed.ok) throw new Error(parsed.problem)
  return ed25519Verifier(parsed.key)
}

describe('formatCheckpoint', () => {
  it('writes origin, size and base64 root, one per line, as the checkpoint Go signed', () => {
    const checkpoint = {
      origin: 'example.com/log',
      size: 13,
      root: fromBase64(vectors.roots['13']) as Uint8Array,
      extensions: [],
    }
    expect(formatCheckpoint(checkpoint)).toBe(notes.checkpointText)
  })

  it('reads and writes the spec’s example byte for byte, and extension lines after the root', () => {
    const parsed = parseCheckpoint(SOFA)
    expect(parsed.ok && parsed.checkpoint.size).toBe(20852163)
    expect(parsed.ok && formatCheckpoint(parsed.checkpoint)).toBe(SOFA)
    const extended = `${SOFA}ext one\n— not a signature\n`
    const withExtensions = parseCheckpoint(extended)
    expect(withExtensions.ok && withExtensions.checkpoint.extensions).toEqual(['ext one', '— not a signature'])
    expect(withExtensions.ok && formatCheckpoint(withExtensions.checkpoint)).toBe(extended)
  })

  it('writes the empty tree as size 0 with the hash of the empty string', () => {
    expect(formatCheckpoint({ origin: 'o', size: 0, root: EMPTY_ROOT, extensions: [] })).toBe(
      'o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n',
    )
  })

  it('refuses what it cannot write', () => {
    const good: Checkpoint = { origin: 'o', size: 1, root: EMPTY_ROOT, extensions: [] }
    expect(() => formatCheckpoint({ ...good, origin: '' })).toThrow("a checkpoint's origin is one non-empty line")
    expect(() => formatCheckpoint({ ...good, origin: 'a\nb' })).toThrow("a checkpoint's origin is one non-empty line")
    expect(() => formatCheckpoint({ ...good, extensions: [''] })).toThrow(
      "a checkpoint's extension line is one non-empty line",
    )
    expect(() => formatCheckpoint({ ...good, size: -1 })).toThrow('a tree size is a whole number, not -1')
    expect(() => formatCheckpoint({ ...good, root: new Uint8Array(31) })).toThrow('a root hash is 32 bytes, not 31')
  })
})

describe('parseCheckpoint', () => {
  const problem = (text: string) => {
    const parsed = parseCheckpoint(text)
    return parsed.ok ? 'accepted' : [parsed.problem, parsed.line]
  }

  it('names the line that breaks the spec’s rules', () => {
    expect(problem(SOFA.slice(0, -1))).toEqual(['a checkpoint ends in a newline', undefined])
    expect(problem('o\n1\n')).toEqual(['a checkpoint has at least 3 lines (origin, size, root), not 2', undefined])
    expect(problem(`\n${SOFA.split('\n').slice(1).join('\n')}`)).toEqual(['line 1: the origin is empty', 1])
    for (const size of ['020852163', '+20852163', ' 20852163', '2.0852163e7', '-1', '9007199254740992', '']) {
      expect(problem(SOFA.replace('20852163', size))).toEqual([
        `line 2: ${JSON.stringify(size)} is not a tree size (decimal digits, no leading zero, at most 2^53 - 1)`,
        2,
      ])
    }
    for (const root of [
      'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I',
      'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=',
      'AAAA',
    ]) {
      expect(problem(SOFA.replace('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', root))).toEqual([
        `line 3: ${JSON.stringify(root)} is not the base64 of a 32-byte root hash`,
        3,
      ])
    }
    expect(problem(`${SOFA}one\n\nthree\n`)).toEqual(['line 5: an extension line is empty', 5])
    expect(problem(`${SOFA}\n`)).toEqual(['line 4: an extension line is empty', 4])
  })

  it('reads a tree of size 0', () => {
    expect(parseCheckpoint('o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n')).toEqual({
      ok: true,
      checkpoint: { origin: 'o', size: 0, root: EMPTY_ROOT, extensions: [] },
    })
  })
})

describe('openCheckpoint', () => {
  it('opens Go’s signed checkpoint with the log’s key', async () => {
    const opened = await openCheckpoint(notes.signedByLog, [logVerifier()], 'example.com/log')
    expect(opened.ok && opened.checkpoint).toEqual({
      origin: 'example.com/log',
      size: 13,
      root: fromBase64(vectors.roots['13']),
      extensions: [],
    })
    const anyOrigin = await openCheckpoint(notes.signedByLog, [logVerifier()])
    expect(anyOrigin.ok && anyOrigin.checkpoint.origin).toBe('example.com/log')
  })

  it('refuses a checkpoint of another log, a note that does not open, or a text that is no checkpoint', async () => {
    expect(await openCheckpoint(notes.signedByLog, [logVerifier()], 'example.com/other')).toEqual({
      ok: false,
      problem: 'the checkpoint is of log "example.com/log", not "example.com/other"',
      line: 1,
    })
    expect(await openCheckpoint(notes.signedByLog.replace('\n13\n', '\n12\n'), [logVerifier()])).toMatchObject({
      ok: false,
      problem: expect.stringMatching(
        /^the checkpoint's note: line 5: the signature by example.com\/log\+296d67e0 does not verify/,
      ),
      line: 5,
      key: 'example.com/log+296d67e0',
    })
    const parsed = await parseSignerKey(notes.logSignerKey)
    if (!parsed.ok) throw new Error(parsed.problem)
    const note = await signNote('example.com/log\n13\nnot a hash\n', [ed25519Signer(parsed.key)])
    expect(await openCheckpoint(note, [logVerifier()])).toEqual({
      ok: false,
      problem: 'the checkpoint: line 3: "not a hash" is not the base64 of a 32-byte root hash',
      line: 3,
    })
  })
})
