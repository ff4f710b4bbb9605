// Signed checkpoints found in a longer text, such as a message pasted in: each block of an origin line, a size, a
// base64 root, extension lines, a blank line and signature lines, read as written, with a quote or indent prefix
// that every line of the block shares (`> ` in a reply) taken off. Nothing is verified here.
import { parseCheckpoint } from './checkpoint.ts'
import { fromBase64, parseCount } from './encoding.ts'
import { HASH_SIZE } from './merkle.ts'
import { parseNote } from './note.ts'

/** At most this many extension lines are looked through before a block's blank line. */
const MAX_EXTENSIONS = 16

const PREFIX = /^[ \t>]*/

/** The signed checkpoints in `text`, in order, each as a note (text, blank line, signature lines). */
export function findCheckpointNotes(text: string): string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  const found: string[] = []
  for (let at = 0; at + 4 < lines.length; at++) {
    const prefix = (PREFIX.exec(lines[at] as string) as RegExpExecArray)[0]
    const strip = (line: string | undefined) => (line?.startsWith(prefix) ? line.slice(prefix.length) : undefined)
    const [origin, size, root] = [strip(lines[at]), strip(lines[at + 1]), strip(lines[at + 2])]
    if (!origin || size === undefined || root === undefined || parseCount(size) === null) continue
    if (fromBase64(root)?.length !== HASH_SIZE) continue
    let end = at + 3
    while (end < lines.length && end < at + 3 + MAX_EXTENSIONS && strip(lines[end])) end++
    // A quoted blank line may have lost the prefix's trailing space (`>` for `> `).
    const blank = lines[end]
    if (blank === undefined || (strip(blank) !== '' && !prefix.startsWith(blank))) continue
    const signatures: string[] = []
    for (let line = end + 1; line < lines.length && strip(lines[line])?.startsWith('— '); line++) {
      signatures.push(strip(lines[line]) as string)
    }
    if (signatures.length === 0) continue
    const body = lines.slice(at, end).map((line) => strip(line) as string)
    const note = `${body.join('\n')}\n\n${signatures.join('\n')}\n`
    const parsed = parseNote(note)
    if (!parsed.ok || !parseCheckpoint(parsed.text).ok) continue
    found.push(note)
    at = end + signatures.length
  }
  return found
}
