// C2SP tlog-witness add-checkpoint: the request body (`old <size>`, consistency proof lines, a blank line, the
// signed checkpoint) and the answers, with what each status code means to the log that asked.
import { decodeUtf8, fromBase64, parseCount, toBase64 } from './encoding.ts'
import { HASH_SIZE } from './merkle.ts'

export const MAX_PROOF_LINES = 63
/** The Content-Type of a 409 answer, whose body is the witness's latest cosigned size. */
export const SIZE_CONTENT_TYPE = 'text/x.tlog.size'

export interface AddCheckpointRequest {
  oldSize: number
  proof: Uint8Array[]
  /** The signed checkpoint note, signatures included. */
  checkpoint: string
}

export function formatAddCheckpointRequest({ oldSize, proof, checkpoint }: AddCheckpointRequest): string {
  if (!Number.isSafeInteger(oldSize) || oldSize < 0)
    throw new RangeError(`an old size is a whole number, not ${oldSize}`)
  if (proof.length > MAX_PROOF_LINES) throw new RangeError(`a consistency proof has at most ${MAX_PROOF_LINES} hashes`)
  return `old ${oldSize}\n${proof.map((hash) => `${toBase64(hash)}\n`).join('')}\n${checkpoint}`
}

export type ParsedAddCheckpointRequest = { ok: true; request: AddCheckpointRequest } | { ok: false; problem: string }

/** Reads a request body; what is wrong is said with its line. The checkpoint itself is left to the caller. */
export function parseAddCheckpointRequest(body: string | Uint8Array): ParsedAddCheckpointRequest {
  const text = typeof body === 'string' ? body : decodeUtf8(body)
  if (text === null) return { ok: false, problem: 'the body is not valid UTF-8' }
  const blank = text.indexOf('\n\n')
  if (blank < 0)
    return { ok: false, problem: 'the body has no blank line between the old size and proof and the checkpoint' }
  const [first, ...proofLines] = text.slice(0, blank).split('\n')
  const oldSize = first?.startsWith('old ') ? parseCount(first.slice(4)) : null
  if (oldSize === null) {
    return {
      ok: false,
      problem: `line 1 must be "old <size>" (decimal, no leading zero), not ${JSON.stringify(first)}`,
    }
  }
  if (proofLines.length > MAX_PROOF_LINES) {
    return { ok: false, problem: `the proof has ${proofLines.length} lines; at most ${MAX_PROOF_LINES} are allowed` }
  }
  const proof: Uint8Array[] = []
  for (const [at, line] of proofLines.entries()) {
    const hash = fromBase64(line)
    if (!hash || hash.length !== HASH_SIZE) {
      return { ok: false, problem: `line ${at + 2} is not the base64 of a 32-byte hash: ${JSON.stringify(line)}` }
    }
    proof.push(hash)
  }
  return { ok: true, request: { oldSize, proof, checkpoint: text.slice(blank + 2) } }
}

/** What a witness answers: cosignature lines, its latest size on a conflict, or a refusal and why. */
export type AddCheckpointAnswer =
  | { status: 200; cosignatures: string }
  | { status: 409; size: number }
  | { status: 400 | 403 | 404 | 422; problem: string }

/** What each status of add-checkpoint means, as the log that asked should read it. */
export const ADD_CHECKPOINT_STATUS: Readonly<Record<number, string>> = {
  200: "cosigned: the body holds the witness's cosignature lines",
  400: "the request is malformed, or its old size is larger than the checkpoint's",
  403: 'the checkpoint has no valid signature by a key the witness trusts for its origin',
  404: 'the witness does not follow a log of this origin',
  409: 'the old size is not the size the witness last cosigned; the body holds that size: prove consistency from it',
  422: 'the consistency proof does not verify, or the checkpoint contradicts one the witness cosigned: the log may have forked',
}

/** The HTTP answer: status, Content-Type and body. */
export function formatAddCheckpointAnswer(answer: AddCheckpointAnswer): {
  status: number
  contentType: string
  body: string
} {
  if (answer.status === 200) return { status: 200, contentType: 'text/plain; charset=utf-8', body: answer.cosignatures }
  if (answer.status === 409) return { status: 409, contentType: SIZE_CONTENT_TYPE, body: `${answer.size}\n` }
  return { status: answer.status, contentType: 'text/plain; charset=utf-8', body: `${answer.problem}\n` }
}

export type ReadAnswer =
  | { ok: true; cosignatures: string }
  | { ok: false; status: number; meaning: string; size?: number; detail: string }

/** Reads a witness's answer to add-checkpoint, as the log that asked. */
export function readAddCheckpointAnswer(status: number, contentType: string | null, body: string): ReadAnswer {
  const meaning = ADD_CHECKPOINT_STATUS[status] ?? `status ${status} is not part of add-checkpoint`
  const fail = (detail: string, size?: number): ReadAnswer => ({
    ok: false,
    status,
    meaning,
    detail,
    ...(size === undefined ? {} : { size }),
  })
  if (status === 200) {
    const lines = body.split('\n')
    if (!body.endsWith('\n') || lines.slice(0, -1).some((line) => !line.startsWith('— '))) {
      return fail('the body is not signature lines, each “— <name> <base64>” and a newline')
    }
    return { ok: true, cosignatures: body }
  }
  if (status === 409) {
    const size = body.endsWith('\n') ? parseCount(body.slice(0, -1)) : null
    if (contentType?.split(';')[0]?.trim() !== SIZE_CONTENT_TYPE || size === null) {
      return fail(`a 409 answer is a size in ${SIZE_CONTENT_TYPE}; this one is ${JSON.stringify(body.slice(0, 80))}`)
    }
    return fail(`the witness last cosigned size ${size}`, size)
  }
  return fail(body.trim().slice(0, 500))
}
