// What the CLI prints for reviews and pages at a time, and the arguments it refuses before anything is sent.
import { describe, expect, it } from 'vitest'
import { CliError } from '../../scripts/lib/admin-client.ts'
import { checkReview, pageAtBlock, reviewLine, stateLine, wordsText } from '../../scripts/lib/review-commands.ts'
import type { PageAt, ReviewRecord } from '../../src/core/review-types.ts'

const HOSTILE = 'x\u001b[2J\u001b]0;pwned\u0007\u202Egnp'

const REVIEW: ReviewRecord = {
  id: 3,
  page: 'conclusion',
  hash: 'ab'.repeat(32),
  reviewer: 'drlee',
  name: 'Dr. Ana Lee',
  credentials: 'MD, toxicology',
  note: 'checked the doses',
  at: '2026-12-07T15:00:00.000Z',
  dueAt: '2027-12-07T15:00:00.000Z',
}

describe('review-commands', () => {
  it('prints a review with who, which words, when it falls due and the note', () => {
    expect(reviewLine(REVIEW)).toBe(
      `2026-12-07T15:00:00.000Z  Dr. Ana Lee, MD, toxicology (drlee)  words ${'ab'.repeat(32)}  due 2027-12-07T15:00:00.000Z  "checked the doses"`,
    )
  })

  it('says a page whose words changed needs a review, naming the review that no longer holds', () => {
    const line = stateLine({
      page: 'conclusion',
      hash: 'cd'.repeat(32),
      servedSince: '2026-12-08T10:00:00.000Z',
      status: 'lapsed',
      review: null,
      lastReview: REVIEW,
    })
    expect(line).toBe(
      `conclusion                     NEEDS REVIEW: its words changed since the last review\n  words ${'cd'.repeat(32)} since 2026-12-08T10:00:00.000Z\n  last review, of other words: ${reviewLine(REVIEW)}`,
    )
  })

  it('prints every stored string escaped, the page’s words included', () => {
    const at: PageAt = {
      page: 'conclusion',
      at: '2026-12-08T00:00:00.000Z',
      content: {
        page: 'conclusion',
        hash: 'ab'.repeat(32),
        words: {
          slug: 'conclusion',
          title: 'Conclusion',
          description: 'D',
          sections: [
            { slug: 'conclusion', title: 'Conclusion', html: `<p>One &amp; two &lt;b&gt;.</p>\n<p>${HOSTILE}</p>\n` },
          ],
        },
        firstServedAt: '2026-12-01T00:00:00.000Z',
        servedFrom: '2026-12-01T00:00:00.000Z',
        workerVersion: HOSTILE,
      },
      disclaimers: [{ target: 'global', shows: 'default', version: null, text: 'Not advice.', reason: 'no version' }],
      review: { ...REVIEW, name: HOSTILE, note: HOSTILE },
    }
    const printed = pageAtBlock(at)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is that no control character is printed
    expect(printed).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/)
    expect(printed).toContain('## Conclusion\nOne & two <b>.\nx\\u{1b}[2J')
    expect(printed).toContain('disclaimer global: no ledger version: the bundled default or no note')
    expect(wordsText((at.content as NonNullable<PageAt['content']>).words)).toMatch(/^# Conclusion\n\n## Conclusion\n/)
  })

  it.each([
    [['review'], {}, 'review needs a page: one of home,'],
    [['review', 'dosage'], {}, '"dosage" is not a page; use one of:'],
    [['review', 'conclusion'], { hash: 'abc' }, '--hash needs a page content hash: 64 lowercase hex digits'],
    [['review', 'conclusion'], { note: 'a\nb' }, 'the note contains the invisible or control character U+000A'],
    [['page-at', 'conclusion'], {}, 'page-at needs a date and time with its offset'],
    [['page-at', 'conclusion', '2026-12-08'], {}, 'page-at needs a date and time with its offset'],
  ])('refuses %j %j before anything is sent', ([command, ...rest], options, message) => {
    expect(() => checkReview(command as string, rest, options)).toThrow(CliError)
    expect(() => checkReview(command as string, rest, options)).toThrow(message)
  })
})
