import { changed, MAX_DIFF_EDITS, wordDiff } from '../../core/diff.ts'

interface DiffProps {
  before: string
  after: string
  /** Says what is compared, e.g. "live v3 → your draft". */
  label: string
}

/**
 * The change from `before` to `after`, word by word, as text: deletions and insertions are marked in words
 * ("[deleted: …]", "[inserted: …]") as well as by <del>/<ins>, so the diff reads the same without colour.
 */
export function Diff({ before, after, label }: DiffProps) {
  const diff = wordDiff(before, after)
  return (
    <figure class="diff">
      <figcaption>{label}</figcaption>
      {!changed(diff) ? (
        <p>No change: the two texts are the same.</p>
      ) : (
        <>
          {diff.whole && (
            <p>
              The texts differ in more than {MAX_DIFF_EDITS} places, so the whole of one is shown replacing the other
              rather than word by word.
            </p>
          )}
          <p class="text">
            {diff.parts.map((part) =>
              part.kind === 'inserted' ? (
                <ins>[inserted: {part.text}]</ins>
              ) : part.kind === 'deleted' ? (
                <del>[deleted: {part.text}]</del>
              ) : (
                part.text
              ),
            )}
          </p>
        </>
      )}
    </figure>
  )
}
