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

  it('says when nothing changed', () => {
    expect(changed(wordDiff('Same text.', 'Same text.'))).toBe(false)
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
    const before = words(400, 'a')
    const replaced = before.split(' ').map((word, index) => (index < MAX_DIFF_EDITS / 4 ? `x${word}` : word))
    const diff = wordDiff(before, replaced.join(' '))
    expect(diff.whole).toBe(false)
    expect(diff.parts.filter((part) => part.kind !== 'same').length).toBeGreaterThan(0)
  })
})
