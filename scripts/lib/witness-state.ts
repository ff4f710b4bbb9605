// What a witness keeps on its own disk: per log origin, the latest checkpoint it cosigned, in one JSON file replaced
// atomically (written beside it, flushed, renamed over it) only while the stored size is still the one the decision
// read (compare-and-swap, under a lock file that shuts out a second process); and a log beside it, `<state>.log`,
// one JSON line per decision.
import {
  appendFileSync,
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs'
import { dirname } from 'node:path'
import { equalBytes, fromBase64, toBase64 } from '../../src/core/log/encoding.ts'
import type { CosignedCheckpoint } from '../../src/core/log/witness.ts'

interface Stored {
  size: number
  root: string
  note: string
  /** When it was cosigned, ISO 8601. */
  at: string
}

export interface StateFile {
  /** The witness key (`<name>+<key ID>`) that cosigned what the file holds. */
  witness: string
  logs: Record<string, Stored>
}

export type Swap = { ok: true } | { ok: false; reason: 'moved'; size: number } | { ok: false; reason: 'locked' }

export class WitnessState {
  readonly path: string
  readonly logPath: string
  readonly witness: string

  /** Opens (or starts) the state at `path` for the witness key `witness`; refuses a file it cannot read or another key's. */
  constructor(path: string, witness: string) {
    this.path = path
    this.logPath = `${path}.log`
    this.witness = witness
    const state = this.read()
    if (state.witness !== witness) {
      throw new Error(
        `${path} is the state of witness ${state.witness}, not ${witness}: give each witness key its own state file`,
      )
    }
  }

  read(): StateFile {
    let text: string
    try {
      text = readFileSync(this.path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { witness: this.witness, logs: {} }
      throw new Error(`cannot read the witness state ${this.path}: ${(error as Error).message}`)
    }
    let state: StateFile | undefined
    try {
      state = JSON.parse(text) as StateFile
    } catch {}
    const logs = typeof state?.logs === 'object' && state.logs !== null ? Object.entries(state.logs) : undefined
    const bad = logs?.find(([, log]) => !Number.isSafeInteger(log?.size) || fromBase64(log?.root ?? '')?.length !== 32)
    if (!state || typeof state.witness !== 'string' || !logs || bad) {
      throw new Error(
        `${this.path} is not a witness state file${bad ? ` (its log ${JSON.stringify(bad[0])})` : ''}: restore it from a copy; starting over with an empty one would forget what this witness cosigned`,
      )
    }
    return state
  }

  /** The latest checkpoint cosigned for `origin`, read from the file now. */
  latest(origin: string): CosignedCheckpoint | undefined {
    const stored = this.read().logs[origin]
    return stored && { size: stored.size, root: fromBase64(stored.root) as Uint8Array, note: stored.note }
  }

  /**
   * Stores `record` as the latest for `origin` if what is stored is still `read` (what the decision was made on):
   * else says the size stored now. The file is replaced whole, never left half-written.
   */
  swap(origin: string, read: CosignedCheckpoint | undefined, record: CosignedCheckpoint, now = new Date()): Swap {
    const lock = `${this.path}.lock`
    let held: number
    try {
      held = openSync(lock, 'wx')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { ok: false, reason: 'locked' }
      throw error
    }
    try {
      const state = this.read()
      const stored = state.logs[origin]
      const same = stored
        ? read !== undefined &&
          stored.size === read.size &&
          equalBytes(fromBase64(stored.root) as Uint8Array, read.root)
        : read === undefined
      if (!same) return { ok: false, reason: 'moved', size: stored?.size ?? 0 }
      state.logs[origin] = { size: record.size, root: toBase64(record.root), note: record.note, at: now.toISOString() }
      const temporary = `${this.path}.${process.pid}.tmp`
      const file = openSync(temporary, 'w', 0o600)
      try {
        writeSync(file, `${JSON.stringify(state, null, 2)}\n`)
        fsyncSync(file)
      } finally {
        closeSync(file)
      }
      renameSync(temporary, this.path)
      const directory = openSync(dirname(this.path), 'r')
      try {
        fsyncSync(directory)
      } finally {
        closeSync(directory)
      }
      return { ok: true }
    } finally {
      closeSync(held)
      unlinkSync(lock)
    }
  }

  /** Appends one line to `<state>.log`. */
  log(event: Record<string, unknown>, now = new Date()): void {
    appendFileSync(this.logPath, `${JSON.stringify({ at: now.toISOString(), ...event })}\n`)
  }
}
