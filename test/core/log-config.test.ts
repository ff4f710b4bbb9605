import { describe, expect, it } from 'vitest'
import { logOrigin, MAX_WITNESSES, parseWitnesses, signingKeyProblem } from '../../src/core/log-config.ts'
import vectors from './log/vectors.json'

const { notes } = vectors
const FIX =
  'make one with `npm run disclaimer -- log-key <site host>` and put it with `wrangler secret put LOG_SIGNING_KEY`'

describe('logOrigin', () => {
  it("is the site's host name, without a port, then /disclaimer-log", () => {
    expect(logOrigin('https://kratom.example.org')).toBe('kratom.example.org/disclaimer-log')
    expect(logOrigin('https://kratom.example.org:8443/dosage-and-safety?x=1')).toBe('kratom.example.org/disclaimer-log')
    expect(logOrigin('http://localhost:8787')).toBe('localhost/disclaimer-log')
    expect(logOrigin('http://127.0.0.1:41234')).toBe('127.0.0.1/disclaimer-log')
  })
})

describe('signingKeyProblem', () => {
  it('accepts an Ed25519 signer key', () => {
    expect(signingKeyProblem(notes.logSignerKey)).toBeUndefined()
    expect(signingKeyProblem(`  ${notes.logSignerKey}\n`)).toBeUndefined()
  })

  it.each([
    [undefined, `LOG_SIGNING_KEY is not set, so no checkpoint of the log is signed; ${FIX}`],
    ['', `LOG_SIGNING_KEY is not set, so no checkpoint of the log is signed; ${FIX}`],
    [notes.logVerifierKey, `LOG_SIGNING_KEY does not start with PRIVATE+KEY+ (is it the verifier key?); ${FIX}`],
    [
      'PRIVATE+KEY+log+296d67e0',
      `LOG_SIGNING_KEY is not PRIVATE+KEY+<name>+<8 hex digits>+<base64 of the key>; ${FIX}`,
    ],
    [
      notes.logSignerKey.replace('296d67e0', '296D67E0'),
      `LOG_SIGNING_KEY is not PRIVATE+KEY+<name>+<8 hex digits>+<base64 of the key>; ${FIX}`,
    ],
    [
      notes.logSignerKey.slice(0, -4),
      `LOG_SIGNING_KEY is not PRIVATE+KEY+<name>+<8 hex digits>+<base64 of the key>; ${FIX}`,
    ],
    [notes.witnessSignerKey, `LOG_SIGNING_KEY is not an Ed25519 signer key (type 0x01); ${FIX}`],
  ])('refuses %j, saying how to make one', (value, problem) => {
    expect(signingKeyProblem(value)).toBe(problem)
  })
})

const WITNESS = { name: 'alice-laptop', key: notes.witnessVerifierKey, url: 'https://witness.example.org/' }

describe('parseWitnesses', () => {
  it('reads nothing as no witnesses', () => {
    expect(parseWitnesses(undefined)).toEqual({ ok: true, witnesses: [] })
    expect(parseWitnesses(' ')).toEqual({ ok: true, witnesses: [] })
    expect(parseWitnesses('[]')).toEqual({ ok: true, witnesses: [] })
  })

  it('reads each witness with its parsed key, its address without a trailing slash', () => {
    const local = { name: 'bob', key: notes.witnessVerifierKey, url: 'http://127.0.0.1:9999' }
    const parsed = parseWitnesses(JSON.stringify([WITNESS, local]))
    expect(parsed.ok && parsed.witnesses.map(({ name, url, key }) => ({ name, url, key: key.name }))).toEqual([
      { name: 'alice-laptop', url: 'https://witness.example.org', key: 'example.com/witness' },
      { name: 'bob', url: 'http://127.0.0.1:9999', key: 'example.com/witness' },
    ])
  })

  it.each([
    ['{', ['LOG_WITNESSES is not JSON; write it as a list, e.g. ']],
    ['{}', ['LOG_WITNESSES is not a list; e.g. ']],
    ['[1]', ['LOG_WITNESSES entry 1 is not an object with "name", "key" and "url"']],
    [JSON.stringify([{ ...WITNESS, note: 'x' }]), ['LOG_WITNESSES entry 1 has fields it does not use: note']],
    [JSON.stringify([{ ...WITNESS, name: 'a b' }]), ['LOG_WITNESSES entry 1: "name" must be a word']],
    [JSON.stringify([WITNESS, WITNESS]), ['LOG_WITNESSES entry 2: another witness is already named "alice-laptop"']],
    [JSON.stringify([{ ...WITNESS, key: undefined }]), ['"key" is not a verifier key: it is missing']],
    [JSON.stringify([{ ...WITNESS, key: 'nope' }]), ['"key" is not a verifier key: "nope" is not a verifier key']],
    [JSON.stringify([{ ...WITNESS, key: notes.logVerifierKey }]), ['"key" is not a cosignature key (type 0x04)']],
    [JSON.stringify([{ ...WITNESS, url: 'witness' }]), ['"url" is not an address']],
    [JSON.stringify([{ ...WITNESS, url: 'http://witness.example.org' }]), ['"url" must be https://']],
    [JSON.stringify([{ ...WITNESS, url: 'https://w.example.org/?a=1' }]), ['"url" holds a query']],
  ])('refuses %s, naming the entry and the fix', (value, problems) => {
    const parsed = parseWitnesses(value)
    expect(parsed.ok).toBe(false)
    expect(!parsed.ok && parsed.problems.length).toBe(problems.length)
    for (const [at, problem] of problems.entries()) expect(!parsed.ok && parsed.problems[at]).toContain(problem)
  })

  it(`asks at most ${MAX_WITNESSES} witnesses`, () => {
    const many = Array.from({ length: MAX_WITNESSES + 1 }, (_, i) => ({ ...WITNESS, name: `w${i}` }))
    expect(parseWitnesses(JSON.stringify(many))).toEqual({
      ok: false,
      problems: [`LOG_WITNESSES lists ${MAX_WITNESSES + 1} witnesses; at most ${MAX_WITNESSES} are asked`],
    })
    expect(parseWitnesses(JSON.stringify(many.slice(1))).ok).toBe(true)
  })
})
