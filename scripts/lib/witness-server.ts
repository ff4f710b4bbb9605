// The witness as an HTTP server (C2SP tlog-witness): `POST <url>/add-checkpoint` decided by decideAddCheckpoint
// (src/core/log/witness.ts) over the state on disk, stored before it is answered; every refusal said on stderr and in
// the state's log, a fork with both notes as evidence.
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { NoteSigner, NoteVerifier } from '../../src/core/log/note-keys.ts'
import { type CosignedCheckpoint, decideAddCheckpoint, witnessAnswer } from '../../src/core/log/witness.ts'
import { type AddCheckpointAnswer, formatAddCheckpointAnswer } from '../../src/core/log/witness-protocol.ts'
import { printable } from '../../src/core/validate.ts'
import type { WitnessState } from './witness-state.ts'

/** Larger than any add-checkpoint body: 63 proof lines and a checkpoint with 100 signatures. */
export const MAX_BODY_BYTES = 64 * 1024

export interface WitnessOptions {
  cosigner: NoteSigner
  /** The log keys of each origin this witness follows. */
  logs: ReadonlyMap<string, readonly NoteVerifier[]>
  state: WitnessState
  host: string
  /** 0 for a free port. */
  port: number
  /** What it did, one line each; `loud` for a refusal. */
  say(line: string, loud: boolean): void
}

export interface RunningWitness {
  /** `http://<host>:<port>`: the log asks `<url>/add-checkpoint`. */
  url: string
  close(): Promise<void>
}

async function body(request: IncomingMessage): Promise<Uint8Array | null> {
  const chunks: Buffer[] = []
  let length = 0
  for await (const chunk of request) {
    length += (chunk as Buffer).length
    if (length > MAX_BODY_BYTES) return null
    chunks.push(chunk as Buffer)
  }
  return new Uint8Array(Buffer.concat(chunks))
}

/** Decides one add-checkpoint body and stores what it cosigns; the answer to send, and what to say. */
export async function addCheckpoint(
  payload: Uint8Array,
  options: Pick<WitnessOptions, 'cosigner' | 'logs' | 'state' | 'say'>,
): Promise<AddCheckpointAnswer | { status: 503; problem: string }> {
  const { state, say } = options
  let read: CosignedCheckpoint | undefined
  const decision = await decideAddCheckpoint(payload, {
    logKeys: (origin) => options.logs.get(origin),
    latest: (origin) => {
      read = state.latest(origin)
      return read
    },
  })
  if (decision.verdict === 'refuse') {
    const { status, problem, origin, fork } = decision
    const evidence = fork && { cosigned: fork.cosigned.note, shown: fork.shown.note, certain: fork.certain }
    state.log({ event: 'refused', status, origin: origin ?? null, problem, ...(evidence ? { fork: evidence } : {}) })
    const where = fork ? ` (both notes are in ${state.logPath})` : ''
    say(`witness: REFUSED with ${status}: ${printable(problem)}${where}`, true)
    return witnessAnswer(decision, [options.cosigner])
  }
  if (decision.verdict === 'conflict') {
    state.log({ event: 'conflict', origin: decision.origin, size: decision.size, problem: decision.problem })
    say(`witness: 409 to ${printable(decision.origin)}: ${printable(decision.problem)}`, false)
    return witnessAnswer(decision, [options.cosigner])
  }
  const swapped = state.swap(decision.origin, read, decision.record)
  if (!swapped.ok && swapped.reason === 'locked') {
    const problem = `the state ${state.path} is locked by another process (${state.path}.lock); try again`
    say(`witness: 503: ${problem}`, true)
    return { status: 503, problem }
  }
  if (!swapped.ok) {
    const problem = `another request cosigned ${decision.origin} at size ${swapped.size} meanwhile`
    state.log({ event: 'conflict', origin: decision.origin, size: swapped.size, problem })
    say(`witness: 409 to ${printable(decision.origin)}: ${problem}`, false)
    return { status: 409, size: swapped.size }
  }
  const { origin, checkpoint } = decision
  state.log({ event: 'cosigned', origin, size: checkpoint.size, root: Buffer.from(checkpoint.root).toString('base64') })
  say(`witness: cosigned ${printable(origin)} at size ${checkpoint.size}`, false)
  return witnessAnswer(decision, [options.cosigner])
}

/** Starts the witness; it serves until `close`. */
export async function startWitness(options: WitnessOptions): Promise<RunningWitness> {
  const server: Server = createServer(async (request, response) => {
    const send = (status: number, contentType: string, text: string) =>
      response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' }).end(text)
    const path = new URL(request.url ?? '/', 'http://witness').pathname
    if (path !== '/add-checkpoint') return send(404, 'text/plain; charset=utf-8', 'only POST /add-checkpoint is here\n')
    if (request.method !== 'POST') {
      response.setHeader('allow', 'POST')
      return send(405, 'text/plain; charset=utf-8', 'add-checkpoint takes a POST\n')
    }
    try {
      const payload = await body(request)
      if (!payload) return send(400, 'text/plain; charset=utf-8', `the body is over ${MAX_BODY_BYTES} bytes\n`)
      const answer = await addCheckpoint(payload, options)
      if (answer.status === 503) return send(503, 'text/plain; charset=utf-8', `${answer.problem}\n`)
      const { status, contentType, body: text } = formatAddCheckpointAnswer(answer)
      send(status, contentType, text)
    } catch (error) {
      options.say(`witness: 500: ${printable((error as Error).message)}`, true)
      send(500, 'text/plain; charset=utf-8', 'the witness failed; its operator sees why\n')
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, resolve)
  })
  const { port } = server.address() as { port: number }
  const host = options.host.includes(':') ? `[${options.host}]` : options.host
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
