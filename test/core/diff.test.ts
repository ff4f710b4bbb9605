import { describe, expect, it } from 'vitest'
import { changed, MAX_DIFF_EDITS, plainDiff, wordDiff } from '../../src/core/diff.ts'

/** `count` distinct words, different for each seed, so two of them share nothing. */
function words(count: number, seed: string): string {
  return Array.from({ length: count }, (_, index) => `${seed}${index.toString(36)}`).join(' ')
}

describe('wordDiff', () => {
  it('marks the words that changed, the rest as it is', () => {
    const diff = wordDiff('Ask a doctor first.', 'Ask a healthcare provider first.')
    expect(diff.whole).toBe(false)
    expect(plainDiff(diff)).toBe('Ask a [deleted: doctor][inserted: healthcare provider] first.')
  })

  it('says whether anything changed', () => {
    expect(changed(wordDiff('Same text.', 'Same text.'))).toBe(false)
    expect(changed(wordDiff('Ask a doctor first.', 'Ask a healthcare provider first.'))).toBe(true)
    expect(changed(wordDiff('Old text.', 'New words.'))).toBe(true)
  })

  it('shows two unrelated long texts whole instead of searching every alignment of their words', () => {
    const before = words(300, 'a')
    const after = words(300, 'b')
    const diff = wordDiff(before, after)
    expect(diff.whole).toBe(true)
    expect(diff.parts).toEqual([
      { kind: 'deleted', text: before },
      { kind: 'inserted', text: after },
    ])
    expect(plainDiff(diff)).toBe(`[deleted: ${before}] [inserted: ${after}]`)
  })

  it('still diffs word by word just within the bound', () => {
    const before = words(400, 'a').split(' ')
    const replaced = before.slice(0, MAX_DIFF_EDITS / 4)
    const diff = wordDiff(
      before.join(' '),
      [...replaced.map((word) => `x${word}`), ...before.slice(replaced.length)].join(' '),
    )
    expect(diff).toEqual({
      parts: [
        { kind: 'deleted', text: replaced.join(' ') },
        { kind: 'inserted', text: replaced.map((word) => `x${word}`).join(' ') },
        { kind: 'same', text: ` ${before.slice(replaced.length).join(' ')}` },
      ],
      whole: false,
    })
  })
})
