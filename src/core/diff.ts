// The change between two texts, word by word, readable without colour: what the console shows and messages quote.
import { diffWords } from 'diff'

/**
 * The most word-level edits a diff may take. Word diffs cost time in proportion to the text's length times the
 * number of edits, so two unrelated 2,000-character texts would cost about a thousand times a small change; past
 * this bound the texts are shown whole, one replacing the other.
 */
export const MAX_DIFF_EDITS = 200

export type DiffPart = { kind: 'same' | 'inserted' | 'deleted'; text: string }

export interface WordDiff {
  parts: DiffPart[]
  /** True when the texts differ in more than MAX_DIFF_EDITS places and are shown whole instead. */
  whole: boolean
}

export function wordDiff(before: string, after: string): WordDiff {
  const changes = diffWords(before, after, { maxEditLength: MAX_DIFF_EDITS })
  if (!changes) {
    return {
      parts: [
        { kind: 'deleted', text: before },
        { kind: 'inserted', text: after },
      ].filter((part) => part.text !== '') as DiffPart[],
      whole: true,
    }
  }
  return {
    parts: changes.map((change) => ({
      kind: change.added ? 'inserted' : change.removed ? 'deleted' : 'same',
      text: change.value,
    })),
    whole: false,
  }
}

/** A diff as plain text: `[deleted: …]` and `[inserted: …]` around what changed, the rest as it is. */
export function plainDiff(diff: WordDiff): string {
  return diff.parts
    .map((part) => (part.kind === 'same' ? part.text : `[${part.kind}: ${part.text}]`))
    .join(diff.whole ? ' ' : '')
}

export function changed(diff: WordDiff): boolean {
  return diff.parts.some((part) => part.kind !== 'same')
}
