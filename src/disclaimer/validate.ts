// The one rule for disclaimer text, applied by the Worker on read and by every write path.

export const MAX_DISCLAIMER_LENGTH = 2000

export type DisclaimerValidation = { ok: true; text: string; paragraphs: string[] } | { ok: false; reason: string }

// C0 and C1 control characters other than tab and newline, plus the bidirectional overrides
// that can make text read differently from how it is stored.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point of this rule.
const FORBIDDEN = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/u

/** Normalises line endings and outer whitespace; never throws. Blank lines separate paragraphs. */
export function validateDisclaimer(input: unknown): DisclaimerValidation {
  if (typeof input !== 'string') return { ok: false, reason: 'the disclaimer must be text' }
  const text = input.replace(/\r\n?/g, '\n').trim()
  if (text === '') return { ok: false, reason: 'the disclaimer is empty; write at least one sentence' }
  const length = [...text].length
  if (length > MAX_DISCLAIMER_LENGTH) {
    return {
      ok: false,
      reason: `the disclaimer is ${length} characters long; the limit is ${MAX_DISCLAIMER_LENGTH}, so shorten it`,
    }
  }
  const forbidden = FORBIDDEN.exec(text)
  if (forbidden) {
    const code = (forbidden[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')
    return {
      ok: false,
      reason: `the disclaimer contains the control character U+${code} at position ${forbidden.index + 1}; remove it`,
    }
  }
  const paragraphs = text.split(/\n[ \t]*\n\s*/).map((paragraph) => paragraph.replace(/\s+/g, ' '))
  return { ok: true, text, paragraphs }
}
