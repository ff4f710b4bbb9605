import type { Disclaimer } from '../reader.ts'

interface DisclaimerNoteProps {
  disclaimer: Disclaimer
  id: string
  title: string
}

/**
 * Renders disclaimer text as escaped paragraphs: KV text is untrusted and never becomes markup. The element
 * names its key, version, content hash and (for a ledger version) its chain hash and public log entry, so a saved
 * page maps to one row of the ledger's record, of any export of it, and of the log (verify-page proves it).
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
      data-log-index={disclaimer.logIndex}
    >
      <p class="disclaimer-title" id={id}>
        {title}
      </p>
      {disclaimer.paragraphs.map((paragraph) => (
        <p>{paragraph}</p>
      ))}
      {disclaimer.logIndex === undefined ? null : (
        <p class="disclaimer-entry">
          Public log entry <a href="/log/checkpoint">{disclaimer.logIndex}</a>
        </p>
      )}
    </div>
  )
}
