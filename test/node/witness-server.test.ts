import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemoryLog } from '../../scripts/lib/memory-log.ts'
import { addCheckpoint, type RunningWitness, startWitness } from '../../scripts/lib/witness-server.ts'
import { WitnessState } from '../../scripts/lib/witness-state.ts'
import { utf8 } from '../../src/core/log/encoding.ts'
import { keyLabel, openServedCheckpoint } from '../../src/core/log/log-client.ts'
import { COSIGNATURE_V1, ed25519Verifier } from '../../src/core/log/note-keys.ts'
import { consistencyProof } from '../../src/core/log/tree-store.ts'
import { formatAddCheckpointRequest } from '../../src/core/log/witness-protocol.ts'
import { type TestKey, testKey } from './log-fixtures.ts'

const ORIGIN = 'site.example/disclaimer-log'
const scratch = mkdtempSync(join(tmpdir(), 'witness-server-'))
let logKey: TestKey
let witnessKey: TestKey
let witness: RunningWitness
let state: WitnessState
const said: { line: string; loud: boolean }[] = []

function logOf(size: number, entry = (i: number) => `entry ${i}`): MemoryLog {
  const log = new MemoryLog(ORIGIN)
  for (let i = 0; i < size; i++) log.append(utf8(entry(i)))
  return log
}

/** Asks the witness to cosign `log`'s tree of now, proving it from `oldSize`. */
async function ask(log: MemoryLog, oldSize: number, signers = [logKey.signer]) {
  const checkpoint = await log.sign(signers)
  const body = formatAddCheckpointRequest({
    oldSize,
    proof: oldSize === 0 ? [] : consistencyProof(log.hashes, oldSize, log.size),
    checkpoint,
  })
  const response = await fetch(`${witness.url}/add-checkpoint`, { method: 'POST', body })
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    text: await response.text(),
    checkpoint,
  }
}

beforeAll(async () => {
  logKey = await testKey(ORIGIN)
  witnessKey = await testKey('auditor.example/witness', COSIGNATURE_V1)
  state = new WitnessState(join(scratch, 'state.json'), keyLabel(witnessKey.key))
  witness = await startWitness({
    cosigner: witnessKey.signer,
    logs: new Map([[ORIGIN, [ed25519Verifier(logKey.key)]]]),
    state,
    host: '127.0.0.1',
    port: 0,
    say: (line, loud) => said.push({ line, loud }),
  })
})

afterAll(async () => {
  await witness.close()
  rmSync(scratch, { recursive: true, force: true })
})

describe('the witness server', () => {
  it('cosigns consistent checkpoints, each proved from the last it cosigned, and keeps the latest', async () => {
    const first = await ask(logOf(5), 0)
    expect(first.status).toBe(200)
    const cosigned = `${first.checkpoint}${first.text}`
    const opened = await openServedCheckpoint(cosigned, { log: logKey.key, witnesses: [witnessKey.key] })
    expect(opened.ok && opened.trusted.witnesses).toEqual([
      { key: keyLabel(witnessKey.key), cosigned: true, time: 1767225600 },
    ])
    const second = await ask(logOf(300), 5)
    expect(second.status).toBe(200)
    expect(state.latest(ORIGIN)?.size).toBe(300)
    expect(said.slice(-2)).toEqual([
      { line: `witness: cosigned ${ORIGIN} at size 5`, loud: false },
      { line: `witness: cosigned ${ORIGIN} at size 300`, loud: false },
    ])
  })

  it('refuses a fork with 422, loudly, keeping both notes as evidence', async () => {
    const forked = logOf(300, (i) => (i === 3 ? 'entry 3, rewritten' : `entry ${i}`))
    const answer = await ask(forked, 300)
    expect(answer.status).toBe(422)
    expect(answer.text).toMatch(new RegExp(`^FORK: ${ORIGIN} signed two different trees of size 300`))
    expect(said.at(-1)?.loud).toBe(true)
    expect(said.at(-1)?.line).toMatch(
      new RegExp(`^witness: REFUSED with 422: FORK: .* \\(both notes are in ${scratch}/state.json.log\\)$`),
    )
    const last = JSON.parse(readFileSync(`${state.path}.log`, 'utf8').trim().split('\n').at(-1) as string)
    expect(last).toMatchObject({ event: 'refused', status: 422, origin: ORIGIN, fork: { certain: true } })
    expect(last.fork.shown).toBe(answer.checkpoint)
    expect(last.fork.cosigned).toBe(state.latest(ORIGIN)?.note)
    expect(state.latest(ORIGIN)?.size).toBe(300)

    const grown = logOf(400, (i) => (i === 3 ? 'entry 3, rewritten' : `entry ${i}`))
    const later = await ask(grown, 300)
    expect(later.status).toBe(422)
    expect(later.text).toMatch(/^POSSIBLE FORK: the checkpoint of .* at size 400 is not shown consistent/)
    expect(state.latest(ORIGIN)?.size).toBe(300)
  })

  it('answers 409 with its size when asked from another, and the spec’s status for every other refusal', async () => {
    const stale = await ask(logOf(400), 5)
    expect([stale.status, stale.type, stale.text]).toEqual([409, 'text/x.tlog.size', '300\n'])
    const stranger = await testKey(ORIGIN)
    expect((await ask(logOf(400), 300, [stranger.signer])).status).toBe(403)
    const other = new MemoryLog('other.example/disclaimer-log')
    other.append(utf8('x'))
    expect((await ask(other, 0)).status).toBe(404)
    const malformed = await fetch(`${witness.url}/add-checkpoint`, { method: 'POST', body: 'old x\n\n' })
    expect([malformed.status, await malformed.text()]).toEqual([
      400,
      'the request is malformed: line 1 must be "old <size>" (decimal, no leading zero), not "old x"\n',
    ])
    expect((await fetch(`${witness.url}/add-checkpoint`)).status).toBe(405)
    expect((await fetch(`${witness.url}/elsewhere`, { method: 'POST' })).status).toBe(404)
    expect(state.latest(ORIGIN)?.size).toBe(300)
  })

  it('cosigns nothing when another process stored a checkpoint between its decision and its write', async () => {
    const path = join(scratch, 'raced.json')
    const raced = new WitnessState(path, keyLabel(witnessKey.key))
    const other = new WitnessState(path, keyLabel(witnessKey.key))
    const base = logOf(10)
    raced.swap(ORIGIN, undefined, { size: 10, root: base.root(), note: await base.sign([logKey.signer]) })
    // The decision reads size 10; the other process then stores 20 before this one writes.
    const sneaky = Object.create(raced) as WitnessState
    sneaky.latest = (origin) => {
      const read = raced.latest(origin)
      const twenty = logOf(20)
      other.swap(ORIGIN, read, { size: 20, root: twenty.root(), note: "the other process's\n" })
      return read
    }
    const log = logOf(30)
    const body = formatAddCheckpointRequest({
      oldSize: 10,
      proof: consistencyProof(log.hashes, 10, 30),
      checkpoint: await log.sign([logKey.signer]),
    })
    const lines: string[] = []
    const answer = await addCheckpoint(utf8(body), {
      cosigner: witnessKey.signer,
      logs: new Map([[ORIGIN, [ed25519Verifier(logKey.key)]]]),
      state: sneaky,
      say: (line) => lines.push(line),
    })
    expect(answer).toEqual({ status: 409, size: 20 })
    expect(raced.latest(ORIGIN)?.size).toBe(20)
    expect(lines).toEqual([`witness: 409 to ${ORIGIN}: another request cosigned ${ORIGIN} at size 20 meanwhile`])
  })
})
