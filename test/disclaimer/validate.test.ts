import { describe, expect, it } from 'vitest'
import { MAX_DISCLAIMER_LENGTH, validateDisclaimer } from '../../src/disclaimer/validate.ts'

describe('validateDisclaimer', () => {
  it('splits paragraphs on blank lines and joins wrapped lines', () => {
    const result = validateDisclaimer('  First line\nwraps here.\r\n\r\nSecond paragraph.  \n')
    expect(result).toEqual({
      ok: true,
      text: 'First line\nwraps here.\n\nSecond paragraph.',
      paragraphs: ['First line wraps here.', 'Second paragraph.'],
    })
  })

  it('accepts text of exactly the maximum length, counting characters not bytes', () => {
    expect(validateDisclaimer('é'.repeat(MAX_DISCLAIMER_LENGTH)).ok).toBe(true)
  })

  it.each([
    ['an empty text', '', /empty/],
    ['whitespace only', ' \n\t\n ', /empty/],
    ['a text over the limit', 'a'.repeat(MAX_DISCLAIMER_LENGTH + 1), /2001 characters long; the limit is 2000/],
    ['a NUL character', 'Not medical\u0000 advice.', /control character U\+0000 at position 12/],
    ['an escape character', 'Not \u001b[31mmedical advice.', /U\+001B/],
    ['a C1 control character', 'Not medical\u0085advice.', /U\+0085/],
    ['a bidirectional override', 'Not \u202Emedical advice.', /U\+202E/],
    ['something other than text', 42, /must be text/],
  ])('rejects %s with a reason', (_, input, reason) => {
    const result = validateDisclaimer(input)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.reason).toMatch(reason)
  })
})
