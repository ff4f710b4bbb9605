import { describe, expect, it } from 'vitest'
import { fromBase64, toBase64, utf8 } from '../../../src/core/log/encoding.ts'
import {
  formatAddCheckpointAnswer,
  formatAddCheckpointRequest,
  parseAddCheckpointRequest,
  readAddCheckpointAnswer,
} from '../../../src/core/log/witness-protocol.ts'

// The example request body of C2SP tlog-witness.
const PROOF = [
  'PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=',
  'jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=',
  '5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=',
  '/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=',
]
const CHECKPOINT = `example.com/behind-the-sofa
20852163
CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=

— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=
— example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=
`
const BODY = `old 20852014\n${PROOF.join('\n')}\n\n${CHECKPOINT}`

describe('add-checkpoint requests', () => {
  it('reads and writes the spec’s example body byte for byte', () => {
    const parsed = parseAddCheckpointRequest(BODY)
    expect(parsed.ok && parsed.request.oldSize).toBe(20852014)
    expect(parsed.ok && parsed.request.proof.map(toBase64)).toEqual(PROOF)
    expect(parsed.ok && parsed.request.checkpoint).toBe(CHECKPOINT)
    expect(parsed.ok && formatAddCheckpointRequest(parsed.request)).toBe(BODY)
    expect(parseAddCheckpointRequest(utf8(BODY))).toEqual(parsed)
  })

  it('writes a request with no proof from size 0', () => {
    expect(formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: CHECKPOINT })).toBe(`old 0\n\n${CHECKPOINT}`)
    expect(parseAddCheckpointRequest(`old 0\n\n${CHECKPOINT}`)).toEqual({
      ok: true,
      request: { oldSize: 0, proof: [], checkpoint: CHECKPOINT },
    })
  })

  it('names what is wrong with a body', () => {
    const problem = (body: string | Uint8Array) => {
      const parsed = parseAddCheckpointRequest(body)
      return parsed.ok ? 'accepted' : parsed.problem
    }
    expect(problem('old 0\nexample.com/log\n13\n')).toBe(
      'the body has no blank line between the old size and proof and the checkpoint',
    )
    expect(problem(BODY.replace('\n\n', '\n'))).toBe(
      'line 6 is not the base64 of a 32-byte hash: "example.com/behind-the-sofa"',
    )
    for (const first of ['old 020852014', 'old -1', 'old  5', 'new 5', 'old']) {
      expect(problem(BODY.replace('old 20852014', first))).toBe(
        `line 1 must be "old <size>" (decimal, no leading zero), not ${JSON.stringify(first)}`,
      )
    }
    expect(problem(BODY.replace(PROOF[1] as string, 'not base64'))).toBe(
      'line 3 is not the base64 of a 32-byte hash: "not base64"',
    )
    expect(problem(BODY.replace(PROOF[1] as string, 'AAAA'))).toBe('line 3 is not the base64 of a 32-byte hash: "AAAA"')
    const long = `old 5\n${`${PROOF[0]}\n`.repeat(64)}\n${CHECKPOINT}`
    expect(problem(long)).toBe('the proof has 64 lines; at most 63 are allowed')
    expect(problem(new Uint8Array([0x6f, 0xff]))).toBe('the body is not valid UTF-8')
    expect(problem(`\n\n${CHECKPOINT}`)).toBe('line 1 must be "old <size>" (decimal, no leading zero), not ""')
  })

  it('reads and writes a proof of 63 hashes, the most a request holds', () => {
    const hash = fromBase64(PROOF[0] as string) as Uint8Array
    const body = formatAddCheckpointRequest({ oldSize: 5, proof: Array(63).fill(hash), checkpoint: CHECKPOINT })
    expect(body).toBe(`old 5\n${`${PROOF[0]}\n`.repeat(63)}\n${CHECKPOINT}`)
    const parsed = parseAddCheckpointRequest(body)
    expect(parsed.ok && parsed.request.proof.length).toBe(63)
  })

  it('refuses to write what a witness would refuse', () => {
    const hash = fromBase64(PROOF[0] as string) as Uint8Array
    expect(() =>
      formatAddCheckpointRequest({ oldSize: 5, proof: Array(64).fill(hash), checkpoint: CHECKPOINT }),
    ).toThrow('a consistency proof has at most 63 hashes')
    expect(() => formatAddCheckpointRequest({ oldSize: -1, proof: [], checkpoint: CHECKPOINT })).toThrow(
      'an old size is a whole number, not -1',
    )
  })
})

