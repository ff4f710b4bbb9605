import { describe, expect, it } from 'vitest'
import {
  MAX_COMBINING_MARKS,
  MAX_DISCLAIMER_LENGTH,
  MAX_NOTE_LENGTH,
  printable,
  validateDisclaimer,
  validateField,
} from '../../src/core/validate.ts'

const marks = (count: number) => `e${'\u0301'.repeat(count)}`

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
    expect(validateDisclaimer('😀'.repeat(MAX_DISCLAIMER_LENGTH)).ok).toBe(true)
  })

  it('accepts the joiners that scripts and emoji need, and up to 30 combining marks on one character', () => {
    expect(validateDisclaimer('می\u200Cخواهم 👩\u200D⚕️ advice').ok).toBe(true)
    expect(validateDisclaimer(`Careful ${marks(MAX_COMBINING_MARKS)} here.`).ok).toBe(true)
  })

  it.each([
    ['an empty text', '', /empty/],
    ['whitespace only', ' \n\t\n ', /empty/],
    ['a text over the limit', 'a'.repeat(MAX_DISCLAIMER_LENGTH + 1), /2001 characters long; the limit is 2000/],
    ['a NUL character', 'Not medical\u0000 advice.', /character U\+0000 at position 12/],
    ['an escape character', 'Not \u001b[31mmedical advice.', /U\+001B/],
    ['a C1 control character', 'Not medical\u0085advice.', /U\+0085/],
    ['a bidirectional override', 'Not \u202Emedical advice.', /U\+202E/],
    ['an Arabic letter mark', 'Not \u061Cmedical advice.', /U\+061C/],
    ['a zero-width space', 'Not\u200Bmedical advice.', /U\+200B/],
    ['a word joiner', 'Not\u2060medical advice.', /U\+2060/],
    ['a byte order mark', '\uFEFFNot medical advice.', /U\+FEFF/],
    ['a tag character', 'Not medical advice.\u{E0041}', /U\+E0041/],
    ['a soft hyphen', 'Not medi\u00ADcal advice.', /U\+00AD/],
    ['a line separator', 'Not medical\u2028advice.', /U\+2028/],
    ['a private-use character', 'Not medical \uE000 advice.', /U\+E000/],
    ['a noncharacter', 'Not medical \uFFFF advice.', /U\+FFFF/],
    ['a lone surrogate', 'Not medical \uD800 advice.', /lone surrogate/],
    [
      '31 combining marks on one character',
      `Careful ${marks(MAX_COMBINING_MARKS + 1)}.`,
      /stacks 31 combining marks on the character at position 9/,
    ],
    ['something other than text', 42, /must be text/],
  ])('rejects %s with a reason', (_, input, reason) => {
    const result = validateDisclaimer(input)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.reason).toMatch(reason)
  })

  it('counts the position in characters, so astral characters before the problem do not shift it', () => {
    const result = validateDisclaimer('😀😀\u200B')
    expect(result.ok || result.reason).toMatch(/at position 3;/)
  })
})

describe('validateField', () => {
  it('trims a note and allows it to be empty unless required', () => {
    expect(validateField('  legal review  ', 'note')).toEqual({ ok: true, value: 'legal review' })
    expect(validateField('', 'note')).toEqual({ ok: true, value: '' })
    expect(validateField(' ', 'reason', { required: true })).toMatchObject({ ok: false, reason: /reason is empty/ })
  })

  it.each([
    ['an escape sequence', 'ok\u001b]0;pwned\u0007', /U\+001B/],
    ['a NUL', 'ok\u0000', /U\+0000/],
    ['a bidi override', '\u202Egnp.exe', /U\+202E/],
    ['a line break', 'two\nlines', /U\+000A/],
    ['a tab', 'a\tb', /U\+0009/],
    ['a lone surrogate', 'x\uDC00', /lone surrogate/],
    ['too many characters', 'n'.repeat(MAX_NOTE_LENGTH + 1), /281 characters long; the limit is 280/],
    ['a number', 7, /must be text/],
  ])('refuses a note with %s', (_, input, reason) => {
    const result = validateField(input, 'note')
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.reason).toMatch(reason)
  })
})

describe('printable', () => {
  it('shows every forbidden character escaped, so a terminal never acts on it', () => {
    const hostile = 'a\u001b[2J\u001b]0;title\u0007b\u0000c\u202Ed\uD800e'
    const shown = printable(hostile)
    expect(shown).toBe('a\\u{1b}[2J\\u{1b}]0;title\\u{7}b\\u{0}c\\u{202e}d\\u{d800}e')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is that no control character is printed
    expect(shown).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/)
  })

  it('keeps line breaks in multi-line text and escapes them in one-line output', () => {
    expect(printable('one\ntwo', { multiline: true })).toBe('one\ntwo')
    expect(printable('one\ntwo\tthree')).toBe('one\\ntwo\\tthree')
  })
})
