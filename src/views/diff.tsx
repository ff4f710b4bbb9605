import { diffWords } from 'diff'

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
  const parts = diffWords(before, after)
  const changed = parts.some((part) => part.added || part.removed)
  return (
    <figure class="diff">
      <figcaption>{label}</figcaption>
      {changed ? (
        <p class="text">
          {parts.map((part) =>
            part.added ? (
              <ins>[inserted: {part.value}]</ins>
            ) : part.removed ? (
              <del>[deleted: {part.value}]</del>
            ) : (
              part.value
            ),
          )}
        </p>
      ) : (
        <p>No change: the two texts are the same.</p>
      )}
    </figure>
  )
}
