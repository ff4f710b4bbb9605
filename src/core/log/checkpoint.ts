// C2SP tlog-checkpoint: the note text `<origin>\n<size>\n<base64 root>\n[extension lines]`, read and written byte
// for byte as the spec says, and opened from a signed note with the log's keys.
import { fromBase64, parseCount, toBase64 } from './encoding.ts'
import { HASH_SIZE } from './merkle.ts'
import { type NoteSignature, openNote } from './note.ts'
import type { NoteVerifier } from './note-keys.ts'

export interface Checkpoint {
  origin: string
  size: number
  root: Uint8Array
  /** Opaque lines after the root, each non-empty. */
  extensions: string[]
}

export type ParsedCheckpoint = { ok: true; checkpoint: Checkpoint } | { ok: false; problem: string; line?: number }

/** The note text of a checkpoint. */
export function formatCheckpoint({ origin, size, root, extensions }: Checkpoint): string {
  for (const [what, line] of [['origin', origin], ...extensions.map((e) => ['extension line', e])] as const) {
    if (line === '' || line.includes('\n')) throw new RangeError(`a checkpoint's ${what} is one non-empty line`)
  }
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`a tree size is a whole number, not ${size}`)
  if (root.length !== HASH_SIZE) throw new RangeError(`a root hash is ${HASH_SIZE} bytes, not ${root.length}`)
  return [origin, String(size), toBase64(root), ...extensions].map((line) => `${line}\n`).join('')
}

/** Reads a checkpoint's note text (signatures already split off); each problem names its line. */
export function parseCheckpoint(text: string): ParsedCheckpoint {
  if (!text.endsWith('\n')) return { ok: false, problem: 'a checkpoint ends in a newline' }
  const lines = text.slice(0, -1).split('\n')
  const [origin, size, root, ...extensions] = lines
  if (lines.length < 3)
    return { ok: false, problem: `a checkpoint has at least 3 lines (origin, size, root), not ${lines.length}` }
  if (origin === '') return { ok: false, problem: 'line 1: the origin is empty', line: 1 }
  const count = parseCount(size as string)
  if (count === null) {
    return {
      ok: false,
      problem: `line 2: ${JSON.stringify(size)} is not a tree size (decimal digits, no leading zero, at most 2^53 - 1)`,
      line: 2,
    }
  }
  const hash = fromBase64(root as string)
  if (!hash || hash.length !== HASH_SIZE) {
    return { ok: false, problem: `line 3: ${JSON.stringify(root)} is not the base64 of a 32-byte root hash`, line: 3 }
  }
  const empty = extensions.indexOf('')
  if (empty >= 0) return { ok: false, problem: `line ${4 + empty}: an extension line is empty`, line: 4 + empty }
  return { ok: true, checkpoint: { origin: origin as string, size: count, root: hash, extensions } }
}

export type OpenedCheckpoint =
  | { ok: true; checkpoint: Checkpoint; text: string; verified: NoteSignature[]; unverified: NoteSignature[] }
  | { ok: false; problem: string; line?: number; key?: string }

/**
 * Opens a signed checkpoint with the log's verifiers: the note must verify (see openNote), its text must be a
 * checkpoint, and its origin must be `origin` when one is given.
 */
export async function openCheckpoint(
  note: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
  origin?: string,
): Promise<OpenedCheckpoint> {
  const opened = await openNote(note, verifiers)
  if (!opened.ok) {
    const { problem, line, key } = opened
    return {
      ok: false,
      problem: `the checkpoint's note: ${problem}`,
      ...(line ? { line } : {}),
      ...(key ? { key } : {}),
    }
  }
  const parsed = parseCheckpoint(opened.text)
  if (!parsed.ok)
    return { ok: false, problem: `the checkpoint: ${parsed.problem}`, ...(parsed.line ? { line: parsed.line } : {}) }
  if (origin !== undefined && parsed.checkpoint.origin !== origin) {
    return {
      ok: false,
      problem: `the checkpoint is of log ${JSON.stringify(parsed.checkpoint.origin)}, not ${JSON.stringify(origin)}`,
      line: 1,
    }
  }
  return {
    ok: true,
    checkpoint: parsed.checkpoint,
    text: opened.text,
    verified: opened.verified,
    unverified: opened.unverified,
  }
}
