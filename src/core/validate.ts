// The one rule for every string an editor stores: the disclaimer texts, notes and reasons. The Worker applies
// it on read, the ledger and the admin API on write, the CLI before any remote call.

export const MAX_DISCLAIMER_LENGTH = 2000
export const MAX_NOTE_LENGTH = 280
/** Combining marks allowed on one base character: Unicode's stream-safe text format limit. */
export const MAX_COMBINING_MARKS = 30

export type DisclaimerValidation = { ok: true; text: string; paragraphs: string[] } | { ok: false; reason: string }
export type FieldValidation = { ok: true; value: string } | { ok: false; reason: string }

// Characters that are invisible, reorder text, or control a terminal: C0/C1 controls other than tab and newline,
// format characters (bidi controls, zero-width space, word joiner, BOM, tag characters, soft hyphen…) except the
// zero-width joiner and non-joiner that some scripts and emoji need, line and paragraph separators, lone surrogates,
// private-use and unassigned code points.
const FORBIDDEN = /(?![\t\n\u200C\u200D])[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u
const FORBIDDEN_ALL = new RegExp(FORBIDDEN.source, 'gu')
const MARK_RUN = new RegExp(`\\p{M}{${MAX_COMBINING_MARKS + 1},}`, 'u')

function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`
}

/** Checks the characters every stored string must be made of; returns why it fails, naming `what`, or undefined. */
function problemWith(text: string, what: string, multiline: boolean): string | undefined {
  if (!text.isWellFormed()) {
    return `the ${what} contains a lone surrogate (broken UTF-16, e.g. "\\ud800" in JSON); send well-formed Unicode text`
  }
  const forbidden = FORBIDDEN.exec(text) ?? (multiline ? null : /[\t\n]/.exec(text))
  if (forbidden) {
    const position = [...text.slice(0, forbidden.index)].length + 1
    return `the ${what} contains the invisible or control character ${codePoint(forbidden[0])} at position ${position}; remove it`
  }
  const marks = MARK_RUN.exec(text)
  if (marks) {
    const position = [...text.slice(0, marks.index)].length
    return `the ${what} stacks ${[...marks[0]].length} combining marks on the character at position ${position}; at most ${MAX_COMBINING_MARKS} may follow one character`
  }
  return undefined
}

/** Normalises line endings and outer whitespace; never throws. Blank lines separate paragraphs. */
export function validateDisclaimer(input: unknown): DisclaimerValidation {
  if (typeof input !== 'string') return { ok: false, reason: 'the disclaimer must be text' }
  const normalised = input.replace(/\r\n?/g, '\n')
  // Checked before trimming, since trim() would silently drop a byte order mark at either end.
  const reason = problemWith(normalised, 'disclaimer', true)
  if (reason) return { ok: false, reason }
  const text = normalised.trim()
  if (text === '') return { ok: false, reason: 'the disclaimer is empty; write at least one sentence' }
  const length = [...text].length
  if (length > MAX_DISCLAIMER_LENGTH) {
    return {
      ok: false,
      reason: `the disclaimer is ${length} characters long; the limit is ${MAX_DISCLAIMER_LENGTH}, so shorten it`,
    }
  }
  const paragraphs = text.split(/\n[ \t]*\n\s*/).map((paragraph) => paragraph.replace(/\s+/g, ' '))
  return { ok: true, text, paragraphs }
}

/**
 * The same rule for a one-line field such as a note or a rejection reason: trimmed, no line breaks,
 * at most `max` characters. An empty value is allowed unless `required`.
 */
export function validateField(
  input: unknown,
  what: string,
  { max = MAX_NOTE_LENGTH, required = false }: { max?: number; required?: boolean } = {},
): FieldValidation {
  if (typeof input !== 'string') return { ok: false, reason: `the ${what} must be text` }
  const value = input.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '')
  const reason = problemWith(value, what, false)
  if (reason) return { ok: false, reason }
  if (required && value === '') return { ok: false, reason: `the ${what} is empty; say it in a few words` }
  const length = [...value].length
  if (length > max)
    return { ok: false, reason: `the ${what} is ${length} characters long; the limit is ${max}, so shorten it` }
  return { ok: true, value }
}

/**
 * Text safe to print to a terminal: every character the rule forbids (and tab and newline, for one-line
 * output) is shown as `\u{XXXX}`. For stored strings that predate the rule or came in around it.
 */
export function printable(text: string, { multiline = false }: { multiline?: boolean } = {}): string {
  const escaped = text.replace(FORBIDDEN_ALL, (char) => `\\u{${(char.codePointAt(0) ?? 0).toString(16)}}`)
  return multiline ? escaped : escaped.replace(/[\t\n]/g, (char) => (char === '\t' ? '\\t' : '\\n'))
}
