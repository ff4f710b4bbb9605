import { describe, expect, it } from 'vitest'
import {
  concatBytes,
  controlCharacter,
  decodeUtf8,
  equalBytes,
  fromBase64,
  isCount,
  parseCount,
  toBase64,
  utf8,
} from '../../../src/core/log/encoding.ts'

describe('base64', () => {
  it('writes standard base64 with padding', () => {
    expect(toBase64(new Uint8Array([]))).toBe('')
    expect(toBase64(new Uint8Array([0xfb, 0xff]))).toBe('+/8=')
    expect(toBase64(utf8('ab'))).toBe('YWI=')
  })

  it('reads back only the one canonical spelling', () => {
    expect(fromBase64('+/8=')).toEqual(new Uint8Array([0xfb, 0xff]))
    expect(fromBase64('YQ==')).toEqual(new Uint8Array([0x61]))
    expect(fromBase64('YWJj')).toEqual(utf8('abc'))
    expect(fromBase64('')).toEqual(new Uint8Array([]))
    for (const text of ['+/8', '-_8=', '+/9=', ' +/8=', '+/8=\n', 'YW I=', 'YWI==', '====', 'Y===', 'Y==', 'YQ=']) {
      expect(fromBase64(text)).toBeNull()
    }
  })
})

describe('parseCount', () => {
  it('reads decimal digits with no sign and no leading zero', () => {
    expect(parseCount('0')).toBe(0)
    expect(parseCount('20852163')).toBe(20852163)
    expect(parseCount('9007199254740991')).toBe(2 ** 53 - 1)
  })

  it('takes a whole number from 0 to 2^53 - 1 as a count, and nothing else', () => {
    expect([0, 1, 2 ** 53 - 1].map(isCount)).toEqual([true, true, true])
    expect([-1, 0.5, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY].map(isCount)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ])
  })

  it('refuses every other spelling, and counts past 2^53 - 1', () => {
    for (const text of ['', '00', '013', '+1', '-1', ' 1', '1 ', '1e3', '0x10', '1.0', '９', '9007199254740992']) {
      expect(parseCount(text)).toBeNull()
    }
  })
})

describe('text checks', () => {
  it('finds the first control character other than a newline', () => {
    expect(controlCharacter('a\nb')).toBeNull()
    expect(controlCharacter('a\u007fb')).toBeNull()
    expect(controlCharacter('a b')).toBeNull()
    expect(controlCharacter('a\u001fb')).toEqual({ at: 1, code: 0x1f })
    expect(controlCharacter('ab\r\n')).toEqual({ at: 2, code: 13 })
    expect(controlCharacter('\ta')).toEqual({ at: 0, code: 9 })
  })

  it('decodes UTF-8 strictly and keeps a byte-order mark', () => {
    expect(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]))).toBe('\ufeffa')
    expect(decodeUtf8(new Uint8Array([0xc3, 0x28]))).toBeNull()
    expect(decodeUtf8(utf8('— é'))).toBe('— é')
  })
})

describe('bytes', () => {
  it('compares and joins', () => {
    expect(equalBytes(utf8('ab'), utf8('ab'))).toBe(true)
    expect(equalBytes(utf8('ab'), utf8('ac'))).toBe(false)
    expect(equalBytes(utf8('ab'), utf8('abc'))).toBe(false)
    expect(concatBytes(utf8('a'), new Uint8Array([]), utf8('bc'))).toEqual(utf8('abc'))
  })
})
