// `verify` on several threads. The chain is sequential only in the hashes an export states, so a piece of whole lines
// can be checked on its own, going on from the row stated on the line before it; a piece that holds ends on the row
// the next one goes on from. Only an export that holds is answered here: anything else is checked again on one
// thread, which names the first line that does not hold exactly as it always has.
import { isAscii, isUtf8 } from 'node:buffer'
import { open } from 'node:fs/promises'
import { Worker } from 'node:worker_threads'
import { type Checkpoint, exportChecker, MAX_LINE_CHARS, type Verdict } from '../../src/core/chain.ts'
import { asciiChainStep, nodeChainStep } from './node-chain-step.ts'

/** A piece of whole lines, with the line before it (null for the first piece). */
export interface PieceToCheck {
  id: number
  before: Uint8Array | null
  bytes: ArrayBuffer
  length: number
  head: string | undefined
}

/** Whether every line of a piece held, and then where the check stands after it. */
export type PieceChecked = { id: number; held: false } | Held

type Held = { id: number; held: true; rows: number; head: string; headFound?: number; ended: boolean }

/** The row a piece goes on from, read from the line before it; undefined when that line is not a row's. */
function rowBefore(line: Uint8Array): Checkpoint | undefined {
  if (!isUtf8(line)) return undefined
  try {
    const { pos, hash, head } = JSON.parse(Buffer.from(line).toString('utf8'))
    return typeof pos === 'number' && typeof hash === 'string' && head === undefined ? { pos, hash } : undefined
  } catch {
    return undefined
  }
}

/** Checks a piece with the one export checker (src/core/chain.ts), going on from the row on the line before it. */
export function checkPiece({ id, before, bytes, length, head }: PieceToCheck): PieceChecked {
  const piece = Buffer.from(bytes, 0, length)
  const from = before === null ? undefined : rowBefore(before)
  if ((before !== null && from === undefined) || !isUtf8(piece)) return { id, held: false }
  // ASCII, the common case, is its own UTF-8 and decodes and encodes as Latin-1: a copy, several times faster.
  const ascii = isAscii(piece)
  const checker = exportChecker({ head, step: ascii ? asciiChainStep : nodeChainStep, from })
  if (checker.write(piece.toString(ascii ? 'latin1' : 'utf8'))) return { id, held: false }
  return { id, held: true, ...checker.progress() }
}

/**
 * Threads that check pieces, two at most waiting on each. Once a thread fails or stops, every piece it had and every
 * piece after is answered as not holding, so the export is checked again on one thread.
 */
class Threads {
  readonly #workers: { worker: Worker; waiting: Map<number, (checked: PieceChecked) => void> }[]
  #failed = false

  constructor(count: number) {
    this.#workers = Array.from({ length: count }, () => {
      const waiting = new Map<number, (checked: PieceChecked) => void>()
      const worker = new Worker(new URL('./verify-worker.ts', import.meta.url))
      const fail = () => {
        this.#failed = true
        for (const [id, answer] of waiting) answer({ id, held: false })
        waiting.clear()
      }
      worker.on('message', (checked: PieceChecked) => {
        waiting.get(checked.id)?.(checked)
        waiting.delete(checked.id)
      })
      worker.on('error', fail)
      worker.on('exit', fail)
      return { worker, waiting }
    })
  }

  /** Checks a piece on a thread with room for it, or undefined when every one has two waiting. */
  check(piece: PieceToCheck): Promise<PieceChecked> | undefined {
    if (this.#failed) return Promise.resolve({ id: piece.id, held: false })
    const free = this.#workers.find(({ waiting }) => waiting.size < 2)
    if (!free) return undefined
    return new Promise((answer) => {
      free.waiting.set(piece.id, answer)
      free.worker.postMessage(piece, [piece.bytes])
    })
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map(({ worker }) => worker.terminate()))
  }
}

export interface ThreadOptions {
  head?: string
  /** Threads besides this one. */
  threads: number
  /** How many bytes are read at a time; a piece is what they hold up to their last newline. */
  pieceBytes?: number
}

/**
 * Checks an export file on `threads` threads and this one, which reads it and checks a piece itself whenever every
 * thread has two waiting. Returns the verdict when the export holds, or undefined for anything else (a line that does
 * not hold, bytes that are not UTF-8, no end line, a head not found, a line too long), to be checked on one thread.
 */
export async function verifyOnThreads(file: string, options: ThreadOptions): Promise<Verdict | undefined> {
  const pieceBytes = options.pieceBytes ?? 1 << 20
  const threads = new Threads(options.threads)
  const handle = await open(file, 'r')
  const checking: (PieceChecked | Promise<PieceChecked>)[] = []
  let last: Held | undefined
  let headFound: number | undefined
  // The oldest piece's answer: false when it did not hold.
  const settle = async (): Promise<boolean> => {
    const checked = await (checking.shift() as PieceChecked | Promise<PieceChecked>)
    if (!checked.held) return false
    last = checked
    headFound = checked.headFound ?? headFound
    return true
  }
  try {
    let carried = new Uint8Array(0)
    let before: Uint8Array | null = null
    for (let id = 0; ; id++) {
      const bytes = new Uint8Array(carried.length + Math.max(pieceBytes, carried.length))
      bytes.set(carried)
      const { bytesRead } = await handle.read(bytes, carried.length, bytes.length - carried.length, null)
      const filled = carried.length + bytesRead
      if (bytesRead === 0) {
        if (filled > 0) return undefined
        break
      }
      const end = bytes.lastIndexOf(NEWLINE, filled - 1) + 1
      carried = bytes.slice(end, filled)
      // A read at most doubles what is carried: a line this long may end near MAX_LINE_CHARS, which the one-thread
      // check judges at its own reads' ends, so that check judges this export.
      if (carried.length > MAX_LINE_CHARS / 4) return undefined
      if (end === 0) continue
      const piece: PieceToCheck = { id, before, bytes: bytes.buffer, length: end, head: options.head }
      before = bytes.slice(end < 2 ? 0 : bytes.lastIndexOf(NEWLINE, end - 2) + 1, end - 1)
      checking.push(threads.check(piece) ?? checkPiece(piece))
      while (checking.length > 2 * options.threads) if (!(await settle())) return undefined
    }
    while (checking.length) if (!(await settle())) return undefined
    if (!last?.ended || (options.head !== undefined && headFound === undefined)) return undefined
    return { ok: true, rows: last.rows, head: last.head, ...(headFound === undefined ? {} : { headFound }) }
  } finally {
    await handle.close()
    await threads.close()
  }
}

const NEWLINE = 0x0a