describe('add-checkpoint answers', () => {
  const lines =
    '— witness.example/w1 CMp+6LWBU0anHGH5aNDTJkH/gj79sG+T6+iP2ThYN5krrDJbR1HDnucjL39QsZTSvVjyQLrdk3DXDqI5G2HgLatVs0pWh6Up69HVOw==\n'

  it('writes each status with its body and Content-Type', () => {
    expect(formatAddCheckpointAnswer({ status: 200, cosignatures: lines })).toEqual({
      status: 200,
      contentType: 'text/plain; charset=utf-8',
      body: lines,
    })
    expect(formatAddCheckpointAnswer({ status: 409, size: 20852014 })).toEqual({
      status: 409,
      contentType: 'text/x.tlog.size',
      body: '20852014\n',
    })
    expect(formatAddCheckpointAnswer({ status: 422, problem: 'the proof does not verify' })).toEqual({
      status: 422,
      contentType: 'text/plain; charset=utf-8',
      body: 'the proof does not verify\n',
    })
  })

  it('reads them as the log that asked, with what each status means', () => {
    expect(readAddCheckpointAnswer(200, 'text/plain', lines)).toEqual({ ok: true, cosignatures: lines })
    expect(readAddCheckpointAnswer(409, 'text/x.tlog.size; charset=utf-8', '20852014\n')).toEqual({
      ok: false,
      status: 409,
      meaning:
        'the old size is not the size the witness last cosigned; the body holds that size: prove consistency from it',
      detail: 'the witness last cosigned size 20852014',
      size: 20852014,
    })
    expect(readAddCheckpointAnswer(404, 'text/plain', 'unknown log\n')).toEqual({
      ok: false,
      status: 404,
      meaning: 'the witness does not follow a log of this origin',
      detail: 'unknown log',
    })
    expect(readAddCheckpointAnswer(500, null, '')).toMatchObject({
      ok: false,
      meaning: 'status 500 is not part of add-checkpoint',
    })
  })

  it('refuses a 200 that is not signature lines, and a 409 that is not a size', () => {
    expect(readAddCheckpointAnswer(200, 'text/plain', 'ok\n')).toMatchObject({
      ok: false,
      detail: 'the body is not signature lines, each “— <name> <base64>” and a newline',
    })
    expect(readAddCheckpointAnswer(200, 'text/plain', lines.slice(0, -1))).toMatchObject({ ok: false, status: 200 })
    expect(readAddCheckpointAnswer(409, 'text/plain', '5\n')).toMatchObject({
      ok: false,
      detail: 'a 409 answer is a size in text/x.tlog.size; this one is "5\\n"',
    })
    expect(readAddCheckpointAnswer(409, 'text/x.tlog.size', '05\n')).not.toHaveProperty('size')
    expect(readAddCheckpointAnswer(409, 'text/x.tlog.size', '55')).toMatchObject({
      detail: 'a 409 answer is a size in text/x.tlog.size; this one is "55"',
    })
    expect(readAddCheckpointAnswer(409, null, '5\n')).toMatchObject({
      detail: 'a 409 answer is a size in text/x.tlog.size; this one is "5\\n"',
    })
    expect(readAddCheckpointAnswer(409, 'text/x.tlog.size ; charset=utf-8', '5\n')).toMatchObject({ size: 5 })
    expect(readAddCheckpointAnswer(409, 'text/plain', `${'9'.repeat(100)}\n`)).toMatchObject({
      detail: `a 409 answer is a size in text/x.tlog.size; this one is "${'9'.repeat(80)}"`,
    })
    for (const body of [`${lines}ok\n`, `ok\n${lines}`, '']) {
      expect(readAddCheckpointAnswer(200, 'text/plain', body)).toEqual({
        ok: false,
        status: 200,
        meaning: "cosigned: the body holds the witness's cosignature lines",
        detail: 'the body is not signature lines, each “— <name> <base64>” and a newline',
      })
    }
  })

  it('says what each refusal means, and passes on at most 500 characters of the witness’s reason', () => {
    const meaning = (status: number) => readAddCheckpointAnswer(status, 'text/plain', 'no\n')
    expect(meaning(400)).toEqual({
      ok: false,
      status: 400,
      meaning: "the request is malformed, or its old size is larger than the checkpoint's",
      detail: 'no',
    })
    expect(meaning(403)).toMatchObject({
      meaning: 'the checkpoint has no valid signature by a key the witness trusts for its origin',
    })
    expect(meaning(422)).toMatchObject({
      meaning:
        'the consistency proof does not verify, or the checkpoint contradicts one the witness cosigned: the log may have forked',
    })
    expect(readAddCheckpointAnswer(422, 'text/plain', ` ${'x'.repeat(600)}\n`)).toMatchObject({
      detail: 'x'.repeat(500),
    })
  })
})
