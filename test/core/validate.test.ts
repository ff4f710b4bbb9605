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
const invisible = (code: string, position: number, what = 'disclaimer') =>
  `the ${what} contains the invisible or control character ${code} at position ${position}; remove it`

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

  it('keeps a paragraph whole across a one-word line, and splits on a blank line that holds spaces or tabs', () => {
    expect(validateDisclaimer('Ask\nfirst.\n \t \nThen\nact.')).toEqual({
      ok: true,
      text: 'Ask\nfirst.\n \t \nThen\nact.',
      paragraphs: ['Ask first.', 'Then act.'],
    })
  })

  it('reads a lone carriage return as a line break', () => {
    expect(validateDisclaimer('First line\rwraps here.\r\rSecond paragraph.')).toEqual({
      ok: true,
      text: 'First line\nwraps here.\n\nSecond paragraph.',
      paragraphs: ['First line wraps here.', 'Second paragraph.'],
    })
  })

  it('joins a wrapped line with one space however it was indented', () => {
    expect(validateDisclaimer('First line\n\t  wraps here.')).toEqual({
      ok: true,
      text: 'First line\n\t  wraps here.',
      paragraphs: ['First line wraps here.'],
    })
  })

  it.each([
    ['an empty text', '', 'the disclaimer is empty; write at least one sentence'],
    ['whitespace only', ' \n\t\n ', 'the disclaimer is empty; write at least one sentence'],
    [
      'a text over the limit',
      'a'.repeat(MAX_DISCLAIMER_LENGTH + 1),
      'the disclaimer is 2001 characters long; the limit is 2000, so shorten it',
    ],
    ['a NUL character', 'Not medical\u0000 advice.', invisible('U+0000', 12)],
    ['an escape character', 'Not \u001b[31mmedical advice.', invisible('U+001B', 5)],
    ['a C1 control character', 'Not medical\u0085advice.', invisible('U+0085', 12)],
    ['a bidirectional override', 'Not \u202Emedical advice.', invisible('U+202E', 5)],
    ['an Arabic letter mark', 'Not \u061Cmedical advice.', invisible('U+061C', 5)],
    ['a zero-width space', 'Not\u200Bmedical advice.', invisible('U+200B', 4)],
    ['a word joiner', 'Not\u2060medical advice.', invisible('U+2060', 4)],
    ['a byte order mark', '\uFEFFNot medical advice.', invisible('U+FEFF', 1)],
    ['a tag character', 'Not medical advice.\u{E0041}', invisible('U+E0041', 20)],
    ['a soft hyphen', 'Not medi\u00ADcal advice.', invisible('U+00AD', 9)],
    ['a line separator', 'Not medical\u2028advice.', invisible('U+2028', 12)],
    ['a private-use character', 'Not medical \uE000 advice.', invisible('U+E000', 13)],
    ['a noncharacter', 'Not medical \uFFFF advice.', invisible('U+FFFF', 13)],
    [
      'a lone surrogate',
      'Not medical \uD800 advice.',
      'the disclaimer contains a lone surrogate (broken UTF-16, e.g. "\\ud800" in JSON); send well-formed Unicode text',
    ],
    [
      '31 combining marks on one character',
      `Careful ${marks(MAX_COMBINING_MARKS + 1)}.`,
      'the disclaimer stacks 31 combining marks on the character at position 9; at most 30 may follow one character',
    ],
    ['something other than text', 42, 'the disclaimer must be text'],
  ])('rejects %s, saying what is wrong and what to do', (_, input, reason) => {
    expect(validateDisclaimer(input)).toEqual({ ok: false, reason })
  })

  it('counts the position in characters, so astral characters before the problem do not shift it', () => {
    expect(validateDisclaimer('😀😀\u200B')).toEqual({ ok: false, reason: invisible('U+200B', 3) })
  })
})

describe('validateField', () => {
  it('trims a note and allows it to be empty unless required', () => {
    expect(validateField('  legal review  ', 'note')).toEqual({ ok: true, value: 'legal review' })
    expect(validateField('', 'note')).toEqual({ ok: true, value: '' })
    expect(validateField(' legal review ', 'reason', { required: true })).toEqual({ ok: true, value: 'legal review' })
    expect(validateField(' ', 'reason', { required: true })).toEqual({
      ok: false,
      reason: 'the reason is empty; say it in a few words',
    })
  })

  it('accepts a note of exactly the limit, counting characters', () => {
    expect(validateField('é'.repeat(MAX_NOTE_LENGTH), 'note')).toEqual({ ok: true, value: 'é'.repeat(MAX_NOTE_LENGTH) })
    expect(validateField('abcd', 'tag', { max: 4 })).toEqual({ ok: true, value: 'abcd' })
    expect(validateField('abcde', 'tag', { max: 4 })).toEqual({
      ok: false,
      reason: 'the tag is 5 characters long; the limit is 4, so shorten it',
    })
  })

  it.each([
    ['an escape sequence', 'ok\u001b]0;pwned\u0007', invisible('U+001B', 3, 'note')],
    ['a NUL', 'ok\u0000', invisible('U+0000', 3, 'note')],
    ['a bidi override', '\u202Egnp.exe', invisible('U+202E', 1, 'note')],
    ['a line break', 'two\nlines', invisible('U+000A', 4, 'note')],
    ['a tab', 'a\tb', invisible('U+0009', 2, 'note')],
    [
      'a lone surrogate',
      'x\uDC00',
      'the note contains a lone surrogate (broken UTF-16, e.g. "\\ud800" in JSON); send well-formed Unicode text',
    ],
    [
      '31 combining marks on one character',
      marks(MAX_COMBINING_MARKS + 1),
      'the note stacks 31 combining marks on the character at position 1; at most 30 may follow one character',
    ],
    [
      'too many characters',
      'n'.repeat(MAX_NOTE_LENGTH + 1),
      'the note is 281 characters long; the limit is 280, so shorten it',
    ],
    ['a number', 7, 'the note must be text'],
  ])('refuses a note with %s, saying what is wrong and what to do', (_, input, reason) => {
    expect(validateField(input, 'note')).toEqual({ ok: false, reason })
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
