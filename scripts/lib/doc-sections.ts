// docs/benchmark.md is written by more than one benchmark: each keeps its own section between two markers, and
// leaves the rest of the file as it found it.

export interface DocSection {
  start: string
  end: string
}

/** The section `npm run bench:ledger` writes. */
export const LEDGER_SECTION: DocSection = {
  start: '<!-- written by npm run bench:ledger: from here -->',
  end: '<!-- written by npm run bench:ledger: to here -->',
}

/** The section as it stands in `document`, markers included; undefined when it has none. */
export function sectionOf(document: string, section: DocSection): string | undefined {
  const from = document.indexOf(section.start)
  const to = document.indexOf(section.end)
  return from >= 0 && to > from ? document.slice(from, to + section.end.length) : undefined
}

/** `document` with the section's content replaced by `body` (added at the end when it has none). */
export function withSection(document: string, section: DocSection, body: string): string {
  const block = `${section.start}\n${body.trim()}\n${section.end}`
  const old = sectionOf(document, section)
  if (old) return document.replace(old, block)
  return `${document.trimEnd()}\n\n${block}\n`
}
