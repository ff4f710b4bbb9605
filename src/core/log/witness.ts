// A witness's decision on an add-checkpoint request (C2SP tlog-witness), as a pure function of the request and what
// it keeps: the logs it follows and the latest checkpoint it cosigned for each. A checkpoint that contradicts one
// it cosigned is refused with both notes as evidence of a fork.
import { type Checkpoint, parseCheckpoint } from './checkpoint.ts'
import { equalBytes, toBase64, utf8 } from './encoding.ts'
import { EMPTY_ROOT } from './merkle.ts'
import { openNote, parseNote, signatureLine } from './note.ts'
import type { NoteSigner, NoteVerifier } from './note-keys.ts'
import { verifyConsistency } from './proof-check.ts'
import { type AddCheckpointAnswer, parseAddCheckpointRequest } from './witness-protocol.ts'

/** The latest checkpoint a witness cosigned for a log. */
export interface CosignedCheckpoint {
  size: number
  root: Uint8Array
  /** The signed note as the log sent it. */
  note: string
}

export interface WitnessState {
  /** The log's keys for an origin the witness follows; undefined for any other origin. */
  logKeys(origin: string): readonly NoteVerifier[] | undefined
  latest(origin: string): CosignedCheckpoint | undefined
}

/** Two checkpoints, both signed by the log, that no consistency proof was shown to join. */
export interface ForkEvidence {
  origin: string
  cosigned: CosignedCheckpoint
  shown: CosignedCheckpoint
  /** True when the two cannot both be honest (same size, different roots); false when only the proof failed. */
  certain: boolean
}

export type WitnessDecision =
  | { verdict: 'cosign'; origin: string; checkpoint: Checkpoint; text: string; record: CosignedCheckpoint }
  | { verdict: 'conflict'; origin: string; size: number; problem: string }
  | { verdict: 'refuse'; status: 400 | 403 | 404 | 422; problem: string; origin?: string; fork?: ForkEvidence }

/**
 * Decides an add-checkpoint request. On 'cosign' the caller stores `record` as the origin's latest, atomically with
 * having read `latest` (compare its size), before answering with `witnessAnswer`.
 */
export async function decideAddCheckpoint(body: string | Uint8Array, state: WitnessState): Promise<WitnessDecision> {
  const request = parseAddCheckpointRequest(body)
  if (!request.ok) return refuse(400, `the request is malformed: ${request.problem}`)
  const { oldSize, proof, checkpoint: note } = request.request
  const parsedNote = parseNote(note)
  if (!parsedNote.ok) return refuse(400, `the checkpoint is not a signed note: ${parsedNote.problem}`)
  const parsed = parseCheckpoint(parsedNote.text)
  if (!parsed.ok) return refuse(400, `the checkpoint is malformed: ${parsed.problem}`)
  const checkpoint = parsed.checkpoint
  const { origin, size, root } = checkpoint
  const keys = state.logKeys(origin)
  if (!keys) return refuse(404, `this witness does not follow a log with origin ${JSON.stringify(origin)}`)
  const opened = await openNote(note, keys)
  if (!opened.ok) return refuse(403, `the checkpoint of ${origin} is not signed by its log: ${opened.problem}`, origin)
  if (oldSize > size) {
    return refuse(400, `the old size ${oldSize} is larger than the checkpoint's size ${size}`, origin)
  }
  const latest = state.latest(origin)
  const latestSize = latest?.size ?? 0
  if (oldSize !== latestSize) {
    return {
      verdict: 'conflict',
      origin,
      size: latestSize,
      problem: `the request proves from size ${oldSize}, but this witness last cosigned ${origin} at size ${latestSize}`,
    }
  }
  if (size === 0 && !equalBytes(root, EMPTY_ROOT)) {
    return refuse(422, `a checkpoint of size 0 must have the empty tree's root ${toBase64(EMPTY_ROOT)}`, origin)
  }
  const shown = { size, root, note }
  if (latest && latest.size === size && !equalBytes(latest.root, root)) {
    const fork = { origin, cosigned: latest, shown, certain: true }
    return refuse(
      422,
      `FORK: ${origin} signed two different trees of size ${size}: root ${toBase64(latest.root)} (cosigned earlier) and root ${toBase64(root)} (shown now). Keep both notes: they are proof the log showed two histories.`,
      origin,
      fork,
    )
  }
  const consistent = verifyConsistency({
    oldSize,
    oldRoot: latest?.root ?? EMPTY_ROOT,
    newSize: size,
    newRoot: root,
    proof,
  })
  if (!consistent.ok) {
    const fork = latest && oldSize > 0 ? { origin, cosigned: latest, shown, certain: false } : undefined
    return refuse(
      422,
      fork
        ? `POSSIBLE FORK: the checkpoint of ${origin} at size ${size} is not shown consistent with the one cosigned at size ${latestSize}: ${consistent.problem}. If the log cannot prove it, it has rewritten its history; keep both notes.`
        : `the consistency proof does not verify: ${consistent.problem}`,
      origin,
      fork,
    )
  }
  return { verdict: 'cosign', origin, checkpoint, text: opened.text, record: shown }
}

/** The answer to send: the cosignature lines for 'cosign', the latest size for 'conflict', else the refusal. */
export async function witnessAnswer(
  decision: WitnessDecision,
  cosigners: readonly NoteSigner[],
): Promise<AddCheckpointAnswer> {
  if (decision.verdict === 'conflict') return { status: 409, size: decision.size }
  if (decision.verdict === 'refuse') return { status: decision.status, problem: decision.problem }
  if (cosigners.length === 0) throw new RangeError('a witness needs at least one cosigning key')
  const text = utf8(decision.text)
  const lines: string[] = []
  for (const cosigner of cosigners) {
    lines.push(signatureLine({ name: cosigner.name, keyId: cosigner.keyId, signature: await cosigner.sign(text) }))
  }
  return { status: 200, cosignatures: lines.join('') }
}

function refuse(status: 400 | 403 | 404 | 422, problem: string, origin?: string, fork?: ForkEvidence): WitnessDecision {
  return { verdict: 'refuse', status, problem, ...(origin === undefined ? {} : { origin }), ...(fork ? { fork } : {}) }
}
