import type { Disclaimer } from '../disclaimer/read'

interface DisclaimerNoteProps {
  disclaimer: Disclaimer
  id: string
  title: string
}

/** Renders disclaimer text as escaped paragraphs: KV text is untrusted and never becomes markup. */
export function DisclaimerNote({ disclaimer, id, title }: DisclaimerNoteProps) {
  return (
    <div class="disclaimer" role="note" aria-labelledby={id} data-disclaimer={disclaimer.key}>
      <p class="disclaimer-title" id={id}>
        {title}
      </p>
      {disclaimer.paragraphs.map((paragraph) => (
        <p>{paragraph}</p>
      ))}
    </div>
  )
}
