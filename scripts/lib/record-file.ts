// The record as a file: `export` writes it as the ledger pages it out, `verify` checks it as it reads it. Neither
// holds the whole record in memory, however many years it covers.
import { isUtf8 } from 'node:buffer'
import { once } from 'node:events'
import { createReadStream, createWriteStream, renameSync, rmSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import type { Writable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { type ExportPage, exportLines, type Verdict, verifyExportStream } from '../../src/core/chain.ts'
import { nodeChainStep } from './node-chain-step.ts'
import { verifyOnThreads } from './verify-threads.ts'

export { nodeChainStep }

/** Thrown for a file that is not UTF-8: an export never is anything else. */
export class NotUtf8Error extends Error {}

/** How many bytes of `bytes` end on a whole UTF-8 character: the rest waits for the next piece. */
function wholeCharacters(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back] as number
    if ((byte & 0xc0) === 0x80) continue
    const needs = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1
    return needs > back ? bytes.length - back : bytes.length
  }
  return bytes.length
}

/**
 * A file's text, piece by piece, refusing bytes that are not UTF-8 (and keeping a byte order mark, which no export
 * has, so that it fails as the first line's first character).
 */
export async function* utf8Pieces(file: string): AsyncGenerator<string> {
  let carried: Buffer = Buffer.alloc(0)
  let offset = 0
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    const bytes = carried.length ? Buffer.concat([carried, chunk as Buffer]) : (chunk as Buffer)
    const whole = wholeCharacters(bytes)
    if (!isUtf8(bytes.subarray(0, whole))) {
      throw new NotUtf8Error(`the file is not UTF-8 (within bytes ${offset + 1} to ${offset + whole})`)
    }
    yield bytes.toString('utf8', 0, whole)
    offset += whole
    carried = bytes.subarray(whole)
  }
  if (carried.length) throw new NotUtf8Error('the file is not UTF-8: it ends inside a character')
}

/**
 * Checks an export file as it reads it: on `threads` threads besides this one (one fewer than the cores, at most 3),
 * and an export that does not hold again on this one alone, for the exact verdict naming its first line that fails.
 */
export async function verifyFile(
  file: string,
  head?: string,
  threads = Math.min(availableParallelism() - 1, 3),
): Promise<Verdict> {
  const verdict = threads > 0 ? await verifyOnThreads(file, { head, threads }) : undefined
  return verdict ?? verifyExportStream(utf8Pieces(file), { head, step: nodeChainStep })
}

async function writeAll(out: Writable, lines: AsyncIterable<string>): Promise<number> {
  let count = 0
  for await (const line of lines) {
    if (!out.write(line)) await once(out, 'drain')
    count++
  }
  return count
}

/**
 * Writes the record to `file`, through `<file>.partial` renamed once the end line is written: a failed export leaves
 * no file that looks whole. Returns how many rows it wrote.
 */
export async function exportToFile(file: string, pageAfter: (after: number) => Promise<ExportPage>): Promise<number> {
  const partial = `${file}.partial`
  const out = createWriteStream(partial)
  await once(out, 'open')
  try {
    const lines = await writeAll(out, exportLines(pageAfter))
    out.end()
    await finished(out)
    renameSync(partial, file)
    return lines - 1
  } catch (error) {
    // The write still pending fails as the stream is destroyed: it is the export's error, not this one, that counts.
    const closed = finished(out).catch(() => undefined)
    out.destroy()
    await closed
    rmSync(partial, { force: true })
    throw error
  }
}

/** Writes the record to standard output as the ledger pages it out. */
export async function exportToStdout(pageAfter: (after: number) => Promise<ExportPage>): Promise<void> {
  await writeAll(process.stdout, exportLines(pageAfter))
}
