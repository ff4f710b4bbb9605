import type { Disclaimer } from '../reader.ts'

interface DisclaimerNoteProps {
  disclaimer: Disclaimer
  id: string
  title: string
}

/**
 * Renders disclaimer text as escaped paragraphs: KV text is untrusted and never becomes markup. The element
 * names its key, version, content hash and (for a ledger version) its chain hash, so a saved page maps to one row
 * of the ledger's record and of any export of it.
 */
export function DisclaimerNote({ disclaimer, id, title }: DisclaimerNoteProps) {
  return (
    <div
      class="disclaimer"
      role="note"
      aria-labelledby={id}
      data-disclaimer={disclaimer.key}
      data-disclaimer-version={disclaimer.version}
      data-disclaimer-hash={disclaimer.hash}
      data-disclaimer-chain={disclaimer.chain}
    >
      <p class="disclaimer-title" id={id}>
        {title}
      </p>
      {disclaimer.paragraphs.map((paragraph) => (
        <p>{paragraph}</p>
      ))}
    </div>
  )
}
