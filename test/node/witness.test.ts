// `npm run witness` as its user runs it: keygen, then serve in two runs over the same state.
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { MemoryLog } from '../../scripts/lib/memory-log.ts'
import { PROJECT_ROOT } from '../../scripts/lib/paths.ts'
import { utf8 } from '../../src/core/log/encoding.ts'
import { keyLabel, openServedCheckpoint } from '../../src/core/log/log-client.ts'
import { parseVerifierKey } from '../../src/core/log/note-keys.ts'
import { consistencyProof } from '../../src/core/log/tree-store.ts'
import { formatAddCheckpointRequest } from '../../src/core/log/witness-protocol.ts'
import { testKey } from './log-fixtures.ts'

const run = promisify(execFile)
const ORIGIN = 'site.example/disclaimer-log'
const scratch = mkdtempSync(join(tmpdir(), 'witness-cli-'))
const running: ChildProcess[] = []
afterAll(() => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL')
  rmSync(scratch, { recursive: true, force: true })
})

async function witness(args: string[]) {
  try {
    const { stdout, stderr } = await run('node', ['scripts/witness.ts', ...args], { cwd: PROJECT_ROOT })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

/** Starts `serve` and waits (at most 20 s) until it says where it listens. */
async function serve(args: string[]) {
  const child = spawn('node', ['scripts/witness.ts', 'serve', ...args, '--port', '0'], { cwd: PROJECT_ROOT })
  running.push(child)
  const output = { stdout: '', stderr: '' }
  child.stdout.on('data', (chunk) => {
    output.stdout += chunk
  })
  child.stderr.on('data', (chunk) => {
    output.stderr += chunk
  })
  const deadline = Date.now() + 20_000
  let url: string | undefined
  while (!url) {
    url = /listening on (http:\/\/127\.0\.0\.1:[0-9]+)\/add-checkpoint/.exec(output.stdout)?.[1]
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the witness did not start: ${output.stderr}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const stop = async (signal: NodeJS.Signals) => {
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill(signal)
    return exited
  }
  return { url, output, stop }
}

function logOf(size: number, entry = (i: number) => `entry ${i}`): MemoryLog {
  const log = new MemoryLog(ORIGIN)
  for (let i = 0; i < size; i++) log.append(utf8(entry(i)))
  return log
}

describe('npm run witness', () => {
  it('makes a key, cosigns consistent checkpoints, and after a restart refuses a fork loudly', async () => {
    const keyFile = join(scratch, 'witness.key')
    const made = await witness(['keygen', 'auditor.example/witness', '--out', keyFile])
    expect(made.code).toBe(0)
    const verifierKey = made.stdout.trim()
    const parsed = parseVerifierKey(verifierKey)
    expect(parsed.ok && [parsed.key.name, parsed.key.type]).toEqual(['auditor.example/witness', 4])
    expect(readFileSync(keyFile, 'utf8')).toMatch(/^PRIVATE\+KEY\+auditor\.example\/witness\+[0-9a-f]{8}\+\S+\n$/)
    expect(statSync(keyFile).mode & 0o777).toBe(0o600)
    expect((await witness(['keygen', 'auditor.example/witness', '--out', keyFile])).code).toBe(2)

    const log = await testKey(ORIGIN)
    const witnessKey = parseVerifierKey(verifierKey)
    if (!witnessKey.ok) throw new Error(witnessKey.problem)
    const args = ['--key', keyFile, '--state', join(scratch, 'state.json'), '--log-key', log.verifierKey]
    const ask = async (url: string, tree: MemoryLog, oldSize: number) => {
      const checkpoint = await tree.sign([log.signer])
      const proof = oldSize === 0 ? [] : consistencyProof(tree.hashes, oldSize, tree.size)
      const body = formatAddCheckpointRequest({ oldSize, proof, checkpoint })
      const response = await fetch(`${url}/add-checkpoint`, { method: 'POST', body })
      return { status: response.status, text: await response.text(), checkpoint }
    }

    const first = await serve(args)
    expect(first.output.stdout).toContain(
      `following ${ORIGIN} (log key ${keyLabel(log.key)}); last cosigned: nothing yet`,
    )
    expect((await ask(first.url, logOf(3), 0)).status).toBe(200)
    const cosigned = await ask(first.url, logOf(40), 3)
    expect(cosigned.status).toBe(200)
    const opened = await openServedCheckpoint(`${cosigned.checkpoint}${cosigned.text}`, {
      log: log.key,
      witnesses: [witnessKey.key],
    })
    expect(opened.ok && opened.trusted.witnesses[0]?.cosigned).toBe(true)
    expect(await first.stop('SIGTERM')).toBe(0)
    expect(first.output.stdout).toContain(`witness: cosigned ${ORIGIN} at size 40\nwitness: SIGTERM: stopping\n`)

    const second = await serve(args)
    expect(second.output.stdout).toContain('last cosigned: size 40')
    const fork = await ask(
      second.url,
      logOf(40, (i) => (i === 7 ? 'entry 7, rewritten' : `entry ${i}`)),
      40,
    )
    expect(fork.status).toBe(422)
    expect(second.output.stderr).toMatch(
      new RegExp(`^witness: REFUSED with 422: FORK: ${ORIGIN} signed two different trees of size 40`),
    )
    expect((await ask(second.url, logOf(41), 40)).status).toBe(200)
    expect(await second.stop('SIGINT')).toBe(0)
    const events = readFileSync(join(scratch, 'state.json.log'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).event)
    expect(events).toEqual(['cosigned', 'cosigned', 'refused', 'cosigned'])
  })

  it('refuses to serve without its key, state and the log’s key, with exit code 2', async () => {
    const missing = await witness(['serve', '--state', join(scratch, 's.json')])
    expect([missing.code, missing.stderr.split('\n')[0]]).toEqual([2, 'witness: serve needs --key and --state'])
    const unknown = await witness(['serve', '--bogus'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain("Unknown option '--bogus'")
  })
})
