// The disclaimer CLI as the tests run it: its own main() in this process, with the environment, output and exit code a
// spawn of `node scripts/disclaimer.ts` would have, and nothing left behind; and the real entry, spawned, for the few
// tests that prove the entry itself (test/node/cli-runner.test.ts shows the two give the same).
import { AsyncLocalStorage } from 'node:async_hooks'
import { execFile } from 'node:child_process'
import { resolve } from 'node:path'
import { formatWithOptions, promisify } from 'node:util'
import { failure, main } from '../../scripts/disclaimer.ts'
import { PROJECT_ROOT } from '../../scripts/lib/paths.ts'

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** What every run has on top of this process's environment: no metrics sent, and no token unless a test gives one. */
const BASE_ENV: Record<string, string> = { WRANGLER_SEND_METRICS: 'false', DISCLAIMER_TOKEN: '' }

const CONSOLE_STREAMS = { log: 'stdout', info: 'stdout', debug: 'stdout', warn: 'stderr', error: 'stderr' } as const

type Output = Record<'stdout' | 'stderr', string>

// Output belongs to a run by its async context, so what the tests' own site or server prints meanwhile is not the CLI's.
const running = new AsyncLocalStorage<Output>()
let queue: Promise<unknown> = Promise.resolve()

/**
 * Runs `disclaimer <args>` in this process: `env` over this process's environment, stdout and stderr (the console's
 * and the streams' own writes) captured, and the exit code the entry would exit with. Runs take turns, since the
 * environment is the process's; each one's environment, console, streams and `process.exitCode` are put back after.
 */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const turn = queue.then(() => runNow(args, env))
  queue = turn.catch(() => undefined)
  return turn
}

async function runNow(args: string[], env: Record<string, string>): Promise<CliResult> {
  if (resolve(process.cwd()) !== resolve(PROJECT_ROOT)) {
    throw new Error(`runCli runs the CLI as from the project root (${PROJECT_ROOT}), not from ${process.cwd()}`)
  }
  const output: Output = { stdout: '', stderr: '' }
  const exitCodeBefore = process.exitCode
  process.exitCode = undefined
  const undo = [withEnv({ ...BASE_ENV, ...env }), captureConsole(), captureWrites('stdout'), captureWrites('stderr')]
  let code: number
  try {
    await running.run(output, () => main(args))
    code = Number(process.exitCode ?? 0)
  } catch (error) {
    const { line, exitCode } = failure(error)
    output.stderr += `${line}\n`
    code = exitCode
  } finally {
    for (const put of undo.reverse()) put()
    process.exitCode = exitCodeBefore
  }
  return { code, ...output }
}

function withEnv(vars: Record<string, string>): () => void {
  const before = { ...process.env }
  Object.assign(process.env, vars)
  return () => {
    for (const name of Object.keys(process.env)) if (!(name in before)) delete process.env[name]
    Object.assign(process.env, before)
  }
}

function captureConsole(): () => void {
  const originals = Object.keys(CONSOLE_STREAMS).map((method) => {
    const name = method as keyof typeof CONSOLE_STREAMS
    const original = console[name]
    console[name] = (...args: unknown[]) => {
      const output = running.getStore()
      if (!output) return original.apply(console, args)
      output[CONSOLE_STREAMS[name]] += `${formatWithOptions({}, ...args)}\n`
    }
    return () => {
      console[name] = original
    }
  })
  return () => {
    for (const put of originals) put()
  }
}

function captureWrites(name: 'stdout' | 'stderr'): () => void {
  const stream = process[name]
  const own = Object.hasOwn(stream, 'write')
  const original = stream.write
  stream.write = function write(this: typeof stream, chunk: unknown, ...rest: unknown[]) {
    const output = running.getStore()
    if (!output) return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest)
    output[name] += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8')
    const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined
    if (done) process.nextTick(done)
    return true
  } as typeof stream.write
  return () => {
    if (own) stream.write = original
    else delete (stream as { write?: unknown }).write
  }
}

const execute = promisify(execFile)

/** `node scripts/disclaimer.ts <args>` in a process of its own, with the same environment as `runCli`. */
export async function spawnCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await execute(process.execPath, ['scripts/disclaimer.ts', ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...BASE_ENV, ...env },
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}
